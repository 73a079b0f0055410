"""A file's revisions and what assessing each gave: the value ``policycheck history`` builds.

Plain frozen values, below the engine, so the renderers can take a ``History`` without
knowing how it was made (``policycheck.history`` makes it).
"""

from __future__ import annotations

from dataclasses import dataclass

from policycheck.assessment import Assessment, Failure, RubricInfo


@dataclass(frozen=True, slots=True)
class Revision:
    """One commit that changed the file: who, when, and the file's path then."""

    commit: str
    #: The author date, ISO 8601 with the author's offset (as ``git log`` shows it).
    date: str
    author: str
    subject: str
    #: The file's path at this commit, from the repository root (POSIX separators).
    path: str

    @property
    def short(self) -> str:
        return self.commit[:12]

    @property
    def day(self) -> str:
        """The author date's calendar day (in the author's time zone)."""
        return self.date[:10]


@dataclass(frozen=True, slots=True)
class Point:
    """A revision and what assessing it gave."""

    revision: Revision
    result: Assessment | Failure


@dataclass(frozen=True, slots=True)
class History:
    """A file's revisions, oldest first, each assessed with the same rubric."""

    #: The file as given on the command line.
    file: str
    #: Its path from the repository root today.
    path: str
    #: The ``--since`` bound as given, or None.
    since: str | None
    tool_version: str
    generated_at: str
    rubric: RubricInfo
    reference_digest: str
    #: (grade, lowest score) from the best grade down, as the rubric sets them.
    grade_bands: tuple[tuple[str, float], ...]
    points: tuple[Point, ...]

    @property
    def assessed(self) -> tuple[tuple[Revision, Assessment], ...]:
        """The revisions that could be assessed, with their assessment."""
        return tuple(
            (p.revision, p.result) for p in self.points if isinstance(p.result, Assessment)
        )
