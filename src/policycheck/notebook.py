"""Assessing from a notebook: ``policycheck.assess(paths)`` and its tables.

::

    import policycheck
    results = policycheck.assess("proposals/")
    results                       # a summary table in Jupyter (``_repr_html_``)
    results.to_frame()            # one row per proposal (pandas)
    results.risks_frame()         # one row per flagged risk
    results.indicators_frame()    # one row per proposal × indicator

The rows are built as plain records first (``records``, ``risk_records``,
``indicator_records``), so the figures never depend on pandas; pandas is needed only
to make DataFrames of them, and is an extra (``pip install 'policycheck[notebook]'``),
so a plain install stays light.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policycheck.assessment import Assessment, Failure, Report, Severity
from policycheck.errors import UsageError

if TYPE_CHECKING:
    import pandas as pd

#: Grades from the worst to the best: the order of the ``grade`` column's categories.
GRADE_ORDER = ("F", "D", "C", "B", "A")
#: Severities from the least to the most severe: the order of ``severity``'s categories.
SEVERITY_ORDER = tuple(s.value for s in Severity)

#: The columns of ``to_frame``, before one column per criterion (its score).
COLUMNS = (
    "file",
    "proposal_id",
    "title",
    "status",
    "valid",
    "grade",
    "uncapped_grade",
    "score",
    "score_low",
    "score_high",
    "grade_low",
    "grade_high",
    "coverage",
    "cited",
    "provisional",
    "capped_by",
    "risks",
    "critical",
    "high",
    "medium",
    "low",
    "top_risk",
    "participants",
    "lead",
    "problems",
)
RISK_COLUMNS = (
    "file",
    "proposal_id",
    "risk",
    "title",
    "family",
    "severity",
    "check_id",
    "finding",
    "line",
    "path",
    "waived",
    "fingerprint",
)
INDICATOR_COLUMNS = (
    "file",
    "proposal_id",
    "criterion",
    "check_id",
    "title",
    "status",
    "level",
    "points",
    "weight",
    "share",
    "contribution",
    "gap",
)

PathArg = str | os.PathLike[str]


def _pandas() -> Any:
    """pandas, or an error that names the extra to install."""
    try:
        import pandas
    except ImportError as exc:
        raise ModuleNotFoundError(
            "DataFrames need pandas, which policycheck does not install by default: "
            "pip install 'policycheck[notebook]'",
            name="pandas",
        ) from exc
    return pandas


@dataclass(frozen=True, slots=True)
class Results:
    """What ``policycheck.assess`` returns: the report, as tables and as a rich display."""

    report: Report

    @property
    def assessments(self) -> tuple[Assessment, ...]:
        return self.report.assessments

    @property
    def failures(self) -> tuple[Failure, ...]:
        return self.report.failures

    def __len__(self) -> int:
        return len(self.report.results)

    def __iter__(self) -> Iterator[Assessment | Failure]:
        return iter(self.report.results)

    def __getitem__(self, proposal_id: str) -> Assessment:
        """The assessment of the proposal with this id."""
        for a in self.assessments:
            if a.proposal_id == proposal_id:
                return a
        raise KeyError(proposal_id)

    # --- records: plain rows, no pandas ----------------------------------------------------

    def criteria(self) -> tuple[str, ...]:
        """The criteria's ids, in the rubric's order (as the first assessment has them)."""
        first = self.assessments[:1]
        return tuple(c.id for c in first[0].criteria) if first else ()

    def records(self) -> list[dict[str, Any]]:
        """One record per file (``COLUMNS``, then each criterion's score by its id)."""
        criteria = self.criteria()
        out = []
        for res in self.report.results:
            row: dict[str, Any] = dict.fromkeys(COLUMNS)
            row["file"] = res.file
            if isinstance(res, Failure):
                row |= {"valid": False, "problems": len(res.problems), "risks": None}
                row |= dict.fromkeys(criteria)
                out.append(row)
                continue
            counts = {s.value: sum(r.severity is s for r in res.risks) for s in Severity}
            row |= {
                "proposal_id": res.proposal_id,
                "title": res.title,
                "status": res.status,
                "valid": True,
                "grade": res.grade,
                "uncapped_grade": res.uncapped_grade,
                "score": res.score,
                "score_low": res.score_low,
                "score_high": res.score_high,
                "grade_low": res.grade_low,
                "grade_high": res.grade_high,
                "coverage": res.coverage,
                "cited": res.cited,
                "provisional": res.provisional,
                "capped_by": res.cap.risk_id if res.cap else None,
                "risks": len(res.risks),
                **counts,
                "top_risk": res.risks[0].id if res.risks else None,
                "participants": ", ".join(res.participants),
                "lead": res.lead,
                "problems": 0,
            }
            scores = {c.id: c.score for c in res.criteria}
            row |= {c: scores.get(c) for c in criteria}
            out.append(row)
        return out

    def risk_records(self) -> list[dict[str, Any]]:
        """One record per flagged risk of each proposal (``RISK_COLUMNS``), most severe first."""
        out = []
        for a in self.assessments:
            for r in a.risks:
                where = r.evidence[0].location if r.evidence else None
                out.append(
                    {
                        "file": a.file,
                        "proposal_id": a.proposal_id,
                        "risk": r.id,
                        "title": r.title,
                        "family": r.family.value,
                        "severity": r.severity.value,
                        "check_id": r.check_id,
                        "finding": r.finding,
                        "line": where.line if where else None,
                        "path": where.path if where else None,
                        "waived": r.waived,
                        "fingerprint": r.fingerprint,
                    }
                )
        return out

    def indicator_records(self) -> list[dict[str, Any]]:
        """One record per proposal × indicator (``INDICATOR_COLUMNS``), in the rubric's order."""
        return [
            {
                "file": a.file,
                "proposal_id": a.proposal_id,
                "criterion": c.id,
                "check_id": i.check_id,
                "title": i.title,
                "status": i.status.value,
                "level": i.level,
                "points": i.points,
                "weight": i.weight,
                "share": i.share,
                "contribution": i.contribution,
                "gap": i.gap,
            }
            for a in self.assessments
            for c in a.criteria
            for i in c.indicators
        ]

    # --- DataFrames --------------------------------------------------------------------------

    def to_frame(self) -> pd.DataFrame:
        """One row per file: grade, score, range, coverage, risk counts, criterion scores.

        ``grade`` is an ordered categorical (F < D < C < B < A): sorting and ``max`` read
        as grades do. A file that could not be assessed has ``valid`` False, its problem
        count, and no figures.
        """
        pandas = _pandas()
        frame = pandas.DataFrame(self.records(), columns=[*COLUMNS, *self.criteria()])
        for column in ("grade", "uncapped_grade", "grade_low", "grade_high"):
            frame[column] = pandas.Categorical(frame[column], categories=GRADE_ORDER, ordered=True)
        result: pd.DataFrame = frame
        return result

    def risks_frame(self) -> pd.DataFrame:
        """One row per flagged risk; ``severity`` an ordered categorical (low < … < critical)."""
        pandas = _pandas()
        frame = pandas.DataFrame(self.risk_records(), columns=list(RISK_COLUMNS))
        frame["severity"] = pandas.Categorical(
            frame["severity"], categories=SEVERITY_ORDER, ordered=True
        )
        result: pd.DataFrame = frame
        return result

    def indicators_frame(self) -> pd.DataFrame:
        """One row per proposal × indicator: status, level, points, weight and contribution."""
        pandas = _pandas()
        result: pd.DataFrame = pandas.DataFrame(
            self.indicator_records(), columns=list(INDICATOR_COLUMNS)
        )
        return result

    # --- display -----------------------------------------------------------------------------

    def __repr__(self) -> str:
        from policycheck.render.markdown import files_line, grade_counts

        grades = grade_counts(self.report)
        return f"<policycheck results: {files_line(self.report)}" + (
            f"; grades {grades}>" if grades else ">"
        )

    def _repr_html_(self) -> str:
        from policycheck.render.notebook import results_html

        return results_html(self.report)


def _arguments(paths: PathArg | Iterable[PathArg]) -> list[str]:
    if isinstance(paths, str | os.PathLike):
        return [os.fspath(paths)]
    return [os.fspath(p) for p in paths]


def assess(
    paths: PathArg | Iterable[PathArg],
    *,
    rubric: PathArg | None = None,
    reference: PathArg | None = None,
    jobs: int | None = None,
) -> Results:
    """Assess proposal files, folders (their *.yaml and *.yml) and globs, sorted by path.

    ``rubric`` is a bundled rubric's name or a file, ``reference`` a folder of
    reference data overriding the bundled one (as the CLI's ``--rubric`` and
    ``--reference``). A glob that matches nothing raises ``UsageError`` naming every
    such glob; a file that cannot be used (missing, unreadable, invalid) is a ``Failure``
    in the results, as on the command line, not an error.
    """
    from policycheck.engine import Assessor, expand_paths

    files, unmatched = expand_paths(_arguments(paths))
    if unmatched:
        raise UsageError(
            "no such file, folder or matching glob: " + ", ".join(repr(u) for u in unmatched)
        )
    assessor = Assessor(
        rubric if rubric is None or isinstance(rubric, str) else Path(rubric),
        None if reference is None else Path(reference),
    )
    return Results(assessor.run(files, jobs=jobs))
