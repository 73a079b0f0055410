"""Writing never destroys: what is at an output path decides how it is written."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import threading
import zipfile
from pathlib import Path
from typing import BinaryIO

import pytest

from policycheck.output import TMP_SUFFIX, write_atomic
from tests.conftest import MINIMAL, PROPOSALS
from tests.conftest import run_cli as run

KOSOVO = PROPOSALS / "kosovo-armed-drones-2023.yaml"


def test_an_existing_report_keeps_its_mode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.json"
    out.write_text("old")
    out.chmod(0o600)
    code, _, _ = run(capsys, "assess", str(KOSOVO), "-q", "-o", f"json={out}")
    assert code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert json.loads(out.read_text())["results"][0]["proposal"]["id"]


def test_a_symlink_is_followed_to_its_target_and_stays_a_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real = tmp_path / "reports" / "real.json"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    code, _, _ = run(capsys, "assess", str(KOSOVO), "-q", "-o", f"json={link}")
    assert code == 0
    assert link.is_symlink()
    assert json.loads(real.read_text())["results"]
    assert sorted(p.name for p in real.parent.iterdir()) == ["real.json"]


def test_a_link_to_a_character_device_is_written_through(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = tmp_path / "null.json"
    link.symlink_to("/dev/null")
    code, _, err = run(
        capsys,
        "assess",
        str(KOSOVO),
        "-q",
        "-o",
        f"json={link}",
        "--xlsx",
        str(tmp_path / "null.xlsx"),
    )
    assert code == 0, err
    assert link.is_symlink()
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_character_device_is_written_straight_through(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "schema", "-o", "/dev/null")
    assert code == 0, err


def _read_fifo(fifo: Path) -> tuple[list[bytes], threading.Thread]:
    """A named pipe at ``fifo`` and a thread reading it whole into the list."""
    os.mkfifo(fifo)
    received: list[bytes] = []

    def reader() -> None:
        with open(fifo, "rb") as handle:
            received.append(handle.read())

    thread = threading.Thread(target=reader)
    thread.start()
    return received, thread


def test_a_fifo_is_written_through_not_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "pipe.json"
    received, thread = _read_fifo(fifo)
    code, _, err = run(capsys, "assess", str(KOSOVO), "-q", "-o", f"json={fifo}")
    thread.join(10)
    assert code == 0, err
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert json.loads(received[0])["results"]


def test_dash_is_standard_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "assess", str(KOSOVO), "-q", "-o", "json=-")
    assert code == 0
    assert json.loads(out)["results"][0]["proposal"]["id"] == "kosovo-armed-drones-2023"
    code, out, _ = run(capsys, "schema", "-o", "-")
    assert code == 0
    assert json.loads(out)["type"] == "object"
    code, out, _ = run(capsys, "baseline", "write", "-", str(KOSOVO))
    assert code == 0
    assert json.loads(out)
    assert not (Path.cwd() / "-").exists()


def test_dash_beside_a_printed_report_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "assess", str(KOSOVO), "-o", "json=-")
    assert code == 2
    assert "add --quiet" in err


def test_a_killed_runs_temporaries_are_removed_by_the_next_write(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    out = tmp_path / "report.json"
    stale = tmp_path / f".report.json.x1y2z3.{dead.stdout.strip()}{TMP_SUFFIX}"
    stale.write_text("half a report")
    running = tmp_path / f".report.json.a1b2c3.{os.getpid()}{TMP_SUFFIX}"
    running.write_text("another run's work in progress")
    other = tmp_path / f".other.json.x1y2z3.{dead.stdout.strip()}{TMP_SUFFIX}"
    other.write_text("someone else's")
    write_atomic(out, "{}")
    assert out.read_text() == "{}"
    assert not stale.exists()
    assert running.exists()
    assert other.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [out.name, running.name, other.name]
    )


def test_a_directory_or_socket_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    where = tmp_path / "s.json"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(where))
    try:
        code, _, err = run(capsys, "assess", str(KOSOVO), "-q", "-o", f"json={where}")
    finally:
        sock.close()
    assert code == 2
    assert "not a regular file" in err
    assert stat.S_ISSOCK(where.lstat().st_mode)


def test_dev_stdout_is_written_through_to_whatever_stdout_is() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "policycheck",
            "assess",
            str(KOSOVO),
            "-q",
            "-o",
            "json=/dev/stdout",
        ],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["results"][0]["proposal"]["id"] == "kosovo-armed-drones-2023"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def test_an_unchanged_input_is_still_never_overwritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
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


def test_an_unwritable_output_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "assess", str(KOSOVO), "-q", "-o", "/proc/report.json")
    assert code == 2
    assert "/proc/report.json: cannot write" in err


def _zip_writer(out: BinaryIO) -> None:
    """A payload that needs a file it can seek in, as a workbook's package does."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        info = zipfile.ZipInfo("part.xml", date_time=(2026, 1, 1, 0, 0, 0))
        package.writestr(info, "<x/>" * 10_000)


def test_a_writer_writes_the_same_bytes_to_a_file_a_fifo_and_standard_output(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    expected = io.BytesIO()
    _zip_writer(expected)
    report = tmp_path / "report.xlsx"
    write_atomic(report, _zip_writer)
    assert report.read_bytes() == expected.getvalue()
    assert not list(tmp_path.glob(f"*{TMP_SUFFIX}"))

    fifo = tmp_path / "pipe.xlsx"
    received, thread = _read_fifo(fifo)
    write_atomic(fifo, _zip_writer)
    thread.join(10)
    assert received == [expected.getvalue()]  # what a pipe gets is what a file holds

    write_atomic(Path("-"), _zip_writer)
    assert capsysbinary.readouterr().out == expected.getvalue()


def test_an_input_is_known_by_where_its_path_leads_not_by_its_spelling(tmp_path: Path) -> None:
    """A link to an input, or a path through ``..``, is refused; a hard link (another name
    of the same file, which writing replaces, leaving the input as it was) and a file that
    is no input are written."""
    from policycheck.errors import UsageError

    proposal = tmp_path / "in" / "p.yaml"
    proposal.parent.mkdir()
    proposal.write_text(MINIMAL)
    others = [tmp_path / "in" / f"q{n}.yaml" for n in range(3)]
    for other in others:
        other.write_text(MINIMAL)
    inputs = [*others, tmp_path / "gone.yaml", proposal]
    link = tmp_path / "link.json"
    link.symlink_to(proposal)
    for spelling in (link, tmp_path / "in" / ".." / "in" / "p.yaml"):
        with pytest.raises(UsageError, match="refusing to overwrite an input file"):
            write_atomic(spelling, "{}", inputs=inputs)
    assert proposal.read_text() == MINIMAL
    hard = tmp_path / "hard.json"
    os.link(proposal, hard)
    write_atomic(hard, "{}", inputs=inputs)
    assert (hard.read_text(), proposal.read_text()) == ("{}", MINIMAL)
    write_atomic(tmp_path / "report.json", "{}", inputs=inputs)
    assert (tmp_path / "report.json").read_text() == "{}"


def test_report_files_are_checked_against_a_batchs_inputs_by_identity_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before any work, each report file is compared with every input: an input is looked at
    once (its identity) and its path resolved only when it is a report file's file, not once
    a report file (three report files of 1,000 proposals resolved 3,000 paths first)."""
    folder = tmp_path / "proposals"
    folder.mkdir()
    for n in range(6):
        (folder / f"p{n}.yaml").write_text(MINIMAL.replace("id: test", f"id: test-{n}"))
    targets = [tmp_path / name for name in ("r.json", "r.md", "r.sarif")]
    for target in targets:
        target.write_text("from an earlier run")
    resolved: list[Path] = []
    real = Path.resolve

    def resolve(self: Path, strict: bool = False) -> Path:
        resolved.append(self)
        return real(self, strict)

    monkeypatch.setattr(Path, "resolve", resolve)
    written = [arg for t in targets for arg in ("-o", str(t))]
    code, _, err = run(capsys, "assess", str(folder), "-q", *written)
    assert code in (0, 1), err
    assert not [p for p in resolved if p.parent == folder]
    link = tmp_path / "r.html"
    link.symlink_to(folder / "p3.yaml")
    code, _, err = run(capsys, "assess", str(folder), "-q", *written, "-o", f"html={link}")
    assert (code, err.strip()) == (2, f"error: {link}: refusing to overwrite an input file")
    assert [p.name for p in resolved if p.parent == folder] == ["p3.yaml"]
