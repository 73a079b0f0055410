"""The Markdown report (``--format markdown``): GitHub-flavoured, for pull-request comments and
CI job summaries.

Concise: a summary table first when there are several files, then per proposal a heading,
a grade line, the cap if any, the criteria and risks tables, the evidence behind the risks
(folded), and the changes that would raise the score most; the invalid files last, with
their ``file:line:col: message`` problems.

Everything that comes from a proposal file (titles, findings, file names, messages) is
escaped so a proposal cannot inject HTML, links, mentions or table cells into a comment:
Markdown-active characters are backslash-escaped, bare URLs, e-mail addresses, ``@mentions``
and ``#references`` are broken with a zero-width space, newlines and control characters are
removed. File names and locations go in code spans, where nothing is active. Pure and
deterministic: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from policycheck.assessment import (
    Assessment,
    Citation,
    CriterionResult,
    Failure,
    GateResult,
    IndicatorStatus,
    Location,
    ReferenceFact,
    Report,
    Risk,
    Severity,
)
from policycheck.render.markdown_text import clean as clean
from policycheck.render.markdown_text import md_code as md_code
from policycheck.render.markdown_text import md_text as md_text
from policycheck.render.parts import Parts, Sealed, Shelf, kept, newline_joined, seal, unseal

#: A plain-text "badge" for each grade: an emoji reads well anywhere, no image is fetched.
GRADE_EMOJI = {"A": "🟢", "B": "🔵", "C": "🟡", "D": "🟠", "F": "🔴"}
SEVERITY_EMOJI = {
    Severity.CRITICAL: "⛔",
    Severity.HIGH: "🔴",
    Severity.MEDIUM: "🟠",
    Severity.LOW: "🟡",
}

#: Severities from the most to the least severe, as the risk counts are listed.
SEVERITIES = tuple(sorted(Severity, key=lambda s: -s.rank))


def score_text(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def criterion_score(c: CriterionResult) -> str:
    """A criterion's score, "n/a" where none of it applies, "unknown" where nothing is known."""
    if c.score is not None:
        return f"{c.score:.1f}"
    return "n/a" if c.low is None else "unknown"


def criterion_missing(c: CriterionResult) -> str:
    """Why a criterion has no score, in words: it does not apply, or nothing of it is known."""
    return "not applicable" if c.low is None else "unknown"


def insufficient_count(c: CriterionResult) -> int:
    return sum(i.status is IndicatorStatus.INSUFFICIENT for i in c.indicators)


def severity_counts(a: Assessment) -> str:
    """Risks by severity, most severe first: ``critical/high/medium/low``."""
    return "/".join(str(sum(r.severity is s for r in a.risks)) for s in SEVERITIES)


def risk_location(r: Risk) -> Location | None:
    return r.evidence[0].location if r.evidence else None


class Tally:
    """What a report's whole-batch parts need of its results, counted as they arrive: how
    many files, assessed and invalid, the grades given, the first assessment's criteria and
    title."""

    def __init__(self) -> None:
        self.files = self.assessed = 0
        self.grades: dict[str, int] = {}
        self.criteria: tuple[str, ...] = ()
        self.title: str | None = None

    @property
    def invalid(self) -> int:
        return self.files - self.assessed

    def add(self, grade: str | None, criteria: tuple[str, ...] = (), title: str = "") -> None:
        """Count a result: its grade, criteria titles and title, or None for an invalid file."""
        self.files += 1
        if grade is None:
            return
        if not self.assessed:
            self.criteria, self.title = criteria, title
        self.assessed += 1
        self.grades[grade] = self.grades.get(grade, 0) + 1

    def add_result(self, result: Assessment | Failure) -> None:
        if isinstance(result, Assessment):
            self.add(result.grade, tuple(c.title for c in result.criteria), result.title)
        else:
            self.add(None)

    @classmethod
    def of(cls, report: Report) -> Tally:
        tally = cls()
        for result in report.results:
            tally.add_result(result)
        return tally

    def grade_counts(self, grade_bands: tuple[tuple[str, float], ...]) -> str:
        counts = self.grades
        order = [g for g, _ in grade_bands] + sorted(set(counts) - {g for g, _ in grade_bands})
        return ", ".join(f"{g} {counts[g]}" for g in order if g in counts)

    def files_line(self) -> str:
        n = self.files
        return f"{n} file{'s' if n != 1 else ''}: {self.assessed} assessed, {self.invalid} invalid"


def criteria_titles(report: Report) -> tuple[str, ...]:
    """The criteria of the rubric, in order, as the first assessment has them."""
    first = report.assessments[:1]
    return tuple(c.title for c in first[0].criteria) if first else ()


def grade_counts(report: Report) -> str:
    return Tally.of(report).grade_counts(report.grade_bands)


def files_line(report: Report) -> str:
    return Tally.of(report).files_line()


def insufficient_fields(a: Assessment) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """(check id, title, what would settle it) of each unknown indicator.

    The fields to state, or the reference-data gap when the data, not the file, lacks the fact.
    """
    for i in a.insufficient:
        if i.gap:
            yield i.check_id, i.title, (f"reference data: {i.gap}",)
            continue
        paths = [e.location.path for e in i.evidence]
        claims = [p for p in paths if p not in ("participants", "activities")] or paths
        yield i.check_id, i.title, tuple(dict.fromkeys(claims))


def not_applicable_notes(a: Assessment) -> Iterator[tuple[str, str, str]]:
    """(check id, title, why) of each indicator whose question does not fit this initiative."""
    for i in a.not_applicable:
        yield i.check_id, i.title, i.evidence[0].note if i.evidence else ""


def range_cell(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return "n/a"
    return f"{low:.0f}" if round(low) == round(high) else f"{low:.0f}–{high:.0f}"


def bands_line(report: Report) -> str:
    bands = ", ".join(f"{g} ≥ {v:g}" for g, v in report.grade_bands if v > 0)
    caps = "; ".join(f"a {sev} risk caps the grade at {grade}" for sev, grade in report.caps)
    return f"Grade bands: {bands}" + (f"; {caps}" if caps else "") + "."


def waiver_mark(r: Risk) -> str:
    """A short mark for the risks table: waived, its waiver expired, or nothing."""
    if r.waiver is None:
        return ""
    return "waived" if r.waiver.active else "waiver expired"


def waiver_text(r: Risk) -> str | None:
    """The waiver of ``r``, in the terminal report's words."""
    if r.waiver is None:
        return None
    w = r.waiver.waiver
    state = f"Waived until {w.expires}" if r.waiver.active else f"Waiver expired on {w.expires}"
    return f"{state} by {w.owner}: {w.justification} ({w.origin})"


def gate_verdict(g: GateResult) -> str:
    return "passed" if g.passed else "failed" + (" (soft: exit 0)" if g.soft else "")


def gate_notes(g: GateResult) -> list[str]:
    """What the baseline and the waivers did, one sentence each."""
    notes = []
    if g.absorbed_by_baseline:
        notes.append(f"{g.absorbed_by_baseline} breach(es) already in the baseline.")
    notes += [
        f"Expired waiver: {w.target} for {w.proposal}, expired {w.expires} ({w.origin})."
        for w in g.expired_waivers
    ]
    notes += [
        f"Unused waiver: {w.target} for {w.proposal} matches nothing ({w.origin})."
        for w in g.unused_waivers
    ]
    return notes


def cap_text(a: Assessment) -> str | None:
    if a.cap is None:
        return None
    return (
        f"Capped at grade {a.cap.max_grade} (the score alone gives {a.uncapped_grade}) "
        f"by a {a.cap.severity.value} risk, {a.cap.risk_id}."
    )


# --- Markdown -------------------------------------------------------------------------------


def _row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(header: list[tuple[str, str]], rows: Iterable[list[str]]) -> list[str]:
    """A GFM table; ``header`` is (title, alignment) with alignment ``l`` or ``r``."""
    return [*_table_head(header), *(_table_row(header, row) for row in rows), ""]


def _table_head(header: list[tuple[str, str]]) -> list[str]:
    rule = {"l": ":--", "r": "--:", "c": ":-:"}
    return [_row(md_text(h, table=True) for h, _ in header), _row(rule[a] for _, a in header)]


def _table_row(header: list[tuple[str, str]], row: list[str]) -> str:
    assert len(row) == len(header)
    return _row(cell or "—" for cell in row)


def _meta(report: Report, tally: Tally) -> str:
    r = report.rubric
    return (
        f"policycheck {md_text(report.tool_version)} · rubric {md_text(r.id)} "
        f"{md_text(r.version)} · generated {md_text(report.generated_at)} · "
        f"{tally.files_line()}"
        + ("" if report.gate is None else f" · gate {gate_verdict(report.gate)}")
    )


#: A summary row as a result gives it: the cells before the criteria's scores, the
#: scores, the cells after. The scores are fitted to the first assessment's criteria when
#: the table is written (``row_cells``).
Row = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]


def _summary_header(criteria: tuple[str, ...]) -> list[tuple[str, str]]:
    return [
        ("Proposal", "l"),
        ("Grade", "l"),
        ("Score", "r"),
        *((t, "r") for t in criteria),
        ("Risks C/H/M/L", "r"),
        ("Top risk", "l"),
    ]


def summary_row(res: Assessment | Failure) -> Row:
    """``res``'s row of the summary table (see ``Row``)."""
    if isinstance(res, Failure):
        n = len(res.problems)
        return (
            (md_code(res.file, table=True), "❌ invalid", ""),
            (),
            ("", f"{n} problem{'s' if n != 1 else ''}"),
        )
    top = res.risks[0] if res.risks else None
    return (
        (
            md_code(res.proposal_id, table=True),
            f"{GRADE_EMOJI.get(res.grade, '')} {md_text(res.grade, table=True)}".strip(),
            score_text(res.score),
        ),
        tuple(criterion_score(c) for c in res.criteria),
        (
            severity_counts(res),
            f"{md_text(top.id, table=True)} {top.severity.value}" if top else "",
        ),
    )


def row_cells(row: Row, criteria: int) -> list[str]:
    """A summary row's cells, its scores cut or padded to ``criteria`` columns."""
    head, scores, tail = row
    fitted = list(scores[:criteria]) + [""] * (criteria - len(scores[:criteria]))
    return [*head, *fitted, *tail]


def _criteria(a: Assessment) -> list[str]:
    header = [
        ("Criterion", "l"),
        ("Weight", "r"),
        ("Score", "r"),
        ("Range", "r"),
        ("Known", "r"),
        ("Answers", "l"),
        ("Unknown", "r"),
    ]
    rows = [
        [
            md_text(c.title, table=True),
            f"{c.weight:g}",
            criterion_score(c),
            range_cell(c.low, c.high),
            "n/a" if c.low is None else f"{c.coverage:.0%}",
            md_text(c.counters, table=True),
            str(insufficient_count(c)),
        ]
        for c in a.criteria
    ]
    return _table(header, rows)


def _risks(a: Assessment) -> list[str]:
    if not a.risks:
        return ["✅ No risks flagged.", ""]
    header = [
        ("Severity", "l"),
        ("Id", "l"),
        ("Risk", "l"),
        ("Family", "l"),
        ("Finding", "l"),
        ("Location", "l"),
    ]
    rows = []
    for r in a.risks:
        loc = risk_location(r)
        mark = waiver_mark(r)
        rows.append(
            [
                f"{SEVERITY_EMOJI[r.severity]} {r.severity.value}" + (f" ({mark})" if mark else ""),
                md_text(r.id, table=True),
                md_text(r.title, table=True),
                md_text(r.family.value, table=True),
                md_text(r.finding, table=True),
                md_code(str(loc), table=True) if loc else "",
            ]
        )
    return [f"**Risks flagged ({len(a.risks)})**", "", *_table(header, rows)]


def _details(a: Assessment) -> list[str]:
    """Evidence and mitigation of each risk, and the fields the file does not state (folded)."""
    body: list[str] = []
    for r in a.risks:
        body += [f"**{md_text(r.id)}** {md_text(r.title)}", ""]
        waiver = waiver_text(r)
        if waiver is not None:
            body.append(f"- {md_text(waiver)}")
        body += [
            f"- {md_code(str(e.location))} {md_text(e.note)}{_cites(a.sources_in(e.note))}"
            for e in r.evidence
        ]
        body += [f"- Reference: {_fact(f)}" for f in r.references]
        body += [f"- Mitigation: {md_text(r.mitigation)}", f"- Brief: {md_text(r.brief)}", ""]
    items = list(insufficient_fields(a))
    if items:
        body += [
            f"**Unknown ({len(items)})**: left out of the score and counted in its range.",
            "",
        ]
        for check_id, title, fields in items:
            state = ", ".join(md_code(f) for f in fields if f) or "—"
            body.append(f"- {md_text(check_id)} {md_text(title)}: state {state}")
        body.append("")
    na = list(not_applicable_notes(a))
    if na:
        body += [f"**Not applicable ({len(na)})**: left out of the score.", ""]
        body += [f"- {md_text(c)} {md_text(t)}: {md_text(why)}" for c, t, why in na]
        body.append("")
    if a.warnings:
        body += ["**Notes**", ""]
        body += [f"- {md_code(str(w.location))} {md_text(w.note)}" for w in a.warnings]
        body.append("")
    if not body:
        return []
    if a.risks and (items or na):
        summary = "Evidence, mitigations, unknowns and what does not apply"
    else:
        summary = "Evidence and mitigations" if a.risks else "Unknowns and what does not apply"
    return ["<details>", f"<summary>{summary}</summary>", "", *body, "</details>", ""]


def _source(c: Citation) -> str:
    """A source with its date and address; the address as code, never a live link, since it
    comes from the file."""
    shown = md_text(c.title) + (f" ({md_text(c.date)})" if c.date else "")
    return shown + (f" {md_code(c.url)}" if c.url else "")


def _cites(cited: tuple[Citation, ...]) -> str:
    """What an evidence note's source ids resolve to, appended to the note."""
    return "".join(f" — {md_code(c.id)}: {_source(c)}" for c in cited)


def _fact(f: ReferenceFact) -> str:
    """A reference fact a risk rests on: dataset, as-of date and source ids (listed below)."""
    ids = ", ".join(md_code(c.id) for c in f.sources) or "none listed"
    return f"{md_text(f.fact)} ({md_code(f.dataset + '.yaml')}, as of {f.as_of}; sources: {ids})"


def reference_sources(a: Assessment) -> tuple[Citation, ...]:
    """Every source the reference facts behind ``a``'s risks cite, each once, by id."""
    found: dict[str, Citation] = {}
    for r in a.risks:
        for f in r.references:
            for c in f.sources:
                found.setdefault(c.id, c)
    return tuple(sorted(found.values(), key=lambda c: c.id))


def _sources(a: Assessment) -> list[str]:
    """The sources the file lists (which evidence cites by id), then the reference data's."""
    if not a.sources:
        lines = ["**Sources**: the file lists none.", ""]
    else:
        lines = [f"**Sources ({len(a.sources)})**", ""]
        lines += [f"- {md_code(c.id)} {_source(c)}" for c in a.sources] + [""]
    cited = reference_sources(a)
    if cited:
        lines += [f"**Reference-data sources behind the risks ({len(cited)})**", ""]
        lines += [f"- {md_code(c.id)} {_source(c)}" for c in cited] + [""]
    return lines


def _improvements(a: Assessment) -> list[str]:
    if not a.improvements:
        return []
    lines = ["**Changes that would raise the score most**", ""]
    for n, m in enumerate(a.improvements, 1):
        lines.append(
            f"{n}. **+{m.gain:.1f}** {md_text(m.check_id)} {md_text(m.title)}: "
            f"{md_text(m.advice)} ({md_code(str(m.location))})"
        )
    return [*lines, ""]


def _assessment(a: Assessment) -> list[str]:
    who = ", ".join(md_text(p) for p in a.participants) or "—"
    meta = (
        f"{md_code(a.proposal_id)} · {md_text(a.status)} · {md_code(a.file)} · participants: {who}"
    )
    if a.lead:
        meta += f" · lead: {md_text(a.lead)}"
    badge = (
        f"{GRADE_EMOJI.get(a.grade, '')} **Grade {md_text(a.grade)}** · {a.score:.1f}/100 · "
        f"{md_text(a.range_words)}"
    )
    known = md_text(a.coverage_words)
    kind = "kind: " + (", ".join(a.shapes) or "other")
    lines = [f"## {md_text(a.title)}", "", badge.strip(), "", known, "", meta + f" · {kind}", ""]
    cap = cap_text(a)
    if cap is not None:
        lines += [f"⚠️ {md_text(cap)}", ""]
    lines += _criteria(a)
    lines += _risks(a)
    lines += _details(a)
    lines += _improvements(a)
    lines += _sources(a)
    return lines


def _failure(f: Failure) -> list[str]:
    """An invalid file's entry in the list of invalid files."""
    lines = [f"- ❌ {md_code(f.file)} cannot be assessed:"]
    lines += [
        f"  - {md_code(f'{p.file}:{p.line}:{p.column}')}: {md_text(p.message)}" for p in f.problems
    ]
    return lines


def _gate(g: GateResult) -> list[str]:
    icon = "✅" if g.passed else "❌"
    lines = [f"## Gate: {icon} {gate_verdict(g)}", ""]
    if g.thresholds:
        lines += [f"Requires {md_text('; '.join(g.thresholds))}.", ""]
    if g.breaches:
        lines += [f"**Breaches ({len(g.breaches)})**", ""]
        lines += [
            f"- {md_code(f'{b.file}:{b.line}:{b.column}')}: {md_text(b.message)}"
            for b in g.breaches
        ]
        lines.append("")
    notes = gate_notes(g)
    if notes:
        lines += ["**Baseline and waivers**", "", *(f"- ⚠️ {md_text(n)}" for n in notes), ""]
    return lines


@dataclass(frozen=True, slots=True)
class Piece:
    """What one result contributes to the report: made where the result is (in a worker, for
    a large batch), so that the result itself need not be kept."""

    grade: str | None
    criteria: tuple[str, ...]
    title: str
    row: Row
    #: The proposal's section, or the invalid file's entry, as lines joined by newlines
    #: (``parts.seal``).
    text: Sealed


def piece(result: Assessment | Failure, *, compress: bool = False) -> Piece:
    """``result``'s part of the report (module-level: a worker process may make it); its
    text compressed with ``compress`` (``parts.seal``)."""
    row = summary_row(result)
    if isinstance(result, Failure):
        return Piece(None, (), "", row, seal("\n".join(_failure(result)), compress))
    criteria = tuple(c.title for c in result.criteria)
    text = seal("\n".join(_assessment(result)), compress)
    return Piece(result.grade, criteria, result.title, row, text)


class Book:
    """A report's pieces as they arrive, and the tallies its whole-batch parts need."""

    def __init__(self, shelf: Shelf = kept) -> None:
        self.tally = Tally()
        self.rows: Parts[Row] = shelf()
        self.sections: Parts[Sealed] = shelf()
        self.failures: Parts[Sealed] = shelf()

    def add(self, p: Piece) -> None:
        self.tally.add(p.grade, p.criteria, p.title)
        self.rows.append(p.row)
        (self.failures if p.grade is None else self.sections).append(p.text)

    @classmethod
    def of(cls, report: Report) -> Book:
        book = cls()
        for result in report.results:
            book.add(piece(result))
        return book

    def chunks(self, report: Report) -> Iterator[str]:
        """The document, a piece at a time: ``report`` gives the header (its results are not
        read), the pieces added the rest."""
        tally = self.tally
        yield newline_joined(["# policycheck report", "", _meta(report, tally), ""])
        if tally.files > 1:
            header = _summary_header(tally.criteria)
            yield newline_joined(["## Summary", "", *_table_head(header)])
            for row in self.rows:
                yield _table_row(header, row_cells(row, len(tally.criteria))) + "\n"
            grades = tally.grade_counts(report.grade_bands)
            done = f"Grades given: {grades}." if grades else "No proposal could be assessed."
            yield newline_joined(["", done, ""])
        for section in self.sections:
            yield unseal(section) + "\n"
        if tally.invalid:
            yield newline_joined([f"## Invalid files ({tally.invalid})", ""])
            for entry in self.failures:
                yield unseal(entry) + "\n"
            yield "\n"
        if report.gate is not None:
            yield newline_joined(_gate(report.gate))
        if report.uncertainty is not None:
            from policycheck.render.uncertainty import markdown_lines

            yield newline_joined(markdown_lines(report.uncertainty))
        yield newline_joined(["---", "", f"<sub>{md_text(bands_line(report))}</sub>"])


def chunks(report: Report) -> Iterator[str]:
    """The whole report as GitHub-flavoured Markdown, a piece at a time."""
    return Book.of(report).chunks(report)


def render(report: Report) -> str:
    """The whole report as GitHub-flavoured Markdown, ending in one newline."""
    return "".join(chunks(report))
