"""The Brief sheet: one printed page per proposal, for a reader who will not open the others.

Each section holds what a minister asks first: the grade and how firm it is (range,
coverage, provisional), the few risks that matter with their mitigations and any
waiver, the changes that would raise the score most, and where the facts come from.
Sections are separated by page breaks; the sheet prints portrait at 100 %, so its
10-point text prints at 10 points.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from policycheck.render.xlsx.rows import BriefRows, ResultRows
from policycheck.render.xlsx.tables import (
    FORMULA_START,
    GRADE_COLOURS,
    HEADER_COLOURS,
    INVALID_FILL,
    SEVERITY_COLOURS,
    text,
)

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.worksheet.worksheet import Worksheet

    from policycheck.render.xlsx.styles import Styles

#: Column widths (character units): label, main text, a short value, a longer note.
WIDTHS = (12.0, 38.0, 14.0, 28.0)
BODY_SIZE = 10
#: Points per line of 10-point text.
LINE = 12.75
#: What starts a formula in the Brief's text (its cells hold no tab or carriage return first).
_FORMULA_FIRST = FORMULA_START - {"\t", "\r"}
_SEVERITY_COLOURS = {s.value: colours for s, colours in SEVERITY_COLOURS.items()}


class _Writer:
    """Appends rows to the Brief, merging and wrapping cells and sizing rows to their text.

    The sheet is written as it is filled (openpyxl's write-only mode): a row is kept
    until the next one starts, so its cells can still be coloured, then written.
    """

    def __init__(self, ws: Worksheet, styles: Styles) -> None:
        from openpyxl.styles import Alignment

        self.ws = ws
        self.styles = styles
        self.row = 1
        self._wrap = Alignment(wrap_text=True, vertical="top")
        self._pending: list[Cell] = []
        #: The style array of a body cell, bold or not, as setting its font and alignment
        #: made it the first time: a cell made with it costs no font to build and hash.
        self._body: dict[bool, StyleArray] = {}
        #: Merged ranges in the order made (a plain list: openpyxl's set checks each new
        #: range against every earlier one).
        self.merged: list[str] = []

    def flush(self) -> None:
        """Write the row being made (its height was set with it)."""
        if self._pending:
            self.ws.append(self._pending)
            self.ws.row_dimensions.pop(self.row - 1, None)  # written with its row: not kept
            self._pending = []

    def cell(self, column: int) -> Cell:
        """A cell of the row being made."""
        return self._pending[column - 1]

    def line(self, *cells: Any, spans: tuple[int, ...] = (), bold: bool = False) -> int:
        """A row of ``cells``; ``spans`` gives how many columns each takes (1 by default)."""
        from openpyxl.cell.cell import Cell
        from openpyxl.styles.cell_style import StyleArray
        from openpyxl.utils import get_column_letter

        self.flush()
        ws, row = self.ws, self.row
        column, lines = 1, 1
        made: list[Cell] = []
        for index, value in enumerate(cells):
            span = spans[index] if index < len(spans) else 1
            strong = bold or index == 0
            cell = Cell(ws, row=row, column=column, style_array=self._body.get(strong))
            if strong not in self._body:
                # The first time, as before: the workbook lists the font and alignment
                # in the order they are first used, which the bytes depend on.
                cell.font = self.styles.font(size=BODY_SIZE, bold=strong)
                cell.alignment = self._wrap
                self._body[strong] = StyleArray(cell._style)  # type: ignore[attr-defined]
            if value is not None and value != "":
                cell.value = text(value) if isinstance(value, str) else value
                if isinstance(value, str) and value[:1] in _FORMULA_FIRST:
                    cell.data_type = "s"
                    cell.quotePrefix = True
            made.append(cell)
            for extra in range(column + 1, column + span):
                made.append(Cell(ws, row=row, column=extra))  # covered by the merge
            if span > 1:
                last = get_column_letter(column + span - 1)
                self.merged.append(f"{get_column_letter(column)}{row}:{last}{row}")
            width = sum(WIDTHS[column - 1 : column - 1 + span])
            lines = max(lines, _lines(value, width))
            column += span
        ws.row_dimensions[row].height = lines * LINE + 2
        self._pending = made
        self.row += 1
        return row

    def heading(self, title: str) -> None:
        """A band across the page naming the part that follows."""
        self.line(title, spans=(4,), bold=True)
        background, colour = HEADER_COLOURS
        cell = self.cell(1)
        cell.font = self.styles.font(size=BODY_SIZE + 1, bold=True, color=colour)
        cell.fill = self.styles.fill(background)

    def fill(self, column: int, colour: tuple[str, str]) -> None:
        cell = self.cell(column)
        cell.fill = self.styles.fill(colour[0])
        cell.font = self.styles.font(size=BODY_SIZE, bold=True, color=colour[1])

    def gap(self) -> None:
        self.flush()
        self.ws.row_dimensions[self.row].height = 8
        self.ws.append([])
        self.ws.row_dimensions.pop(self.row, None)
        self.row += 1


def _lines(value: object, width: float) -> int:
    """Lines ``value`` takes at 10 points in a cell ``width`` characters wide."""
    if not isinstance(value, str) or not value:
        return 1
    per_line = max(1, int(width * 1.3) - 1)
    return sum(max(1, -(-len(part) // per_line)) for part in value.split("\n"))


def _section(out: _Writer, a: BriefRows) -> None:
    title_row = out.line(a.title, spans=(4,))
    out.cell(1).font = out.styles.font(size=14, bold=True)
    out.ws.row_dimensions[title_row].height = max(22, _lines(a.title, 70) * 20)
    out.line("Proposal", a.who, spans=(1, 3))
    grade = f"{a.grade} (provisional)" if a.provisional else a.grade
    out.line("Grade", grade, "Score", f"{a.score:.1f} / 100")
    out.fill(2, GRADE_COLOURS.get(a.grade, (INVALID_FILL, "000000")))
    out.line("Range", a.range_words, spans=(1, 3))
    out.line("Known", a.coverage_words, spans=(1, 3))
    if a.provisional:
        out.cell(2).font = out.styles.font(size=BODY_SIZE, bold=True, color="C00000")
    out.line("Kind", a.kind, spans=(1, 3))
    if a.cap:
        out.line("Cap", a.cap, spans=(1, 3))
    out.gap()
    out.heading(f"Risks that matter ({a.risk_count} flagged)")
    if not a.risk_count:
        out.line("", "No risk flagged.", spans=(1, 3))
    else:
        out.line("Severity", "Risk and finding", "Mitigation", "", spans=(1, 1, 2), bold=True)
    for severity, finding, mitigation in a.risks:
        out.line(severity, finding, mitigation, spans=(1, 1, 2))
        out.fill(1, _SEVERITY_COLOURS[severity])
    if a.risk_count > len(a.risks):
        more = a.risk_count - len(a.risks)
        out.line("", f"… and {more} more on the Risks sheet", spans=(1, 3))
    out.gap()
    out.heading("Changes that would raise the score most")
    if not a.changes:
        out.line("", "None: every applicable indicator is at its best level.", spans=(1, 3))
    for gain, title, advice in a.changes:
        out.line(f"+{gain:.1f}", title, advice, spans=(1, 1, 2))
    out.gap()
    out.heading(f"Sources the file cites ({len(a.sources)})")
    if not a.sources:
        out.line("", "The file lists no sources.", spans=(1, 3))
    for source in a.sources:
        out.line(*source)
    if a.facts:
        out.gap()
        out.heading("Reference facts behind the risks")
        out.line("Risk", "Fact", "As of", "Sources", bold=True)
        for fact in a.facts:
            out.line(*fact)


def write_brief(
    ws: Worksheet, results: Sequence[ResultRows], order: Sequence[int], styles: Styles
) -> None:
    """One section per proposal, worst first (``order``), each starting on a new printed page.

    ``ws`` is write-only: the column widths are set before the first row.
    """
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.pagebreak import Break

    for index, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    out = _Writer(ws, styles)
    for number, index in enumerate(order):
        if number:
            ws.row_breaks.append(Break(id=out.row - 1))
        section = results[index].brief
        assert isinstance(section, BriefRows), "an assessed result has a Brief page"
        _section(out, section)
    failures = [r for r in results if not r.assessed]
    if failures:
        if order:
            ws.row_breaks.append(Break(id=out.row - 1))
        out.heading(f"Files that could not be assessed ({len(failures)})")
        for f in failures:
            out.line(f.file, f.brief, spans=(1, 3))
    if not order and not failures:
        out.line("", "No proposal was assessed.", spans=(1, 3))
    out.flush()
    ws.merged_cells = out.merged  # type: ignore[assignment]
