"""The Brief sheet: one printed page per proposal, for a reader who will not open the others.

Each section holds what a minister asks first: the grade and how firm it is (range,
coverage, provisional), the few risks that matter with their mitigations and any
waiver, the changes that would raise the score most, and where the facts come from.
Sections are separated by page breaks; the sheet prints portrait at 100 %, so its
10-point text prints at 10 points.
"""

from __future__ import annotations

import functools
from array import array
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, overload

from policycheck.render.xlsx.rows import BriefRows
from policycheck.render.xlsx.sheetdata import Cells, column_letter, row_start
from policycheck.render.xlsx.tables import (
    BRIEF,
    FORMULA_START,
    GRADE_COLOURS,
    HEADER_COLOURS,
    INVALID_FILL,
    SEVERITY_COLOURS,
    lines,
)

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from policycheck.render.xlsx.styles import Styles

#: Column widths (character units): label, main text, a short value, a longer note.
WIDTHS = (12.0, 38.0, 14.0, 28.0)
BODY_SIZE = 10
#: Characters of the Brief's 10-point text a character of column width holds.
_BRIEF_PER_WIDTH = 1.3
#: Points per line of 10-point text.
LINE = 12.75
#: What starts a formula in the Brief's text (its cells hold no tab or carriage return first).
_FORMULA_FIRST = FORMULA_START - {"\t", "\r"}
_SEVERITY_COLOURS = {s.value: colours for s, colours in SEVERITY_COLOURS.items()}
#: The letters of the Brief's columns (1 to 7: a row's last cell can start past its fourth).
_LETTERS = tuple(column_letter(index) for index in range(8))
#: The width of ``span`` columns from ``column`` on.
_SPAN_WIDTHS = {
    (column, span): sum(WIDTHS[column - 1 : column - 1 + span])
    for column in range(1, len(WIDTHS) + 2)
    for span in range(1, len(WIDTHS) + 1)
}


#: A Brief row: its height, its cells (column, value, style) and merged spans (first, last).
Cell = tuple[int, Any, Hashable]
Line = tuple[float, tuple[Cell, ...], tuple[tuple[int, int], ...]]
#: The styles of the Brief's cells: body text, bold, the title, a heading band, text in red,
#: and ("fill", background, colour) for a grade or severity.
BODY, BOLD, TITLE, HEADING, ALERT = "body", "bold", "title", "heading", "alert"
GAP: Line = (8.0, (), ())


class _Lines:
    """The Brief's rows, made one at a time: a row's cells can still be restyled until the next."""

    def __init__(self, *, measure: bool = True) -> None:
        self.made: list[Line] = []
        #: Whether rows are sized to their text (not when only counted).
        self._measure = measure

    def line(self, *cells: Any, spans: tuple[int, ...] = (), bold: bool = False) -> None:
        """A row of ``cells``; ``spans`` gives how many columns each takes (1 by default)."""
        column, count = 1, 1
        made: list[Cell] = []
        merged: list[tuple[int, int]] = []
        for index, value in enumerate(cells):
            span = spans[index] if index < len(spans) else 1
            made.append((column, value, BOLD if bold or index == 0 else BODY))
            if span > 1:
                merged.append((column, column + span - 1))
            if self._measure and isinstance(value, str) and value:
                count = max(count, lines(value, _SPAN_WIDTHS[column, span], _BRIEF_PER_WIDTH))
            column += span
        self.made.append((count * LINE + 2, tuple(made), tuple(merged)))

    def restyle(self, column: int, style: Hashable, height: float | None = None) -> None:
        """Give the last row's cell in ``column`` ``style`` (and the row ``height``)."""
        old_height, cells, merged = self.made[-1]
        cells = tuple((c, v, style if c == column else s) for c, v, s in cells)
        self.made[-1] = (old_height if height is None else height, cells, merged)

    def heading(self, title: str) -> None:
        """A band across the page naming the part that follows."""
        self.line(title, spans=(4,), bold=True)
        self.restyle(1, HEADING)

    def fill(self, column: int, colour: tuple[str, str]) -> None:
        self.restyle(column, ("fill", *colour))

    def gap(self) -> None:
        self.made.append(GAP)


def _section(out: _Lines, a: BriefRows) -> None:
    out.line(a.title, spans=(4,))
    out.restyle(1, TITLE, max(22, lines(a.title, 70, _BRIEF_PER_WIDTH) * 20))
    out.line("Proposal", a.who, spans=(1, 3))
    grade = f"{a.grade} (provisional)" if a.provisional else a.grade
    out.line("Grade", grade, "Score", f"{a.score:.1f} / 100")
    out.fill(2, GRADE_COLOURS.get(a.grade, (INVALID_FILL, "000000")))
    out.line("Range", a.range_words, spans=(1, 3))
    out.line("Known", a.coverage_words, spans=(1, 3))
    if a.provisional:
        out.restyle(2, ALERT)
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


#: A Brief page: a proposal's (its position among the results), the files that could not
#: be assessed, or the note that nothing was.
Page = tuple[str, int]
FAILURES: Page = ("failures", 0)
NOTHING: Page = ("nothing", 0)


def _page_list(order: Sequence[int], failures: Sequence[tuple[str, str]]) -> list[Page]:
    """The Brief's pages: a section per proposal, worst first (``order``), then the files that
    could not be assessed."""
    pages: list[Page] = [("proposal", index) for index in order]
    if failures:
        pages.append(FAILURES)
    if not pages:
        pages.append(NOTHING)
    return pages


def _pages(
    briefs: Callable[[int], BriefRows],
    pages: Sequence[Page],
    failures: Sequence[tuple[str, str]],
    *,
    measure: bool = True,
) -> Iterator[list[Line]]:
    """The rows of each of ``pages`` (``briefs`` giving each proposal's page, ``failures``
    the files not assessed: file, problems); rows are sized to their text if ``measure``."""
    for kind, index in pages:
        out = _Lines(measure=measure)
        if kind == "proposal":
            _section(out, briefs(index))
        elif kind == "failures":
            out.heading(f"Files that could not be assessed ({len(failures)})")
            for file, problems in failures:
                out.line(file, problems, spans=(1, 3))
        else:
            out.line("", "No proposal was assessed.", spans=(1, 3))
        yield out.made


def _style_arrays(ws: Worksheet, styles: Styles, keys: Iterable[Hashable]) -> dict[Hashable, Any]:
    """The style (a ``StyleArray``) of each of the Brief's ``keys``, as setting a cell's font,
    fill and alignment makes it."""
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Alignment
    from openpyxl.styles.cell_style import StyleArray

    wrap = Alignment(wrap_text=True, vertical="top")
    made: dict[Hashable, Any] = {}
    for key in keys:
        cell = Cell(ws, row=1, column=1)
        if key == TITLE:
            cell.font = styles.font(size=14, bold=True)
        elif key == HEADING:
            background, colour = HEADER_COLOURS
            cell.font = styles.font(size=BODY_SIZE + 1, bold=True, color=colour)
            cell.fill = styles.fill(background)
        elif key == ALERT:
            cell.font = styles.font(size=BODY_SIZE, bold=True, color="C00000")
        elif isinstance(key, tuple):
            _, background, colour = key
            cell.font = styles.font(size=BODY_SIZE, bold=True, color=colour)
            cell.fill = styles.fill(background)
        else:
            cell.font = styles.font(size=BODY_SIZE, bold=key == BOLD)
        cell.alignment = wrap
        made[key] = StyleArray(cell._style)  # type: ignore[attr-defined]
    return made


def write_brief(
    sheet: Callable[[str], Worksheet],
    briefs: Callable[[int], BriefRows],
    order: Sequence[int],
    failures: Sequence[tuple[str, str]],
    styles: Styles,
    max_rows: int,
) -> list[BriefSheet]:
    """Lay out the Brief: one section per proposal, worst first (``order``), each starting on a
    new printed page, on sheets of at most ``max_rows`` rows ("Brief", "Brief (2)" …, made
    by ``sheet(title)``; a page is never cut). Sets each sheet's widths and page breaks
    (openpyxl writes them) and lists the styles; gives each sheet with what makes its rows'
    text (``sheetdata``), which lays its pages out again one at a time, its merged cells
    (written as text too: openpyxl takes a second for 15,000) and the pages it holds.
    """
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.pagebreak import Break

    pages = _page_list(order, failures)
    # Each sheet's pages (from, to), merged cells and page breaks, from one layout.
    sheets: list[tuple[int, int, RowMerges, list[Break]]] = []
    row, first_page = 1, 0
    merged = RowMerges()
    breaks: list[Break] = []
    keys: dict[Hashable, None] = {}
    for number, page in enumerate(_pages(briefs, pages, failures, measure=False)):
        if number > first_page and row - 1 + len(page) > max_rows:
            sheets.append((first_page, number, merged, breaks))
            row, first_page, merged, breaks = 1, number, RowMerges(), []
        if number > first_page:
            breaks.append(Break(id=row - 1))
        for _, cells, spans in page:
            for first, last in spans:
                merged.add(first, last, row)
            for _, _, key in cells:
                keys[key] = None
            row += 1
    sheets.append((first_page, len(pages), merged, breaks))
    made = []
    for number, (start, stop, merges, page_breaks) in enumerate(sheets, start=1):
        ws = sheet(BRIEF if number == 1 else f"{BRIEF} ({number})")
        for index, width in enumerate(WIDTHS, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.row_breaks.brk = tuple(page_breaks)  # at once: each ``append`` copies them all
        rows = functools.partial(_rows, briefs, pages[start:stop], failures)
        made.append((ws, rows, merges, (start + 1, stop, len(pages))))
    ws = made[0][0]
    listed = ws.parent._cell_styles  # type: ignore[union-attr]
    ids: dict[Hashable, tuple[int, int]] = {}
    for key, style in _style_arrays(ws, styles, keys).items():
        quoted = StyleArray(style)
        quoted.quotePrefix = 1
        ids[key] = (listed.add(style), listed.add(quoted))
    return [
        BriefSheet(ws, functools.partial(rows, ids), merges, *held)
        for ws, rows, merges, held in made
    ]


class RowMerges(Sequence[str]):
    """Merged cells that each span columns of one row ("B12:F12"), kept as three numbers a
    range rather than as text until they are written: a Brief of 100,000 pages has 1.5
    million of them (120 MB as strings)."""

    def __init__(self) -> None:
        self._numbers = array("L")

    def add(self, first: int, last: int, row: int) -> None:
        """Merge columns ``first`` to ``last`` (1-based) of ``row``."""
        self._numbers.extend((first, last, row))

    def __len__(self) -> int:
        return len(self._numbers) // 3

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return _range_name(*self._numbers[3 * index : 3 * index + 3])

    def __iter__(self) -> Iterator[str]:
        numbers = iter(self._numbers)
        for first, last, row in zip(numbers, numbers, numbers, strict=True):
            yield _range_name(first, last, row)


def _range_name(first: int, last: int, row: int) -> str:
    """Columns ``first`` to ``last`` of ``row`` as a sheet names the range ("B12:F12")."""
    return f"{column_letter(first)}{row}:{column_letter(last)}{row}"


@dataclass(frozen=True)
class BriefSheet:
    """One sheet of the Brief: what makes its rows' text, its merged cells, and the pages it
    holds (``first`` to ``last`` of ``pages``, a page a proposal, worst first)."""

    sheet: Worksheet
    make: Callable[[], Iterator[str]]
    merges: Sequence[str]
    first: int
    last: int
    pages: int


def _rows(
    briefs: Callable[[int], BriefRows],
    pages: Sequence[Page],
    failures: Sequence[tuple[str, str]],
    ids: Mapping[Hashable, tuple[int, int]],
) -> Iterator[str]:
    """The rows of ``pages`` as text, in the styles ``ids`` lists (plain, quoted)."""
    cells = Cells(_FORMULA_FIRST)
    number = 1
    for page in _pages(briefs, pages, failures):
        for height, line, _ in page:
            suffix = str(number)
            parts = [row_start(number, height)]
            for column, value, key in line:
                plain, quoted = ids[key]
                parts.append(cells.cell(f"{_LETTERS[column]}{suffix}", value, plain, quoted))
            parts.append("</row>")
            yield "".join(parts)
            number += 1
