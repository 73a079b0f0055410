"""A batch kept compact: each result reduced to what the reports need as it arrives.

A batch with a gate, waivers or report files used to keep every result's
object graph (criteria, indicators, evidence, locations) until the end, since
the gate's verdict comes first in the JSON document, the workbook's sheets
depend on the whole batch (its Brief and Summary put the worst first, its
Risks the most severe) and the Markdown, SARIF, JUnit and HTML reports open
with counts and summaries of every result: 10,000 proposals took 2 GB. Here
each result is waived, judged by the gate and rendered where it is assessed
(in a worker, when there are many): its JSON text, its workbook rows, its
listing line and its piece of each report file asked for (a Markdown section
and summary row, its SARIF results, its JUnit suite, its HTML article, its
GitHub annotations; see ``render.parts``). As each packed result arrives its pieces are spilled
(compressed, in a large batch) to anonymous temporary files, and only small tallies stay in
memory (counts, the gate's breaches, the SARIF artifacts, an offset a piece):
memory does not grow with the batch. The reports are written from the
spilled pieces at the end, a piece at a time, with the same bytes as from a
whole ``Report`` (the renderers assemble both from the same pieces).

Used by ``assess`` unless a format needs every result (the terminal's full
reports, ``--uncertainty``). The GitHub annotations keep only the first few of
each level (GitHub shows ten) and their counts; the job summary is read from
the Markdown pieces. A listing
with no report file streams (``stream`` with ``keep=False``): each packed
result is printed and dropped, and only the gate's tallies are kept.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from policycheck import gate
from policycheck.assessment import Assessment, Breach, Failure, GateResult, Report, Waiver
from policycheck.engine import unique_ids
from policycheck.errors import Problem
from policycheck.render import github, html, junit, markdown, sarif
from policycheck.render import json as json_render
from policycheck.render.listing import Brief, brief
from policycheck.render.parts import Parts, Shelf, seal_utf8, spilled, unseal_utf8

if TYPE_CHECKING:
    from policycheck.engine import Assessor
    from policycheck.output import Writer
    from policycheck.render.paper import Paper
    from policycheck.render.paths import SourceRoot
    from policycheck.render.xlsx.direct import Gathering, ResultParts


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
    #: The pieces of the report files wanted: Markdown, HTML, JUnit ...
    markdown: bool = False
    html: bool = False
    junit: bool = False
    github: bool = False
    #: ... and SARIF: each rule's place among the run's rules (None: no SARIF), whether
    #: waived risks are kept and the repository root URIs (and the annotations' files) are
    #: relative to.
    sarif: tuple[tuple[str, int], ...] | None = None
    keep_waived: bool = False
    where: SourceRoot | None = None
    #: Whether the pieces are compressed where they are made (``COMPRESSED_FROM``).
    compress: bool = False


#: From this many files, each result's pieces (its JSON text, workbook rows and report
#: pieces) are compressed where they are made: spilled as they are, a proposal's JSON,
#: Markdown and SARIF take about 40 KB of the temporary folder, a quarter of that
#: compressed. Under it they are not, which spares the workers a sixth of the time they
#: take to render a result.
COMPRESSED_FROM = 5_000


@dataclass(frozen=True, slots=True)
class Packed:
    """One result as the batch keeps it: what the summary, stderr and the gate need, and its
    JSON text, workbook rows and report pieces (compressed in a large batch)."""

    file: str
    proposal_id: str | None
    file_sha256: str
    grade: str | None
    problems: tuple[Problem, ...]
    breaches: tuple[Breach, ...]
    absorbed: int
    used: tuple[Waiver, ...]
    expired: tuple[Waiver, ...]
    #: Its JSON, sealed (``parts.seal_utf8``); empty when not wanted.
    json: bytes
    #: Its rows as the workbook's first reading keeps them (``xlsx.result_parts``).
    rows: ResultParts | None
    #: A check failed on the file (see ``Failure.internal``).
    internal: bool = False
    brief: Brief | None = None
    markdown: markdown.Piece | None = None
    html: html.Piece | None = None
    junit: junit.Piece | None = None
    sarif: sarif.Piece | None = None
    github: github.Piece | None = None


def pack(result: Assessment | Failure, plan: Plan) -> Packed:
    """``result`` judged and rendered (module-level: a worker process may apply it)."""
    used, expired = gate.waivers_met(result, plan.waivers)
    breaches: list[Breach] = []
    absorbed = 0
    if plan.thresholds.active:
        breaches, absorbed = gate.result_breaches(result, plan.thresholds, plan.baseline)
    rendered = json_render.rendered(result, text=plan.json)
    rows = None
    if plan.workbook:
        from policycheck.render import xlsx

        rows = xlsx.result_parts(result, compress=plan.compress)
    # The gate as a report file sees it for this result: its thresholds and its breaches.
    judged = gate.verdict(breaches, absorbed, plan.thresholds, soft=False)
    verdict = judged if plan.thresholds.active else None
    sarif_piece = None
    if plan.sarif is not None:
        breaching = frozenset(
            b.risk_fingerprint for b in breaches if b.kind == "risk" and b.risk_fingerprint
        )
        sarif_piece = sarif.piece(
            result,
            dict(plan.sarif),
            breaching,
            keep_waived=plan.keep_waived,
            where=plan.where,
            compress=plan.compress,
        )
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
        json=seal_utf8(rendered.data, plan.compress) if plan.json else b"",
        rows=rows,
        internal=rendered.internal,
        brief=brief(result) if plan.listing else None,
        markdown=markdown.piece(result, compress=plan.compress) if plan.markdown else None,
        html=html.piece(result, compress=plan.compress) if plan.html else None,
        junit=junit.piece(result, verdict, compress=plan.compress) if plan.junit else None,
        sarif=sarif_piece,
        github=github.piece(result, breaches, plan.where) if plan.github else None,
    )


class Batch:
    """A whole batch, compact: what the gate made of its results, their tallies and (when
    kept) their pieces, spilled to temporary files as they arrive.

    The tallies are kept as each result is added, so a streamed batch that
    drops its results still knows its problems, failures and gate.
    """

    def __init__(
        self,
        *,
        keep: bool = True,
        shelf: Shelf = spilled,
        rules: list[dict[str, object]] | None = None,
        where: SourceRoot | None = None,
        compressed: bool = False,
    ) -> None:
        #: Whether ``add`` keeps each packed result's pieces (False: a streamed listing).
        self.keep = keep
        #: Whether the pieces were compressed where they were made (``Plan.compress``).
        self.compressed = compressed
        self.used: set[Waiver] = set()
        self.expired: set[Waiver] = set()
        self.problems: list[Problem] = []
        self.failures = 0
        #: How many files a check failed on (a bug).
        self.crashed = 0
        self.breaches: list[Breach] = []
        self.absorbed = 0
        self.assessed: set[str] = set()
        #: Each kept result's grade (None: invalid) and sealed JSON, packed workbook
        #: rows and listing line, when packed with them.
        self.json: Parts[tuple[str | None, bytes]] = shelf()
        self._shelf = shelf
        #: The workbook's first reading, put together as the results arrive (when wanted).
        self.gathering: Gathering | None = None
        self.briefs_: Parts[Brief] = shelf()
        self.markdown = markdown.Book(shelf)
        self.html = html.Book(shelf)
        self.junit = junit.Book(shelf)
        self.sarif = sarif.Book(rules or [], where, shelf)
        self.github = github.Book(where=where)

    def add(self, packed: Packed) -> None:
        """Count ``packed`` in; keep its pieces when the batch keeps its results."""
        self.used.update(packed.used)
        self.expired.update(packed.expired)
        self.problems.extend(packed.problems)
        self.failures += packed.grade is None
        self.crashed += packed.internal
        self.breaches.extend(packed.breaches)
        self.absorbed += packed.absorbed
        if packed.proposal_id is not None:
            self.assessed.add(packed.proposal_id)
        if not self.keep:
            return
        if packed.json:
            self.json.append((packed.grade, packed.json))
        if packed.rows is not None:
            if self.gathering is None:
                from policycheck.render import xlsx

                self.gathering = xlsx.new_gathering(self._shelf)
            self.gathering.add(packed.rows)
        if packed.brief is not None:
            self.briefs_.append(packed.brief)
        if packed.markdown is not None:
            self.markdown.add(packed.markdown)
        if packed.html is not None:
            self.html.add(packed.html)
        if packed.junit is not None:
            self.junit.add(packed.junit)
        if packed.sarif is not None:
            self.sarif.add(packed.sarif)
        if packed.github is not None:
            self.github.add(packed.github)

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

    def json_chunks(self, report: Report) -> Iterator[bytes]:
        """The JSON document of ``report`` (whose own results are unread) with these results."""
        prerendered = (
            json_render.RenderedResult(unseal_utf8(data, self.compressed), grade, (), "", None, "")
            for grade, data in self.json
        )
        return json_render.chunks(report, prerendered=prerendered)

    def briefs(self) -> Iterator[Brief]:
        """Each kept result's line for the terminal's listing."""
        return iter(self.briefs_)

    def workbook(self, report: Report, *, paper: Paper, marking: str | None) -> Writer:
        """What writes the workbook of ``report`` (whose own results are unread) with these
        results into a file, as it is compressed: a batch's workbook is never held whole."""
        from policycheck.render import xlsx

        gathering = self.gathering or xlsx.new_gathering(self._shelf)

        def write(out: BinaryIO) -> None:
            xlsx.write_gathered(out, report, gathering.gathered, paper=paper, marking=marking)

        return write


def run(
    assessor: Assessor,
    files: Sequence[Path],
    plan: Plan,
    *,
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Batch:
    """Assess ``files`` and keep each result packed (see the module docstring).

    A workbook's libraries are imported once the first result is in: the workers have been
    forked without them, and assess the rest meanwhile (see ``xlsx.prepare``).
    """
    batch = Batch(rules=plan_rules(plan, assessor), where=plan.where, compressed=plan.compress)
    unprepared = plan.workbook
    for _ in stream(assessor, files, plan, batch, jobs=jobs, progress=progress):
        if unprepared:
            from policycheck.render import xlsx

            xlsx.prepare()
            unprepared = False
    return batch


def plan_rules(plan: Plan, assessor: Assessor) -> list[dict[str, object]]:
    """The SARIF run's rules, when SARIF is wanted."""
    if plan.sarif is None:
        return []
    return sarif.rules(assessor.report(()))


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
