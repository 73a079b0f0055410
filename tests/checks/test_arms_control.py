"""AC01-AC05: arms-control compatibility, and the risks CE02-CE05."""

from __future__ import annotations

import pytest

from policycheck.assessment import IndicatorStatus, RiskFamily, Severity
from tests.checks.conftest import Run, at, only_at

SCORED = IndicatorStatus.SCORED
INSUFFICIENT = IndicatorStatus.INSUFFICIENT
NOT_APPLICABLE = IndicatorStatus.NOT_APPLICABLE


def equipment(recipient: str, category: str, quantity: int | None, supplier: str = "DE") -> str:
    """A proposal body: ``recipient`` takes part and receives one line of equipment."""
    qty = "" if quantity is None else f"\n    quantity: {quantity}"
    return f"""
participants: [{recipient}, {{country: {supplier}, role: supplier}}]
activities: [procurement]
equipment:
  - system: Kit
    category: {category}{qty}
    supplier: {supplier}
    recipient: {recipient}
"""


# --- AC01 SRAC ceilings ----------------------------------------------------------------
# Croatia's battle tanks: ceiling 410, holdings 232, so 178 fit; under 41 left is tight.


@pytest.mark.parametrize(
    ("quantity", "level", "points", "left"),
    [
        (44, "within", 100.0, 134),
        (137, "within", 100.0, 41),
        (138, "tight", 50.0, 40),
        (170, "tight", 50.0, 8),
        (178, "tight", 50.0, 0),
    ],
)
def test_ac01_croatian_tanks_under_the_ceiling(
    run: Run, quantity: int, level: str, points: float, left: int
) -> None:
    case = run(equipment("HR", "battle-tank", quantity))
    ind = case.indicator("AC01")
    assert (ind.level, ind.status, ind.points) == (level, SCORED, points)
    assert only_at(ind.evidence, "equipment.0") == case.line("- system: Kit")
    assert f"HR battle-tank: {left} left under a ceiling of 410" in ind.evidence[0].note
    assert "CE02" not in case.risk_ids


@pytest.mark.parametrize("quantity", [179, 200, 500])
def test_ac01_croatian_tanks_exceed_the_ceiling(run: Run, quantity: int) -> None:
    case = run(equipment("HR", "battle-tank", quantity))
    ind = case.indicator("AC01")
    assert (ind.level, ind.status, ind.points) == ("exceeded", SCORED, 0.0)
    risk = case.risk("CE02")
    assert risk.severity is Severity.CRITICAL
    assert risk.family is RiskFamily.CONFLICT_ESCALATION
    assert risk.check_id == "AC01"
    assert risk.finding == "HR battle-tank ceiling exceeded"
    assert only_at(risk.evidence, "equipment.0") == case.line("- system: Kit")
    assert "ceiling of 410 (holdings 232)" in risk.evidence[0].note


def test_ac01_quantities_of_one_category_add_up(run: Run) -> None:
    case = run(
        """
        participants: [HR]
        activities: [procurement]
        equipment:
          - {system: Leopard 2A8, category: battle-tank, quantity: 100, supplier: DE, recipient: HR}
          - {system: M-84 upgrade, category: battle-tank, quantity: 100, recipient: HR}
        """
    )
    assert case.indicator("AC01").level == "exceeded"
    risk = case.risk("CE02")
    assert only_at(risk.evidence, "equipment.0") == case.line("Leopard 2A8")
    assert only_at(risk.evidence, "equipment.1") == case.line("M-84 upgrade")


def test_ac01_exceeded_caps_the_grade_at_d(run: Run) -> None:
    case = run(
        """
        lead: EU
        participants:
          - {country: EU, role: lead}
          - AL
          - BA
          - ME
          - MK
          - RS
          - XK
          - HR
        activities: [procurement, training]
        threats: [hybrid, cyber, conventional-military]
        horizon_years: 15
        equipment:
          - {system: Leopard 2A8, category: battle-tank, quantity: 200, supplier: DE, recipient: HR}
        safeguards:
          human_security: {statement: Clause, evidence: [Art. 4]}
          democratic_conditionality: {statement: Benchmarks, evidence: [Art. 9]}
          local_consultation: {statement: Consulted, evidence: [Art. 11]}
          socio_economic_benefits: {statement: Jobs, evidence: [Annex II]}
        regional:
          open_to_join: {statement: All six are in, evidence: [Art. 2]}
          formats:
            - {format: berlin-process, evidence: [Art. 14]}
          coordination: {statement: Coordinated, evidence: [Art. 12]}
          joint_planning: {statement: Joint plan, evidence: [Art. 13]}
          interoperability: true
        arms_control:
          srac_notification: {statement: Notified, evidence: [Art. 16]}
          srac_compliance: true
          exercise_notification: {statement: Notified, evidence: [Art. 17]}
          observers: {statement: Invited, evidence: [Art. 17]}
          dispute_sensitivity: {statement: Channel, evidence: [Art. 18]}
        transparency:
          public_text: {statement: Published, evidence: ["https://example.org"]}
          reporting: {cadence: annual, audience: [parliament, public]}
          progress_indicators: {statement: Annex III, evidence: [Annex III]}
          parliamentary_oversight: {statement: Hearings, evidence: [Art. 21]}
          neighbour_information_sharing: {statement: Shared, evidence: [Art. 19]}
        """
    )
    a = case.a
    assert case.indicator("AC01").level == "exceeded"
    assert a.uncapped_grade in {"A", "B", "C"}
    assert a.grade in {"D", "F"}
    assert a.grade == "D"
    assert a.cap is not None
    assert a.cap.risk_id == "CE02"
    assert a.cap.severity is Severity.CRITICAL
    assert a.cap.max_grade == "D"


def test_ac01_within_leaves_the_grade_alone(run: Run) -> None:
    case = run(equipment("ME", "battle-tank", 10))
    ind = case.indicator("AC01")
    assert ind.level == "within"
    assert "ME battle-tank: 67 left under a ceiling of 77" in ind.evidence[0].note
    assert not {"CE02", "CE05"} & case.risk_ids


def test_ac01_serbian_aircraft_ceiling_unknown(run: Run) -> None:
    case = run(equipment("RS", "combat-aircraft", 12, supplier="FR"))
    ind = case.indicator("AC01")
    assert (ind.level, ind.status, ind.points) == ("insufficient-information", INSUFFICIENT, 25)
    assert "RS combat-aircraft: ceiling unknown" in ind.evidence[0].note
    assert only_at(ind.evidence, "equipment.0") == case.line("- system: Kit")
    assert "CE02" not in case.risk_ids


def test_ac01_quantity_missing(run: Run) -> None:
    case = run(equipment("HR", "battle-tank", None))
    ind = case.indicator("AC01")
    assert (ind.level, ind.status) == ("insufficient-information", INSUFFICIENT)
    assert "HR battle-tank: quantity unknown" in ind.evidence[0].note


def test_ac01_one_quantity_missing_among_several(run: Run) -> None:
    case = run(
        """
        participants: [HR]
        equipment:
          - {system: A, category: battle-tank, quantity: 10, recipient: HR}
          - {system: B, category: battle-tank, recipient: HR}
        """
    )
    ind = case.indicator("AC01")
    assert ind.level == "insufficient-information"
    assert at(ind.evidence, "equipment.1") == [case.line("system: B")]


def test_ac01_holdings_unknown(run: Run) -> None:
    case = run(equipment("BA", "artillery", 10))
    ind = case.indicator("AC01")
    assert ind.level == "insufficient-information"
    assert "BA artillery: holdings unknown" in ind.evidence[0].note


def test_ac01_quantity_alone_above_the_ceiling_is_exceeded(run: Run) -> None:
    case = run(equipment("BA", "artillery", 1600))
    assert case.indicator("AC01").level == "exceeded"
    risk = case.risk("CE02")
    assert risk.finding == "BA artillery ceiling exceeded"
    assert "holdings unknown" in risk.evidence[0].note


def test_ac01_worst_acquisition_decides(run: Run) -> None:
    case = run(
        """
        participants: [HR, ME]
        equipment:
          - {system: A, category: battle-tank, quantity: 10, recipient: ME}
          - {system: B, category: battle-tank, quantity: 170, recipient: HR}
        """
    )
    ind = case.indicator("AC01")
    assert ind.level == "tight"
    assert only_at(ind.evidence, "equipment.0") == case.line("system: A")
    assert only_at(ind.evidence, "equipment.1") == case.line("system: B")


@pytest.mark.parametrize(
    ("recipient", "category", "rival"),
    [("HR", "battle-tank", "RS"), ("RS", "combat-aircraft", "HR"), ("RS", "battle-tank", "HR")],
)
def test_ce05_for_croatian_or_serbian_acquisitions(
    run: Run, recipient: str, category: str, rival: str
) -> None:
    case = run(equipment(recipient, category, 12, supplier="FR"))
    risk = case.risk("CE05")
    assert risk.severity is Severity.MEDIUM
    assert risk.family is RiskFamily.CONFLICT_ESCALATION
    assert risk.check_id == "AC01"
    assert risk.finding.startswith(f"{recipient} adds ")
    assert risk.finding.endswith(f"amid its rivalry with {rival}")
    assert only_at(risk.evidence, "equipment.0") == case.line("- system: Kit")
    assert f"{recipient}–{rival} rivalry (high)" in risk.evidence[0].note


@pytest.mark.parametrize(("recipient", "category"), [("BA", "battle-tank"), ("ME", "artillery")])
def test_ce05_not_raised_without_a_rivalry(run: Run, recipient: str, category: str) -> None:
    case = run(equipment(recipient, category, 5))
    assert case.indicator("AC01").status is not NOT_APPLICABLE
    assert "CE05" not in case.risk_ids


@pytest.mark.parametrize(
    "body",
    [
        "participants: [HR]\nactivities: [training]\n",
        equipment("AL", "battle-tank", 10),
        equipment("XK", "armed-drone", 6, supplier="TR"),
        equipment("HR", "air-defence", 4, supplier="FR"),
    ],
)
def test_ac01_not_applicable(run: Run, body: str) -> None:
    case = run(body)
    ind = case.indicator("AC01")
    assert (ind.level, ind.status, ind.points) == ("not-applicable", NOT_APPLICABLE, None)
    assert not {"CE02", "CE05"} & case.risk_ids


# --- AC02 capabilities outside arms control --------------------------------------------


def test_ac02_armed_drone_to_kosovo(run: Run) -> None:
    case = run(equipment("XK", "armed-drone", 6, supplier="TR"))
    ind = case.indicator("AC02")
    assert (ind.level, ind.status, ind.points) == ("to-disputant", SCORED, 0.0)
    assert only_at(ind.evidence, "equipment.0") == case.line("- system: Kit")
    risk = case.risk("CE03")
    assert risk.severity is Severity.HIGH
    assert risk.family is RiskFamily.CONFLICT_ESCALATION
    assert risk.check_id == "AC02"
    assert "for XK, a party to a dispute with RS" in risk.finding
    assert "BA" not in risk.finding  # XK-BA is a low tension
    assert only_at(risk.evidence, "equipment.0") == case.line("- system: Kit")


def test_ac02_armed_drone_to_north_macedonia(run: Run) -> None:
    case = run(equipment("MK", "armed-drone", 2))
    ind = case.indicator("AC02")
    assert (ind.level, ind.status, ind.points) == ("outside-disputes", SCORED, 60.0)
    assert "'armed-drone' is not a category" in ind.evidence[0].note
    assert "CE03" not in case.risk_ids


def test_ac02_low_tension_is_not_a_dispute(run: Run) -> None:
    case = run(equipment("BA", "armed-drone", 2))
    assert case.indicator("AC02").level == "outside-disputes"
    assert "CE03" not in case.risk_ids


def test_ac02_tanks_to_albania_outside_srac(run: Run) -> None:
    case = run(equipment("AL", "battle-tank", 20))
    ind = case.indicator("AC02")
    assert ind.level == "to-disputant"
    assert "AL is not a party to the Sub-Regional Arms Control Agreement" in ind.evidence[0].note
    risk = case.risk("CE03")
    assert risk.severity is Severity.MEDIUM
    assert "for AL, a party to a dispute with RS" in risk.finding


@pytest.mark.parametrize(
    "category", ["non-lethal", "unarmed-drone", "other"]
)  # never counted as uncontrolled
def test_ac02_none_for_non_lethal_kit(run: Run, category: str) -> None:
    case = run(equipment("XK", category, 5))
    ind = case.indicator("AC02")
    assert (ind.level, ind.status, ind.points) == ("none", SCORED, 100.0)
    assert "CE03" not in case.risk_ids


def test_ac02_none_for_srac_category_to_srac_party(run: Run) -> None:
    case = run(equipment("RS", "battle-tank", 10))
    assert case.indicator("AC02").level == "none"


def test_ac02_not_applicable_without_equipment(run: Run) -> None:
    case = run("participants: [XK]\nactivities: [training]\n")
    ind = case.indicator("AC02")
    assert (ind.level, ind.status, ind.points) == ("not-applicable", NOT_APPLICABLE, None)


def test_ac02_one_risk_per_transfer_to_a_disputant(run: Run) -> None:
    case = run(
        """
        participants: [XK, MK]
        equipment:
          - {system: TB2, category: armed-drone, quantity: 6, supplier: TR, recipient: XK}
          - {system: TB2, category: armed-drone, quantity: 2, supplier: TR, recipient: MK}
          - {system: Javelin, category: missile, quantity: 20, supplier: US, recipient: XK}
        """
    )
    ind = case.indicator("AC02")
    assert ind.level == "to-disputant"
    assert len(ind.evidence) == 3
    risks = case.risks("CE03")
    assert sorted(r.evidence[0].location.path for r in risks) == ["equipment.0", "equipment.2"]
    assert {r.evidence[0].location.line for r in risks} == {
        case.line("quantity: 6,"),
        case.line("Javelin"),
    }


# --- AC03 SRAC notification and compliance ---------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "participants: [MK]\nactivities: [training]\n",  # no party, no party's rival
        "participants: [HR, ME]\nactivities: [research, demining]\n",  # parties, no military work
    ],
)
def test_ac03_not_applicable(run: Run, body: str) -> None:
    ind = run(body).indicator("AC03")
    assert (ind.level, ind.status, ind.points) == ("not-applicable", NOT_APPLICABLE, None)


@pytest.mark.parametrize(
    "body",
    [
        "participants: [HR, AL]\nactivities: [training]\n",  # a party takes part
        "participants: [AL, XK]\nactivities: [training]\n",  # a party (RS) is left out as rival
        equipment("AL", "battle-tank", 10),  # SRAC-category equipment
    ],
)
def test_ac03_applicable(run: Run, body: str) -> None:
    ind = run(body).indicator("AC03")
    assert (ind.level, ind.status, ind.points) == ("insufficient-information", INSUFFICIENT, 25)


@pytest.mark.parametrize(
    ("notification", "compliance", "level", "points"),
    [
        ("{statement: Notified, evidence: [SRCC note 3/2025]}", None, "evidenced", 100.0),
        ("false", "{statement: Complies, evidence: [Art. 2]}", "evidenced", 100.0),
        (None, "true", "asserted", 50.0),
        ("false", "true", "asserted", 50.0),
        ("false", "false", "absent", 0.0),
        ("false", None, "absent", 0.0),
    ],
)
def test_ac03_levels(
    run: Run, notification: str | None, compliance: str | None, level: str, points: float
) -> None:
    body = "participants: [HR, XK]\nactivities: [training]\narms_control:\n"
    if notification is not None:
        body += f"  srac_notification: {notification}\n"
    if compliance is not None:
        body += f"  srac_compliance: {compliance}\n"
    case = run(body)
    ind = case.indicator("AC03")
    assert (ind.level, ind.status, ind.points) == (level, SCORED, points)
    if notification is not None:
        assert only_at(ind.evidence, "arms_control.srac_notification") == case.line(
            "srac_notification:"
        )
    if compliance is not None:
        assert only_at(ind.evidence, "arms_control.srac_compliance") == case.line(
            "srac_compliance:"
        )


# --- AC04 confidence building ----------------------------------------------------------


@pytest.mark.parametrize(
    ("notification", "observers", "level", "points"),
    [
        ("{statement: 42 days ahead, evidence: [Art. 17]}", "true", "evidenced", 100.0),
        ("true", "{statement: Invited, evidence: [Art. 17]}", "evidenced", 100.0),
        ("true", "true", "partial", 50.0),
        ("{statement: 42 days ahead, evidence: [Art. 17]}", "false", "partial", 50.0),
        (None, "true", "partial", 50.0),
        ("false", "false", "absent", 0.0),
        ("false", None, "absent", 0.0),
    ],
)
def test_ac04_levels(
    run: Run, notification: str | None, observers: str | None, level: str, points: float
) -> None:
    body = "participants: [ME, MK]\nactivities: [joint-exercises]\narms_control:\n"
    if notification is not None:
        body += f"  exercise_notification: {notification}\n"
    if observers is not None:
        body += f"  observers: {observers}\n"
    case = run(body)
    ind = case.indicator("AC04")
    assert (ind.level, ind.status, ind.points) == (level, SCORED, points)
    if notification is not None:
        assert only_at(ind.evidence, "arms_control.exercise_notification") == case.line(
            "exercise_notification:"
        )
    if observers is not None:
        assert only_at(ind.evidence, "arms_control.observers") == case.line("observers:")
    assert "CE04" not in case.risk_ids  # ME and MK leave no rival out


def test_ac04_insufficient(run: Run) -> None:
    ind = run("participants: [ME, MK]\nactivities: [training]\n").indicator("AC04")
    assert (ind.level, ind.status, ind.points) == ("insufficient-information", INSUFFICIENT, 25)


def test_ac04_not_applicable_without_exercises_or_training(run: Run) -> None:
    case = run("participants: [AL, HR, XK]\nactivities: [procurement, intelligence-sharing]\n")
    ind = case.indicator("AC04")
    assert (ind.level, ind.status, ind.points) == ("not-applicable", NOT_APPLICABLE, None)
    assert only_at(ind.evidence, "activities") == case.line("activities:")
    assert "CE04" not in case.risk_ids


@pytest.mark.parametrize("arms_control", ["", "arms_control:\n  exercise_notification: false\n"])
def test_ce04_exercises_without_notification_leaving_a_rival_out(
    run: Run, arms_control: str
) -> None:
    case = run(
        "participants: [AL, HR, XK]\nactivities: [training, joint-exercises]\n" + arms_control
    )
    assert case.indicator("AC04").level in ("absent", "insufficient-information")
    risk = case.risk("CE04")
    assert risk.severity is Severity.MEDIUM
    assert risk.family is RiskFamily.CONFLICT_ESCALATION
    assert risk.check_id == "AC04"
    assert risk.finding.endswith("while RS is left out")
    assert only_at(risk.evidence, "activities") == case.line("activities:")
    if arms_control:
        assert only_at(risk.evidence, "arms_control.exercise_notification") == case.line(
            "exercise_notification:"
        )


def test_ce04_not_raised_with_observers(run: Run) -> None:
    case = run(
        """
        participants: [AL, HR, XK]
        activities: [joint-exercises]
        arms_control:
          observers: true
        """
    )
    assert case.indicator("AC04").level == "partial"
    assert "CE04" not in case.risk_ids


def test_ce04_not_raised_for_training_only(run: Run) -> None:
    case = run("participants: [AL, HR, XK]\nactivities: [training]\n")
    assert case.indicator("AC04").level == "insufficient-information"
    assert "CE04" not in case.risk_ids


def test_ce04_not_raised_when_only_a_low_rival_is_left_out(run: Run) -> None:
    case = run("participants: [BA, ME]\nactivities: [joint-exercises]\n")
    assert "CE04" not in case.risk_ids


# --- AC05 dispute sensitivity ----------------------------------------------------------


def test_ac05_not_applicable_without_a_dyad(run: Run) -> None:
    case = run("participants: [ME, MK, DE]\nactivities: [training]\n")
    ind = case.indicator("AC05")
    assert (ind.level, ind.status, ind.points) == ("not-applicable", NOT_APPLICABLE, None)
    assert only_at(ind.evidence, "participants") == case.line("participants:")


@pytest.mark.parametrize(
    ("value", "level", "points"),
    [
        ("{statement: De-escalation channel, evidence: [Art. 18]}", "evidenced", 100.0),
        ("true", "asserted", 50.0),
        ("false", "absent", 0.0),
    ],
)
def test_ac05_levels(run: Run, value: str, level: str, points: float) -> None:
    case = run(
        f"""
        participants: [AL, ME]
        activities: [training]
        arms_control:
          dispute_sensitivity: {value}
        """
    )
    ind = case.indicator("AC05")
    assert (ind.level, ind.status, ind.points) == (level, SCORED, points)
    assert only_at(ind.evidence, "arms_control.dispute_sensitivity") == case.line(
        "dispute_sensitivity:"
    )
    assert only_at(ind.evidence, "participants") == case.line("participants:")
    assert "disputes involving participants: AL–RS" in ind.evidence[1].note


def test_ac05_insufficient_and_lists_every_dispute(run: Run) -> None:
    case = run("participants: [RS]\nactivities: [training]\n")
    ind = case.indicator("AC05")
    assert (ind.level, ind.status, ind.points) == ("insufficient-information", INSUFFICIENT, 25)
    note = ind.evidence[1].note
    assert all(pair in note for pair in ("RS–XK", "HR–RS", "AL–RS"))
    assert "BA–XK" not in note
