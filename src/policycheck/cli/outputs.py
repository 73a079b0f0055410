"""What the command line writes: report files, stdout, stderr, consoles and the progress bar.

Consoles are made by ``console`` here (and, for rich's terminal report of
``compare``, by ``streams.console``, which it wraps); rich is imported only when
one is needed, so machine formats never load it.
"""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

import typer

from policycheck.errors import ExitCode, UsageError
from policycheck.render import Format
from policycheck.render.paths import CiOptions

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from rich.console import Console

    from policycheck.assessment import Report
    from policycheck.cli.options import PaperSize
    from policycheck.pipeline import Channel, Outcome
    from policycheck.render.paper import Paper
    from policycheck.render.paths import SourceRoot


def console(*, stderr: bool = False, width: int | None = None) -> Console:
    """A rich console on stdout or stderr: NO_COLOR and the terminal width are honoured by rich.

    rich is imported here, not at start-up: JSON and other machine formats never need it.
    """
    from policycheck.streams import console as make

    result: Console = make(stderr=stderr, width=width)
    return result


def note(text: str) -> None:
    """One line of the run's notes on stderr."""
    sys.stderr.write(f"{text}\n")


def exit_with_code(outcome: Outcome) -> None:
    """Exit with the documented code: 3 when a check failed on a file, 2 when a file could
    not be assessed, 1 when the gate failed (unless soft); else return (exit 0)."""
    exit_if_crashed(outcome)
    if outcome.failed:
        raise typer.Exit(ExitCode.BAD_INPUT)
    gate = outcome.report.gate
    if gate is not None and not gate.passed and not gate.soft:
        raise typer.Exit(ExitCode.GATE_FAILED)


def exit_if_crashed(outcome: Outcome) -> None:
    """Exit 3 when a check failed on some file: its bug outranks a gate or an input problem."""
    if outcome.crashed:
        sys.stderr.write(
            f"internal error: a check failed on {outcome.crashed} file(s) (see above); the "
            "others were assessed and reported.\n"
            "This is a bug in policycheck; please report it with the command you ran.\n"
        )
        raise typer.Exit(ExitCode.INTERNAL_ERROR)


def channel() -> Channel:
    """How a run started from the command line talks while it goes: notes on stderr, a
    progress bar on a terminal, and stopping when the reader of stdout has gone."""
    from policycheck.pipeline import Channel
    from policycheck.streams import stdout_broken

    return Channel(note=note, progress=progress, reading=lambda: not stdout_broken())


@dataclass(frozen=True, slots=True)
class Writing:
    """What to write of a run: the format printed on stdout (None: nothing), the report files,
    and the options of the formats."""

    fmt: Format | None
    targets: list[tuple[Format, Path]]
    explain: bool
    width: int | None
    ci: CiOptions
    workbook: WorkbookOptions
    #: GitHub's job summary file, when set: the Markdown report is appended to it.
    summary: str | None = field(default_factory=lambda: os.environ.get("GITHUB_STEP_SUMMARY"))


def write(outcome: Outcome, writing: Writing) -> None:
    """Write the outcome of a run: problems, report files, the job summary, stdout, the gate."""
    tell_problems(outcome)
    write_outputs(
        outcome,
        writing.targets,
        explain=writing.explain,
        width=writing.width,
        ci=writing.ci,
        workbook=writing.workbook,
    )
    if writing.summary:
        files = [str(path) for _, path in writing.targets]
        append_step_summary(Path(writing.summary), outcome, files)
    if writing.fmt is not None:
        print_report(
            outcome, writing.fmt, explain=writing.explain, width=writing.width, ci=writing.ci
        )
    tell_problems(outcome)  # a streamed report's, known once it is written
    if outcome.report.gate is not None:
        gate_summary(outcome.report)


def tell_problems(outcome: Outcome) -> None:
    """The problems found so far that stderr has not had yet."""
    for problem in outcome.new_problems():
        sys.stderr.write(f"{problem}\n")


def targets(specs: list[str], quiet: bool) -> list[tuple[Format, Path]]:
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
class WorkbookOptions:
    """The paper the workbook prints on, and the protective marking on every page."""

    paper: Paper
    marking: str | None


def ci_options(keep_waived: bool) -> CiOptions:
    """The CI formats' options, with the repository root of the working directory."""
    return CiOptions(keep_waived, source_root(Path.cwd()))


def workbook_options(paper: PaperSize | None, marking: str | None) -> WorkbookOptions:
    """The workbook's print options; a marking that cannot head a page is a usage error."""
    from policycheck.render.paper import default_paper, marking_problem

    if marking is not None:
        problem = marking_problem(marking)
        if problem is not None:
            raise UsageError(problem)
        marking = marking.strip()
    chosen: Paper = paper.value if paper is not None else default_paper(os.environ)
    return WorkbookOptions(chosen, marking)


def source_root(cwd: Path) -> SourceRoot:
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


def write_outputs(
    outcome: Outcome,
    targets: list[tuple[Format, Path]],
    *,
    explain: bool,
    width: int | None,
    ci: CiOptions,
    workbook: WorkbookOptions,
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


def print_report(
    outcome: Outcome, fmt: Format, *, explain: bool, width: int | None, ci: CiOptions
) -> None:
    from policycheck.streams import guarded_stdout

    with guarded_stdout():
        _print_unguarded(outcome, fmt, explain=explain, width=width, ci=ci)


def _print_unguarded(
    outcome: Outcome, fmt: Format, *, explain: bool, width: int | None, ci: CiOptions
) -> None:
    if fmt is Format.JSON:
        from policycheck.streams import write_utf8

        write_utf8(outcome.json_chunks())
        return
    if fmt is Format.TERMINAL and outcome.listing:
        from policycheck.render import listing

        sys.stdout.writelines(listing.render(outcome.briefs(), lambda: outcome.report))
        return
    if fmt is Format.TERMINAL:
        from policycheck.render import terminal
        from policycheck.text import printable_tree

        terminal_console = console(width=width)
        # rich writes to the raw stream: the proposal's text is made printable first.
        for part in terminal.render(printable_tree(outcome.report), explain=explain):
            terminal_console.print(part)
        return
    text = outcome.render(fmt, explain=explain, keep_waived=ci.keep_waived, where=ci.where)
    assert not isinstance(text, bytes), "a workbook is not printed"
    assert not callable(text), "a workbook is not printed"
    if isinstance(text, str):
        sys.stdout.write(text)
    else:
        for chunk in text:
            sys.stdout.write(chunk if isinstance(chunk, str) else chunk.decode())


#: A batch of this many files or more shows a progress bar (on a terminal).
PROGRESS_FROM = 50


@contextlib.contextmanager
def progress(total: int) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr for long batches, only when stderr is a terminal."""
    if total < PROGRESS_FROM or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress

    with Progress(
        console=console(stderr=True), transient=True, redirect_stdout=False, redirect_stderr=False
    ) as bar:
        task = bar.add_task("assessing", total=total)
        yield lambda n: bar.advance(task, n)


def emit(text: str, output: Path | None, inputs: list[Path]) -> None:
    """Write ``text`` to ``output`` (atomically) or to stdout."""
    if output is None:
        sys.stdout.write(text)
        return
    from policycheck.output import write_atomic

    write_atomic(output, text, inputs=inputs)


def append_step_summary(summary: Path, outcome: Outcome, reports: list[str]) -> None:
    """Append the Markdown report to the job summary, cut to what GitHub still accepts
    (1 MiB a step, counting what earlier commands of the step wrote)."""
    from policycheck.render import github

    try:
        used = summary.stat().st_size if summary.exists() else 0
        markdown = outcome.render(Format.MARKDOWN)
        assert not isinstance(markdown, bytes)
        assert not callable(markdown)
        pieces = cast("str | Iterable[str]", markdown)  # Markdown is text; only JSON is bytes
        text = github.step_summary(pieces, github.SUMMARY_LIMIT - used, reports)
        if not text:
            sys.stderr.write(f"GITHUB_STEP_SUMMARY={summary}: full (1 MiB); no summary added\n")
            return
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise UsageError(f"GITHUB_STEP_SUMMARY={summary}: {exc.strerror}") from None


def gate_summary(report: Report) -> None:
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
