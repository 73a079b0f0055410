"""The pipeline of an assessment run, owned in one place: ``run(request) -> Outcome``.

Paths are expanded (files, folders, globs; the configuration's when none are
given), report files are kept off the inputs, ``--changed-since`` narrows the
files, the configuration's waivers are applied as each proposal is graded (so a
grade is worked out once), a file whose proposal id an earlier file has is
refused, and the gate judges the results. The CLI parses options, calls ``run``,
writes what it returns and exits; nothing here writes to stdout or exits.

How results are kept is the engine's decision, taken from what the caller will
render (``Request.printed`` and ``Request.written``):

* **streamed** — one JSON document on stdout and nothing to judge: each
  result is written as it arrives, nothing is kept;
* **listed** — the terminal's listing of a large batch (``render.listing``:
  more than ``FULL_UP_TO`` proposals, no ``--full``) and no report file: each
  result is reduced to its line as it arrives and printed; the gate's tallies
  are kept, not the results, and its verdict is known once the last line is out;
* **compact** — report files and printed reports in JSON, Markdown, SARIF,
  JUnit, HTML, GitHub annotations, workbooks, the listing and the job summary
  (Markdown): each result is reduced to its JSON text, workbook rows, line and
  its piece of each report as it arrives, and the pieces are spilled to
  temporary files (``batch``), so memory stays flat however large the batch;
* **whole** — what needs every result: the terminal's full reports (up to
  ``FULL_UP_TO`` proposals, or ``--full``), ``--uncertainty``, the notebook API
  (``Request.whole``): one ``Report`` with every result.

All give the same bytes (tests hold them equal).
"""

from __future__ import annotations

import dataclasses
import difflib
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from policycheck import gate
from policycheck.assessment import Report, Waiver
from policycheck.engine import Assessor, expand_paths, unique_ids
from policycheck.errors import Problem, UsageError
from policycheck.output import is_stdout, written_over
from policycheck.render import Format
from policycheck.render.paths import CiOptions

if TYPE_CHECKING:
    from policycheck.batch import Batch, Plan
    from policycheck.config import LoadedConfig
    from policycheck.output import Writer
    from policycheck.render.json import RenderedResult
    from policycheck.render.listing import Brief
    from policycheck.render.paper import Paper
    from policycheck.render.paths import SourceRoot

#: Allocations between two passes of the collector's first generation (``_tune_gc``).
GC_THRESHOLD = 20_000

#: Makes a progress reporter for a run of N files: a callable told how many more are done.
Progress = Callable[[int], AbstractContextManager[Callable[[int], None] | None]]


def _no_progress(_total: int) -> AbstractContextManager[Callable[[int], None] | None]:
    return nullcontext(None)


def _ignore(_note: str) -> None:
    return None


def _always() -> bool:
    return True


@dataclass(frozen=True)
class Channel:
    """How a run talks to whoever started it while it goes."""

    #: Where the run's notes go (one line each, no newline): skipped files, waivers ...
    note: Callable[[str], None] = _ignore
    progress: Progress = _no_progress
    #: Whether the reader of a streamed document is still there; when not, assessing stops.
    reading: Callable[[], bool] = _always


@dataclass(frozen=True)
class Request:
    """What to assess, with which rubric and gate, and what the caller will render."""

    config: LoadedConfig
    #: Files, folders or globs; none: the configuration's ``paths``.
    paths: tuple[str, ...] = ()
    rubric: Path | None = None
    reference: Path | None = None
    #: The thresholds (command line over configuration); ``default_gate`` stands in for none.
    thresholds: gate.Thresholds = field(default_factory=gate.Thresholds)
    default_gate: bool = False
    #: None: the configuration's value.
    soft: bool | None = None
    allow_empty: bool | None = None
    baseline: Path | None = None
    changed_since: str | None = None
    #: Whether the configuration's waivers apply (``baseline write`` records findings unwaived).
    waivers: bool = True
    #: The format the caller prints on stdout (None: nothing printed) ...
    printed: Format | None = None
    #: ... and the report files it writes: kept off the inputs, and they decide how
    #: results are kept (see the module docstring).
    written: tuple[tuple[Format, Path], ...] = ()
    #: A Markdown summary is wanted too (GitHub's job summary).
    summary: bool = False
    #: The CI formats' options (SARIF keeps waived risks? the repository root that SARIF
    #: URIs and the annotations' files are relative to), for the pieces a batch makes.
    ci: CiOptions = field(default_factory=lambda: CiOptions(keep_waived=False, where=None))
    #: The caller reads every result itself (``report.results``): keep them whole.
    whole: bool = False
    #: ``--full``: the terminal prints every proposal's full report, however many.
    full: bool = False
    #: The error when there is nothing to assess (None: the gate's own words).
    empty: str | None = None
    jobs: int | None = None
    #: Say which configuration is in force and what folders skipped (through ``channel.note``).
    verbose: bool = False
    channel: Channel = field(default_factory=lambda: Channel())
    #: The process is the command line's own: the garbage collector is tuned (``_tune_gc``).
    tune_gc: bool = False
    #: ``--uncertainty``: the analysis's runs and seed, or None for no analysis (it needs
    #: every result, so the report is kept whole).
    uncertainty: Analysis | None = None


@dataclass(frozen=True)
class Analysis:
    """How many times the scores are re-computed, and from which seed."""

    draws: int
    seed: int


@dataclass
class Outcome:
    """One run's report, however its results were kept (see the module docstring).

    ``report`` is the run's header (rubric, reference data, the gate's
    verdict) and, when kept whole, every result. A streamed outcome assesses
    as ``json_chunks`` is read: its problems and failures are known after.
    """

    report: Report
    #: Every file the run read or named: no report file may replace one.
    inputs: tuple[Path, ...]
    batch: Batch | None = None
    streamed: Iterator[RenderedResult] | None = None
    #: The terminal prints the listing of a large batch, not the full reports ...
    listing: bool = False
    #: ... streamed: the lines as their results arrive (the gate is judged after the last).
    listed: Iterator[Brief] | None = None
    #: The problems of the files that could not be assessed, in file order.
    problems: list[Problem] = field(default_factory=list)
    #: How many files could not be assessed (exit 2) ...
    invalid: int = 0
    #: ... and how many of them because a check failed on them: a bug (exit 3).
    crashed: int = 0
    _told: int = 0

    @property
    def failed(self) -> bool:
        """Whether any file could not be assessed (exit 2)."""
        return self.invalid > 0

    def new_problems(self) -> list[Problem]:
        """The problems found since the last call, in file order."""
        found = self.problems[self._told :]
        self._told = len(self.problems)
        return found

    def json_chunks(self) -> Iterator[bytes]:
        """The JSON document in UTF-8, a piece at a time."""
        from policycheck.render import json as json_render

        if self.streamed is not None:
            return json_render.chunks(self.report, prerendered=self.streamed)
        if self.batch is not None:
            return self.batch.json_chunks(self.report)
        return json_render.chunks(self.report)

    def briefs(self) -> Iterator[Brief]:
        """The terminal listing's lines, in file order (see ``render.listing``)."""
        if self.listed is not None:
            return self.listed
        if self.batch is not None:
            return self.batch.briefs()
        from policycheck.render.listing import brief

        return (brief(r) for r in self.report.results)

    def render(
        self,
        fmt: Format,
        *,
        explain: bool = False,
        width: int = 100,
        keep_waived: bool = False,
        where: SourceRoot | None = None,
        paper: Paper = "a4",
        marking: str | None = None,
    ) -> str | bytes | Iterable[str] | Iterable[bytes] | Writer:
        """The report in ``fmt`` (see ``render.render``), for a report file.

        A compact batch's reports are written a piece at a time; its SARIF pieces were made
        with the request's ``keep_waived`` and ``where``.
        """
        if self.batch is not None:
            return self._compact_render(fmt, paper=paper, marking=marking)
        assert self.streamed is None, "a streamed report is read once, on stdout"
        from policycheck.render import render

        return render(
            self.report,
            fmt,
            explain=explain,
            width=width,
            keep_waived=keep_waived,
            where=where,
            paper=paper,
            marking=marking,
        )

    def _compact_render(
        self, fmt: Format, *, paper: Paper, marking: str | None
    ) -> Iterable[str] | Iterable[bytes] | Writer:
        done = self.batch
        assert done is not None
        match fmt:
            case Format.XLSX:
                return done.workbook(self.report, paper=paper, marking=marking)
            case Format.JSON:
                return done.json_chunks(self.report)
            case Format.MARKDOWN:
                return done.markdown.chunks(self.report)
            case Format.HTML:
                return done.html.chunks(self.report)
            case Format.JUNIT:
                return done.junit.chunks()
            case Format.SARIF:
                return done.sarif.chunks(self.report)
            case Format.GITHUB:
                return (f"{line}\n" for line in done.github.lines(self.report))
            case _:
                raise AssertionError(f"{fmt} is not written from a compact batch")


#: The formats a compact batch writes (see the module docstring).
COMPACT = frozenset(
    {
        Format.JSON,
        Format.XLSX,
        Format.MARKDOWN,
        Format.HTML,
        Format.JUNIT,
        Format.SARIF,
        Format.GITHUB,
    }
)


def run(request: Request) -> Outcome:
    """Expand, assess, refuse duplicate ids, apply waivers, judge: one outcome.

    Raises ``UsageError`` for a run that cannot start (nothing to assess, a
    report file over an input, an unknown criterion or waiver target) and
    ``InputError`` for an unusable rubric, reference data or baseline.
    """
    loaded = request.config
    settings = loaded.settings
    if not request.paths and not settings.paths:
        raise UsageError("no paths given, and no configuration file sets 'paths'")
    skipped: list[str] = []
    files, unmatched = expand_paths(request.paths or _config_paths(loaded), skipped=skipped)
    if request.verbose:
        request.channel.note(f"configuration: {loaded.path or 'none found, defaults'}")
        for note in skipped:
            request.channel.note(f"skipped {note}")
    for arg in unmatched:
        request.channel.note(f"{arg}: no proposal files found")
    # Every file named is protected from the report files, assessed or not (see --changed-since).
    named = tuple(p for p in (request.baseline, request.rubric, loaded.path) if p is not None)
    inputs = (*files, *named)
    _refuse_inputs([target for _, target in request.written], files, named)
    if request.changed_since is not None:
        from policycheck.git import changed_since

        changed = changed_since(request.changed_since, Path.cwd())
        files = [f for f in files if f.resolve() in changed]
    empty_ok = settings.allow_empty if request.allow_empty is None else request.allow_empty
    if unmatched and not empty_ok:
        raise UsageError(request.empty or "some paths matched no proposal")
    if not files:
        if not empty_ok:
            raise UsageError(
                request.empty
                or "no proposals to assess (a gate that checks nothing does not pass; see --allow-empty)"
            )
        # Still write the requested files (empty reports), so CI artifacts exist.
        request.channel.note("no proposals to assess; passing because empty runs are allowed")
    waivers = loaded.waivers() if request.waivers else ()
    assessor = Assessor.configured(loaded, request.rubric, request.reference, waivers=waivers)
    if request.tune_gc:
        _tune_gc()
    thresholds = request.thresholds
    if request.default_gate and not thresholds.active:
        thresholds = gate.DEFAULT_GATE
    if _streamable(request, thresholds, waivers):
        return _streamed(request, assessor, files, inputs)
    _check_gate_names(assessor, loaded, thresholds, waivers)
    baseline = request.baseline or loaded.resolve(settings.baseline)
    recorded = None
    if thresholds.active:
        thresholds = _with_coverage(thresholds, assessor)
        recorded = gate.read_baseline(baseline) if baseline is not None else None
    soft = settings.soft_fail if request.soft is None else request.soft
    listing = _listing(request, len(files))
    if listing and not request.written and not request.summary:
        return _listed(request, assessor, files, inputs, thresholds, recorded, soft)
    if _compact(request, listing):
        return _compacted(request, assessor, files, inputs, thresholds, recorded, soft, listing)
    with request.channel.progress(len(files)) as advance:
        report = assessor.run(files, jobs=request.jobs, progress=advance)
    unused, expired = gate.report_waiver_verdicts(report.results, waivers)
    _note_waivers(request.channel.note, expired, unused)
    if thresholds.active:
        report = gate.evaluate(
            report, thresholds, soft=soft, expired=expired, unused=unused, baseline=recorded
        )
    if request.uncertainty is not None:
        from policycheck.analysis import attach

        analysis = request.uncertainty
        report = attach(report, assessor.loaded.rubric, draws=analysis.draws, seed=analysis.seed)
    return Outcome(
        report,
        inputs,
        listing=listing,
        problems=[p for failure in report.failures for p in failure.problems],
        invalid=len(report.failures),
        crashed=sum(f.internal for f in report.failures),
    )


def _streamable(request: Request, thresholds: gate.Thresholds, waivers: tuple[Waiver, ...]) -> bool:
    """One JSON document on stdout, and nothing that needs the whole batch first."""
    return (
        not request.whole
        and request.uncertainty is None
        and request.printed is Format.JSON
        and not request.written
        and not request.summary
        and not thresholds.active
        and not waivers
    )


def _listing(request: Request, files: int) -> bool:
    """The terminal prints the listing of a large batch, not each proposal's full report."""
    from policycheck.render.listing import FULL_UP_TO

    return (
        request.printed is Format.TERMINAL
        and files > FULL_UP_TO
        and not (request.full or request.whole or request.uncertainty is not None)
    )


def _compact(request: Request, listing: bool) -> bool:
    """Only formats written from pieces (``COMPACT``) and the listing: the results need not
    be kept whole."""
    printed = request.printed is None or request.printed in COMPACT or listing
    return (
        not (request.whole or request.uncertainty is not None)
        and printed
        and all(f in COMPACT for f, _ in request.written)
    )


def _listed(
    request: Request,
    assessor: Assessor,
    files: list[Path],
    inputs: tuple[Path, ...],
    thresholds: gate.Thresholds,
    recorded: gate.Baseline | None,
    soft: bool,
) -> Outcome:
    """Each result reduced to its line as it arrives; the gate judged after the last.

    The run goes on when the reader of stdout has gone (the lines are dropped):
    a gate judged on part of the batch could pass what the whole fails.
    """
    from policycheck import batch

    plan = _plan(assessor, thresholds, recorded, set(), listing=True)
    done: Batch = batch.Batch(keep=False)
    outcome = Outcome(assessor.report(()), inputs, problems=done.problems, listing=True)

    def briefs() -> Iterator[Brief]:
        for packed in batch.stream(assessor, files, plan, done, jobs=request.jobs):
            outcome.invalid, outcome.crashed = done.failures, done.crashed
            assert packed.brief is not None
            yield packed.brief
        outcome.report = _judged(outcome.report, done, plan, request.channel, soft)

    outcome.listed = briefs()
    return outcome


def _streamed(
    request: Request, assessor: Assessor, files: list[Path], inputs: tuple[Path, ...]
) -> Outcome:
    """Results written as they arrive; the bytes are those of the whole report."""
    from policycheck.render import json as json_render

    outcome = Outcome(assessor.report(), inputs)

    def results() -> Iterator[RenderedResult]:
        # Workers write each result as JSON: text crosses the process boundary, not objects.
        mapped = assessor.iter_mapped(files, json_render.rendered, jobs=request.jobs)
        with request.channel.progress(len(files)) as advance:
            for item in unique_ids(mapped, json_render.rendered):
                outcome.problems.extend(item.problems)
                outcome.invalid += item.grade is None
                outcome.crashed += item.internal
                if advance:
                    advance(1)
                yield item
                if not request.channel.reading():
                    return  # the reader has gone: stop; the outcome is that of the work done

    outcome.streamed = results()
    return outcome


def _compacted(
    request: Request,
    assessor: Assessor,
    files: list[Path],
    inputs: tuple[Path, ...],
    thresholds: gate.Thresholds,
    recorded: gate.Baseline | None,
    soft: bool,
    listing: bool,
) -> Outcome:
    """Each result reduced to its JSON text, workbook rows and line as it arrives (``batch``)."""
    from policycheck import batch

    formats = {request.printed, *(f for f, _ in request.written)}
    if request.summary:
        formats.add(Format.MARKDOWN)  # the job summary is the Markdown report
    plan = _plan(assessor, thresholds, recorded, formats, listing=listing, files=len(files))
    if Format.SARIF in formats or Format.GITHUB in formats:
        plan = dataclasses.replace(plan, keep_waived=request.ci.keep_waived, where=request.ci.where)
    with request.channel.progress(len(files)) as advance:
        done: Batch = batch.run(assessor, files, plan, jobs=request.jobs, progress=advance)
    report = _judged(assessor.report(()), done, plan, request.channel, soft)
    return Outcome(
        report,
        inputs,
        batch=done,
        listing=listing,
        problems=list(done.problems),
        invalid=done.failures,
        crashed=done.crashed,
    )


def _plan(
    assessor: Assessor,
    thresholds: gate.Thresholds,
    recorded: gate.Baseline | None,
    formats: set[Format | None],
    *,
    listing: bool,
    files: int = 0,
) -> Plan:
    """What each result of a batch is reduced to as it arrives, and what the gate asks."""
    from policycheck import batch

    return batch.Plan(
        waivers=assessor.waivers,
        thresholds=thresholds,
        baseline=recorded,
        workbook=Format.XLSX in formats,
        json=Format.JSON in formats,
        listing=listing,
        markdown=Format.MARKDOWN in formats,
        html=Format.HTML in formats,
        junit=Format.JUNIT in formats,
        github=Format.GITHUB in formats,
        sarif=_rule_index(assessor) if Format.SARIF in formats else None,
        compress=files >= batch.COMPRESSED_FROM,
    )


def _rule_index(assessor: Assessor) -> tuple[tuple[str, int], ...]:
    """Each SARIF rule's place among the run's rules."""
    from policycheck.render import sarif

    return tuple((rule["id"], n) for n, rule in enumerate(sarif.rules(assessor.report(()))))


def _judged(report: Report, done: Batch, plan: Plan, channel: Channel, soft: bool) -> Report:
    """``report`` with the waivers' notes told and, when a gate is asked, its verdict."""
    unused, expired = done.verdicts(plan)
    _note_waivers(channel.note, expired, unused)
    if not plan.thresholds.active:
        return report
    verdict = done.gate_result(plan, soft=soft, expired=expired, unused=unused)
    return dataclasses.replace(report, gate=verdict)


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


def _refuse_inputs(targets: list[Path], files: list[Path], named: tuple[Path, ...]) -> None:
    """Refuse, before any work, a report file written over an input: one of the files to
    assess (compared by identity, see ``output.written_over``) or a file named on the command
    line or in the configuration (by path: it may not exist yet)."""
    over = written_over(targets, files)
    for target in targets:
        if is_stdout(target):
            continue
        resolved = target.resolve()
        if target in over or any(p.resolve() == resolved for p in named):
            raise UsageError(f"{target}: refusing to overwrite an input file")


def _tune_gc() -> None:
    """Fewer, cheaper garbage collections: what exists now (rubric, reference data, modules)
    is frozen out of every collection, the batch's workers' included (they are forked
    with it, and a collection would copy the pages it walks). The console script starts
    ``assess`` with the collector off (``entry.main``): it is turned on here, for the batch.

    Nothing is collected first: at this point a full collection took 20 to 28 ms and found
    nothing to free (measured on batches with and without a workbook, a gate, the example
    repository's configuration), so freezing costs nothing and every run of the command
    line is frozen.

    The first generation is collected after ``GC_THRESHOLD`` allocations, not Python's 700.
    At 700 a pass came every two proposals, while one was being read: it walked that
    proposal's live tree (42 µs) and moved it to the older generations, walked again
    later; 3 % of a proposal's time, to find nothing (assessing and rendering a proposal
    leaves no reference cycle, which a test holds). Collected after 20,000, the trees are
    freed by their reference counts before a pass comes. A cycle a failure's traceback or a
    rubric's own check may leave is still collected, a little later. (Raised to 50,000 in
    an earlier release, when ruamel.yaml's loader left cycles with every proposal, memory
    grew by 37 MB a thousand proposals; it no longer leaves any.)
    """
    import gc

    gc.freeze()
    gc.set_threshold(GC_THRESHOLD)
    gc.enable()


def _check_gate_names(
    assessor: Assessor,
    loaded: LoadedConfig,
    thresholds: gate.Thresholds,
    waivers: tuple[Waiver, ...],
) -> None:
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
    for w in waivers:
        if w.target not in known_targets:
            raise UsageError(
                f"{w.origin}: waiver names '{w.target}', which is neither a risk nor a check id"
            )


def _note_waivers(
    note: Callable[[str], None], expired: tuple[Waiver, ...], unused: tuple[Waiver, ...]
) -> None:
    for w in expired:
        note(f"{w.origin}: waiver of {w.target} for {w.proposal} expired on {w.expires}")
    for w in unused:
        note(f"{w.origin}: waiver of {w.target} for {w.proposal} matches no finding (unused)")


def _with_coverage(thresholds: gate.Thresholds, assessor: Assessor) -> gate.Thresholds:
    """A grade, score or criterion threshold asks for the rubric's coverage unless one is set."""
    if thresholds.min_coverage is None and (
        thresholds.fail_under is not None or thresholds.minimums
    ):
        minimum = assessor.loaded.rubric.coverage.minimum
        return dataclasses.replace(thresholds, min_coverage=minimum)
    return thresholds
