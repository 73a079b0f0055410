"""The `compare` command: what a revision of a proposal changed.

``policycheck compare OLD NEW`` compares two files; ``policycheck compare FILE --against REF``
compares FILE as it is now with FILE at a git ref (read with ``git show REF:path``, the path
relative to the repository root; git is run with a list of arguments, never a shell).

Exit codes: 0 when compared, whatever changed; 1 with ``--fail-on-regression`` when the grade
or the score fell, or a risk of high severity or above is new (or rose to it); 2 for unusable
input (an invalid file, each problem as ``file:line:col: message``; an unknown ref; a file not
in the ref; not a git repository).

The renderers (terminal, JSON, Markdown) are in ``render.comparison``; git is asked by
``policycheck.git``. Heavy imports stay inside the command, so registering it costs nothing.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from policycheck.errors import ExitCode, UsageError
from policycheck.options import ConfigOpt, ReferenceOpt, RubricOpt

if TYPE_CHECKING:
    from policycheck.assessment import Assessment, Failure
    from policycheck.engine import Assessor
    from policycheck.errors import Problem


class CompareFormat(StrEnum):
    """What ``--format`` takes: the formats of ``render.comparison``."""

    TERMINAL = "terminal"
    JSON = "json"
    MARKDOWN = "markdown"


def _assess_bytes(assessor: Assessor, raw: bytes, origin: str) -> Assessment | Failure:
    import hashlib

    from policycheck.assessment import Failure
    from policycheck.errors import InputError

    try:
        return assessor.assess_bytes(raw, origin)
    except InputError as exc:
        return Failure(origin, tuple(exc.problems), hashlib.sha256(raw).hexdigest())


# --- the command -----------------------------------------------------------------------------


def _dedupe(failures: list[Failure]) -> list[Problem]:
    return list(dict.fromkeys(p for f in failures for p in f.problems))


def compare_command(
    first: Annotated[
        Path,
        typer.Argument(
            help="The old version (FILE NEW), or with --against the file as it is now.",
            metavar="FILE",
            show_default=False,
            dir_okay=False,
        ),
    ],
    second: Annotated[
        Path | None,
        typer.Argument(
            help="The new version (not with --against).",
            metavar="NEW",
            show_default=False,
            dir_okay=False,
        ),
    ] = None,
    against: Annotated[
        str | None,
        typer.Option(
            "--against",
            help="Compare FILE as it is now with FILE at this git ref (commit, branch or tag).",
            metavar="REF",
        ),
    ] = None,
    format: Annotated[
        CompareFormat,
        typer.Option(
            "--format", "-f", help="terminal, json, or markdown (for a pull-request comment)."
        ),
    ] = CompareFormat.TERMINAL,
    rubric: RubricOpt = None,
    reference: ReferenceOpt = None,
    config: ConfigOpt = None,
    width: Annotated[
        int | None, typer.Option("--width", help="Terminal report width.", min=40)
    ] = None,
    fail_on_regression: Annotated[
        bool,
        typer.Option(
            "--fail-on-regression",
            help="Exit 1 when the grade or score fell, or a risk of high severity or above "
            "is new or rose to it.",
        ),
    ] = False,
) -> None:
    """Compare two versions of a proposal: grade, score, criteria, indicators and risks.

    "policycheck compare OLD NEW" compares two files; "policycheck compare FILE --against REF"
    compares FILE as it is now with FILE at a git ref (HEAD, HEAD~1, main, a tag).
    """
    from policycheck import config as configuration
    from policycheck._version import __version__
    from policycheck.assessment import Failure
    from policycheck.comparison import compare
    from policycheck.engine import Assessor
    from policycheck.git import Revision, read_at_ref
    from policycheck.loading import MAX_BYTES
    from policycheck.render import Format
    from policycheck.render import comparison as rendering

    if against is None and second is None:
        raise UsageError("give two files, OLD NEW, or one FILE with --against REF")
    if against is not None and second is not None:
        raise UsageError("--against REF compares one FILE with its version at REF: give one FILE")
    revision: Revision | None = None
    raw_old = b""
    if against is not None:
        # At most 1 MiB + 1 byte, like any proposal read: a larger one is refused as such.
        raw_old, revision = read_at_ref(first, against, MAX_BYTES + 1)
    assessor = Assessor.configured(configuration.load(config, Path.cwd()), rubric, reference)
    if revision is not None:
        old = _assess_bytes(assessor, raw_old, f"{revision.ref}:{revision.path}")
        new = assessor.assess_file(first)
    else:
        assert second is not None
        old, new = assessor.assess_file(first), assessor.assess_file(second)
    meta = rendering.Meta(__version__, assessor.rubric_info, assessor.reference.digest, revision)
    fmt = Format(format.value)

    if isinstance(old, Failure) or isinstance(new, Failure):
        problems = _dedupe([r for r in (old, new) if isinstance(r, Failure)])
        for problem in problems:
            sys.stderr.write(f"{problem}\n")
        text = rendering.render_invalid(problems, fmt, meta)
        if text is not None:
            sys.stdout.write(text)
        sys.stderr.write("cannot compare: fix the problems above\n")
        raise typer.Exit(ExitCode.BAD_INPUT)

    comparison = compare(old, new)
    if fmt is Format.TERMINAL:
        from policycheck.streams import console as make_console
        from policycheck.text import printable_tree

        console = make_console(width=width)
        # rich writes to the raw stream: the proposals' text is made printable first.
        for part in rendering.render(printable_tree(comparison), fmt, printable_tree(meta)):
            console.print(part)
    else:
        written = rendering.render(comparison, fmt, meta)
        assert isinstance(written, str)
        sys.stdout.write(written)
    if fail_on_regression:
        regressions = comparison.regressions()
        for g in regressions:
            where = (
                f"{g.location.file}:{g.location.line}:{g.location.column}"
                if g.location is not None
                else new.file
            )
            sys.stderr.write(f"{where}: regression: {g.message}\n")
        if regressions:
            raise typer.Exit(ExitCode.GATE_FAILED)
