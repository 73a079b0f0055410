"""Nothing is skipped silently: what a folder holds is assessed, reported, or said skipped."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import MINIMAL
from tests.conftest import run_cli as run


def _proposal(path: Path, pid: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(MINIMAL.replace("id: test", f"id: {pid}"))
    return path


def test_dangling_links_loops_and_fifos_in_a_folder_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _proposal(tmp_path / "good.yaml", "good")
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (tmp_path / "loop.yaml").symlink_to(tmp_path / "loop.yaml")
    os.mkfifo(tmp_path / "pipe.yml")
    code, out, err = run(capsys, "assess", str(tmp_path), "-f", "json")
    assert code == 2
    problems = {
        Path(r["file"]).name: r["problems"][0]["message"]
        for r in json.loads(out)["results"]
        if r["status"] == "invalid"
    }
    assert problems == {
        "dangling.yaml": f"dangling symbolic link (to {tmp_path / 'nowhere.yaml'}); not read",
        "loop.yaml": "symbolic link loop; not read",
        "pipe.yml": "not a regular file (a pipe or a device?)",
    }
    assert "dangling.yaml:1:1" in err


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def test_hidden_folders_virtual_environments_and_git_ignored_files_are_skipped(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _git(tmp_path, "init", "-q")
    _proposal(tmp_path / "proposals" / "a.yaml", "a")
    _proposal(tmp_path / ".github" / "workflows" / "ci.yaml", "ci")
    _proposal(tmp_path / ".venv" / "lib" / "x.yaml", "venv-x")
    _proposal(tmp_path / "env" / "lib" / "y.yaml", "env-y")
    (tmp_path / "env" / "pyvenv.cfg").write_text("home = /usr\n")
    _proposal(tmp_path / "build" / "z.yaml", "z")
    (tmp_path / ".gitignore").write_text("build/\n")
    (tmp_path / "linked").symlink_to(tmp_path / "proposals")
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "assess", ".", "-f", "json", "--verbose")
    assert code == 0, err
    assert [r["file"] for r in json.loads(out)["results"]] == ["proposals/a.yaml"]
    assert "skipped .github/: hidden folder, not searched" in err
    assert "skipped .venv/: virtual environment, not searched" not in err  # hidden first
    assert "skipped env/: virtual environment, not searched" in err
    assert "skipped build/z.yaml: ignored by git, not assessed" in err
    assert "skipped linked/: link to a folder, not followed" in err
    # without --verbose, nothing is said
    code, _, err = run(capsys, "assess", ".", "-q")
    assert code == 0
    assert "skipped" not in err


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_what_git_ignores_is_skipped_in_a_folder_below_the_top_of_a_work_tree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """git is asked from a folder deep in a repository, and from a worktree (whose ``.git``
    is a file)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    _proposal(repo / "a" / "b" / "keep.yaml", "keep")
    _proposal(repo / "a" / "b" / "old" / "drop.yaml", "drop")
    (repo / ".gitignore").write_text("old/\n")
    _git(repo, "add", ".")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "p")
    _git(repo, "worktree", "add", "-q", str(tmp_path / "tree"))
    _proposal(tmp_path / "tree" / "a" / "b" / "old" / "drop.yaml", "drop")
    for top in (repo, tmp_path / "tree"):
        code, out, err = run(capsys, "assess", str(top / "a" / "b"), "-f", "json", "--verbose")
        assert code == 0, err
        assert [Path(r["file"]).name for r in json.loads(out)["results"]] == ["keep.yaml"]
        assert "drop.yaml: ignored by git, not assessed" in err


def _recording_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A ``git`` first on PATH that notes each call in a file, then runs the real one."""
    real = shutil.which("git")
    assert real is not None
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "git-calls"
    script = bin_dir / "git"
    script.write_text(f'#!/bin/sh\necho "$@" >> "{calls}"\nexec "{real}" "$@"\n')
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return calls


def _outside_any_repository(path: Path) -> bool:
    here = path.resolve()
    return not any((p / ".git").exists() for p in (here, *here.parents))


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_git_is_not_started_for_a_folder_outside_any_repository(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside a repository there is nothing git ignores: it is not started only to say so
    (a few milliseconds before the first worker); inside one, or with GIT_DIR set, it is."""
    if not _outside_any_repository(tmp_path):
        pytest.skip("the temporary folder is inside a git repository")
    monkeypatch.delenv("GIT_DIR", raising=False)
    calls = _recording_git(tmp_path, monkeypatch)
    folder = tmp_path / "proposals"
    _proposal(folder / "a.yaml", "a")
    code, _, err = run(capsys, "assess", str(folder), "-q")
    assert code == 0, err
    assert not calls.exists()
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (folder / ".gitignore").write_text("a.yaml\n")
    monkeypatch.setenv("GIT_DIR", str(repo / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(folder))
    code, _, err = run(capsys, "assess", str(folder), "--verbose", "--allow-empty")
    assert code == 0, err
    assert "check-ignore" in calls.read_text()
    assert "a.yaml: ignored by git, not assessed" in err


def test_argument_order_does_not_change_the_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = _proposal(tmp_path / "a.yaml", "same")
    b = _proposal(tmp_path / "b.yaml", "same")
    _, first, first_err = run(capsys, "assess", str(b), str(a), "-f", "json")
    _, second, second_err = run(capsys, "assess", str(a), str(b), "-f", "json")

    def strip(text: str) -> Any:
        return json.loads(text)["results"]

    assert strip(first) == strip(second)
    assert first_err == second_err
    assert f"proposal id 'same' is already used by {a}" in first_err
    assert str(b) in first_err


def test_a_folder_that_cannot_be_read_is_reported(tmp_path: Path) -> None:
    import shutil
    import sys
    import tempfile

    as_root = os.geteuid() == 0
    if as_root and shutil.which("setpriv") is None:
        pytest.skip("running as root and setpriv is missing: every folder is readable")
    # Somewhere an unprivileged user can reach (pytest's own folders are private to root).
    top = Path(tempfile.mkdtemp(dir="/tmp" if as_root else tmp_path))
    try:
        top.chmod(0o755)
        _proposal(top / "good.yaml", "good").chmod(0o644)
        secret = top / "secret"
        _proposal(secret / "a.yaml", "a")
        secret.chmod(0o700 if as_root else 0o000)
        prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if as_root else []
        done = subprocess.run(
            [*prefix, sys.executable, "-m", "policycheck", "assess", str(top), "-f", "json"],
            capture_output=True,
            text=True,
            check=False,
            cwd="/",
        )
        assert done.returncode == 2, done.stderr
        results = {r["file"]: r for r in json.loads(done.stdout)["results"]}
        assert results[str(top / "good.yaml")]["status"] != "invalid"
        message = results[str(secret)]["problems"][0]["message"]
        assert message == "folder cannot be read (Permission denied): its files are not assessed"
    finally:
        secret.chmod(0o755)
        shutil.rmtree(top)
