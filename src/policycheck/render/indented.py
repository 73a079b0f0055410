"""Indented JSON text with every string passed through a sanitiser, as one call.

``indented(value, xml_text, depth)`` is ``json.dumps(map_text(value, xml_text), indent=2,
sort_keys=True, ensure_ascii=False)`` with every line after the first moved ``depth`` spaces
to the right, byte for byte. Python's encoder is written in C only for compact text: with
``indent`` it runs a chain of Python generators, and ``map_text`` first copies the whole
value to sanitise it. SARIF is indented and sanitised result by result, and that was most of
what a SARIF file of a batch cost (issue 13). Here the value is walked once, each string is
sanitised and escaped by the C escaper as it is written, and the pieces are joined once.

Only JSON values take that path (texts, text enumerations, ``int``, ``float``, ``bool``,
``None``, lists, tuples and dicts with text keys); anything else (a number as a key, another
enumeration, a cycle) is written by ``json.dumps`` itself, so the text is always the
standard library's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import Enum
from json.encoder import encode_basestring
from typing import Any

from policycheck.text import map_text

_INFINITY = float("inf")


class _Unusual(Exception):
    """A value the short path leaves to ``json.dumps``."""


def indented(value: Any, text: Callable[[str], str], depth: int = 0) -> str:
    """``value`` as ``json.dumps(indent=2, sort_keys=True, ensure_ascii=False)`` writes it,
    every string (keys too) through ``text`` first, nested ``depth`` spaces deep."""
    out: list[str] = []
    try:
        _write(value, text, "\n" + " " * depth, out)
    except (_Unusual, RecursionError):
        written = json.dumps(map_text(value, text), indent=2, sort_keys=True, ensure_ascii=False)
        return written.replace("\n", "\n" + " " * depth) if depth else written
    return "".join(out)


def _write(value: Any, text: Callable[[str], str], newline: str, out: list[str]) -> None:
    kind = type(value)
    if kind is dict:
        if not value:
            out.append("{}")
            return
        inner = newline + "  "
        keyed: dict[str, Any] = {}
        for key, item in value.items():
            if type(key) is not str:
                raise _Unusual
            keyed[text(key)] = item
        joint = "{" + inner
        for key in sorted(keyed):
            item = keyed[key]
            out.append(joint)
            out.append(encode_basestring(key))
            if type(item) is str:
                out.append(": " + encode_basestring(text(item)))
            else:
                out.append(": ")
                _write(item, text, inner, out)
            joint = "," + inner
        out.append(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        joint = "[" + inner
        for item in value:
            if type(item) is str:
                out.append(joint + encode_basestring(text(item)))
            else:
                out.append(joint)
                _write(item, text, inner, out)
            joint = "," + inner
        out.append(newline + "]")
    else:
        out.append(_scalar(value, text))


def _scalar(value: Any, text: Callable[[str], str]) -> str:
    kind = type(value)
    if kind is str:
        return encode_basestring(text(value))
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        return _float(value)
    if isinstance(value, str):
        # A subclass: an enumeration's value is the tool's own word, as ``map_text`` has it.
        return encode_basestring(value if isinstance(value, Enum) else text(value))
    raise _Unusual


def _float(value: float) -> str:
    """As ``json`` writes a float (``allow_nan``: the names JavaScript gives)."""
    if value != value:
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return float.__repr__(value)
