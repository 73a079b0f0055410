"""The Brief sheet: one printed page per proposal, for a reader who will not open the others.

Each section holds what a minister asks first: the grade and how firm it is (range,
coverage, provisional), the few risks that matter with their mitigations and any
waiver, the changes that would raise the score most, and where the facts come from.
Sections are separated by page breaks; the sheet prints portrait at 100 %, so its
10-point text prints at 10 points.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from policycheck.assessment import Assessment, Report, Risk
from policycheck.render.xlsx.tables import (
    GRADE_COLOURS,
    HEADER_COLOURS,
    INVALID_FILL,
    SEVERITY_COLOURS,
    text,
    worst_first,
)

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from policycheck.render.xlsx.styles import Styles

#: Column widths (character units): label, main text, a short value, a longer note.
WIDTHS = (12.0, 38.0, 14.0, 28.0)
#: Risks and changes shown per proposal: the rest are on the Risks and Summary sheets.
TOP_RISKS = 5
TOP_CHANGES = 3
#: Sources named per reference fact (a country record can have ten).
SHOWN_SOURCES = 1
BODY_SIZE = 10
#: Points per line of 10-point text.
LINE = 12.75


class _Writer:
    """Appends rows to the Brief, merging and wrapping cells and sizing rows to their text."""

    def __init__(self, ws: Worksheet, styles: Styles) -> None:
        from openpyxl.styles import Alignment

        self.ws = ws
        self.styles = styles
        self.row = 1
        self._wrap = Alignment(wrap_text=True, vertical="top")

    def line(self, *cells: Any, spans: tuple[int, ...] = (), bold: bool = False) -> int:
        """A row of ``cells``; ``spans`` gives how many columns each takes (1 by default)."""
        ws, row = self.ws, self.row
        column, lines = 1, 1
        for index, value in enumerate(cells):
            span = spans[index] if index < len(spans) else 1
            cell = ws.cell(row=row, column=column)
            if value is not None and value != "":
                cell.value = text(value) if isinstance(value, str) else value
                if isinstance(value, str) and value[:1] in "=+-@":
                    cell.data_type = "s"
                    cell.quotePrefix = True
            cell.font = self.styles.font(size=BODY_SIZE, bold=bold or index == 0)
            cell.alignment = self._wrap
            if span > 1:
                ws.merge_cells(
                    start_row=row, start_column=column, end_row=row, end_column=column + span - 1
                )
            width = sum(WIDTHS[column - 1 : column - 1 + span])
            lines = max(lines, _lines(value, width))
            column += span
        ws.row_dimensions[row].height = lines * LINE + 2
        self.row += 1
        return row

    def heading(self, title: str) -> None:
        """A band across the page naming the part that follows."""
        row = self.line(title, spans=(4,), bold=True)
        background, colour = HEADER_COLOURS
        cell = self.ws.cell(row=row, column=1)
        cell.font = self.styles.font(size=BODY_SIZE + 1, bold=True, color=colour)
        cell.fill = self.styles.fill(background)

    def fill(self, row: int, column: int, colour: tuple[str, str]) -> None:
        cell = self.ws.cell(row=row, column=column)
        cell.fill = self.styles.fill(colour[0])
        cell.font = self.styles.font(size=BODY_SIZE, bold=True, color=colour[1])

    def gap(self) -> None:
        self.ws.row_dimensions[self.row].height = 8
        self.row += 1


def _lines(value: object, width: float) -> int:
    """Lines ``value`` takes at 10 points in a cell ``width`` characters wide."""
    if not isinstance(value, str) or not value:
        return 1
    per_line = max(1, int(width * 1.3) - 1)
    return sum(max(1, -(-len(part) // per_line)) for part in value.split("\n"))


def _waiver(r: Risk) -> str:
    if r.waiver is None:
        return ""
    w = r.waiver.waiver
    state = "WAIVED" if r.waiver.active else "Waiver EXPIRED"
    return f"{state} until {w.expires} by {w.owner}: {w.justification}"


def _section(out: _Writer, a: Assessment) -> None:
    title_row = out.line(a.title, spans=(4,))
    out.ws.cell(row=title_row, column=1).font = out.styles.font(size=14, bold=True)
    out.ws.row_dimensions[title_row].height = max(22, _lines(a.title, 70) * 20)
    who = ", ".join(a.participants)
    lead = f"; lead {a.lead}" if a.lead else ""
    out.line("Proposal", f"{a.proposal_id} · {a.status} · {who}{lead}", spans=(1, 3))
    grade = f"{a.grade} (provisional)" if a.provisional else a.grade
    row = out.line("Grade", grade, "Score", f"{a.score:.1f} / 100")
    out.fill(row, 2, GRADE_COLOURS.get(a.grade, (INVALID_FILL, "000000")))
    out.line("Range", a.range_words, spans=(1, 3))
    row = out.line("Known", a.coverage_words, spans=(1, 3))
    if a.provisional:
        out.ws.cell(row=row, column=2).font = out.styles.font(
            size=BODY_SIZE, bold=True, color="C00000"
        )
    out.line("Kind", ", ".join(a.shapes) or "other", spans=(1, 3))
    if a.cap is not None:
        out.line(
            "Cap",
            f"grade capped from {a.uncapped_grade} at {a.cap.max_grade} by the "
            f"{a.cap.severity.value} risk {a.cap.risk_id}",
            spans=(1, 3),
        )
    out.gap()
    out.heading(f"Risks that matter ({len(a.risks)} flagged)")
    if not a.risks:
        out.line("", "No risk flagged.", spans=(1, 3))
    else:
        out.line("Severity", "Risk and finding", "Mitigation", "", spans=(1, 1, 2), bold=True)
    for r in a.risks[:TOP_RISKS]:
        finding = f"{r.id} {r.title}: {r.finding}"
        waiver = _waiver(r)
        mitigation = r.mitigation + (f"\n{waiver}" if waiver else "")
        row = out.line(r.severity.value, finding, mitigation, spans=(1, 1, 2))
        out.fill(row, 1, SEVERITY_COLOURS[r.severity])
    if len(a.risks) > TOP_RISKS:
        more = len(a.risks) - TOP_RISKS
        out.line("", f"… and {more} more on the Risks sheet", spans=(1, 3))
    out.gap()
    out.heading("Changes that would raise the score most")
    if not a.improvements:
        out.line("", "None: every applicable indicator is at its best level.", spans=(1, 3))
    for m in a.improvements[:TOP_CHANGES]:
        out.line(f"+{m.gain:.1f}", f"{m.check_id} {m.title}", m.advice, spans=(1, 1, 2))
    out.gap()
    out.heading(f"Sources the file cites ({len(a.sources)})")
    if not a.sources:
        out.line("", "The file lists no sources.", spans=(1, 3))
    for c in a.sources:
        out.line(c.id, c.title, c.date or "", c.url or "")
    facts = [(r.id, f) for r in a.risks for f in r.references]
    if facts:
        out.gap()
        out.heading("Reference facts behind the risks")
        out.line("Risk", "Fact", "As of", "Sources", bold=True)
        for risk_id, f in facts:
            shown = [c.title for c in f.sources[:SHOWN_SOURCES]]
            if len(f.sources) > SHOWN_SOURCES:
                shown.append(f"and {len(f.sources) - SHOWN_SOURCES} more on the Sources sheet")
            sources = "; ".join(shown) or "none listed"
            out.line(risk_id, f"{f.fact} ({f.dataset}.yaml)", f.as_of, sources)


def write_brief(ws: Worksheet, report: Report, styles: Styles) -> None:
    """One section per proposal, worst first, each starting on a new printed page."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.pagebreak import Break

    for index, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    out = _Writer(ws, styles)
    assessed = worst_first(report.assessments)
    for number, a in enumerate(assessed):
        if number:
            ws.row_breaks.append(Break(id=out.row - 1))
        _section(out, a)
    if report.failures:
        if assessed:
            ws.row_breaks.append(Break(id=out.row - 1))
        out.heading(f"Files that could not be assessed ({len(report.failures)})")
        for f in report.failures:
            problems = "\n".join(f"{p.line}:{p.column}: {p.message}" for p in f.problems)
            out.line(f.file, problems, spans=(1, 3))
    if not assessed and not report.failures:
        out.line("", "No proposal was assessed.", spans=(1, 3))
