"""The CI formats: SARIF 2.1.0, JUnit XML and GitHub workflow annotations.

SARIF is validated against the official OASIS schema (``tests/data``, see its README), with
``uri`` and ``uri-reference`` formats checked too; JUnit XML is parsed back and counted; the
annotations are matched against the workflow-command syntax. Every sample proposal's output
is snapshot-tested, and so is a gated run over all of them with waivers (one active, one
expired, one unused).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from msgspec import structs
from syrupy.assertion import SnapshotAssertion

from policycheck import Assessment, Assessor, Report, Severity
from policycheck.assessment import Failure, Risk, Waiver
from policycheck.gate import Thresholds, evaluate, report_waiver_verdicts
from policycheck.render import Format, github, junit, render, sarif
from tests.conftest import FIXED_TIME, PROPOSALS, ROOT, SAMPLES, assess_yaml, run_cli, sample_report
from tests.snapshots import SarifSnapshot, TextSnapshot, XmlSnapshot

TODAY = dt.date(2026, 1, 1)
KOSOVO = PROPOSALS / "kosovo-armed-drones-2023.yaml"
SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())

ACTIVE = Waiver(
    target="CE01",
    proposal="tirana-declaration-2025",
    justification="accepted by the board, 12 March: see minutes %3, item 4",
    owner="alice",
    expires=dt.date(2026, 6, 30),
    origin="policycheck.toml:10",
)
ACTIVE_LOW = Waiver(
    target="RF02",
    proposal="eu-albania-sdp-2024",
    justification="country track agreed with the region",
    owner="carol",
    expires=dt.date(2026, 3, 31),
    origin="policycheck.toml:16",
)
EXPIRED = Waiver(
    target="CE03",
    proposal="kosovo-armed-drones-2023",
    justification="pending the SRAC review",
    owner="bob",
    expires=dt.date(2025, 12, 31),
    origin="policycheck.toml:22",
)
UNUSED = Waiver(
    target="RF05",
    proposal="model-regional-initiative",
    justification="never needed",
    owner="dan",
    expires=dt.date(2026, 12, 31),
    origin="policycheck.toml:28",
)
WAIVERS = (ACTIVE, ACTIVE_LOW, EXPIRED, UNUSED)
GATE = Thresholds(fail_under="C", fail_on=Severity.HIGH)


# --- helpers -------------------------------------------------------------------------------


_URI_REFERENCE = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*\Z")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")

FORMATS = jsonschema.FormatChecker(formats=())


@FORMATS.checks("uri-reference")
def _is_uri_reference(value: object) -> bool:
    return not isinstance(value, str) or bool(_URI_REFERENCE.match(value))


@FORMATS.checks("uri")
def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or (
        bool(_URI_REFERENCE.match(value)) and bool(_SCHEME.match(value))
    )


VALIDATOR = jsonschema.Draft4Validator(SCHEMA, format_checker=FORMATS)


def assert_valid_sarif(log: dict[str, Any]) -> None:
    errors = sorted(VALIDATOR.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def _gated(
    assessor: Assessor,
    report: Report,
    thresholds: Thresholds = GATE,
    waivers: tuple[Waiver, ...] = WAIVERS,
) -> Report:
    """``report``'s files assessed again with ``waivers`` (the engine applies them as it
    grades), then gated."""
    waiving = Assessor(assessor.rubric_path, assessor.reference_path, waivers=waivers, today=TODAY)
    files = [Path(r.file) for r in report.results]
    waived = waiving.run(files, generated_at=report.generated_at, jobs=1)
    unused, expired = report_waiver_verdicts(waived.results, waivers)
    return evaluate(waived, thresholds, soft=False, expired=expired, unused=unused)


@pytest.fixture
def gated(assessor: Assessor, monkeypatch: pytest.MonkeyPatch) -> Report:
    """Every sample, waivers applied, gated on grade C and no unwaived high risk."""
    return _gated(assessor, sample_report(assessor, SAMPLES, monkeypatch))


def _assessment(report: Report, proposal_id: str) -> Assessment:
    return next(a for a in report.assessments if a.proposal_id == proposal_id)


def _risk(report: Report, proposal_id: str, risk_id: str) -> Risk:
    return next(r for r in _assessment(report, proposal_id).risks if r.id == risk_id)


def _invalid_file(tmp_path: Path) -> Path:
    bad = tmp_path / "broken.yaml"
    bad.write_text("schema_version: 1\nid: [unclosed\n", encoding="utf-8")
    return bad


# --- snapshots of every sample --------------------------------------------------------------


@pytest.mark.parametrize("name", SAMPLES)
def test_sarif_snapshot(
    assessor: Assessor, name: str, snapshot: SnapshotAssertion, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = sarif.render(sample_report(assessor, [name], monkeypatch))
    assert_valid_sarif(json.loads(text))
    assert text == snapshot(extension_class=SarifSnapshot)


@pytest.mark.parametrize("name", SAMPLES)
def test_junit_snapshot(
    assessor: Assessor, name: str, snapshot: SnapshotAssertion, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = junit.render(sample_report(assessor, [name], monkeypatch))
    ET.fromstring(text.encode())
    assert text == snapshot(extension_class=XmlSnapshot)


@pytest.mark.parametrize("name", SAMPLES)
def test_github_snapshot(
    assessor: Assessor, name: str, snapshot: SnapshotAssertion, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = github.render(sample_report(assessor, [name], monkeypatch))
    assert_workflow_commands(text)
    assert text == snapshot(extension_class=TextSnapshot)


def test_gated_sarif_snapshot(gated: Report, snapshot: SnapshotAssertion) -> None:
    assert sarif.render(gated) == snapshot(extension_class=SarifSnapshot)


def test_gated_junit_snapshot(gated: Report, snapshot: SnapshotAssertion) -> None:
    assert junit.render(gated) == snapshot(extension_class=XmlSnapshot)


def test_gated_github_snapshot(gated: Report, snapshot: SnapshotAssertion) -> None:
    assert github.render(gated) == snapshot(extension_class=TextSnapshot)


def test_renderers_are_deterministic(gated: Report) -> None:
    for module in (sarif, junit, github):
        assert module.render(gated) == module.render(gated)


def test_dispatch_reaches_each_ci_format(gated: Report) -> None:
    assert render(gated, Format.SARIF) == sarif.render(gated)
    assert render(gated, Format.JUNIT) == junit.render(gated)
    assert render(gated, Format.GITHUB) == github.render(gated)


# --- SARIF ----------------------------------------------------------------------------------


def test_gated_sarif_is_valid_and_its_rules_and_results_agree(gated: Report) -> None:
    log = json.loads(sarif.render(gated))
    assert_valid_sarif(log)
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "policycheck"
    assert driver["version"] == gated.tool_version
    assert run["invocations"][0]["executionSuccessful"] is True
    rules = driver["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids))
    assert ids == [r.id for r in gated.risk_rules] + ["PC0000", "PCGATE"]
    assert {r.id for a in gated.assessments for r in a.risks} <= set(ids)
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        for loc in result["locations"] + result.get("relatedLocations", []):
            art = loc["physicalLocation"]["artifactLocation"]
            assert run["artifacts"][art["index"]]["location"]["uri"] == art["uri"]
            assert art["uriBaseId"] == "%SRCROOT%"
    for rule in rules[:-2]:
        assert rule["shortDescription"]["text"]
        assert rule["help"]["text"]
        assert rule["properties"]["family"] in {
            "normative-erosion",
            "regional-fragmentation",
            "conflict-escalation",
        }


def test_sarif_results_point_at_the_evidence_with_fingerprints(gated: Report) -> None:
    (run,) = json.loads(sarif.render(gated, keep_waived=True))["runs"]
    risks = {r.fingerprint: r for a in gated.assessments for r in a.risks}
    by_fingerprint = {
        res["partialFingerprints"]["policycheck/v1"]: res
        for res in run["results"]
        if res["ruleId"] not in {"PC0000", "PCGATE"}
    }
    assert set(by_fingerprint) == set(risks)  # one result per risk, fingerprints kept
    for fp, risk in risks.items():
        res = by_fingerprint[fp]
        assert res["ruleId"] == risk.id
        levels = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
        assert res["level"] == levels[risk.severity.value]
        assert risk.finding in res["message"]["text"]
        assert risk.mitigation in res["message"]["text"]
        first = risk.evidence[0].location
        (loc,) = res["locations"]
        physical = loc["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == first.file
        assert physical["region"] == {"startLine": first.line, "startColumn": first.column}
        assert physical["region"]["startLine"] >= 1
        assert loc["logicalLocations"][0]["fullyQualifiedName"] == first.path
        related = [
            (
                r["physicalLocation"]["region"]["startLine"],
                r["physicalLocation"]["region"]["startColumn"],
            )
            for r in res.get("relatedLocations", [])
        ]
        assert related == [(e.location.line, e.location.column) for e in risk.evidence[1:]]


def test_sarif_keeps_waived_risks_as_suppressed_when_asked(gated: Report) -> None:
    (run,) = json.loads(sarif.render(gated, keep_waived=True))["runs"]
    by_fingerprint = {r["partialFingerprints"]["policycheck/v1"]: r for r in run["results"]}
    waived = by_fingerprint[_risk(gated, "tirana-declaration-2025", "CE01").fingerprint]
    (suppression,) = waived["suppressions"]
    assert suppression["kind"] == "external"
    assert suppression["status"] == "accepted"
    assert ACTIVE.justification in suppression["justification"]
    assert suppression["properties"]["owner"] == "alice"
    assert suppression["properties"]["expires"] == "2026-06-30"

    expired = by_fingerprint[_risk(gated, "kosovo-armed-drones-2023", "CE03").fingerprint]
    assert "suppressions" not in expired
    assert "expired on 2025-12-31" in expired["message"]["text"]
    assert expired["level"] == "error"
    assert expired["properties"]["gateBreach"] is True

    suppressed = [r for r in run["results"] if "suppressions" in r]
    assert len(suppressed) == 2  # CE01 for Tirana, RF02 for the Albanian SDP
    notes = run["invocations"][0]["toolConfigurationNotifications"]
    assert [n["level"] for n in notes] == ["warning", "note"]  # expired, unused


def test_sarif_leaves_waived_risks_out_by_default(gated: Report) -> None:
    """Code scanning does not honour ``suppressions``: a suppressed result opens an alert."""
    log = json.loads(sarif.render(gated))
    assert_valid_sarif(log)
    (run,) = log["runs"]
    fingerprints = {r["partialFingerprints"]["policycheck/v1"] for r in run["results"]}
    waived = [r for a in gated.assessments for r in a.risks if r.waiver and r.waiver.active]
    assert {(r.id, r.waiver.waiver.owner) for r in waived if r.waiver} == {
        ("CE01", "alice"),
        ("RF02", "carol"),
    }
    assert not fingerprints & {r.fingerprint for r in waived}
    assert all("suppressions" not in r for r in run["results"])
    assert run["properties"]["waivedResultsOmitted"] == 2
    # an expired waiver waives nothing: that risk is still there
    assert _risk(gated, "kosovo-armed-drones-2023", "CE03").fingerprint in fingerprints
    # the rule of a waived risk stays, so rule metadata does not depend on waivers
    assert {"CE01", "RF02"} <= {r["id"] for r in run["tool"]["driver"]["rules"]}


def test_sarif_rules_come_from_the_rubric_not_from_the_run(
    assessor: Assessor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pull-request run over one file and a full run publish the same metadata per rule."""
    full = json.loads(sarif.render(sample_report(assessor, SAMPLES, monkeypatch)))
    rules = full["runs"][0]["tool"]["driver"]["rules"]
    for name in SAMPLES:
        alone = json.loads(sarif.render(sample_report(assessor, [name], monkeypatch)))
        assert alone["runs"][0]["tool"]["driver"]["rules"] == rules, name
    specs = assessor.loaded.rubric.risks
    levels = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
    scores = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "2.0"}
    risk_rules = rules[:-2]
    assert [r["id"] for r in risk_rules] == sorted(specs)
    for rule in risk_rules:
        spec = specs[rule["id"]]
        assert rule["defaultConfiguration"]["level"] == levels[spec.severity]
        assert rule["properties"]["security-severity"] == scores[spec.severity]
        # code scanning reads security-severity only on rules tagged "security"
        assert "security" in rule["properties"]["tags"]
    raised = [
        (a.proposal_id, r.id, r.severity.value)
        for a in sample_report(assessor, SAMPLES, monkeypatch).assessments
        for r in a.risks
        if r.severity.value != specs[r.id].severity
    ]
    assert raised, "no sample raises a risk above its rubric severity: the test proves less"


def test_sarif_has_one_gate_result_per_threshold_breach(
    assessor: Assessor, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = _gated(
        assessor,
        sample_report(assessor, SAMPLES, monkeypatch),
        Thresholds(fail_under="C", minimums=(("arms-control", 30.0),), fail_on=Severity.HIGH),
    )
    assert report.gate is not None
    log = json.loads(sarif.render(report))
    assert_valid_sarif(log)
    (run,) = log["runs"]
    gate_results = [r for r in run["results"] if r["ruleId"] == "PCGATE"]
    wanted = [b for b in report.gate.breaches if b.kind in {"grade", "score", "criterion"}]
    assert {b.kind for b in wanted} == {"grade", "criterion"}
    assert len(gate_results) == len(wanted)
    for res, breach in zip(gate_results, wanted, strict=True):
        assert res["level"] == "error"
        assert breach.message in res["message"]["text"]
        region = res["locations"][0]["physicalLocation"]["region"]
        assert (region["startLine"], region["startColumn"]) == (breach.line, breach.column)
    assert run["invocations"][0]["properties"]["gate"]["passed"] is False


def test_sarif_reports_every_problem_of_an_unusable_file(
    assessor: Assessor, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bad = _invalid_file(tmp_path)
    monkeypatch.chdir(ROOT)
    report = assessor.run(
        [Path("proposals/serbia-rafale-2024.yaml"), bad], generated_at=FIXED_TIME, jobs=1
    )
    report = _gated(assessor, report)
    (failure,) = report.failures
    log = json.loads(sarif.render(report))
    assert_valid_sarif(log)
    (run,) = log["runs"]
    invalid = [r for r in run["results"] if r["ruleId"] == "PC0000"]
    assert len(invalid) == len(failure.problems) >= 1
    for res, problem in zip(invalid, failure.problems, strict=True):
        assert res["level"] == "error"
        physical = res["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == bad.as_uri()  # absolute: a file URI
        assert "uriBaseId" not in physical["artifactLocation"]
        assert physical["region"] == {"startLine": problem.line, "startColumn": problem.column}


@pytest.mark.parametrize(
    ("given", "uri", "base"),
    [
        ("proposals/a.yaml", "proposals/a.yaml", "%SRCROOT%"),
        ("./proposals/a.yaml", "proposals/a.yaml", "%SRCROOT%"),
        ("proposals\\sub\\a.yaml", "proposals/sub/a.yaml", "%SRCROOT%"),
        ("my proposals/Türkiye #1.yaml", "my%20proposals/T%C3%BCrkiye%20%231.yaml", "%SRCROOT%"),
        ("/srv/repo/a b.yaml", "file:///srv/repo/a%20b.yaml", None),
        ("C:\\repo\\a.yaml", "file:///C:/repo/a.yaml", None),
    ],
)
def test_sarif_uris_are_relative_forward_slashed_and_encoded(
    given: str, uri: str, base: str | None
) -> None:
    assert sarif.artifact_uri(given) == (uri, base)
    assert _is_uri_reference(uri)


@pytest.mark.parametrize(
    ("given", "cwd", "uri", "base"),
    [
        ("proposals/a.yaml", "/srv/repo", "proposals/a.yaml", "%SRCROOT%"),
        ("a.yaml", "/srv/repo/proposals", "proposals/a.yaml", "%SRCROOT%"),
        ("../other/a.yaml", "/srv/repo/proposals", "other/a.yaml", "%SRCROOT%"),
        ("./sub/../a b.yaml", "/srv/repo/proposals", "proposals/a%20b.yaml", "%SRCROOT%"),
        ("/srv/repo/proposals/a.yaml", "/elsewhere", "proposals/a.yaml", "%SRCROOT%"),
        ("../../outside.yaml", "/srv/repo/proposals", "file:///srv/outside.yaml", None),
        ("/srv/repository/a.yaml", "/srv/repo", "file:///srv/repository/a.yaml", None),
        ("C:\\repo\\p\\a.yaml", "C:\\repo", "p/a.yaml", "%SRCROOT%"),
    ],
)
def test_sarif_uris_are_relative_to_the_repository_root(
    given: str, cwd: str, uri: str, base: str | None
) -> None:
    root = "C:\\repo" if given.startswith("C:") else "/srv/repo"
    assert sarif.artifact_uri(given, sarif.SourceRoot(root=root, cwd=cwd)) == (uri, base)


def test_sarif_of_an_odd_file_name_is_still_valid(gated: Report) -> None:
    renamed = dataclasses.replace(
        gated,
        results=tuple(
            _rename(r, "my proposals/Türkiye #1.yaml") if i == 0 else r
            for i, r in enumerate(gated.results)
        ),
    )
    assert_valid_sarif(json.loads(sarif.render(renamed)))


def _rename(result: Assessment | Failure, file: str) -> Assessment | Failure:
    assert isinstance(result, Assessment)
    risks = tuple(
        structs.replace(
            r,
            evidence=tuple(
                structs.replace(e, location=structs.replace(e.location, file=file))
                for e in r.evidence
            ),
        )
        for r in result.risks
    )
    return structs.replace(result, file=file, risks=risks)


# --- JUnit XML ------------------------------------------------------------------------------


def _cases(root: ET.Element, suite: str) -> dict[str, ET.Element]:
    el = root.find(f"testsuite[@name='{suite}']")
    assert el is not None, suite
    return {c.get("name", ""): c for c in el.findall("testcase")}


def assert_counts(root: ET.Element) -> None:
    """Every suite's and the root's counts match the testcases they hold."""
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        counts = {
            "tests": len(cases),
            "failures": sum(c.find("failure") is not None for c in cases),
            "errors": sum(c.find("error") is not None for c in cases),
            "skipped": sum(c.find("skipped") is not None for c in cases),
        }
        for key, value in counts.items():
            assert suite.get(key) == str(value), (suite.get("name"), key)
            totals[key] += value
        assert suite.get("time") == "0"
        for case in cases:
            assert case.get("classname")
            assert case.get("name")
            assert case.get("time") == "0"
            outcomes = [case.find(t) for t in ("failure", "error", "skipped")]
            assert sum(o is not None for o in outcomes) <= 1
    for key, value in totals.items():
        assert root.get(key) == str(value), key
    assert root.get("time") == "0"


def test_gated_junit_counts_and_failures(gated: Report) -> None:
    text = junit.render(gated)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(text.encode())
    assert root.tag == "testsuites"
    assert_counts(root)
    assert [s.get("name") for s in root.findall("testsuite")] == [
        a.proposal_id for a in gated.assessments
    ]
    # one case per criterion and one for the gate's thresholds, per proposal
    assert root.get("tests") == str(5 * len(gated.assessments))
    assert root.get("errors") == "0"

    # a high risk fails the criterion whose family it belongs to
    raw = _cases(root, "eu-serbia-raw-materials-2024")
    failure = raw["Normative safeguards"].find("failure")
    assert failure is not None
    assert "NE02" in failure.get("message", "")
    assert "proposals/eu-serbia-raw-materials-2024.yaml:28:1" in (failure.text or "")
    assert raw["Regional inclusiveness"].find("failure") is None
    # its grade (C) meets the threshold; Tirana's (D) does not
    assert raw["gate thresholds"].find("failure") is None
    gate_failure = _cases(root, "tirana-declaration-2025")["gate thresholds"].find("failure")
    assert gate_failure is not None
    assert "grade D is below the required C" in gate_failure.get("message", "")

    # an expired waiver waives nothing
    drones = _cases(root, "kosovo-armed-drones-2023")
    failure = drones["Arms-control compatibility"].find("failure")
    assert failure is not None
    assert "CE03" in failure.get("message", "")
    out = drones["Arms-control compatibility"].find("system-out")
    assert out is not None
    assert "expired on 2025-12-31" in (out.text or "")
    assert drones["Regional inclusiveness"].find("failure") is None  # RF03 is only medium

    # the only finding of the case is waived: skipped
    albania = _cases(root, "eu-albania-sdp-2024")
    skipped = albania["Regional inclusiveness"].find("skipped")
    assert skipped is not None
    assert skipped.get("message", "").startswith("waived: RF02 until 2026-03-31 by carol")

    # a waived high risk, the criterion's only finding (no CE04 from unstated notification)
    tirana = _cases(root, "tirana-declaration-2025")
    arms = tirana["Arms-control compatibility"]
    assert arms.find("failure") is None
    skipped = arms.find("skipped")
    assert skipped is not None
    assert skipped.get("message", "").startswith("waived: CE01 until 2026-06-30 by alice")
    assert "CE04" not in ET.tostring(arms, encoding="unicode")

    model = _cases(root, "model-regional-initiative")
    assert all(len(list(c)) == 1 and c[0].tag == "system-out" for c in model.values())


def test_junit_fails_the_criterion_below_its_minimum(
    assessor: Assessor, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = _gated(
        assessor,
        sample_report(assessor, ["tirana-declaration-2025.yaml"], monkeypatch),
        Thresholds(minimums=(("regional-inclusiveness", 50.0),)),
    )
    root = ET.fromstring(junit.render(report).encode())
    assert_counts(root)
    cases = _cases(root, "tirana-declaration-2025")
    failure = cases["Regional inclusiveness"].find("failure")
    assert failure is not None
    assert "Regional inclusiveness scores 38.1, below the required 50" in failure.get("message", "")
    assert cases["gate thresholds"].find("failure") is None
    assert root.get("failures") == "1"


def test_junit_without_a_gate_fails_nothing_but_lists_the_risks(
    assessor: Assessor, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = sample_report(assessor, SAMPLES, monkeypatch)
    root = ET.fromstring(junit.render(report).encode())
    assert_counts(root)
    assert root.get("failures") == "0"
    assert root.get("skipped") == "0"
    assert root.get("tests") == str(4 * len(SAMPLES))  # no gate-thresholds case
    outs = "\n".join(el.text or "" for el in root.iter("system-out"))
    for a in report.assessments:
        for risk in a.risks:
            loc = risk.evidence[0].location
            assert f"{loc.file}:{loc.line}:{loc.column}" in outs
            assert f"{risk.id} {risk.severity.value} {risk.title}" in outs


def test_junit_reports_an_unusable_file_as_an_error(
    assessor: Assessor, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bad = _invalid_file(tmp_path)
    monkeypatch.chdir(ROOT)
    report = assessor.run(
        [Path("proposals/serbia-rafale-2024.yaml"), bad], generated_at=FIXED_TIME, jobs=1
    )
    for candidate in (report, _gated(assessor, report)):
        root = ET.fromstring(junit.render(candidate).encode())
        assert_counts(root)
        assert root.get("errors") == "1"
        (case,) = _cases(root, str(bad)).values()
        error = case.find("error")
        assert error is not None
        assert "cannot be assessed" in error.get("message", "")
        (failure,) = candidate.failures
        for problem in failure.problems:
            assert str(problem) in (error.text or "")


def test_junit_survives_characters_xml_cannot_carry(gated: Report) -> None:
    hostile = 'a\x01b <c> & "d" ]]> \x1b[31m'
    results = []
    for r in gated.results:
        if isinstance(r, Assessment) and r.proposal_id == "eu-serbia-raw-materials-2024":
            risks = tuple(structs.replace(k, finding=hostile) for k in r.risks)
            r = structs.replace(r, title=hostile, risks=risks)
        results.append(r)
    text = junit.render(dataclasses.replace(gated, results=tuple(results)))
    root = ET.fromstring(text.encode())
    assert_counts(root)
    outs = "\n".join(el.text or "" for el in root.iter("system-out"))
    assert 'a\ufffdb <c> & "d" ]]> \ufffd[31m' in outs


# --- GitHub annotations ---------------------------------------------------------------------

_COMMAND = re.compile(
    r"::(?P<level>error|warning|notice)"
    r"(?: (?P<props>(?:file|line|col|endLine|endColumn|title)=[^,:\r\n]*"
    r"(?:,(?:file|line|col|endLine|endColumn|title)=[^,:\r\n]*)*))?"
    r"::(?P<message>[^\r\n]*)"
)


def _unescape(value: str) -> str:
    return (
        value.replace("%0A", "\n")
        .replace("%0D", "\r")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
    )


def parse_commands(text: str) -> list[dict[str, str]]:
    """Each line as {level, message, and its properties}, unescaped."""
    parsed = []
    for line in text.splitlines():
        match = _COMMAND.fullmatch(line)
        assert match is not None, line
        item = {"level": match["level"], "message": _unescape(match["message"])}
        for prop in (match["props"] or "").split(",") if match["props"] else []:
            key, _, value = prop.partition("=")
            item[key] = _unescape(value)
        parsed.append(item)
    return parsed


def assert_workflow_commands(text: str) -> None:
    assert text.endswith("\n")
    lines = text.splitlines()
    assert lines
    for line in lines:
        assert _COMMAND.fullmatch(line), line
    assert lines[0].startswith("::notice::policycheck: ")  # the verdict first


def test_github_escapes_data_and_properties() -> None:
    line = github.command(
        "error",
        "100% sure,\r\nsecond: line",
        file="dir,1/a:b.yaml",
        line=3,
        col=7,
        title="T: x, y 50%",
    )
    assert line == (
        "::error file=dir%2C1/a%3Ab.yaml,line=3,col=7,title=T%3A x%2C y 50%25"
        "::100%25 sure,%0D%0Asecond: line"
    )
    (parsed,) = parse_commands(line)
    assert parsed == {
        "level": "error",
        "message": "100% sure,\r\nsecond: line",
        "file": "dir,1/a:b.yaml",
        "line": "3",
        "col": "7",
        "title": "T: x, y 50%",
    }
    assert github.escape_data("%0A") == "%250A"  # escaped once, never decoded as a newline
    assert github.command("notice", "done") == "::notice::done"


def test_gated_annotations(gated: Report) -> None:
    text = github.render(gated)
    assert_workflow_commands(text)
    commands = parse_commands(text)
    by_title = {c.get("title", ""): c for c in commands}

    ne02 = by_title["NE02 Local concerns overlooked (high)"]
    assert ne02["level"] == "error"
    assert ne02["file"] == "proposals/eu-serbia-raw-materials-2024.yaml"
    assert (ne02["line"], ne02["col"]) == ("28", "1")
    assert "Mitigation: " in ne02["message"]

    waived = by_title["CE01 Rival left out (high), waived"]
    assert waived["level"] == "notice"
    assert waived["message"].startswith(
        f"waived until 2026-06-30 by alice: {ACTIVE.justification}\n"
    )

    expired = by_title["CE03 Uncontrolled capability to a disputant (high)"]
    assert expired["level"] == "error"
    assert "expired on 2025-12-31" in expired["message"]

    assert by_title["RF03 External actor's foothold (medium)"]["level"] == "warning"
    low = [c for c in commands if c.get("title") == "RF02 Country-tailored track (low)"]
    assert [c["level"] for c in low] == ["notice"]  # North Macedonia; Albania's is waived
    assert by_title["NE01 Defence first, norms second (medium)"]["level"] == "warning"

    assert gated.gate is not None
    grade_breaches = [b for b in gated.gate.breaches if b.kind == "grade"]
    gate_lines = [c for c in commands if c.get("title") == "policycheck gate: grade"]
    assert len(gate_lines) == len(grade_breaches) > 0
    assert all(c["level"] == "error" for c in gate_lines)

    assert by_title["Expired waiver"]["level"] == "warning"
    assert (by_title["Expired waiver"]["file"], by_title["Expired waiver"]["line"]) == (
        "policycheck.toml",
        "22",
    )
    assert by_title["Unused waiver"]["level"] == "notice"

    summary = commands[0]
    assert summary["level"] == "notice"
    assert "title" not in summary
    assert "tirana-declaration-2025 D (41.9)" in summary["message"]
    assert summary["message"].startswith("policycheck: gate failed: ")
    # errors, then warnings, then notices; each level within GitHub's ten
    order = [c["level"] for c in commands[1:]]
    assert order == sorted(order, key=["error", "warning", "notice"].index)
    assert all(order.count(level) <= 10 for level in ("error", "warning"))
    assert order.count("notice") <= 9


def test_annotations_escape_what_a_proposal_says(gated: Report) -> None:
    hostile = "100%, done:\nnext line\r::error::injected"
    results = []
    for r in gated.results:
        if isinstance(r, Assessment) and r.proposal_id == "serbia-rafale-2024":
            risks = tuple(structs.replace(k, finding=hostile, title="a, b: c") for k in r.risks)
            r = structs.replace(r, risks=risks)
        results.append(r)
    text = github.render(dataclasses.replace(gated, results=tuple(results)))
    assert_workflow_commands(text)
    commands = parse_commands(text)
    (ce05,) = [c for c in commands if c.get("title") == "CE05 a, b: c (medium)"]
    assert ce05["message"].startswith(f"serbia-rafale-2024: {hostile}\n")
    assert sum(line.startswith("::error::") for line in text.splitlines()) == 0


def _many(gated: Report, copies: int) -> Report:
    """``gated`` with its results repeated ``copies`` times (renamed), as from a large batch."""
    results = [
        structs.replace(r, proposal_id=f"{r.proposal_id}-{n}") if isinstance(r, Assessment) else r
        for n in range(copies)
        for r in gated.results
    ]
    assert gated.gate is not None
    breaches = tuple(
        dataclasses.replace(b, proposal_id=f"{b.proposal_id}-{n}")
        for n in range(copies)
        for b in gated.gate.breaches
    )
    gate = dataclasses.replace(gated.gate, breaches=breaches)
    return dataclasses.replace(gated, results=tuple(results), gate=gate)


def test_annotations_are_capped_per_level_with_the_verdict_first(gated: Report) -> None:
    """GitHub shows ten annotations of each level per step: nothing past the tenth is sent,
    and the tenth says how many more there are."""
    big = _many(gated, 25)
    text = github.render(big)
    assert_workflow_commands(text)
    commands = parse_commands(text)
    verdict = commands[0]
    assert verdict["message"].startswith("policycheck: gate failed: ")
    assert "200 proposal(s) assessed: grades " in verdict["message"]  # counted, not listed
    every = list(github._annotations(big))
    for level, cap in (("error", 10), ("warning", 10), ("notice", 9)):
        shown = [c for c in commands[1:] if c["level"] == level]
        total = sum(a[0] == level for a in every)
        assert total > cap
        assert len(shown) == cap
        last = shown[-1]
        assert last["title"] == f"policycheck: {total - cap + 1} more"
        assert f"{total - cap + 1} more {level} annotation(s) not shown" in last["message"]
        assert "job summary" in last["message"]
    errors = [c for c in commands if c["level"] == "error"][:-1]
    # gate breaches before risks: they are why the job fails
    assert [c["title"] for c in errors[:9]] == ["policycheck gate: grade"] * 9


def test_annotations_of_an_unusable_file(
    assessor: Assessor, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bad = _invalid_file(tmp_path)
    monkeypatch.chdir(ROOT)
    report = assessor.run([bad], generated_at=FIXED_TIME, jobs=1)
    commands = parse_commands(github.render(report))
    (failure,) = report.failures
    errors = [c for c in commands if c["level"] == "error"]
    assert [(c["file"], c["line"], c["col"], c["message"]) for c in errors] == [
        (p.file, str(p.line), str(p.column), p.message) for p in failure.problems
    ]
    assert "1 file(s) cannot be assessed" in commands[0]["message"]


# --- through the command line ---------------------------------------------------------------


#: ``policycheck ARGS…`` in-process: (exit code, stdout, stderr).
Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    """Run ``policycheck`` in the repository root, outside any CI environment."""
    monkeypatch.chdir(ROOT)
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "POLICYCHECK_REFERENCE"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        return run_cli(capsys, *args, "--jobs", "1")

    return run


def test_cli_sarif_with_a_failing_gate(cli: Cli) -> None:
    code, out, err = cli("assess", "proposals/", "--format", "sarif", "--fail-on", "high")
    assert code == 1
    log = json.loads(out)
    assert_valid_sarif(log)
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results if r["level"] == "error"} >= {"CE01", "CE03", "NE02"}
    assert sum(r.get("properties", {}).get("gateBreach", False) for r in results) == 4
    assert "gate failed" in err


def test_cli_writes_sarif_and_junit_files(cli: Cli, tmp_path: Path) -> None:
    sarif_file, junit_file = tmp_path / "policycheck.sarif", tmp_path / "junit.xml"
    code, out, _ = cli(
        "assess",
        "proposals/",
        "--fail-under",
        "C",
        "--quiet",
        "--output",
        str(sarif_file),
        "--output",
        f"junit={junit_file}",
    )
    assert code == 1
    assert out == ""
    assert_valid_sarif(json.loads(sarif_file.read_text("utf-8")))
    root = ET.fromstring(junit_file.read_bytes())
    assert_counts(root)
    assert int(root.get("failures", "0")) >= 1


def test_cli_prints_annotations_on_github_actions(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, _ = cli("assess", "proposals/kosovo-armed-drones-2023.yaml", "--fail-on", "high")
    assert code == 1
    assert_workflow_commands(out)
    first, second = out.splitlines()[:2]
    assert first.startswith("::notice::policycheck: gate failed: 1 breach(es)")
    assert second.startswith("::error file=proposals/kosovo-armed-drones-2023.yaml,line=26,col=5,")


def test_cli_on_github_actions_appends_the_job_summary(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out, _ = cli("assess", "proposals/tirana-declaration-2025.yaml")
    assert code == 0
    assert_workflow_commands(out)
    text = summary.read_text("utf-8")
    assert text.startswith("earlier step\n")  # appended, not overwritten
    assert "tirana-declaration-2025" in text


def _git_repo(path: Path) -> Path:
    import subprocess

    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    return path


@pytest.mark.parametrize("absolute", [False, True], ids=["relative", "absolute"])
def test_cli_sarif_uris_are_relative_to_the_repository_root_from_a_subfolder(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, absolute: bool
) -> None:
    repo = _git_repo(tmp_path / "repo")
    folder = repo / "briefs" / "2026"
    folder.mkdir(parents=True)
    target = folder / "drones.yaml"
    target.write_bytes((PROPOSALS / "kosovo-armed-drones-2023.yaml").read_bytes())
    monkeypatch.chdir(folder)
    code, out, _ = cli("assess", str(target) if absolute else "drones.yaml", "--format", "sarif")
    assert code == 0
    log = json.loads(out)
    assert_valid_sarif(log)
    (run,) = log["runs"]
    assert [a["location"] for a in run["artifacts"]] == [
        {"uri": "briefs/2026/drones.yaml", "uriBaseId": "%SRCROOT%"}
    ]
    for result in run["results"]:
        art = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert (art["uri"], art["uriBaseId"]) == ("briefs/2026/drones.yaml", "%SRCROOT%")
    assert "repository root" in run["originalUriBaseIds"]["%SRCROOT%"]["description"]["text"]


def test_cli_sarif_keeps_waived_risks_only_when_asked(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT / "examples" / "proposal-repo")
    counts = {}
    for extra in ((), ("--sarif-keep-waived",)):
        code, out, _ = cli("assess", "--format", "sarif", "--soft-fail", *extra)
        assert code == 0
        (run,) = json.loads(out)["runs"]
        counts[extra] = sum("suppressions" in r for r in run["results"])
        omitted = run["properties"]["waivedResultsOmitted"]
    assert counts[()] == 0
    assert counts[("--sarif-keep-waived",)] >= 1
    assert omitted == 0  # the last run kept them


def test_step_summary_fits_or_is_cut_at_a_line_with_a_pointer() -> None:
    text = "".join(f"| row {n} | {'x' * 40} |\n" for n in range(1000))
    assert github.step_summary(text, len(text.encode())) == text  # fits: whole
    cut = github.step_summary(text, 5000, ["report.html"])
    assert len(cut.encode()) <= 5000
    body, _, note = cut.partition("\n\n---\n\n")
    assert body.endswith("\n")
    assert text.startswith(body)  # whole lines only
    assert "**Summary truncated:**" in note
    assert f"of {len(text.encode()):,} bytes are shown" in note
    assert "`report.html`" in note
    assert "upload-artifact" in note
    bare = github.step_summary(text, 5000)
    assert "--output report.html" in bare
    assert github.step_summary(text, 50) == ""  # not even the note fits
    multibyte = "é" * 3000 + "\n" + "ü" * 3000 + "\n"
    assert "\ufffd" not in github.step_summary(multibyte, 6500)


def test_cli_job_summary_stays_within_githubs_limit(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Earlier steps' text counts: the report is cut to what is left of 1 MiB."""
    summary = tmp_path / "summary.md"
    earlier = "x" * (github.SUMMARY_LIMIT - 3000) + "\n"
    summary.write_text(earlier, encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    html = tmp_path / "report.html"
    code, _, _ = cli("assess", "proposals/", "--output", str(html))
    assert code == 0
    data = summary.read_bytes()
    assert len(data) <= github.SUMMARY_LIMIT
    added = data[len(earlier) :].decode("utf-8")
    assert "**Summary truncated:**" in added
    assert f"`{html}`" in added
    assert html.is_file()


def _sarif_tools() -> str | None:
    import shutil
    import sys

    return shutil.which("sarif", path=str(Path(sys.executable).parent)) or shutil.which("sarif")


@pytest.mark.full  # sarif-tools starts with matplotlib: seconds of CPU
@pytest.mark.skipif(
    _sarif_tools() is None,
    reason="sarif-tools (in the test extra) is not installed: the SARIF log is not opened "
    "in a real SARIF reader",
)
def test_sarif_opens_in_sarif_tools(cli: Cli, tmp_path: Path) -> None:
    """sarif-tools reads every result with its rule, level, file and line."""
    import csv
    import subprocess

    log_file = tmp_path / "policycheck.sarif"
    code, _, _ = cli("assess", "proposals/", "--fail-on", "high", "-q", "-o", str(log_file))
    assert code == 1
    tool = _sarif_tools()
    assert tool is not None
    summary = subprocess.run(
        [tool, "summary", str(log_file)], capture_output=True, text=True, check=True
    )
    results = json.loads(log_file.read_text("utf-8"))["runs"][0]["results"]
    errors = sum(r["level"] == "error" for r in results)
    assert f"error: {errors}" in summary.stdout
    table = tmp_path / "results.csv"
    subprocess.run(
        [tool, "csv", "-o", str(table), str(log_file)], capture_output=True, text=True, check=True
    )
    with table.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(results)
    expected = sorted(
        (
            r["ruleId"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            str(r["locations"][0]["physicalLocation"]["region"]["startLine"]),
        )
        for r in results
    )
    assert sorted((row["Code"], row["Location"], row["Line"]) for row in rows) == expected


def test_cli_annotations_name_files_from_the_repository_root_from_a_subfolder(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """GitHub reads an annotation's ``file`` from the repository root, like a SARIF URI."""
    repo = _git_repo(tmp_path / "repo")
    folder = repo / "briefs" / "2026"
    folder.mkdir(parents=True)
    (folder / "drones.yaml").write_bytes((PROPOSALS / "kosovo-armed-drones-2023.yaml").read_bytes())
    outside = tmp_path / "elsewhere.yaml"
    outside.write_bytes((PROPOSALS / "serbia-rafale-2024.yaml").read_bytes())
    monkeypatch.chdir(folder)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, _ = cli("assess", "drones.yaml", str(outside), "--fail-on", "high")
    assert code == 1
    assert_workflow_commands(out)
    files = {c["file"] for c in parse_commands(out) if "file" in c}
    assert files == {"briefs/2026/drones.yaml", str(outside)}  # outside: left as given


def test_the_same_system_bought_twice_gives_two_fingerprints(assessor: Assessor) -> None:
    text = KOSOVO.read_text().replace(
        "external_actors:",
        "  - {system: Bayraktar TB2, category: armed-drone, supplier: TR, recipient: XK}\n"
        "external_actors:",
    )
    a = assess_yaml(assessor, text, "k.yaml")
    prints = [r.fingerprint for r in a.risks if r.id == "CE03"]
    assert len(prints) == 2
    assert len(set(prints)) == 2


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from(["/", "\\", ":", ".", "a", "C", "é", "//", "C:", "c:\\"]), max_size=8)
)
def test_a_path_is_told_absolute_as_its_path_objects_tell(pieces: list[str]) -> None:
    """``is_absolute`` answers from the first character or the absence of a drive where it
    can; every answer is that of the path objects (POSIX, or Windows with a drive)."""
    from pathlib import PurePosixPath, PureWindowsPath

    from policycheck.render.paths import is_absolute

    path = "".join(pieces)
    expected = bool(PureWindowsPath(path).drive and PureWindowsPath(path).is_absolute()) or (
        PurePosixPath(path.replace("\\", "/")).is_absolute()
    )
    assert is_absolute(path) is expected
