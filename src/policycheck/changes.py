"""Which files changed since a git ref (``--changed-since``), asking git itself."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from policycheck.errors import UsageError


def _git(args: list[str], cwd: Path) -> str:
    """Run git with a list of arguments (never a shell); names decoded as the file system does."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False, timeout=60)
    except FileNotFoundError:
        raise UsageError("--changed-since needs git, which is not installed") from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"git {' '.join(args)}: no answer within 60 s") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip() or "failed"
        raise UsageError(f"git {' '.join(args)}: {message}")
    return os.fsdecode(done.stdout)


def changed_since(ref: str, cwd: Path) -> set[Path]:
    """Files added, copied, modified or renamed since ``ref`` (working tree included), and untracked ones."""
    if not ref or ref.startswith("-") or any(c.isspace() for c in ref):
        raise UsageError(f"--changed-since: '{ref}' is not a git ref")
    try:
        top = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    except UsageError:
        raise UsageError(f"--changed-since: {cwd} is not inside a git repository") from None
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd)
    except UsageError:
        raise UsageError(f"--changed-since: unknown git ref '{ref}'") from None
    # -z: names NUL-separated and unquoted (non-ASCII and odd characters included)
    names = _git(
        ["diff", "-z", "--name-only", "--no-renames", "--diff-filter=ACMR", ref, "--"], top
    )
    untracked = _git(["ls-files", "-z", "--others", "--exclude-standard"], top)
    return {(top / name).resolve() for name in (names + untracked).split("\0") if name}
