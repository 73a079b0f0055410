"""Gate semantics as the README states them: scores compared, waivers judged only when assessed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from policycheck import Assessor
from policycheck.assessment import Waiver
from policycheck.gate import Baseline, Thresholds, evaluate, report_waiver_verdicts
from tests.conftest import PROPOSALS
from tests.conftest import run_cli as run

KOSOVO = PROPOSALS / "kosovo-armed-drones-2023.yaml"
MODEL = PROPOSALS / "model-regional-initiative.yaml"


def test_a_score_that_fell_within_the_same_grade_fails_the_baselined_gate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = tmp_path / "baseline.json"
    code, _, err = run(capsys, "baseline", "write", str(baseline), str(KOSOVO))
    assert code == 0, err
    # Unchanged: the grade breach is old, absorbed by the baseline.
    code, _, err = run(
        capsys, "assess", str(KOSOVO), "-q", "--fail-under", "B", "--baseline", str(baseline)
    )
    assert code == 0, err
    # Recorded when the proposal scored higher (still F): today's 21.8 is a fall.
    doc = json.loads(baseline.read_text())
    doc["proposals"]["kosovo-armed-drones-2023"]["score"] = 22.0
    baseline.write_text(json.dumps(doc))
    code, _, err = run(
        capsys, "assess", str(KOSOVO), "-q", "--fail-under", "B", "--baseline", str(baseline)
    )
    assert code == 1
    assert "grade F is below the required B; the score fell from 22.0 in the baseline" in err


def test_a_waiver_of_a_proposal_not_assessed_is_not_unused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "policycheck.toml").write_text(
        "[[waivers]]\n"
        'risk = "CE03"\nproposal = "kosovo-armed-drones-2023"\n'
        'justification = "j"\nowner = "o"\nexpires = 2099-12-31\n'
        "[[waivers]]\n"
        'risk = "CE01"\nproposal = "model-regional-initiative"\n'
        'justification = "j"\nowner = "o"\nexpires = 2099-12-31\n'
    )
    monkeypatch.chdir(tmp_path)
    # Only the model proposal is assessed (as the pre-commit hook passes changed files):
    # the kosovo waiver cannot be judged; the model one did not occur, so it is unused.
    code, out, err = run(capsys, "assess", str(MODEL), "-f", "json", "--fail-under", "F")
    assert code == 0, err
    assert "for kosovo-armed-drones-2023" not in err
    assert "waiver of CE01 for model-regional-initiative matches no finding (unused)" in err
    unused = json.loads(out)["gate"]["unused_waivers"]
    assert [w["proposal"] for w in unused] == ["model-regional-initiative"]


def _repo(root: Path, gate: str) -> Path:
    (root / ".git").mkdir(parents=True)
    (root / "policycheck.toml").write_text(f'fail_under = "{gate}"\n')
    (root / "proposals").mkdir()
    (root / "proposals" / KOSOVO.name).write_bytes(KOSOVO.read_bytes())
    return root


def test_the_configuration_is_found_from_the_files_assessed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path / "repo", "A")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, _, err = run(capsys, "assess", str(repo / "proposals"), "-q", "--verbose")
    assert code == 1  # the repository's gate applies
    assert f"configuration: {repo / 'policycheck.toml'}" in err
    code, _, err = run(capsys, "assess", "../repo/proposals/*.yaml", "-q")
    assert code == 1, err
    code, _out, _ = run(capsys, "baseline", "write", "-", "../repo/proposals")
    assert code == 0


def test_files_under_two_configurations_are_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one = _repo(tmp_path / "one", "A")
    two = _repo(tmp_path / "two", "F")
    code, _, err = run(capsys, "assess", str(one / "proposals"), str(two / "proposals"), "-q")
    assert code == 2
    assert "under different configurations" in err
    assert str(one / "policycheck.toml") in err
    assert str(two / "policycheck.toml") in err


def test_config_names_the_configuration_of_the_files_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path / "repo", "A")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "config", str(repo / "proposals"))
    assert code == 0
    assert out.splitlines()[0] == f"configuration: {repo / 'policycheck.toml'}"
    code, out, _ = run(capsys, "config")
    assert out.splitlines()[0] == "configuration: no configuration file found (defaults)"


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


def test_gate_breaches_are_printed_even_when_a_file_is_invalid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [\n")
    code, _, err = run(capsys, "assess", str(KOSOVO), str(bad), "--fail-on", "high", "-q")
    assert code == 2
    assert "gate: high risk CE03" in err
    assert f"{bad}:2:1:" in err
