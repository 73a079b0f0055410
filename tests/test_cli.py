"""The command line through its real entry point (``policycheck.cli.main``), in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import MINIMAL, PROPOSALS
from tests.conftest import run_cli as run

MODEL = PROPOSALS / "model-regional-initiative.yaml"
TIRANA = PROPOSALS / "tirana-declaration-2025.yaml"
KOSOVO = PROPOSALS / "kosovo-armed-drones-2023.yaml"


def test_assess_one_file_prints_grade_criteria_risks_and_changes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "assess", str(TIRANA), "--width", "120")
    assert code == 0
    assert "Grade D" in out
    assert "Regional inclusiveness" in out
    assert "CE01 Rival left out" in out
    assert f"{TIRANA}:" in out  # evidence points at lines of the file
    assert "Changes that would raise the score most" in out
    assert "Summary" not in out  # one file: no summary table


def test_assess_folder_reports_each_and_a_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "assess", str(PROPOSALS), "--width", "120")
    assert code == 0
    assert "Summary" in out
    for path in PROPOSALS.glob("*.yaml"):
        assert path.stem in out


def test_assess_glob(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "assess", str(PROPOSALS / "eu-*.yaml"), "-f", "json")
    assert code == 0
    ids = [r["proposal"]["id"] for r in json.loads(out)["results"]]
    assert ids == [
        "eu-albania-sdp-2024",
        "eu-north-macedonia-sdp-2024",
        "eu-serbia-raw-materials-2024",
    ]


def test_json_result_is_versioned_and_located(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "assess", str(TIRANA), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["schema_version"] == 1
    assert doc["tool"]["name"] == "policycheck"
    assert doc["rubric"]["id"] == "cidob-brief-70"
    assert len(doc["rubric"]["sha256"]) == 64
    result = doc["results"][0]
    assert result["status"] == "assessed"
    risk = next(r for r in result["risks"] if r["id"] == "CE01")
    assert risk["family"] == "conflict-escalation"
    assert risk["severity"] == "high"
    assert risk["location"]["file"] == str(TIRANA)
    assert risk["location"]["line"] > 1
    indicator = result["criteria"][0]["indicators"][0]
    assert {"check_id", "level", "points", "evidence", "status"} <= indicator.keys()


def test_explain_shows_the_arithmetic(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "assess", str(TIRANA), "--explain", "--width", "160")
    assert code == 0
    assert "How the score is made" in out
    assert "Overall, over what is known = (25×" in out
    assert "Range: every unknown at its lowest level gives" in out
    assert "Grade bands: A ≥ 85" in out
    assert "Contrib." in out


def test_bad_file_does_not_stop_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINIMAL + "colour: red\nstatus: maybe\n")
    code, out, err = run(capsys, "assess", str(bad), str(MODEL), "--width", "120")
    assert code == 2
    assert f"{bad}:6:1: unknown key 'colour'" in err
    assert f"{bad}:7:1: duplicate key 'status'" in err
    assert "Grade A" in out  # the good file is still reported
    assert "cannot be assessed" in out


def test_missing_path_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "assess", "no/such/file.yaml")
    assert code == 2
    assert "no such file" in err


def test_folder_without_proposals_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "assess", str(tmp_path))
    assert code == 2
    assert "no proposal files found" in err


def test_unknown_option_and_bad_format_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "assess", str(MODEL), "--frobnicate")[0] == 2
    code, _, err = run(capsys, "assess", str(MODEL), "--format", "pdf")
    assert code == 2
    assert "pdf" in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out.startswith("policycheck ")


def test_output_file_is_written_and_inputs_are_never_overwritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    proposal = tmp_path / "p.yaml"
    proposal.write_text(MODEL.read_text())
    target = tmp_path / "report.json"
    assert run(capsys, "assess", str(proposal), "-f", "json", "-o", str(target))[0] == 0
    assert json.loads(target.read_text())["results"][0]["grade"] == "A"
    before = proposal.read_bytes()
    code, _, err = run(capsys, "assess", str(proposal), "-q", "-o", f"json={proposal}")
    assert code == 2
    assert "refusing to overwrite an input file" in err
    assert proposal.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.yaml", "report.json"]  # no temp files


def test_terminal_report_to_file_has_no_colour(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "report.txt"
    assert run(capsys, "assess", str(TIRANA), "-o", str(target))[0] == 0
    text = target.read_text()
    assert "\x1b[" not in text
    assert "Grade D" in text


def test_schema_is_json_schema_that_accepts_the_samples(capsys: pytest.CaptureFixture[str]) -> None:
    import jsonschema
    from ruamel.yaml import YAML

    code, out, _ = run(capsys, "schema")
    assert code == 0
    schema = json.loads(out)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in PROPOSALS.glob("*.yaml"):
        data = json.loads(json.dumps(YAML(typ="safe").load(path), default=str))
        assert list(validator.iter_errors(data)) == [], path
    assert list(validator.iter_errors({"schema_version": 1})) != []


def test_new_writes_a_template_that_validates_and_never_overwrites(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "mine.yaml"
    code, _, err = run(capsys, "new", str(target))
    assert code == 0
    assert "policycheck assess" in err
    assert target.read_text().startswith("# A policycheck proposal")
    code, out, _ = run(capsys, "assess", str(target), "-f", "json")
    assert code == 0
    assert json.loads(out)["results"][0]["status"] == "assessed"
    target.write_text("mine")
    code, _, err = run(capsys, "new", str(target))
    assert code == 2
    assert "already exists" in err
    assert target.read_text() == "mine"


def test_internal_error_exits_3_with_a_short_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from policycheck import engine

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    # A fault injected on purpose: there is no real bug to trigger the exit-3 path with.
    monkeypatch.setattr(engine.Assessor, "assess", broken)
    code, _, err = run(capsys, "assess", str(MODEL))
    assert code == 3
    assert "internal error: RuntimeError: boom" in err
    assert "Traceback" not in err
    code, _, err = run(capsys, "--debug", "assess", str(MODEL))
    assert code == 3
    assert "Traceback" in err


def test_bad_reference_folder_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "dyads.yaml").write_text(
        "reference: 1\ndataset: dyads\nas_of: 2026-01-01\ndyads: [{pair: [RS]}]\n"
    )
    code, _, err = run(capsys, "assess", str(MODEL), "--reference", str(tmp_path))
    assert code == 2
    assert f"{tmp_path / 'dyads.yaml'}:4:" in err


def test_reference_override_changes_the_assessment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A user's newer data replaces a bundled entry without touching code."""
    (tmp_path / "dyads.yaml").write_text(
        "reference: 1\ndataset: dyads\nas_of: 2026-06-01\n"
        "sources: {mine: {title: My newer assessment}}\n"
        "dyads:\n"
        "  - {pair: [RS, XK], kind: tension, acuteness: low, summary: Normalised, basis: L1,"
        " sources: [mine], as_of: 2026-06-01}\n"
        "  - {pair: [HR, RS], kind: tension, acuteness: low, summary: Calmer, basis: L1,"
        " sources: [mine], as_of: 2026-06-01}\n"
        "  - {pair: [AL, RS], kind: tension, acuteness: low, summary: Calmer, basis: L1,"
        " sources: [mine], as_of: 2026-06-01}\n"
    )
    code, out, _ = run(capsys, "assess", str(TIRANA), "-f", "json", "--reference", str(tmp_path))
    assert code == 0
    risks = {r["id"] for r in json.loads(out)["results"][0]["risks"]}
    assert "CE01" not in risks


def test_an_absurd_source_date_epoch_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "99999999999999999999")
    code, _, err = run(capsys, "assess", str(KOSOVO), "-f", "json")
    assert code == 2
    assert "SOURCE_DATE_EPOCH" in err


def test_changed_since_refuses_a_ref_that_looks_like_an_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text(MINIMAL)
    code, _, err = run(capsys, "assess", "a.yaml", "--changed-since", "--output=x")
    assert code == 2
    assert "is not a git ref" in err
    assert not (tmp_path / "x").exists()
    assert json.dumps(err)  # a plain message, no traceback
    assert "Traceback" not in err
