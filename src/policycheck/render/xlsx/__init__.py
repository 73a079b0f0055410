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
page included), then to what the workbook's first reading keeps of them
(``result_parts``: small rows, packed long ones, the long tables' measures), which a
batch's workers make and its main process puts together as they arrive
(``new_gathering``, see ``policycheck.batch``): a large batch is never held as objects
or cells, and ``write_gathered`` gives the bytes ``render`` gives for the whole report.
openpyxl writes the workbook's shell
(styles, widths, panes, filters, print setup, conditional formats, charts, and the
Charts and Uncertainty sheets' few cells, in its write-only mode); the rows of the
sheets that grow with the batch (Brief, Summary, Risks, Indicators, Sources, Gate,
About: a million cells at 1,000 proposals) are written as SpreadsheetML text
(``direct``, ``sheetdata``), with the style ids openpyxl gave their styles, into each
sheet's empty ``<sheetData>`` as the package is compressed; from ``APART_FROM``
proposals the Indicators sheet's text is made by a forked child meanwhile and written
last (``apart``). A table longer than a sheet continues on "Indicators (2)" …
(``direct``), the Brief on "Brief (2)" … (``brief``); the About sheet lists the parts.
"""

from __future__ import annotations

import functools
import io
import itertools
import math
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO

from policycheck.assessment import Assessment, Failure, IndicatorStatus, Report, Severity
from policycheck.render.paper import PAPERS, Paper
from policycheck.render.parts import Shelf, spilled
from policycheck.render.xlsx.brief import BriefSheet, write_brief
from policycheck.render.xlsx.direct import (
    EXCEL_MAX_ROWS,
    Gathered,
    Gathering,
    LongTables,
    Part,
    ResultParts,
    Scan,
    packed_parts,
    parts,
    register,
    risk_rank,
    table_xml,
)
from policycheck.render.xlsx.rows import ResultRows, result_rows
from policycheck.render.xlsx.sheetdata import splice_into
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
    GATE,
    GRADE_COLOURS,
    INDICATOR_COLUMNS,
    INDICATORS,
    INSUFFICIENT_FILL,
    INVALID_FILL,
    RADAR_MAX_SERIES,
    RISK_COLUMNS,
    RISKS,
    SEVERITY_COLOURS,
    SHEETS,
    SOURCE_COLUMNS,
    SOURCES,
    STATUS_TEXT,
    SUMMARY,
    TRUNCATION_MARKER,
    ZIP_MIN,
    Column,
    Rows,
    Table,
    about_table,
    gate_table,
    header_text,
    moment_of,
    sheet_name,
    summary_table,
    text,
    worst_first,
)
from policycheck.text import xml_text

if TYPE_CHECKING:
    import datetime as dt

    from openpyxl.chart import LineChart
    from openpyxl.chart.text import RichText
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


def _table_shell(
    ws: Worksheet, columns: Sequence[Column], widths: Sequence[float], count: int, name: str
) -> float:
    """What openpyxl writes of a sheet of a table, around its rows (``direct.table_xml``):
    widths, filter, frozen panes, size and print area; returns the width of its printed
    columns (in character units)."""
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    last = get_column_letter(max(1, len(columns)))
    ws.auto_filter.ref = f"A1:{last}{max(1, count + 1)}"
    ws.freeze_panes = "B2" if name not in (ABOUT, GATE) else "A2"
    _declare_size(ws, f"A1:{last}{count + 1}")
    printed = [w for c, w in zip(columns, widths, strict=True) if c.printed]
    assert all(c.printed for c in columns[: len(printed)]), "printed columns come first"
    last_printed = get_column_letter(max(1, len(printed)))
    ws.print_area = f"A1:{last_printed}{max(1, count + 1)}"
    return sum(printed)


def _cells_as_made(ws: Worksheet) -> None:
    """Have the write-only sheet take the cells it is given as they are, at their columns
    (openpyxl would put each at its place in the row it is appended in)."""
    ws._values_to_row = lambda cells, _row: cells  # type: ignore[attr-defined]


def _declare_size(ws: Worksheet, ref: str) -> None:
    """Have the sheet's ``<dimension>`` written, as openpyxl does for a sheet held in memory.

    openpyxl writes it for a sheet that can say its size (``calculate_dimension``);
    a write-only sheet cannot, as it is written before its rows are known.
    """
    ws.calculate_dimension = lambda: ref  # type: ignore[method-assign]


def _conditional_formats(
    ws: Worksheet, table: Table, count: int, report: Report, styles: _Styles
) -> None:
    """Summary: grade and score coloured by grade band, data bars and colour scales on scores."""
    from openpyxl.formatting.rule import CellIsRule, ColorScaleRule, DataBarRule, FormulaRule
    from openpyxl.utils import get_column_letter

    headers = [c.header for c in table.columns]
    last_row = max(2, count + 1)
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
    from openpyxl.styles.cell_style import StyleArray
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
            Cell(
                ws,
                row=2,
                column=BAND_COLUMN + number,
                value=_band_label(grade, floor),
                style_array=StyleArray(header),
            )
            for number, (grade, floor) in enumerate(bands)
        ]
    )
    plain = styles.array("number")
    for row in range(3, bars + 3):
        ws.append(
            [
                Cell(
                    ws,
                    row=row,
                    column=BAND_COLUMN + number,
                    value=float(floor),
                    style_array=StyleArray(plain),
                )
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
    if titled and not _is_page_sheet(ws.title):
        ws.print_title_rows = "1:1"
    ws.page_margins.left = ws.page_margins.right = MARGIN_CM / 2.54
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_options.gridLines = not _is_page_sheet(ws.title)
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
    """The same package with fixed timestamps, attributes, order and compression (zlib's
    default level: the history's workbook, written by openpyxl whole)."""
    when = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    out = io.BytesIO()
    splice_into(out, data, when, first=FIRST_ZIP_ENTRY, replace=replace, rows={}, level=6)
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class PrintOptions:
    """What every printed page carries: title, date, rubric, paper and protective marking."""

    title: str
    date: str
    rubric: str
    paper: Paper = "a4"
    marking: str = ""


def prepare() -> None:
    """Import what writing a workbook needs: openpyxl (and numpy, which openpyxl imports where
    it is installed) take a fifth of a second. A batch's main process does it while its
    workers assess (``batch.run``), rather than after the last result."""
    import openpyxl.chart
    import openpyxl.drawing.text
    import openpyxl.formatting.rule
    import openpyxl.utils.datetime
    import openpyxl.worksheet.pagebreak
    import openpyxl.xml.functions  # noqa: F401


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
    max_rows: int = EXCEL_MAX_ROWS,
) -> bytes:
    """The workbook of ``report`` whose results are ``results``, as bytes (see ``write_rows``)."""
    out = io.BytesIO()
    write_rows(out, report, results, paper=paper, marking=marking, max_rows=max_rows)
    return out.getvalue()


def write_rows(
    out: BinaryIO,
    report: Report,
    results: Sequence[ResultRows],
    *,
    paper: Paper = "a4",
    marking: str | None = None,
    max_rows: int = EXCEL_MAX_ROWS,
) -> None:
    """The workbook of ``report`` whose results are ``results`` (``report.results`` unread),
    written into ``out`` (a seekable binary file) as it is compressed (see
    ``write_gathered``)."""
    gathering = new_gathering()
    compress = len(results) > LARGE_BATCH
    for r in results:
        gathering.add(packed_parts(r, _long_tables(), _RANK_OF, compress=compress))
    write_gathered(out, report, gathering.gathered, paper=paper, marking=marking, max_rows=max_rows)


#: The long tables, whose rows the first reading packs and measures (``direct``).
_LONG = (
    Table(RISKS, RISK_COLUMNS, ()),
    Table(INDICATORS, INDICATOR_COLUMNS, ()),
    Table(SOURCES, SOURCE_COLUMNS, ()),
)
_RANK_OF = risk_rank({s.value: s.rank for s in Severity})


@functools.cache
def _long_tables() -> LongTables:
    risks, indicators, sources = ((t.columns, _key(t)) for t in _LONG)
    return risks, indicators, sources


def result_parts(result: Assessment | Failure, *, compress: bool = False) -> ResultParts:
    """``result``'s rows as the workbook's first reading keeps them (module-level: a batch's
    worker makes them, ``batch.pack``); ``compress`` in a large batch."""
    return packed_parts(result_rows(result), _long_tables(), _RANK_OF, compress=compress)


def new_gathering(shelf: Shelf = spilled) -> Gathering:
    """What puts a batch's ``result_parts`` together as they arrive, in order."""
    scans = {t.name: Scan(*measure) for t, measure in zip(_LONG, _long_tables(), strict=True)}
    return Gathering(scans, (RISKS, INDICATORS, SOURCES), shelf)


def write_gathered(
    out: BinaryIO,
    report: Report,
    gathered: Gathered,
    *,
    paper: Paper = "a4",
    marking: str | None = None,
    max_rows: int = EXCEL_MAX_ROWS,
) -> None:
    """The workbook of ``report`` whose results' rows ``gathered`` holds (``report.results``
    unread), written into ``out`` (a seekable binary file) as it is compressed: a batch's
    workbook is never held whole in memory.

    openpyxl writes the workbook's shell; the rows of the per-proposal sheets are written
    as text as the package is compressed (``sheetdata``), so a batch of any size is never
    held as cells. A table longer than ``max_rows`` (a sheet's rows, its header included:
    Excel's limit) continues on numbered sheets.
    """
    from openpyxl import Workbook
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
    big = {t.name: t for t in _LONG}
    scans = dict(gathered.scans)
    heads = gathered.heads
    criteria = list(heads.criteria.items())
    order = worst_first(heads.orders)
    by_id = sorted(range(len(heads)), key=lambda index: str(heads.ids[index]))
    ranks = sorted({s.rank for s in Severity} | {0}, reverse=True)

    rows_of: dict[str, Callable[[], Iterator[tuple[Any, ...]]]] = {
        RISKS: lambda: gathered.risk_rows(ranks, by_id),
        INDICATORS: gathered.indicator_rows,
        SOURCES: gathered.source_rows,
    }
    small = [
        summary_table(heads.summary, criteria, [*order, *heads.unassessed]),
        gate_table(report, heads.waived),
    ]
    for table in small:
        scans[table.name] = _scanned(table)
        rows_of[table.name] = functools.partial(iter, table.rows)
    split = {name: parts(name, scan.count, max_rows) for name, scan in scans.items()}
    tables = {table.name: table for table in (*big.values(), *small)}

    wb = Workbook(write_only=True)
    styles = _Styles(wb)
    last: Worksheet | None = None
    texts: dict[Worksheet, Callable[[], Iterator[str]]] = {}
    merged: dict[Worksheet, Sequence[str]] = {}
    brief: list[BriefSheet] = []
    for name in SHEETS:
        if name == BRIEF:
            brief = write_brief(
                functools.partial(_sheet, wb),
                gathered.brief,
                order,
                heads.failures,
                styles,
                max_rows,
            )
            for made in brief:
                texts[made.sheet] = made.make
                merged[made.sheet] = made.merges
                _print_setup(made.sheet, options, None)
            continue
        if name == ABOUT:
            # Last: it lists the sheets each long table, the Brief included, continues on.
            continued = [*_continued(split, max_rows), *_brief_continued(brief, max_rows)]
            inputs = Rows(heads.about_rows, heads.about_count)
            about = tables[ABOUT] = about_table(report, inputs, generated, continued)
            scans[ABOUT] = _scanned(about)
            split[ABOUT] = parts(ABOUT, scans[ABOUT].count, max_rows)
            rows_of[ABOUT] = functools.partial(iter, about.rows)
        if name == CHARTS:
            ws = _sheet(wb, CHARTS)
            bands = sorted(report.grade_bands, key=lambda band: -band[1])
            _cells_as_made(ws)
            _charts(ws, styles, wb[SUMMARY], tables[SUMMARY], len(order), criteria, bands)
            _print_setup(ws, options, CHART_WIDTH)
            continue
        table, scan = tables[name], scans[name]
        widths = scan.widths()
        shared = _Shared(rows_of[name])
        for part in split[name]:
            ws = _sheet(wb, part.title)
            if name == INDICATORS and len(split[name]) == 1:
                # Half of all cells: written last, its text made meanwhile (``apart``). Its
                # parts share one reading of the rows, so a table on several is not.
                last = ws
            width = _table_shell(ws, table.columns, widths, part.count, name)
            look = _LOOKS[name]
            headers = [c.header for c in table.columns]
            status = headers.index("Status") if "Status" in headers else 0
            listed = register(wb, ws, styles, scan, look, status)
            texts[ws] = functools.partial(
                table_xml,
                table.columns,
                shared,
                part.count,
                widths,
                listed,
                _key(table),
                scan.exact(),
                scan.types,
            )
            _print_setup(ws, options, width)
    if report.uncertainty is not None:
        from policycheck.render.xlsx.uncertainty import SHEET, write_sheet

        ws = wb.create_sheet(SHEET)
        printed = write_sheet(ws, report.uncertainty, styles.font(bold=True))
        # Three tables of their own columns, one under the other: no header row repeats.
        _print_setup(ws, options, printed, titled=False)
    _conditional_formats(wb[SUMMARY], tables[SUMMARY], scans[SUMMARY].count, report, styles)
    wb.active = 0
    buffer = io.BytesIO()
    wb.save(buffer)
    # Saving stamps the workbook's "modified" time with the clock: put generated_at back.
    _properties(wb, report, moment, len(order), len(heads) - len(order))
    core = tostring(wb.properties.to_tree())
    when = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    # The sheets' parts: "/xl/worksheets/sheetN.xml" as openpyxl names them.
    parts_rows = {ws.path.lstrip("/"): make for ws, make in texts.items()}
    splice_into(
        out,
        buffer.getvalue(),
        when,
        first=FIRST_ZIP_ENTRY,
        replace={"docProps/core.xml": core},
        rows=parts_rows,
        level=ZIP_LEVEL,
        large=lambda name: name in parts_rows and len(heads) > LARGE_BATCH,
        merges={ws.path.lstrip("/"): ranges for ws, ranges in merged.items()},
        last=None if last is None else last.path.lstrip("/"),
        apart=len(heads) >= APART_FROM,
    )


#: Rows a table is measured at a time (``_scanned``).
SCAN_BLOCK = 4096


def _scanned(table: Table) -> Scan:
    """``table`` measured, its rows read a block at a time: a Summary of 100,000 rows is
    never held whole."""
    scan = Scan(table.columns, _key(table))
    rows = iter(table.rows)
    while block := tuple(itertools.islice(rows, SCAN_BLOCK)):
        scan.add(block)
    return scan


def _is_page_sheet(title: str) -> bool:
    """Whether the sheet titled ``title`` prints pages (Charts, Brief, Brief (2) …), not a
    table: no repeated header row, no grid lines."""
    return title in (CHARTS, BRIEF) or title.startswith(f"{BRIEF} (")


def _sheet(wb: Workbook, title: str) -> Worksheet:
    """A new sheet titled ``title``, its page setup written at its top (before its rows)."""
    from openpyxl.worksheet.properties import PageSetupProperties

    ws: Worksheet = wb.create_sheet(sheet_name(title))
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=False)
    return ws


def _key(table: Table) -> Callable[[tuple[Any, ...]], Hashable] | None:
    """How the rows of ``table`` are told apart by look (see ``_LOOKS``): the values of the
    row its look depends on (None: every row looks alike)."""
    if table.name == SUMMARY:
        status, severity = table.index("Status"), table.index("Top risk severity")
        return lambda row: (row[status] == "invalid", row[severity])
    if table.name == RISKS:
        severity, waived = table.index("Severity"), table.index("Waived")
        return lambda row: (row[severity], row[waived] != "no")
    if table.name == INDICATORS:
        status = table.index("Status")
        return lambda row: row[status]
    return None


#: zlib's level for the package: 1 is several times faster than the default 6 on a
#: workbook's text, for a file about a third larger.
ZIP_LEVEL = 1
#: Above this many proposals a sheet's part may pass 2 GiB: zip64 sizes are written, and
#: the rows a whole report's workbook spills between its two readings are compressed (4 KB
#: a proposal). Up to it they are not (8 KB a proposal): compressing them and reading them
#: back took a tenth of the workbook's time. A batch's workers compress them with the other
#: pieces, from ``batch.COMPRESSED_FROM`` files.
LARGE_BATCH = 20_000
#: From this many proposals, the Indicators sheet's text is made in a child process while
#: the other sheets are written (``apart``); a smaller workbook takes less than a fork.
APART_FROM = 100


class _Shared:
    """One reading of a table's rows, shared by the sheets it continues on (each takes the
    next rows when it is written)."""

    def __init__(self, make: Callable[[], Iterator[tuple[Any, ...]]]) -> None:
        self._make = make
        self._rows: Iterator[tuple[Any, ...]] | None = None

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return self

    def __next__(self) -> tuple[Any, ...]:
        if self._rows is None:
            self._rows = self._make()
        return next(self._rows)


def _brief_continued(
    sheets: Sequence[BriefSheet], max_rows: int
) -> list[tuple[str, str, str, str]]:
    """The About sheet's rows on the sheets the Brief continues on, when it takes several."""
    if len(sheets) < 2:
        return []
    return [
        (
            "Sheet",
            s.sheet.title,
            f"{BRIEF}, pages {s.first:,} to {s.last:,} of {s.pages:,} in the Brief's order, "
            f"worst first (a sheet holds {max_rows:,} rows; a page is never cut across two).",
            "",
        )
        for s in sheets
    ]


def _continued(
    split: Mapping[str, Sequence[Part]], max_rows: int
) -> list[tuple[str, str, str, str]]:
    """The About sheet's rows on the sheets a long table continues on (``max_rows`` a sheet)."""
    rows = []
    for name, made in split.items():
        if len(made) < 2:
            continue
        for part in made:
            rows.append(
                (
                    "Sheet",
                    part.title,
                    f"{name}, rows {part.first:,} to {part.last:,} of {made[-1].last:,} "
                    f"(a sheet holds {max_rows:,} rows, its header included): each of its sheets has "
                    "the header; filter or sort each one, or join them for the whole table.",
                    "",
                )
            )
    return rows


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
    "prepare",
    "render",
    "render_rows",
    "result_rows",
    "sheet_name",
    "text",
    "write_rows",
]
