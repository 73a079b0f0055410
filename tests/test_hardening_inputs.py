"""Every input file has the limits of a proposal: size, depth, digits; located, exit 2 (issue 10)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policycheck.cli import main
from policycheck.loading import MAX_BYTES, MAX_DEPTH, MAX_DIGITS
from tests.conftest import PROPOSALS

TIRANA = PROPOSALS / "tirana-declaration-2025.yaml"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 0), out, err


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- configuration (TOML) -------------------------------------------------------------


def test_a_deep_toml_array_is_a_located_error(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    config = write(tmp_path / "policycheck.toml", "paths = " + "[" * 5000 + "]" * 5000 + "\n")
    code, _, err = run(capsys, "assess", "--config", str(config), str(TIRANA), "-q")
    assert code == 2
    assert f"{config}:1:{9 + MAX_DEPTH}: nesting deeper than {MAX_DEPTH} levels" in err


def test_a_long_number_in_toml_is_a_located_error(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    config = write(tmp_path / "policycheck.toml", "soft_fail = false\nfail_under = " + "1" * 5000)
    code, _, err = run(capsys, "assess", "--config", str(config), str(TIRANA), "-q")
    assert code == 2
    assert f"{config}:2:14: a number of more than {MAX_DIGITS} digits" in err


def test_brackets_and_digits_inside_toml_strings_and_comments_do_not_count(
    tmp_path: Path,
    capsys,  # type: ignore[no-untyped-def]
) -> None:
    deep = "[" * (MAX_DEPTH + 5)
    digits = "7" * (MAX_DIGITS + 5)
    config = write(
        tmp_path / "policycheck.toml",
        f"# {deep} {digits}\npaths = [\n  \"{deep}{digits}\",\n  '{deep}',\n"
        f'  """{deep}\n{digits}"""]\nsoft_fail = "maybe"\n',
    )
    code, _, err = run(capsys, "assess", "--config", str(config), str(TIRANA), "-q")
    assert code == 2
    # The parse went through: the one problem is the real one, on the last line.
    assert err.startswith(f"error: {config}:7:1: soft_fail:"), err


def test_an_oversized_configuration_is_not_read(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    config = write(tmp_path / "policycheck.toml", "soft_fail = true\n" + "#\n" * MAX_BYTES)
    code, _, err = run(capsys, "assess", "--config", str(config), str(TIRANA), "-q")
    assert code == 2
    assert f"{config}:1:1: file is larger than 1 MiB; not read" in err


def test_a_deep_pyproject_found_by_discovery_is_a_located_error(
    tmp_path: Path,
    capsys,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path / "pyproject.toml", "[tool.policycheck]\npaths = " + "[" * 5000 + "]" * 5000)
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "assess", str(TIRANA), "-q")
    assert code == 2
    assert f"pyproject.toml:2:{9 + MAX_DEPTH}: nesting deeper than {MAX_DEPTH} levels" in err


# --- baseline (JSON) --------------------------------------------------------------------


def test_a_deep_baseline_is_a_located_error(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    baseline = write(tmp_path / "baseline.json", "[" * 100_000 + "]" * 100_000)
    code, _, err = run(
        capsys, "assess", str(TIRANA), "--baseline", str(baseline), "--fail-under", "F", "-q"
    )
    assert code == 2
    assert f"{baseline}:1:{MAX_DEPTH + 1}: nesting deeper than {MAX_DEPTH} levels" in err


def test_a_long_number_in_a_baseline_is_a_located_error(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    baseline = write(tmp_path / "baseline.json", '{\n  "schema_version": ' + "1" * 5000 + "}")
    code, _, err = run(
        capsys, "assess", str(TIRANA), "--baseline", str(baseline), "--fail-under", "F", "-q"
    )
    assert code == 2
    assert f"{baseline}:2:21: a number of more than {MAX_DIGITS} digits" in err


def test_a_binary_baseline_is_a_located_error(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    baseline = tmp_path / "baseline.json"
    baseline.write_bytes(b'{"a":\n 1\x00}')
    code, _, err = run(
        capsys, "assess", str(TIRANA), "--baseline", str(baseline), "--fail-under", "F", "-q"
    )
    assert code == 2
    assert f"{baseline}:2:3: binary file (contains NUL bytes)" in err


def test_brackets_and_digits_inside_baseline_strings_do_not_count(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    baseline = tmp_path / "baseline.json"
    assert run(capsys, "baseline", "write", str(baseline), str(TIRANA))[0] == 0
    document = json.loads(baseline.read_text("utf-8"))
    odd = "[{" * 40 + "9" * (MAX_DIGITS + 5) + '\\"'
    document["proposals"][odd] = {"grade": "F", "score": 1.0}
    baseline.write_text(json.dumps(document, indent=2), encoding="utf-8")
    code, _, err = run(
        capsys, "assess", str(TIRANA), "--baseline", str(baseline), "--fail-under", "F", "-q"
    )
    assert code == 0, err


# --- reference data (YAML) --------------------------------------------------------------


def test_an_oversized_reference_file_is_not_read(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "ref"
    folder.mkdir()
    dyads = write(folder / "dyads.yaml", "reference: 1\ndataset: dyads\n#" + "x" * (50 * MAX_BYTES))
    code, _, err = run(capsys, "assess", "--reference", str(folder), str(TIRANA), "-q")
    assert code == 2
    assert f"{dyads}:1:1: file is larger than 1 MiB; not read" in err


def test_a_binary_reference_file_is_a_located_error(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "ref"
    folder.mkdir()
    (folder / "dyads.yaml").write_bytes(b"reference: 1\ndataset: \xff\n")
    code, _, err = run(capsys, "assess", "--reference", str(folder), str(TIRANA), "-q")
    assert code == 2
    assert f"{folder / 'dyads.yaml'}:2:10: not valid UTF-8 (byte 0xff)" in err


# --- rubric (YAML) ----------------------------------------------------------------------


def test_an_oversized_rubric_is_not_read(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    rubric = write(tmp_path / "r.yaml", "extends: default\n#" + "x" * (2 * MAX_BYTES))
    code, _, err = run(capsys, "rubric", "validate", str(rubric))
    assert code == 2
    assert f"{rubric}:1:1: file is larger than 1 MiB; not read" in err
