"""Suggested changes are true: applying one to the file gains what the report promised.

For every suggestion that names a single claim (the indicator's own field), the
claim is written into the file as stated and cited, the file is assessed again,
and the score must move by the gain shown. Suggestions are only ever made for
indicators that apply to the kind of initiative.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from policycheck import Assessment, Assessor
from policycheck.assessment import IndicatorStatus
from policycheck.checks import REGISTRY
from policycheck.checks.base import CLAIM_LEVELS
from tests.conftest import PROPOSALS, ROOT

FILES = sorted(PROPOSALS.glob("*.yaml")) + sorted(
    p for p in (ROOT / "tests" / "casebook").glob("*.yaml") if p.name != "expected.yaml"
)
_YAML = YAML(typ="safe", pure=True)


def _claim_path(check_id: str) -> tuple[str, str] | None:
    """The one claim a claim check reads, as (section, key)."""
    check = REGISTRY.get(check_id)
    if check is None or check.levels != CLAIM_LEVELS:
        return None
    parts = check.looks_at[0].split(".")
    return (parts[0], parts[1]) if len(parts) == 2 else None


def _assess(assessor: Assessor, data: dict[str, Any], tmp_path: Path, name: str) -> Assessment:
    path = tmp_path / name
    with path.open("w", encoding="utf-8") as handle:
        _YAML.dump(data, handle)
    result = assessor.assess_file(path)
    assert isinstance(result, Assessment), result
    return result


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_each_claim_suggestion_gains_what_it_promises(
    assessor: Assessor, path: Path, tmp_path: Path
) -> None:
    data = _YAML.load(path.read_text("utf-8"))
    before = _assess(assessor, data, tmp_path, "before.yaml")
    applicable = {
        i.check_id
        for c in before.criteria
        for i in c.indicators
        if i.status is not IndicatorStatus.NOT_APPLICABLE
    }
    for suggestion in before.improvements:
        assert suggestion.check_id in applicable, suggestion
        assert suggestion.gain > 0
        where = _claim_path(suggestion.check_id)
        if where is None or suggestion.data_gap:
            continue
        changed = copy.deepcopy(data)
        section, key = where
        done: Any = {"statement": "Done", "evidence": ["Art. 1"]}
        if key == "formats":
            done = [{"format": "berlin-process", "how": "Reported yearly", "evidence": ["Art. 1"]}]
        changed.setdefault(section, {})[key] = done
        after = _assess(assessor, changed, tmp_path, "after.yaml")
        assert after.score - before.score == pytest.approx(suggestion.gain, abs=0.15), (
            suggestion.check_id,
            before.score,
            after.score,
        )


def test_a_reference_gap_is_offered_as_a_data_change_not_a_file_change(
    assessor: Assessor, tmp_path: Path
) -> None:
    """Montenegro's ACV ceiling is unverified: the change is to the reference data."""
    data = {
        "schema_version": 1,
        "id": "me-acv",
        "title": "Montenegro buys armoured vehicles",
        "status": "proposed",
        "participants": ["ME", {"country": "DE", "role": "supplier"}],
        "equipment": [
            {
                "system": "Boxer",
                "category": "armoured-combat-vehicle",
                "quantity": 10,
                "supplier": "DE",
                "recipient": "ME",
            }
        ],
        "external_actors": [],
        "transparency": {"public_text": {"statement": "Published", "evidence": ["x"]}},
    }
    a = _assess(assessor, data, tmp_path, "me.yaml")
    ac01 = next(i for c in a.criteria for i in c.indicators if i.check_id == "AC01")
    assert ac01.status is IndicatorStatus.INSUFFICIENT
    assert ac01.gap is not None
    assert "srac.yaml" in ac01.gap
    offered = [m for m in a.improvements if m.check_id == "AC01"]
    if offered:
        assert offered[0].data_gap
        assert offered[0].advice.startswith("Reference data:")
