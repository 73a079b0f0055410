"""The command line: parse options, call the engine, render, write, exit with the documented code."""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
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
from policycheck.analysis import DEFAULT_DRAWS, DEFAULT_SEED
from policycheck.assessment import Report, Severity
from policycheck.errors import ExitCode, PolicycheckError, Problem, UsageError
from policycheck.options import ConfigOpt, ReferenceOpt, RubricOpt
from policycheck.render import Format

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from rich.console import Console

    from policycheck.assessment import Waiver
    from policycheck.batch import Batch, Plan
    from policycheck.config import LoadedConfig, Settings
    from policycheck.engine import Assessor
    from policycheck.gate import Thresholds
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
    uncertainty: Annotated[
        bool,
        typer.Option(
            "--uncertainty",
            help="Re-compute every score many times under the rubric's declared uncertainty: "
            "each grade's probability, the score's 5-95 % interval, ranks and what drives them "
            "(needs the analysis extra).",
        ),
    ] = False,
    draws: Annotated[
        int, typer.Option("--draws", help="Uncertainty: how many runs.", min=100, max=1_000_000)
    ] = DEFAULT_DRAWS,
    seed: Annotated[
        int,
        typer.Option("--seed", help="Uncertainty: the random seed (fixed: reruns agree).", min=0),
    ] = DEFAULT_SEED,
) -> None:
    """Assess proposals and print a graded, explained report for each; optionally gate on it."""
    from policycheck import config as configuration
    from policycheck.engine import expand_paths

    loaded = configuration.load(config, Path.cwd(), paths or ())
    settings = loaded.settings
    fmt = (
        Format(format.value)
        if format is not None
        else (Format.GITHUB if os.environ.get("GITHUB_ACTIONS") == "true" else Format.TERMINAL)
    )
    targets = _targets([*(outputs or []), *([f"xlsx={xlsx}"] if xlsx else [])], quiet=quiet)
    workbook = _workbook_options(paper, marking)
    thresholds = _thresholds(settings, fail_under, minimums, fail_on)
    if default_gate and not thresholds.active:
        from policycheck.gate import DEFAULT_GATE

        thresholds = DEFAULT_GATE
    empty_ok = settings.allow_empty if allow_empty is None else allow_empty
    skipped: list[str] = []
    if paths:
        files, unmatched = expand_paths(paths, skipped=skipped)
    else:
        files, unmatched = expand_paths(_config_paths(loaded), skipped=skipped)
        if not settings.paths:
            raise UsageError("no paths given, and no configuration file sets 'paths'")
    if verbose:
        where = loaded.path if loaded.path is not None else "none found, defaults"
        sys.stderr.write(f"configuration: {where}\n")
        for note in skipped:
            sys.stderr.write(f"skipped {note}\n")
    for arg in unmatched:
        sys.stderr.write(f"{arg}: no proposal files found\n")
    # Every file named is protected from --output, assessed or not (see --changed-since).
    protected = [*files, *(p for p in (config, baseline, rubric) if p is not None)]
    if loaded.path is not None:
        protected.append(loaded.path)
    for _, target in targets:
        _refuse_inputs(target, protected)
    if changed_since is not None:
        from policycheck.changes import changed_since as changed

        changed_files = changed(changed_since, Path.cwd())
        files = [f for f in files if f.resolve() in changed_files]
    if unmatched and not empty_ok:
        raise UsageError("some paths matched no proposal")
    if not files:
        if empty_ok:
            # Still write the requested files (empty reports), so CI artifacts exist.
            sys.stderr.write("no proposals to assess; passing because empty runs are allowed\n")
        else:
            raise UsageError(
                "no proposals to assess (a gate that checks nothing does not pass; see --allow-empty)"
            )
    assessor = configured_assessor(loaded, rubric, reference)
    _tune_gc()
    streamable = (
        fmt is Format.JSON
        and not uncertainty
        and not quiet
        and not targets
        and not thresholds.active
        and not loaded.settings.waivers
        and not os.environ.get("GITHUB_STEP_SUMMARY")
    )
    soft = settings.soft_fail if soft_fail is None else soft_fail
    baseline = baseline or loaded.resolve(settings.baseline)
    # Only JSON and workbooks asked for: results are kept compact, not whole (see batch).
    compact = (
        not streamable
        and not uncertainty
        and (quiet or fmt is Format.JSON)
        and all(f in (Format.JSON, Format.XLSX) for f, _ in targets)
        and not os.environ.get("GITHUB_STEP_SUMMARY")
    )
    plan = (
        _batch_plan(assessor, loaded, thresholds, baseline, [f for f, _ in targets])
        if compact
        else None
    )
    with _progress(len(files)) as bar:
        task = bar.add_task("assessing", total=len(files)) if bar is not None else None
        advance = (lambda n: bar.advance(task, n)) if bar is not None and task is not None else None
        if streamable:
            # Nothing needs the whole batch first: write each result as it arrives.
            _stream_json(assessor, files, jobs, advance)
            return
        if plan is not None:
            from policycheck import batch

            done = batch.run(assessor, files, plan, jobs=jobs, progress=advance)
        else:
            report = assessor.run(files, jobs=jobs, progress=advance)
    if plan is not None:
        _finish_batch(
            done, plan, assessor, targets, protected, soft=soft, quiet=quiet, workbook=workbook
        )
        return
    report = _gate(report, assessor, loaded, thresholds, soft=soft, baseline=baseline)
    if uncertainty:
        from policycheck.analysis import attach

        report = attach(report, assessor.loaded.rubric, draws=draws, seed=seed)
    for failure in report.failures:
        for problem in failure.problems:
            sys.stderr.write(f"{problem}\n")
    ci_options = _CiOptions(sarif_keep_waived, _source_root(Path.cwd()))
    _write_outputs(
        report,
        targets,
        protected,
        explain=explain,
        width=width,
        ci=ci_options,
        workbook=workbook,
    )
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        _append_step_summary(Path(summary), report, [str(path) for _, path in targets])
    if not quiet:
        _print(report, fmt, explain=explain, width=width, ci=ci_options)
    if report.gate is not None:
        _gate_summary(report)
    if report.failures:
        raise typer.Exit(ExitCode.BAD_INPUT)
    if report.gate is not None and not report.gate.passed and not report.gate.soft:
        raise typer.Exit(ExitCode.GATE_FAILED)


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


def _stream_json(
    assessor: Assessor, files: list[Path], jobs: int | None, progress: Callable[[int], None] | None
) -> None:
    """``--format json`` with no gate, waivers or other outputs: results written as they come.

    The bytes are those of the buffered path (a test holds them equal).
    """
    from policycheck.engine import duplicate_failure
    from policycheck.render import json as json_render
    from policycheck.streams import stdout_broken

    problems: list[Problem] = []
    invalid = 0
    ids: dict[str, str] = {}

    def results() -> Iterator[json_render.RenderedResult]:
        nonlocal invalid
        # Workers write each result as JSON: text crosses the process boundary, not objects.
        for rendered in assessor.iter_mapped(files, json_render.rendered, jobs=jobs):
            item = rendered
            if rendered.proposal_id is not None:
                first = ids.setdefault(rendered.proposal_id, rendered.file)
                if first != rendered.file:
                    item = json_render.rendered(
                        duplicate_failure(
                            rendered.file, rendered.proposal_id, first, rendered.file_sha256
                        )
                    )
            problems.extend(item.problems)
            invalid += item.grade is None
            if progress:
                progress(1)
            yield item
            if stdout_broken():
                return  # the reader has gone: stop; the exit code is that of the work done

    sys.stdout.writelines(json_render.chunks(assessor.report(), prerendered=results()))
    for problem in problems:
        sys.stderr.write(f"{problem}\n")
    if invalid:
        raise typer.Exit(ExitCode.BAD_INPUT)


def configured_assessor(
    loaded: LoadedConfig, rubric: Path | None, reference: Path | None
) -> Assessor:
    """An assessor with the rubric and reference given as flags, else the configuration's."""
    from policycheck.engine import Assessor
    from policycheck.rubric import bundled_names

    settings = loaded.settings
    spec: Path | str | None = rubric
    if rubric is not None and not rubric.exists() and str(rubric) in bundled_names():
        spec = str(rubric)  # a bundled rubric's name, as `rules --rubric default` takes it
    return Assessor(
        spec or loaded.resolve(settings.rubric), reference or loaded.resolve(settings.reference)
    )


def _tune_gc() -> None:
    """Fewer, cheaper garbage collections for a batch that allocates many small, lasting objects.

    What exists now (rubric, reference data, modules) is frozen out of every
    collection, and the first generation is collected less often; the
    collector stays on, so cycles are still freed.
    """
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 1000)


def _config_paths(loaded: LoadedConfig) -> list[str]:
    """The configuration's paths, relative to the working directory when they can be.

    Reports, SARIF and annotations then name files as a reviewer sees them in
    the repository rather than by absolute path.
    """
    result = []
    for p in loaded.settings.paths:
        full = loaded.folder / p
        try:
            result.append(os.path.relpath(full))
        except ValueError:  # another drive on Windows
            result.append(str(full))
    return result


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


def _gate(
    report: Report,
    assessor: Assessor,
    loaded: LoadedConfig,
    thresholds: Thresholds,
    *,
    soft: bool,
    baseline: Path | None,
) -> Report:
    """Apply waivers always; evaluate the gate when any threshold is set."""
    import datetime as dt

    from policycheck import gate

    _check_gate_names(assessor, loaded, thresholds)
    today = dt.datetime.now(dt.UTC).date()
    report, expired, unused = gate.apply_waivers(
        report, loaded.waivers(), today, assessor.loaded.rubric
    )
    _warn_waivers(expired, unused)
    if not thresholds.active:
        return report
    thresholds = _with_coverage(thresholds, assessor)
    recorded = gate.read_baseline(baseline) if baseline is not None else None
    return gate.evaluate(
        report, thresholds, soft=soft, expired=expired, unused=unused, baseline=recorded
    )


def _check_gate_names(assessor: Assessor, loaded: LoadedConfig, thresholds: Thresholds) -> None:
    """Minimums name known criteria, waivers known risks or checks; else a usage error."""
    rubric = assessor.loaded.rubric
    criteria = rubric.criteria
    for name, _ in thresholds.minimums:
        if name not in criteria and name not in {c.title for c in criteria.values()}:
            where = loaded.origins.get(f"minimums.{name}") or loaded.origins.get("minimums")
            close = difflib.get_close_matches(name, list(criteria), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f" (known: {', '.join(criteria)})"
            raise UsageError(
                f"{where + ': ' if where else ''}minimum for unknown criterion '{name}'{hint}"
            )
    known_targets = {*rubric.risks, *assessor.registry}
    for w in loaded.waivers():
        if w.target not in known_targets:
            raise UsageError(
                f"{w.origin}: waiver names '{w.target}', which is neither a risk nor a check id"
            )


def _warn_waivers(expired: tuple[Waiver, ...], unused: tuple[Waiver, ...]) -> None:
    for w in expired:
        sys.stderr.write(
            f"{w.origin}: waiver of {w.target} for {w.proposal} expired on {w.expires}\n"
        )
    for w in unused:
        sys.stderr.write(
            f"{w.origin}: waiver of {w.target} for {w.proposal} matches no finding (unused)\n"
        )


def _with_coverage(thresholds: Thresholds, assessor: Assessor) -> Thresholds:
    """A grade, score or criterion threshold asks for the rubric's coverage unless one is set."""
    if thresholds.min_coverage is None and (
        thresholds.fail_under is not None or thresholds.minimums
    ):
        minimum = assessor.loaded.rubric.coverage.minimum
        return dataclasses.replace(thresholds, min_coverage=minimum)
    return thresholds


def _batch_plan(
    assessor: Assessor,
    loaded: LoadedConfig,
    thresholds: Thresholds,
    baseline: Path | None,
    formats: list[Format],
) -> Plan:
    """What ``_gate`` does, decided before the batch so that each result is gated as it comes."""
    import datetime as dt

    from policycheck import gate
    from policycheck.batch import Plan

    _check_gate_names(assessor, loaded, thresholds)
    recorded = None
    if thresholds.active:
        thresholds = _with_coverage(thresholds, assessor)
        recorded = gate.read_baseline(baseline) if baseline is not None else None
    return Plan(
        waivers=tuple(loaded.waivers()),
        today=dt.datetime.now(dt.UTC).date(),
        rubric=assessor.loaded.rubric,
        thresholds=thresholds,
        baseline=recorded,
        workbook=Format.XLSX in formats,
    )


def _finish_batch(
    done: Batch,
    plan: Plan,
    assessor: Assessor,
    targets: list[tuple[Format, Path]],
    inputs: list[Path],
    *,
    soft: bool,
    quiet: bool,
    workbook: _WorkbookOptions,
) -> None:
    """What ``assess`` does after a compact batch: as after a whole report, same bytes."""
    from policycheck.output import write_atomic
    from policycheck.streams import guarded_stdout

    unused, expired = done.verdicts(plan)
    _warn_waivers(expired, unused)
    report = assessor.report(())
    if plan.thresholds.active:
        verdict = done.gate_result(plan, soft=soft, expired=expired, unused=unused)
        report = dataclasses.replace(report, gate=verdict)
    for problem in done.problems:
        sys.stderr.write(f"{problem}\n")
    for fmt, path in targets:
        data = (
            done.workbook(report, paper=workbook.paper, marking=workbook.marking)
            if fmt is Format.XLSX
            else done.json_chunks(report)
        )
        write_atomic(path, data, inputs=inputs)
    if not quiet:
        with guarded_stdout():
            sys.stdout.writelines(done.json_chunks(report))
    if report.gate is not None:
        _gate_summary(report)
    if done.failures:
        raise typer.Exit(ExitCode.BAD_INPUT)
    if report.gate is not None and not report.gate.passed and not report.gate.soft:
        raise typer.Exit(ExitCode.GATE_FAILED)


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


def _refuse_inputs(target: Path, inputs: list[Path]) -> None:
    if str(target) == "-":
        return
    resolved = target.resolve()
    if any(p.resolve() == resolved for p in inputs):
        raise UsageError(f"{target}: refusing to overwrite an input file")


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
    report: Report,
    targets: list[tuple[Format, Path]],
    inputs: list[Path],
    *,
    explain: bool,
    width: int | None,
    ci: _CiOptions,
    workbook: _WorkbookOptions,
) -> None:
    from policycheck.output import write_atomic
    from policycheck.render import render

    for fmt, path in targets:
        data = render(
            report,
            fmt,
            explain=explain,
            width=width or 100,
            keep_waived=ci.keep_waived,
            where=ci.where,
            paper=workbook.paper,
            marking=workbook.marking,
        )
        write_atomic(path, data, inputs=inputs)


def _print(
    report: Report, fmt: Format, *, explain: bool, width: int | None, ci: _CiOptions
) -> None:
    from policycheck.streams import guarded_stdout

    with guarded_stdout():
        _print_unguarded(report, fmt, explain=explain, width=width, ci=ci)


def _print_unguarded(
    report: Report, fmt: Format, *, explain: bool, width: int | None, ci: _CiOptions
) -> None:
    if fmt is Format.TERMINAL:
        from policycheck.render import terminal
        from policycheck.text import printable_tree

        console = _console(width=width)
        # rich writes to the raw stream: the proposal's text is made printable first.
        for part in terminal.render(printable_tree(report), explain=explain):
            console.print(part)
        return
    if fmt is Format.JSON:
        from policycheck.render import json as json_render

        sys.stdout.writelines(json_render.chunks(report))
        return
    from policycheck.render import render

    text = render(report, fmt, explain=explain, keep_waived=ci.keep_waived, where=ci.where)
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

    return Progress(
        console=_console(stderr=True), transient=True, redirect_stdout=False, redirect_stderr=False
    )


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
    from policycheck.model import json_schema

    loaded = configuration.load(config, Path.cwd())
    data = configured_assessor(loaded, rubric, reference).reference
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
    from policycheck.engine import expand_paths
    from policycheck.output import write_atomic

    loaded = configuration.load(config, Path.cwd(), paths or ())
    if paths:
        files, unmatched = expand_paths(paths)
    else:
        files, unmatched = expand_paths(_config_paths(loaded))
    if unmatched or not files:
        raise UsageError("no proposals to record")
    assessor = configured_assessor(loaded, rubric, reference)
    report = assessor.run(files)
    for failure in report.failures:
        for problem in failure.problems:
            sys.stderr.write(f"{problem}\n")
    if report.failures:
        raise typer.Exit(ExitCode.BAD_INPUT)
    write_atomic(file, gate.baseline_document(report), inputs=files)
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
