"""The registry of checks against the default rubric: ids, docs, levels and risks line up."""

from __future__ import annotations

import re

import pytest

from policycheck import Assessor
from policycheck.assessment import RiskFamily
from policycheck.checks import INSUFFICIENT, NOT_APPLICABLE, REGISTRY, Check, Registry
from policycheck.rubric import Rubric

ID = re.compile(r"^(NS|RI|AC|TR)\d\d$")
FAMILIES = {f.value for f in RiskFamily}
CHECKS = list(REGISTRY.values())


@pytest.fixture(scope="module")
def rubric(assessor: Assessor) -> Rubric:
    return assessor.loaded.rubric


def _users(rubric: Rubric, check_id: str) -> list[str]:
    return [cid for cid, c in rubric.criteria.items() if check_id in c.indicators]


def test_registry_holds_the_26_checks() -> None:
    assert len(REGISTRY) == 26
    assert sorted(REGISTRY) == sorted(
        [f"NS0{i}" for i in range(1, 6)]
        + [f"RI0{i}" for i in range(1, 10)]
        + [f"AC0{i}" for i in range(1, 8)]
        + [f"TR0{i}" for i in range(1, 6)]
    )


#: Checks that ask their question of every initiative; every other one declares a scope.
EVERYWHERE = {"RI06", "TR01", "TR02", "TR04"}


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.id)
def test_every_check_declares_where_it_applies(check: Check) -> None:
    assert (check.scope.description == "every initiative") == (check.id in EVERYWHERE)
    assert check.scope.path


def test_ids_are_unique_and_well_formed() -> None:
    ids = [c.id for c in CHECKS]
    assert len(ids) == len(set(ids))
    for key, check in REGISTRY.items():
        assert key == check.id
        assert ID.match(check.id), check.id


def test_registry_refuses_duplicates() -> None:
    with pytest.raises(ValueError, match="duplicate check id NS01"):
        Registry((REGISTRY["NS01"], REGISTRY["NS01"]))


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.id)
def test_every_check_has_a_docstring(check: Check) -> None:
    assert check.doc
    assert check.function.__doc__ is not None


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.id)
def test_declared_levels_and_paths(check: Check) -> None:
    assert check.levels
    assert len(set(check.levels)) == len(check.levels)
    assert NOT_APPLICABLE not in check.levels
    assert INSUFFICIENT not in check.levels
    assert check.looks_at


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.id)
def test_every_check_is_used_by_exactly_one_criterion(rubric: Rubric, check: Check) -> None:
    assert _users(rubric, check.id) == [check.criterion]


def test_rubric_uses_only_registered_checks(rubric: Rubric) -> None:
    used = [iid for c in rubric.criteria.values() for iid in c.indicators]
    assert sorted(used) == sorted(REGISTRY)


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.id)
def test_rubric_gives_points_to_exactly_the_check_levels(rubric: Rubric, check: Check) -> None:
    (criterion,) = _users(rubric, check.id)
    indicator = rubric.criteria[criterion].indicators[check.id]
    assert set(indicator.levels) == set(check.levels)
    for level in indicator.levels.values():
        assert 0 <= level.points <= 100
        assert level.means.strip()
    assert indicator.improve.strip()
    assert indicator.rationale.strip()


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.id)
def test_every_risk_a_check_raises_is_described(rubric: Rubric, check: Check) -> None:
    assert len(set(check.risks)) == len(check.risks)
    for risk_id in check.risks:
        assert risk_id in rubric.risks, f"{check.id} raises {risk_id}, not in the rubric"
        spec = rubric.risks[risk_id]
        assert spec.family in FAMILIES
        assert spec.mitigation.strip()
        assert spec.title.strip()
        assert spec.brief.strip()


def test_the_brief_has_three_families() -> None:
    assert {"normative-erosion", "regional-fragmentation", "conflict-escalation"} == FAMILIES


def test_every_rubric_risk_is_raised_by_one_check(rubric: Rubric) -> None:
    raised = [r for check in CHECKS for r in check.risks]
    assert len(raised) == len(set(raised))
    assert set(raised) == set(rubric.risks)


def test_criteria_counter_the_brief_risks(rubric: Rubric) -> None:
    for criterion in rubric.criteria.values():
        assert criterion.counters in FAMILIES | {"all"}
    assert {c.counters for c in rubric.criteria.values()} >= FAMILIES
