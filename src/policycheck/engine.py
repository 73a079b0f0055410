"""Assessing proposals: load → validate → derive facts → run checks → score.

This is the typed Python API the CLI itself uses::

    from policycheck import Assessor
    assessor = Assessor()
    result = assessor.assess_file(Path("proposals/tirana-declaration.yaml"))

Nothing here prints or exits; a file that cannot be used becomes a
``Failure`` listing its problems, so one bad file never stops a batch.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import glob
import hashlib
import math
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from msgspec import structs
from pydantic import BaseModel

from policycheck._version import __version__
from policycheck.assessment import (
    Assessment,
    Citation,
    Evidence,
    Failure,
    Location,
    Report,
    Risk,
    RiskFamily,
    RiskRule,
    RubricInfo,
    Severity,
    Waiver,
    fingerprint,
)
from policycheck.checks import REGISTRY, Context, Mark, Registry, RiskHit
from policycheck.checks.base import stated_claim
from policycheck.errors import InputError, PolicycheckError, Problem, UsageError
from policycheck.facts import Facts, derive_facts
from policycheck.forks import held, set_child_signals
from policycheck.gate import mark_waived
from policycheck.loading import Document, load_yaml_bytes, read_ahead, read_bytes
from policycheck.model import Claim, Proposal, Source, parse_proposal
from policycheck.reference import ReferenceData, load_reference
from policycheck.rubric import LoadedRubric, load_rubric
from policycheck.scale import GRADES
from policycheck.scoring import Observed, Totals, grade_range, improvements, score_criteria
from policycheck.text import display_path

if TYPE_CHECKING:
    from policycheck.config import LoadedConfig

PARALLEL_THRESHOLD = 200
#: Files a worker is given at a time: small, so results stream back as they are made (a
#: message of a few hundred KB, not a sixteenth of the batch), and few are waiting their
#: turn; a few milliseconds of work a file leaves the cost of a message negligible.
CHUNK = 8
#: How workers start: forked on Linux (they inherit the assessor and the batch), spawned
#: elsewhere (macOS, where forking is unsafe, and Windows), each building its own assessor.
START_METHOD = "fork" if sys.platform.startswith("linux") else "spawn"
T = TypeVar("T")
YAML_SUFFIXES = (".yaml", ".yml")


class CheckFailed(Exception):
    """A check raised an exception on a proposal: a bug in the check, not in the proposal."""

    def __init__(self, check_id: str, cause: Exception) -> None:
        self.check_id = check_id
        super().__init__(
            f"not assessed: check {check_id} failed on this proposal "
            f"({type(cause).__name__}: {cause}); this is a bug in policycheck, please report "
            "it with this file"
        )


class Assessor:
    """Holds a validated rubric and reference data, and assesses proposals with them.

    ``waivers`` (accepted risks, see ``gate``) are applied before a proposal is
    graded, on the UTC date ``today`` (default: now), so a waived risk never
    caps the grade and the grade is worked out once.
    """

    def __init__(
        self,
        rubric: Path | str | None = None,
        reference: Path | None = None,
        registry: Registry = REGISTRY,
        *,
        waivers: Iterable[Waiver] = (),
        today: dt.date | None = None,
    ) -> None:
        self.rubric_path = rubric
        self.reference_path = reference
        self.waivers = tuple(waivers)
        self.today = today if today is not None else dt.datetime.now(dt.UTC).date()
        self.loaded: LoadedRubric = load_rubric(rubric, registry)
        self.registry = self.loaded.registry
        self.reference: ReferenceData = load_reference(reference or self.loaded.reference)
        self._context = {
            "codes": self.reference.codes,
            "formats": self.reference.formats,
            "instruments": self.reference.instruments,
        }

    @classmethod
    def configured(
        cls,
        loaded: LoadedConfig,
        rubric: Path | None = None,
        reference: Path | None = None,
        *,
        waivers: Iterable[Waiver] = (),
    ) -> Assessor:
        """An assessor with the rubric and reference given as flags, else the configuration's."""
        from policycheck.rubric import bundled_names

        settings = loaded.settings
        spec: Path | str | None = rubric
        if rubric is not None and not rubric.exists() and str(rubric) in bundled_names():
            spec = str(rubric)  # a bundled rubric's name, as `rules --rubric default` takes it
        return cls(
            spec or loaded.resolve(settings.rubric),
            reference or loaded.resolve(settings.reference),
            waivers=waivers,
        )

    @property
    def rubric_info(self) -> RubricInfo:
        r = self.loaded.rubric
        return RubricInfo(r.id, r.version, r.title, self.loaded.sha256)

    def assess_file(self, path: Path | str, origin: str | None = None) -> Assessment | Failure:
        """Assess one file; problems come back as a ``Failure``, never raised.

        A check that raises makes the file a ``Failure`` marked ``internal``, and
        the batch goes on; ``assess_bytes`` and ``assess`` raise ``CheckFailed``.
        """
        name = origin if origin is not None else display_path(path)
        path = Path(path)
        try:
            raw = read_bytes(path, name)
        except InputError as exc:
            return Failure(name, tuple(exc.problems))
        try:
            return self.assess_bytes(raw, name)
        except InputError as exc:
            return Failure(name, tuple(exc.problems), hashlib.sha256(raw).hexdigest())
        except CheckFailed as exc:
            # One proposal's bug does not stop the batch: it is its result (see CONTRIBUTING).
            problem = Problem(name, 1, 1, str(exc))
            return Failure(name, (problem,), hashlib.sha256(raw).hexdigest(), internal=True)

    def assess_bytes(self, raw: bytes, origin: str) -> Assessment:
        """Assess a proposal given as bytes; raise ``InputError`` when it cannot be used."""
        doc = load_yaml_bytes(raw, origin, lenient=True)
        proposal = parse_proposal(doc, self._context)
        return self.assess(proposal, doc, hashlib.sha256(raw).hexdigest())

    def assess(self, proposal: Proposal, doc: Document, sha256: str = "") -> Assessment:
        """Run every applicable check of the rubric on a validated proposal and score it."""
        rubric = self.loaded.rubric
        facts = derive_facts(proposal, self.reference)
        context = Context(proposal, facts, self.reference)
        observed: dict[str, Observed] = {}
        risks: list[Risk] = []
        for criterion in rubric.criteria.values():
            for check_id in criterion.indicators:
                try:
                    outcome = self.registry[check_id](context)
                except PolicycheckError:
                    raise  # a problem the check reports (a declared check's bound), not a bug
                except Exception as exc:
                    raise CheckFailed(check_id, exc) from exc
                observed[check_id] = Observed(
                    outcome.level, _evidence(doc, outcome.marks), outcome.gap
                )
                for hit in outcome.risks:
                    risk = self._risk(hit, check_id, proposal, context, doc)
                    if risk is not None:
                        risks.append(risk)
        risks = _distinct_fingerprints(risks)
        risks.sort(key=lambda r: (-r.severity.rank, r.id, r.finding))
        marked = mark_waived(risks, proposal.id, self.waivers, self.today)
        criteria, total = score_criteria(rubric, observed)
        scores = [
            total.score,
            total.low,
            total.high,
            *(c.score for c in criteria if c.score is not None),
        ]
        if not all(math.isfinite(score) for score in scores):
            # The rubric's validation keeps weights and their sums finite; a NaN or an
            # infinity here is a bug, and must never pass a gate.
            raise ArithmeticError(f"{doc.origin}: a score is not a finite number: {scores}")
        # Graded from the figures as reports show them (rounded), so a reader can redo it.
        shown = Totals(
            round(total.score, 1),
            round(total.low, 1),
            round(total.high, 1),
            total.coverage,
            total.cited,
        )
        graded = grade_range(rubric, shown, marked)
        return Assessment(
            file=doc.origin,
            file_sha256=sha256,
            proposal_id=proposal.id,
            title=proposal.title,
            status=proposal.status,
            lead=proposal.lead,
            participants=proposal.countries,
            score=round(total.score, 1),
            grade=graded.grade,
            uncapped_grade=graded.uncapped,
            cap=graded.cap,
            criteria=criteria,
            risks=marked,
            improvements=improvements(rubric, criteria),
            score_low=round(total.low, 1),
            score_high=round(total.high, 1),
            coverage=round(total.coverage, 3),
            cited=round(total.cited, 3),
            grade_low=graded.low,
            grade_high=graded.high,
            provisional=total.coverage < rubric.coverage.minimum,
            shapes=tuple(sorted(s.value for s in facts.shapes)),
            warnings=_evidence(doc, _warnings(proposal, facts)),
            sources=tuple(_citation(source, n) for n, source in enumerate(proposal.sources, 1)),
        )

    def _risk(
        self, hit: RiskHit, check_id: str, proposal: Proposal, context: Context, doc: Document
    ) -> Risk | None:
        """The flagged risk, its severity lowered by each evidenced mitigation; None if cleared."""
        spec = self.loaded.rubric.risks[hit.risk]
        severity = Severity(hit.severity or spec.severity)
        marks = list(hit.marks)
        finding = hit.finding
        answered = [
            tuple(claim.split("."))
            for claim in spec.mitigated_by
            if stated_claim(context, tuple(claim.split(".")))[0] == "evidenced"
        ]
        if answered:
            # Evidenced mitigation lowers a risk one step, or clears a low one; it does not
            # undo what the risk is about, so several mitigations still lower it one step.
            if severity is Severity.LOW:
                return None
            lowered = severity.lower()
            named = ", ".join(".".join(str(p) for p in where) for where in answered)
            marks.extend(
                Mark(where, f"evidenced mitigation: severity {severity} → {lowered}")
                for where in answered
            )
            finding += f"; lowered from {severity} to {lowered} by evidenced {named}"
            severity = lowered
        evidence = _evidence(doc, marks)
        path = evidence[0].location.path if evidence else ""
        return Risk(
            id=hit.risk,
            title=spec.title,
            family=RiskFamily(spec.family),
            severity=severity,
            finding=finding,
            evidence=evidence,
            mitigation=spec.mitigation,
            brief=spec.brief,
            check_id=check_id,
            fingerprint=fingerprint(hit.risk, proposal.id, hit.subject or path),
            references=hit.references,
        )

    def iter_results(
        self, paths: Sequence[Path], *, jobs: int | None = None
    ) -> Iterator[Assessment | Failure]:
        """Assess files one by one, in order, as they are done (in parallel when many)."""
        return self.iter_mapped(paths, _identity, jobs=jobs)

    def iter_mapped(
        self,
        paths: Sequence[Path],
        transform: Callable[[Assessment | Failure], T],
        *,
        jobs: int | None = None,
    ) -> Iterator[T]:
        """``transform`` of each file's result, in order; in parallel, workers apply it.

        A worker that returns, say, rendered text instead of the result object
        saves sending every object back to this process. ``transform`` must be
        a module-level function (it may cross a process boundary).
        """
        # The free cores are counted (10 ms of readings) only for a batch that could use them.
        large = len(paths) >= PARALLEL_THRESHOLD
        workers = (jobs if jobs is not None else free_cores()) if large else 1
        if workers <= 1:
            read_ahead(paths[1:CHUNK])
            for n, path in enumerate(paths):
                if n % CHUNK == 0:  # the next files are read while these are assessed
                    read_ahead(paths[n + CHUNK : n + 2 * CHUNK])
                yield transform(self.assess_file(path))
            return
        chunks = [paths[i : i + CHUNK] for i in range(0, len(paths), CHUNK)]
        for results in _Workers(self, chunks, transform, workers).run():
            yield from results

    def report(
        self, results: Iterable[Assessment | Failure] = (), *, generated_at: str | None = None
    ) -> Report:
        """A ``Report`` of ``results`` with this assessor's rubric and reference data."""
        rubric = self.loaded.rubric
        return Report(
            tool_version=__version__,
            generated_at=generated_at or timestamp(),
            rubric=self.rubric_info,
            reference_digest=self.reference.digest,
            grade_bands=tuple((g, rubric.grades[g]) for g in GRADES),
            results=tuple(results),
            caps=tuple(sorted(rubric.caps.items(), key=lambda c: c[1])),
            unknown_rule=rubric.coverage.rule,
            min_coverage=rubric.coverage.minimum,
            risk_rules=tuple(
                RiskRule(
                    id=key,
                    title=spec.title,
                    family=RiskFamily(spec.family),
                    severity=Severity(spec.severity),
                    mitigation=spec.mitigation,
                    brief=spec.brief,
                )
                for key, spec in sorted(rubric.risks.items())
            ),
        )

    def run(
        self,
        paths: Sequence[Path],
        *,
        generated_at: str | None = None,
        jobs: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> Report:
        """Assess many files (in parallel when there are many) into one ``Report``.

        A file whose proposal id an earlier file has is refused (see ``unique_ids``).
        """
        results: list[Assessment | Failure] = []
        for result in unique_ids(self.iter_results(paths, jobs=jobs), _identity):
            results.append(result)
            if progress:
                progress(1)
        return self.report(results, generated_at=generated_at)


def free_cores() -> int:
    """The worker processes a batch gets by default: the cores this process may run on
    (``os.sched_getaffinity``: a container's or ``taskset``'s limit, not the machine's)
    less those other processes keep busy (``busy``)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        cores = os.cpu_count() or 1
    return workers_for(cores, busy())


def busy() -> float:
    """How many cores other processes keep busy: the smaller of the one-minute load average
    and the processes runnable now (less this one, from ``/proc/loadavg``). An average of
    ``QUIET`` or less is taken as it is: it already leaves every core to the batch.

    The average alone lags: a run that has just ended (a worker pool, the previous
    command of a CI step) still counts for a minute, and would leave the next run
    without workers; the count now alone is one instant's.
    """
    try:
        average = os.getloadavg()[0]
    except (AttributeError, OSError):  # Windows
        return 0.0
    if average <= QUIET:
        return average  # the readings could only lower it, and no lower changes the count
    try:
        runnable = fewest_runnable(_loadavg_readings()) - 1
    except (OSError, ValueError, IndexError):  # not Linux
        return average
    return min(average, max(0, runnable))


#: ``/proc/loadavg`` is read this many times, this far apart, for the processes runnable now.
READINGS, READING_GAP_S = 5, 0.002
#: A load average this low leaves every core to the batch (``workers_for`` rounds it away).
QUIET = 0.5


def _loadavg_readings() -> Iterator[str]:
    for n in range(READINGS):
        if n:
            time.sleep(READING_GAP_S)
        with open("/proc/loadavg", encoding="ascii") as handle:
            yield handle.read()


def fewest_runnable(readings: Iterable[str]) -> int:
    """The fewest processes runnable in ``readings`` of ``/proc/loadavg`` (its fourth field,
    "runnable/all"): a process that runs for an instant (a shell's reader, a monitor that
    samples) is not a core kept busy, and one reading can catch it.

    A reading of one, this process alone, is the least there can be: the readings stop
    there (each further one waits ``READING_GAP_S``, on the way to the first worker).
    """
    fewest = None
    for text in readings:
        count = int(text.split()[3].partition("/")[0])
        fewest = count if fewest is None else min(fewest, count)
        if fewest <= 1:
            break
    if fewest is None:
        raise ValueError("no reading of /proc/loadavg")
    return fewest


def workers_for(cores: int, load: float) -> int:
    """Workers for ``cores`` usable cores under ``load`` (runnable processes, averaged):
    one per core left free, rounded to the nearest; at least one, which means no pool
    (when another process holds the only free core, ``--jobs 1`` is the faster)."""
    return max(1, min(cores, math.floor(cores - load + 0.5)))


_WORKER: Assessor | None = None
#: The chunks of files of the running batch, inherited by forked workers.
_CHUNKS: list[Sequence[Path]] = []
#: The worker processes running now: a signal handler stops them.
_PROCESSES: list[Any] = []


class _Workers:
    """A small process pool, written for what a batch needs and ProcessPoolExecutor lacks.

    Each worker has its own pipe and takes one chunk at a time, so this
    process knows which chunk every worker holds. A worker that dies (killed,
    out of memory) closes its pipe: its chunk is reported as ``lost``, a new
    worker takes its place, and the batch goes on. (ProcessPoolExecutor
    breaks as a whole, and can wait forever for a result half-sent by a
    worker killed while sending it.)
    """

    def __init__(
        self,
        assessor: Assessor,
        chunks: list[Sequence[Path]],
        transform: Callable[[Assessment | Failure], Any],
        workers: int,
    ) -> None:
        import multiprocessing

        self.assessor = assessor
        self.chunks = chunks
        self.transform = transform
        self.workers = min(workers, len(chunks))
        self.fork = START_METHOD == "fork"
        self.context: Any = multiprocessing.get_context(START_METHOD)
        #: This process's end of every worker's pipe: a forked worker closes its copies.
        self.ends: list[Any] = []

    def run(self) -> Iterator[list[Any]]:
        """Every chunk's results, in chunk order."""
        from multiprocessing.connection import wait

        global _WORKER, _CHUNKS
        if self.fork:
            # Forked workers inherit the assessor and the chunks: a work item is a number.
            _WORKER, _CHUNKS = self.assessor, self.chunks
        busy: dict[Any, tuple[Any, int]] = {}  # connection → (process, chunk index)
        queue = iter(range(len(self.chunks)))
        done: dict[int, list[Any]] = {}
        following = 0
        try:
            for chunk in self.chunks[: self.workers]:
                read_ahead(chunk)
            for _ in range(self.workers):
                self._give(self._start(), queue, busy)
            while following < len(self.chunks):
                ready: list[Any] = list(wait(list(busy)))
                for conn in ready:
                    process, index = busy.pop(conn)
                    try:
                        done[index] = conn.recv()
                    except (EOFError, OSError):
                        # The worker died holding this chunk: lost; another takes its place.
                        done[index] = [self.transform(lost(p)) for p in self.chunks[index]]
                        conn.close()
                        _reap(process)
                        self._give(self._start(), queue, busy)
                    else:
                        self._give((process, conn), queue, busy)
                while following in done:
                    yield done.pop(following)
                    following += 1
        finally:
            kill_workers()
            _WORKER, _CHUNKS = None, []

    def _start(self) -> tuple[Any, Any]:
        parent, child = self.context.Pipe()
        assessor = self.assessor
        load = (
            None
            if self.fork
            else _Spec(
                assessor.rubric_path,
                assessor.reference_path,
                assessor.waivers,
                assessor.today,
                gc.get_threshold()[0],
            )
        )
        self.ends = [end for end in self.ends if not end.closed]
        self.ends.append(parent)
        # A forked worker closes the copies it inherits of this process's ends (its own
        # pipe's among them): were this process killed, every worker reads an end of file.
        inherited = tuple(self.ends) if self.fork else ()
        process = self.context.Process(
            target=_worker_main, args=(child, self.transform, load, inherited), daemon=True
        )
        with held():
            process.start()
            _PROCESSES.append(process)  # before a signal held meanwhile is handled
        child.close()  # only the worker holds its end: its death is an end of file here
        return process, parent

    def _give(
        self, worker: tuple[Any, Any], queue: Iterator[int], busy: dict[Any, tuple[Any, int]]
    ) -> None:
        """The next chunk to ``worker``; none left: the worker is told to stop."""
        process, conn = worker
        index = next(queue, None)
        try:
            if index is None:
                conn.send(None)
                conn.close()
                return
            conn.send((index, None if self.fork else self.chunks[index]))
        except OSError:  # the worker died while idle: its place is taken at the next chunk
            conn.close()
            _reap(process)
            if index is not None:
                self._give(self._start(), iter([index]), busy)
            return
        busy[conn] = (process, index)
        if index + self.workers < len(self.chunks):
            # Given in turn, chunks are asked for this far ahead: each is read while the
            # chunks given before it are assessed.
            read_ahead(self.chunks[index + self.workers])


@dataclasses.dataclass(frozen=True)
class _Spec:
    """What a spawned worker builds its assessor from (a forked one inherits the assessor),
    and when its garbage collector passes, as this process's does (a forked one inherits
    that too: the command line's ``pipeline._tune_gc``)."""

    rubric: Path | str | None
    reference: Path | None
    waivers: tuple[Waiver, ...]
    today: dt.date
    collect_after: int


def _worker_main(
    conn: Any,
    transform: Callable[[Assessment | Failure], Any],
    load: _Spec | None,
    inherited: tuple[Any, ...] = (),
) -> None:
    """A worker: chunks in, results out, until told to stop (signals: see ``_quiet_signals``).

    An end of file, or a pipe broken, means the main process is gone: the worker ends,
    saying nothing (no one is left to read it). An error in the work itself is not
    caught here: it ends the worker with its traceback, and its chunk is reported lost.
    """
    global _WORKER
    _quiet_signals()
    _PROCESSES.clear()  # the main process's list, inherited: not this worker's to stop
    for end in inherited:
        end.close()
    if load is not None:
        gc.set_threshold(load.collect_after)
        _WORKER = Assessor(load.rubric, load.reference, waivers=load.waivers, today=load.today)
    assert _WORKER is not None
    while True:
        try:
            item = conn.recv()
        except (EOFError, OSError):
            return
        if item is None:
            return
        index, paths = item
        chunk = paths if paths is not None else _CHUNKS[index]
        results = [transform(_WORKER.assess_file(path)) for path in chunk]
        try:
            conn.send(results)
        except OSError:  # a pipe broken: the main process is gone
            return


def _quiet_signals() -> None:
    """A worker leaves signals to the main process, which stops it.

    Ctrl-C reaches every process of the terminal's group, and a hang-up the
    whole session: the workers ignore both, so only the main process decides
    what happens (and reports it once). SIGTERM keeps its default: it is how
    the main process stops them. The worker was started with these held
    (``forks.held``): a Ctrl-C from before is dropped, a SIGTERM ends it.
    """
    set_child_signals(ignore=("SIGINT", "SIGHUP"))


def lost(path: Path) -> Failure:
    """The result of a file whose worker process died while assessing its chunk of files."""
    name = display_path(path)
    message = (
        "not assessed: the worker process assessing it (or a file near it) stopped "
        "(killed, or out of memory?)"
    )
    return Failure(name, (Problem(name, 1, 1, message),))


def _reap(process: Any) -> None:
    process.join(0.5)
    if process.is_alive():
        process.kill()
        process.join(0.5)
    if process in _PROCESSES:
        _PROCESSES.remove(process)


def kill_workers() -> None:
    """End every worker process now (SIGTERM, then SIGKILL after half a second) and reap it.

    Safe in a signal handler: it takes no lock, it only signals and waits for processes.
    """
    workers = list(_PROCESSES)
    for process in workers:
        if process.is_alive():
            process.terminate()
    for process in workers:
        _reap(process)


def _citation(source: Source, number: int) -> Citation:
    """A proposal's source as reports show it; one with no id is numbered by its place."""
    return Citation(
        source.id or f"source-{number}",
        source.title,
        source.url,
        source.date.isoformat() if source.date else None,
    )


def _identity(result: Assessment | Failure) -> Assessment | Failure:
    return result


class Identified(Protocol):
    """A result, or what a transform made of it: named by its file and the file's digest."""

    @property
    def file(self) -> str: ...
    @property
    def file_sha256(self) -> str: ...


R = TypeVar("R", bound=Identified)


def unique_ids(items: Iterable[R], refuse: Callable[[Failure], R]) -> Iterator[R]:
    """``items`` in order, each file whose proposal id an earlier file has replaced by
    ``refuse`` of its ``Failure``.

    Ids are what waivers, baselines and comparisons match on, so two files
    with one id would silently share them. An item is a result or what a
    transform made of it (rendered text, a packed result): anything with
    ``file``, ``file_sha256`` and, once assessed, ``proposal_id``.
    """
    seen: dict[str, str] = {}
    for item in items:
        # A Failure has no proposal id: nothing to refuse.
        proposal_id: str | None = getattr(item, "proposal_id", None)
        if proposal_id is not None:
            first = seen.setdefault(proposal_id, item.file)
            if first != item.file:
                failure = duplicate_failure(item.file, proposal_id, first, item.file_sha256)
                item = refuse(failure)
        yield item


def duplicate_failure(file: str, proposal_id: str, first: str, sha256: str) -> Failure:
    """The problem of a file whose proposal id an earlier file of the run already has."""
    message = f"proposal id '{proposal_id}' is already used by {first}; ids must be unique"
    return Failure(file, (Problem(file, _id_line(Path(file)), 1, message),), sha256)


def _id_line(path: Path) -> int:
    try:
        lines = path.read_text("utf-8", "replace").splitlines()
    except OSError:
        return 1
    return next((n for n, text in enumerate(lines, 1) if text.startswith("id:")), 1)


def _distinct_fingerprints(risks: list[Risk]) -> list[Risk]:
    """Number the repeats of a fingerprint (the same system bought twice), in file order."""
    seen: dict[str, int] = {}
    result = []
    for risk in risks:
        count = seen.get(risk.fingerprint, 0)
        seen[risk.fingerprint] = count + 1
        if count:
            digest = fingerprint(risk.id, risk.fingerprint, str(count))
            risk = structs.replace(risk, fingerprint=digest)
        result.append(risk)
    return result


def _warnings(proposal: Proposal, facts: Facts) -> list[Mark]:
    """Placeholders read as unknown, and states the reference data has no record of."""
    found = [
        Mark(path, f"'{claim.statement}' is a placeholder: read as unknown, not as an answer")
        for path, claim in _claims(proposal)
        if claim.placeholder
    ]
    found.extend(
        Mark(
            path,
            f"{code} has no record in the reference data: checks that need it treat it as unknown",
        )
        for code, path in facts.unrecorded
    )
    return found


def _claims(
    model: BaseModel, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], Claim]]:
    """Every claim in the proposal, with its YAML path."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, Claim):
            yield (*path, name), value
        elif isinstance(value, BaseModel):
            yield from _claims(value, (*path, name))


def _evidence(doc: Document, marks: Iterable[Mark]) -> tuple[Evidence, ...]:
    result = []
    for mark in marks:
        line, column = doc.place(mark.path)
        dotted = ".".join(map(str, mark.path))
        result.append(Evidence(mark.note, Location(doc.origin, line, column, dotted)))
    return tuple(result)


def timestamp() -> str:
    """Now in UTC, or ``SOURCE_DATE_EPOCH`` when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None:
        try:
            moment = dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise UsageError(
                f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not '{epoch}'"
            ) from None
    else:
        moment = dt.datetime.now(tz=dt.UTC)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def expand_paths(
    arguments: Iterable[str], *, skipped: list[str] | None = None
) -> tuple[list[Path], list[str]]:
    """Files, directories (searched for *.yaml and *.yml) and globs → sorted, unique files.

    Returns the files and the arguments that matched nothing. Sorted, so the
    order of the arguments never changes the order of a report. In a folder,
    every entry named *.yaml or *.yml that is not a folder is a candidate
    (a dangling link, a link loop or a FIFO is then reported, not skipped);
    hidden folders, virtual environments and what git ignores are not
    searched, and are listed in ``skipped`` (for ``--verbose``).
    """
    found: set[Path] = set()
    unmatched: list[str] = []
    notes = skipped if skipped is not None else []
    for arg in arguments:
        path = Path(arg)
        if path.is_dir():
            files = _walk(path, notes)
        elif os.path.lexists(path):
            files = [path]
        elif glob.has_magic(arg):
            files = [Path(p) for p in glob.glob(arg, recursive=True) if not Path(p).is_dir()]
        else:
            files = [path]
        if not files:
            unmatched.append(arg)
        found.update(files)
    return sorted(found), unmatched


def _walk(folder: Path, skipped: list[str]) -> list[Path]:
    """The candidate proposal files under ``folder`` (see ``expand_paths``)."""
    files: list[Path] = []
    unreadable: list[OSError] = []
    for top, dirs, names in os.walk(folder, onerror=unreadable.append):
        here = Path(top)
        kept = []
        for name in sorted(dirs):
            sub = here / name
            if name.startswith("."):
                skipped.append(f"{display_path(sub)}/: hidden folder, not searched")
            elif os.path.exists(sub / "pyvenv.cfg"):  # False, not an error, when unreadable
                skipped.append(f"{display_path(sub)}/: virtual environment, not searched")
            elif sub.is_symlink() or not sub.is_dir():
                # A link to a folder is not followed (it may loop); named like a proposal,
                # it is a candidate, reported as unusable.
                if name.endswith(YAML_SUFFIXES):
                    files.append(sub)
                else:
                    skipped.append(f"{display_path(sub)}/: link to a folder, not followed")
            else:
                kept.append(name)
        dirs[:] = kept
        files.extend(here / name for name in sorted(names) if name.endswith(YAML_SUFFIXES))
    # A folder that cannot be listed is a candidate too: it is reported, not skipped.
    files.extend(Path(error.filename) for error in unreadable if error.filename)
    ignored = _git_ignored(folder, files)
    for path in sorted(ignored):
        skipped.append(f"{display_path(path)}: ignored by git, not assessed")
    return [f for f in files if f not in ignored]


def _in_repository(folder: Path) -> bool:
    """Whether git could find a repository for ``folder``: a ``.git`` in it or above it, or
    one named by ``GIT_DIR``. Outside one, git is not started only to say so."""
    if os.environ.get("GIT_DIR"):
        return True
    try:
        here = folder.resolve()
    except (OSError, RuntimeError):
        return True  # let git answer
    return any(os.path.lexists(place / ".git") for place in (here, *here.parents))


def _git_ignored(folder: Path, files: list[Path]) -> set[Path]:
    """Which of ``files`` git ignores (.gitignore and friends); none outside a repository."""
    if not files or not _in_repository(folder):
        return set()
    import subprocess

    try:
        done = subprocess.run(
            ["git", "check-ignore", "-z", "--stdin"],
            cwd=folder,
            input=b"".join(os.fsencode(os.path.relpath(f, folder)) + b"\0" for f in files),
            capture_output=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return set()
    if done.returncode not in (0, 1):  # 128: not a repository
        return set()
    return {folder / os.fsdecode(name) for name in done.stdout.split(b"\0") if name}
