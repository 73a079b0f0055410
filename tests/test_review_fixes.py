"""Regressions found in review: each test pins one fixed defect."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest

from policycheck import Assessor, InputError
from policycheck.assessment import Waiver
from policycheck.gate import Baseline, Thresholds, evaluate, report_waiver_verdicts
from tests.conftest import MINIMAL, PROPOSALS, assess_yaml
from tests.conftest import run_cli as run

KOSOVO = PROPOSALS / "kosovo-armed-drones-2023.yaml"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def test_an_unchanged_input_is_still_never_overwritten(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """--changed-since leaves a file out of the assessment, not out of the protection."""
    _git(tmp_path, "init", "-q")
    _git(
        tmp_path,
        "-c",
        "user.email=t@example.org",
        "-c",
        "user.name=t",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "0",
    )
    proposal = tmp_path / "a.yaml"
    proposal.write_text(MINIMAL)
    _git(tmp_path, "add", "a.yaml")
    _git(tmp_path, "-c", "user.email=t@example.org", "-c", "user.name=t", "commit", "-q", "-m", "1")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(
        capsys, "assess", "a.yaml", "--changed-since", "HEAD", "--allow-empty", "-o", "json=a.yaml"
    )
    assert code == 2
    assert "refusing to overwrite an input file" in err
    assert proposal.read_text() == MINIMAL


@pytest.mark.parametrize(
    ("claim", "message"),
    [
        ('{evidence: ""}', "evidence cannot be blank"),
        ('{statement: x, evidence: ["  "]}', "evidence cannot be blank"),
        ("{}", "an empty claim"),
    ],
)
def test_blank_evidence_and_empty_claims_are_refused(
    assessor: Assessor, claim: str, message: str
) -> None:
    with pytest.raises(InputError) as info:
        assess_yaml(assessor, MINIMAL + f"safeguards:\n  human_security: {claim}\n")
    [problem] = info.value.problems
    assert (problem.line, message in problem.message) == (7, True)


def test_rich_markup_in_a_proposal_is_shown_as_text(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "m.yaml"
    path.write_text(
        MINIMAL.replace("title: Test initiative", "title: '[bold red]loud[/bold red] [/]'")
        + "transparency:\n  public_text: {statement: '[/]', evidence: ['[/x]']}\n"
    )
    code, out, _ = run(capsys, "assess", str(path), "--explain", "--width", "160")
    assert code == 0
    assert "[bold red]loud[/bold red] [/]" in out
    assert "[/x]" in out


def test_a_renewed_waiver_wins_over_the_expired_one() -> None:
    def waiver(expires: dt.date) -> Waiver:
        return Waiver("CE03", "kosovo-armed-drones-2023", "accepted", "desk", expires, "cfg:1")

    old, new = waiver(dt.date(2024, 1, 1)), waiver(dt.date(2030, 1, 1))
    waiving = Assessor(waivers=[old, new], today=dt.date(2026, 6, 1))
    waived = waiving.run([KOSOVO], generated_at="2026-01-01T00:00:00Z", jobs=1)
    unused, expired = report_waiver_verdicts(waived.results, (old, new))
    risk = next(r for r in waived.assessments[0].risks if r.id == "CE03")
    assert risk.waived
    assert risk.waiver is not None
    assert risk.waiver.waiver == new
    assert unused == ()
    assert expired == ()


def test_the_baseline_absorbs_a_criterion_breach_only_if_that_criterion_did_not_fall(
    assessor: Assessor,
) -> None:
    report = assessor.run([KOSOVO], generated_at="2026-01-01T00:00:00Z", jobs=1)
    a = report.assessments[0]
    regional = next(c.score for c in a.criteria if c.id == "regional-inclusiveness")
    assert regional is not None
    thresholds = Thresholds(minimums=(("regional-inclusiveness", 90.0),))
    before = {a.proposal_id: {"regional-inclusiveness": regional + 10}}
    same = {a.proposal_id: {"regional-inclusiveness": regional}}
    for criteria, absorbed in ((before, False), (same, True)):
        baseline = Baseline({}, {a.proposal_id: 0.0}, {a.proposal_id: "F"}, criteria)
        gated = evaluate(report, thresholds, soft=False, baseline=baseline).gate
        assert gated is not None
        assert gated.passed is absorbed


def test_gate_breaches_are_printed_even_when_a_file_is_invalid(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [\n")
    code, _, err = run(capsys, "assess", str(KOSOVO), str(bad), "--fail-on", "high", "-q")
    assert code == 2
    assert "gate: high risk CE03" in err
    assert f"{bad}:2:1:" in err


def test_an_unwritable_output_is_a_usage_error(capsys) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(capsys, "assess", str(KOSOVO), "-q", "-o", "/proc/report.json")
    assert code == 2
    assert "/proc/report.json: cannot write" in err


def test_an_absurd_source_date_epoch_is_a_usage_error(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "99999999999999999999")
    code, _, err = run(capsys, "assess", str(KOSOVO), "-f", "json")
    assert code == 2
    assert "SOURCE_DATE_EPOCH" in err


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


def test_a_deeply_nested_expression_is_a_located_error(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    rubric = tmp_path / "r.yaml"
    expression = "(" * 600 + "proposal" + ")" * 600
    rubric.write_text(
        "rubric: 1\nextends: default\nid: x\nversion: '1'\ntitle: x\n"
        "criteria:\n  transparency:\n    indicators:\n      X01:\n        weight: 1\n"
        "        title: x\n        rationale: x\n        brief: x\n        improve: x\n"
        "        levels: {yes: {points: 100, means: x}, no: {points: 0, means: x}}\n"
        "checks:\n  X01:\n    description: x\n    looks_at: [id]\n"
        f"    levels: [{{level: yes, when: '{expression}'}}]\n    otherwise: no\n"
    )
    code, _, err = run(capsys, "assess", str(KOSOVO), "--rubric", str(rubric))
    assert code == 2
    assert f"{rubric}:20:" in err  # the levels line of the check
    assert "nested 600 deep" in err


def test_changed_since_refuses_a_ref_that_looks_like_an_option(
    tmp_path: Path, capsys, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text(MINIMAL)
    code, _, err = run(capsys, "assess", "a.yaml", "--changed-since", "--output=x")
    assert code == 2
    assert "is not a git ref" in err
    assert not (tmp_path / "x").exists()
    assert json.dumps(err)  # a plain message, no traceback
    assert "Traceback" not in err


def test_rubric_validate_reports_bands_unknown_ids_and_types_together(
    tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    from importlib import resources

    text = (resources.files("policycheck") / "rubrics" / "default.yaml").read_text("utf-8")
    broken = text.replace("grades: {A: 85, B: 70", "grades: {A: 85, B: 90").replace(
        "      NS01:\n        weight: 3", "      NS99:\n        weight: three", 1
    )
    rubric = tmp_path / "r.yaml"
    rubric.write_text(broken, "utf-8")
    lines = broken.splitlines()
    grades_line = next(n for n, t in enumerate(lines, 1) if t.startswith("grades:"))
    ns99_line = next(n for n, t in enumerate(lines, 1) if t.strip() == "NS99:")
    code, _, err = run(capsys, "rubric", "validate", str(rubric))
    assert code == 2
    assert f"{rubric}:{grades_line}:1: grade bands must strictly decrease from A to F" in err
    assert f"{rubric}:{ns99_line}:7: unknown check id 'NS99'" in err
    assert (
        f"{rubric}:{ns99_line + 1}:17: criteria.normative-safeguards.indicators.NS99.weight" in err
    )
