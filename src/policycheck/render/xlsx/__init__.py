"""The Excel workbook (``--xlsx FILE``, ``--output xlsx=FILE``): for a minister on paper and
an analyst on screen.

Sheets, in order:

1. **Brief** — one printed page per proposal: title, grade, score range and coverage
   (provisional or not), the risks that matter with their mitigations and waivers, the
   changes that would raise the score most, the sources and the reference facts behind
   the risks.
2. **Summary** — one row per proposal, worst (lowest score) first, then the files that
   could not be assessed, marked ``invalid``. Grade and score cells coloured by grade
   band, scores with data bars / a 3-colour scale.
3. **Risks** — one row per piece of evidence of each flagged risk (tidy: evidence,
   location, line and path line up), the most severe first; ``Waived`` to filter on,
   with the waiver's justification, owner and expiry.
4. **Indicators** — one row per piece of evidence of each proposal × indicator (one for an
   indicator without evidence), unknowns highlighted.
5. **Sources** — one row per source: each file's ``sources:``, each source a piece of
   evidence cites by id, and the sources of the reference facts (dyads, ceilings, country
   records) each risk rests on, with as-of dates.
6. **Charts** — live charts from the Summary sheet: overall score by proposal with a
   labelled line at each of the rubric's grade bands, and the criteria of each proposal
   on a radar.
7. **Gate** — the verdict, thresholds, breaches and waivers (or that no gate was asked).
8. **About** — tool, rubric and reference versions, inputs and their SHA-256 (and each
   problem of a file that could not be assessed, a row each), grade bands, caps and how
   scores are made.
9. **Uncertainty** — only with ``--uncertainty``: each grade's share, the score's and the
   rank's intervals, the drivers, and native charts of them (``policycheck.render.xlsx.uncertainty``).

No cell of a table holds a list: evidence, locations, cited sources and problems are a
row each (tidy data), with ids beside names.

Printing: text is never printed below 8 points. Each table sheet prints landscape at
the scale that fits its *printed* columns (the first ones; the rest are for the screen
and for filtering) but never below 73 % of 11-point text; the Brief prints portrait at
100 %. The paper is A4 or Letter; a protective marking, when given, heads and foots
every page.

Text from proposals is always written as text (never a formula), cut to Excel's
32,767-character limit with a visible marker. The workbook depends only on the
``Report`` (and the paper and marking): document dates and zip timestamps come from
``report.generated_at``, so the same report gives the same bytes. openpyxl is imported
inside ``render`` so that assessing without ``--xlsx`` never pays for it.

Each result is first reduced to its rows (``result_rows``: plain values, the Brief's
page included), and each sheet is written as it is filled (openpyxl's write-only mode):
``render_rows`` takes the rows of a batch that kept nothing else (see
``policycheck.batch``), so a large batch is never held as objects or cells, and gives
the bytes ``render`` gives for the whole report.
"""

from __future__ import annotations

import functools
import io
import math
import shutil
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from policycheck.assessment import IndicatorStatus, Report
from policycheck.render.paper import PAPERS, Paper
from policycheck.render.xlsx.brief import write_brief
from policycheck.render.xlsx.rows import ResultRows, result_rows
from policycheck.render.xlsx.styles import (
    BOLD,
    INSUFFICIENT_LOOK,
    INSUFFICIENT_STATUS,
    INVALID,
    INVALID_STATUS,
    NOT_APPLICABLE_LOOK,
    PLAIN,
    SEVERITY_LOOKS,
    WAIVED,
    Look,
)
from policycheck.render.xlsx.styles import (
    Styles as _Styles,
)
from policycheck.render.xlsx.tables import (
    ABOUT,
    BAR_MAX_PROPOSALS,
    BRIEF,
    CHARTS,
    EXCEL_CELL_LIMIT,
    FIRST_ZIP_ENTRY,
    FORMULA_START,
    GATE,
    GRADE_COLOURS,
    INDICATORS,
    INSUFFICIENT_FILL,
    INVALID_FILL,
    LINE_HEIGHT,
    MAX_ROW_HEIGHT,
    RADAR_MAX_SERIES,
    RISKS,
    SEVERITY_COLOURS,
    SHEETS,
    SOURCES,
    STATUS_TEXT,
    SUMMARY,
    TRUNCATION_MARKER,
    ZIP_MIN,
    Column,
    Table,
    about_table,
    criteria_of,
    gate_table,
    header_text,
    indicators_table,
    moment_of,
    risks_table,
    sheet_name,
    sources_table,
    summary_table,
    tabulate,
    text,
    worst_first,
)
from policycheck.text import xml_text

if TYPE_CHECKING:
    import datetime as dt

    from openpyxl.cell.cell import Cell
    from openpyxl.chart import LineChart
    from openpyxl.chart.text import RichText
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

#: Paper widths (cm), the side margins, and the smallest scale: 11-point text at 73 % is 8 pt.
PAPER_WIDTH_CM: dict[Paper, float] = {"a4": 29.7, "letter": 27.94}
MARGIN_CM = 1.0
MIN_PRINT_SCALE = 73
#: Printed centimetres per unit of column width at 100 % (measured in LibreOffice with
#: Carlito, Calibri's metric twin; Excel's are a little narrower, so this errs on the safe side).
CM_PER_WIDTH = 0.21
#: The Charts sheet's width in character units (its charts are 24 cm wide).
CHART_WIDTH = 124.0
#: Radar series colours and markers, told apart in colour and in black and white.
RADAR_COLOURS = (
    "1F77B4",
    "D62728",
    "2CA02C",
    "FF7F0E",
    "9467BD",
    "8C564B",
    "E377C2",
    "7F7F7F",
    "BCBD22",
    "17BECF",
    "000000",
    "AEC7E8",
)
#: The score bars, and the grade-band lines: dark colours and distinct dashes, told apart
#: on screen and in black and white.
BAR_COLOUR = "9DC3E6"
#: Where the Charts sheet holds the lines' data: column Q, right of the 24 cm charts.
BAND_COLUMN = 17
BAND_COLOURS = ("006100", "1F4E78", "9C5700", "C00000", "7030A0", "404040")
BAND_DASHES = ("solid", "dash", "sysDash", "lgDashDot", "sysDot", "lgDash")
RADAR_MARKERS = ("circle", "square", "triangle", "diamond", "x", "star", "plus", "dash")


def _summary_look(row: Sequence[object], index: int, column: Column, status: int) -> Look:
    if row[status] == "invalid":
        return INVALID_STATUS if index == status else INVALID
    if column.kind == "severity":
        return SEVERITY_LOOKS.get(row[index], PLAIN)
    return PLAIN


def _risks_look(row: Sequence[object], index: int, column: Column, _status: int) -> Look:
    if column.kind == "severity":
        return SEVERITY_LOOKS.get(row[index], PLAIN)
    if column.header == "Waived" and row[index] != "no":
        return WAIVED
    return PLAIN


def _indicators_look(row: Sequence[object], index: int, _column: Column, status: int) -> Look:
    if row[status] == STATUS_TEXT[IndicatorStatus.INSUFFICIENT]:
        return INSUFFICIENT_STATUS if index == status else INSUFFICIENT_LOOK
    if row[status] == STATUS_TEXT[IndicatorStatus.NOT_APPLICABLE]:
        return NOT_APPLICABLE_LOOK
    return PLAIN


def _about_look(_row: Sequence[object], index: int, _column: Column, _status: int) -> Look:
    return BOLD if index == 0 else PLAIN


def _plain_look(_row: Sequence[object], _index: int, _column: Column, _status: int) -> Look:
    return PLAIN


_LOOKS = {
    SUMMARY: _summary_look,
    RISKS: _risks_look,
    INDICATORS: _indicators_look,
    SOURCES: _plain_look,
    GATE: _about_look,
    ABOUT: _about_look,
}


def _cell(
    ws: Worksheet, row: int, column: int, value: Any, style: StyleArray, styles: _Styles
) -> Cell:
    """A cell of a table; its style is listed in the workbook now, as writing it would.

    Cells are written in the order they are made (a row as soon as it is made), so the
    workbook lists the same styles in the same order as when writing lists them.
    """
    from openpyxl.cell.cell import ERROR_CODES, Cell
    from openpyxl.styles.cell_style import StyleArray

    kind = type(value)
    if kind is not str and kind is not int and kind is not float and value is not None:
        made = Cell(ws, row=row, column=column, value=value, style_array=style)
        if made.has_style:
            made.style_id  # noqa: B018 -- listed now, in the order of making
        return made
    # A table's values are text, numbers or nothing: the cell is made as ``Cell(ws, row,
    # column, value, style)`` makes it, without its checks (``text`` already made the text
    # valid and short enough), a third of the cost of a cell.
    table_cell = _table_cell_class()
    cell = table_cell.__new__(table_cell)
    cell.parent = ws
    cell._style = StyleArray(style)  # type: ignore[attr-defined]
    cell.row, cell.column = row, column
    cell._hyperlink = None  # type: ignore[attr-defined]
    cell._comment = None  # type: ignore[attr-defined]
    cell.data_type = "n"
    quoted = False
    if kind is str:
        value = text(value)  # every string, once, here
        if value and value[0] in FORMULA_START:
            # openpyxl takes a str starting with "=" for a formula: keep it text, and have
            # Excel keep it text when the cell is edited.
            cell.data_type = "s"
            cell.quotePrefix = True
            quoted = True
        else:
            cell.data_type = "e" if value in ERROR_CODES else "s"
    cell._value = value  # type: ignore[attr-defined]
    key = (id(style), quoted)
    found = styles.ids.get(key)
    if found is None:
        # As writing a cell with a style does (``StyleableObject.style_id``).
        listed = ws.parent._cell_styles  # type: ignore[union-attr]
        found = listed.add(cell._style) if cell.has_style else 0  # type: ignore[attr-defined]
        styles.ids[key] = found
    cell.known_style_id = found  # type: ignore[attr-defined]
    return cell


@functools.cache
def _table_cell_class() -> type[Cell]:
    """The class of ``_cell``'s cells, made when openpyxl is first needed (see ``render``)."""
    from openpyxl.cell.cell import Cell

    class TableCell(Cell):
        """A cell whose style id was found when it was made (``_cell``): writing it hashes
        no style array."""

        __slots__ = ("known_style_id",)
        known_style_id: int

        @property
        def style_id(self) -> int:
            return self.known_style_id

    return TableCell


def _widths(columns: Sequence[Column], rows: Iterable[Sequence[object]]) -> list[float]:
    """Each column's width: its longest line of text, within its bounds (one reading of rows)."""
    longest = [len(column.header) for column in columns]
    for row in rows:
        for index, value in enumerate(row):
            if isinstance(value, str):
                # most text is one line: split nothing
                most = max(map(len, value.split("\n"))) if "\n" in value else len(value)
                if most > longest[index]:
                    longest[index] = most
            elif isinstance(value, float):
                longest[index] = max(longest[index], 6)
    return [
        max(column.min_width, min(column.max_width, most + 2))
        for column, most in zip(columns, longest, strict=True)
    ]


def _write_table(ws: Worksheet, table: Table, styles: _Styles) -> float:
    """Cells (styled as they are made), widths, heights, filter, frozen panes and print area
    of a table; returns the width of its printed columns (in character units).

    The sheet is written as it is filled (openpyxl's write-only mode): what comes before
    the rows in the file (widths, panes, size) is set first, and each row's height before
    the row.
    """
    from openpyxl.utils import get_column_letter

    columns = table.columns
    widths = _widths(columns, table.rows)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    last = get_column_letter(max(1, len(columns)))
    ws.auto_filter.ref = f"A1:{last}{max(1, len(table.rows) + 1)}"
    ws.freeze_panes = "B2" if table.name not in (ABOUT, GATE) else "A2"
    _declare_size(ws, f"A1:{last}{len(table.rows) + 1}")
    header = styles.array("header")
    lines = max(_lines(c.header, w) for c, w in zip(columns, widths, strict=True))
    ws.row_dimensions[1].height = min(MAX_ROW_HEIGHT, max(2, lines) * LINE_HEIGHT)
    ws.append([_cell(ws, 1, i, c.header, header, styles) for i, c in enumerate(columns, start=1)])
    ws.row_dimensions.pop(1, None)
    look = _LOOKS[table.name]
    headers = [c.header for c in columns]
    status = headers.index("Status") if "Status" in headers else 0
    plain = [styles.array(c.kind) for c in columns]
    # Each column's styles by look (the looks are constants: found by identity, not hashed).
    special_styles: list[dict[int, StyleArray]] = [{} for _ in columns]
    wrapped = [(index, widths[index]) for index, c in enumerate(columns) if c.kind == "wrap"]
    for number, row in enumerate(table.rows, start=2):
        cells = []
        for index, value in enumerate(row):
            column = columns[index]
            special = look(row, index, column, status)
            if special is PLAIN:
                style = plain[index]
            else:
                known = special_styles[index]
                found = known.get(id(special))
                if found is None:
                    found = known[id(special)] = styles.array(column.kind, special)
                style = found
            cells.append(_cell(ws, number, index + 1, value, style, styles))
        # Heights that show wrapped text whole: spreadsheets do not grow rows a program wrote.
        lines = max((_lines(row[index], width) for index, width in wrapped), default=1)
        if lines > 1:
            ws.row_dimensions[number].height = min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT)
        ws.append(cells)
        ws.row_dimensions.pop(number, None)  # written with its row: not kept
    printed = [w for c, w in zip(columns, widths, strict=True) if c.printed]
    assert all(c.printed for c in columns[: len(printed)]), "printed columns come first"
    last_printed = get_column_letter(max(1, len(printed)))
    ws.print_area = f"A1:{last_printed}{max(1, len(table.rows) + 1)}"
    return sum(printed)


def _cells_as_made(ws: Worksheet) -> None:
    """Have the write-only sheet take the cells ``_cell`` made as they are.

    openpyxl converts each appended value into a cell of its own, and takes a
    cell it is given only after failing to convert it (an exception a cell):
    a fifth of the time of a large workbook. Ours carry their row and column.
    """
    ws._values_to_row = lambda cells, _row: cells  # type: ignore[attr-defined]


def _declare_size(ws: Worksheet, ref: str) -> None:
    """Have the sheet's ``<dimension>`` written, as openpyxl does for a sheet held in memory.

    openpyxl writes it for a sheet that can say its size (``calculate_dimension``);
    a write-only sheet cannot, as it is written before its rows are known.
    """
    ws.calculate_dimension = lambda: ref  # type: ignore[method-assign]


def _lines(value: object, width: float) -> int:
    """How many lines ``value`` takes, wrapped in a column ``width`` characters wide."""
    if not isinstance(value, str) or not value:
        return 1
    per_line = max(1, int(width * 1.2) - 1)
    if "\n" not in value:
        return max(1, -(-len(value) // per_line))
    return sum(max(1, -(-len(segment) // per_line)) for segment in value.split("\n"))


def _conditional_formats(ws: Worksheet, table: Table, report: Report, styles: _Styles) -> None:
    """Summary: grade and score coloured by grade band, data bars and colour scales on scores."""
    from openpyxl.formatting.rule import CellIsRule, ColorScaleRule, DataBarRule, FormulaRule
    from openpyxl.utils import get_column_letter

    headers = [c.header for c in table.columns]
    last_row = max(2, len(table.rows) + 1)
    grade_letter = get_column_letter(headers.index("Grade") + 1)
    score_col = headers.index("Score") + 1
    score_letter = get_column_letter(score_col)
    grade_range = f"{grade_letter}2:{grade_letter}{last_row}"
    score_range = f"{score_letter}2:{score_letter}{last_row}"
    upper: float | None = None
    for grade, floor in sorted(report.grade_bands, key=lambda band: -band[1]):
        background, colour = GRADE_COLOURS.get(grade, (INVALID_FILL, "000000"))
        fill, font = styles.fill(background), styles.font(bold=True, color=colour)
        ws.conditional_formatting.add(
            grade_range,
            CellIsRule(  # type: ignore[no-untyped-call]
                operator="equal", formula=[f'"{grade}"'], fill=fill, font=font
            ),
        )
        cell = f"{score_letter}2"
        test = f"{cell}>={floor:g}" if upper is None else f"{cell}>={floor:g},{cell}<{upper:g}"
        ws.conditional_formatting.add(
            score_range,
            FormulaRule(  # type: ignore[no-untyped-call]
                formula=[f"AND(ISNUMBER({cell}),{test})"], fill=fill, font=font
            ),
        )
        upper = floor
    ws.conditional_formatting.add(
        score_range,
        DataBarRule(  # type: ignore[no-untyped-call]
            start_type="num", start_value=0, end_type="num", end_value=100, color="5B9BD5"
        ),
    )
    for index, column in enumerate(table.columns, start=1):
        if column.kind == "score" and index != score_col:
            letter = get_column_letter(index)
            ws.conditional_formatting.add(
                f"{letter}2:{letter}{last_row}",
                ColorScaleRule(  # type: ignore[no-untyped-call]
                    start_type="num",
                    start_value=0,
                    start_color="F8696B",
                    mid_type="num",
                    mid_value=50,
                    mid_color="FFEB84",
                    end_type="num",
                    end_value=100,
                    end_color="63BE7B",
                ),
            )


def _chart_text(size: int) -> RichText:
    """Chart text properties: ``size`` in hundredths of a point."""
    from openpyxl.chart.text import RichText
    from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties

    return RichText(
        p=[
            Paragraph(
                pPr=ParagraphProperties(defRPr=CharacterProperties(sz=size)),
                endParaRPr=CharacterProperties(sz=size),
            )
        ]
    )


def _charts(
    ws: Worksheet,
    styles: _Styles,
    summary: Worksheet,
    table: Table,
    assessed: int,
    criteria: Sequence[tuple[str, str]],
    bands: Sequence[tuple[str, float]],
) -> None:
    from openpyxl.chart import BarChart, RadarChart, Reference, Series
    from openpyxl.chart.axis import ChartLines
    from openpyxl.chart.data_source import AxDataSource, StrRef
    from openpyxl.chart.label import DataLabelList
    from openpyxl.chart.legend import Legend, LegendEntry
    from openpyxl.chart.series import SeriesLabel
    from openpyxl.chart.shapes import GraphicalProperties
    from openpyxl.drawing.line import LineProperties
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.pagebreak import Break

    headers = [c.header for c in table.columns]
    if assessed == 0:
        _chart_heading(ws, styles, "No proposal was assessed: nothing to chart.")
        return
    bars = min(assessed, BAR_MAX_PROPOSALS)
    ws.column_dimensions["A"].width = 12  # written before the heading's row
    lines = [band for band in bands if band[1] > 0]  # a floor of 0 is the axis itself
    for number in range(len(lines)):
        ws.column_dimensions[get_column_letter(BAND_COLUMN + number)].width = 10
    _chart_heading(
        ws,
        styles,
        f"Charts of the {assessed} assessed proposal(s), drawn live from the {SUMMARY} sheet"
        if bars == assessed
        else f"Charts of the first {bars} rows of the {SUMMARY} sheet ({assessed} assessed "
        "proposals): sort it to choose which",
        lines,
        bars,
    )
    score_col = headers.index("Score") + 1
    first_criterion = headers.index(criteria[0][1]) + 1 if criteria else score_col

    bar = BarChart()
    bar.type = "col"
    bar.style = 10
    bar.title = (
        "Overall score by proposal, worst first"
        if bars == assessed
        else f"Overall score, first {bars} of {assessed} proposals"
    )
    bar.add_data(
        Reference(summary, min_col=score_col, min_row=1, max_row=bars + 1),
        titles_from_data=True,
    )
    ids = Reference(summary, min_col=1, min_row=2, max_row=bars + 1)
    bar.series[0].cat = AxDataSource(strRef=StrRef(str(ids)))  # text labels, not numbers
    bar.series[0].graphicalProperties.solidFill = BAR_COLOUR
    bar.x_axis.delete = False
    bar.x_axis.tickLblSkip = 1  # a label on every bar, small enough to fit
    bar.x_axis.txPr = _chart_text(900)
    bar.y_axis.delete = False
    bar.y_axis.scaling.min = 0
    bar.y_axis.scaling.max = 100
    bar.y_axis.majorUnit = 10
    bar.y_axis.majorGridlines = ChartLines(
        spPr=GraphicalProperties(ln=LineProperties(solidFill="D9D9D9"))
    )
    bar.y_axis.txPr = _chart_text(900)
    bar.y_axis.title = "Score (0–100)"
    bar.y_axis.number_format = "0"
    bar.dataLabels = DataLabelList(
        showVal=True, showSerName=False, showCatName=False, showLegendKey=False, showPercent=False
    )
    bar.dataLabels.position = "outEnd"
    bar.dataLabels.txPr = _chart_text(900)
    bar.gapWidth = 60
    bar.legend = None
    if lines:
        bar += _band_lines(ws, lines, bars)
        # The lines' names; the bars' is the axis title.
        bar.legend = Legend(legendPos="b", legendEntry=[LegendEntry(idx=0, delete=True)])
        bar.legend.txPr = _chart_text(900)
    bar.width = 24
    bar.height = 14  # one printed page
    ws.add_chart(bar, "A3")

    radar = RadarChart()
    radar.type = "marker"
    shown = min(assessed, RADAR_MAX_SERIES)
    radar.title = (
        "Criterion scores by proposal"
        if shown == assessed
        else f"Criterion scores, first {shown} of {assessed} proposals"
    )
    last_criterion = first_criterion + len(criteria) - 1
    sheet = quote_sheetname(summary.title)
    for row in range(2, shown + 2):
        series = Series(
            Reference(
                summary, min_col=first_criterion, max_col=last_criterion, min_row=row, max_row=row
            )
        )
        series.tx = SeriesLabel(strRef=StrRef(f"{sheet}!$A${row}"))
        radar.series.append(series)
    titles = Reference(
        summary, min_col=first_criterion, max_col=last_criterion, min_row=1, max_row=1
    )
    for number, series in enumerate(radar.series):
        series.cat = AxDataSource(strRef=StrRef(str(titles)))
        colour = RADAR_COLOURS[number % len(RADAR_COLOURS)]
        series.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.width = 22000  # EMU: about 1.75 pt
        series.marker.symbol = RADAR_MARKERS[number % len(RADAR_MARKERS)]
        series.marker.graphicalProperties = GraphicalProperties(solidFill=colour)
        series.marker.graphicalProperties.line.solidFill = colour
    radar.y_axis.scaling.min = 0
    radar.y_axis.scaling.max = 100
    radar.y_axis.majorUnit = 25
    radar.y_axis.number_format = "0"
    radar.y_axis.delete = False
    radar.x_axis.delete = False
    radar.x_axis.txPr = _chart_text(900)
    radar.y_axis.txPr = _chart_text(900)
    radar.width = 24
    radar.height = 14
    # Each chart on its own printed page: a default row is about 0.53 cm high.
    radar_row = 3 + int(bar.height / 0.53) + 2
    ws.row_breaks.append(Break(id=radar_row - 1))
    ws.add_chart(radar, f"A{radar_row}")
    last = get_column_letter(BAND_COLUMN - 2)
    ws.print_area = f"A1:{last}{radar_row + int(radar.height / 0.53) + 1}"  # not the bands


def _chart_heading(
    ws: Worksheet,
    styles: _Styles,
    heading: str,
    bands: Sequence[tuple[str, float]] = (),
    bars: int = 0,
) -> None:
    """The Charts sheet's cells: the heading, A1, in bold; and right of the charts (outside
    the print area) the grade-band lines' data, ``bands`` as columns headed "A ≥ 85" with
    their floor once per bar (spreadsheets draw a chart's line from cells only).
    """
    from openpyxl.cell.cell import Cell
    from openpyxl.utils import get_column_letter

    cell = Cell(ws, row=1, column=1, value=heading)
    cell.font = styles.font(bold=True, size=12)
    if not bands:
        _declare_size(ws, "A1:A1")
        ws.append([cell])
        return
    last = get_column_letter(BAND_COLUMN + len(bands) - 1)
    _declare_size(ws, f"A1:{last}{bars + 2}")
    note = Cell(ws, row=1, column=BAND_COLUMN, value="Grade-band lines: the rubric's floors")
    note.font = styles.font(bold=True)
    ws.append([cell, note])
    header = styles.array("header")
    ws.append(
        [
            _cell(ws, 2, BAND_COLUMN + number, _band_label(grade, floor), header, styles)
            for number, (grade, floor) in enumerate(bands)
        ]
    )
    plain = styles.array("number")
    for row in range(3, bars + 3):
        ws.append(
            [
                _cell(ws, row, BAND_COLUMN + number, float(floor), plain, styles)
                for number, (_, floor) in enumerate(bands)
            ]
        )


def _band_label(grade: str, floor: float) -> str:
    return f"{grade} ≥ {floor:g}"


def _band_lines(ws: Worksheet, bands: Sequence[tuple[str, float]], bars: int) -> LineChart:
    """One line across the bars at each grade band's floor (``bands``, the rubric's, as
    ``_chart_heading`` wrote them): each in its own colour and dash, so that a printed page
    in black and white tells them apart, named in the legend ("A ≥ 85") and at its right end.
    """
    from openpyxl.chart import LineChart, Reference
    from openpyxl.chart.label import DataLabel, DataLabelList
    from openpyxl.chart.marker import Marker

    lines = LineChart()
    lines.add_data(
        Reference(
            ws,
            min_col=BAND_COLUMN,
            max_col=BAND_COLUMN + len(bands) - 1,
            min_row=2,
            max_row=bars + 2,
        ),
        titles_from_data=True,
    )
    for number, series in enumerate(lines.series):
        series.smooth = False
        line = series.graphicalProperties.line
        line.solidFill = BAND_COLOURS[number % len(BAND_COLOURS)]
        line.prstDash = BAND_DASHES[number % len(BAND_DASHES)]
        line.width = 22000  # EMU: about 1.75 pt
        # One bar has one point, which draws no line: mark it instead.
        series.marker = Marker(symbol="dash" if bars == 1 else "none", size=20)
        # Its name at its right end only: every flag said, as spreadsheets' defaults differ.
        shown = {"showLegendKey": False, "showVal": False, "showCatName": False}
        shown |= {"showPercent": False, "showBubbleSize": False}
        label = DataLabel(idx=bars - 1, showSerName=True, **shown)
        label.position = "r"
        label.txPr = _chart_text(900)
        series.dLbls = DataLabelList(dLbl=[label], showSerName=False, **shown)
    return lines


def _scale(width: float, paper: Paper) -> int:
    """The print scale (%) that fits ``width`` character units across a landscape page,
    never below what keeps 11-point text at 8 points: wider sheets run onto more pages."""
    page = PAPER_WIDTH_CM[paper] - 2 * MARGIN_CM
    needed = CM_PER_WIDTH * width + 0.5
    return max(MIN_PRINT_SCALE, min(100, int(100 * page / needed)))


def _print_setup(
    ws: Worksheet, options: PrintOptions, width: float | None, *, titled: bool = True
) -> None:
    """Landscape at a legible scale (or ``width`` None: the Brief, portrait at 100%); the
    title, date and any protective marking in the header, page numbers in the footer."""
    from openpyxl.worksheet.properties import PageSetupProperties
    from openpyxl.worksheet.worksheet import Worksheet

    portrait = width is None
    ws.page_setup.orientation = "portrait" if portrait else "landscape"
    # (a write-only sheet lacks the names)
    letter = options.paper == "letter"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_LETTER if letter else Worksheet.PAPERSIZE_A4
    scale = 100 if width is None else _scale(width, options.paper)
    ws.page_setup.scale = scale
    # LibreOffice scales the header and footer with the page: size them so they print at 8 pt.
    small = max(8, math.ceil(8 * 100 / scale))
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=False)
    else:
        ws.sheet_properties.pageSetUpPr.fitToPage = False
    if titled and ws.title not in (CHARTS, BRIEF):
        ws.print_title_rows = "1:1"
    ws.page_margins.left = ws.page_margins.right = MARGIN_CM / 2.54
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_options.gridLines = ws.title not in (CHARTS, BRIEF)
    header, footer = ws.oddHeader, ws.oddFooter
    assert header is not None
    assert footer is not None
    header.left.text = header_text(f"{options.title} — {ws.title}")
    header.right.text = header_text(options.date)
    footer.left.text = header_text(options.rubric)
    footer.right.text = "Page &P of &N"
    for part in (header.left, header.right, footer.left, footer.right):
        part.size = small
    if options.marking:
        for part in (header.center, footer.center):
            part.text = header_text(options.marking)
            part.size = small + 2
            part.font = "Calibri,Bold"


def _properties(
    wb: Workbook, report: Report, moment: dt.datetime, assessed: int, invalid: int
) -> None:
    props = wb.properties
    naive = moment.replace(tzinfo=None)
    props.title = "policycheck assessment"
    props.subject = text(f"{report.rubric.title} ({report.rubric.id} {report.rubric.version})")
    props.creator = "policycheck"
    props.lastModifiedBy = "policycheck"
    props.description = text(
        f"{assessed} proposal(s) assessed, {invalid} invalid; "
        f"policycheck {report.tool_version}, generated {report.generated_at}"
    )
    props.keywords = "policycheck, assessment, defence cooperation"
    props.created = naive
    props.modified = naive


def _normalise_zip(data: bytes, moment: dt.datetime, replace: dict[str, bytes]) -> bytes:
    """The same package with fixed timestamps, attributes, order and compression."""
    when = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        names = source.namelist()
        names.sort(key=lambda name: name != FIRST_ZIP_ENTRY)  # stable: keeps openpyxl's order
        for name in names:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0o600 << 16
            payload = replace.get(name)
            if payload is not None:
                target.writestr(info, payload, compresslevel=6)
                continue
            # A sheet of a large batch is hundreds of MB unpacked: copied a piece at a time.
            # zlib's default level is 6, and deflate's output does not depend on the pieces.
            info.file_size = source.getinfo(name).file_size
            with source.open(name) as part, target.open(info, "w") as copy:
                shutil.copyfileobj(part, copy, 1 << 20)
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class PrintOptions:
    """What every printed page carries: title, date, rubric, paper and protective marking."""

    title: str
    date: str
    rubric: str
    paper: Paper = "a4"
    marking: str = ""


def render(report: Report, *, paper: Paper = "a4", marking: str | None = None) -> bytes:
    """The workbook of ``report`` as the bytes of an .xlsx file.

    ``paper`` is "a4" or "letter"; ``marking`` (a protective marking such as
    "OFFICIAL-SENSITIVE") is printed at the centre of every page's header and footer.
    """
    rows = [result_rows(r) for r in report.results]
    return render_rows(report, rows, paper=paper, marking=marking)


def render_rows(
    report: Report,
    results: Sequence[ResultRows],
    *,
    paper: Paper = "a4",
    marking: str | None = None,
) -> bytes:
    """The workbook of ``report`` whose results are ``results`` (``report.results`` unread).

    ``results`` is read several times, one result at a time (a list, or a sequence that
    unpacks each result as it is read), and the sheets are written as they are filled
    (openpyxl's write-only mode): a batch of any size is never held as cells.
    """
    from openpyxl import Workbook
    from openpyxl.worksheet.properties import PageSetupProperties
    from openpyxl.xml.functions import tostring

    moment = moment_of(report.generated_at)
    options = PrintOptions(
        "policycheck assessment",
        moment.date().isoformat(),
        # the rubric's id and version only: its title would run into a centred marking
        f"rubric {report.rubric.id} {report.rubric.version}",
        paper,
        xml_text(marking or "").strip(),
    )
    generated = None if moment == ZIP_MIN else moment.replace(tzinfo=None)
    criteria = criteria_of(results)
    order = worst_first(results)
    tables = {
        table.name: tabulate(table)
        for table in (
            summary_table(results, criteria, order),
            risks_table(results),
            indicators_table(results),
            sources_table(results),
            gate_table(report, results),
            about_table(report, results, generated),
        )
    }
    wb = Workbook(write_only=True)
    styles = _Styles(wb)
    for name in SHEETS:
        # Each sheet is written as it is filled: what precedes its rows is set first.
        ws = wb.create_sheet(sheet_name(name))
        _cells_as_made(ws)
        # Written at the top of the sheet, so before its rows (see ``_print_setup``).
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=False)
        if name == BRIEF:
            write_brief(ws, results, order, styles)
            width: float | None = None
        elif name == CHARTS:
            bands = sorted(report.grade_bands, key=lambda band: -band[1])
            _charts(ws, styles, wb[SUMMARY], tables[SUMMARY], len(order), criteria, bands)
            width = CHART_WIDTH
        else:
            width = _write_table(ws, tables[name], styles)
        _print_setup(ws, options, width)
    if report.uncertainty is not None:
        from policycheck.render.xlsx.uncertainty import SHEET, write_sheet

        ws = wb.create_sheet(SHEET)
        printed = write_sheet(ws, report.uncertainty, styles.font(bold=True))
        # Three tables of their own columns, one under the other: no header row repeats.
        _print_setup(ws, options, printed, titled=False)
    _conditional_formats(wb[SUMMARY], tables[SUMMARY], report, styles)
    wb.active = 0
    buffer = io.BytesIO()
    wb.save(buffer)
    # Saving stamps the workbook's "modified" time with the clock: put generated_at back.
    _properties(wb, report, moment, len(order), len(results) - len(order))
    core = tostring(wb.properties.to_tree())
    return _normalise_zip(buffer.getvalue(), moment, {"docProps/core.xml": core})


__all__ = [
    "BAR_MAX_PROPOSALS",
    "EXCEL_CELL_LIMIT",
    "GRADE_COLOURS",
    "INSUFFICIENT_FILL",
    "INVALID_FILL",
    "PAPERS",
    "RADAR_MAX_SERIES",
    "SEVERITY_COLOURS",
    "SHEETS",
    "TRUNCATION_MARKER",
    "ResultRows",
    "render",
    "render_rows",
    "result_rows",
    "sheet_name",
    "text",
]
