"""The sample proposals: snapshots of every report format, and the brief's reading of each case.

The expected flags come from the brief's own reading (``../shared/brief``, section
"The cases the brief discusses"): Tirana → fragmentation and escalation;
Serbia–Hungary → fragmentation (a member state's own track) and escalation;
EU–Serbia raw materials → normative erosion; the SDPs → mild fragmentation;
Kosovo's armed drones → escalation and fragmentation (external actor);
Croatia–Serbia arms competition → escalation. The model initiative earns an A
with no high risk.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from policycheck import Assessment, Assessor
from policycheck.render import json as json_render
from policycheck.render import terminal
from tests.conftest import PROPOSALS, SAMPLES, sample_report
from tests.snapshots import JsonSnapshot, TextSnapshot


def _level(a: Assessment, check_id: str) -> str:
    return next(i.level for c in a.criteria for i in c.indicators if i.check_id == check_id)


def _assessment(assessor: Assessor, name: str, monkeypatch: pytest.MonkeyPatch) -> Assessment:
    result = sample_report(assessor, [name], monkeypatch).results[0]
    assert isinstance(result, Assessment), result
    return result


def test_there_are_samples_for_every_case_of_the_brief() -> None:
    assert len(SAMPLES) >= 8


@pytest.mark.parametrize("name", SAMPLES)
def test_terminal_snapshot(
    assessor: Assessor, name: str, snapshot: SnapshotAssertion, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = sample_report(assessor, [name], monkeypatch)
    text = terminal.render_text(report, width=100)
    assert text == snapshot(extension_class=TextSnapshot)


@pytest.mark.parametrize("name", SAMPLES)
def test_terminal_explain_snapshot(
    assessor: Assessor, name: str, snapshot: SnapshotAssertion, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = sample_report(assessor, [name], monkeypatch)
    text = terminal.render_text(report, width=120, explain=True)
    assert text == snapshot(extension_class=TextSnapshot)


@pytest.mark.parametrize("name", SAMPLES)
def test_json_snapshot(
    assessor: Assessor, name: str, snapshot: SnapshotAssertion, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = sample_report(assessor, [name], monkeypatch)
    output = json_render.render(report)
    # The output is compact (the fast encoder); the snapshot is indented to review diffs.
    assert (
        output
        == json.dumps(
            json_render.report_dict(report),
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        + "\n"
    )
    pretty = json.dumps(json.loads(output), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert pretty == snapshot(extension_class=JsonSnapshot)


def test_summary_snapshot(
    assessor: Assessor, snapshot: SnapshotAssertion, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = sample_report(assessor, SAMPLES, monkeypatch)
    text = terminal.render_text(report, width=100)
    summary = text[text.index("Summary") :]
    assert summary == snapshot(extension_class=TextSnapshot)


def _ids(a: Assessment) -> dict[str, str]:
    return {r.id: r.severity.value for r in a.risks}


def _families(a: Assessment) -> set[str]:
    return {r.family.value for r in a.risks}


def test_tirana_declaration_fragments_and_escalates(
    assessor: Assessor, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = _assessment(assessor, "tirana-declaration-2025.yaml", monkeypatch)
    risks = _ids(a)
    assert risks["RF01"] == "medium"  # selective grouping
    assert risks["CE01"] == "high"  # Serbia, a rival, left out
    # The sources do not say whether exercises are notified: unknown, so no CE04 from silence.
    assert "CE04" not in risks
    assert _level(a, "AC04") == "insufficient-information"
    assert {"regional-fragmentation", "conflict-escalation"} <= _families(a)
    ce01 = next(r for r in a.risks if r.id == "CE01")
    assert "RS" in ce01.finding
    # Open to EU and NATO allies and partners: Montenegro and North Macedonia may join.
    rf01 = next(r for r in a.risks if r.id == "RF01")
    assert rf01.finding.endswith("closed to BA, RS")
    assert a.grade in {"D", "F"}


def test_serbia_hungary_is_a_member_states_own_track_that_escalates(
    assessor: Assessor, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = _assessment(assessor, "serbia-hungary-2025.yaml", monkeypatch)
    risks = _ids(a)
    assert risks["RF02"] == "medium"  # a member state's bilateral track
    assert risks["CE01"] == "high"  # Kosovo and Croatia left out
    finding = next(r for r in a.risks if r.id == "CE01").finding
    assert "XK" in finding
    assert "HR" in finding
    assert {"regional-fragmentation", "conflict-escalation"} <= _families(a)


def test_raw_materials_partnership_erodes_normative_power(
    assessor: Assessor, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = _assessment(assessor, "eu-serbia-raw-materials-2024.yaml", monkeypatch)
    # Local concerns overlooked, and a partner outside the EU's foreign-policy line without conditions.
    assert _ids(a) == {"NE02": "high", "NE03": "medium"}
    assert _families(a) == {"normative-erosion"}
    # Not defence cooperation: the regional-coverage and rival checks do not apply.
    assert _level(a, "RI01") == "not-applicable"
    assert _level(a, "RI02") == "not-applicable"
    normative = next(c for c in a.criteria if c.id == "normative-safeguards")
    assert normative.score is not None
    assert normative.score < 25


@pytest.mark.parametrize("name", ["eu-albania-sdp-2024.yaml", "eu-north-macedonia-sdp-2024.yaml"])
def test_sdps_are_mildly_country_tailored(
    assessor: Assessor, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = _assessment(assessor, name, monkeypatch)
    assert _ids(a) == {"RF02": "low"}
    assert a.grade in {"B", "C"}
    # An EU partnership is not a grouping that leaves a rival out.
    assert _level(a, "RI02") == "not-applicable"
    # The European Peace Facility's own human-rights framework answers NS01, cited as such.
    assert _level(a, "NS01") == "evidenced"


def test_kosovo_drones_escalate_and_bring_in_an_external_actor(
    assessor: Assessor, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = _assessment(assessor, "kosovo-armed-drones-2023.yaml", monkeypatch)
    risks = _ids(a)
    assert risks["CE03"] == "high"  # armed drones outside SRAC to a party to a dispute
    assert risks["RF03"] == "medium"  # Türkiye
    assert "normative-erosion" not in _families(a)
    ce03 = next(r for r in a.risks if r.id == "CE03")
    assert ce03.evidence[0].location.path == "equipment.0"
    assert ce03.evidence[0].location.line == 26  # the equipment item


def test_serbian_rafale_purchase_feeds_the_arms_competition(
    assessor: Assessor, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = _assessment(assessor, "serbia-rafale-2024.yaml", monkeypatch)
    assert _ids(a) == {"CE05": "medium"}
    ceilings = next(i for c in a.criteria for i in c.indicators if i.check_id == "AC01")
    assert ceilings.level == "insufficient-information"  # Serbia's aircraft ceiling is unverified
    assert ceilings.gap is not None
    assert "srac.yaml" in ceilings.gap
    # A state's own purchase is not asked to invite its rival in.
    assert _level(a, "RI01") == "not-applicable"
    assert _level(a, "RI02") == "not-applicable"
    ce05 = next(r for r in a.risks if r.id == "CE05")
    assert "at least 7.7% of the ceiling" in ce05.finding  # 12 of at most 155


def test_model_initiative_earns_an_a_with_no_high_risk(
    assessor: Assessor, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = _assessment(assessor, "model-regional-initiative.yaml", monkeypatch)
    assert a.grade == "A"
    assert not [r for r in a.risks if r.severity.rank >= 3]
    assert a.insufficient == ()
    assert (a.coverage, a.cited, a.provisional) == (1.0, 1.0, False)


def test_the_model_initiative_stated_without_citations_earns_at_least_b(
    assessor: Assessor, tmp_path: Path
) -> None:
    """Every recommendation claimed in words, none cited: the same initiative, less confidence."""
    text = (PROPOSALS / "model-regional-initiative.yaml").read_text("utf-8")
    stripped = re.sub(r", evidence: \[[^\]]*\]", "", text)
    assert "evidence:" not in stripped
    path = tmp_path / "asserted.yaml"
    path.write_text(stripped, "utf-8")
    a = assessor.assess_file(path)
    assert isinstance(a, Assessment), a
    assert a.grade in {"A", "B"}
    assert a.coverage == 1.0
    assert a.cited < 0.5
    assert not a.risks


def test_the_untouched_template_is_provisional_and_raises_nothing_from_silence(
    assessor: Assessor, tmp_path: Path
) -> None:
    from policycheck.template import TEMPLATE

    path = tmp_path / "new.yaml"
    path.write_text(TEMPLATE, "utf-8")
    a = assessor.assess_file(path)
    assert isinstance(a, Assessment), a
    assert a.provisional
    assert a.coverage < 0.1
    # Every TBD is read as unknown and named in a warning.
    assert len([w for w in a.warnings if "placeholder" in w.note]) >= 20
    # Only what the template's shape itself says (the EU with one partner) is flagged.
    assert {r.id for r in a.risks} <= {"RF02"}
