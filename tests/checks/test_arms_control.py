"""AC01-AC07: arms-control compatibility, and the risks CE02-CE05."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from policycheck import Assessor
from policycheck.assessment import IndicatorStatus, RiskFamily, Severity
from tests.checks.conftest import Run, at, build, only_at
from tests.conftest import assess_yaml

SCORED = IndicatorStatus.SCORED
INSUFFICIENT = IndicatorStatus.INSUFFICIENT
NOT_APPLICABLE = IndicatorStatus.NOT_APPLICABLE


def equipment(
    recipient: str, category: str, quantity: int | None, supplier: str = "DE", extra: str = ""
) -> str:
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
{extra}"""


# --- AC01 SRAC ceilings ----------------------------------------------------------------
# Croatia's battle tanks: ceiling 410, holdings 232, so 178 fit; under 41 left is tight.


@pytest.mark.parametrize(
    ("quantity", "level", "points", "note"),
    [
        (44, "within", 100.0, "at least 134 left"),
        (137, "within", 100.0, "at least 41 left"),
        (138, "tight", 50.0, "at most 40 left"),
        (170, "tight", 50.0, "at most 8 left"),
        (178, "tight", 50.0, "at most 0 left"),
    ],
)
def test_ac01_croatian_tanks_under_the_ceiling(
    run: Run, quantity: int, level: str, points: float, note: str
) -> None:
    case = run(equipment("HR", "battle-tank", quantity))
    ind = case.indicator("AC01")
    assert (ind.level, ind.status, ind.points) == (level, SCORED, points)
    assert only_at(ind.evidence, "equipment.0") == case.line("- system: Kit")
    assert ind.evidence[0].note == (
        f"HR battle-tank: {note} under the ceiling "
        f"(ceiling 410, holdings 232, net addition {quantity})"
    )
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
    assert "exceeds the ceiling (ceiling 410, holdings 232" in risk.evidence[0].note


def test_ac01_replaced_systems_count_against_the_addition(run: Run) -> None:
    """200 new tanks exceed Croatia's headroom of 178; retiring 100 old ones leaves room."""
    case = run(equipment("HR", "battle-tank", 200, extra="    replaces: 100\n"))
    ind = case.indicator("AC01")
    assert ind.level == "within"
    assert "net addition 100" in ind.evidence[0].note
    assert "CE02" not in case.risk_ids


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
    assert "ME battle-tank: at least 67 left under the ceiling (ceiling 77" in ind.evidence[0].note
    assert not {"CE02", "CE05"} & case.risk_ids
    assert case.a.cap is None


def test_ac01_serbian_aircraft_ceiling_unknown(run: Run) -> None:
    case = run(equipment("RS", "combat-aircraft", 12, supplier="FR"))
    ind = case.indicator("AC01")
    assert (ind.level, ind.status, ind.points) == ("insufficient-information", INSUFFICIENT, None)
    assert ind.evidence[0].note.startswith(
        "RS combat-aircraft: the ceiling is not verified in the reference data (srac.yaml)"
    )
    assert only_at(ind.evidence, "equipment.0") == case.line("- system: Kit")
    assert ind.gap == "srac.yaml: RS's combat-aircraft ceiling or holdings"
    assert "CE02" not in case.risk_ids


def test_ac01_quantity_missing(run: Run) -> None:
    case = run(equipment("HR", "battle-tank", None))
    ind = case.indicator("AC01")
    assert (ind.level, ind.status, ind.points) == ("insufficient-information", INSUFFICIENT, None)
    assert ind.evidence[0].note.startswith("HR battle-tank: quantity not stated")
    # the file, not the reference data, lacks the fact
    assert ind.gap is None


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
    assert "BA artillery: the holdings figure is not verified" in ind.evidence[0].note
    assert "holdings at least 0" in ind.evidence[0].note


def test_ac01_quantity_alone_above_the_ceiling_is_exceeded(run: Run) -> None:
    case = run(equipment("BA", "artillery", 1600))
    assert case.indicator("AC01").level == "exceeded"
    risk = case.risk("CE02")
    assert risk.finding == "BA artillery ceiling exceeded"
    assert "(ceiling 1,500, holdings at least 0, net addition 1,600)" in risk.evidence[0].note


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
    ("quantity", "level"), [(200, "exceeded"), (12, "insufficient-information")]
)
def test_ac01_ceiling_known_only_by_bounds(run: Run, quantity: int, level: str) -> None:
    """Serbia's aircraft ceiling is unverified, but at most the 1996 Yugoslav ceiling of 155.

    200 aircraft exceed it whatever the exact figure; 12 cannot be settled.
    """
    case = run(equipment("RS", "combat-aircraft", quantity, supplier="FR"))
    ind = case.indicator("AC01")
    assert ind.level == level
    assert f"(ceiling at most 155, holdings at least 0, net addition {quantity})" in (
        ind.evidence[0].note
    )
    assert ("CE02" in case.risk_ids) == (level == "exceeded")


@pytest.mark.parametrize(
    ("quantity", "level"), [(61, "exceeded"), (60, "insufficient-information"), (5, "within")]
)
def test_ac01_bounds_from_a_reference_override(tmp_path: Path, quantity: int, level: str) -> None:
    """A user's srac.yaml may bound an unverified figure: Croatia's aircraft ceiling 40..60, none held."""
    yaml = YAML()
    data = yaml.load(
        resources.files("policycheck").joinpath("reference", "srac.yaml").read_text("utf-8")
    )
    croatia = data["srac"]["parties"]["HR"]
    croatia["ceilings"]["combat-aircraft"].update({"value": None, "at_least": 40, "at_most": 60})
    croatia.setdefault("holdings", {})["combat-aircraft"] = {
        "value": 0,
        "status": "V",
        "sources": ["atvbl-2019"],
        "as_of": "2025-12-15",
    }
    with (tmp_path / "srac.yaml").open("w", encoding="utf-8") as out:
        yaml.dump(data, out)
    text = build(equipment("HR", "combat-aircraft", quantity, supplier="FR"))
    a = assess_yaml(Assessor(reference=tmp_path), text)
    ind = next(i for c in a.criteria for i in c.indicators if i.check_id == "AC01")
    assert ind.level == level
    assert "ceiling between 40 and 60, holdings 0" in ind.evidence[0].note
    assert ("CE02" in {r.id for r in a.risks}) == (level == "exceeded")


# --- CE05 arms competition, by magnitude ------------------------------------------------


@pytest.mark.parametrize(
    ("recipient", "category", "rival"),
    [("HR", "battle-tank", "RS"), ("RS", "battle-tank", "HR")],
)
def test_ce05_for_croatian_or_serbian_acquisitions(
    run: Run, recipient: str, category: str, rival: str
) -> None:
    case = run(equipment(recipient, category, 12, supplier="FR"))
    risk = case.risk("CE05")
    assert risk.family is RiskFamily.CONFLICT_ESCALATION
    assert risk.check_id == "AC01"
    assert risk.finding.startswith(f"{recipient} adds battle tanks amid its rivalry with {rival}: ")
    assert only_at(risk.evidence, "equipment.0") == case.line("- system: Kit")
    assert f"{recipient}–{rival} rivalry (high)" in risk.evidence[0].note


def test_ce05_medium_finding_does_not_claim_the_high_threshold(run: Run) -> None:
    risk = run(equipment("HR", "battle-tank", 40)).risk("CE05")
    assert risk.severity is Severity.MEDIUM
    assert "10%" not in risk.finding


@pytest.mark.parametrize(
    ("quantity", "replaces", "severity", "why"),
    [
        # Croatia's tank ceiling is 410: 1 is 0.24%, 12 is 2.93%, 13 is 3.17%, 20 is 4.88%, 41 is 10%
        # (shares are shown rounded down, so they never claim a threshold they do not reach)
        (1, None, "low", "it adds 0.2% of the ceiling"),
        (12, None, "low", "it adds 2.9% of the ceiling"),
        (13, None, "medium", "it adds 3.1% of the ceiling"),
        (20, None, "medium", "it adds 4.8% of the ceiling"),
        (41, None, "high", "it adds 10% of the ceiling"),
        (41, 40, "low", "it adds 0.2% of the ceiling"),
        (41, 41, "low", "it replaces as many systems as it adds"),
    ],
)
def test_ce05_severity_by_net_addition(
    run: Run, quantity: int, replaces: int | None, severity: str, why: str
) -> None:
    extra = "" if replaces is None else f"    replaces: {replaces}\n"
    case = run(equipment("HR", "battle-tank", quantity, extra=extra))
    risk = case.risk("CE05")
    assert risk.severity == severity
    assert risk.finding == f"HR adds battle tanks amid its rivalry with RS: {why}"


def test_ce05_medium_when_the_share_cannot_be_worked_out(run: Run) -> None:
    """Croatia's aircraft ceiling is unknown and unbounded: medium, not a guess either way."""
    case = run(equipment("HR", "combat-aircraft", 12, supplier="FR"))
    risk = case.risk("CE05")
    assert risk.severity is Severity.MEDIUM
    assert risk.finding == (
        "HR adds combat aircraft amid its rivalry with RS: its size against the ceiling "
        "cannot be worked out"
    )


def test_ce05_share_against_the_upper_bound_of_the_ceiling(run: Run) -> None:
    """Serbia's 12 aircraft are at least 12/155 of a ceiling known to be at most 155."""
    risk = run(equipment("RS", "combat-aircraft", 12, supplier="FR")).risk("CE05")
    assert risk.severity is Severity.MEDIUM
    assert risk.finding.endswith("it adds at least 7.7% of the ceiling")


_HIGHER = {"low": "medium", "medium": "high", "high": "critical"}
NOTIFIED = "  srac_notification: {statement: Notified, evidence: [SRCC 3/2025]}\n"
SHARED = "  neighbour_information_sharing: {statement: Briefings, evidence: [Art. 8]}\n"


@pytest.mark.parametrize(
    ("quantity", "mitigations", "severity"),
    [
        (41, "arms_control:\n" + NOTIFIED, "medium"),
        # several mitigations still lower it one step: they do not undo the build-up
        (41, "arms_control:\n" + NOTIFIED + "transparency:\n" + SHARED, "medium"),
        (13, "arms_control:\n" + NOTIFIED, "low"),
        (1, "arms_control:\n" + NOTIFIED, None),
        (41, "arms_control:\n  srac_notification: true\n", "high"),
    ],
)
def test_ce05_lowered_by_evidenced_mitigations(
    run: Run, quantity: int, mitigations: str, severity: str | None
) -> None:
    case = run(equipment("HR", "battle-tank", quantity, extra=mitigations))
    if severity is None:  # a low risk lowered once more is cleared
        assert "CE05" not in case.risk_ids
        return
    risk = case.risk("CE05")
    assert risk.severity == severity
    if "evidence" in mitigations:
        assert f"; lowered from {_HIGHER[severity]} to {severity} by evidenced " in risk.finding
        assert only_at(risk.evidence, "arms_control.srac_notification") == case.line(
            "srac_notification:"
        )


@pytest.mark.parametrize(("recipient", "category"), [("BA", "battle-tank"), ("ME", "artillery")])
def test_ce05_not_raised_without_a_rivalry(run: Run, recipient: str, category: str) -> None:
    case = run(equipment(recipient, category, 5))
    assert case.indicator("AC01").status is not NOT_APPLICABLE
    assert "CE05" not in case.risk_ids


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("participants: [HR, ME]\nactivities: [training]\n", "a grouping of HR, ME"),
        (equipment("AL", "battle-tank", 10), "a national acquisition"),
        (equipment("XK", "armed-drone", 6, supplier="TR"), "a national acquisition"),
        (equipment("HR", "air-defence", 4, supplier="FR"), "a national acquisition"),
    ],
)
def test_ac01_not_applicable(run: Run, body: str, why: str) -> None:
    case = run(body)
    ind = case.indicator("AC01")
    assert (ind.level, ind.status, ind.points) == ("not-applicable", NOT_APPLICABLE, None)
    assert ind.evidence[0].note == (
        "applies to equipment in the arms-control agreement's categories going to one of its "
        f"parties; this initiative is {why}" + (", training" if "training" in body else "")
    )
    assert not {"CE02", "CE05"} & case.risk_ids


# --- AC02 capabilities outside arms control, CE03 by what the equipment is -------------


def test_ac02_armed_drone_to_kosovo(run: Run) -> None:
    case = run(equipment("XK", "armed-drone", 6, supplier="TR"))
    ind = case.indicator("AC02")
    assert (ind.level, ind.status, ind.points) == ("to-disputant", SCORED, 0.0)
    assert only_at(ind.evidence, "equipment.0") == case.line("- system: Kit")
    risk = case.risk("CE03")
    assert risk.severity is Severity.HIGH
    assert risk.family is RiskFamily.CONFLICT_ESCALATION
    assert risk.check_id == "AC02"
    assert risk.finding == (
        "Kit (armed drone, offensive) for XK, a party to a dispute with RS, outside any "
        "arms-control ceiling"
    )
    assert only_at(risk.evidence, "equipment.0") == case.line("- system: Kit")


@pytest.mark.parametrize(
    ("category", "character", "severity"),
    [
        ("armed-drone", "offensive", "high"),
        ("ammunition", "mixed", "medium"),
        ("missile", "mixed", "medium"),
        ("air-defence", "defensive", "low"),
    ],
)
def test_ce03_severity_follows_what_the_equipment_is(
    run: Run, category: str, character: str, severity: str
) -> None:
    """Kosovo's dispute with Serbia is high: offensive kit takes it, mixed one step less."""
    case = run(equipment("XK", category, 2, supplier="FR"))
    risk = case.risk("CE03")
    assert risk.severity == severity
    assert f"({category.replace('-', ' ')}, {character}) for XK" in risk.finding


@pytest.mark.parametrize(
    ("category", "mitigations", "severity"),
    [
        ("armed-drone", ["capability"], "medium"),
        ("armed-drone", ["capability", "neighbours"], "medium"),
        ("ammunition", ["neighbours"], "low"),
        ("air-defence", ["capability"], None),
    ],
)
def test_ce03_lowered_by_evidenced_mitigations(
    run: Run, category: str, mitigations: list[str], severity: str | None
) -> None:
    lines = {
        "capability": "arms_control:\n  capability_transparency: "
        "{statement: Declared to neighbours, evidence: [Art. 5]}\n",
        "neighbours": "transparency:\n" + SHARED,
    }
    case = run(
        equipment("XK", category, 2, supplier="TR", extra="".join(lines[m] for m in mitigations))
    )
    if severity is None:  # low, lowered once more: cleared
        assert "CE03" not in case.risk_ids
        assert case.indicator("AC02").level == "to-disputant"
        return
    risk = case.risk("CE03")
    assert risk.severity == severity
    if "capability" in mitigations:
        assert only_at(risk.evidence, "arms_control.capability_transparency") == case.line(
            "capability_transparency:"
        )
        assert risk.finding.endswith(
            "; lowered from high to medium by evidenced arms_control.capability_transparency"
            + (
                ", transparency.neighbour_information_sharing"
                if "neighbours" in mitigations
                else ""
            )
        )


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
    """Albania is no party; its tension with Serbia is low, so no dispute is at stake."""
    case = run(equipment("AL", "battle-tank", 20))
    ind = case.indicator("AC02")
    assert (ind.level, ind.points) == ("outside-disputes", 60.0)
    assert "AL is not a party to the Sub-Regional Arms Control Agreement" in ind.evidence[0].note
    assert "CE03" not in case.risk_ids


def test_ac02_tanks_to_kosovo_outside_srac(run: Run) -> None:
    case = run(equipment("XK", "battle-tank", 20))
    ind = case.indicator("AC02")
    assert (ind.level, ind.points) == ("to-disputant", 0.0)
    assert "XK is not a party to the Sub-Regional Arms Control Agreement" in ind.evidence[0].note
    risk = case.risk("CE03")
    assert risk.severity is Severity.HIGH
    assert "for XK, a party to a dispute with RS" in risk.finding


def test_ac02_applies_to_equipment_of_unknown_character(run: Run) -> None:
    """Unknown is not absent: 'other' equipment may be lethal, so the question is asked,
    and left unknown (a reference-data gap), with no risk raised on a guess."""
    case = run(equipment("XK", "other", 2, supplier="FR"))
    ind = case.indicator("AC02")
    assert ind.status is IndicatorStatus.INSUFFICIENT
    assert ind.gap is not None
    assert "equipment.yaml" in ind.gap
    assert not case.risks("CE03")


@pytest.mark.parametrize(
    ("category", "supplier"),
    [("non-lethal", "EU"), ("unarmed-drone", "DE"), ("electronic-warfare", "FR")],
)
def test_ac02_not_applicable_to_equipment_that_is_not_lethal(
    run: Run, category: str, supplier: str
) -> None:
    case = run(equipment("XK", category, 5, supplier=supplier))
    ind = case.indicator("AC02")
    assert (ind.level, ind.status, ind.points) == ("not-applicable", NOT_APPLICABLE, None)
    assert ind.evidence[0].note.startswith("applies to initiatives that supply lethal equipment")
    assert only_at(ind.evidence, "equipment") == case.line("equipment:")
    assert "CE03" not in case.risk_ids


def test_ac02_none_for_srac_category_to_srac_party(run: Run) -> None:
    ind = run(equipment("RS", "battle-tank", 10)).indicator("AC02")
    assert (ind.level, ind.points) == ("none", 100.0)
    assert "every lethal item is in a category the arms-control agreement limits" in (
        ind.evidence[0].note
    )


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
    ("body", "why"),
    [
        # no party to the agreement: not asked to notify under it
        ("participants: [MK, AL]\nactivities: [training]\n", "a grouping of MK, AL"),
        ("participants: [AL, XK]\nactivities: [joint-exercises]\n", "a grouping of AL, XK"),
        (equipment("AL", "battle-tank", 10), "a national acquisition"),
        # parties, but no military activity
        ("participants: [HR, ME]\nactivities: [research, demining]\n", "a grouping of HR, ME"),
    ],
)
def test_ac03_not_applicable(run: Run, body: str, why: str) -> None:
    case = run(body + "arms_control:\n  srac_notification: false\n")
    ind = case.indicator("AC03")
    assert (ind.level, ind.status, ind.points) == ("not-applicable", NOT_APPLICABLE, None)
    assert ind.evidence[0].note.startswith(
        "applies to military activity or equipment involving a party to the arms-control "
        f"agreement; this initiative is {why}"
    )


@pytest.mark.parametrize(
    ("body", "parties"),
    [
        ("participants: [HR, AL]\nactivities: [training]\n", "HR"),  # a party takes part
        (equipment("RS", "battle-tank", 10), "RS"),  # a party receives equipment
        (
            "participants: [AL, {country: DE, role: supplier}]\nactivities: [procurement]\n"
            "equipment:\n  - {system: Kit, category: small-arms, supplier: DE, recipient: ME}\n",
            "ME",
        ),  # a party is the recipient, not a participant
    ],
)
def test_ac03_applicable_and_unknown_when_not_stated(run: Run, body: str, parties: str) -> None:
    ind = run(body).indicator("AC03")
    assert (ind.level, ind.status, ind.points) == ("insufficient-information", INSUFFICIENT, None)
    assert ind.evidence[0].note == f"parties to the agreement involved: {parties}"


@pytest.mark.parametrize(
    ("notification", "compliance", "level", "points"),
    [
        ("{statement: Notified, evidence: [SRCC note 3/2025]}", None, "evidenced", 100.0),
        ("false", "{statement: Complies, evidence: [Art. 2]}", "evidenced", 100.0),
        (None, "true", "asserted", 80.0),
        ("false", "true", "asserted", 80.0),
        ("false", "false", "absent", 0.0),
        ("false", None, "absent", 0.0),
        ("TBD", "false", "absent", 0.0),
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


# --- AC04 confidence building, CE04 ----------------------------------------------------


@pytest.mark.parametrize(
    ("notification", "observers", "level", "points"),
    [
        ("{statement: 42 days ahead, evidence: [Art. 17]}", "true", "evidenced", 100.0),
        ("true", "{statement: Invited, evidence: [Art. 17]}", "evidenced", 100.0),
        ("true", "true", "partial", 60.0),
        ("{statement: 42 days ahead, evidence: [Art. 17]}", "false", "partial", 60.0),
        (None, "true", "partial", 60.0),
        ("false", "false", "absent", 0.0),
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


@pytest.mark.parametrize(
    "arms_control",
    ["", "arms_control:\n  exercise_notification: false\n", "arms_control:\n  observers: N/A\n"],
)
def test_ac04_unknown_until_both_are_answered(run: Run, arms_control: str) -> None:
    case = run("participants: [ME, MK]\nactivities: [joint-exercises]\n" + arms_control)
    ind = case.indicator("AC04")
    assert (ind.level, ind.status, ind.points) == ("insufficient-information", INSUFFICIENT, None)


def test_ac04_names_a_participant_outside_the_osce(run: Run) -> None:
    case = run("participants: [AL, XK]\nactivities: [joint-exercises]\n")
    note = case.indicator("AC04").evidence[-1].note
    assert note.startswith("XK not an OSCE participating State")


@pytest.mark.parametrize("activities", ["[procurement, intelligence-sharing]", "[training]"])
def test_ac04_not_applicable_without_joint_exercises(run: Run, activities: str) -> None:
    case = run(
        f"participants: [AL, HR, XK]\nactivities: {activities}\n"
        "arms_control:\n  exercise_notification: false\n  observers: false\n"
    )
    ind = case.indicator("AC04")
    assert (ind.level, ind.status, ind.points) == ("not-applicable", NOT_APPLICABLE, None)
    assert ind.evidence[0].note.startswith("applies to joint exercises; this initiative is")
    assert only_at(ind.evidence, "activities") == case.line("activities:")
    assert "CE04" not in case.risk_ids


def test_ce04_exercises_stated_without_notification_or_observers(run: Run) -> None:
    case = run(
        """
        participants: [AL, HR, XK]
        activities: [training, joint-exercises]
        arms_control:
          exercise_notification: false
          observers: false
        """
    )
    assert case.indicator("AC04").level == "absent"
    risk = case.risk("CE04")
    assert risk.severity is Severity.MEDIUM
    assert risk.family is RiskFamily.CONFLICT_ESCALATION
    assert risk.check_id == "AC04"
    assert risk.finding == (
        "joint exercises stated to have no notification or observers while RS is left out"
    )
    assert only_at(risk.evidence, "activities") == case.line("activities:")
    assert only_at(risk.evidence, "arms_control.exercise_notification") == case.line(
        "exercise_notification:"
    )
    assert only_at(risk.evidence, "arms_control.observers") == case.line("observers:")


@pytest.mark.parametrize(
    "arms_control",
    [
        "",  # silence
        "arms_control:\n  exercise_notification: false\n",  # observers unknown
        "arms_control:\n  exercise_notification: false\n  observers: TBD\n",
        "arms_control:\n  exercise_notification: false\n  observers: true\n",
    ],
)
def test_ce04_not_raised_unless_both_are_stated_absent(run: Run, arms_control: str) -> None:
    case = run("participants: [AL, HR, XK]\nactivities: [joint-exercises]\n" + arms_control)
    assert case.indicator("AC04").level in ("insufficient-information", "partial")
    assert "CE04" not in case.risk_ids


def test_ce04_not_raised_when_only_a_low_rival_is_left_out(run: Run) -> None:
    case = run(
        "participants: [BA, ME]\nactivities: [joint-exercises]\n"
        "arms_control:\n  exercise_notification: false\n  observers: false\n"
    )
    assert case.indicator("AC04").level == "absent"
    assert "CE04" not in case.risk_ids


# --- AC05 dispute sensitivity ----------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "participants: [ME, MK, DE]\nactivities: [training]\n",  # no dispute
        "participants: [BA, ME]\nactivities: [training]\n",  # only a low tension (BA-XK)
        "participants: [AL, ME]\nactivities: [training]\n",  # only a low tension (AL-RS)
        "participants: [HR, ME]\nactivities: [research]\n",  # a dispute, not military
    ],
)
def test_ac05_not_applicable(run: Run, body: str) -> None:
    case = run(body + "arms_control:\n  dispute_sensitivity: false\n")
    ind = case.indicator("AC05")
    assert (ind.level, ind.status, ind.points) == ("not-applicable", NOT_APPLICABLE, None)
    assert ind.evidence[0].note.startswith(
        "applies to military cooperation involving a party to a medium or acute dispute"
    )
    assert only_at(ind.evidence, "participants") == case.line("participants:")


@pytest.mark.parametrize(
    ("value", "level", "points"),
    [
        ("{statement: De-escalation channel, evidence: [Art. 18]}", "evidenced", 100.0),
        ("true", "asserted", 80.0),
        ("false", "absent", 0.0),
    ],
)
def test_ac05_levels(run: Run, value: str, level: str, points: float) -> None:
    case = run(
        f"""
        participants: [HR, ME]
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
    assert ind.evidence[1].note == "disputes involving participants: HR–RS (high)"


def test_ac05_unknown_and_lists_every_dispute(run: Run) -> None:
    case = run("participants: [RS]\nactivities: [training]\n")
    ind = case.indicator("AC05")
    assert (ind.level, ind.status, ind.points) == ("insufficient-information", INSUFFICIENT, None)
    note = ind.evidence[1].note
    assert note == "disputes involving participants: HR–RS (high), RS–XK (high)"


# --- AC06 capabilities the agreement does not cover ------------------------------------

AC06_CLAIMS = [
    ("{statement: Drone holdings declared to neighbours, evidence: [Art. 5]}", "evidenced", 100.0),
    ("true", "asserted", 80.0),
    ("false", "absent", 0.0),
    ("'-'", "insufficient-information", None),
]


@pytest.mark.parametrize(("value", "level", "points"), AC06_CLAIMS)
def test_ac06_levels_for_drones_outside_the_ceilings(
    run: Run, value: str, level: str, points: float | None
) -> None:
    case = run(
        equipment(
            "XK",
            "armed-drone",
            6,
            supplier="TR",
            extra=f"arms_control:\n  capability_transparency: {value}\n",
        )
    )
    ind = case.indicator("AC06")
    assert (ind.level, ind.points) == (level, points)
    assert only_at(ind.evidence, "arms_control.capability_transparency") == case.line(
        "capability_transparency:"
    )
    assert not [r for r in case.a.risks if r.check_id == "AC06"]


def test_ac06_applies_to_a_defence_framework_with_a_party(run: Run) -> None:
    """Without any uncovered transfer: a framework with Serbia is asked about drones and cyber."""
    ind = run("participants: [RS, ME]\nactivities: [training]\n").indicator("AC06")
    assert (ind.level, ind.points) == ("insufficient-information", None)


@pytest.mark.parametrize(
    ("body", "why"),
    [
        # a national purchase inside the agreement's categories
        (equipment("HR", "battle-tank", 10), "a national acquisition"),
        # a framework of non-parties with no uncovered lethal capability
        ("participants: [AL, MK]\nactivities: [training]\n", "a grouping of AL, MK"),
        # non-lethal equipment
        (equipment("XK", "non-lethal", 5, supplier="EU"), "a national acquisition"),
    ],
)
def test_ac06_not_applicable(run: Run, body: str, why: str) -> None:
    case = run(body + "arms_control:\n  capability_transparency: false\n")
    ind = case.indicator("AC06")
    assert ind.status is NOT_APPLICABLE
    assert ind.evidence[0].note.startswith("applies to lethal capabilities no arms-control")
    assert why in ind.evidence[0].note


# --- AC07 keeping the initiative from being politicised --------------------------------

TIRANA = "participants: [AL, HR, XK]\nactivities: [joint-exercises, training]\n"


@pytest.mark.parametrize(("value", "level", "points"), AC06_CLAIMS)
def test_ac07_levels_when_a_rival_is_left_out(
    run: Run, value: str, level: str, points: float | None
) -> None:
    case = run(TIRANA + f"arms_control:\n  depoliticised: {value}\n")
    ind = case.indicator("AC07")
    assert (ind.level, ind.points) == (level, points)
    assert only_at(ind.evidence, "arms_control.depoliticised") == case.line("depoliticised:")
    assert not [r for r in case.a.risks if r.check_id == "AC07"]


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("participants: [ME, MK]\nactivities: [joint-exercises]\n", "a grouping of ME, MK"),
        # only a low tension (BA-XK) is left out
        ("participants: [BA, ME]\nactivities: [joint-exercises]\n", "a grouping of BA, ME"),
        # a rival left out, but no military activity
        ("participants: [AL, HR, XK]\nactivities: [cyber]\n", "a grouping of AL, HR, XK"),
        # a state's own purchase is not asked to invite its rival in
        (equipment("HR", "battle-tank", 10), "a national acquisition"),
    ],
)
def test_ac07_not_applicable(run: Run, body: str, why: str) -> None:
    case = run(body + "arms_control:\n  depoliticised: false\n")
    ind = case.indicator("AC07")
    assert ind.status is NOT_APPLICABLE
    assert ind.evidence[0].note.startswith(
        "applies to military cooperation that leaves out a rival of a participant; "
        f"this initiative is {why}"
    )
