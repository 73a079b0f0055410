"""The uncertainty and sensitivity analysis of a run, as plain immutable values (no numpy).

Every renderer takes these as they are; ``policycheck.analysis.uncertainty`` makes them.
"""

from __future__ import annotations

from dataclasses import dataclass

#: A grade is called robust when one grade holds in at least this share of the runs: the
#: share the 5–95 % score interval covers, so a robust grade is as sure as the interval is.
ROBUST_SHARE = 0.9


@dataclass(frozen=True, slots=True)
class Driver:
    """One uncertain input and how much of the score's variance it explains."""

    #: ``weight`` (a criterion's weight), ``points`` (the points a known level earns) or
    #: ``unknown`` (the level an unknown indicator turns out at).
    kind: str
    #: The criterion id (weight) or the check id (points, unknown).
    subject: str
    #: The input in words: "the weight of regional inclusiveness", "whether AC03 is met".
    words: str
    #: First-order and total Sobol indices (shares of the variance, 0–1).
    first_order: float
    total: float


@dataclass(frozen=True, slots=True)
class ProposalUncertainty:
    """How sure one proposal's grade is, and what drives it."""

    file: str
    proposal_id: str
    #: The grade and score the report gives.
    grade: str
    score: float
    #: (grade, share of the runs), A to F.
    probabilities: tuple[tuple[str, float], ...]
    #: The grade most runs give, and whether it holds in at least ``ROBUST_SHARE`` of them.
    modal_grade: str
    robust: bool
    #: The score the grade is taken from: 5th percentile, median, 95th percentile.
    score_low: float
    score_median: float
    score_high: float
    #: The inputs that move the score, the largest total index first.
    drivers: tuple[Driver, ...]
    #: The verdict in words.
    words: str
    #: Rank in the batch (1 = the highest score): median and 5–95 % interval; None alone.
    rank_median: int | None = None
    rank_low: int | None = None
    rank_high: int | None = None

    def share(self, grade: str) -> float:
        """The share of the runs that give ``grade``."""
        return dict(self.probabilities).get(grade, 0.0)


@dataclass(frozen=True, slots=True)
class Uncertainty:
    """The analysis of a run: what varied, how many runs, and each proposal's result."""

    draws: int
    seed: int
    #: The rubric's reasons for what may vary, and each variation in words.
    rationale: str
    varied: tuple[str, ...]
    proposals: tuple[ProposalUncertainty, ...]
    robust_share: float = ROBUST_SHARE

    def of(self, file: str) -> ProposalUncertainty | None:
        """The result for the proposal in ``file``."""
        return next((p for p in self.proposals if p.file == file), None)

    @property
    def ranked(self) -> bool:
        """Whether ranks were worked out (two or more proposals)."""
        return any(p.rank_median is not None for p in self.proposals)


def percent(share: float) -> str:
    """A share as a whole percentage, never rounding a part of the runs to 0 % or 100 %."""
    pct = share * 100
    if 0 < pct < 1:
        return "<1 %"
    if 99 < pct < 100:
        return ">99 %"
    return f"{pct:.0f} %"
