"""A gated batch kept compact: each result reduced to what the reports need as it arrives.

A batch with a gate, waivers or report files used to keep every result's
object graph (criteria, indicators, evidence, locations) until the end, since
the gate's verdict comes first in the JSON document and the workbook's
sheets depend on the whole batch (its Brief and Summary put the worst first,
its Risks the most severe): 10,000 proposals took 2 GB. Here each result is
waived, judged by the gate and rendered where it is assessed (in a worker,
when there are many), and only its JSON text and its workbook rows are kept,
compressed (a few KB a proposal); the reports are written from those at the
end, with the same bytes as from a whole ``Report``.

Used by ``assess`` when every report asked for is JSON, a workbook or the
terminal's listing of a large batch (``render.listing``); any other format
(Markdown, SARIF ...) still takes the whole ``Report``. A listing with no
report file streams (``stream`` with ``keep=False``): each packed result is
printed and dropped, and only the gate's tallies are kept.
"""

from __future__ import annotations

import functools
import pickle
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, overload

from policycheck import gate
from policycheck.assessment import Assessment, Breach, Failure, GateResult, Report, Waiver
from policycheck.engine import unique_ids
from policycheck.errors import Problem
from policycheck.render import json as json_render
from policycheck.render.listing import Brief, brief

if TYPE_CHECKING:
    from policycheck.engine import Assessor
    from policycheck.render.paper import Paper
    from policycheck.render.xlsx import ResultRows


@dataclass(frozen=True)
class Plan:
    """What is done to each result: the waivers to account for (the engine has applied them),
    the gate (if any) and whether a workbook is wanted.

    Crosses to worker processes with the function that applies it, so it holds values only.
    """

    waivers: tuple[Waiver, ...]
    thresholds: gate.Thresholds
    baseline: gate.Baseline | None
    workbook: bool
    #: The JSON text is wanted (a JSON report or workbook; not a listing alone).
    json: bool = True
    #: The terminal's line is wanted (``render.listing``).
    listing: bool = False


@dataclass(frozen=True, slots=True)
class Packed:
    """One result as the batch keeps it: what the summary, stderr and the gate need, and its
    JSON text and workbook rows compressed."""

    file: str
    proposal_id: str | None
    file_sha256: str
    grade: str | None
    problems: tuple[Problem, ...]
    breaches: tuple[Breach, ...]
    absorbed: int
    used: tuple[Waiver, ...]
    expired: tuple[Waiver, ...]
    json: bytes
    rows: bytes | None
    #: A check failed on the file (see ``Failure.internal``).
    internal: bool = False
    brief: Brief | None = None


def pack(result: Assessment | Failure, plan: Plan) -> Packed:
    """``result`` judged and rendered (module-level: a worker process may apply it)."""
    used, expired = gate.waivers_met(result, plan.waivers)
    breaches: list[Breach] = []
    absorbed = 0
    if plan.thresholds.active:
        breaches, absorbed = gate.result_breaches(result, plan.thresholds, plan.baseline)
    rendered = json_render.rendered(result)
    rows = None
    if plan.workbook:
        from policycheck.render import xlsx

        rows = zlib.compress(pickle.dumps(xlsx.result_rows(result), pickle.HIGHEST_PROTOCOL), 1)
    return Packed(
        file=result.file,
        proposal_id=rendered.proposal_id,
        file_sha256=result.file_sha256,
        grade=rendered.grade,
        problems=rendered.problems,
        breaches=tuple(breaches),
        absorbed=absorbed,
        used=tuple(used),
        expired=tuple(expired),
        json=zlib.compress(rendered.text.encode("utf-8"), 1) if plan.json else b"",
        rows=rows,
        internal=rendered.internal,
        brief=brief(result) if plan.listing else None,
    )


@dataclass
class Batch:
    """A whole batch, compact: its results in order (when kept) and what the gate made of them.

    The tallies are kept as each result is added, so a streamed batch that
    drops its results still knows its problems, failures and gate.
    """

    results: list[Packed] = field(default_factory=list)
    used: set[Waiver] = field(default_factory=set)
    expired: set[Waiver] = field(default_factory=set)
    #: Whether ``add`` keeps each packed result (False: a streamed listing).
    keep: bool = True
    problems: list[Problem] = field(default_factory=list)
    failures: int = 0
    #: How many files a check failed on (a bug).
    crashed: int = 0
    breaches: list[Breach] = field(default_factory=list)
    absorbed: int = 0
    assessed: set[str] = field(default_factory=set)

    def add(self, packed: Packed) -> None:
        """Count ``packed`` in; keep it when the batch keeps its results."""
        self.used.update(packed.used)
        self.expired.update(packed.expired)
        self.problems.extend(packed.problems)
        self.failures += packed.grade is None
        self.crashed += packed.internal
        self.breaches.extend(packed.breaches)
        self.absorbed += packed.absorbed
        if packed.proposal_id is not None:
            self.assessed.add(packed.proposal_id)
        if self.keep:
            self.results.append(packed)

    def verdicts(self, plan: Plan) -> tuple[tuple[Waiver, ...], tuple[Waiver, ...]]:
        """The unused and the expired waivers (see ``gate.waiver_verdicts``)."""
        return gate.waiver_verdicts(plan.waivers, self.used, self.expired, self.assessed)

    def gate_result(
        self, plan: Plan, *, soft: bool, expired: tuple[Waiver, ...], unused: tuple[Waiver, ...]
    ) -> GateResult:
        return gate.verdict(
            self.breaches,
            self.absorbed,
            plan.thresholds,
            soft=soft,
            expired=expired,
            unused=unused,
        )

    def json_chunks(self, report: Report) -> Iterator[str]:
        """The JSON document of ``report`` (whose own results are unread) with these results."""
        prerendered = (
            json_render.RenderedResult(
                zlib.decompress(r.json).decode("utf-8"), r.grade, (), r.file, None, ""
            )
            for r in self.results
        )
        return json_render.chunks(report, prerendered=prerendered)

    def briefs(self) -> Iterator[Brief]:
        """Each kept result's line for the terminal's listing."""
        for r in self.results:
            assert r.brief is not None, "packed without its listing line"
            yield r.brief

    def workbook(self, report: Report, *, paper: Paper, marking: str | None) -> bytes:
        """The workbook of ``report`` (whose own results are unread) with these results."""
        from policycheck.render import xlsx

        return xlsx.render_rows(report, _Rows(self.results), paper=paper, marking=marking)


class _Rows(Sequence["ResultRows"]):
    """The workbook rows of packed results, unpacked one result at a time at each reading."""

    def __init__(self, results: Sequence[Packed]) -> None:
        self._results = results

    @overload
    def __getitem__(self, index: int) -> ResultRows: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[ResultRows]: ...
    def __getitem__(self, index: int | slice) -> ResultRows | Sequence[ResultRows]:
        if isinstance(index, slice):
            return _Rows(self._results[index])
        rows = self._results[index].rows
        assert rows is not None, "packed without workbook rows"
        unpacked: ResultRows = pickle.loads(zlib.decompress(rows))
        return unpacked

    def __len__(self) -> int:
        return len(self._results)


def run(
    assessor: Assessor,
    files: Sequence[Path],
    plan: Plan,
    *,
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Batch:
    """Assess ``files`` and keep each result packed (see the module docstring)."""
    batch = Batch()
    for _ in stream(assessor, files, plan, batch, jobs=jobs, progress=progress):
        pass
    return batch


def stream(
    assessor: Assessor,
    files: Sequence[Path],
    plan: Plan,
    batch: Batch,
    *,
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[Packed]:
    """Each file's packed result as it arrives, counted into ``batch`` first."""
    transform = functools.partial(pack, plan=plan)
    for packed in unique_ids(assessor.iter_mapped(files, transform, jobs=jobs), transform):
        batch.add(packed)
        if progress:
            progress(1)
        yield packed
