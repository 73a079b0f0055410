"""The command line: parse options, call the engine, render, write, exit with the documented code."""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from policycheck import __version__
from policycheck.assessment import Report
from policycheck.errors import ExitCode, PolicycheckError, UsageError
from policycheck.render import Format

app = typer.Typer(
    name="policycheck",
    help="Score defence-cooperation proposals (YAML) against a rubric drawn from a policy brief.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

RubricOpt = Annotated[
    Path | None,
    typer.Option("--rubric", help="Rubric file (default: the bundled rubric).", dir_okay=False),
]
ReferenceOpt = Annotated[
    Path | None,
    typer.Option(
        "--reference",
        help="Folder of reference-data files overriding the bundled ones "
        "(default: $POLICYCHECK_REFERENCE).",
        envvar="POLICYCHECK_REFERENCE",
        file_okay=False,
    ),
]
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
        "suffix (.txt .json .md .html .xlsx). Repeat for several files.",
        show_default=False,
    ),
]


def _console(*, stderr: bool = False, width: int | None = None) -> Console:
    """The only place consoles are made: NO_COLOR and the terminal width are honoured by rich."""
    return Console(stderr=stderr, width=width, highlight=False, soft_wrap=False)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"policycheck {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks of internal errors.")
    ] = False,
) -> None:
    """Score defence-cooperation proposals against a rubric drawn from a policy brief."""


@app.command()
def assess(
    paths: Annotated[
        list[str], typer.Argument(help="Proposal files, folders or globs.", show_default=False)
    ],
    format: Annotated[
        Format, typer.Option("--format", "-f", help="Format printed on stdout.")
    ] = Format.TERMINAL,
    outputs: OutputsOpt = None,
    xlsx: Annotated[
        Path | None,
        typer.Option(
            "--xlsx", help="Write an Excel workbook (same as --output xlsx=PATH).", dir_okay=False
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on stdout.")] = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="Show the arithmetic behind each score.")
    ] = False,
    rubric: RubricOpt = None,
    reference: ReferenceOpt = None,
    width: Annotated[
        int | None, typer.Option("--width", help="Terminal report width.", min=40)
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", help="Worker processes (default: all cores).", min=1),
    ] = None,
) -> None:
    """Assess proposals and print a graded, explained report for each."""
    from policycheck.engine import Assessor, expand_paths
    from policycheck.render import BINARY

    targets = _targets([*(outputs or []), *([f"xlsx={xlsx}"] if xlsx else [])], format)
    if not quiet and format in BINARY:
        raise UsageError(f"--format {format.value} is binary: write it to a file with --output")
    files, unmatched = expand_paths(paths)
    for arg in unmatched:
        sys.stderr.write(f"{arg}: no proposal files found\n")
    if unmatched or not files:
        raise UsageError(
            "no proposals to assess" if not files else "some paths matched no proposal"
        )
    for _, target in targets:
        _refuse_inputs(target, files)
    assessor = Assessor(rubric, reference)
    with _progress(len(files)) as bar:
        task = bar.add_task("assessing", total=len(files)) if bar is not None else None
        report = assessor.run(
            files,
            jobs=jobs,
            progress=(lambda n: bar.advance(task, n))
            if bar is not None and task is not None
            else None,
        )
    for failure in report.failures:
        for problem in failure.problems:
            sys.stderr.write(f"{problem}\n")
    _write_outputs(report, targets, files, explain=explain, width=width)
    if not quiet:
        _print(report, format, explain=explain, width=width)
    if report.failures:
        raise typer.Exit(ExitCode.BAD_INPUT)


def _targets(specs: list[str], default: Format) -> list[tuple[Format, Path]]:
    """Parse ``FORMAT=PATH`` or ``PATH`` output specs.

    A bare ``PATH`` takes its format from its suffix (``.json``, ``.md`` ...),
    or else the ``--format`` given.
    """
    from policycheck.render import SUFFIXES

    targets: list[tuple[Format, Path]] = []
    for spec in specs:
        name, sep, rest = spec.partition("=")
        if sep and name in Format.__members__.values():
            fmt, path = Format(name), Path(rest)
        elif sep and name and "/" not in name and "." not in name:
            choices = ", ".join(f.value for f in Format)
            raise UsageError(f"--output {spec}: unknown format '{name}' (choose from {choices})")
        else:
            path = Path(spec)
            fmt = SUFFIXES.get(path.suffix.lower(), default)
        if not str(path):
            raise UsageError(f"--output {spec}: no file name")
        targets.append((fmt, path))
    seen: set[Path] = set()
    for _, path in targets:
        if path.resolve() in seen:
            raise UsageError(f"{path}: named by two --output options")
        seen.add(path.resolve())
    return targets


def _refuse_inputs(target: Path, inputs: list[Path]) -> None:
    resolved = target.resolve()
    if any(p.resolve() == resolved for p in inputs):
        raise UsageError(f"{target}: refusing to overwrite an input file")


def _write_outputs(
    report: Report,
    targets: list[tuple[Format, Path]],
    inputs: list[Path],
    *,
    explain: bool,
    width: int | None,
) -> None:
    from policycheck.output import write_atomic
    from policycheck.render import render

    for fmt, path in targets:
        write_atomic(path, render(report, fmt, explain=explain, width=width or 100), inputs=inputs)


def _print(report: Report, fmt: Format, *, explain: bool, width: int | None) -> None:
    if fmt is Format.TERMINAL:
        from policycheck.render import terminal

        console = _console(width=width)
        for part in terminal.render(report, explain=explain):
            console.print(part)
        return
    from policycheck.render import render

    text = render(report, fmt, explain=explain)
    assert isinstance(text, str)
    sys.stdout.write(text)


class _NoProgress:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _progress(total: int):  # type: ignore[no-untyped-def]
    """A progress bar on stderr for long batches, only when stderr is a terminal."""
    if total < 50 or not sys.stderr.isatty():
        return _NoProgress()
    from rich.progress import Progress

    return Progress(console=_console(stderr=True), transient=True)


def _emit(text: str, output: Path | None, inputs: list[Path]) -> None:
    """Write ``text`` to ``output`` (atomically) or to stdout."""
    if output is None:
        sys.stdout.write(text)
        return
    from policycheck.output import write_atomic

    write_atomic(output, text, inputs=inputs)


@app.command()
def schema(output: OutputOpt = None) -> None:
    """Print the JSON Schema of the proposal format (for editors)."""
    from policycheck.model import json_schema

    _emit(json.dumps(json_schema(), indent=2, sort_keys=True) + "\n", output, [])


@app.command()
def new(
    file: Annotated[Path, typer.Argument(help="Where to write the template.", dir_okay=False)],
) -> None:
    """Write a commented proposal template to FILE (never overwrites)."""
    from policycheck.output import write_atomic
    from policycheck.template import TEMPLATE

    write_atomic(file, TEMPLATE, overwrite=False)
    _console(stderr=True).print(f"wrote {file}: fill it in, then run: policycheck assess {file}")


def main(argv: list[str] | None = None) -> None:
    """Entry point: user errors exit 2 with a message; bugs exit 3, traceback only with --debug.

    Usage errors (unknown options, bad values) are reported by typer itself, exit 2.
    """
    args = sys.argv[1:] if argv is None else argv
    try:
        app(args=args, prog_name="policycheck")
    except PolicycheckError as exc:
        sys.stderr.write(f"error: {exc}\n")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        if "--debug" in args:
            traceback.print_exc()
        sys.stderr.write(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in policycheck; please report it with the command you ran.\n"
            "Run again with --debug for the traceback.\n"
        )
        sys.exit(ExitCode.INTERNAL_ERROR)
