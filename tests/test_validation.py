"""One translation of validation errors: a typo gets the same help in every file format."""

from __future__ import annotations

from pathlib import Path

import pytest

from policycheck.errors import InputError
from tests.conftest import MINIMAL, run_cli


def _errors(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code, _, err = run_cli(capsys, *args)
    assert code == 2, err
    return err


def test_an_unknown_key_gets_a_did_you_mean_in_every_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    proposal = tmp_path / "p.yaml"
    proposal.write_text(MINIMAL + "participnts: [AL]\n")
    rubric = tmp_path / "r.yaml"
    rubric.write_text("extends: default\ncritera: {}\n")
    config = tmp_path / "c.yaml"
    config.write_text("soft_fial: true\n")
    assert f"{proposal}:6:1: unknown key 'participnts'; did you mean 'participants'?" in _errors(
        capsys, "assess", str(proposal)
    )
    assert f"{rubric}:2:1: unknown key 'critera'; did you mean 'criteria'?" in _errors(
        capsys, "rubric", "validate", str(rubric)
    )
    monkeypatch.chdir(tmp_path)
    assert "c.yaml:1:1: unknown key 'soft_fial'; did you mean 'soft_fail'?" in _errors(
        capsys, "config", "--config", str(config)
    )


def test_an_unknown_choice_gets_a_did_you_mean_in_a_rubric_and_a_configuration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rubric = tmp_path / "r.yaml"
    rubric.write_text("extends: default\ncaps: {critical: D, hihg: B}\n")
    err = _errors(capsys, "rubric", "validate", str(rubric))
    assert f"{rubric}:2:27: caps.hihg: unknown value 'hihg'; did you mean 'high'?" in err
    config = tmp_path / "c.yaml"
    config.write_text("fail_on: critcal\n")
    err = _errors(capsys, "config", "--config", str(config))
    assert "fail_on: unknown value 'critcal'; did you mean 'critical'?" in err


def test_a_case_file_says_a_type_error_in_the_words_of_the_format(tmp_path: Path) -> None:
    from policycheck.rubric_tests import case_file_for, load_cases

    rubric = tmp_path / "r.yaml"
    rubric.write_text("extends: default\n")
    case_file_for(rubric).write_text("rubric_tests: 1\ncases: {a: 1}\n")
    with pytest.raises(InputError) as info:
        load_cases(rubric)
    assert [p.message for p in info.value.problems] == ["cases: expected a list"]


def test_only_the_validation_module_reads_pydantic_errors() -> None:
    import policycheck

    src = Path(policycheck.__file__).parent
    readers = sorted(
        p.relative_to(src).as_posix()
        for p in src.rglob("*.py")
        if ".errors()" in p.read_text("utf-8")
    )
    assert readers == ["validation.py"]
