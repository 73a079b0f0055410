"""The scorer's table of each indicator's lowest and highest points, kept per rubric."""

from __future__ import annotations

from policycheck import scoring
from policycheck.rubric import load_rubric


def test_each_rubric_gets_the_points_bounds_of_its_own_levels() -> None:
    """The bounds are worked out once a rubric, not once a proposal: a second rubric in the
    same process (a notebook comparing two) gets its own, and the first keeps its."""
    rubric = load_rubric(None).rubric
    cid, criterion = next(iter(rubric.criteria.items()))
    iid, indicator = next(iter(criterion.indicators.items()))
    points = [level.points for level in indicator.levels.values()]
    levels = {
        name: level.model_copy(update={"points": level.points / 2})
        for name, level in indicator.levels.items()
    }
    halved = rubric.model_copy(
        update={
            "criteria": {
                **rubric.criteria,
                cid: criterion.model_copy(
                    update={
                        "indicators": {
                            **criterion.indicators,
                            iid: indicator.model_copy(update={"levels": levels}),
                        }
                    }
                ),
            }
        }
    )
    assert scoring._bounds(rubric)[cid, iid] == (min(points), max(points))
    assert scoring._bounds(halved)[cid, iid] == (min(points) / 2, max(points) / 2)
    assert scoring._bounds(rubric)[cid, iid] == (min(points), max(points))
    assert len(scoring._bounds(rubric)) == sum(len(c.indicators) for c in rubric.criteria.values())
