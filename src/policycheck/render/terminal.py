"""The terminal report: rich renderables only; colour decisions live here, printing in the CLI."""

from __future__ import annotations

import io
from collections.abc import Iterator

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from policycheck.assessment import (
    Assessment,
    CriterionResult,
    Failure,
    GateResult,
    Report,
    Severity,
)
from policycheck.render.markdown import criterion_score

GRADE_STYLE = {"A": "bold green", "B": "green", "C": "yellow", "D": "red", "F": "bold red"}
SEVERITY_STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
}


def _header(a: Assessment) -> RenderableType:
    title = Text.assemble((a.title, "bold"), f"  ({a.proposal_id}, {a.status})")
    grade = Text.assemble(
        "Grade ",
        (a.grade, GRADE_STYLE.get(a.grade, "bold")),
        f"  score {a.score:.1f}/100",
    )
    if a.cap is not None:
        grade.append(
            f"  (capped from {a.uncapped_grade}: {a.cap.severity.value} risk {a.cap.risk_id})",
            style="red",
        )
    grade.append(f"  {a.range_words}")
    known = Text(a.coverage_words, style="bold yellow" if a.provisional else "")
    who = Text(
        f"{a.file}  ·  participants: {', '.join(a.participants)}  ·  kind: "
        + (", ".join(a.shapes) or "other"),
        style="dim",
    )
    return Group(title, grade, known, who)


def _criteria_table(a: Assessment) -> Table:
    table = Table(title="Criteria", title_justify="left", expand=False, show_edge=False)
    table.add_column("Criterion", overflow="fold")
    table.add_column("Weight", justify="right")
    table.add_column("Score", justify="right")
    table.add_column("Range", justify="right")
    table.add_column("Known", justify="right")
    table.add_column("Answers", overflow="fold")
    for c in a.criteria:
        table.add_row(
            c.title,
            f"{c.weight:g}",
            criterion_score(c),
            _range(c.low, c.high),
            "n/a" if c.low is None else f"{c.coverage:.0%}",
            c.counters,
        )
    return table


def _range(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return "n/a"
    return f"{low:.0f}" if round(low) == round(high) else f"{low:.0f}–{high:.0f}"


def _risks(a: Assessment) -> Iterator[RenderableType]:
    if not a.risks:
        yield Text("No risks flagged.", style="green")
        return
    yield Text(f"Risks flagged ({len(a.risks)})", style="bold")
    for r in a.risks:
        line = Text.assemble(
            (f" {r.severity.value.upper()} ", SEVERITY_STYLE[r.severity]),
            " ",
            (r.id, "bold"),
            f" {r.title} [{r.family.value}]: {r.finding}",
        )
        yield Padding(line, (0, 0, 0, 2))
        if r.waiver is not None:
            w = r.waiver.waiver
            state = (
                f"WAIVED until {w.expires}" if r.waiver.active else f"waiver EXPIRED on {w.expires}"
            )
            yield Padding(
                Text(f"{state} by {w.owner}: {w.justification} ({w.origin})", style="magenta"),
                (0, 0, 0, 6),
            )
        for e in r.evidence:
            yield Padding(Text(f"{e.location}  {e.note}", style="dim"), (0, 0, 0, 6))
        yield Padding(Text(f"Mitigation: {r.mitigation}"), (0, 0, 0, 6))
        yield Padding(Text(f"Brief: {r.brief}", style="dim"), (0, 0, 0, 6))


def _insufficient(a: Assessment) -> Iterator[RenderableType]:
    items = a.insufficient
    if items:
        yield Text(
            f"Unknown ({len(items)}): left out of the score and counted in its range",
            style="bold",
        )
    for i in items:
        paths = [e.location.path for e in i.evidence]
        claims = [p for p in paths if p not in ("participants", "activities")] or paths
        fields = ", ".join(dict.fromkeys(claims)) or "—"
        what = f"reference data: {i.gap}" if i.gap else f"state {fields}"
        yield Padding(Text(f"{i.check_id} {i.title}: {what}"), (0, 0, 0, 2))
    if a.not_applicable:
        yield Text(
            f"Not applicable ({len(a.not_applicable)}): "
            + ", ".join(i.check_id for i in a.not_applicable)
            + " (see --explain for why)",
            style="dim",
        )
    for w in a.warnings:
        yield Padding(Text(f"Note: {w.location}  {w.note}", style="yellow"), (0, 0, 0, 2))


def _improvements(a: Assessment) -> Iterator[RenderableType]:
    if not a.improvements:
        return
    yield Text("Changes that would raise the score most (gain re-scored)", style="bold")
    for n, m in enumerate(a.improvements, 1):
        yield Padding(
            Text(f"{n}. +{m.gain:.1f}  {m.check_id} {m.title}: {m.advice} ({m.location})"),
            (0, 0, 0, 2),
        )


def _explain_criterion(c: CriterionResult) -> Table:
    table = Table(
        title=f"{c.title}: {criterion_score(c)} (weight {c.weight:g})",
        title_justify="left",
        show_edge=False,
    )
    for name, justify in (
        ("Check", "left"),
        ("Indicator", "left"),
        ("Level", "left"),
        ("Points", "right"),
        ("Share", "right"),
        ("Contrib.", "right"),
        ("Why", "left"),
    ):
        table.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for i in c.indicators:
        why = "; ".join(f"{e.note} ({e.location})" for e in i.evidence)
        table.add_row(
            i.check_id,
            i.title,
            i.level,
            "—" if i.points is None else f"{i.points:g}",
            f"{i.share * 100:.0f}%",
            f"{i.contribution:.1f}",
            why,
        )
    return table


def _explain(a: Assessment, report: Report) -> Iterator[RenderableType]:
    yield Text("How the score is made", style="bold")
    for c in a.criteria:
        yield _explain_criterion(c)
    scored = [c for c in a.criteria if c.score is not None]
    total = sum(c.weight for c in scored)
    terms = " + ".join(f"{c.weight:g}×{c.score:.1f}" for c in scored if c.score is not None)
    yield Text(f"Overall, over what is known = ({terms}) / {total:g} = {a.score:.1f}")
    yield Text(
        f"Range: every unknown at its lowest level gives {a.score_low:.1f}, at its highest "
        f"{a.score_high:.1f}. Known: {a.coverage_words}."
    )
    bands = ", ".join(f"{g} ≥ {v:g}" for g, v in report.grade_bands)
    yield Text(f"Grade bands: {bands} → {a.uncapped_grade}")
    if a.cap is not None:
        yield Text(
            f"Cap: a {a.cap.severity.value} risk ({a.cap.risk_id}) allows at most "
            f"{a.cap.max_grade} → {a.grade}"
        )
    else:
        yield Text("No cap applies.")


def assessment(a: Assessment, report: Report, *, explain: bool = False) -> RenderableType:
    parts: list[RenderableType] = [
        Rule(style="dim"),
        _header(a),
        Text(""),
        _criteria_table(a),
        Text(""),
    ]
    parts.extend(_risks(a))
    insufficient = list(_insufficient(a))
    if insufficient:
        parts.append(Text(""))
        parts.extend(insufficient)
    improvements = list(_improvements(a))
    if improvements:
        parts.append(Text(""))
        parts.extend(improvements)
    if explain:
        parts.append(Text(""))
        parts.extend(_explain(a, report))
    return Group(*parts)


def failure(f: Failure) -> RenderableType:
    lines: list[RenderableType] = [
        Rule(style="dim"),
        Text.assemble((f.file, "bold"), ("  cannot be assessed", "bold red")),
    ]
    lines.extend(Padding(Text(str(p)), (0, 0, 0, 2)) for p in f.problems)
    return Group(*lines)


def summary(report: Report) -> Table:
    table = Table(title="Summary", title_justify="left", show_edge=False)
    for name in (
        "Proposal",
        "Grade",
        "Score",
        "Norm.",
        "Reg.",
        "Arms",
        "Transp.",
        "Risks",
        "Top risk",
    ):
        table.add_column(
            name, overflow="fold", justify="left" if name in ("Proposal", "Top risk") else "right"
        )
    for r in report.results:
        if isinstance(r, Failure):
            table.add_row(
                r.file,
                Text("invalid", style="bold red"),
                "",
                "",
                "",
                "",
                "",
                "",
                f"{len(r.problems)} problem(s)",
            )
            continue
        scores = [criterion_score(c) for c in r.criteria][:4]
        scores += [""] * (4 - len(scores))
        counts = "/".join(str(sum(x.severity is s for x in r.risks)) for s in reversed(Severity))
        top = f"{r.risks[0].id} {r.risks[0].severity.value}" if r.risks else "—"
        table.add_row(
            r.proposal_id,
            Text(r.grade, style=GRADE_STYLE.get(r.grade, "")),
            f"{r.score:.1f}",
            *scores,
            counts,
            top,
        )
    table.caption = "Risks: critical/high/medium/low"
    return table


def gate(result: GateResult) -> RenderableType:
    verdict = "passed" if result.passed else "FAILED" + (" (soft: exit 0)" if result.soft else "")
    lines: list[RenderableType] = [
        Rule(style="dim"),
        Text.assemble(
            ("Gate ", "bold"),
            (verdict, "bold green" if result.passed else "bold red"),
            f": requires {'; '.join(result.thresholds)}",
        ),
    ]
    lines.extend(
        Padding(Text(f"{b.file}:{b.line}:{b.column}  {b.message}"), (0, 0, 0, 2))
        for b in result.breaches
    )
    if result.absorbed_by_baseline:
        lines.append(Text(f"{result.absorbed_by_baseline} breach(es) already in the baseline"))
    lines.extend(
        Text(
            f"Expired waiver: {w.target} for {w.proposal}, expired {w.expires} ({w.origin})",
            style="yellow",
        )
        for w in result.expired_waivers
    )
    lines.extend(
        Text(
            f"Unused waiver: {w.target} for {w.proposal} matches nothing ({w.origin})",
            style="yellow",
        )
        for w in result.unused_waivers
    )
    return Group(*lines)


def render(report: Report, *, explain: bool = False) -> list[RenderableType]:
    """The renderables of a whole report, in order: one per file, a summary for many, the gate."""
    out: list[RenderableType] = [
        assessment(r, report, explain=explain) if isinstance(r, Assessment) else failure(r)
        for r in report.results
    ]
    if len(report.results) > 1:
        out.append(Rule(style="dim"))
        out.append(summary(report))
    if not report.results:
        out.append(Text("No proposals assessed."))
    if report.uncertainty is not None:
        from policycheck.render.uncertainty import text_lines

        out.append(Rule(style="dim"))
        out += [
            Padding(Text(line), (0, 0, 0, indent))
            for indent, line in text_lines(report.uncertainty)
        ]
    if report.gate is not None:
        out.append(gate(report.gate))
    return out


def render_text(report: Report, *, explain: bool = False, width: int = 100) -> str:
    """The report as plain text (no colour) at a fixed width: for files and snapshots."""
    console = Console(
        record=True,
        width=width,
        file=io.StringIO(),
        color_system=None,
        highlight=False,
        markup=False,  # text from proposals is never read as rich markup
    )
    for part in render(report, explain=explain):
        console.print(part)
    return console.export_text()
