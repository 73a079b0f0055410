"""End to end: the installed ``policycheck`` command in a subprocess, and a plain wheel install."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import PROPOSALS, ROOT

BIN = Path(sys.executable).parent / "policycheck"
EXE = str(BIN) if BIN.exists() else (shutil.which("policycheck") or "policycheck")


def run(
    *args: str, env: dict[str, str] | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    inherited = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    full_env = {**inherited, "COLUMNS": "100", **(env or {})}
    return subprocess.run(
        [EXE, *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def _colours(text: str) -> set[str]:
    """The SGR colour parameters (foreground, background) in ``text``."""
    found = set()
    for params in re.findall(r"\x1b\[([0-9;]*)m", text):
        for p in params.split(";"):
            if p and (30 <= int(p) <= 49 or 90 <= int(p) <= 107):
                found.add(p)
    return found


def test_installed_command_assesses_the_samples() -> None:
    result = run("assess", "proposals/")
    assert result.returncode == 0, result.stderr
    assert "Summary" in result.stdout
    assert "model-regional-initiative" in result.stdout


def test_exit_codes() -> None:
    assert run("assess", "proposals/model-regional-initiative.yaml").returncode == 0
    assert run("assess", "nowhere.yaml").returncode == 2
    assert run("assess", "--no-such-option", "proposals/").returncode == 2
    assert run().returncode in (0, 2)  # bare command shows help


@pytest.mark.full  # three runs of the installed command: in the full run
def test_no_color_and_narrow_terminals() -> None:
    coloured = run("assess", "proposals/tirana-declaration-2025.yaml", env={"FORCE_COLOR": "1"})
    assert "\x1b[" in coloured.stdout
    plain = run(
        "assess",
        "proposals/tirana-declaration-2025.yaml",
        env={"FORCE_COLOR": "1", "NO_COLOR": "1"},
    )
    assert _colours(coloured.stdout)
    assert not _colours(plain.stdout)  # bold and dim may stay; colours go
    narrow = run("assess", "proposals/tirana-declaration-2025.yaml", env={"COLUMNS": "60"})
    assert narrow.returncode == 0
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 60


def test_json_is_byte_for_byte_reproducible_with_source_date_epoch() -> None:
    env = {"SOURCE_DATE_EPOCH": "1767225600"}
    first = run("assess", "proposals/", "-f", "json", env=env)
    second = run("assess", "proposals/", "-f", "json", env=env)
    assert first.returncode == 0
    assert first.stdout == second.stdout
    assert json.loads(first.stdout)["generated_at"] == "2026-01-01T00:00:00Z"


def test_assess_never_imports_pandas_or_openpyxl() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-m",
            "policycheck",
            "assess",
            "proposals/",
            "-f",
            "json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0
    imported = {line.split("|")[-1].strip().split(".")[0] for line in result.stderr.splitlines()}
    assert "policycheck" in imported
    assert "pandas" not in imported
    assert "openpyxl" not in imported


@pytest.mark.full  # three runs over 211 files, above the engine's parallel threshold
def test_parallel_batch_equals_serial(tmp_path: Path) -> None:
    """Over the parallel threshold, both cores are used; the result is the same, in order."""
    samples = sorted(PROPOSALS.glob("*.yaml"))
    for i in range(210):
        source = samples[i % len(samples)].read_text("utf-8")
        unique = re.sub(r"^id: (.*)$", rf"id: \1-{i}", source, count=1, flags=re.MULTILINE)
        (tmp_path / f"p{i:03d}.yaml").write_text(unique, "utf-8")
    (tmp_path / "p999.yaml").write_text("not: [valid\n")
    env = {"SOURCE_DATE_EPOCH": "0"}
    parallel = run("assess", str(tmp_path), "-f", "json", "-j", "2", env=env)
    serial = run("assess", str(tmp_path), "-f", "json", "-j", "1", env=env)
    # Written with another output file, the JSON is built whole rather than streamed.
    buffered = run(
        "assess", str(tmp_path), "-f", "json", "-o", f"markdown={tmp_path.parent / 'r.md'}", env=env
    )
    assert parallel.returncode == serial.returncode == buffered.returncode == 2  # the invalid file
    assert parallel.stdout == serial.stdout == buffered.stdout
    doc = json.loads(parallel.stdout)
    assert doc["summary"] == {**doc["summary"], "files": 211, "assessed": 210, "invalid": 1}


def test_plain_wheel_install_carries_rubric_and_reference_data(
    tmp_path: Path, built_wheel: tuple[Path, Path]
) -> None:
    """Build a wheel, install it (no editable paths), and assess with the bundled data."""
    wheel, target = built_wheel
    names = zipfile.ZipFile(wheel).namelist()
    assert "policycheck/rubrics/default.yaml" in names
    # The JSON mirrors the tool starts from (without them it reads the YAML, slower).
    assert {"policycheck/rubrics/bundled.json", "policycheck/reference/bundled.json"} <= set(names)
    for dataset in ("countries", "srac", "dyads", "formats", "instruments", "iso3166"):
        assert f"policycheck/reference/{dataset}.yaml" in names
    code = (
        "import policycheck, sys; from policycheck.cli import main; "
        "sys.stderr.write(policycheck.__file__ + '\\n'); main()"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            "assess",
            str(PROPOSALS / "model-regional-initiative.yaml"),
            "-f",
            "json",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(target)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith(str(target))
    assert json.loads(result.stdout)["results"][0]["grade"] == "A"


def test_python_api_example_runs() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "python_api.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "model-regional-initiative" in result.stdout
    # A calmer Serbia–Kosovo dyad lowers CE03, so the drone purchase scores higher.
    found = re.search(r"with the override: ([\d.]+) -> ([\d.]+)", result.stdout)
    assert found is not None, result.stdout
    assert float(found[2]) > float(found[1])


def test_progress_bar_only_on_a_terminal(tmp_path: Path) -> None:
    """A long batch shows a progress bar on stderr when stderr is a terminal, and not otherwise."""
    import pty

    source = (PROPOSALS / "model-regional-initiative.yaml").read_text("utf-8")
    from policycheck.cli.outputs import PROGRESS_FROM

    for i in range(PROGRESS_FROM):
        unique = source.replace("id: model-regional-initiative", f"id: model-{i}")
        (tmp_path / f"p{i:02d}.yaml").write_text(unique, "utf-8")
    primary, secondary = pty.openpty()
    try:
        proc = subprocess.run(
            [EXE, "assess", str(tmp_path), "-f", "json"],
            stdout=subprocess.PIPE,
            stderr=secondary,
            env={**os.environ, "TERM": "xterm"},
            check=False,
            timeout=120,
        )
        os.close(secondary)
        chunks = []
        while True:
            try:
                data = os.read(primary, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(primary)
    assert proc.returncode == 0
    assert b"assessing" in b"".join(chunks)
    piped = run("assess", str(tmp_path), "-f", "json")
    assert piped.returncode == 0
    assert "assessing" not in piped.stderr


def test_the_workbook_is_the_same_with_or_without_lxml_installed(tmp_path: Path) -> None:
    """openpyxl writes its XML with lxml when lxml is importable, and quotes it otherwise:
    the command writes the same workbook either way (lxml comes with the test tools)."""
    pytest.importorskip("lxml", reason="lxml is not installed: both runs would be without it")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1764633600"}
    with_lxml = tmp_path / "with.xlsx"
    subprocess.run(
        [EXE, "assess", str(PROPOSALS), "-q", "--xlsx", str(with_lxml)],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    without = tmp_path / "without.xlsx"
    blocked = (
        "import sys\n"
        "sys.modules['lxml'] = None  # as if it were not installed\n"
        f"sys.argv = ['policycheck', 'assess', {str(PROPOSALS)!r}, '-q', '--xlsx', "
        f"{str(without)!r}]\n"
        "from policycheck.entry import main\n"
        "main()\n"
    )
    subprocess.run(
        [sys.executable, "-c", blocked], env=env, check=True, capture_output=True, timeout=120
    )
    assert with_lxml.read_bytes() == without.read_bytes()
