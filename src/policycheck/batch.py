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

Used by ``assess`` when every report asked for is JSON or a workbook; any
other format (the terminal report, Markdown, SARIF ...) still takes the
whole ``Report``.
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
        json=zlib.compress(rendered.text.encode("utf-8"), 1),
        rows=rows,
        internal=rendered.internal,
    )


@dataclass
class Batch:
    """A whole batch, compact: its results in order and what the gate made of them."""

    results: list[Packed] = field(default_factory=list)
    used: set[Waiver] = field(default_factory=set)
    expired: set[Waiver] = field(default_factory=set)

    @property
    def problems(self) -> Iterator[Problem]:
        return (p for r in self.results for p in r.problems)

    @property
    def failures(self) -> int:
        return sum(r.grade is None for r in self.results)

    @property
    def crashed(self) -> int:
        """How many files a check failed on (a bug)."""
        return sum(r.internal for r in self.results)

    def verdicts(self, plan: Plan) -> tuple[tuple[Waiver, ...], tuple[Waiver, ...]]:
        """The unused and the expired waivers (see ``gate.waiver_verdicts``)."""
        assessed = {r.proposal_id for r in self.results if r.proposal_id is not None}
        return gate.waiver_verdicts(plan.waivers, self.used, self.expired, assessed)

    def gate_result(
        self, plan: Plan, *, soft: bool, expired: tuple[Waiver, ...], unused: tuple[Waiver, ...]
    ) -> GateResult:
        return gate.verdict(
            (b for r in self.results for b in r.breaches),
            sum(r.absorbed for r in self.results),
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
    transform = functools.partial(pack, plan=plan)
    batch = Batch()
    for packed in unique_ids(assessor.iter_mapped(files, transform, jobs=jobs), transform):
        batch.used.update(packed.used)
        batch.expired.update(packed.expired)
        batch.results.append(packed)
        if progress:
            progress(1)
    return batch
