"""The casebook: realistic cases, and the verdict the brief's reasoning gives each.

Every file under ``tests/casebook/`` is one proposal written from public,
sourced facts (``sources:``), with a header comment saying what the case is,
which section of the brief applies and why the outcome is expected.
``tests/casebook/expected.yaml`` states that outcome: the highest severity
expected in each risk family that should be flagged, the families that must not
be flagged, the acceptable grade band and the checks that cannot apply to the
case's shape. The expectations come from the brief (CIDOB Briefing 70), not
from running the tool: where the tool disagrees, the tool is wrong or the case
must be argued again, never silently re-recorded.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from policycheck import Assessment, Assessor
from policycheck.assessment import IndicatorStatus, RiskFamily, Severity
from policycheck.checks import REGISTRY
from tests.casebook_table import (
    README,
    case_files,
    load_expected,
    load_yaml,
    readme_block,
    render_table,
)
from tests.conftest import PROPOSALS

CASES = case_files()
IDS = [p.stem for p in CASES]
EXPECTED = load_expected()
GRADES = "ABCDF"  # best first
FAMILIES = {f.value for f in RiskFamily}
SEVERITIES = {s.value: s for s in Severity}
#: The brief's sections, as a case header must name one (see ../shared/brief/README.md).
BRIEF_SECTIONS = ("Introduction", "A new approach", "Overshadowed risks", "Policy recommendations")
#: Where a claim may sit in a proposal (section -> keys that are claims).
CLAIM_SECTIONS = ("safeguards", "regional", "arms_control", "transparency")


@cache
def _assess(path: Path) -> Assessment:
    result = Assessor().assess_file(path)
    assert isinstance(result, Assessment), "\n".join(str(p) for p in result.problems)
    return result


def _flagged(assessment: Assessment) -> dict[str, Severity]:
    """The highest severity of the unwaived risks in each family."""
    worst: dict[str, Severity] = {}
    for risk in assessment.risks:
        if risk.waived:
            continue
        family = risk.family.value
        if family not in worst or risk.severity.rank > worst[family].rank:
            worst[family] = risk.severity
    return worst


def _risk_summary(assessment: Assessment) -> str:
    return ", ".join(f"{r.id} {r.family.value} {r.severity.value}" for r in assessment.risks) or (
        "none"
    )


# --- the casebook itself: pass whatever the scoring ----------------------------------------


def test_the_casebook_covers_at_least_26_cases() -> None:
    assert len(CASES) >= 26


def test_every_case_has_an_expectation_and_every_expectation_a_case() -> None:
    assert sorted(EXPECTED) == IDS


@pytest.mark.parametrize("stem", IDS)
def test_expectation_is_well_formed(stem: str) -> None:
    exp = EXPECTED[stem]
    assert set(exp) == {"shape", "families", "absent_families", "grade", "not_applicable", "why"}
    families = exp["families"] or {}
    absent = exp["absent_families"] or []
    assert set(families) <= FAMILIES, set(families) - FAMILIES
    assert set(absent) <= FAMILIES, set(absent) - FAMILIES
    assert not set(families) & set(absent), "a family cannot be both expected and absent"
    assert set(families.values()) <= set(SEVERITIES)
    lowest, highest = exp["grade"]
    assert GRADES.index(highest) <= GRADES.index(lowest), "grade band is [lowest, highest]"
    unknown = [c for c in exp["not_applicable"] if c not in REGISTRY]
    assert not unknown, f"unknown check ids {unknown}"
    assert exp["shape"].strip()
    assert exp["why"].strip()


@pytest.mark.parametrize("path", CASES, ids=IDS)
def test_case_has_a_header_naming_the_case_the_brief_and_the_expectation(path: Path) -> None:
    header = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    text = "\n".join(header)
    for label in ("# Case:", "# Brief:", "# Expect:"):
        assert label in text, f"{path.name}: the header comment lacks '{label}'"
    brief = text.split("# Brief:", 1)[1].split("# Expect:", 1)[0].casefold()
    assert any(s.casefold() in brief for s in BRIEF_SECTIONS), (
        f"{path.name}: the Brief line must name a section of the brief {BRIEF_SECTIONS}"
    )


@pytest.mark.parametrize("path", CASES, ids=IDS)
def test_case_is_written_from_sources(path: Path) -> None:
    data = load_yaml(path)
    sources = data.get("sources") or []
    assert sources, f"{path.name}: no sources"
    assert all(s.get("title") for s in sources)
    ids = [s["id"] for s in sources if "id" in s]
    assert len(ids) == len(set(ids)), f"{path.name}: repeated source ids"
    # Evidence that looks like a source id (one word, not a link) must name a listed source.
    for cited in _evidence(data):
        if re.fullmatch(r"[a-z0-9][a-z0-9._-]*", cited):
            assert cited in ids, f"{path.name}: evidence '{cited}' is not a source id"


@pytest.mark.parametrize("path", CASES, ids=IDS)
def test_case_states_an_absence_only_with_evidence(path: Path) -> None:
    """``false`` only where a source shows the absence; what is merely unknown is left out."""
    data = load_yaml(path)
    for section in CLAIM_SECTIONS:
        for key, claim in (data.get(section) or {}).items():
            where = f"{path.name}: {section}.{key}"
            assert claim is not False, f"{where} is a bare false: cite the source or leave it out"
            if isinstance(claim, dict) and claim.get("provided") is False:
                assert claim.get("evidence"), f"{where} is stated absent without evidence"
            assert claim != [], f"{where} is an empty list (a stated absence) without evidence"


def test_case_ids_are_unique_and_distinct_from_the_samples() -> None:
    ids = [load_yaml(p)["id"] for p in CASES]
    samples = {load_yaml(p)["id"] for p in PROPOSALS.glob("*.yaml")}
    assert len(ids) == len(set(ids))
    assert not set(ids) & samples


def test_readme_casebook_table_is_current() -> None:
    block = readme_block(README.read_text(encoding="utf-8"))
    assert block, "README.md lacks the casebook table markers"
    assert block == render_table(), "run: python -m tests.casebook_table --write"


def _evidence(data: dict[str, Any]) -> list[str]:
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "evidence":
                    found.extend([value] if isinstance(value, str) else value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in data.items() if k != "sources"})
    return found


# --- the verdicts: the brief's reading of each case -----------------------------------------


@pytest.mark.parametrize("path", CASES, ids=IDS)
def test_expected_families_are_flagged_at_the_expected_severity(path: Path) -> None:
    assessment = _assess(path)
    flagged = _flagged(assessment)
    for family, severity in (EXPECTED[path.stem]["families"] or {}).items():
        assert family in flagged, (
            f"{family} should be flagged ({severity}); risks: {_risk_summary(assessment)}"
        )
        assert flagged[family].value == severity, (
            f"{family}: expected {severity}, got {flagged[family].value}; "
            f"risks: {_risk_summary(assessment)}"
        )


@pytest.mark.parametrize("path", CASES, ids=IDS)
def test_absent_families_are_not_flagged(path: Path) -> None:
    assessment = _assess(path)
    flagged = _flagged(assessment)
    wrong = [f for f in EXPECTED[path.stem]["absent_families"] or [] if f in flagged]
    assert not wrong, f"must not be flagged: {wrong}; risks: {_risk_summary(assessment)}"


@pytest.mark.parametrize("path", CASES, ids=IDS)
def test_grade_is_within_the_expected_band(path: Path) -> None:
    assessment = _assess(path)
    lowest, highest = EXPECTED[path.stem]["grade"]
    assert GRADES.index(highest) <= GRADES.index(assessment.grade) <= GRADES.index(lowest), (
        f"grade {assessment.grade} ({assessment.score:.1f}) outside {lowest}–{highest}; "
        f"risks: {_risk_summary(assessment)}"
    )


@pytest.mark.parametrize("path", CASES, ids=IDS)
def test_checks_outside_the_shape_are_not_applicable(path: Path) -> None:
    assessment = _assess(path)
    status = {i.check_id: i.status for c in assessment.criteria for i in c.indicators}
    wrong = {
        check: status.get(check)
        for check in EXPECTED[path.stem]["not_applicable"]
        if status.get(check) is not IndicatorStatus.NOT_APPLICABLE
    }
    assert not wrong, f"should be not applicable: {wrong}"
