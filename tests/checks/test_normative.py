"""NS01-NS05: normative safeguards, and the risks NE01, NE02 and NE03."""

from __future__ import annotations

import textwrap

import pytest

from policycheck.assessment import IndicatorStatus, RiskFamily, Severity
from tests.checks.conftest import Run, at, only_at

SCORED = IndicatorStatus.SCORED
INSUFFICIENT = IndicatorStatus.INSUFFICIENT
NOT_APPLICABLE = IndicatorStatus.NOT_APPLICABLE

# (YAML value of the claim, level, points)
CLAIMS = [
    ("{statement: Clause in the text, evidence: [Art. 4]}", "evidenced", 100.0),
    ("{statement: Clause in the text, evidence: Art. 4}", "evidenced", 100.0),
    ("true", "asserted", 80.0),
    ("A clause is promised", "asserted", 80.0),
    ("{statement: Promised, evidence: []}", "asserted", 80.0),
    ("false", "absent", 0.0),
    ("{provided: false, statement: Dropped in negotiation}", "absent", 0.0),
]
#: Claims that stand in for an answer: unknown, with a warning naming the line.
PLACEHOLDERS = ["TBD", "N/A", "'-'", "None", '"false"', "unknown", "'?'"]

#: The EU with one regional partner, in defence cooperation: where NS01 applies.
EU_DEFENCE = """\
lead: EU
participants: [AL]
activities: [training]
"""
#: The EU with one regional partner, not defence: where NS02, NS04 and NS05 apply.
EU_PARTNERSHIP = """\
lead: EU
participants: [AL]
activities: [research]
"""


# --- NS01 human-security clause --------------------------------------------------------


@pytest.mark.parametrize(("value", "level", "points"), CLAIMS)
def test_ns01_claim_levels(run: Run, value: str, level: str, points: float) -> None:
    case = run(EU_DEFENCE + f"safeguards:\n  human_security: {value}\n")
    ind = case.indicator("NS01")
    assert (ind.level, ind.status, ind.points) == (level, SCORED, points)
    assert only_at(ind.evidence, "safeguards.human_security") == case.line("human_security:")


def test_ns01_unknown_when_not_stated(run: Run) -> None:
    case = run(EU_DEFENCE)
    ind = case.indicator("NS01")
    assert (ind.level, ind.status, ind.points) == ("insufficient-information", INSUFFICIENT, None)
    assert "does not say" in ind.evidence[0].note


@pytest.mark.parametrize("value", PLACEHOLDERS)
def test_ns01_placeholder_is_unknown_with_a_warning(run: Run, value: str) -> None:
    case = run(EU_DEFENCE + f"safeguards:\n  human_security: {value}\n")
    ind = case.indicator("NS01")
    assert (ind.level, ind.status, ind.points) == ("insufficient-information", INSUFFICIENT, None)
    assert "is a placeholder" in ind.evidence[0].note
    warned = [w for w in case.a.warnings if w.location.path == "safeguards.human_security"]
    assert [w.location.line for w in warned] == [case.line("human_security:")]
    assert "placeholder" in warned[0].note


def test_ns01_null_is_unknown(run: Run) -> None:
    """``null`` is YAML's null: the claim is left out, not answered (no placeholder to warn of)."""
    case = run(EU_DEFENCE + "safeguards:\n  human_security: null\n")
    assert case.indicator("NS01").status is INSUFFICIENT
    assert "does not say" in case.indicator("NS01").evidence[0].note
    assert not case.a.warnings


def test_ns01_missing_key_points_into_its_section(run: Run) -> None:
    case = run(EU_DEFENCE + "safeguards:\n  local_consultation: true\n")
    ind = case.indicator("NS01")
    assert ind.level == "insufficient-information"
    assert only_at(ind.evidence, "safeguards.human_security") in case.span("safeguards:")


def test_ns01_block_claim_points_inside_the_claim(run: Run) -> None:
    case = run(
        EU_DEFENCE
        + """\
safeguards:
  human_security:
    statement: Human-security clause
    evidence: [Art. 4]
"""
    )
    ind = case.indicator("NS01")
    assert ind.level == "evidenced"
    assert only_at(ind.evidence, "safeguards.human_security") in case.span("human_security:")


@pytest.mark.parametrize(
    ("body", "shape"),
    [
        # A member state buying for itself: a purchase, not a framework.
        (
            """
            participants: [HR]
            activities: [procurement]
            equipment:
              - {system: Leopard 2A8, category: battle-tank, quantity: 1, recipient: HR}
            """,
            "a national acquisition",
        ),
        # Two regional states without the EU or a member state.
        ("participants: [AL, MK]\nactivities: [training]\n", "a grouping of AL, MK"),
        # The EU with one partner, but no defence activity.
        (EU_PARTNERSHIP, "not defence cooperation"),
    ],
)
def test_ns01_not_applicable_outside_a_european_defence_framework(
    run: Run, body: str, shape: str
) -> None:
    safeguards = "safeguards:\n  human_security: false\n  democratic_conditionality: false\n"
    case = run(textwrap.dedent(body) + safeguards)
    ind = case.indicator("NS01")
    assert (ind.status, ind.points) == (NOT_APPLICABLE, None)
    assert ind.evidence[0].note.startswith("applies to defence cooperation in which the EU")
    assert shape in ind.evidence[0].note
    assert "NE01" not in case.risk_ids


# --- NE01: only from stated absences ---------------------------------------------------


def test_ne01_not_raised_from_silence(run: Run) -> None:
    case = run(EU_DEFENCE.replace("[training]", "[training, capacity-building]"))
    assert case.indicator("NS01").level == "insufficient-information"
    assert case.indicator("NS02").level == "insufficient-information"
    assert "NE01" not in case.risk_ids


def test_ne01_eu_defence_with_both_safeguards_stated_absent(run: Run) -> None:
    case = run(
        EU_DEFENCE.replace("[training]", "[training, capacity-building]")
        + "safeguards:\n  human_security: false\n  democratic_conditionality: false\n"
    )
    assert (case.indicator("NS01").level, case.indicator("NS01").points) == ("absent", 0)
    risk = case.risk("NE01")
    assert risk.severity is Severity.MEDIUM
    assert risk.family is RiskFamily.NORMATIVE_EROSION
    assert risk.check_id == "NS01"
    assert "neither a human-security clause nor democratic conditionality" in risk.finding
    assert only_at(risk.evidence, "safeguards.human_security") == case.line("human_security:")
    assert only_at(risk.evidence, "safeguards.democratic_conditionality") == case.line(
        "democratic_conditionality:"
    )
    assert only_at(risk.evidence, "activities") == case.line("activities:")
    assert "training, capacity-building" in next(
        e.note for e in risk.evidence if e.location.path == "activities"
    )


def test_ne01_member_state_grouping_with_both_safeguards_absent(run: Run) -> None:
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
    assert case.risk("NE01").severity is Severity.MEDIUM


def test_ne01_not_raised_when_only_one_safeguard_is_stated_absent(run: Run) -> None:
    case = run(EU_DEFENCE + "safeguards:\n  human_security: false\n")
    assert case.indicator("NS01").level == "absent"
    assert case.indicator("NS02").level == "insufficient-information"
    assert "NE01" not in case.risk_ids


def test_ne01_equipment_alone_makes_it_defence(run: Run) -> None:
    case = run(
        """
        lead: EU
        participants: [MK]
        equipment:
          - {system: Radios, category: non-lethal, supplier: EU, recipient: MK}
        safeguards:
          human_security: false
          democratic_conditionality: false
        """
    )
    assert case.indicator("NS01").status is SCORED
    assert "NE01" in case.risk_ids


@pytest.mark.parametrize(
    ("human", "democratic"),
    [
        ("true", "false"),
        ("false", "true"),
        ("false", "{statement: Rule-of-law benchmarks, evidence: [Art. 9]}"),
        ("{statement: Clause, evidence: [Art. 4]}", "false"),
        ("false", "TBD"),
    ],
)
def test_ne01_not_raised_unless_both_are_stated_absent(
    run: Run, human: str, democratic: str
) -> None:
    case = run(
        EU_DEFENCE
        + f"safeguards:\n  human_security: {human}\n  democratic_conditionality: {democratic}\n"
    )
    assert "NE01" not in case.risk_ids


def test_ne01_not_raised_for_kosovo_turkiye_purchase(run: Run) -> None:
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
    assert case.indicator("NS01").status is NOT_APPLICABLE
    assert "NE01" not in case.risk_ids


@pytest.mark.parametrize("role", ["supplier", "observer"])
def test_ne01_not_raised_for_member_state_outside_the_grouping(run: Run, role: str) -> None:
    case = run(
        f"""
        participants: [AL, MK, {{country: DE, role: {role}}}]
        activities: [training]
        safeguards:
          human_security: false
          democratic_conditionality: false
        """
    )
    assert case.indicator("NS01").status is NOT_APPLICABLE
    assert "NE01" not in case.risk_ids


def test_ne01_not_raised_for_eu_only_observing(run: Run) -> None:
    """An observer is outside the grouping (facts._OUTSIDE_ROLES), the EU as much as a member state."""
    case = run(
        """
        participants: [AL, MK, {country: EU, role: observer}]
        activities: [training]
        safeguards:
          human_security: false
          democratic_conditionality: false
        """
    )
    assert case.indicator("NS01").status is NOT_APPLICABLE
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
    assert case.indicator("NS01").status is NOT_APPLICABLE
    assert "NE01" not in case.risk_ids


# --- NS02 democratic conditionality and NE03 -------------------------------------------


@pytest.mark.parametrize(("value", "level", "points"), CLAIMS)
def test_ns02_claim_levels(run: Run, value: str, level: str, points: float) -> None:
    case = run(EU_PARTNERSHIP + f"safeguards:\n  democratic_conditionality: {value}\n")
    ind = case.indicator("NS02")
    assert (ind.level, ind.status, ind.points) == (level, SCORED, points)
    assert only_at(ind.evidence, "safeguards.democratic_conditionality") == case.line(
        "democratic_conditionality:"
    )


def test_ns02_unknown(run: Run) -> None:
    ind = run(EU_PARTNERSHIP).indicator("NS02")
    assert (ind.level, ind.status, ind.points) == ("insufficient-information", INSUFFICIENT, None)


def test_ns02_not_applicable_without_the_eu_or_a_member_state(run: Run) -> None:
    ind = run("participants: [AL, MK]\nactivities: [research]\n").indicator("NS02")
    assert ind.status is NOT_APPLICABLE
    assert ind.evidence[0].note.startswith("applies to cooperation in which the EU")


def test_ne03_not_raised_for_an_aligned_partner(run: Run) -> None:
    """Albania is fully aligned with the CFSP: a stated absence lowers NS02 but raises no NE03."""
    case = run(EU_PARTNERSHIP + "safeguards:\n  democratic_conditionality: false\n")
    assert case.indicator("NS02").level == "absent"
    assert "NE03" not in case.risk_ids


def test_ne03_not_raised_from_silence(run: Run) -> None:
    case = run(EU_PARTNERSHIP.replace("[AL]", "[RS]"))
    assert case.indicator("NS02").level == "insufficient-information"
    assert "NE03" not in case.risk_ids


def test_ne03_partly_aligned_partner_and_no_condition_stated(run: Run) -> None:
    case = run(
        EU_PARTNERSHIP.replace("[AL]", "[RS]") + "safeguards:\n  democratic_conditionality: false\n"
    )
    risk = case.risk("NE03")
    assert risk.check_id == "NS02"
    assert risk.severity is Severity.MEDIUM
    assert "RS" in risk.finding
    assert only_at(risk.evidence, "participants.0") == case.line("participants:")
    assert only_at(risk.evidence, "safeguards.democratic_conditionality") == case.line(
        "democratic_conditionality:"
    )


# --- NS03 local consultation and NE02 --------------------------------------------------


@pytest.mark.parametrize(("value", "level", "points"), CLAIMS)
def test_ns03_claim_levels(run: Run, value: str, level: str, points: float) -> None:
    case = run(f"activities: [raw-materials]\nsafeguards:\n  local_consultation: {value}\n")
    ind = case.indicator("NS03")
    assert (ind.level, ind.status, ind.points) == (level, SCORED, points)
    assert only_at(ind.evidence, "safeguards.local_consultation") == case.line(
        "local_consultation:"
    )


def test_ns03_unknown(run: Run) -> None:
    ind = run("activities: [infrastructure]\n").indicator("NS03")
    assert (ind.level, ind.status, ind.points) == ("insufficient-information", INSUFFICIENT, None)


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
    assert risk.finding.startswith("infrastructure, raw-materials stated to go ahead without")
    assert only_at(risk.evidence, "activities") == case.line("activities:")
    assert only_at(risk.evidence, "safeguards.local_consultation") == case.line(
        "local_consultation:"
    )


@pytest.mark.parametrize("value", [None, "TBD"])
def test_ne02_not_raised_when_consultation_is_unknown(run: Run, value: str | None) -> None:
    body = "activities: [infrastructure]\n"
    if value is not None:
        body += f"safeguards:\n  local_consultation: {value}\n"
    case = run(body)
    assert case.indicator("NS03").level == "insufficient-information"
    assert "NE02" not in case.risk_ids


def test_ns03_not_applicable_without_land_or_resources(run: Run) -> None:
    case = run(
        """
        activities: [training]
        safeguards:
          local_consultation: false
        """
    )
    ind = case.indicator("NS03")
    assert ind.status is NOT_APPLICABLE
    assert "raw materials, infrastructure" in ind.evidence[0].note
    assert "NE02" not in case.risk_ids


@pytest.mark.parametrize("value", ["true", "{statement: Hearings held, evidence: [Report 2]}"])
def test_ne02_not_raised_when_communities_consulted(run: Run, value: str) -> None:
    case = run(f"activities: [raw-materials]\nsafeguards:\n  local_consultation: {value}\n")
    assert case.indicator("NS03").level in ("asserted", "evidenced")
    assert "NE02" not in case.risk_ids


# --- NS04 socio-economic co-benefits, NS05 economic interdependence --------------------


@pytest.mark.parametrize("key", ["socio_economic_benefits", "economic_interdependence"])
@pytest.mark.parametrize(("value", "level", "points"), CLAIMS)
def test_ns04_ns05_claim_levels(run: Run, key: str, value: str, level: str, points: float) -> None:
    check_id = {"socio_economic_benefits": "NS04", "economic_interdependence": "NS05"}[key]
    case = run(EU_PARTNERSHIP + f"safeguards:\n  {key}: {value}\n")
    ind = case.indicator(check_id)
    assert (ind.level, ind.status, ind.points) == (level, SCORED, points)
    assert only_at(ind.evidence, f"safeguards.{key}") == case.line(f"{key}:")
    assert not [r for r in case.a.risks if r.check_id == check_id]


@pytest.mark.parametrize(
    ("check_id", "key"), [("NS04", "socio_economic_benefits"), ("NS05", "economic_interdependence")]
)
def test_ns04_ns05_unknown(run: Run, check_id: str, key: str) -> None:
    ind = run(EU_PARTNERSHIP).indicator(check_id)
    assert (ind.level, ind.status, ind.points) == ("insufficient-information", INSUFFICIENT, None)
    assert at(ind.evidence, f"safeguards.{key}")


@pytest.mark.parametrize("check_id", ["NS04", "NS05"])
def test_ns04_ns05_not_applicable_to_a_regional_grouping(run: Run, check_id: str) -> None:
    case = run(
        """
        participants: [AL, XK]
        activities: [training]
        safeguards:
          socio_economic_benefits: false
          economic_interdependence: false
        """
    )
    ind = case.indicator(check_id)
    assert ind.status is NOT_APPLICABLE
    assert "a grouping of AL, XK" in ind.evidence[0].note
