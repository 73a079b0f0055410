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
    names = _git(["diff", "--name-only", "--no-renames", "--diff-filter=ACMR", ref, "--"], cwd)
    untracked = _git(["ls-files", "--others", "--exclude-standard"], top)
    return {(top / line).resolve() for line in (names + untracked).splitlines() if line.strip()}
