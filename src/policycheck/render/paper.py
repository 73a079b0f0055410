"""The paper a printed workbook is laid out for: A4, or Letter where the locale uses it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

Paper = Literal["a4", "letter"]
PAPERS: tuple[Paper, ...] = ("a4", "letter")
#: Territories whose printers take US Letter (CLDR's paper-size data).
LETTER_TERRITORIES = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE", "PR", "GT", "CR"})
#: Longest protective marking: it shares the page header with the title and the date.
MARKING_LIMIT = 60


def default_paper(environ: Mapping[str, str]) -> Paper:
    """Letter when the locale for paper (LC_ALL, LC_PAPER, then LANG) names a Letter
    territory ("en_US.UTF-8"), else A4."""
    for name in ("LC_ALL", "LC_PAPER", "LANG"):
        value = environ.get(name, "")
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            territory = value.split(".")[0].split("@")[0].partition("_")[2]
            return "letter" if territory.upper() in LETTER_TERRITORIES else "a4"
    return "a4"


def marking_problem(marking: str) -> str | None:
    """Why ``marking`` cannot head a printed page, or None when it can."""
    if not marking.strip():
        return "--marking is blank"
    if len(marking) > MARKING_LIMIT:
        return (
            f"--marking is {len(marking)} characters long; at most {MARKING_LIMIT} fit the header"
        )
    if any(not ch.isprintable() for ch in marking):
        return "--marking holds a control character"
    return None
