"""What the workbook shows of one result, as plain values: its rows on every sheet.

The workbook is written from these, never from the results themselves, so that a large
gated batch can reduce each result to its rows as it arrives (they pickle small; see
``policycheck.batch``) instead of keeping every result's object graph to the end, and
so that a whole ``Report`` and such a batch give the same bytes. The Brief keeps only
what its page shows: a handful of fields, the top risks and changes, the sources and
the reference facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from policycheck.assessment import Assessment, Citation, Failure
from policycheck.render.xlsx.tables import (
    SEVERITIES,
    STATUS_TEXT,
    date_cell,
    family_name,
    waiver_state,
)

#: Risks and changes the Brief shows per proposal: the rest are on the Risks and Summary sheets.
TOP_RISKS = 5
TOP_CHANGES = 3
#: Sources named per reference fact on the Brief (a country record can have ten).
SHOWN_SOURCES = 1


@dataclass(frozen=True, slots=True)
class BriefRows:
    """What one proposal's Brief page shows."""

    title: str
    who: str
    grade: str
    provisional: bool
    score: float
    range_words: str
    coverage_words: str
    kind: str
    cap: str
    risk_count: int
    #: (severity, "id title: finding", mitigation and waiver) of the first ``TOP_RISKS``.
    risks: tuple[tuple[str, str, str], ...]
    #: (gain, "check title", advice) of the first ``TOP_CHANGES``.
    changes: tuple[tuple[float, str, str], ...]
    #: (id, title, date, url) of every source the file lists.
    sources: tuple[tuple[str, str, str, str], ...]
    #: (risk id, "fact (dataset.yaml)", as of, sources) of every reference fact of a risk.
    facts: tuple[tuple[str, str, str, str], ...]


#: (id, title, score) of each criterion of a result, in rubric order.
Criteria = tuple[tuple[str, str, float | None], ...]
#: A result's Summary row: its cells before the criterion columns, and after them.
SummaryCells = tuple[tuple[Any, ...], tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class ResultRows:
    """The rows one result fills on each sheet (plain values: text, numbers, dates, None)."""

    file: str
    #: (score, -rank of the top risk, id) of an assessed proposal: the Summary and Brief
    #: show the lowest first. None for a file that could not be assessed.
    order: tuple[float, int, str] | None
    proposal_id: str
    #: (id, title, score) of each criterion, in rubric order; none for an invalid file.
    criteria: Criteria
    #: The Summary row's cells before the criterion columns, and after them.
    summary: SummaryCells
    risks: tuple[tuple[Any, ...], ...]
    indicators: tuple[tuple[Any, ...], ...]
    sources: tuple[tuple[Any, ...], ...]
    #: The Gate sheet's rows of the risks waived in this proposal.
    waived: tuple[tuple[Any, ...], ...]
    #: The rows of the About sheet's list of inputs: the file, and each problem of an
    #: invalid one (located ``file:line:column``).
    about: tuple[tuple[Any, ...], ...]
    #: The Brief page of an assessed proposal, or the problems of an invalid file.
    brief: BriefRows | str

    @property
    def assessed(self) -> bool:
        return self.order is not None


def result_rows(result: Assessment | Failure) -> ResultRows:
    """The rows of every sheet that ``result`` fills."""
    if isinstance(result, Assessment):
        return _assessed(result)
    problems = "\n".join(f"{p.line}:{p.column}: {p.message}" for p in result.problems)
    summary = (
        (
            "",
            "Invalid file: not assessed",
            *(None for _ in range(7)),
            *(None for _ in SEVERITIES),
            None,
            "",
            "",
            "",
            "invalid",
            "",
            "",
        ),
        (_first_problem(result), result.file),
    )
    about = (
        (
            "Input",
            result.file,
            result.file_sha256 or "—",
            f"invalid: {len(result.problems)} problem(s), listed below",
        ),
        *(
            ("Problem", f"{result.file}:{p.line}:{p.column}", p.message, "")
            for p in result.problems
        ),
    )
    return ResultRows(result.file, None, "", (), summary, (), (), (), (), about, problems)


def _assessed(a: Assessment) -> ResultRows:
    counts = dict.fromkeys(SEVERITIES, 0)
    for r in a.risks:
        counts[r.severity] += 1
    top = a.risks[0] if a.risks else None
    note = (
        ""
        if a.cap is None
        else f"Grade capped from {a.uncapped_grade} at {a.cap.max_grade}: "
        f"{a.cap.severity.value} risk {a.cap.risk_id}"
    )
    summary = (
        (
            a.proposal_id,
            a.title,
            a.grade,
            a.score,
            a.score_low,
            a.score_high,
            round(a.coverage * 100, 1),
            round(a.cited * 100, 1),
            "yes" if a.provisional else "no",
            *(counts[s] for s in SEVERITIES),
            sum(1 for r in a.risks if r.waived),
            "" if top is None else top.id,
            "" if top is None else top.title,
            "" if top is None else top.severity.value,
            a.status,
            a.lead or "",
            ", ".join(a.participants),
        ),
        (note, a.file),
    )
    risks: list[tuple[Any, ...]] = []
    for r in a.risks:
        waiver = r.waiver.waiver if r.waiver is not None else None
        for e in r.evidence or (None,):
            risks.append(
                (
                    a.proposal_id,
                    r.id,
                    r.severity.value,
                    waiver_state(r),
                    r.title,
                    "" if e is None else e.note,
                    "" if e is None else str(e.location),
                    r.finding,
                    None if e is None else e.location.line,
                    "" if e is None else e.location.path,
                    r.family.value,
                    family_name(r.family),
                    r.mitigation,
                    r.brief,
                    "" if waiver is None else waiver.justification,
                    "" if waiver is None else waiver.owner,
                    None if waiver is None else waiver.expires,
                    r.check_id,
                    r.fingerprint,
                )
            )
    indicators = tuple(
        (
            a.proposal_id,
            i.check_id,
            i.title,
            STATUS_TEXT[i.status],
            i.level,
            i.points,
            i.weight,
            i.contribution,
            "" if e is None else e.note,
            "" if e is None else str(e.location),
            c.id,
            c.title,
            i.share,
            None if e is None else e.location.line,
            "" if e is None else e.location.path,
            None if e is None else number,
        )
        for c in a.criteria
        for i in c.indicators
        for number, e in enumerate(i.evidence or (None,), start=1)
    )
    sources: list[tuple[Any, ...]] = [
        (a.proposal_id, "file", "", None, c.id, c.title, date_cell(c.date), c.url or "", "proposal")
        for c in a.sources
    ]
    # Each source a piece of evidence cites by id, resolved: one row per citation.
    cited_by = [(i.check_id, i.evidence) for c in a.criteria for i in c.indicators]
    cited_by += [(r.id, r.evidence) for r in a.risks]
    for by, evidence in cited_by:
        for e in evidence:
            for c in a.sources_in(e.note):
                sources.append(
                    (
                        a.proposal_id,
                        by,
                        e.note,
                        None,
                        c.id,
                        c.title,
                        date_cell(c.date),
                        c.url or "",
                        "proposal",
                    )
                )
    for r in a.risks:
        for f in r.references:
            for c in f.sources or (Citation("", "no source listed"),):
                sources.append(
                    (
                        a.proposal_id,
                        r.id,
                        f.fact,
                        date_cell(f.as_of),
                        c.id,
                        c.title,
                        date_cell(c.date),
                        c.url or "",
                        f"{f.dataset}.yaml",
                    )
                )
    waived = tuple(
        (
            "Waived risk",
            f"{r.id} ({r.severity.value}) in {a.proposal_id}",
            r.waiver.waiver.justification,
            r.waiver.waiver.owner,
            r.waiver.waiver.expires,
        )
        for r in a.risks
        if r.waiver is not None and r.waiver.active
    )
    about = (
        (
            "Input",
            a.file,
            a.file_sha256 or "—",
            f"assessed: grade {a.grade}, score {a.score:.1f}",
        ),
    )
    order = (a.score, -(a.risks[0].severity.rank if a.risks else 0), a.proposal_id)
    return ResultRows(
        a.file,
        order,
        a.proposal_id,
        tuple((c.id, c.title, c.score) for c in a.criteria),
        summary,
        tuple(risks),
        indicators,
        tuple(sources),
        waived,
        about,
        _brief(a),
    )


def _brief(a: Assessment) -> BriefRows:
    lead = f"; lead {a.lead}" if a.lead else ""
    cap = (
        ""
        if a.cap is None
        else f"grade capped from {a.uncapped_grade} at {a.cap.max_grade} by the "
        f"{a.cap.severity.value} risk {a.cap.risk_id}"
    )
    risks = []
    for r in a.risks[:TOP_RISKS]:
        waiver = ""
        if r.waiver is not None:
            w = r.waiver.waiver
            state = "WAIVED" if r.waiver.active else "Waiver EXPIRED"
            waiver = f"{state} until {w.expires} by {w.owner}: {w.justification}"
        mitigation = r.mitigation + (f"\n{waiver}" if waiver else "")
        risks.append((r.severity.value, f"{r.id} {r.title}: {r.finding}", mitigation))
    facts = []
    for r in a.risks:
        for f in r.references:
            shown = [c.title for c in f.sources[:SHOWN_SOURCES]]
            if len(f.sources) > SHOWN_SOURCES:
                shown.append(f"and {len(f.sources) - SHOWN_SOURCES} more on the Sources sheet")
            named = "; ".join(shown) or "none listed"
            facts.append((r.id, f"{f.fact} ({f.dataset}.yaml)", f.as_of, named))
    return BriefRows(
        title=a.title,
        who=f"{a.proposal_id} · {a.status} · {', '.join(a.participants)}{lead}",
        grade=a.grade,
        provisional=a.provisional,
        score=a.score,
        range_words=a.range_words,
        coverage_words=a.coverage_words,
        kind=", ".join(a.shapes) or "other",
        cap=cap,
        risk_count=len(a.risks),
        risks=tuple(risks),
        changes=tuple(
            (m.gain, f"{m.check_id} {m.title}", m.advice) for m in a.improvements[:TOP_CHANGES]
        ),
        sources=tuple((c.id, c.title, c.date or "", c.url or "") for c in a.sources),
        facts=tuple(facts),
    )


def _first_problem(result: Failure) -> str:
    """The Summary's note on an invalid file: its first problem; the About sheet lists them all."""
    if not result.problems:
        return ""
    p = result.problems[0]
    more = len(result.problems) - 1
    rest = f" (and {more} more problem(s) on the About sheet)" if more else ""
    return f"{p.line}:{p.column}: {p.message}{rest}"
