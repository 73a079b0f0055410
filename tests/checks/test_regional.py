"""RI01-RI07: regional inclusiveness, and the risks RF01-RF05 and CE01."""

from __future__ import annotations

import pytest

from policycheck.assessment import IndicatorStatus, RiskFamily, Severity
from tests.checks.conftest import Run, at, only_at

SCORED = IndicatorStatus.SCORED
INSUFFICIENT = IndicatorStatus.INSUFFICIENT
NOT_APPLICABLE = IndicatorStatus.NOT_APPLICABLE

TIRANA = """
participants:
  - {country: AL, role: signatory}
  - {country: HR, role: signatory}
  - {country: XK, role: signatory}
activities: [joint-exercises, training, intelligence-sharing]
"""


# --- RI01 coverage of the Western Balkan six -------------------------------------------


def test_ri01_region_wide(run: Run) -> None:
    case = run(
        """
        participants: [AL, BA, ME, MK, RS, XK]
        activities: [training]
        """
    )
    ind = case.indicator("RI01")
    assert (ind.level, ind.status, ind.points) == ("region-wide", SCORED, 100.0)
    assert only_at(ind.evidence, "participants") == case.line("participants:")
    assert "left out: none" in ind.evidence[0].note
    assert not {"RF01", "RF02"} & case.risk_ids


def test_ri01_open(run: Run) -> None:
    case = run(
        """
        participants: [AL, XK]
        activities: [training]
        regional:
          open_to_join: true
        """
    )
    ind = case.indicator("RI01")
    assert (ind.level, ind.status, ind.points) == ("open", SCORED, 70.0)
    assert only_at(ind.evidence, "regional.open_to_join") == case.line("open_to_join:")
    assert not {"RF01", "RF02"} & case.risk_ids


def test_ri01_partial_closed_grouping_raises_rf01(run: Run) -> None:
    case = run(
        """
        participants: [AL, ME, MK]
        activities: [training]
        """
    )
    ind = case.indicator("RI01")
    assert (ind.level, ind.status, ind.points) == ("partial", SCORED, 35.0)
    risk = case.risk("RF01")
    assert risk.severity is Severity.MEDIUM
    assert risk.family is RiskFamily.REGIONAL_FRAGMENTATION
    assert risk.check_id == "RI01"
    assert "AL, ME, MK" in risk.finding
    assert "leaves out BA, RS, XK" in risk.finding
    assert only_at(risk.evidence, "participants") == case.line("participants:")


def test_ri01_narrow_tirana_grouping_raises_rf01(run: Run) -> None:
    case = run(TIRANA)
    ind = case.indicator("RI01")
    assert (ind.level, ind.status, ind.points) == ("narrow", SCORED, 10.0)
    assert "in: AL, XK; left out: BA, ME, MK, RS" in ind.evidence[0].note
    # the list starts on the line after `participants:`
    assert only_at(ind.evidence, "participants") in case.span("participants:")
    risk = case.risk("RF01")
    assert risk.finding == "a closed grouping of AL, HR, XK that leaves out BA, ME, MK, RS"
    assert risk.severity is Severity.MEDIUM
    assert "RF02" not in case.risk_ids


def test_ri01_explicitly_closed_is_narrow(run: Run) -> None:
    case = run(
        """
        participants: [AL, XK]
        activities: [training]
        regional:
          open_to_join: false
        """
    )
    ind = case.indicator("RI01")
    assert ind.level == "narrow"
    assert only_at(ind.evidence, "regional.open_to_join") == case.line("open_to_join:")
    assert "RF01" in case.risk_ids


def test_rf02_low_for_eu_and_one_regional_state(run: Run) -> None:
    case = run(
        """
        lead: EU
        participants: [{country: EU, role: lead}, {country: AL, role: partner}]
        activities: [training, crisis-management]
        """
    )
    assert case.indicator("RI01").level == "narrow"
    risk = case.risk("RF02")
    assert risk.severity is Severity.LOW
    assert risk.family is RiskFamily.REGIONAL_FRAGMENTATION
    assert risk.finding == "a country-tailored track between the EU and AL alone"
    assert only_at(risk.evidence, "participants") == case.line("participants:")
    assert "RF01" not in case.risk_ids


def test_rf02_medium_for_member_state_and_one_regional_state(run: Run) -> None:
    case = run(
        """
        participants: [IT, ME]
        activities: [training]
        """
    )
    risk = case.risk("RF02")
    assert risk.severity is Severity.MEDIUM
    assert risk.finding == "a country-tailored track between IT and ME alone"
    assert "RF01" not in case.risk_ids


def test_rf02_names_member_states_even_with_the_eu(run: Run) -> None:
    case = run(
        """
        lead: EU
        participants: [IT, MK]
        activities: [training]
        """
    )
    risk = case.risk("RF02")
    assert risk.severity is Severity.MEDIUM
    assert "between IT and MK" in risk.finding


def test_rf02_not_raised_without_defence_activity(run: Run) -> None:
    case = run(
        """
        lead: EU
        participants: [AL]
        activities: [research]
        """
    )
    assert not {"RF01", "RF02"} & case.risk_ids


@pytest.mark.parametrize(
    "participants",
    [
        "[{country: XK, role: recipient}, {country: TR, role: supplier}]",
        "[AL, {country: DE, role: supplier}]",
        "[MK, {country: FR, role: funder}, {country: IT, role: facilitator}]",
    ],
)
def test_ri01_no_fragmentation_risk_for_supplier_only_roles(run: Run, participants: str) -> None:
    case = run(f"participants: {participants}\nactivities: [procurement]\n")
    assert case.indicator("RI01").level == "narrow"
    assert not {"RF01", "RF02"} & case.risk_ids


def test_rf02_not_raised_for_member_state_only_observing(run: Run) -> None:
    case = run("participants: [AL, {country: DE, role: observer}]\nactivities: [training]\n")
    assert "RF02" not in case.risk_ids


def test_rf02_not_raised_for_eu_only_observing(run: Run) -> None:
    """The EU as observer is outside the grouping, like a member state as observer."""
    case = run("participants: [AL, {country: EU, role: observer}]\nactivities: [training]\n")
    assert "RF02" not in case.risk_ids


# --- RI02 rivals left out --------------------------------------------------------------


def test_ri02_tirana_leaves_out_serbia(run: Run) -> None:
    case = run(TIRANA)
    ind = case.indicator("RI02")
    assert (ind.level, ind.status, ind.points) == ("high", SCORED, 0.0)
    # the worst exclusion first: Croatia's rivalry with Serbia, on Croatia's line
    assert ind.evidence[0].location.line == case.line("country: HR")
    assert ind.evidence[0].location.path == "participants.1"
    assert "HR's rivalry with RS (high)" in ind.evidence[0].note
    assert only_at(ind.evidence, "participants.0") == case.line("country: AL")
    assert set(at(ind.evidence, "participants.2")) == {case.line("country: XK")}
    risk = case.risk("CE01")
    assert risk.severity is Severity.HIGH
    assert risk.family is RiskFamily.CONFLICT_ESCALATION
    assert risk.check_id == "RI02"
    assert risk.finding.startswith("military cooperation among AL, HR, XK leaves out RS")
    assert "BA" not in risk.finding  # BA-XK is only a low tension
    assert only_at(risk.evidence, "activities") == case.line("activities:")
    assert only_at(risk.evidence, "participants.1") == case.line("country: HR")


def test_ri02_open_to_join_lowers_ce01_one_step(run: Run) -> None:
    case = run(TIRANA + "regional:\n  open_to_join: true\n")
    assert case.indicator("RI02").level == "high"
    risk = case.risk("CE01")
    assert risk.severity is Severity.MEDIUM
    assert "leaves out RS" in risk.finding


@pytest.mark.parametrize(("open_line", "severity"), [("", "medium"), ("open_to_join: true", "low")])
def test_ri02_medium_rival_left_out(run: Run, open_line: str, severity: str) -> None:
    body = "participants: [AL, ME]\nactivities: [joint-exercises]\n"
    if open_line:
        body += f"regional:\n  {open_line}\n"
    case = run(body)
    ind = case.indicator("RI02")
    assert (ind.level, ind.points) == ("medium", 35.0)
    assert only_at(ind.evidence, "participants.0") == case.line("participants:")
    risk = case.risk("CE01")
    assert risk.severity == severity
    assert "among AL, ME leaves out RS" in risk.finding


def test_ri02_no_ce01_with_one_state_in_the_grouping(run: Run) -> None:
    case = run(
        """
        lead: EU
        participants: [{country: EU, role: lead}, {country: AL, role: partner}]
        activities: [training, joint-exercises]
        """
    )
    ind = case.indicator("RI02")
    assert (ind.level, ind.points) == ("medium", 35.0)
    assert "AL's tension with RS (medium)" in ind.evidence[0].note
    assert "CE01" not in case.risk_ids


def test_ri02_no_ce01_without_military_activity(run: Run) -> None:
    case = run(
        """
        participants: [AL, HR, XK]
        activities: [crisis-management, cyber, demining]
        """
    )
    assert case.indicator("RI02").level == "high"
    assert "CE01" not in case.risk_ids


def test_ri02_equipment_makes_it_military(run: Run) -> None:
    case = run(
        """
        participants: [HR, XK]
        equipment:
          - {system: Radios, category: non-lethal, supplier: HR, recipient: XK}
        """
    )
    assert "CE01" in case.risk_ids


def test_ri02_low_rival_left_out_raises_nothing(run: Run) -> None:
    case = run(
        """
        participants: [BA, ME]
        activities: [joint-exercises]
        """
    )
    ind = case.indicator("RI02")
    assert (ind.level, ind.status, ind.points) == ("low", SCORED, 70.0)
    assert "BA's tension with XK (low)" in ind.evidence[0].note
    assert "CE01" not in case.risk_ids


def test_ri02_not_applicable_with_only_suppliers(run: Run) -> None:
    case = run(
        """
        participants:
          - {country: TR, role: supplier}
          - {country: EU, role: funder}
          - {country: XK, role: observer}
        activities: [procurement]
        """
    )
    ind = case.indicator("RI02")
    assert (ind.level, ind.status, ind.points) == ("not-applicable", NOT_APPLICABLE, None)
    assert only_at(ind.evidence, "participants") in case.span("participants:")
    assert "CE01" not in case.risk_ids


@pytest.mark.parametrize(
    "participants",
    [
        "[AL, BA, HR, RS, XK]",
        "[ME, MK]",
        "[RS, XK, {country: HR, role: partner}, AL, {country: BA, role: observer}]",
    ],
)
def test_ri02_none_when_every_rival_is_in(run: Run, participants: str) -> None:
    case = run(f"participants: {participants}\nactivities: [joint-exercises]\n")
    ind = case.indicator("RI02")
    assert (ind.level, ind.status, ind.points) == ("none", SCORED, 100.0)
    assert only_at(ind.evidence, "participants") == case.line("participants:")
    assert "CE01" not in case.risk_ids


def test_ri02_observer_seat_counts_as_in(run: Run) -> None:
    case = run(
        """
        participants: [AL, XK, {country: RS, role: observer}, {country: BA, role: observer}]
        activities: [joint-exercises]
        """
    )
    assert case.indicator("RI02").level == "none"
    assert "CE01" not in case.risk_ids


def test_ri02_lead_counts_in_the_grouping(run: Run) -> None:
    case = run(
        """
        lead: HR
        participants: [XK]
        activities: [training]
        """
    )
    ind = case.indicator("RI02")
    assert ind.level == "high"
    assert only_at(ind.evidence, "lead") == case.line("lead:")
    assert "among HR, XK leaves out RS" in case.risk("CE01").finding


# --- RI03 regional formats -------------------------------------------------------------


def test_ri03_insufficient_when_not_stated(run: Run) -> None:
    ind = run().indicator("RI03")
    assert (ind.level, ind.status, ind.points) == ("insufficient-information", INSUFFICIENT, 25)


def test_ri03_absent_with_empty_list(run: Run) -> None:
    case = run("regional:\n  formats: []\n")
    ind = case.indicator("RI03")
    assert (ind.level, ind.status, ind.points) == ("absent", SCORED, 0.0)
    assert only_at(ind.evidence, "regional.formats") == case.line("formats:")


def test_ri03_asserted_without_evidence(run: Run) -> None:
    case = run("regional:\n  formats: [berlin-process, racviac]\n")
    ind = case.indicator("RI03")
    assert (ind.level, ind.status, ind.points) == ("asserted", SCORED, 50.0)
    assert [e.location.path for e in ind.evidence] == ["regional.formats.0", "regional.formats.1"]
    assert {e.location.line for e in ind.evidence} == {case.line("formats:")}


def test_ri03_evidenced_when_one_link_has_evidence(run: Run) -> None:
    case = run(
        """
        regional:
          formats:
            - berlin-process
            - {format: racviac, how: Verification training, evidence: [Art. 15]}
        """
    )
    ind = case.indicator("RI03")
    assert (ind.level, ind.status, ind.points) == ("evidenced", SCORED, 100.0)
    assert only_at(ind.evidence, "regional.formats.0") == case.line("- berlin-process")
    assert only_at(ind.evidence, "regional.formats.1") == case.line("format: racviac")
    assert "evidence: Art. 15" in ind.evidence[1].note


# --- RI04 coordination, joint planning, interoperability -------------------------------


@pytest.mark.parametrize(
    ("claims", "level", "points"),
    [
        (
            {
                "coordination": "{statement: Coordinated, evidence: [Art. 12]}",
                "joint_planning": "true",
            },
            "strong",
            100.0,
        ),
        (
            {
                "coordination": "true",
                "joint_planning": "true",
                "interoperability": "{statement: NATO standards, evidence: [Annex]}",
            },
            "strong",
            100.0,
        ),
        (
            {"coordination": "true", "joint_planning": "true", "interoperability": "true"},
            "partial",
            50.0,
        ),
        ({"coordination": "{statement: Coordinated, evidence: [Art. 12]}"}, "partial", 50.0),
        ({"joint_planning": "true", "interoperability": "false"}, "partial", 50.0),
        ({"coordination": "false"}, "absent", 0.0),
        (
            {"coordination": "false", "joint_planning": "false", "interoperability": "false"},
            "absent",
            0.0,
        ),
    ],
)
def test_ri04_levels(run: Run, claims: dict[str, str], level: str, points: float) -> None:
    body = "regional:\n" + "".join(f"  {k}: {v}\n" for k, v in claims.items())
    case = run(body)
    ind = case.indicator("RI04")
    assert (ind.level, ind.status, ind.points) == (level, SCORED, points)
    for key in claims:
        assert only_at(ind.evidence, f"regional.{key}") == case.line(f"{key}:")


def test_ri04_insufficient_when_nothing_said(run: Run) -> None:
    case = run("regional:\n  open_to_join: true\n")
    ind = case.indicator("RI04")
    assert (ind.level, ind.status, ind.points) == ("insufficient-information", INSUFFICIENT, 25)
    assert len(ind.evidence) == 3


# --- RI05 horizon ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("horizon", "threats", "level", "points"),
    [
        (0, "[hybrid, cyber]", "reactive", 15.0),
        (4, "[hybrid, cyber]", "reactive", 15.0),
        (5, "[hybrid, cyber]", "medium-term", 60.0),
        (9, "[hybrid, cyber]", "medium-term", 60.0),
        (10, "[hybrid, cyber]", "long-term", 100.0),
        (25, "[hybrid, cyber, conventional-military]", "long-term", 100.0),
        (15, "[migration]", "reactive", 15.0),
        (15, "[organised-crime]", "reactive", 15.0),
        (12, "[migration, terrorism]", "long-term", 100.0),
    ],
)
def test_ri05_levels(run: Run, horizon: int, threats: str, level: str, points: float) -> None:
    case = run(f"activities: [training]\nhorizon_years: {horizon}\nthreats: {threats}\n")
    ind = case.indicator("RI05")
    assert (ind.level, ind.status, ind.points) == (level, SCORED, points)
    assert only_at(ind.evidence, "horizon_years") == case.line("horizon_years:")
    assert only_at(ind.evidence, "threats") == case.line("threats:")
    assert ("RF04" in case.risk_ids) == (level == "reactive")


def test_rf04_short_horizon(run: Run) -> None:
    case = run(
        """
        participants: [RS, HU]
        activities: [joint-exercises, training]
        threats: [conventional-military]
        horizon_years: 1
        """
    )
    risk = case.risk("RF04")
    assert risk.severity is Severity.LOW
    assert risk.family is RiskFamily.REGIONAL_FRAGMENTATION
    assert risk.check_id == "RI05"
    assert only_at(risk.evidence, "horizon_years") == case.line("horizon_years:")
    assert "horizon: 1 year" in risk.evidence[0].note


def test_ri05_single_reactive_threat_without_horizon_is_reactive(run: Run) -> None:
    case = run("activities: [border-management, counter-terrorism]\nthreats: [terrorism]\n")
    ind = case.indicator("RI05")
    assert (ind.level, ind.points) == ("reactive", 15.0)
    assert "RF04" in case.risk_ids


def test_ri05_insufficient_without_horizon(run: Run) -> None:
    case = run("activities: [training]\nthreats: [hybrid, migration]\n")
    ind = case.indicator("RI05")
    assert (ind.level, ind.status, ind.points) == ("insufficient-information", INSUFFICIENT, 25)
    assert "RF04" not in case.risk_ids


def test_rf04_not_raised_outside_defence(run: Run) -> None:
    case = run("activities: [research]\nhorizon_years: 2\nthreats: [migration]\n")
    assert case.indicator("RI05").level == "reactive"
    assert "RF04" not in case.risk_ids


# --- RI06 external actors --------------------------------------------------------------

DRONES_FROM = """
participants: [XK]
activities: [procurement]
equipment:
  - system: Drone
    category: armed-drone
    quantity: 6
    supplier: {supplier}
    recipient: XK
"""


def test_ri06_none(run: Run) -> None:
    case = run("participants: [AL, {country: DE, role: supplier}]\n")
    ind = case.indicator("RI06")
    assert (ind.level, ind.status, ind.points) == ("none", SCORED, 100.0)
    assert "RF03" not in case.risk_ids


def test_ri06_turkiye_supplier_is_medium(run: Run) -> None:
    case = run(DRONES_FROM.format(supplier="TR"))
    ind = case.indicator("RI06")
    assert (ind.level, ind.status, ind.points) == ("medium", SCORED, 40.0)
    assert only_at(ind.evidence, "equipment.0.supplier") == case.line("supplier: TR")
    risk = case.risk("RF03")
    assert risk.severity is Severity.MEDIUM
    assert risk.family is RiskFamily.REGIONAL_FRAGMENTATION
    assert risk.check_id == "RI06"
    assert risk.finding.startswith("TR involved as supplier of Drone")


@pytest.mark.parametrize("code", ["RU", "CN"])
def test_ri06_russia_or_china_is_high(run: Run, code: str) -> None:
    case = run(
        f"""
        participants: [RS]
        activities: [joint-exercises]
        external_actors:
          - {{country: {code}, involvement: trainer}}
        """
    )
    ind = case.indicator("RI06")
    assert (ind.level, ind.points) == ("high", 0.0)
    assert only_at(ind.evidence, "external_actors.0") == case.line(f"country: {code}")
    risk = case.risk("RF03")
    assert risk.severity is Severity.HIGH
    assert risk.finding.startswith(f"{code} involved as trainer")


def test_ri06_participant_external_actor(run: Run) -> None:
    case = run("participants: [RS, {country: CN, role: partner}]\nactivities: [procurement]\n")
    ind = case.indicator("RI06")
    assert ind.level == "high"
    assert only_at(ind.evidence, "participants.1") == case.line("participants:")
    assert "CN involved as participant (partner)" in case.risk("RF03").finding


def test_ri06_low_concern_raises_no_risk(run: Run) -> None:
    case = run(DRONES_FROM.format(supplier="US"))
    ind = case.indicator("RI06")
    assert (ind.level, ind.status, ind.points) == ("low", SCORED, 80.0)
    assert only_at(ind.evidence, "equipment.0.supplier") == case.line("supplier: US")
    assert "RF03" not in case.risk_ids


def test_ri06_unknown_influence_is_not_rated_low(run: Run) -> None:
    """The UK's influence is left null ("unknown") in countries.yaml.

    policycheck/reference.py: "A value left null is unknown, and checks that
    need it report 'insufficient information' rather than guess."
    """
    case = run(DRONES_FROM.format(supplier="GB"))
    ind = case.indicator("RI06")
    assert (ind.level, ind.status, ind.points) == ("insufficient-information", INSUFFICIENT, 25)
    assert "RF03" not in case.risk_ids


def test_ri06_known_worse_actor_outweighs_an_unknown_one(run: Run) -> None:
    case = run(
        """
        participants: [RS]
        activities: [procurement]
        external_actors:
          - {country: GB, involvement: trainer}
          - {country: CN, involvement: supplier}
        """
    )
    assert case.indicator("RI06").level == "high"
    assert case.risk("RF03").finding.startswith("CN involved as supplier")


def test_ri06_worst_actor_decides(run: Run) -> None:
    case = run(
        """
        participants: [RS]
        activities: [procurement]
        external_actors:
          - {country: US, involvement: trainer}
          - {country: TR, involvement: investor}
          - {country: RU, involvement: supplier}
        """
    )
    ind = case.indicator("RI06")
    assert ind.level == "high"
    assert ind.evidence[0].location.line == case.line("country: RU")
    risk = case.risk("RF03")
    assert risk.severity is Severity.HIGH
    assert risk.finding.startswith("RU involved as supplier")


# --- RI07 Kosovo recognition divide ----------------------------------------------------


def test_ri07_not_applicable_without_kosovo(run: Run) -> None:
    case = run("participants: [RS, ES, SK]\nactivities: [training]\n")
    ind = case.indicator("RI07")
    assert (ind.level, ind.status, ind.points) == ("not-applicable", NOT_APPLICABLE, None)
    assert "RF05" not in case.risk_ids


def test_ri07_bridged(run: Run) -> None:
    case = run(
        """
        participants:
          - AL
          - XK
          - HR
        activities: [training]
        """
    )
    ind = case.indicator("RI07")
    assert (ind.level, ind.status, ind.points) == ("bridged", SCORED, 100.0)
    assert only_at(ind.evidence, "participants.1") == case.line("- XK")
    assert "RF05" not in case.risk_ids


def test_ri07_bosnia_is_not_a_member_state(run: Run) -> None:
    case = run("participants: [BA, XK]\nactivities: [training]\n")
    assert case.indicator("RI07").level == "bridged"


@pytest.mark.parametrize("code", ["ES", "SK", "CY", "GR", "RO"])
def test_ri07_divided(run: Run, code: str) -> None:
    case = run(
        f"""
        participants:
          - XK
          - {code}
        activities: [training]
        """
    )
    ind = case.indicator("RI07")
    assert (ind.level, ind.status, ind.points) == ("divided", SCORED, 30.0)
    assert only_at(ind.evidence, "participants.1") == case.line(f"- {code}")
    risk = case.risk("RF05")
    assert risk.severity is Severity.MEDIUM
    assert risk.family is RiskFamily.REGIONAL_FRAGMENTATION
    assert risk.check_id == "RI07"
    assert risk.finding == f"{code} take part alongside Kosovo without recognising it"
    assert only_at(risk.evidence, "participants.1") == case.line(f"- {code}")


def test_ri07_divided_names_every_non_recogniser(run: Run) -> None:
    case = run("participants: [ES, XK, SK, DE]\nactivities: [training]\n")
    assert case.indicator("RI07").level == "divided"
    assert case.risk("RF05").finding.startswith("ES, SK take part")
