"""File paths as CI services expect them: relative to the repository root.

GitHub maps a SARIF URI or an annotation's ``file`` onto the repository's files from the
repository root, whatever folder policycheck ran in. The report keeps paths as given
(relative to the working directory, or absolute); ``SourceRoot`` says where the run
happened, so the renderers can turn them into repository paths without touching the file
system.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath


@dataclass(frozen=True, slots=True)
class SourceRoot:
    """Where a run happened: ``root`` the repository's top folder (the nearest holding
    ``.git``, or the working directory outside a repository), ``cwd`` the working directory
    the report's relative paths are relative to; both absolute. The CLI finds them; the
    renderers read no file system."""

    root: str
    cwd: str


@dataclass(frozen=True, slots=True)
class CiOptions:
    """What the CI formats need beyond the report: whether SARIF keeps waived results, and
    the repository root that SARIF URIs and annotation files are relative to."""

    keep_waived: bool
    where: SourceRoot | None


def is_absolute(path: str) -> bool:
    """Absolute as a POSIX path or as a Windows path with a drive.

    Most paths a batch names say so by their first character, or have no colon and no
    backslash (so no drive): they are told without making three path objects (a SARIF
    report asks twice a proposal, in the main process).
    """
    if path.startswith("/"):
        return True
    if ":" not in path and "\\" not in path:
        return False
    return bool(PureWindowsPath(path).drive and PureWindowsPath(path).is_absolute()) or (
        PurePosixPath(path.replace("\\", "/")).is_absolute()
    )


def absolute_path(file: str, where: SourceRoot) -> str:
    """``file`` as a normalised absolute path with forward slashes."""
    posix = file.replace("\\", "/")
    full = posix if is_absolute(file) else posixpath.join(where.cwd.replace("\\", "/"), posix)
    return posixpath.normpath(full)


def repository_path(file: str, where: SourceRoot) -> str | None:
    """``file`` relative to the repository root (forward slashes), or ``None`` when it lies
    outside the repository."""
    root = posixpath.normpath(where.root.replace("\\", "/")).rstrip("/")
    full = absolute_path(file, where)
    if full.startswith(root + "/"):
        return full[len(root) + 1 :]
    return None
