"""Asking git: which files changed since a ref (``--changed-since``), a file as it was at a ref
(``compare --against``), a file's revisions (``history``).

git is run with a list of arguments, never a shell, with one timeout; names are decoded as
the file system does. Whatever goes wrong (git missing, no repository, an unknown ref, no
answer) is a ``UsageError`` (exit 2) that names the option it came from.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from policycheck.errors import UsageError

#: Seconds git has to answer any one question.
TIMEOUT = 60


@dataclass(frozen=True, slots=True)
class Revision:
    """Where the old version was read from, with ``--against``."""

    ref: str
    commit: str
    #: The file's path from the repository root (POSIX separators).
    path: str


def _run(args: list[str], cwd: Path, option: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", *args],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
            timeout=TIMEOUT,
        )
    except FileNotFoundError:
        raise UsageError(f"{option} needs git, which is not installed") from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"git {' '.join(args)}: no answer within {TIMEOUT} s") from None


def _ask(args: list[str], cwd: Path, option: str) -> str | None:
    """git's answer on stdout, or None when it refuses (a non-zero exit)."""
    done = _run(args, cwd, option)
    return os.fsdecode(done.stdout) if done.returncode == 0 else None


def _check_ref(ref: str, option: str) -> None:
    """A ref that git could read as an option, or that holds a space, is refused before asking."""
    if not ref or ref.startswith("-") or any(ch.isspace() or ch == "\x00" for ch in ref):
        raise UsageError(f"{option}: '{ref}' is not a git ref")


def _top(folder: Path, option: str) -> Path:
    top = _ask(["rev-parse", "--show-toplevel"], folder, option)
    if top is None:
        raise UsageError(f"{option}: {folder} is not in a git repository")
    return Path(top.strip())


def _commit(ref: str, top: Path, option: str) -> str:
    commit = _ask(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top, option)
    if commit is None:
        raise UsageError(f"{option} {ref}: unknown git ref (no such commit, branch or tag)")
    return commit.strip()


def output(args: list[str], top: Path, option: str) -> str:
    """git's answer on stdout; a refusal is a ``UsageError`` with git's own message."""
    done = _run(args, top, option)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip() or "failed"
        raise UsageError(f"git {' '.join(args)}: {message}")
    return os.fsdecode(done.stdout)


def changed_since(ref: str, cwd: Path) -> set[Path]:
    """Files added, copied, modified or renamed since ``ref`` (working tree included), and
    untracked ones, resolved."""
    option = "--changed-since"
    _check_ref(ref, option)
    top = _top(cwd, option)
    _commit(ref, top, option)
    # -z: names NUL-separated and unquoted (non-ASCII and odd characters included)
    names = output(
        ["diff", "-z", "--name-only", "--no-renames", "--diff-filter=ACMR", ref, "--"], top, option
    )
    untracked = output(["ls-files", "-z", "--others", "--exclude-standard"], top, option)
    return {(top / name).resolve() for name in (names + untracked).split("\0") if name}


def read_at_ref(file: Path, ref: str, limit: int) -> tuple[bytes, Revision]:
    """The bytes of ``file`` at ``ref``: at most ``limit`` of them (a larger blob is never read
    whole), and where they were read from."""
    option = "--against"
    _check_ref(ref, option)
    folder = file.absolute().parent
    if not folder.is_dir():
        raise UsageError(f"{file}: no such file or folder")
    top = _top(folder, option).resolve()
    try:
        rel = (folder.resolve() / file.name).relative_to(top).as_posix()
    except ValueError:
        raise UsageError(f"{file} is not inside the git repository at {top}") from None
    commit = _commit(ref, top, option)
    spec = f"{commit}:{rel}"
    kind = _ask(["cat-file", "-t", spec], top, option)
    if kind is None:
        raise UsageError(f"{file}: not in {ref} (no {rel} at commit {commit[:12]})")
    if kind.strip() != "blob":
        raise UsageError(f"{file}: {rel} is a {kind.strip()} in {ref}, not a file")
    return _blob(spec, top, limit, option), Revision(ref, commit, rel)


def _blob(spec: str, cwd: Path, limit: int, option: str) -> bytes:
    """``git show SPEC``: at most ``limit`` bytes of it."""
    try:
        proc = subprocess.Popen(
            ["git", "show", spec],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        raise UsageError(f"{option} needs git, which is not installed") from None
    assert proc.stdout is not None
    with proc:
        raw = proc.stdout.read(limit)
        if len(raw) == limit:
            proc.kill()
        proc.stdout.close()
        try:
            code = proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise UsageError(f"git show {spec}: no answer within {TIMEOUT} s") from None
    if code != 0 and len(raw) < limit:
        raise UsageError(f"git show {spec}: failed")
    return raw
