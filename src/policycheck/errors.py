"""User-facing errors and the exit-code contract.

Every problem a user can fix is a ``PolicycheckError``; the CLI renders it and
exits 2. Anything else that escapes is a bug (exit 3).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    """The documented, stable exit codes."""

    OK = 0
    GATE_FAILED = 1
    BAD_INPUT = 2
    INTERNAL_ERROR = 3


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One located problem in an input file (line and column are 1-based)."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class PolicycheckError(Exception):
    """Base of every error a user can fix; rendered at the CLI edge, exit 2."""

    exit_code = ExitCode.BAD_INPUT


class UsageError(PolicycheckError):
    """A bad option or argument."""


class InputError(PolicycheckError):
    """An input file that cannot be used, with every problem found in it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
