"""The Excel workbook (``--xlsx FILE``, ``--output xlsx=FILE``): five sheets, styled for screen and paper.

Sheets, in order:

1. **Summary** — one row per proposal (assessed ones first, in the order
   assessed, then the files that could not be assessed, marked ``invalid``):
   id, title, status, lead, participants, grade, overall score, a column per
   criterion, counts of risks by severity and the top risk. Grade and score
   cells are coloured by grade band, scores carry data bars / a 3-colour scale.
2. **Risks** — one row per flagged risk, the most severe first.
3. **Indicators** — one row per proposal × indicator, "insufficient
   information" rows highlighted.
4. **Charts** — native (live) charts drawn from the Summary sheet: overall
   score by proposal, and the criteria of each proposal on a radar.
5. **About** — tool, rubric and reference versions, inputs and their SHA-256,
   grade bands, caps and how scores are made.

Every sheet prints landscape, one page wide, with its header row repeated.
Text from proposals is always written as text (never a formula), cut to
Excel's 32,767-character limit with a visible marker. The workbook depends
only on the ``Report``: document dates and zip timestamps come from
``report.generated_at``, so the same report gives the same bytes.

pandas and openpyxl are imported inside ``render`` so that assessing without
``--xlsx`` never pays for them.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from policycheck.assessment import (
    Assessment,
    Evidence,
    IndicatorStatus,
    Report,
    Severity,
)

if TYPE_CHECKING:
    import pandas as pd
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

#: Excel's limit on the characters in one cell.
EXCEL_CELL_LIMIT = 32_767
#: What replaces the end of a cell's text cut to the limit.
TRUNCATION_MARKER = "… [truncated]"
#: Excel's limit on the length of a sheet name.
SHEET_NAME_LIMIT = 31
#: Radar series beyond this many would be unreadable (and slow Excel down).
RADAR_MAX_SERIES = 12

SUMMARY, RISKS, INDICATORS, CHARTS, ABOUT = "Summary", "Risks", "Indicators", "Charts", "About"
SHEETS = (SUMMARY, RISKS, INDICATORS, CHARTS, ABOUT)

SEVERITIES = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)

STATUS_TEXT = {
    IndicatorStatus.SCORED: "scored",
    IndicatorStatus.INSUFFICIENT: "insufficient information",
    IndicatorStatus.NOT_APPLICABLE: "not applicable",
}

#: (fill, font) colours per grade, from green (A) to red (F).
GRADE_COLOURS = {
    "A": ("63BE7B", "000000"),
    "B": ("C6E0B4", "000000"),
    "C": ("FFEB84", "000000"),
    "D": ("F8CBAD", "000000"),
    "F": ("F8696B", "000000"),
}
#: (fill, font) colours per severity.
SEVERITY_COLOURS = {
    Severity.CRITICAL: ("C00000", "FFFFFF"),
    Severity.HIGH: ("FF7C80", "000000"),
    Severity.MEDIUM: ("FFD966", "000000"),
    Severity.LOW: ("DDEBF7", "000000"),
}
HEADER_COLOURS = ("1F4E78", "FFFFFF")
INSUFFICIENT_FILL = "FFF2CC"
INVALID_FILL = "E7E6E6"
MUTED_FONT = "808080"

SCORING_STEPS = (
    "Indicator points: each indicator's level gets the rubric's points (0–100); an indicator "
    "the file gives no information on is 'insufficient information' (see the rule above); "
    "one that does not apply is left out and the others' weights share its part.",
    "Criterion score: the weighted mean of its indicators' points (0–100).",
    "Overall score: the weighted mean of the criteria that have a score (0–100).",
    "Grade: the band the overall score, rounded to one decimal, falls in.",
    "Caps: the grade is lowered to the cap of the most severe risk flagged, if the rubric caps it.",
)

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
#: First characters that make a spreadsheet read text as a formula when it is edited.
_FORMULA_START = frozenset("=+-@\t\r")
_FIRST_ZIP_ENTRY = "[Content_Types].xml"
_ZIP_MIN = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)
_ZIP_MAX = dt.datetime(2107, 12, 31, 23, 59, 58, tzinfo=dt.UTC)

Kind = Literal["text", "wrap", "score", "int", "number", "share", "grade", "severity"]


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a sheet: its header, what it holds and its width bounds."""

    header: str
    kind: Kind = "text"
    min_width: float = 8
    max_width: float = 40


_NUMBER_FORMATS: dict[Kind, str] = {
    "score": "0.0",
    "int": "0",
    "number": "General",
    "share": "0.0%",
}


def text(value: object) -> str:
    """``value`` as cell text: control characters Excel rejects replaced, cut to the cell limit."""
    result = _ILLEGAL.sub("\ufffd", str(value))
    if len(result) > EXCEL_CELL_LIMIT:
        result = result[: EXCEL_CELL_LIMIT - len(TRUNCATION_MARKER)] + TRUNCATION_MARKER
    return result


def sheet_name(name: str) -> str:
    """A valid sheet name: no ``[]:*?/\\``, no leading or trailing quote, at most 31 characters."""
    cleaned = _SHEET_FORBIDDEN.sub("_", name).strip("'")
    cleaned = cleaned[:SHEET_NAME_LIMIT].rstrip("'")
    return cleaned or "Sheet"


def _header_text(value: str) -> str:
    """Text for a print header or footer, where ``&`` starts a code."""
    return value.replace("&", "&&")


def _evidence_lines(items: Iterable[Evidence]) -> str:
    return "\n".join(f"{e.note} ({e.location})" for e in items)


def _moment(generated_at: str) -> dt.datetime:
    """``generated_at`` as a UTC time within what a zip can record (1980-01-01 if unreadable)."""
    try:
        moment = dt.datetime.fromisoformat(generated_at)
    except ValueError:
        return _ZIP_MIN
    moment = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
    return min(max(moment, _ZIP_MIN), _ZIP_MAX)


# --- the tables ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]]


def _criteria(report: Report) -> list[tuple[str, str]]:
    """(id, title) of the criteria, in rubric order, as the assessments give them."""
    seen: dict[str, str] = {}
    for a in report.assessments:
        for c in a.criteria:
            seen.setdefault(c.id, c.title)
    return list(seen.items())


def _summary(report: Report, criteria: Sequence[tuple[str, str]]) -> Table:
    columns = (
        Column("ID", "text", 10, 32),
        Column("Title", "wrap", 20, 45),
        Column("Status", "text", 9, 14),
        Column("Lead", "text", 6, 8),
        Column("Participants", "wrap", 12, 28),
        Column("Grade", "grade", 7, 7),
        Column("Score", "score", 8, 8),
        *(Column(text(title), "score", 12, 16) for _, title in criteria),
        *(Column(f"{s.value.capitalize()} risks", "int", 9, 9) for s in SEVERITIES),
        Column("Top risk", "wrap", 16, 40),
        Column("Top risk severity", "severity", 10, 10),
        Column("Notes", "wrap", 16, 50),
        Column("File", "wrap", 16, 40),
    )
    rows: list[tuple[Any, ...]] = []
    for a in report.assessments:
        scores = {c.id: c.score for c in a.criteria}
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
        rows.append(
            (
                text(a.proposal_id),
                text(a.title),
                text(a.status),
                text(a.lead or ""),
                text(", ".join(a.participants)),
                a.grade,
                a.score,
                *(scores.get(cid) for cid, _ in criteria),
                *(counts[s] for s in SEVERITIES),
                "" if top is None else text(f"{top.id} {top.title}"),
                "" if top is None else top.severity.value,
                text(note),
                text(a.file),
            )
        )
    for f in report.failures:
        problems = "\n".join(f"{p.line}:{p.column}: {p.message}" for p in f.problems)
        rows.append(
            (
                "",
                "Invalid file: not assessed",
                "invalid",
                "",
                "",
                "",
                None,
                *(None for _ in criteria),
                *(None for _ in SEVERITIES),
                "",
                "",
                text(problems),
                text(f.file),
            )
        )
    return Table(SUMMARY, columns, rows)


def _risks(report: Report) -> Table:
    columns = (
        Column("Proposal ID", "text", 10, 32),
        Column("Risk ID", "text", 7, 8),
        Column("Risk", "wrap", 16, 32),
        Column("Family", "text", 14, 22),
        Column("Severity", "severity", 9, 9),
        Column("Finding", "wrap", 20, 45),
        Column("Evidence", "wrap", 20, 50),
        Column("Location", "wrap", 16, 40),
        Column("Mitigation", "wrap", 20, 45),
        Column("Brief reference", "wrap", 16, 30),
    )
    flagged = [(index, a, r) for index, a in enumerate(report.assessments) for r in a.risks]
    flagged.sort(key=lambda item: (-item[2].severity.rank, item[1].proposal_id, item[0]))
    rows: list[tuple[Any, ...]] = [
        (
            text(a.proposal_id),
            text(r.id),
            text(r.title),
            r.family.value,
            r.severity.value,
            text(r.finding),
            text("\n".join(e.note for e in r.evidence)),
            text("\n".join(dict.fromkeys(str(e.location) for e in r.evidence))),
            text(r.mitigation),
            text(r.brief),
        )
        for _, a, r in flagged
    ]
    return Table(RISKS, columns, rows)


def _indicators(report: Report) -> Table:
    columns = (
        Column("Proposal ID", "text", 10, 32),
        Column("Criterion", "wrap", 12, 26),
        Column("Check ID", "text", 8, 8),
        Column("Indicator", "wrap", 16, 36),
        Column("Status", "text", 12, 23),
        Column("Level", "text", 10, 24),
        Column("Points", "int", 7, 7),
        Column("Weight", "number", 7, 7),
        Column("Share", "share", 7, 7),
        Column("Contribution", "score", 12, 12),
        Column("Evidence", "wrap", 30, 70),
    )
    rows: list[tuple[Any, ...]] = []
    for a in report.assessments:
        for c in a.criteria:
            title = text(c.title)
            for i in c.indicators:
                rows.append(
                    (
                        text(a.proposal_id),
                        title,
                        text(i.check_id),
                        text(i.title),
                        STATUS_TEXT[i.status],
                        text(i.level),
                        i.points,
                        i.weight,
                        i.share,
                        i.contribution,
                        text(_evidence_lines(i.evidence)),
                    )
                )
    return Table(INDICATORS, columns, rows)


def _about(report: Report) -> Table:
    columns = (
        Column("Section", "text", 10, 16),
        Column("Item", "wrap", 14, 40),
        Column("Value", "wrap", 20, 70),
        Column("Detail", "wrap", 12, 40),
    )
    rubric = report.rubric
    rows: list[tuple[Any, ...]] = [
        ("Tool", "policycheck", text(report.tool_version), ""),
        ("Tool", "Generated at", text(report.generated_at), "UTC"),
        ("Rubric", "ID", text(rubric.id), ""),
        ("Rubric", "Version", text(rubric.version), ""),
        ("Rubric", "Title", text(rubric.title), ""),
        ("Rubric", "SHA-256", text(rubric.sha256), ""),
        ("Reference data", "Digest", text(report.reference_digest), ""),
    ]
    for result in report.results:
        if isinstance(result, Assessment):
            detail = f"assessed: grade {result.grade}, score {result.score:.1f}"
        else:
            detail = f"invalid: {len(result.problems)} problem(s)"
        rows.append(("Input", text(result.file), text(result.file_sha256 or "—"), text(detail)))
    bands = sorted(report.grade_bands, key=lambda band: -band[1])
    for grade, floor in bands:
        rows.append(("Grade band", grade, f"score ≥ {floor:g}", ""))
    for severity, grade in report.caps:
        rows.append(("Cap", text(severity), f"a {severity} risk caps the grade at {grade}", ""))
    if report.insufficient_rule:
        rows.append(("Scoring", "Insufficient information", text(report.insufficient_rule), ""))
    for number, step in enumerate(SCORING_STEPS, start=1):
        rows.append(("Scoring", f"Step {number}", step, ""))
    guide = (
        (SUMMARY, "One row per proposal: grade, scores, risk counts, top risk."),
        (RISKS, "One row per flagged risk, the most severe first."),
        (INDICATORS, "One row per proposal and indicator, with the arithmetic."),
        (CHARTS, "Live charts drawn from the Summary sheet."),
        (ABOUT, "This sheet: versions, inputs, how scores are made."),
    )
    rows.extend(("Sheet", name, what, "") for name, what in guide)
    return Table(ABOUT, columns, rows)


# --- writing and styling -----------------------------------------------------------------------


def _frame(table: Table) -> pd.DataFrame:
    import pandas as pd

    headers = [c.header for c in table.columns]
    frame = pd.DataFrame.from_records(table.rows, columns=headers) if table.rows else None
    if frame is None:
        frame = pd.DataFrame({h: pd.Series([], dtype="object") for h in headers})
    for index, column in enumerate(table.columns):
        if column.kind in _NUMBER_FORMATS:
            frame.isetitem(index, pd.to_numeric(frame.iloc[:, index], errors="coerce"))
    return frame


def _width(column: Column, values: Iterable[object]) -> float:
    longest = len(column.header)
    for value in values:
        if isinstance(value, str):
            longest = max(longest, max((len(line) for line in value.split("\n")), default=0))
        elif isinstance(value, float):
            longest = max(longest, 6)
    return max(column.min_width, min(column.max_width, longest + 2))


class _Styles:
    """The styles of the workbook, made once."""

    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self.top = Alignment(vertical="top")
        self.wrap = Alignment(vertical="top", wrap_text=True)
        self.centre = Alignment(horizontal="center", vertical="top")
        fill, font = HEADER_COLOURS
        self.header_fill = PatternFill("solid", fgColor=fill)
        self.header_font = Font(bold=True, color=font)
        self.header_alignment = Alignment(vertical="center", wrap_text=True)
        self.header_border = Border(bottom=Side(style="thin", color="000000"))
        self.grade = {
            g: (PatternFill("solid", fgColor=f), Font(bold=True, color=c))
            for g, (f, c) in GRADE_COLOURS.items()
        }
        self.severity = {
            s.value: (PatternFill("solid", fgColor=f), Font(bold=True, color=c))
            for s, (f, c) in SEVERITY_COLOURS.items()
        }
        self.insufficient = PatternFill("solid", fgColor=INSUFFICIENT_FILL)
        self.invalid = PatternFill("solid", fgColor=INVALID_FILL)
        self.bold = Font(bold=True)
        self.italic_muted = Font(italic=True, color=MUTED_FONT)
        self.muted = Font(color=MUTED_FONT)


def _style_table(ws: Worksheet, table: Table, styles: _Styles) -> None:
    """Header row, alignment, number formats, text-not-formula, widths, filter, frozen panes."""
    from openpyxl.utils import get_column_letter

    for cell in ws[1]:
        cell.fill = styles.header_fill
        cell.font = styles.header_font
        cell.alignment = styles.header_alignment
        cell.border = styles.header_border
        cell.data_type = "s"
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        number_format = _NUMBER_FORMATS.get(column.kind)
        alignment = {
            "wrap": styles.wrap,
            "grade": styles.centre,
            "severity": styles.centre,
        }.get(column.kind, styles.top)
        for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
            value = cell.value
            if isinstance(value, str):
                if value == "":
                    cell.value = None
                elif value[0] in _FORMULA_START:
                    # openpyxl takes a str starting with "=" for a formula: keep it text,
                    # and tell Excel to keep it text when the cell is edited.
                    cell.data_type = "s"
                    cell.quotePrefix = True
            cell.alignment = alignment
            if number_format is not None:
                cell.number_format = number_format
        values = (row[index - 1] for row in table.rows)
        ws.column_dimensions[letter].width = _width(column, values)
    last = get_column_letter(max(1, len(table.columns)))
    ws.auto_filter.ref = f"A1:{last}{max(1, len(table.rows) + 1)}"
    ws.freeze_panes = "B2" if table.name != ABOUT else "A2"
    ws.row_dimensions[1].height = 30


def _colour_column(
    ws: Worksheet, index: int, colours: dict[str, tuple[Any, Any]], *, rows: int
) -> None:
    for (cell,) in ws.iter_rows(min_row=2, max_row=rows + 1, min_col=index, max_col=index):
        style = colours.get(cell.value) if isinstance(cell.value, str) else None
        if style is not None:
            cell.fill, cell.font = style


def _style_summary(ws: Worksheet, table: Table, report: Report, styles: _Styles) -> None:
    from openpyxl.formatting.rule import CellIsRule, ColorScaleRule, DataBarRule, FormulaRule
    from openpyxl.utils import get_column_letter

    headers = [c.header for c in table.columns]
    n = len(table.rows)
    last_row = max(2, n + 1)
    grade_col = headers.index("Grade") + 1
    score_col = headers.index("Score") + 1
    grade_letter = get_column_letter(grade_col)
    score_letter = get_column_letter(score_col)
    grade_range = f"{grade_letter}2:{grade_letter}{last_row}"
    score_range = f"{score_letter}2:{score_letter}{last_row}"
    bands = sorted(report.grade_bands, key=lambda band: -band[1])
    upper: float | None = None
    for grade, floor in bands:
        fill, font = styles.grade.get(grade, (styles.invalid, styles.bold))
        ws.conditional_formatting.add(
            grade_range,
            CellIsRule(operator="equal", formula=[f'"{grade}"'], fill=fill, font=font),
        )
        cell = f"{score_letter}2"
        test = f"{cell}>={floor:g}" if upper is None else f"{cell}>={floor:g},{cell}<{upper:g}"
        ws.conditional_formatting.add(
            score_range,
            FormulaRule(formula=[f"AND(ISNUMBER({cell}),{test})"], fill=fill, font=font),
        )
        upper = floor
    ws.conditional_formatting.add(
        score_range,
        DataBarRule(start_type="num", start_value=0, end_type="num", end_value=100, color="5B9BD5"),
    )
    for index, column in enumerate(table.columns, start=1):
        if column.kind == "score" and index != score_col:
            letter = get_column_letter(index)
            ws.conditional_formatting.add(
                f"{letter}2:{letter}{last_row}",
                ColorScaleRule(
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
        elif column.kind == "severity":
            _colour_column(ws, index, styles.severity, rows=n)
    status_col = headers.index("Status") + 1
    for (cell,) in ws.iter_rows(min_row=2, max_row=n + 1, min_col=status_col, max_col=status_col):
        if cell.value == "invalid":
            for other in ws[cell.row]:
                other.fill = styles.invalid
            cell.font = styles.bold


def _style_risks(ws: Worksheet, table: Table, styles: _Styles) -> None:
    headers = [c.header for c in table.columns]
    _colour_column(ws, headers.index("Severity") + 1, styles.severity, rows=len(table.rows))


def _style_indicators(ws: Worksheet, table: Table, styles: _Styles) -> None:
    headers = [c.header for c in table.columns]
    status_col = headers.index("Status") + 1
    insufficient = STATUS_TEXT[IndicatorStatus.INSUFFICIENT]
    not_applicable = STATUS_TEXT[IndicatorStatus.NOT_APPLICABLE]
    for row in ws.iter_rows(min_row=2, max_row=len(table.rows) + 1):
        status = row[status_col - 1].value
        if status == insufficient:
            for cell in row:
                cell.fill = styles.insufficient
            row[status_col - 1].font = styles.bold
        elif status == not_applicable:
            for cell in row:
                cell.font = styles.italic_muted


def _charts(
    wb: Workbook,
    summary: Worksheet,
    table: Table,
    assessed: int,
    criteria: Sequence[tuple[str, str]],
) -> Worksheet:
    from openpyxl.chart import BarChart, RadarChart, Reference, Series
    from openpyxl.chart.data_source import StrRef
    from openpyxl.chart.label import DataLabelList
    from openpyxl.chart.series import SeriesLabel
    from openpyxl.styles import Font
    from openpyxl.utils import quote_sheetname

    ws = wb.create_sheet(sheet_name(CHARTS))
    headers = [c.header for c in table.columns]
    if assessed == 0:
        ws["A1"] = "No proposal was assessed: nothing to chart."
        ws["A1"].font = Font(bold=True)
        return ws
    ws["A1"] = text(
        f"Charts of the {assessed} assessed proposal(s), drawn live from the {SUMMARY} sheet"
    )
    ws["A1"].font = Font(bold=True, size=12)
    score_col = headers.index("Score") + 1
    first_criterion = score_col + 1

    bar = BarChart()
    bar.type = "bar"
    bar.style = 10
    bar.title = "Overall score by proposal"
    bar.add_data(
        Reference(summary, min_col=score_col, min_row=1, max_row=assessed + 1),
        titles_from_data=True,
    )
    bar.set_categories(Reference(summary, min_col=1, min_row=2, max_row=assessed + 1))
    bar.legend = None
    bar.x_axis.scaling.orientation = "maxMin"  # first proposal at the top
    bar.x_axis.delete = False
    bar.y_axis.delete = False
    bar.y_axis.scaling.min = 0
    bar.y_axis.scaling.max = 100
    bar.y_axis.majorUnit = 10
    bar.y_axis.title = "Score (0–100)"
    bar.dataLabels = DataLabelList()
    bar.dataLabels.showVal = True
    bar.width = 24
    bar.height = min(120.0, max(8.0, 3.0 + 0.6 * assessed))
    ws.add_chart(bar, "A3")

    radar = RadarChart()
    radar.type = "marker"
    radar.style = 26
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
    radar.set_categories(
        Reference(summary, min_col=first_criterion, max_col=last_criterion, min_row=1, max_row=1)
    )
    radar.y_axis.scaling.min = 0
    radar.y_axis.scaling.max = 100
    radar.y_axis.majorUnit = 25
    radar.y_axis.delete = False
    radar.x_axis.delete = False
    radar.width = 24
    radar.height = 14
    rows_used = int(bar.height / 0.53) + 2  # a default row is about 0.53 cm high
    ws.add_chart(radar, f"A{3 + rows_used + 1}")
    ws.column_dimensions["A"].width = 12
    return ws


def _print_setup(ws: Worksheet, title: str, date: str, rubric: str) -> None:
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    else:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_options.gridLines = ws.title != CHARTS
    ws.oddHeader.left.text = _header_text(f"{title} — {ws.title}")
    ws.oddHeader.left.size = 9
    ws.oddHeader.right.text = _header_text(date)
    ws.oddHeader.right.size = 9
    ws.oddFooter.left.text = _header_text(rubric)
    ws.oddFooter.left.size = 8
    ws.oddFooter.right.text = "Page &P of &N"
    ws.oddFooter.right.size = 8


def _properties(wb: Workbook, report: Report, moment: dt.datetime) -> None:
    props = wb.properties
    naive = moment.replace(tzinfo=None)
    props.title = "policycheck assessment"
    props.subject = text(f"{report.rubric.title} ({report.rubric.id} {report.rubric.version})")
    props.creator = "policycheck"
    props.lastModifiedBy = "policycheck"
    props.description = text(
        f"{len(report.assessments)} proposal(s) assessed, {len(report.failures)} invalid; "
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
        names.sort(key=lambda name: name != _FIRST_ZIP_ENTRY)  # stable: keeps openpyxl's order
        for name in names:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0o600 << 16
            payload = replace.get(name)
            target.writestr(
                info, source.read(name) if payload is None else payload, compresslevel=6
            )
    return out.getvalue()


def render(report: Report) -> bytes:
    """The workbook of ``report`` as the bytes of an .xlsx file."""
    import pandas as pd
    from openpyxl.xml.functions import tostring

    moment = _moment(report.generated_at)
    date = moment.date().isoformat()
    title = "policycheck assessment"
    rubric = f"{report.rubric.title} ({report.rubric.id} {report.rubric.version})"
    criteria = _criteria(report)
    tables = {
        SUMMARY: _summary(report, criteria),
        RISKS: _risks(report),
        INDICATORS: _indicators(report),
        ABOUT: _about(report),
    }
    styles = _Styles()
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        wb = writer.book
        for name in (SUMMARY, RISKS, INDICATORS):
            _frame(tables[name]).to_excel(writer, sheet_name=sheet_name(name), index=False)
        summary = writer.sheets[SUMMARY]
        _charts(wb, summary, tables[SUMMARY], len(report.assessments), criteria)
        _frame(tables[ABOUT]).to_excel(writer, sheet_name=sheet_name(ABOUT), index=False)
        for name, table in tables.items():
            _style_table(writer.sheets[name], table, styles)
        _style_summary(summary, tables[SUMMARY], report, styles)
        _style_risks(writer.sheets[RISKS], tables[RISKS], styles)
        _style_indicators(writer.sheets[INDICATORS], tables[INDICATORS], styles)
        about = writer.sheets[ABOUT]
        for (cell,) in about.iter_rows(min_row=2, min_col=1, max_col=1):
            cell.font = styles.bold
        for ws in wb.worksheets:
            _print_setup(ws, title, date, rubric)
        wb.active = 0
        _properties(wb, report, moment)
    # Saving stamped the workbook's "modified" time with the clock: put generated_at back.
    _properties(wb, report, moment)
    core = tostring(wb.properties.to_tree())
    return _normalise_zip(buffer.getvalue(), moment, {"docProps/core.xml": core})


__all__ = ["EXCEL_CELL_LIMIT", "SHEETS", "TRUNCATION_MARKER", "render", "sheet_name", "text"]
