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
import functools
import glob
import hashlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from policycheck import __version__
from policycheck.assessment import (
    Assessment,
    Evidence,
    Failure,
    Location,
    Report,
    Risk,
    RiskFamily,
    RiskRule,
    RubricInfo,
    Severity,
    fingerprint,
)
from policycheck.checks import REGISTRY, Context, Mark, Registry
from policycheck.errors import InputError, Problem, UsageError
from policycheck.facts import derive_facts
from policycheck.loading import Document, load_yaml_bytes, read_bytes
from policycheck.model import Proposal, parse_proposal
from policycheck.reference import ReferenceData, load_reference
from policycheck.rubric import LoadedRubric, load_rubric
from policycheck.scoring import grade, improvements, score_criteria

PARALLEL_THRESHOLD = 200
T = TypeVar("T")
YAML_SUFFIXES = (".yaml", ".yml")


class Assessor:
    """Holds a validated rubric and reference data, and assesses proposals with them."""

    def __init__(
        self,
        rubric: Path | None = None,
        reference: Path | None = None,
        registry: Registry = REGISTRY,
    ) -> None:
        self.rubric_path = rubric
        self.reference_path = reference
        self.loaded: LoadedRubric = load_rubric(rubric, registry)
        self.registry = self.loaded.registry
        self.reference: ReferenceData = load_reference(reference or self.loaded.reference)
        self._context = {
            "codes": self.reference.codes,
            "formats": self.reference.formats,
            "instruments": self.reference.instruments,
        }

    @property
    def rubric_info(self) -> RubricInfo:
        r = self.loaded.rubric
        return RubricInfo(r.id, r.version, r.title, self.loaded.sha256)

    def assess_file(self, path: Path | str, origin: str | None = None) -> Assessment | Failure:
        """Assess one file; problems come back as a ``Failure``, never raised."""
        name = origin if origin is not None else str(path)
        path = Path(path)
        try:
            raw = read_bytes(path, name)
        except InputError as exc:
            return Failure(name, tuple(exc.problems))
        try:
            return self.assess_bytes(raw, name)
        except InputError as exc:
            return Failure(name, tuple(exc.problems), hashlib.sha256(raw).hexdigest())

    def assess_bytes(self, raw: bytes, origin: str) -> Assessment:
        """Assess a proposal given as bytes; raise ``InputError`` when it cannot be used."""
        doc = load_yaml_bytes(raw, origin, lenient=True)
        proposal = parse_proposal(doc, self._context)
        return self.assess(proposal, doc, hashlib.sha256(raw).hexdigest())

    def assess(self, proposal: Proposal, doc: Document, sha256: str = "") -> Assessment:
        """Run every check of the rubric on a validated proposal and score it."""
        rubric = self.loaded.rubric
        context = Context(proposal, derive_facts(proposal, self.reference), self.reference)
        levels: dict[str, tuple[str, tuple[Evidence, ...]]] = {}
        risks: list[Risk] = []
        for criterion in rubric.criteria.values():
            for check_id in criterion.indicators:
                outcome = self.registry[check_id](context)
                levels[check_id] = (outcome.level, _evidence(doc, outcome.marks))
                for hit in outcome.risks:
                    spec = rubric.risks[hit.risk]
                    evidence = _evidence(doc, hit.marks)
                    path = evidence[0].location.path if evidence else ""
                    risks.append(
                        Risk(
                            id=hit.risk,
                            title=spec.title,
                            family=RiskFamily(spec.family),
                            severity=Severity(hit.severity or spec.severity),
                            finding=hit.finding,
                            evidence=evidence,
                            mitigation=spec.mitigation,
                            brief=spec.brief,
                            check_id=check_id,
                            fingerprint=fingerprint(hit.risk, proposal.id, hit.subject or path),
                        )
                    )
        risks = _distinct_fingerprints(risks)
        risks.sort(key=lambda r: (-r.severity.rank, r.id, r.finding))
        criteria, overall = score_criteria(rubric, levels)
        uncapped, final, cap = grade(rubric, overall, tuple(risks))
        return Assessment(
            file=doc.origin,
            file_sha256=sha256,
            proposal_id=proposal.id,
            title=proposal.title,
            status=proposal.status,
            lead=proposal.lead,
            participants=proposal.countries,
            score=round(overall, 1),
            grade=final,
            uncapped_grade=uncapped,
            cap=cap,
            criteria=criteria,
            risks=tuple(risks),
            improvements=improvements(criteria),
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
        workers = jobs if jobs is not None else (os.cpu_count() or 1)
        if workers <= 1 or len(paths) < PARALLEL_THRESHOLD:
            for path in paths:
                yield transform(self.assess_file(path))
            return
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        chunk = max(16, len(paths) // (workers * 8))
        if sys.platform.startswith("linux"):
            # Forked workers inherit this assessor: no rubric or reference to read again.
            global _WORKER
            _WORKER = self
            options: dict[str, Any] = {"mp_context": multiprocessing.get_context("fork")}
        else:
            options = {
                "initializer": _init_worker,
                "initargs": (self.rubric_path, self.reference_path),
            }
        try:
            with ProcessPoolExecutor(max_workers=workers, **options) as pool:
                work = functools.partial(_assess_in_worker, transform=transform)
                yield from pool.map(work, paths, chunksize=chunk)
        finally:
            _WORKER = None

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
            grade_bands=tuple((g, rubric.grades[g]) for g in ("A", "B", "C", "D", "F")),
            results=tuple(results),
            caps=tuple(sorted(rubric.caps.items(), key=lambda c: c[1])),
            insufficient_rule=rubric.insufficient_information.rule,
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
        """Assess many files (in parallel when there are many) into one ``Report``."""
        results: list[Assessment | Failure] = []
        ids: dict[str, str] = {}
        for result in self.iter_results(paths, jobs=jobs):
            results.append(duplicate_id(result, ids))
            if progress:
                progress(1)
        return self.report(results, generated_at=generated_at)


_WORKER: Assessor | None = None


def _init_worker(rubric: Path | None, reference: Path | None) -> None:
    global _WORKER
    _WORKER = Assessor(rubric, reference)


def _assess_in_worker(path: Path, transform: Callable[[Assessment | Failure], T]) -> T:
    assert _WORKER is not None
    return transform(_WORKER.assess_file(path))


def _identity(result: Assessment | Failure) -> Assessment | Failure:
    return result


def duplicate_id(result: Assessment | Failure, seen: dict[str, str]) -> Assessment | Failure:
    """``result``, or a ``Failure`` when an earlier file of the run has the same proposal id.

    Ids are what waivers, baselines and comparisons match on, so two files
    with one id would silently share them.
    """
    if not isinstance(result, Assessment):
        return result
    first = seen.setdefault(result.proposal_id, result.file)
    if first == result.file:
        return result
    return duplicate_failure(result.file, result.proposal_id, first, result.file_sha256)


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
            risk = dataclasses.replace(risk, fingerprint=digest)
        result.append(risk)
    return result


def _evidence(doc: Document, marks: Iterable[Mark]) -> tuple[Evidence, ...]:
    result = []
    for mark in marks:
        line, column = doc.position(mark.path)
        dotted = ".".join(str(p) for p in mark.path)
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


def expand_paths(arguments: Iterable[str]) -> tuple[list[Path], list[str]]:
    """Files, directories (searched for *.yaml and *.yml) and globs → sorted, unique files.

    Returns the files and the arguments that matched nothing.
    """
    found: dict[Path, None] = {}
    unmatched: list[str] = []
    for arg in arguments:
        path = Path(arg)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file())
        elif path.exists():
            files = [path]
        elif glob.has_magic(arg):
            files = sorted(Path(p) for p in glob.glob(arg, recursive=True) if Path(p).is_file())
        else:
            files = [path]
        if not files:
            unmatched.append(arg)
        found.update(dict.fromkeys(files))
    return list(found), unmatched
