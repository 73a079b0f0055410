"""GitHub Actions annotations (``--format github``, the default when ``GITHUB_ACTIONS=true``).

One workflow command a line. First a ``::notice::`` with the verdict (the gate's, with its
breaches and thresholds; each proposal's grade and score, or the grades counted when there are
many; invalid files), then the annotations by level (errors, warnings, notices) and, within a
level, the most severe first (gate breaches and unusable files, then critical, high, medium and
low risks), in report order among equals:

* ``::error`` for a critical or high risk that is not waived, for any risk the gate counts as a
  breach (whatever its severity), for each grade, score or criterion breach of the gate and
  for each problem of a file that cannot be assessed;
* ``::warning`` for a medium risk, ``::notice`` for a low one;
* ``::notice`` for a waived risk ("waived until … by …: justification"); a risk whose waiver
  has expired is annotated at its own level, saying so;
* ``::warning`` for an expired waiver, ``::notice`` for an unused one, at the configuration line.

GitHub shows only ``ANNOTATION_LIMIT`` (10) annotations of each level per step and drops the
rest. So no level gets more: when there are more, the last one shown says how many more there
are and that every finding is in the job summary and the report files.

Values are escaped as the runner expects: in the message ``%`` ``\\r`` ``\\n`` become ``%25``
``%0D`` ``%0A``; in properties (``file``, ``title`` …) ``:`` and ``,`` also become ``%3A``
and ``%2C``. The CLI separately appends the Markdown report to ``$GITHUB_STEP_SUMMARY``, cut by
``step_summary`` to GitHub's 1 MiB limit with a pointer to the full report files.
Pure and deterministic: no I/O, no clock.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from policycheck.assessment import (
    Assessment,
    Breach,
    Failure,
    GateResult,
    Report,
    Risk,
    Severity,
    Waiver,
)
from policycheck.render.paths import SourceRoot, repository_path

#: Gate breaches annotated on their own (risk breaches raise the risk's level to error;
#: an unusable file's problems are annotated one by one).
GATE_KINDS = frozenset({"grade", "score", "criterion"})

LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "notice",
}

#: Annotations GitHub shows of each level (error, warning, notice) in one step.
ANNOTATION_LIMIT = 10
#: Proposals listed one by one in the verdict; past this the grades are counted.
LISTED_PROPOSALS = 10

_LEVEL_ORDER = ("error", "warning", "notice")
#: Order within a level: gate breaches and unusable files first, then risks by severity.
_FIRST = 10
_LAST = 0


def escape_data(value: str) -> str:
    """A workflow command's message, escaped."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """A workflow command's property value, escaped."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(
    level: str,
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    col: int | None = None,
    title: str | None = None,
) -> str:
    """``::level file=F,line=L,col=C,title=T::message`` with the properties given."""
    props: list[str] = []
    if file is not None:
        props.append(f"file={escape_property(file)}")
        if line is not None:
            props.append(f"line={max(1, line)}")
            if col is not None:
                props.append(f"col={max(1, col)}")
    if title is not None:
        props.append(f"title={escape_property(title)}")
    head = f"::{level} {','.join(props)}" if props else f"::{level}"
    return f"{head}::{escape_data(message)}"


Annotation = tuple[str, int, str]
"""An annotation: its level, its rank within the level (higher first) and its command line."""


def _place(file: str, where: SourceRoot | None) -> str:
    """``file`` relative to the repository root, where GitHub looks for it; as given when
    there is no ``where`` or the file lies outside the repository."""
    if where is None:
        return file
    return repository_path(file, where) or file


def _risk(
    a: Assessment, risk: Risk, breaching: frozenset[str], where: SourceRoot | None
) -> Annotation:
    loc = risk.evidence[0].location if risk.evidence else None
    file, line, col = (loc.file, loc.line, loc.column) if loc else (a.file, None, None)
    file = _place(file, where)
    title = f"{risk.id} {risk.title} ({risk.severity.value})"
    body = f"{a.proposal_id}: {risk.finding}"
    use = risk.waiver
    if use is not None and use.active:
        w = use.waiver
        message = f"waived until {w.expires.isoformat()} by {w.owner}: {w.justification}\n{body}"
        text = command("notice", message, file=file, line=line, col=col, title=f"{title}, waived")
        return "notice", _LAST, text
    if use is not None:
        w = use.waiver
        body += (
            f"\nThe waiver by {w.owner} expired on {w.expires.isoformat()}: "
            "the risk is no longer waived."
        )
    level = "error" if risk.fingerprint in breaching else LEVELS[risk.severity]
    message = f"{body}\nMitigation: {risk.mitigation}\nBrief: {risk.brief}"
    return (
        level,
        risk.severity.rank,
        command(level, message, file=file, line=line, col=col, title=title),
    )


def _failure(f: Failure, where: SourceRoot | None) -> Iterator[Annotation]:
    if not f.problems:
        yield (
            "error",
            _FIRST,
            command(
                "error", "cannot be assessed", file=_place(f.file, where), title="Invalid proposal"
            ),
        )
    for p in f.problems:
        yield (
            "error",
            _FIRST,
            command(
                "error",
                p.message,
                file=_place(p.file, where),
                line=p.line,
                col=p.column,
                title="Invalid proposal",
            ),
        )


def _origin(w: Waiver) -> tuple[str, int | None]:
    path, sep, line = w.origin.rpartition(":")
    if sep and line.isdigit() and path:
        return path, int(line)
    return w.origin, None


@dataclass(frozen=True, slots=True)
class Piece:
    """One result's annotations and what the verdict says of it: (proposal id, grade, score)
    of an assessment, None for a file that cannot be assessed."""

    verdict: tuple[str, str, float] | None
    annotations: tuple[Annotation, ...]


def piece(
    result: Assessment | Failure, breaches: Sequence[Breach], where: SourceRoot | None = None
) -> Piece:
    """``result``'s annotations (module-level: a worker process may make them); ``breaches``
    are the gate's (only ``result``'s are read)."""
    if isinstance(result, Failure):
        return Piece(None, tuple(_failure(result, where)))
    breaching = frozenset(b.risk_fingerprint for b in breaches if b.risk_fingerprint)
    items = [_risk(result, risk, breaching, where) for risk in result.risks]
    for b in breaches:
        if b.kind in GATE_KINDS and (b.file, b.proposal_id) == (result.file, result.proposal_id):
            items.append(
                (
                    "error",
                    _FIRST,
                    command(
                        "error",
                        f"{b.proposal_id}: {b.message}",
                        file=_place(b.file, where),
                        line=b.line,
                        col=b.column,
                        title=f"policycheck gate: {b.kind}",
                    ),
                )
            )
    return Piece((result.proposal_id, result.grade, result.score), tuple(items))


def _waivers(gate: GateResult | None, where: SourceRoot | None) -> Iterator[Annotation]:
    """The annotations of the expired and the unused waivers."""
    if gate is None:
        return
    for w in gate.expired_waivers:
        file, line = _origin(w)
        yield (
            "warning",
            _LAST,
            command(
                "warning",
                f"the waiver of {w.target} for {w.proposal} (owner {w.owner}) expired on "
                f"{w.expires.isoformat()}: {w.justification}",
                file=_place(file, where),
                line=line,
                title="Expired waiver",
            ),
        )
    for w in gate.unused_waivers:
        file, line = _origin(w)
        yield (
            "notice",
            _LAST,
            command(
                "notice",
                f"the waiver of {w.target} for {w.proposal} (owner {w.owner}) matches no finding",
                file=_place(file, where),
                line=line,
                title="Unused waiver",
            ),
        )


class _Levels:
    """How many annotations each level has, and its first ``limit`` in the order they are
    shown (most severe first, then in report order)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.counts: Counter[str] = Counter()
        self.top: dict[str, list[tuple[int, int, str]]] = {level: [] for level in _LEVEL_ORDER}
        self.seen = 0

    def add(self, annotation: Annotation) -> None:
        level, rank, text = annotation
        self.counts[level] += 1
        key = (-rank, self.seen, text)
        self.seen += 1
        top = self.top[level]
        if len(top) < self.limit or key < top[-1]:
            bisect.insort(top, key)
            del top[self.limit :]

    def copy(self) -> _Levels:
        other = _Levels(self.limit)
        other.counts = self.counts.copy()
        other.top = {level: list(items) for level, items in self.top.items()}
        other.seen = self.seen
        return other


class Book:
    """A run's annotations as its results arrive: only the first of each level are kept,
    with the tallies the verdict needs."""

    def __init__(self, limit: int = ANNOTATION_LIMIT, where: SourceRoot | None = None) -> None:
        self.where = where
        self.levels = _Levels(limit)
        self.grades: Counter[str] = Counter()
        #: The first proposals assessed: listed one by one when there are few.
        self.listed: list[tuple[str, str, float]] = []
        self.failures = 0

    def add(self, p: Piece) -> None:
        if p.verdict is None:
            self.failures += 1
        else:
            self.grades[p.verdict[1]] += 1
            if len(self.listed) <= LISTED_PROPOSALS:
                self.listed.append(p.verdict)
        for annotation in p.annotations:
            self.levels.add(annotation)

    @classmethod
    def of(
        cls, report: Report, *, limit: int = ANNOTATION_LIMIT, where: SourceRoot | None = None
    ) -> Book:
        book = cls(limit, where)
        breaches = report.gate.breaches if report.gate is not None else ()
        for result in report.results:
            book.add(piece(result, breaches, where))
        return book

    def lines(self, report: Report) -> Iterator[str]:
        """The verdict, then the annotations by level and severity, ``limit`` of each level at
        most (the verdict counts as a notice). ``report`` gives the gate (its results are not
        read)."""
        levels = self.levels.copy()
        for annotation in _waivers(report.gate, self.where):
            levels.add(annotation)
        yield self._summary(report.gate)
        for level in _LEVEL_ORDER:
            budget = levels.limit - 1 if level == "notice" else levels.limit
            shown = [text for _, _, text in levels.top[level]]
            yield from _capped(shown, levels.counts[level], level, budget)

    def _summary(self, gate: GateResult | None) -> str:
        """The verdict first, then what was assessed."""
        if gate is None:
            text = "policycheck: no gate"
        else:
            verdict = "passed" if gate.passed else ("failed (soft)" if gate.soft else "failed")
            text = f"policycheck: gate {verdict}: {len(gate.breaches)} breach(es)"
            if gate.absorbed_by_baseline:
                text += f", {gate.absorbed_by_baseline} absorbed by the baseline"
            if gate.thresholds:
                text += f"; requires {'; '.join(gate.thresholds)}"
        assessed = self.grades.total()
        text += f"; {assessed} proposal(s) assessed"
        if assessed > LISTED_PROPOSALS:
            text += ": grades " + ", ".join(f"{g} {n}" for g, n in sorted(self.grades.items()))
        elif assessed:
            text += ": " + ", ".join(
                f"{pid} {grade} ({score:.1f})" for pid, grade, score in self.listed
            )
        if self.failures:
            text += f"; {self.failures} file(s) cannot be assessed"
        return command("notice", text)


def _capped(shown: list[str], total: int, level: str, budget: int) -> Iterator[str]:
    """At most ``budget`` lines of ``level`` (of ``total``, whose first are ``shown``); past
    it, the last says how many more there are."""
    if total <= budget:
        yield from shown
        return
    kept = max(0, budget - 1)
    yield from shown[:kept]
    more = total - kept
    yield command(
        level,
        f"{more} more {level} annotation(s) not shown: GitHub shows {ANNOTATION_LIMIT} of each "
        "kind per step. Every finding is in the job summary and in the report files.",
        title=f"policycheck: {more} more",
    )


def lines(
    report: Report, *, limit: int = ANNOTATION_LIMIT, where: SourceRoot | None = None
) -> Iterator[str]:
    """The verdict, then the annotations of ``report`` by level and severity, ``limit`` of each
    level at most (the verdict counts as a notice); files relative to ``where.root``."""
    return Book.of(report, limit=limit, where=where).lines(report)


def _annotations(report: Report, where: SourceRoot | None = None) -> Iterator[Annotation]:
    """Every annotation of ``report``, in report order."""
    breaches = report.gate.breaches if report.gate is not None else ()
    for result in report.results:
        yield from piece(result, breaches, where).annotations
    yield from _waivers(report.gate, where)


def chunks(report: Report, *, where: SourceRoot | None = None) -> Iterator[str]:
    return (f"{line}\n" for line in lines(report, where=where))


def render(report: Report, *, where: SourceRoot | None = None) -> str:
    return "".join(chunks(report, where=where))


#: GitHub's limit on one step's job summary (bytes); a larger summary is not shown at all.
SUMMARY_LIMIT = 1024 * 1024


def step_summary(markdown: str | Iterable[str], room: int, reports: Sequence[str] = ()) -> str:
    """``markdown`` (text, or its chunks) for ``$GITHUB_STEP_SUMMARY`` in at most ``room``
    bytes (UTF-8).

    Whole when it fits; else cut after a whole line, with a note that says how much is shown
    and where the full report is: ``reports`` (the files this run wrote), or how to write one.
    Empty when not even the note fits. Of chunks, only the first ``room`` bytes are kept.
    """
    head = bytearray()
    total = 0
    for chunk in [markdown] if isinstance(markdown, str) else markdown:
        encoded = chunk.encode("utf-8")
        total += len(encoded)
        if len(head) <= room:
            head += encoded[: room + 1 - len(head)]
    if total <= room:
        return head.decode("utf-8")
    data = bytes(head)
    if reports:
        where = ", ".join(f"`{r}`" for r in reports)
        pointer = (
            f"The full report: {where}, written by this run; keep it with "
            "`actions/upload-artifact` to read it from the run's page."
        )
    else:
        pointer = (
            "Write the full report with `--output report.html` (or `.md`, `.json`) and keep it "
            "with `actions/upload-artifact`."
        )
    note = (
        "\n\n---\n\n**Summary truncated:** GitHub shows at most 1 MiB of job summary per "
        f"step; the first {{shown:,}} of {total:,} bytes are shown. {pointer}\n"
    )
    budget = room - len(note.format(shown=total).encode("utf-8"))
    if budget <= 0:
        return ""
    cut = data[:budget]
    end = cut.rfind(b"\n")
    kept = cut[: end + 1] if end >= 0 else b""
    return kept.decode("utf-8", errors="ignore") + note.format(shown=len(kept))
