"""From indicator levels to criterion scores, an overall score, a grade and its cap.

The arithmetic, documented in the README and shown by ``--explain``:

* an indicator's points are those the rubric gives its level (0-100);
* an indicator the file does not let us judge is "insufficient information" and
  earns the rubric's ``insufficient_information.points`` (default 25);
* a "not applicable" indicator is left out and the others' weights share its part;
* a criterion's score is the weighted mean of its indicators' points;
* the overall score is the weighted mean of the criteria that have a score;
* the grade is the band the overall score (rounded to one decimal) falls in,
  lowered to the cap of the most severe risk flagged, if the rubric caps it.
"""

from __future__ import annotations

from collections.abc import Mapping

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
from policycheck.rubric import GRADES, Rubric

MAX_IMPROVEMENTS = 3


def score_criteria(
    rubric: Rubric, levels: Mapping[str, tuple[str, tuple[Evidence, ...]]]
) -> tuple[tuple[CriterionResult, ...], float]:
    """Score every criterion from its indicators' levels; return them and the overall score."""
    criteria: list[CriterionResult] = []
    for cid, criterion in rubric.criteria.items():
        applicable = {
            iid: ind
            for iid, ind in criterion.indicators.items()
            if levels[iid][0] != NOT_APPLICABLE
        }
        total_weight = sum(ind.weight for ind in applicable.values())
        results: list[IndicatorResult] = []
        score_sum = 0.0
        for iid, ind in criterion.indicators.items():
            level, evidence = levels[iid]
            if level == NOT_APPLICABLE:
                status, points, share = IndicatorStatus.NOT_APPLICABLE, None, 0.0
            elif level == INSUFFICIENT:
                status = IndicatorStatus.INSUFFICIENT
                points = rubric.insufficient_information.points
                share = ind.weight / total_weight
            else:
                status, points, share = (
                    IndicatorStatus.SCORED,
                    ind.levels[level].points,
                    ind.weight / total_weight,
                )
            contribution = (points or 0.0) * share
            score_sum += contribution
            results.append(
                IndicatorResult(
                    check_id=iid,
                    criterion=cid,
                    title=ind.title,
                    status=status,
                    level=level,
                    points=points,
                    weight=ind.weight,
                    share=share,
                    contribution=contribution,
                    evidence=evidence,
                    improve=ind.improve,
                )
            )
        criteria.append(
            CriterionResult(
                id=cid,
                title=criterion.title,
                weight=criterion.weight,
                counters=criterion.counters,
                score=score_sum if applicable else None,
                indicators=tuple(results),
            )
        )
    scored = [c for c in criteria if c.score is not None]
    weight = sum(c.weight for c in scored)
    overall = sum((c.score or 0.0) * c.weight for c in scored) / weight if weight else 0.0
    return tuple(criteria), overall


def grade(rubric: Rubric, score: float, risks: tuple[Risk, ...]) -> tuple[str, str, Cap | None]:
    """The grade for ``score``, and the grade after the most binding risk cap."""
    uncapped = rubric.band(round(score, 1))
    final, cap = uncapped, None
    for risk in sorted(risks, key=lambda r: (-r.severity.rank, r.id)):
        limit = rubric.caps.get(risk.severity.value)
        if limit is not None and GRADES.index(limit) > GRADES.index(final):
            final, cap = limit, Cap(risk.id, Severity(risk.severity), limit)
    return uncapped, final, cap


def improvements(
    criteria: tuple[CriterionResult, ...], limit: int = MAX_IMPROVEMENTS
) -> tuple[Improvement, ...]:
    """The indicators whose improvement would raise the overall score most."""
    scored = [c for c in criteria if c.score is not None]
    total = sum(c.weight for c in scored)
    options = []
    for c in scored:
        for ind in c.indicators:
            if ind.points is None or ind.points >= 100:
                continue
            gain = (100 - ind.points) * ind.share * c.weight / total
            options.append(
                Improvement(
                    ind.check_id, ind.title, round(gain, 1), ind.improve, ind.evidence[0].location
                )
            )
    options.sort(key=lambda o: (-o.gain, o.check_id))
    return tuple(o for o in options[:limit] if o.gain > 0)
