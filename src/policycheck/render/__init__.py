"""Renderers: each takes the same immutable ``Report`` and returns text; adding a format adds a module."""

from __future__ import annotations

from enum import StrEnum


class Format(StrEnum):
    TERMINAL = "terminal"
    JSON = "json"


__all__ = ["Format"]
