"""NS01-NS04: normative safeguards, and the risks NE01 and NE02."""

from __future__ import annotations

import pytest

from policycheck.assessment import IndicatorStatus, RiskFamily, Severity
from tests.checks.conftest import Run, at, only_at

SCORED = IndicatorStatus.SCORED
INSUFFICIENT = IndicatorStatus.INSUFFICIENT

# (YAML value of the claim, level, points)
CLAIMS = [
    ("{statement: Clause in the text, evidence: [Art. 4]}", "evidenced", 100.0),
    ("{statement: Clause in the text, evidence: Art. 4}", "evidenced", 100.0),
    ("true", "asserted", 50.0),
    ("A clause is promised", "asserted", 50.0),
    ("{statement: Promised, evidence: []}", "asserted", 50.0),
    ("false", "absent", 0.0),
    ("{provided: false, statement: Dropped in negotiation}", "absent", 0.0),
]


# --- NS01 human-security clause --------------------------------------------------------


@pytest.mark.parametrize(("value", "level", "points"), CLAIMS)
def test_ns01_claim_levels(run: Run, value: str, level: str, points: float) -> None:
    case = run(
        f"""
        activities: [research]
        safeguards:
          human_security: {value}
        """
    )
    ind = case.indicator("NS01")
    assert (ind.level, ind.status, ind.points) == (level, SCORED, points)
    assert only_at(ind.evidence, "safeguards.human_security") == case.line("human_security:")


def test_ns01_insufficient_when_not_stated(run: Run) -> None:
    case = run("activities: [research]\n")
    ind = case.indicator("NS01")
    assert (ind.level, ind.status, ind.points) == ("insufficient-information", INSUFFICIENT, 25)
    assert "does not say" in ind.evidence[0].note


def test_ns01_missing_key_points_into_its_section(run: Run) -> None:
    case = run(
        """
        safeguards:
          local_consultation: true
        """
    )
    ind = case.indicator("NS01")
    assert ind.level == "insufficient-information"
    assert only_at(ind.evidence, "safeguards.human_security") in case.span("safeguards:")


def test_ns01_block_claim_points_inside_the_claim(run: Run) -> None:
    case = run(
        """
        safeguards:
          human_security:
            statement: Human-security clause
            evidence: [Art. 4]
        """
    )
    ind = case.indicator("NS01")
    assert ind.level == "evidenced"
    assert only_at(ind.evidence, "safeguards.human_security") in case.span("human_security:")


def test_ne01_eu_defence_without_any_safeguard(run: Run) -> None:
    case = run(
        """
        lead: EU
        participants: [AL]
        activities: [training, capacity-building]
        """
    )
    assert case.indicator("NS01").level == "insufficient-information"
    risk = case.risk("NE01")
    assert risk.severity is Severity.MEDIUM
    assert risk.family is RiskFamily.NORMATIVE_EROSION
    assert risk.check_id == "NS01"
    assert "neither a human-security clause nor democratic conditionality" in risk.finding
    assert only_at(risk.evidence, "activities") == case.line("activities:")
    assert "training, capacity-building" in next(
        e.note for e in risk.evidence if e.location.path == "activities"
    )


def test_ne01_member_state_with_both_safeguards_absent(run: Run) -> None:
    case = run(
        """
        participants: [IT, AL]
        activities: [procurement]
        safeguards:
          human_security: false
          democratic_conditionality: false
        """
    )
    assert case.indicator("NS01").level == "absent"
    assert case.indicator("NS01").points == 0
    risk = case.risk("NE01")
    assert risk.severity is Severity.MEDIUM
    assert only_at(risk.evidence, "safeguards.human_security") == case.line("human_security:")
    assert only_at(risk.evidence, "safeguards.democratic_conditionality") == case.line(
        "democratic_conditionality:"
    )


def test_ne01_equipment_alone_makes_it_defence(run: Run) -> None:
    case = run(
        """
        lead: EU
        participants: [MK]
        equipment:
          - {system: Radios, category: non-lethal, supplier: EU, recipient: MK}
        """
    )
    assert "NE01" in case.risk_ids


@pytest.mark.parametrize(
    ("human", "democratic"),
    [
        ("true", None),
        (None, "true"),
        ("false", "{statement: Rule-of-law benchmarks, evidence: [Art. 9]}"),
        ("{statement: Clause, evidence: [Art. 4]}", "false"),
    ],
)
def test_ne01_not_raised_when_either_safeguard_is_provided(
    run: Run, human: str | None, democratic: str | None
) -> None:
    lines = ["lead: EU", "participants: [AL]", "activities: [training]", "safeguards:"]
    if human is not None:
        lines.append(f"  human_security: {human}")
    if democratic is not None:
        lines.append(f"  democratic_conditionality: {democratic}")
    case = run("\n".join(lines) + "\n")
    assert "NE01" not in case.risk_ids


def test_ne01_not_raised_without_eu_actor_kosovo_turkiye_purchase(run: Run) -> None:
    case = run(
        """
        participants:
          - {country: XK, role: recipient}
          - {country: TR, role: supplier}
        activities: [procurement, training]
        equipment:
          - {system: Bayraktar TB2, category: armed-drone, quantity: 6, supplier: TR, recipient: XK}
        safeguards:
          human_security: false
          democratic_conditionality: false
        """
    )
    assert case.indicator("NS01").level == "absent"
    assert "NE01" not in case.risk_ids


def test_ne01_not_raised_for_member_state_only_supplying(run: Run) -> None:
    case = run(
        """
        participants: [AL, {country: DE, role: supplier}]
        activities: [procurement]
        """
    )
    assert "NE01" not in case.risk_ids


def test_ne01_not_raised_for_member_state_only_observing(run: Run) -> None:
    case = run(
        """
        participants: [AL, {country: DE, role: observer}]
        activities: [training]
        """
    )
    assert "NE01" not in case.risk_ids


def test_ne01_not_raised_for_eu_only_observing(run: Run) -> None:
    """An observer is outside the grouping (facts._OUTSIDE_ROLES), the EU as much as a member state.

    NS01's docstring raises NE01 when "the EU or a member state takes part".
    """
    case = run(
        """
        participants: [AL, {country: EU, role: observer}]
        activities: [training]
        """
    )
    assert "NE01" not in case.risk_ids


def test_ne01_not_raised_when_not_defence_cooperation(run: Run) -> None:
    case = run(
        """
        lead: EU
        participants: [RS]
        activities: [research, demining, border-management]
        safeguards:
          human_security: false
          democratic_conditionality: false
        """
    )
    assert "NE01" not in case.risk_ids


# --- NS02 democratic conditionality ----------------------------------------------------


@pytest.mark.parametrize(("value", "level", "points"), CLAIMS)
def test_ns02_claim_levels(run: Run, value: str, level: str, points: float) -> None:
    case = run(f"safeguards:\n  democratic_conditionality: {value}\n")
    ind = case.indicator("NS02")
    assert (ind.level, ind.status, ind.points) == (level, SCORED, points)
    assert only_at(ind.evidence, "safeguards.democratic_conditionality") == case.line(
        "democratic_conditionality:"
    )


def test_ns02_insufficient(run: Run) -> None:
    ind = run().indicator("NS02")
    assert (ind.level, ind.status, ind.points) == ("insufficient-information", INSUFFICIENT, 25)


def test_ns02_raises_no_risk(run: Run) -> None:
    case = run(
        """
        participants: [AL]
        activities: [research]
        safeguards:
          democratic_conditionality: false
        """
    )
    assert not [r for r in case.a.risks if r.check_id == "NS02"]


# --- NS03 local consultation -----------------------------------------------------------


@pytest.mark.parametrize(("value", "level", "points"), CLAIMS)
def test_ns03_claim_levels(run: Run, value: str, level: str, points: float) -> None:
    case = run(f"safeguards:\n  local_consultation: {value}\n")
    ind = case.indicator("NS03")
    assert (ind.level, ind.status, ind.points) == (level, SCORED, points)
    assert only_at(ind.evidence, "safeguards.local_consultation") == case.line(
        "local_consultation:"
    )


def test_ns03_insufficient(run: Run) -> None:
    ind = run().indicator("NS03")
    assert (ind.level, ind.status, ind.points) == ("insufficient-information", INSUFFICIENT, 25)


def test_ne02_raw_materials_without_consultation(run: Run) -> None:
    case = run(
        """
        lead: EU
        participants: [RS]
        activities: [raw-materials, research, infrastructure]
        safeguards:
          local_consultation: false
        """
    )
    assert case.indicator("NS03").level == "absent"
    risk = case.risk("NE02")
    assert risk.severity is Severity.HIGH
    assert risk.family is RiskFamily.NORMATIVE_EROSION
    assert risk.check_id == "NS03"
    assert risk.finding.startswith("infrastructure, raw-materials without consulting")
    assert only_at(risk.evidence, "activities") == case.line("activities:")
    assert only_at(risk.evidence, "safeguards.local_consultation") == case.line(
        "local_consultation:"
    )


def test_ne02_infrastructure_when_consultation_not_stated(run: Run) -> None:
    case = run("activities: [infrastructure]\n")
    assert case.indicator("NS03").level == "insufficient-information"
    risk = case.risk("NE02")
    assert risk.severity is Severity.HIGH
    assert "infrastructure" in risk.finding
    assert "raw-materials" not in risk.finding


def test_ne02_not_raised_for_training_only(run: Run) -> None:
    case = run(
        """
        activities: [training]
        safeguards:
          local_consultation: false
        """
    )
    assert case.indicator("NS03").level == "absent"
    assert "NE02" not in case.risk_ids


@pytest.mark.parametrize("value", ["true", "{statement: Hearings held, evidence: [Report 2]}"])
def test_ne02_not_raised_when_communities_consulted(run: Run, value: str) -> None:
    case = run(f"activities: [raw-materials]\nsafeguards:\n  local_consultation: {value}\n")
    assert case.indicator("NS03").level in ("asserted", "evidenced")
    assert "NE02" not in case.risk_ids


# --- NS04 socio-economic co-benefits ---------------------------------------------------


@pytest.mark.parametrize(("value", "level", "points"), CLAIMS)
def test_ns04_claim_levels(run: Run, value: str, level: str, points: float) -> None:
    case = run(f"safeguards:\n  socio_economic_benefits: {value}\n")
    ind = case.indicator("NS04")
    assert (ind.level, ind.status, ind.points) == (level, SCORED, points)
    assert only_at(ind.evidence, "safeguards.socio_economic_benefits") == case.line(
        "socio_economic_benefits:"
    )
    assert not [r for r in case.a.risks if r.check_id == "NS04"]


def test_ns04_insufficient(run: Run) -> None:
    ind = run().indicator("NS04")
    assert (ind.level, ind.status, ind.points) == ("insufficient-information", INSUFFICIENT, 25)
    assert at(ind.evidence, "safeguards.socio_economic_benefits")
