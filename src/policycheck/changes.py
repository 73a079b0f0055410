"""Which files changed since a git ref (``--changed-since``), asking git itself."""

from __future__ import annotations

import subprocess
from pathlib import Path

from policycheck.errors import UsageError


def _git(args: list[str], cwd: Path) -> str:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=60
        )
    except FileNotFoundError:
        raise UsageError("--changed-since needs git, which is not installed") from None
    if done.returncode != 0:
        raise UsageError(f"git {' '.join(args)}: {done.stderr.strip() or 'failed'}")
    return done.stdout


def changed_since(ref: str, cwd: Path) -> set[Path]:
    """Files added, copied, modified or renamed since ``ref`` (working tree included), and untracked ones."""
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd)
    # -z: names NUL-separated and unquoted (non-ASCII and odd characters included)
    names = _git(
        ["diff", "-z", "--name-only", "--no-renames", "--diff-filter=ACMR", ref, "--"], top
    )
    untracked = _git(["ls-files", "-z", "--others", "--exclude-standard"], top)
    return {(top / name).resolve() for name in (names + untracked).split("\0") if name}
