"""The two closed scales every layer speaks: a risk's severity and a proposal's grade.

Defined once, here, below every other module: the rubric and configuration
formats (pydantic), the engine, the gate, the renderers and the command line
all take these enums; no other list of severities or grades is written out.
"""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    """How serious a risk is, from low to critical."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """1 for low ... 4 for critical."""
        return _SEVERITY_ORDER.index(self) + 1

    def lower(self) -> Severity:
        """One step less serious (low stays low): what an evidenced mitigation does."""
        return _SEVERITY_ORDER[max(0, _SEVERITY_ORDER.index(self) - 1)]


class Grade(StrEnum):
    """A proposal's grade, from A (best) to F."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    F = "F"

    @property
    def rank(self) -> int:
        """0 for A ... 4 for F: a larger rank is a worse grade."""
        return GRADES.index(self)


_SEVERITY_ORDER: tuple[Severity, ...] = tuple(Severity)
#: The grades, best first.
GRADES: tuple[Grade, ...] = tuple(Grade)
