"""The command line: parse options, call the engine, render, write, exit with the documented code."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import traceback
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from policycheck import __version__
from policycheck.assessment import Report, Severity
from policycheck.errors import ExitCode, PolicycheckError, UsageError
from policycheck.options import ConfigOpt, ReferenceOpt, RubricOpt
from policycheck.render import Format

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from rich.console import Console

    from policycheck.config import Settings
    from policycheck.gate import Thresholds
    from policycheck.pipeline import Outcome
    from policycheck.render.paper import Paper
    from policycheck.render.paths import SourceRoot


class SeverityName(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class PaperSize(StrEnum):
    """The paper ``--paper`` names."""

    A4 = "a4"
    LETTER = "letter"


#: What ``--format`` can print: every format but the binary workbook.
PrintedFormat = StrEnum(  # type: ignore[misc]
    "PrintedFormat", {f.name: f.value for f in Format if f.value != "xlsx"}
)

app = typer.Typer(
    name="policycheck",
    help="Score defence-cooperation proposals (YAML) against a rubric drawn from a policy brief.",
    no_args_is_help=True,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
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


def _console(*, stderr: bool = False, width: int | None = None) -> Console:
    """The only place consoles are made: NO_COLOR and the terminal width are honoured by rich.

    rich is imported here, not at start-up: JSON and other machine formats never need it.
    """
    from policycheck.streams import console

    result: Console = console(stderr=stderr, width=width)
    return result


def _version(value: bool) -> None:
    if value:
        typer.echo(f"policycheck {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug", help="Show the traceback of an internal error (also after a command)."
        ),
    ] = False,
) -> None:
    """Score defence-cooperation proposals against a rubric drawn from a policy brief."""


@app.command()
def assess(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Proposal files, folders or globs (default: the configuration's paths).",
            show_default=False,
        ),
    ] = None,
    format: Annotated[
        PrintedFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="Format printed on stdout (default: terminal; github when GITHUB_ACTIONS=true). "
            "A workbook (xlsx) is written with --xlsx or --output.",
            show_default=False,
        ),
    ] = None,
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
    config: ConfigOpt = None,
    fail_under: Annotated[
        str | None,
        typer.Option("--fail-under", help="Gate: fail below this grade (A-F) or score (0-100)."),
    ] = None,
    minimums: Annotated[
        list[str] | None,
        typer.Option(
            "--min",
            help="Gate: CRITERION=SCORE, a minimum score for one criterion (repeatable).",
            show_default=False,
        ),
    ] = None,
    fail_on: Annotated[
        SeverityName | None,
        typer.Option(
            "--fail-on", help="Gate: fail on any unwaived risk of this severity or above."
        ),
    ] = None,
    default_gate: Annotated[
        bool,
        typer.Option(
            "--default-gate",
            help="Gate: when neither the configuration nor an option sets a threshold, fail "
            "below grade C or on an unwaived high or critical risk (the pre-commit hook's gate).",
        ),
    ] = False,
    soft_fail: Annotated[
        bool | None,
        typer.Option("--soft-fail/--hard-fail", help="Gate: report breaches but exit 0."),
    ] = None,
    allow_empty: Annotated[
        bool | None,
        typer.Option(
            "--allow-empty/--no-allow-empty", help="Succeed when there is nothing to assess."
        ),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            help="Gate: fail only on findings new or worse than this baseline.",
            dir_okay=False,
        ),
    ] = None,
    changed_since: Annotated[
        str | None,
        typer.Option("--changed-since", help="Assess only proposals changed since this git ref."),
    ] = None,
    width: Annotated[
        int | None, typer.Option("--width", help="Terminal report width.", min=40)
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", help="Worker processes (default: all cores).", min=1),
    ] = None,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help="Say what was skipped in folders, and which config is in force."
        ),
    ] = False,
    paper: Annotated[
        PaperSize | None,
        typer.Option(
            "--paper",
            help="Workbook: the paper it prints on (default: Letter when the locale's "
            "territory uses it, such as en_US; else A4).",
            show_default=False,
        ),
    ] = None,
    marking: Annotated[
        str | None,
        typer.Option(
            "--marking",
            help="Workbook: a protective marking printed at the top and bottom of every page, "
            'such as "OFFICIAL-SENSITIVE".',
            show_default=False,
        ),
    ] = None,
    sarif_keep_waived: Annotated[
        bool,
        typer.Option(
            "--sarif-keep-waived",
            help="SARIF: keep waived risks as suppressed results (by default they are left "
            "out, since GitHub code scanning opens an alert for a suppressed result).",
        ),
    ] = False,
) -> None:
    """Assess proposals and print a graded, explained report for each; optionally gate on it."""
    from policycheck import config as configuration
    from policycheck.pipeline import Request, run
    from policycheck.streams import stdout_broken

    loaded = configuration.load(config, Path.cwd(), paths or ())
    fmt = (
        Format(format.value)
        if format is not None
        else (Format.GITHUB if os.environ.get("GITHUB_ACTIONS") == "true" else Format.TERMINAL)
    )
    targets = _targets([*(outputs or []), *([f"xlsx={xlsx}"] if xlsx else [])], quiet=quiet)
    workbook = _workbook_options(paper, marking)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    request = Request(
        config=loaded,
        paths=tuple(paths or ()),
        rubric=rubric,
        reference=reference,
        thresholds=_thresholds(loaded.settings, fail_under, minimums, fail_on),
        default_gate=default_gate,
        soft=soft_fail,
        allow_empty=allow_empty,
        baseline=baseline,
        changed_since=changed_since,
        printed=None if quiet else fmt,
        written=tuple(targets),
        summary=bool(summary),
        jobs=jobs,
        verbose=verbose,
        note=_note,
        progress=_progress,
        reading=lambda: not stdout_broken(),
        tune_gc=True,
    )
    outcome = run(request)
    _problems(outcome)
    ci_options = _CiOptions(sarif_keep_waived, _source_root(Path.cwd()))
    _write_outputs(outcome, targets, explain=explain, width=width, ci=ci_options, workbook=workbook)
    if summary:
        _append_step_summary(Path(summary), outcome.report, [str(path) for _, path in targets])
    if not quiet:
        _print(outcome, fmt, explain=explain, width=width, ci=ci_options)
    _problems(outcome)
    report = outcome.report
    if report.gate is not None:
        _gate_summary(report)
    if outcome.failed:
        raise typer.Exit(ExitCode.BAD_INPUT)
    if report.gate is not None and not report.gate.passed and not report.gate.soft:
        raise typer.Exit(ExitCode.GATE_FAILED)


def _note(text: str) -> None:
    sys.stderr.write(f"{text}\n")


def _problems(outcome: Outcome) -> None:
    """The problems found so far that stderr has not had yet."""
    for problem in outcome.new_problems():
        sys.stderr.write(f"{problem}\n")


def _append_step_summary(summary: Path, report: Report, reports: list[str]) -> None:
    """Append the Markdown report to the job summary, cut to what GitHub still accepts
    (1 MiB a step, counting what earlier commands of the step wrote)."""
    from policycheck.render import github, render

    try:
        used = summary.stat().st_size if summary.exists() else 0
        text = github.step_summary(
            str(render(report, Format.MARKDOWN)), github.SUMMARY_LIMIT - used, reports
        )
        if not text:
            sys.stderr.write(f"GITHUB_STEP_SUMMARY={summary}: full (1 MiB); no summary added\n")
            return
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise UsageError(f"GITHUB_STEP_SUMMARY={summary}: {exc.strerror}") from None


def _thresholds(
    settings: Settings,
    fail_under: str | None,
    minimums: list[str] | None,
    fail_on: SeverityName | None,
) -> Thresholds:
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
    severity = fail_on.value if fail_on is not None else settings.fail_on
    return Thresholds(
        fail_under=under,
        minimums=tuple(sorted(mins.items())),
        fail_on=Severity(severity) if severity else None,
        min_coverage=settings.min_coverage,
    )


def _gate_summary(report: Report) -> None:
    result = report.gate
    assert result is not None
    for b in result.breaches:
        sys.stderr.write(f"{b.file}:{b.line}:{b.column}: gate: {b.message}\n")
    verdict = "passed" if result.passed else ("failed (soft: exit 0)" if result.soft else "failed")
    extra = (
        f", {result.absorbed_by_baseline} absorbed by the baseline"
        if result.absorbed_by_baseline
        else ""
    )
    sys.stderr.write(
        f"gate {verdict}: {len(result.breaches)} breach(es){extra}; "
        f"requires {'; '.join(result.thresholds)}\n"
    )


def _targets(specs: list[str], *, quiet: bool) -> list[tuple[Format, Path]]:
    """Parse ``FORMAT=PATH`` or ``PATH`` output specs.

    A bare ``PATH`` takes its format from its suffix (``.json``, ``.md`` ...).
    ``FORMAT=-`` is standard output, free only with ``--quiet``.
    """
    from policycheck.output import is_stdout
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
            if path.suffix.lower() not in SUFFIXES:
                known = " ".join(SUFFIXES)
                raise UsageError(
                    f"--output {spec}: cannot tell the format from the name (known suffixes: "
                    f"{known}); write FORMAT=PATH"
                )
            fmt = SUFFIXES[path.suffix.lower()]
        if not str(path):
            raise UsageError(f"--output {spec}: no file name")
        if is_stdout(path) and not quiet:
            raise UsageError(
                f"--output {spec}: standard output already carries the --format report; add --quiet"
            )
        targets.append((fmt, path))
    seen: set[Path] = set()
    for _, path in targets:
        if path.resolve() in seen:
            raise UsageError(f"{path}: named by two --output options")
        seen.add(path.resolve())
    return targets


@dataclass(frozen=True, slots=True)
class _CiOptions:
    """What the CI formats need beyond the report: whether SARIF keeps waived results, and
    the repository root that SARIF URIs and annotation files are relative to."""

    keep_waived: bool
    where: SourceRoot


@dataclass(frozen=True, slots=True)
class _WorkbookOptions:
    """The paper the workbook prints on, and the protective marking on every page."""

    paper: Paper
    marking: str | None


def _workbook_options(paper: PaperSize | None, marking: str | None) -> _WorkbookOptions:
    """The workbook's print options; a marking that cannot head a page is a usage error."""
    from policycheck.render.paper import default_paper, marking_problem

    if marking is not None:
        problem = marking_problem(marking)
        if problem is not None:
            raise UsageError(problem)
        marking = marking.strip()
    chosen: Paper = paper.value if paper is not None else default_paper(os.environ)
    return _WorkbookOptions(chosen, marking)


def _source_root(cwd: Path) -> SourceRoot:
    """The repository root (the nearest folder up from ``cwd`` holding ``.git``, else ``cwd``)
    and ``cwd``, both absolute: SARIF URIs are made relative to the root, as code scanning maps
    them onto the repository whatever folder policycheck ran in."""
    from policycheck.render.paths import SourceRoot

    here = Path(os.path.abspath(cwd))
    folder = here
    while not (folder / ".git").exists():
        if folder.parent == folder:
            folder = here
            break
        folder = folder.parent
    return SourceRoot(root=str(folder), cwd=str(here))


def _write_outputs(
    outcome: Outcome,
    targets: list[tuple[Format, Path]],
    *,
    explain: bool,
    width: int | None,
    ci: _CiOptions,
    workbook: _WorkbookOptions,
) -> None:
    from policycheck.output import write_atomic

    for fmt, path in targets:
        data = outcome.render(
            fmt,
            explain=explain,
            width=width or 100,
            keep_waived=ci.keep_waived,
            where=ci.where,
            paper=workbook.paper,
            marking=workbook.marking,
        )
        write_atomic(path, data, inputs=list(outcome.inputs))


def _print(
    outcome: Outcome, fmt: Format, *, explain: bool, width: int | None, ci: _CiOptions
) -> None:
    from policycheck.streams import guarded_stdout

    with guarded_stdout():
        _print_unguarded(outcome, fmt, explain=explain, width=width, ci=ci)


def _print_unguarded(
    outcome: Outcome, fmt: Format, *, explain: bool, width: int | None, ci: _CiOptions
) -> None:
    if fmt is Format.JSON:
        sys.stdout.writelines(outcome.json_chunks())
        return
    if fmt is Format.TERMINAL:
        from policycheck.render import terminal
        from policycheck.text import printable_tree

        console = _console(width=width)
        # rich writes to the raw stream: the proposal's text is made printable first.
        for part in terminal.render(printable_tree(outcome.report), explain=explain):
            console.print(part)
        return
    text = outcome.render(fmt, explain=explain, keep_waived=ci.keep_waived, where=ci.where)
    assert isinstance(text, str)
    sys.stdout.write(text)


@contextlib.contextmanager
def _progress(total: int) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr for long batches, only when stderr is a terminal."""
    if total < 50 or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress

    with Progress(
        console=_console(stderr=True), transient=True, redirect_stdout=False, redirect_stderr=False
    ) as bar:
        task = bar.add_task("assessing", total=total)
        yield lambda n: bar.advance(task, n)


def _emit(text: str, output: Path | None, inputs: list[Path]) -> None:
    """Write ``text`` to ``output`` (atomically) or to stdout."""
    if output is None:
        sys.stdout.write(text)
        return
    from policycheck.output import write_atomic

    write_atomic(output, text, inputs=inputs)


@app.command()
def schema(
    output: OutputOpt = None,
    rubric: RubricOpt = None,
    reference: ReferenceOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Print the JSON Schema of the proposal format (for editors).

    Country codes, format and instrument ids are those of the reference data
    ``assess`` would use with the same options, so an editor flags what it flags.
    """
    from policycheck import config as configuration
    from policycheck.engine import Assessor
    from policycheck.model import json_schema

    loaded = configuration.load(config, Path.cwd())
    data = Assessor.configured(loaded, rubric, reference).reference
    _emit(json.dumps(json_schema(data), indent=2, sort_keys=True) + "\n", output, [])


@app.command()
def new(
    file: Annotated[Path, typer.Argument(help="Where to write the template.", dir_okay=False)],
) -> None:
    """Write a commented proposal template to FILE (never overwrites)."""
    from policycheck.output import write_atomic
    from policycheck.template import TEMPLATE

    write_atomic(file, TEMPLATE, overwrite=False)
    sys.stderr.write(f"wrote {file}: fill it in, then run: policycheck assess {file}\n")


@app.command("config")
def show_config(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Proposal files or folders: show the configuration that applies to them "
            "(default: the working directory's).",
            show_default=False,
        ),
    ] = None,
    config: ConfigOpt = None,
) -> None:
    """Show the effective settings and where each comes from."""
    from policycheck import config as configuration

    loaded = configuration.load(config, Path.cwd(), paths or ())
    where = str(loaded.path) if loaded.path else "no configuration file found (defaults)"
    sys.stdout.write(f"configuration: {where}\n")
    data = loaded.settings.model_dump(mode="json")
    for key in configuration.Settings.model_fields:
        origin = loaded.origins.get(key, "default")
        value = data[key]
        if key == "waivers":
            value = f"{len(value)} waiver(s)"
        sys.stdout.write(
            f"  {key} = {json.dumps(value) if not isinstance(value, str) else value}  ({origin})\n"
        )
    sys.stdout.write("Command-line flags override these; see 'policycheck assess --help'.\n")


waivers_app = typer.Typer(
    help="Waivers: accepted risks with a justification and an expiry date.", no_args_is_help=True
)
app.add_typer(waivers_app, name="waivers")


@waivers_app.command("list")
def list_waivers(
    config: ConfigOpt = None,
    expiring_in: Annotated[
        int | None,
        typer.Option(
            "--expiring-in", help="Only waivers expiring within DAYS days (or expired).", min=0
        ),
    ] = None,
) -> None:
    """List the configured waivers, their owners and expiry dates (UTC)."""
    import datetime as dt

    from policycheck import config as configuration

    loaded = configuration.load(config, Path.cwd())
    today = dt.datetime.now(dt.UTC).date()
    shown = 0
    for w in loaded.waivers():
        days = (w.expires - today).days
        if expiring_in is not None and days > expiring_in:
            continue
        state = f"expired {-days} day(s) ago" if days < 0 else f"expires in {days} day(s)"
        sys.stdout.write(
            f"{w.origin}: {w.target} for {w.proposal} — {state} ({w.expires}), owner {w.owner}: "
            f"{w.justification}\n"
        )
        shown += 1
    if not shown:
        sys.stdout.write(
            "no waivers"
            + (f" expiring within {expiring_in} days" if expiring_in is not None else "")
            + "\n"
        )


baseline_app = typer.Typer(
    help="Baselines: record today's findings so only new or worse ones fail.", no_args_is_help=True
)
app.add_typer(baseline_app, name="baseline")


@baseline_app.command("write")
def write_baseline(
    file: Annotated[
        Path, typer.Argument(help="The baseline file to write (JSON).", dir_okay=False)
    ],
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="Proposals (default: the configuration's paths).", show_default=False),
    ] = None,
    config: ConfigOpt = None,
    rubric: RubricOpt = None,
    reference: ReferenceOpt = None,
) -> None:
    """Record the current findings and scores of the proposals in FILE."""
    from policycheck import config as configuration
    from policycheck import gate
    from policycheck.output import write_atomic
    from policycheck.pipeline import Request, run

    loaded = configuration.load(config, Path.cwd(), paths or ())
    request = Request(
        config=loaded,
        paths=tuple(paths or ()),
        rubric=rubric,
        reference=reference,
        allow_empty=False,
        waivers=False,  # findings are recorded as found, waived or not
        whole=True,
        empty="no proposals to record",
        note=_note,
    )
    outcome = run(request)
    report = outcome.report
    _problems(outcome)
    if outcome.failed:
        raise typer.Exit(ExitCode.BAD_INPUT)
    write_atomic(
        file, gate.baseline_document(report), inputs=[Path(r.file) for r in report.results]
    )
    count = sum(len(a.risks) for a in report.assessments)
    sys.stderr.write(f"wrote {file}: {count} finding(s) in {len(report.assessments)} proposal(s)\n")


def _register_commands() -> None:
    from policycheck.commands import compare, rubrics, rules

    for module in (rules, rubrics, compare):
        module.register(app)


_register_commands()


def main(argv: list[str] | None = None) -> None:
    """Entry point: user errors exit 2 with a message; bugs exit 3, traceback only with --debug.

    Usage errors (unknown options, bad values) are reported by typer itself, exit 2.
    """
    from policycheck.streams import install

    # The command line uses no pydantic plugin, and looking for them reads the metadata of
    # every installed package at start-up (a tenth of a one-file run); a user can still
    # set the variable to have them.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    args = sys.argv[1:] if argv is None else argv
    # --debug is read wherever it stands (``assess … --debug``), not only before the command.
    end = args.index("--") if "--" in args else len(args)
    debug = "--debug" in args[:end]
    args = [a for i, a in enumerate(args) if i >= end or a != "--debug"]
    with install(), _signals():
        _main(args, debug=debug)


@contextlib.contextmanager
def _signals() -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP stop the run: workers are stopped, one line, 128 + signal.

    What CI cancels and ``docker stop`` send (SIGTERM), a closed terminal
    (SIGHUP) and Ctrl-C (SIGINT) all end the run the same way: the worker
    processes are ended and reaped, a half-written temporary file is removed,
    one line goes to stderr and the exit code is 128 + the signal number
    (130, 143, 129). A second signal during that cleanup is ignored.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wanted = [getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)]

    def stop(signum: int, _frame: object) -> None:
        # An exception raised here would surface anywhere (half-way through a lock, a pipe
        # half-read) and the exit could then wait on it: the handler does the cleanup
        # itself, which needs no lock, and ends the process.
        for number in wanted:
            signal.signal(number, signal.SIG_IGN)
        from policycheck.engine import kill_workers
        from policycheck.output import remove_pending_temporaries

        kill_workers()
        remove_pending_temporaries()
        name = signal.Signals(signum).name
        with contextlib.suppress(OSError):
            os.write(2, f"policycheck: stopped by {name} before the run finished\n".encode())
        os._exit(128 + signum)

    previous = {number: signal.signal(number, stop) for number in wanted}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _main(args: list[str], *, debug: bool) -> None:
    try:
        app(args=args, prog_name="policycheck")
    except PolicycheckError as exc:
        sys.stderr.write(f"error: {exc}\n")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("policycheck: stopped by SIGINT before the run finished\n")
        sys.exit(130)
    except Exception as exc:
        if debug:
            traceback.print_exc()
        sys.stderr.write(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in policycheck; please report it with the command you ran.\n"
            "Run again with --debug for the traceback.\n"
        )
        sys.exit(ExitCode.INTERNAL_ERROR)
