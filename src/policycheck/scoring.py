"""From indicator levels to criterion scores, an overall score and range, a grade and its cap.

The arithmetic, documented in the README and shown by ``--explain``:

* an indicator's points are those the rubric gives its level (0-100);
* a "not applicable" indicator is left out and the others' weights share its part;
* an indicator the file (or the reference data) does not settle is *unknown*:
  it is left out of the score, which is computed over what is known, and it
  widens the score's range, from every unknown at its rubric's lowest level
  to every unknown at its highest;
* a criterion's score is the weighted mean of its known indicators' points;
* the overall score is the weighted mean of the criteria that have a score;
* coverage is the share of the applicable weight that is known; below the
  rubric's minimum the grade is provisional and is taken at the middle of the
  range (the known part is too small to speak for the whole);
* the grade is the band the overall score (rounded to one decimal) falls in,
  lowered to the cap of the most severe unwaived risk flagged, if the rubric caps it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from msgspec import Struct

from policycheck.assessment import (
    Cap,
    CriterionResult,
    Evidence,
    Improvement,
    IndicatorResult,
    IndicatorStatus,
    Risk,
    Severity,
)
from policycheck.checks import INSUFFICIENT, NOT_APPLICABLE
from policycheck.rubric import Rubric

MAX_IMPROVEMENTS = 3
#: Levels that rest on the file's word alone (a claim without a citation).
UNCITED_LEVELS = frozenset({"asserted", "partial"})


class Observed(Struct, frozen=True):
    """What a check concluded for one indicator, before scoring."""

    level: str
    evidence: tuple[Evidence, ...]
    gap: str | None = None


class Totals(Struct, frozen=True):
    """The overall figures: score over what is known, its range, coverage and citation share."""

    score: float
    low: float
    high: float
    coverage: float
    cited: float


#: Each indicator's lowest and highest points, by rubric, worked out once a run; the rubric
#: is held with its table, so the ``id`` that finds it is never another's.
_BOUNDS: dict[int, tuple[Rubric, dict[tuple[str, str], tuple[float, float]]]] = {}


def _bounds(rubric: Rubric) -> dict[tuple[str, str], tuple[float, float]]:
    """(criterion, indicator) → the lowest and highest points its levels give."""
    entry = _BOUNDS.get(id(rubric))
    if entry is None or entry[0] is not rubric:
        if len(_BOUNDS) >= 16:
            _BOUNDS.clear()
        table = {
            (cid, iid): (min(points), max(points))
            for cid, criterion in rubric.criteria.items()
            for iid, indicator in criterion.indicators.items()
            for points in [[level.points for level in indicator.levels.values()]]
        }
        entry = _BOUNDS[id(rubric)] = (rubric, table)
    return entry[1]


def score_criteria(
    rubric: Rubric, observed: Mapping[str, Observed]
) -> tuple[tuple[CriterionResult, ...], Totals]:
    """Score every criterion from its indicators' levels; return them and the overall totals."""
    criteria: list[CriterionResult] = []
    bounds = _bounds(rubric)
    for cid, criterion in rubric.criteria.items():
        applicable = {
            iid: ind
            for iid, ind in criterion.indicators.items()
            if observed[iid].level != NOT_APPLICABLE
        }
        total_weight = sum(ind.weight for ind in applicable.values())
        known_weight = sum(
            ind.weight for iid, ind in applicable.items() if observed[iid].level != INSUFFICIENT
        )
        results: list[IndicatorResult] = []
        score_sum = low = high = 0.0
        for iid, ind in criterion.indicators.items():
            seen = observed[iid]
            points: float | None = None
            share = ind.weight / total_weight if iid in applicable else 0.0
            if seen.level == NOT_APPLICABLE:
                status = IndicatorStatus.NOT_APPLICABLE
                contribution = 0.0
            elif seen.level == INSUFFICIENT:
                status = IndicatorStatus.INSUFFICIENT
                contribution = 0.0
                lowest, highest = bounds[cid, iid]
                low += share * lowest
                high += share * highest
            else:
                status = IndicatorStatus.SCORED
                points = ind.levels[seen.level].points
                contribution = points * ind.weight / known_weight
                score_sum += contribution
                low += share * points
                high += share * points
            results.append(
                IndicatorResult(
                    check_id=iid,
                    criterion=cid,
                    title=ind.title,
                    status=status,
                    level=seen.level,
                    points=points,
                    weight=ind.weight,
                    share=share,
                    contribution=contribution,
                    evidence=seen.evidence,
                    improve=ind.improve,
                    gap=seen.gap,
                )
            )
        criteria.append(
            CriterionResult(
                id=cid,
                title=criterion.title,
                weight=criterion.weight,
                counters=criterion.counters,
                score=score_sum if known_weight else None,
                indicators=tuple(results),
                coverage=known_weight / total_weight if total_weight else 0.0,
                low=low if applicable else None,
                high=high if applicable else None,
            )
        )
    return tuple(criteria), totals(criteria)


def totals(criteria: list[CriterionResult] | tuple[CriterionResult, ...]) -> Totals:
    """Overall score over the known, its range, coverage and the cited share of what is known."""
    applicable = [c for c in criteria if c.low is not None]
    weight = sum(c.weight for c in applicable)
    if not weight:
        return Totals(0.0, 0.0, 0.0, 0.0, 0.0)
    score, low, high = _score_and_range(criteria)
    coverage = sum(c.coverage * c.weight for c in applicable) / weight
    known = cited = 0.0
    for c in applicable:
        for ind in c.indicators:
            if ind.status is IndicatorStatus.SCORED:
                share = ind.share * c.weight / weight
                known += share
                if ind.level not in UNCITED_LEVELS:
                    cited += share
    return Totals(
        score=score,
        low=low,
        high=high,
        coverage=coverage,
        cited=cited / known if known else 0.0,
    )


def grade(rubric: Rubric, score: float, risks: tuple[Risk, ...]) -> tuple[str, str, Cap | None]:
    """The grade for ``score``, and the grade after the most binding risk cap."""
    uncapped = rubric.band(round(score, 1))
    final, cap = uncapped, None
    for risk in sorted(risks, key=lambda r: (-r.severity.rank, r.id)):
        limit = rubric.caps.get(risk.severity)
        if limit is not None and limit.rank > final.rank:
            final, cap = limit, Cap(risk.id, Severity(risk.severity), limit)
    return uncapped, final, cap


class Graded(Struct, frozen=True):
    """The grade, before and after the binding risk cap, and the grades the range allows."""

    uncapped: str
    grade: str
    cap: Cap | None
    low: str
    high: str


def grade_range(rubric: Rubric, total: Totals, risks: tuple[Risk, ...]) -> Graded:
    """Grade the score and both ends of its range, capped by the unwaived risks.

    Below the rubric's minimum coverage the grade is provisional and is taken at the
    middle of the range: too little is known for the known part to speak for the
    whole, and nothing is assumed about the unknowns either way.
    """
    unwaived = tuple(r for r in risks if not r.waived)
    provisional = total.coverage < rubric.coverage.minimum
    # From the rounded ends, as every report shows them, so a reader can redo it.
    graded = (round(total.low, 1) + round(total.high, 1)) / 2 if provisional else total.score
    uncapped, final, cap = grade(rubric, graded, unwaived)
    return Graded(
        uncapped,
        final,
        cap,
        grade(rubric, total.low, unwaived)[1],
        grade(rubric, total.high, unwaived)[1],
    )


def improvements(
    rubric: Rubric,
    criteria: tuple[CriterionResult, ...],
    limit: int = MAX_IMPROVEMENTS,
) -> tuple[Improvement, ...]:
    """The applicable indicators whose best level would raise the overall score most.

    Each gain is the score after re-scoring with that one indicator at its best
    level, less the score now; an unknown that only the reference data can
    settle is offered as a data gap, not as a change to the file.
    """
    figures = [_Figures.of(c) for c in criteria]
    current = _overall(figures)[0]
    options: list[tuple[float, str, IndicatorResult]] = []
    bounds = _bounds(rubric)
    for n, c in enumerate(criteria):
        for ind in c.indicators:
            if ind.status is IndicatorStatus.NOT_APPLICABLE:
                continue
            best = bounds[c.id, ind.check_id][1]
            if ind.points is not None and ind.points >= best:
                continue
            changed = [*figures[:n], _rescored(bounds, c, ind.check_id, best), *figures[n + 1 :]]
            gain = round(_overall(changed)[0] - current, 1)
            if gain > 0:
                options.append((gain, ind.check_id, ind))
    # Ordered, then cut, before the improvements are made: most options are not shown.
    options.sort(key=lambda o: (-o[0], o[1]))
    return tuple(_improvement(gain, ind) for gain, _, ind in options[:limit])


def _improvement(gain: float, ind: IndicatorResult) -> Improvement:
    advice = (
        f"Reference data: {ind.gap} is not verified; add the sourced figure with --reference DIR."
        if ind.gap
        else ind.improve
    )
    return Improvement(
        ind.check_id,
        ind.title,
        gain,
        advice,
        ind.evidence[0].location,
        data_gap=ind.gap is not None,
    )


class _Figures(NamedTuple):
    """What the overall score needs of a criterion (``low`` is None when not applicable)."""

    weight: float
    score: float | None
    low: float | None
    high: float | None

    @classmethod
    def of(cls, c: CriterionResult) -> _Figures:
        return cls(c.weight, c.score, c.low, c.high)


def _score_and_range(
    criteria: list[CriterionResult] | tuple[CriterionResult, ...],
) -> tuple[float, float, float]:
    """The overall score over what is known (kept within its range), and the range."""
    return _overall([_Figures.of(c) for c in criteria])


def _overall(criteria: list[_Figures]) -> tuple[float, float, float]:
    # Sums of lists, not of generators: the same additions in the same order, without a
    # generator's overhead ("what would fix it" works this out some fifteen times a proposal).
    applicable = [c for c in criteria if c.low is not None]
    weight = sum([c.weight for c in applicable])
    if not weight:
        return 0.0, 0.0, 0.0
    scored = [c for c in applicable if c.score is not None]
    scored_weight = sum([c.weight for c in scored])
    score = sum([(c.score or 0.0) * c.weight for c in scored]) / scored_weight if scored else 0.0
    low = sum([(c.low or 0.0) * c.weight for c in applicable]) / weight
    high = sum([(c.high or 0.0) * c.weight for c in applicable]) / weight
    return min(max(score, low), high), low, high


def _rescored(
    bounds: dict[tuple[str, str], tuple[float, float]],
    c: CriterionResult,
    check_id: str,
    points: float,
) -> _Figures:
    """``c``'s figures as if indicator ``check_id`` stood at ``points`` (known)."""
    known = total = score = low = high = 0.0
    for ind in c.indicators:
        if ind.status is IndicatorStatus.NOT_APPLICABLE:
            continue
        total += ind.weight
        value = points if ind.check_id == check_id else ind.points
        if value is None:
            lowest, highest = bounds[c.id, ind.check_id]
            low += ind.weight * lowest
            high += ind.weight * highest
        else:
            known += ind.weight
            score += ind.weight * value
            low += ind.weight * value
            high += ind.weight * value
    return _Figures(c.weight, score / known, low / total, high / total)
