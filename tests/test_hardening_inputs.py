"""Every input file has the limits of a proposal: size, depth, digits; located, exit 2 (issue 10)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policycheck.loading import MAX_BYTES, MAX_DEPTH, MAX_DIGITS
from tests.conftest import PROPOSALS
from tests.conftest import run_cli as run

TIRANA = PROPOSALS / "tirana-declaration-2025.yaml"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- configuration (TOML) -------------------------------------------------------------


def test_a_deep_toml_array_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write(tmp_path / "policycheck.toml", "paths = " + "[" * 5000 + "]" * 5000 + "\n")
    code, _, err = run(capsys, "assess", "--config", str(config), str(TIRANA), "-q")
    assert code == 2
    assert f"{config}:1:{9 + MAX_DEPTH}: nesting deeper than {MAX_DEPTH} levels" in err


def test_a_long_number_in_toml_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write(tmp_path / "policycheck.toml", "soft_fail = false\nfail_under = " + "1" * 5000)
    code, _, err = run(capsys, "assess", "--config", str(config), str(TIRANA), "-q")
    assert code == 2
    assert f"{config}:2:14: a number of more than {MAX_DIGITS} digits" in err


def test_brackets_and_digits_inside_toml_strings_and_comments_do_not_count(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
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


def test_an_oversized_configuration_is_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write(tmp_path / "policycheck.toml", "soft_fail = true\n" + "#\n" * MAX_BYTES)
    code, _, err = run(capsys, "assess", "--config", str(config), str(TIRANA), "-q")
    assert code == 2
    assert f"{config}:1:1: file is larger than 1 MiB; not read" in err


def test_a_deep_pyproject_found_by_discovery_is_a_located_error(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path / "pyproject.toml", "[tool.policycheck]\npaths = " + "[" * 5000 + "]" * 5000)
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "assess", str(TIRANA), "-q")
    assert code == 2
    assert f"pyproject.toml:2:{9 + MAX_DEPTH}: nesting deeper than {MAX_DEPTH} levels" in err


# --- baseline (JSON) --------------------------------------------------------------------


def test_a_deep_baseline_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = write(tmp_path / "baseline.json", "[" * 100_000 + "]" * 100_000)
    code, _, err = run(
        capsys, "assess", str(TIRANA), "--baseline", str(baseline), "--fail-under", "F", "-q"
    )
    assert code == 2
    assert f"{baseline}:1:{MAX_DEPTH + 1}: nesting deeper than {MAX_DEPTH} levels" in err


def test_a_long_number_in_a_baseline_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = write(tmp_path / "baseline.json", '{\n  "schema_version": ' + "1" * 5000 + "}")
    code, _, err = run(
        capsys, "assess", str(TIRANA), "--baseline", str(baseline), "--fail-under", "F", "-q"
    )
    assert code == 2
    assert f"{baseline}:2:21: a number of more than {MAX_DIGITS} digits" in err


def test_a_binary_baseline_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_bytes(b'{"a":\n 1\x00}')
    code, _, err = run(
        capsys, "assess", str(TIRANA), "--baseline", str(baseline), "--fail-under", "F", "-q"
    )
    assert code == 2
    assert f"{baseline}:2:3: binary file (contains NUL bytes)" in err


def test_brackets_and_digits_inside_baseline_strings_do_not_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
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


def test_an_oversized_reference_file_is_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "ref"
    folder.mkdir()
    dyads = write(folder / "dyads.yaml", "reference: 1\ndataset: dyads\n#")
    with dyads.open("r+b") as handle:
        handle.truncate(50 * MAX_BYTES)  # 50 MiB to a reader, and no disk to write or delete
    code, _, err = run(capsys, "assess", "--reference", str(folder), str(TIRANA), "-q")
    assert code == 2
    assert f"{dyads}:1:1: file is larger than 1 MiB; not read" in err


def test_a_binary_reference_file_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "ref"
    folder.mkdir()
    (folder / "dyads.yaml").write_bytes(b"reference: 1\ndataset: \xff\n")
    code, _, err = run(capsys, "assess", "--reference", str(folder), str(TIRANA), "-q")
    assert code == 2
    assert f"{folder / 'dyads.yaml'}:2:10: not valid UTF-8 (byte 0xff)" in err


# --- rubric (YAML) ----------------------------------------------------------------------


def test_an_oversized_rubric_is_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rubric = write(tmp_path / "r.yaml", "extends: default\n#" + "x" * (2 * MAX_BYTES))
    code, _, err = run(capsys, "rubric", "validate", str(rubric))
    assert code == 2
    assert f"{rubric}:1:1: file is larger than 1 MiB; not read" in err


# --- numbers and dates stay what they are ---------------------------------------------------


@pytest.mark.parametrize(
    ("toml", "line", "message"),
    [
        ("fail_under = true", 1, "fail_under: true is neither a grade (A-F) nor a score (0-100)"),
        ("fail_under = false", 1, "fail_under: false is neither a grade (A-F) nor a score"),
        ("soft_fail = 1", 1, "soft_fail: Input should be a valid boolean"),
        ("[minimums]\ntransparency = true", 2, "minimums.transparency: Input should be a valid"),
    ],
)
def test_booleans_and_numbers_are_not_each_other_in_the_configuration(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    toml: str,
    line: int,
    message: str,
) -> None:
    config = write(tmp_path / "policycheck.toml", toml + "\n")
    code, _, err = run(capsys, "assess", "--config", str(config), str(TIRANA), "-q")
    assert code == 2
    assert f"{config}:{line}:1: {message}" in err


def test_date_zero_in_a_proposal_is_refused_located(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = TIRANA.read_text("utf-8")
    (line,) = [n for n, body in enumerate(text.splitlines(), 1) if body.startswith("date:")]
    proposal = write(
        tmp_path / "p.yaml",
        "\n".join("date: 0" if n == line else body for n, body in enumerate(text.splitlines(), 1)),
    )
    code, _, err = run(capsys, "assess", str(proposal), "-q")
    assert code == 2
    assert f"{proposal}:{line}:7: date: write a date as YYYY-MM-DD, not 0" in err


def test_a_numeric_source_date_and_waiver_expiry_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    proposal = write(
        tmp_path / "p.yaml",
        "schema_version: 1\nid: p\ntitle: P\nstatus: idea\nparticipants: [AL]\n"
        "sources: [{title: T, date: 20250101}]\n",
    )
    code, _, err = run(capsys, "assess", str(proposal), "-q")
    assert code == 2
    assert "sources.0.date: write a date as YYYY-MM-DD, not 20250101" in err
    config = write(
        tmp_path / "policycheck.toml",
        '[[waivers]]\nrisk = "CE01"\nproposal = "p"\njustification = "j"\nowner = "o"\n'
        "expires = 0\n",
    )
    code, _, err = run(capsys, "assess", "--config", str(config), str(TIRANA), "-q")
    assert code == 2
    assert f"{config}:6:1: waivers.0.expires: write a date as YYYY-MM-DD, not 0" in err


def test_dates_written_as_dates_still_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write(
        tmp_path / "policycheck.toml",
        '[[waivers]]\nrisk = "CE01"\nproposal = "tirana-declaration-2025"\njustification = "j"\n'
        'owner = "o"\nexpires = 2099-01-01\n',
    )
    code, _, err = run(capsys, "assess", "--config", str(config), str(TIRANA), "-q")
    assert code == 0, err


# --- no internal errors, no silent acceptance -----------------------------------------------


@pytest.mark.parametrize("key", ["rubric", "reference", "baseline", "paths"])
def test_a_nul_in_a_configured_path_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str
) -> None:
    value = '["a\\u0000"]' if key == "paths" else '"a\\u0000"'
    config = write(tmp_path / "policycheck.toml", f'fail_under = "F"\n{key} = {value}\n')
    code, _, err = run(capsys, "assess", "--config", str(config), str(TIRANA), "-q")
    assert code == 2
    assert f"{config}:2:1: {key}: a path cannot hold a NUL character" in err


def test_a_nul_in_an_extended_rubric_name_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rubric = write(tmp_path / "r.yaml", 'extends: "a\\0b"\n')
    code, _, err = run(capsys, "rubric", "validate", str(rubric))
    assert code == 2
    # The terminal shows control characters escaped.
    assert f"{rubric}:1:10: cannot extend 'a\\x00b': a file name cannot hold a NUL character" in err


def _baseline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], proposal: dict[str, object]
) -> Path:
    """A baseline written by the tool, with Tirana's recorded entry changed."""
    path = tmp_path / "baseline.json"
    assert run(capsys, "baseline", "write", str(path), str(TIRANA))[0] == 0
    document = json.loads(path.read_text("utf-8"))
    document["proposals"]["tirana-declaration-2025"].update(proposal)
    path.write_text(json.dumps(document, indent=2, sort_keys=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        ({"score": float("nan")}, None, "invalid JSON: NaN is not a number a baseline holds"),
        ({"score": 1e999}, None, "invalid JSON: Infinity is not a number a baseline holds"),
        ({"score": True}, "score", "proposals.tirana-declaration-2025.score: Input should be"),
        ({"score": "18"}, "score", "proposals.tirana-declaration-2025.score: Input should be"),
        ({"grade": "Z"}, "grade", "proposals.tirana-declaration-2025.grade: Input should be 'A'"),
        ({"grade": []}, "grade", "proposals.tirana-declaration-2025.grade: Input should be 'A'"),
        (
            {"criteria": 5},
            "criteria",
            "proposals.tirana-declaration-2025.criteria: expected a mapping of keys to values",
        ),
    ],
)
def test_a_baseline_with_values_no_baseline_holds_is_refused_located(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    change: dict[str, object],
    key: str | None,
    message: str,
) -> None:
    baseline = _baseline(tmp_path, capsys, change)
    text = baseline.read_text("utf-8")
    if key is None:
        where = "1:1"
    else:
        offset = text.index(f'"{key}":', text.index('"tirana-declaration-2025": {'))
        line = text.count("\n", 0, offset) + 1
        where = f"{line}:{offset - text.rfind(chr(10), 0, offset)}"
    code, _, err = run(
        capsys, "assess", str(TIRANA), "--baseline", str(baseline), "--fail-under", "F", "-q"
    )
    assert code == 2, err
    expected = message if key is None else f"not a policycheck baseline: {message}"
    assert f"{baseline}:{where}: {expected}" in err


def test_reference_file_problems_are_located_and_named_all_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "ref"
    folder.mkdir()
    dyads = write(
        folder / "dyads.yaml",
        "reference: 1\ndataset: formats\nas_of: 2025-01-01\ndyads:\n  - pair: [AL, RS]\n"
        "    kind: feud\n",
    )
    code, _, err = run(capsys, "assess", "--reference", str(folder), str(TIRANA), "-q")
    assert code == 2
    lines = err.removeprefix("error: ").splitlines()
    assert f"{dyads}:2:10: expected dataset 'dyads', found 'formats'" in lines
    assert f"{dyads}:5:5: missing required key 'dyads.0.acuteness'" in lines
    assert any(line.startswith(f"{dyads}:6:11: dyads.0.kind: Input should be") for line in lines)


def test_the_readme_states_the_limits_the_code_enforces() -> None:
    from policycheck.declarative import MAX_GROWTH, MAX_NESTING, MAX_STEPS, MAX_TREE_DEPTH
    from policycheck.gate import MAX_BASELINE_BYTES
    from policycheck.loading import MAX_EXPANDED, MAX_VALUES

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    table = readme[readme.index("**Limits.**") :]
    table = table[: table.index("\n\n", table.index("| what | limit |"))]
    rows = {
        f"| {MAX_BYTES // 1_048_576} MiB |",
        f"| {MAX_BASELINE_BYTES // 1_048_576} MiB |",
        f"| {MAX_DEPTH} levels |",
        f"| {MAX_VALUES:,} |",
        f"| {MAX_EXPANDED // 1_048_576} MiB |",
        f"| {MAX_DIGITS} |",
        f"brackets {MAX_NESTING} deep, operators chained {MAX_TREE_DEPTH} deep |",
        f"{MAX_STEPS:,} steps",
        f"plus {MAX_GROWTH:,} characters",
    }
    assert [row for row in rows if row not in table] == []
