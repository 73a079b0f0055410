"""A proposal's grade over its git history (``policycheck history FILE``).

Every revision of the file that git records (renames followed, as ``git log --follow``
does) is read from git as it was committed and assessed with today's rubric and
reference data: one yardstick across time, so a change in grade is a change in the
file. A revision that cannot be assessed is kept, as a ``Failure``; a commit that
deleted the file has no content and is left out.

Nothing here prints. Git is asked through one function, ``_git``, which goes through
the project's git wrapper; every argument list is fixed, never a shell.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from policycheck.assessment import Assessment, Failure
from policycheck.errors import InputError, Problem, UsageError
from policycheck.revisions import History, Point, Revision
from policycheck.scale import GRADES
from policycheck.text import display_path

if TYPE_CHECKING:
    from policycheck.engine import Assessor

#: Separators of the fields of ``git log --format``: record and unit separators.
_RECORD = "\x1e"
_UNIT = "\x1f"
_FORMAT = f"{_RECORD}%H{_UNIT}%aI{_UNIT}%an{_UNIT}%s"


def parse_since(value: str) -> dt.datetime:
    """``--since``: a date (YYYY-MM-DD, from midnight UTC) or an ISO 8601 time.

    Parsed here rather than by git, which reads almost any text as some date.
    """
    try:
        if len(value) == 10:
            day = dt.date.fromisoformat(value)
            return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"--since {value!r}: not a date; give YYYY-MM-DD or an ISO 8601 time"
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _git(args: list[str], cwd: Path) -> str:
    """Every git call of this module: git's output, or ``UsageError`` with git's message."""
    from policycheck import git

    return git.output(args, cwd, "history")


def locate(file: Path) -> tuple[Path, str]:
    """The repository root holding ``file`` and the file's path from it.

    Raises ``UsageError`` (exit 2) when git is missing or ``file`` is not in a repository.
    """
    if shutil.which("git") is None:
        raise UsageError("history needs git, which is not installed")
    folder = file.absolute().parent
    if not folder.is_dir():
        raise UsageError(f"{display_path(file)}: no such file or folder")
    try:
        top = Path(_git(["rev-parse", "--show-toplevel"], folder).strip()).resolve()
    except UsageError:
        raise UsageError(
            f"{display_path(file)}: not in a git repository, so it has no history"
        ) from None
    try:
        rel = (folder.resolve() / file.name).relative_to(top).as_posix()
    except ValueError:
        raise UsageError(
            f"{display_path(file)} is not inside the git repository at {display_path(top)}"
        ) from None
    return top, rel


def revisions(top: Path, path: str) -> list[Revision]:
    """Every commit that changed ``path``, renames followed, newest first (git's order)."""
    out = _git(
        ["log", "--follow", f"--format={_FORMAT}", "--name-only", "-z", "--", path],
        top,
    )
    found: list[Revision] = []
    for record in out.split(_RECORD)[1:]:
        head, _, names = record.partition("\0")
        commit, date, author, subject = [*head.split(_UNIT, 3), "", "", ""][:4]
        # --name-only gives the file's name at that commit (after a rename, the new one).
        name = next((n.strip("\n") for n in names.split("\0") if n.strip("\n")), path)
        found.append(Revision(commit, date, _text(author), _text(subject), name))
    return found


def _text(value: str) -> str:
    """Text git gave (decoded as the file system does) as UTF-8, bad bytes replaced."""
    return os.fsencode(value).decode("utf-8", "replace")


def since_filter(found: list[Revision], since: dt.datetime | None) -> list[Revision]:
    """The revisions authored at or after ``since`` (all of them without a bound)."""
    if since is None:
        return found
    return [r for r in found if dt.datetime.fromisoformat(r.date) >= since]


def read_blob(top: Path, revision: Revision) -> bytes | None:
    """The file's bytes at ``revision``; None when the commit deleted it.

    A blob larger than a proposal may be is not read: its first ``MAX_BYTES + 1``
    bytes stand for it, so the assessment reports it as too large.
    """
    from policycheck.loading import MAX_BYTES

    listing = _git(["ls-tree", "-l", "-z", revision.commit, "--", revision.path], top)
    entry = listing.split("\0")[0]
    if not entry:
        return None
    info, _, _ = entry.partition("\t")
    fields = info.split()
    # A symbolic link (mode 120000) is a blob too, holding the link's target: not the file.
    if len(fields) < 4 or fields[1] != "blob" or fields[0] == "120000":
        return None
    if fields[3].isdigit() and int(fields[3]) > MAX_BYTES:
        return b" " * (MAX_BYTES + 1)
    return os.fsencode(_git(["cat-file", "blob", fields[2]], top))


def assess_revision(assessor: Assessor, raw: bytes, revision: Revision) -> Assessment | Failure:
    """The revision's content assessed; problems (located in ``COMMIT:PATH``) as a ``Failure``."""
    from policycheck.loading import MAX_BYTES

    origin = f"{revision.short}:{revision.path}"
    sha = hashlib.sha256(raw).hexdigest()
    if len(raw) > MAX_BYTES:
        message = f"larger than {MAX_BYTES:,} bytes at this revision: not read"
        return Failure(origin, (Problem(origin, 1, 1, message),), "")
    try:
        return assessor.assess_bytes(raw, origin)
    except InputError as exc:
        return Failure(origin, tuple(exc.problems), sha)


def history(
    assessor: Assessor,
    file: Path,
    *,
    since: str | None = None,
    generated_at: str | None = None,
) -> History:
    """The history of ``file``: each committed revision (oldest first), assessed.

    Raises ``UsageError`` when ``file`` is not in a git repository or git has no
    commit of it (untracked, or never committed).
    """
    from policycheck._version import __version__
    from policycheck.engine import timestamp

    bound = parse_since(since) if since is not None else None
    top, rel = locate(file)
    found = revisions(top, rel)
    if not found:
        raise UsageError(
            f"{display_path(file)}: git has no commit of {display_path(rel)} (untracked, or "
            "never committed), so it has no history"
        )
    points: list[Point] = []
    for revision in reversed(since_filter(found, bound)):
        raw = read_blob(top, revision)
        if raw is None:
            continue  # the commit deleted the file (or it was not a file then)
        # Git is asked with the name as it is; reports show it printable (bytes escaped).
        shown = dataclasses.replace(revision, path=display_path(revision.path))
        points.append(Point(shown, assess_revision(assessor, raw, shown)))
    return History(
        file=display_path(file),
        path=display_path(rel),
        since=since,
        tool_version=__version__,
        generated_at=generated_at or timestamp(),
        rubric=assessor.rubric_info,
        reference_digest=assessor.reference.digest,
        grade_bands=tuple((g.value, assessor.loaded.rubric.grades[g]) for g in GRADES),
        points=tuple(points),
    )
