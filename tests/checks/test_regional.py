"""RI01-RI07: regional inclusiveness, and the risks RF01-RF05 and CE01."""

from __future__ import annotations

import pytest

from policycheck.assessment import IndicatorStatus, RiskFamily, Severity
from policycheck.checks import REGISTRY
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


def test_ri01_open_to_every_state_left_out_by_name(run: Run) -> None:
    case = run(
        """
        participants: [AL, XK]
        activities: [training]
        regional:
          open_to: [BA, ME, MK, RS]
        """
    )
    ind = case.indicator("RI01")
    assert (ind.level, ind.points) == ("open", 70.0)
    assert only_at(ind.evidence, "regional.open_to") == case.line("open_to:")
    assert "RF01" not in case.risk_ids


def test_ri01_open_to_counts_the_states_that_may_join(run: Run) -> None:
    """Tirana as signed: open to EU/NATO allies and partners, so to ME and MK, not to RS or BA."""
    case = run(
        """
        participants: [AL, HR, XK]
        activities: [training]
        regional:
          open_to: [ME, MK]
          open_condition: EU and NATO allies and partners
        """
    )
    ind = case.indicator("RI01")
    # AL and XK in, ME and MK may join: four of six reach it
    assert (ind.level, ind.points) == ("partial", 35.0)
    note = next(e.note for e in ind.evidence if e.location.path == "regional.open_to")
    assert note == "open to ME, MK on a condition: EU and NATO allies and partners"
    assert only_at(ind.evidence, "regional.open_to") == case.line("open_to:")
    risk = case.risk("RF01")
    assert risk.finding == "a grouping of AL, HR, XK closed to BA, RS"
    assert only_at(risk.evidence, "regional.open_to") == case.line("open_to:")


def test_ri01_unknown_openness_raises_no_rf01(run: Run) -> None:
    case = run(TIRANA)
    ind = case.indicator("RI01")
    assert (ind.level, ind.status, ind.points) == ("insufficient-information", INSUFFICIENT, None)
    assert "in: AL, XK; left out: BA, ME, MK, RS" in ind.evidence[0].note
    # the list starts on the line after `participants:`
    assert only_at(ind.evidence, "participants") in case.span("participants:")
    assert "does not say whether the others may join" in ind.evidence[1].note
    assert not {"RF01", "RF02"} & case.risk_ids


def test_ri01_narrow_closed_tirana_grouping_raises_rf01(run: Run) -> None:
    case = run(TIRANA + "regional:\n  open_to_join: false\n")
    ind = case.indicator("RI01")
    assert (ind.level, ind.status, ind.points) == ("narrow", SCORED, 10.0)
    assert only_at(ind.evidence, "regional.open_to_join") == case.line("open_to_join:")
    risk = case.risk("RF01")
    assert risk.finding == "a grouping of AL, HR, XK closed to BA, ME, MK, RS"
    assert risk.severity is Severity.MEDIUM
    assert risk.family is RiskFamily.REGIONAL_FRAGMENTATION
    assert risk.check_id == "RI01"
    assert only_at(risk.evidence, "regional.open_to_join") == case.line("open_to_join:")
    assert "RF02" not in case.risk_ids


def test_ri01_partial_closed_grouping_along_the_nato_line(run: Run) -> None:
    case = run(
        """
        participants: [AL, ME, MK]
        activities: [training]
        regional:
          open_to_join: false
        """
    )
    ind = case.indicator("RI01")
    assert (ind.level, ind.status, ind.points) == ("partial", SCORED, 35.0)
    risk = case.risk("RF01")
    assert risk.severity is Severity.MEDIUM
    assert risk.finding == (
        "a grouping of AL, ME, MK closed to BA, RS, XK, along the NATO dividing line"
    )
    assert only_at(risk.evidence, "participants") == case.line("participants:")


def test_rf01_lowered_by_evidenced_coordination(run: Run) -> None:
    case = run(
        """
        participants: [AL, ME, MK]
        activities: [training]
        regional:
          open_to_join: false
          coordination: {statement: Coordinated with the EU partnerships, evidence: [Art. 12]}
        """
    )
    risk = case.risk("RF01")
    assert risk.severity is Severity.LOW
    assert risk.finding.endswith("; lowered from medium to low by evidenced regional.coordination")
    assert only_at(risk.evidence, "regional.coordination") == case.line("coordination:")


def test_rf01_not_lowered_by_asserted_coordination(run: Run) -> None:
    case = run(
        """
        participants: [AL, ME, MK]
        activities: [training]
        regional:
          open_to_join: false
          coordination: true
        """
    )
    assert case.risk("RF01").severity is Severity.MEDIUM


def test_rf02_low_for_eu_and_one_regional_state(run: Run) -> None:
    """RF02 needs no answer on openness: the track itself is the finding."""
    case = run(
        """
        lead: EU
        participants: [{country: EU, role: lead}, {country: AL, role: partner}]
        activities: [training, crisis-management]
        """
    )
    assert case.indicator("RI01").level == "insufficient-information"
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


def test_rf02_lowered_then_cleared_by_evidenced_mitigations(run: Run) -> None:
    planning = "  joint_planning: {statement: Joint plan, evidence: [Art. 3]}\n"
    coordination = "  coordination: {statement: Coordinated, evidence: [Art. 4]}\n"
    base = "participants: [IT, ME]\nactivities: [training]\nregional:\n"
    one = run(base + planning)
    risk = one.risk("RF02")
    assert risk.severity is Severity.LOW
    assert risk.finding.endswith(
        "; lowered from medium to low by evidenced regional.joint_planning"
    )
    assert only_at(risk.evidence, "regional.joint_planning") == one.line("joint_planning:")
    # two mitigations still lower it one step only
    both = run(base + planning + coordination).risk("RF02")
    assert both.severity is Severity.LOW
    assert both.finding.endswith("by evidenced regional.joint_planning, regional.coordination")
    # a low risk with an evidenced mitigation is cleared
    assert (
        "RF02"
        not in run(
            "lead: EU\nparticipants: [AL]\nactivities: [training]\nregional:\n" + planning
        ).risk_ids
    )


def test_ri01_not_applicable_without_defence_activity(run: Run) -> None:
    """An EU–Serbia raw-materials memorandum is not asked to cover the six."""
    case = run(
        """
        lead: EU
        participants: [RS]
        activities: [raw-materials, research]
        """
    )
    ind = case.indicator("RI01")
    assert (ind.status, ind.points) == (NOT_APPLICABLE, None)
    assert "not defence cooperation" in ind.evidence[0].note
    assert not {"RF01", "RF02"} & case.risk_ids


@pytest.mark.parametrize(
    ("participants", "equipment"),
    [
        (
            "[{country: XK, role: recipient}, {country: TR, role: supplier}]",
            "{system: Drone, category: armed-drone, quantity: 6, supplier: TR, recipient: XK}",
        ),
        (
            "[AL, {country: DE, role: supplier}]",
            "{system: Radios, category: non-lethal, supplier: DE, recipient: AL}",
        ),
        (
            "[HR]",
            "{system: Leopard 2A8, category: battle-tank, quantity: 1, recipient: HR}",
        ),
    ],
)
def test_ri01_ri02_not_applicable_to_a_national_purchase(
    run: Run, participants: str, equipment: str
) -> None:
    case = run(
        f"participants: {participants}\nactivities: [procurement]\n"
        f"regional:\n  open_to_join: false\nequipment:\n  - {equipment}\n"
    )
    for check_id in ("RI01", "RI02"):
        ind = case.indicator(check_id)
        assert (ind.status, ind.points) == (NOT_APPLICABLE, None), check_id
        assert "this initiative is a national acquisition" in ind.evidence[0].note
    assert not {"RF01", "RF02", "CE01"} & case.risk_ids


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
    # the indicator is lowered as much as the risk: RS may join
    assert (case.indicator("RI02").level, case.indicator("RI02").points) == ("medium", 35.0)
    risk = case.risk("CE01")
    assert risk.severity is Severity.MEDIUM
    assert "leaves out RS" in risk.finding


def test_ri02_low_tension_left_out_raises_no_ce01(run: Run) -> None:
    """Albania–Serbia is a low tension (one episode, by the dyads data): no rival to invite."""
    case = run("participants: [AL, ME]\nactivities: [joint-exercises]\n")
    ind = case.indicator("RI02")
    assert (ind.level, ind.points) == ("low", 70.0)
    assert only_at(ind.evidence, "participants.0") == case.line("participants:")
    assert "AL's tension with RS (low)" in ind.evidence[0].note
    assert "CE01" not in case.risk_ids
    assert case.indicator("AC07").status is NOT_APPLICABLE


def test_ri02_not_applicable_to_an_eu_partnership_with_one_state(run: Run) -> None:
    case = run(
        """
        lead: EU
        participants: [{country: EU, role: lead}, {country: AL, role: partner}]
        activities: [training, joint-exercises]
        """
    )
    ind = case.indicator("RI02")
    assert (ind.status, ind.points) == (NOT_APPLICABLE, None)
    assert ind.evidence[0].note == (
        f"applies to {REGISTRY['RI02'].scope.description}; this initiative is "
        "an EU partnership with one state, joint exercises, training"
    )
    assert "CE01" not in case.risk_ids


def test_ri02_not_applicable_without_military_activity(run: Run) -> None:
    case = run(
        """
        participants: [AL, HR, XK]
        activities: [crisis-management, cyber, demining]
        """
    )
    ind = case.indicator("RI02")
    assert ind.status is NOT_APPLICABLE
    assert "a grouping of AL, HR, XK" in ind.evidence[0].note
    assert "CE01" not in case.risk_ids


def test_ri02_not_applicable_to_a_regional_state_with_an_outside_one(run: Run) -> None:
    """Albania and Ukraine producing together: not a grouping of the region's states."""
    case = run("participants: [AL, UA]\nactivities: [industrial-cooperation]\n")
    ind = case.indicator("RI02")
    assert ind.status is NOT_APPLICABLE
    assert "a grouping of AL, UA" in ind.evidence[0].note
    assert "CE01" not in case.risk_ids


def test_ri02_lethal_equipment_makes_it_military(run: Run) -> None:
    case = run(
        """
        participants: [HR, XK]
        equipment:
          - {system: Rifles, category: small-arms, quantity: 100, supplier: HR, recipient: XK}
        """
    )
    assert case.indicator("RI02").level == "high"
    assert case.risk("CE01").severity is Severity.HIGH


def test_ri02_non_lethal_equipment_alone_is_not_military(run: Run) -> None:
    case = run(
        """
        participants: [HR, XK]
        equipment:
          - {system: Radios, category: non-lethal, supplier: HR, recipient: XK}
        """
    )
    assert case.indicator("RI02").status is NOT_APPLICABLE
    assert "CE01" not in case.risk_ids


def test_ri02_open_to_the_rival_by_name_lowers_ce01(run: Run) -> None:
    case = run(
        """
        participants: [AL, XK]
        activities: [training]
        regional:
          open_to: [RS]
        """
    )
    ind = case.indicator("RI02")
    assert (ind.level, ind.points) == ("medium", 35.0)
    assert "RS is left out but may join" in ind.evidence[0].note
    assert case.risk("CE01").severity is Severity.MEDIUM


@pytest.mark.parametrize(
    ("mitigations", "severity"),
    [
        (["depoliticised"], "medium"),
        (["depoliticised", "neighbours"], "medium"),
        ([], "high"),
    ],
)
def test_ce01_lowered_by_evidenced_mitigations(
    run: Run, mitigations: list[str], severity: str
) -> None:
    lines = {
        "depoliticised": "arms_control:\n  depoliticised: {statement: Directed at no state, "
        "evidence: [Art. 2]}\n",
        "neighbours": "transparency:\n  neighbour_information_sharing: {statement: Briefings, "
        "evidence: [Art. 8]}\n",
    }
    case = run(TIRANA + "".join(lines[m] for m in mitigations))
    risk = case.risk("CE01")
    assert risk.severity == severity
    if "depoliticised" in mitigations:
        assert only_at(risk.evidence, "arms_control.depoliticised") == case.line("depoliticised:")
        assert "; lowered from high to medium by evidenced arms_control.depoliticised" in (
            risk.finding
        )


def test_ce01_asserted_mitigation_does_not_lower(run: Run) -> None:
    case = run(TIRANA + "arms_control:\n  depoliticised: true\n")
    assert case.risk("CE01").severity is Severity.HIGH
    assert case.indicator("AC07").level == "asserted"


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

#: Two regional states training together: a defence framework, where RI03-RI05 and RI08 apply.
GROUPING = "participants: [AL, MK]\nactivities: [training]\n"


def test_ri03_unknown_when_not_stated(run: Run) -> None:
    ind = run(GROUPING).indicator("RI03")
    assert (ind.level, ind.status, ind.points) == ("insufficient-information", INSUFFICIENT, None)


def test_ri03_absent_with_empty_list(run: Run) -> None:
    case = run(GROUPING + "regional:\n  formats: []\n")
    ind = case.indicator("RI03")
    assert (ind.level, ind.status, ind.points) == ("absent", SCORED, 0.0)
    assert only_at(ind.evidence, "regional.formats") == case.line("formats:")


def test_ri03_asserted_without_evidence(run: Run) -> None:
    case = run(GROUPING + "regional:\n  formats: [berlin-process, racviac]\n")
    ind = case.indicator("RI03")
    assert (ind.level, ind.status, ind.points) == ("asserted", SCORED, 80.0)
    assert [e.location.path for e in ind.evidence] == ["regional.formats.0", "regional.formats.1"]
    assert {e.location.line for e in ind.evidence} == {case.line("formats:")}


def test_ri03_evidenced_when_one_link_has_evidence(run: Run) -> None:
    case = run(
        GROUPING
        + """\
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


@pytest.mark.parametrize("check_id", ["RI03", "RI04", "RI05", "RI08"])
def test_framework_checks_not_applicable_to_a_national_purchase(run: Run, check_id: str) -> None:
    case = run(
        """
        participants: [HR]
        activities: [procurement]
        horizon_years: 1
        regional:
          formats: []
          coordination: false
          avoids_duplication: false
        equipment:
          - {system: Leopard 2A8, category: battle-tank, quantity: 1, recipient: HR}
        """
    )
    ind = case.indicator(check_id)
    assert (ind.status, ind.points) == (NOT_APPLICABLE, None)
    assert ind.evidence[0].note.startswith("applies to defence cooperation among parties")
    assert "RF04" not in case.risk_ids


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
            60.0,
        ),
        ({"coordination": "{statement: Coordinated, evidence: [Art. 12]}"}, "partial", 60.0),
        ({"joint_planning": "true", "interoperability": "false"}, "partial", 60.0),
        (
            {"coordination": "false", "joint_planning": "false", "interoperability": "false"},
            "absent",
            0.0,
        ),
    ],
)
def test_ri04_levels(run: Run, claims: dict[str, str], level: str, points: float) -> None:
    body = GROUPING + "regional:\n" + "".join(f"  {k}: {v}\n" for k, v in claims.items())
    case = run(body)
    ind = case.indicator("RI04")
    assert (ind.level, ind.status, ind.points) == (level, SCORED, points)
    for key in claims:
        assert only_at(ind.evidence, f"regional.{key}") == case.line(f"{key}:")


@pytest.mark.parametrize(
    "claims", ["  open_to_join: true\n", "  coordination: false\n", "  coordination: TBD\n"]
)
def test_ri04_unknown_until_every_part_is_answered(run: Run, claims: str) -> None:
    """One stated absence is not "absent" while the other two parts are unknown."""
    case = run(GROUPING + "regional:\n" + claims)
    ind = case.indicator("RI04")
    assert (ind.level, ind.status, ind.points) == ("insufficient-information", INSUFFICIENT, None)
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
    case = run(GROUPING + f"horizon_years: {horizon}\nthreats: {threats}\n")
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
    case = run(
        "participants: [AL, MK]\nactivities: [border-management, counter-terrorism]\n"
        "threats: [terrorism]\n"
    )
    ind = case.indicator("RI05")
    assert (ind.level, ind.points) == ("reactive", 15.0)
    assert "RF04" in case.risk_ids


def test_ri05_unknown_without_horizon(run: Run) -> None:
    case = run(GROUPING + "threats: [hybrid, migration]\n")
    ind = case.indicator("RI05")
    assert (ind.level, ind.status, ind.points) == ("insufficient-information", INSUFFICIENT, None)
    assert "horizon: not stated" in ind.evidence[0].note
    assert "RF04" not in case.risk_ids


def test_ri05_not_applicable_outside_defence(run: Run) -> None:
    case = run(
        "lead: EU\nparticipants: [RS]\nactivities: [research]\nhorizon_years: 2\n"
        "threats: [migration]\n"
    )
    ind = case.indicator("RI05")
    assert ind.status is NOT_APPLICABLE
    assert "not defence cooperation" in ind.evidence[0].note
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


def test_ri06_none_when_stated(run: Run) -> None:
    case = run("participants: [AL, {country: DE, role: supplier}]\nexternal_actors: []\n")
    ind = case.indicator("RI06")
    assert (ind.level, ind.status, ind.points) == ("none", SCORED, 100.0)
    assert only_at(ind.evidence, "external_actors") == case.line("external_actors:")
    assert "RF03" not in case.risk_ids


def test_ri06_unknown_when_the_file_does_not_say(run: Run) -> None:
    case = run("participants: [AL, {country: DE, role: supplier}]\n")
    ind = case.indicator("RI06")
    assert (ind.level, ind.status, ind.points) == ("insufficient-information", INSUFFICIENT, None)
    assert "external_actors: [] if none" in ind.evidence[0].note
    assert "RF03" not in case.risk_ids


@pytest.mark.parametrize(
    ("code", "level", "points", "basis"),
    [
        ("GB", "low", 80.0, "no EU arms embargo, and the brief does not name it"),
        ("NO", "low", 80.0, "no EU arms embargo, and the brief does not name it"),
        # the brief names the US only for its shifting priorities, not as a competitor
        ("US", "low", 80.0, "no EU arms embargo, and the brief does not name it"),
        ("TR", "medium", 40.0, "the brief names it among the outside powers competing"),
        ("BY", "high", 0.0, "an EU arms embargo is in force against it"),
    ],
)
def test_ri06_concern_by_stated_criteria(
    run: Run, code: str, level: str, points: float, basis: str
) -> None:
    case = run(DRONES_FROM.format(supplier=code))
    ind = case.indicator("RI06")
    assert (ind.level, ind.status, ind.points) == (level, SCORED, points)
    assert only_at(ind.evidence, "equipment.0.supplier") == case.line(f"supplier: {code}")
    assert ind.evidence[0].note.startswith(f"{code} ({level} concern: {basis}")
    assert ("RF03" in case.risk_ids) == (level != "low")


@pytest.mark.parametrize("code", ["AR", "BR"])
def test_ri06_actor_without_a_record_is_unknown_and_warned(run: Run, code: str) -> None:
    case = run(
        f"""
        participants: [RS, MK]
        activities: [training]
        external_actors:
          - {{country: {code}, involvement: trainer}}
        """
    )
    ind = case.indicator("RI06")
    assert (ind.level, ind.status) == ("insufficient-information", INSUFFICIENT)
    assert only_at(ind.evidence, "external_actors.0") == case.line(f"country: {code}")
    assert f"{code}: no reference data" in ind.evidence[0].note
    warned = [w for w in case.a.warnings if w.location.path == "external_actors.0"]
    assert [w.location.line for w in warned] == [case.line(f"country: {code}")]
    assert warned[0].note.startswith(f"{code} has no record in the reference data")


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
def test_ri06_embargoed_state_is_high(run: Run, code: str) -> None:
    case = run(
        f"""
        participants: [RS, MK]
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


def test_ri06_worst_actor_decides(run: Run) -> None:
    case = run(
        """
        participants: [RS, MK]
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
    assert case.risk("RF03").finding.startswith("RU involved as supplier")


# --- RI07 Kosovo recognition divide ----------------------------------------------------


def test_ri07_not_applicable_without_kosovo(run: Run) -> None:
    case = run(
        "participants: [RS, ES, SK]\nactivities: [training]\nregional:\n  status_neutral: false\n"
    )
    ind = case.indicator("RI07")
    assert (ind.level, ind.status, ind.points) == ("not-applicable", NOT_APPLICABLE, None)
    assert ind.evidence[0].note.startswith("applies to initiatives where Kosovo takes part")
    assert "RF05" not in case.risk_ids


def test_ri07_not_applicable_when_every_participant_recognises_kosovo(run: Run) -> None:
    case = run("participants: [AL, XK, HR]\nactivities: [training]\n")
    assert case.indicator("RI07").status is NOT_APPLICABLE
    assert "RF05" not in case.risk_ids


@pytest.mark.parametrize("others", [["RS"], ["BA"], ["BA", "RS"]])
def test_ri07_applies_when_serbia_or_bosnia_take_part_with_kosovo(
    run: Run, others: list[str]
) -> None:
    """Bringing them in together is what the brief asks: silence is unknown, no risk."""
    case = run(
        "participants:\n  - XK\n"
        + "".join(f"  - {c}\n" for c in others)
        + "activities: [training]\n"
    )
    ind = case.indicator("RI07")
    assert (ind.level, ind.status, ind.points) == ("insufficient-information", INSUFFICIENT, None)
    for code in others:
        note = f"{code} does not recognise Kosovo"
        assert [e.location.line for e in ind.evidence if e.note == note] == [case.line(f"- {code}")]
    assert "RF05" not in case.risk_ids


@pytest.mark.parametrize(
    ("value", "level", "points"),
    [
        ("{statement: Status-neutral footnote, evidence: [Art. 3]}", "evidenced", 100.0),
        ("Status-neutral footnote", "asserted", 80.0),
    ],
)
def test_ri07_status_neutral_arrangements(run: Run, value: str, level: str, points: float) -> None:
    case = run(
        f"participants: [RS, XK]\nactivities: [training]\nregional:\n  status_neutral: {value}\n"
    )
    ind = case.indicator("RI07")
    assert (ind.level, ind.status, ind.points) == (level, SCORED, points)
    assert only_at(ind.evidence, "regional.status_neutral") == case.line("status_neutral:")
    assert "RF05" not in case.risk_ids


@pytest.mark.parametrize("code", ["ES", "SK", "CY", "GR", "RO", "RS", "BA"])
def test_rf05_only_from_a_stated_absence(run: Run, code: str) -> None:
    case = run(
        f"""
        participants:
          - XK
          - {code}
        activities: [training]
        regional:
          status_neutral: false
        """
    )
    ind = case.indicator("RI07")
    assert (ind.level, ind.status, ind.points) == ("absent", SCORED, 0.0)
    assert only_at(ind.evidence, "participants.1") == case.line(f"- {code}")
    risk = case.risk("RF05")
    assert risk.severity is Severity.MEDIUM
    assert risk.family is RiskFamily.REGIONAL_FRAGMENTATION
    assert risk.check_id == "RI07"
    assert risk.finding == (
        f"{code} take part alongside Kosovo without recognising it, and the text states "
        "no status-neutral arrangement"
    )
    assert only_at(risk.evidence, "participants.1") == case.line(f"- {code}")
    assert only_at(risk.evidence, "regional.status_neutral") == case.line("status_neutral:")


def test_rf05_names_every_non_recogniser(run: Run) -> None:
    case = run(
        "participants: [ES, XK, SK, DE]\nactivities: [training]\nregional:\n"
        "  status_neutral: false\n"
    )
    assert case.indicator("RI07").level == "absent"
    assert case.risk("RF05").finding.startswith("ES, SK take part")


# --- RI08 avoiding duplication, RI09 regional ownership --------------------------------

CLAIMS = [
    ("{statement: Folds in existing programmes, evidence: [Art. 12]}", "evidenced", 100.0),
    ("true", "asserted", 80.0),
    ("false", "absent", 0.0),
    ("TBD", "insufficient-information", None),
]


@pytest.mark.parametrize(("value", "level", "points"), CLAIMS)
def test_ri08_claim_levels(run: Run, value: str, level: str, points: float | None) -> None:
    case = run(GROUPING + f"regional:\n  avoids_duplication: {value}\n")
    ind = case.indicator("RI08")
    assert (ind.level, ind.points) == (level, points)
    assert only_at(ind.evidence, "regional.avoids_duplication") == case.line("avoids_duplication:")
    assert not [r for r in case.a.risks if r.check_id == "RI08"]


@pytest.mark.parametrize(("value", "level", "points"), CLAIMS)
def test_ri09_claim_levels(run: Run, value: str, level: str, points: float | None) -> None:
    case = run(
        f"lead: EU\nparticipants: [ME]\nactivities: [research]\n"
        f"safeguards:\n  regional_ownership: {value}\n"
    )
    ind = case.indicator("RI09")
    assert (ind.level, ind.points) == (level, points)
    assert only_at(ind.evidence, "safeguards.regional_ownership") == case.line(
        "regional_ownership:"
    )


def test_ri09_not_applicable_without_the_eu_or_a_member_state(run: Run) -> None:
    case = run(GROUPING + "safeguards:\n  regional_ownership: false\n")
    ind = case.indicator("RI09")
    assert ind.status is NOT_APPLICABLE
    assert ind.evidence[0].note == (
        "applies to cooperation in which the EU or a member state takes part (not a purchase "
        "alone); this initiative is a grouping of AL, MK, training"
    )
