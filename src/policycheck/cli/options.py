"""The options of ``assess``, declared once, and their parsing into what the pipeline takes."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from policycheck.analysis import DEFAULT_DRAWS as DEFAULT_DRAWS
from policycheck.analysis import DEFAULT_SEED as DEFAULT_SEED
from policycheck.errors import UsageError
from policycheck.options import ConfigOpt as ConfigOpt
from policycheck.options import ReferenceOpt as ReferenceOpt
from policycheck.options import RubricOpt as RubricOpt
from policycheck.render import Format
from policycheck.scale import Severity

if TYPE_CHECKING:
    from policycheck.config import Settings
    from policycheck.gate import Thresholds


class PaperSize(StrEnum):
    """The paper ``--paper`` names."""

    A4 = "a4"
    LETTER = "letter"


#: What ``--format`` can print: every format but the binary workbook.
PrintedFormat = StrEnum(  # type: ignore[misc]
    "PrintedFormat", {f.name: f.value for f in Format if f.value != "xlsx"}
)


OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="Write to this file (atomically) instead of stdout.", dir_okay=False
    ),
]


OutputsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--output",
        "-o",
        help="Also write a report file: FORMAT=PATH, or PATH with the format taken from its "
        "suffix (.txt .json .md .html .xlsx .sarif .xml). Repeat for several files.",
        show_default=False,
    ),
]


def printed_format(chosen: PrintedFormat | None) -> Format:
    """The format for stdout: the one chosen, else GitHub's inside GitHub Actions, else terminal."""
    import os

    if chosen is not None:
        return Format(chosen.value)
    return Format.GITHUB if os.environ.get("GITHUB_ACTIONS") == "true" else Format.TERMINAL


def thresholds(
    settings: Settings,
    fail_under: str | None,
    minimums: list[str] | None,
    fail_on: Severity | None,
) -> Thresholds:
    """The gate's thresholds: each option given, else the configuration's value."""
    from policycheck.config import parse_threshold
    from policycheck.gate import Thresholds

    try:
        under = parse_threshold(fail_under) if fail_under is not None else settings.fail_under
    except ValueError as exc:
        raise UsageError(f"--fail-under: {exc}") from None
    mins = dict(settings.minimums)
    for spec in minimums or []:
        name, sep, value = spec.partition("=")
        try:
            score = float(value)
        except ValueError:
            score = -1.0
        if not sep or not name or not 0 <= score <= 100:
            raise UsageError(f"--min {spec}: write CRITERION=SCORE with a score from 0 to 100")
        mins[name] = score
    return Thresholds(
        fail_under=under,
        minimums=tuple(sorted(mins.items())),
        fail_on=fail_on if fail_on is not None else settings.fail_on,
        min_coverage=settings.min_coverage,
    )


#: The options of ``assess``, one alias each, so the command reads as a list.
PathsArg = Annotated[
    list[str] | None,
    typer.Argument(
        help="Proposal files, folders or globs (default: the configuration's paths).",
        show_default=False,
    ),
]

FormatOpt = Annotated[
    PrintedFormat | None,
    typer.Option(
        "--format",
        "-f",
        help="Format printed on stdout (default: terminal; github when GITHUB_ACTIONS=true). "
        "A workbook (xlsx) is written with --xlsx or --output.",
        show_default=False,
    ),
]

XlsxOpt = Annotated[
    Path | None,
    typer.Option(
        "--xlsx", help="Write an Excel workbook (same as --output xlsx=PATH).", dir_okay=False
    ),
]

QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on stdout.")]

ExplainOpt = Annotated[
    bool, typer.Option("--explain", help="Show the arithmetic behind each score.")
]

FullOpt = Annotated[
    bool,
    typer.Option(
        "--full",
        help="Print each proposal's full report however many there are (default: above "
        "20 proposals, one line each, the totals and the gate).",
    ),
]

FailUnderOpt = Annotated[
    str | None,
    typer.Option("--fail-under", help="Gate: fail below this grade (A-F) or score (0-100)."),
]

MinimumsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--min",
        help="Gate: CRITERION=SCORE, a minimum score for one criterion (repeatable).",
        show_default=False,
    ),
]

FailOnOpt = Annotated[
    Severity | None,
    typer.Option("--fail-on", help="Gate: fail on any unwaived risk of this severity or above."),
]

DefaultGateOpt = Annotated[
    bool,
    typer.Option(
        "--default-gate",
        help="Gate: when neither the configuration nor an option sets a threshold, fail "
        "below grade C or on an unwaived high or critical risk (the pre-commit hook's gate).",
    ),
]

SoftFailOpt = Annotated[
    bool | None,
    typer.Option("--soft-fail/--hard-fail", help="Gate: report breaches but exit 0."),
]

AllowEmptyOpt = Annotated[
    bool | None,
    typer.Option("--allow-empty/--no-allow-empty", help="Succeed when there is nothing to assess."),
]

BaselineOpt = Annotated[
    Path | None,
    typer.Option(
        "--baseline",
        help="Gate: fail only on findings new or worse than this baseline.",
        dir_okay=False,
    ),
]

ChangedSinceOpt = Annotated[
    str | None,
    typer.Option("--changed-since", help="Assess only proposals changed since this git ref."),
]

WidthOpt = Annotated[int | None, typer.Option("--width", help="Terminal report width.", min=40)]

JobsOpt = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        help="Worker processes (default: the cores free: those this process may use, less those other processes keep busy).",
        min=1,
    ),
]

VerboseOpt = Annotated[
    bool,
    typer.Option(
        "--verbose", "-v", help="Say what was skipped in folders, and which config is in force."
    ),
]

PaperOpt = Annotated[
    PaperSize | None,
    typer.Option(
        "--paper",
        help="Workbook: the paper it prints on (default: Letter when the locale's "
        "territory uses it, such as en_US; else A4).",
        show_default=False,
    ),
]

MarkingOpt = Annotated[
    str | None,
    typer.Option(
        "--marking",
        help="Workbook: a protective marking printed at the top and bottom of every page, "
        'such as "OFFICIAL-SENSITIVE".',
        show_default=False,
    ),
]

UncertaintyOpt = Annotated[
    bool,
    typer.Option(
        "--uncertainty",
        help="Re-compute every score many times under the rubric's declared uncertainty: "
        "each grade's probability, the score's 5-95 % interval, ranks and what drives them "
        "(needs the analysis extra).",
    ),
]

DrawsOpt = Annotated[
    int, typer.Option("--draws", help="Uncertainty: how many runs.", min=100, max=1_000_000)
]

SeedOpt = Annotated[
    int,
    typer.Option("--seed", help="Uncertainty: the random seed (fixed: reruns agree).", min=0),
]

SarifKeepWaivedOpt = Annotated[
    bool,
    typer.Option(
        "--sarif-keep-waived",
        help="SARIF: keep waived risks as suppressed results (by default they are left "
        "out, since GitHub code scanning opens an alert for a suppressed result).",
    ),
]
