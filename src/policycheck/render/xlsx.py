"""The Excel workbook (``--xlsx FILE``, ``--output xlsx=FILE``): five sheets, for screen and paper.

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
   score by proposal, and the criteria of each proposal on a radar (the first
   ``BAR_MAX_PROPOSALS`` / ``RADAR_MAX_SERIES`` rows of a long Summary).
5. **About** — tool, rubric and reference versions, inputs and their SHA-256,
   grade bands, caps and how scores are made.

Every sheet prints landscape, one page wide, with its header row repeated.
Text from proposals is always written as text (never a formula), cut to
Excel's 32,767-character limit with a visible marker. The workbook depends
only on the ``Report``: document dates and zip timestamps come from
``report.generated_at``, so the same report gives the same bytes.

The tables are built as plain rows (typed cells, risks sorted) and written with
openpyxl alone, each cell made with its named style ("policycheck score",
"policycheck wrap insufficient", ...); conditional formats, charts, print setup
and document properties follow. Each result is first reduced to its rows
(``result_rows``), and each sheet is written as it is filled (openpyxl's
write-only mode), so a large batch is never held as cells: ``render_rows``
takes the rows of a batch that kept nothing else (see ``policycheck.batch``). openpyxl is imported inside ``render`` so that
assessing without ``--xlsx`` never pays for it; pandas is not needed at all,
which keeps a plain install (and the pre-commit hook's environment) light.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import math
import re
import shutil
import zipfile
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, cast

from policycheck.assessment import (
    Assessment,
    Evidence,
    Failure,
    IndicatorStatus,
    Report,
    Severity,
)
from policycheck.text import xml_text

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.chart.text import RichText
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

#: Excel's limit on the characters in one cell.
EXCEL_CELL_LIMIT = 32_767
#: What replaces the end of a cell's text cut to the limit.
TRUNCATION_MARKER = "… [truncated]"
#: Excel's limit on the length of a sheet name.
SHEET_NAME_LIMIT = 31
#: Proposals charted at most: more bars or radar series would be unreadable on a page.
BAR_MAX_PROPOSALS = 30
RADAR_MAX_SERIES = 12

SUMMARY, RISKS, INDICATORS, CHARTS, ABOUT = "Summary", "Risks", "Indicators", "Charts", "About"
SHEETS = (SUMMARY, RISKS, INDICATORS, CHARTS, ABOUT)

SEVERITIES = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)

STATUS_TEXT = {
    IndicatorStatus.SCORED: "scored",
    IndicatorStatus.INSUFFICIENT: "unknown",
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
FONT = "Calibri"
#: Points per line of 11-point text, and Excel's highest row.
LINE_HEIGHT = 15.0
MAX_ROW_HEIGHT = 409.0

SCORING_STEPS = (
    "Indicator points: each indicator's level gets the rubric's points (0–100); an indicator "
    "the file or the reference data does not settle is unknown (see the rule above) and is "
    "left out of the score; one that does not apply to this kind of initiative is left out "
    "and the others' weights share its part.",
    "Criterion score: the weighted mean of its known indicators' points (0–100).",
    "Overall score: the weighted mean of the criteria that have a score (0–100); its range "
    "puts every unknown at its lowest and at its highest level.",
    "Known %: the share of the applicable weight that is known; below the rubric's minimum "
    "the grade is provisional. Cited %: the share of the known weight resting on a citation "
    "or a reference fact.",
    "Grade: the band the overall score, rounded to one decimal, falls in.",
    "Caps: the grade is lowered to the cap of the most severe risk flagged, if the rubric caps it.",
)

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
    """``value`` as cell text: characters XML rejects replaced, cut to the cell limit."""
    result = xml_text(str(value))
    if len(result) > EXCEL_CELL_LIMIT:
        result = result[: EXCEL_CELL_LIMIT - len(TRUNCATION_MARKER)] + TRUNCATION_MARKER
    return result


def sheet_name(name: str) -> str:
    """A valid sheet name: no ``[]:*?/\\``, no leading or trailing quote, at most 31 characters."""
    cleaned = _SHEET_FORBIDDEN.sub("_", xml_text(name)).strip("'")
    cleaned = cleaned[:SHEET_NAME_LIMIT].rstrip("'")
    return cleaned or "Sheet"


def _header_text(value: str) -> str:
    """Text for a print header or footer, where ``&`` starts a code."""
    return xml_text(value).replace("&", "&&")


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
    #: Read more than once (widths, then cells): a list, or ``_Rows`` made afresh each time.
    rows: Collection[tuple[Any, ...]]


class _Rows(Collection[tuple[Any, ...]]):
    """Rows made afresh by ``make`` at each reading, so a long table is never held whole."""

    def __init__(self, make: Callable[[], Iterator[tuple[Any, ...]]], count: int) -> None:
        self._make = make
        self._count = count

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return self._make()

    def __len__(self) -> int:
        return self._count

    def __contains__(self, row: object) -> bool:
        return any(row == mine for mine in self)


@dataclass(frozen=True, slots=True)
class ResultRows:
    """What the workbook shows of one result, as plain values (text, numbers, None).

    ``render_rows`` writes a workbook from these: a large batch reduces each
    result to its rows as it arrives (they pickle small) instead of keeping
    every result's objects until the end.
    """

    file: str
    assessed: bool
    #: (id, title, score) of each criterion, in rubric order; none for an invalid file.
    criteria: tuple[tuple[str, str, float | None], ...]
    #: The Summary row's cells before the criterion columns, and after them.
    summary: tuple[tuple[Any, ...], tuple[Any, ...]]
    risks: tuple[tuple[Any, ...], ...]
    indicators: tuple[tuple[Any, ...], ...]
    #: The row of the About sheet's list of inputs.
    about: tuple[Any, ...]


def result_rows(result: Assessment | Failure) -> ResultRows:
    """The rows of every sheet that one result fills."""
    if isinstance(result, Assessment):
        return _assessed_rows(result)
    problems = "\n".join(f"{p.line}:{p.column}: {p.message}" for p in result.problems)
    summary = (
        ("", "Invalid file: not assessed", "invalid", "", "", "", None, None, None, None, None, ""),
        (*(None for _ in SEVERITIES), "", "", problems, result.file),
    )
    about = (
        "Input",
        result.file,
        result.file_sha256 or "—",
        f"invalid: {len(result.problems)} problem(s)",
    )
    return ResultRows(result.file, False, (), summary, (), (), about)


def _criteria(results: Iterable[ResultRows]) -> list[tuple[str, str]]:
    """(id, title) of the criteria, in rubric order, as the assessments give them."""
    seen: dict[str, str] = {}
    for r in results:
        for cid, title, _ in r.criteria:
            seen.setdefault(cid, title)
    return list(seen.items())


def _summary(results: Collection[ResultRows], criteria: Sequence[tuple[str, str]]) -> Table:
    columns = (
        Column("ID", "wrap", 10, 26),
        Column("Title", "wrap", 20, 34),
        Column("Status", "text", 9, 12),
        Column("Lead", "text", 6, 6),
        Column("Participants", "wrap", 12, 16),
        Column("Grade", "grade", 7, 7),
        Column("Score", "score", 8, 8),
        Column("Score low", "score", 8, 8),
        Column("Score high", "score", 8, 8),
        Column("Known %", "score", 8, 8),
        Column("Cited %", "score", 8, 8),
        Column("Provisional", "text", 8, 8),
        *(Column(title, "score", 13, 13) for _, title in criteria),
        *(Column(f"{s.value.capitalize()} risks", "int", 8, 8) for s in SEVERITIES),
        Column("Top risk", "wrap", 16, 28),
        Column("Top risk severity", "severity", 9, 9),
        Column("Notes", "wrap", 16, 28),
        Column("File", "wrap", 16, 28),
    )

    def rows() -> Iterator[tuple[Any, ...]]:
        # Assessed proposals first, then the files that could not be assessed.
        for wanted in (True, False):
            for r in results:
                if r.assessed is wanted:
                    scores = {cid: score for cid, _, score in r.criteria}
                    before, after = r.summary
                    yield (*before, *(scores.get(cid) for cid, _ in criteria), *after)

    return Table(SUMMARY, columns, _Rows(rows, len(results)))


def _assessed_rows(a: Assessment) -> ResultRows:
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
            a.status,
            a.lead or "",
            ", ".join(a.participants),
            a.grade,
            a.score,
            a.score_low,
            a.score_high,
            round(a.coverage * 100, 1),
            round(a.cited * 100, 1),
            "yes" if a.provisional else "no",
        ),
        (
            *(counts[s] for s in SEVERITIES),
            "" if top is None else f"{top.id} {top.title}",
            "" if top is None else top.severity.value,
            note,
            a.file,
        ),
    )
    risks = tuple(
        (
            a.proposal_id,
            r.id,
            r.title,
            r.family.value,
            r.severity.value,
            r.finding,
            "\n".join(e.note for e in r.evidence),
            "\n".join(dict.fromkeys(str(e.location) for e in r.evidence)),
            r.mitigation,
            r.brief,
        )
        for r in a.risks
    )
    indicators = tuple(
        (
            a.proposal_id,
            c.title,
            i.check_id,
            i.title,
            STATUS_TEXT[i.status],
            i.level,
            i.points,
            i.weight,
            i.share,
            i.contribution,
            _evidence_lines(i.evidence),
        )
        for c in a.criteria
        for i in c.indicators
    )
    about = (
        "Input",
        a.file,
        a.file_sha256 or "—",
        f"assessed: grade {a.grade}, score {a.score:.1f}",
    )
    criteria = tuple((c.id, c.title, c.score) for c in a.criteria)
    return ResultRows(a.file, True, criteria, summary, risks, indicators, about)


def _risks(results: Iterable[ResultRows]) -> Table:
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
    return Table(RISKS, columns, [row for r in results for row in r.risks])


def _indicators(results: Collection[ResultRows]) -> Table:
    columns = (
        Column("Proposal ID", "text", 10, 32),
        Column("Criterion", "wrap", 12, 26),
        Column("Check ID", "text", 8, 8),
        Column("Indicator", "wrap", 16, 36),
        Column("Status", "text", 12, 23),
        Column("Level", "text", 10, 24),
        Column("Points", "number", 7, 7),
        Column("Weight", "number", 7, 7),
        Column("Share", "share", 7, 7),
        Column("Contribution", "score", 12, 12),
        Column("Evidence", "wrap", 30, 70),
    )
    count = sum(len(r.indicators) for r in results)
    return Table(
        INDICATORS, columns, _Rows(lambda: (i for r in results for i in r.indicators), count)
    )


def _about(report: Report, results: Iterable[ResultRows]) -> Table:
    columns = (
        Column("Section", "text", 10, 16),
        Column("Item", "wrap", 14, 40),
        Column("Value", "wrap", 20, 70),
        Column("Detail", "wrap", 12, 40),
    )
    rubric = report.rubric
    rows: list[tuple[Any, ...]] = [
        ("Tool", "policycheck", report.tool_version, ""),
        ("Tool", "Generated at", report.generated_at, "UTC"),
        ("Rubric", "ID", rubric.id, ""),
        ("Rubric", "Version", rubric.version, ""),
        ("Rubric", "Title", rubric.title, ""),
        ("Rubric", "SHA-256", rubric.sha256, ""),
        ("Reference data", "Digest", report.reference_digest, ""),
    ]
    rows.extend(r.about for r in results)
    bands = sorted(report.grade_bands, key=lambda band: -band[1])
    for grade, floor in bands:
        rows.append(("Grade band", grade, f"score ≥ {floor:g}", ""))
    for severity, grade in report.caps:
        rows.append(("Cap", severity, f"a {severity} risk caps the grade at {grade}", ""))
    if report.unknown_rule:
        rows.append(("Scoring", "Unknowns and coverage", report.unknown_rule, ""))
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


def _typed(value: Any, kind: Kind) -> Any:
    """A cell's value as written: numbers as ``float`` (counts as ``int``), text as it is;
    missing numbers (``None`` or NaN) and empty text as ``None``, an empty cell."""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    if kind in _FLOAT_KINDS:
        return float(value)
    if kind == "int":
        return int(value)
    return value


def _sort_risks(table: Table, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The most severe first, then by proposal id, keeping the order assessed among equals."""
    headers = [c.header for c in table.columns]
    severity, proposal = headers.index("Severity"), headers.index("Proposal ID")
    rank = {s.value: s.rank for s in Severity}
    return sorted(rows, key=lambda row: (-rank.get(row[severity], 0), str(row[proposal])))


def _tabulate(table: Table) -> Table:
    """``table`` with typed cells (made as each row is read), its risks sorted."""
    columns, source = table.columns, table.rows

    def typed() -> Iterator[tuple[Any, ...]]:
        for row in source:
            yield tuple(_typed(value, c.kind) for value, c in zip(row, columns, strict=True))

    if table.name == RISKS:
        return dataclasses.replace(table, rows=_sort_risks(table, list(typed())))
    return dataclasses.replace(table, rows=_Rows(typed, len(source)))


#: Kinds whose cells are written as floating-point numbers.
_FLOAT_KINDS: frozenset[Kind] = frozenset({"score", "number", "share"})


def _widths(columns: Sequence[Column], rows: Iterable[Sequence[object]]) -> list[float]:
    """Each column's width: its longest line of text, within its bounds (one reading of rows)."""
    longest = [len(column.header) for column in columns]
    for row in rows:
        for index, value in enumerate(row):
            if isinstance(value, str):
                most = max((len(line) for line in value.split("\n")), default=0)
                longest[index] = max(longest[index], most)
            elif isinstance(value, float):
                longest[index] = max(longest[index], 6)
    return [
        max(column.min_width, min(column.max_width, most + 2))
        for column, most in zip(columns, longest, strict=True)
    ]


@dataclass(frozen=True, slots=True)
class Look:
    """A cell's look beyond its column's: a label (naming the cell style), a fill colour or "",
    and a font: "", "bold", "muted" or the colour of bold text."""

    label: str = ""
    fill: str = ""
    font: str = ""


PLAIN = Look()
BOLD = Look("label", font="bold")
NOT_APPLICABLE = Look("not applicable", font="muted")
INSUFFICIENT = Look("insufficient", INSUFFICIENT_FILL)
INSUFFICIENT_STATUS = Look("insufficient status", INSUFFICIENT_FILL, "bold")
INVALID = Look("invalid", INVALID_FILL)
INVALID_STATUS = Look("invalid status", INVALID_FILL, "bold")
SEVERITY_LOOKS: dict[object, Look] = {
    s.value: Look(s.value, fill, font) for s, (fill, font) in SEVERITY_COLOURS.items()
}


class _Styles:
    """Named cell styles ("policycheck score", ...), made on first use.

    Cells are made with their style's array of ids: far cheaper than setting fonts, fills
    and alignments on each cell (openpyxl hashes each one to find its id).
    """

    def __init__(self, wb: Workbook) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self._wb = wb
        self._arrays: dict[tuple[str, Look], StyleArray] = {}
        self._Font = Font
        self._PatternFill = PatternFill
        self._Alignment = Alignment
        self._border = Border(bottom=Side(style="thin", color="000000"))

    def font(self, *, size: float = 11, **kw: Any) -> Any:
        return self._Font(name=FONT, size=size, **kw)

    def fill(self, colour: str) -> Any:
        return self._PatternFill("solid", fgColor=colour)

    def array(self, kind: str, look: Look = PLAIN) -> StyleArray:
        """The style of a cell of ``kind`` (a column kind, or "header") with ``look``."""
        found = self._arrays.get((kind, look))
        if found is not None:
            return found
        from openpyxl.styles import NamedStyle

        fill, font = look.fill, look.font
        name = " ".join(part for part in ("policycheck", kind, look.label) if part)
        style = NamedStyle(name=name)
        if kind == "header":
            background, colour = HEADER_COLOURS
            style.font = self.font(bold=True, color=colour)
            style.fill = self.fill(background)
            style.alignment = self._Alignment(vertical="center", wrap_text=True)
            style.border = self._border
        else:
            if font == "bold":
                style.font = self.font(bold=True)
            elif font == "muted":
                style.font = self.font(italic=True, color=MUTED_FONT)
            elif font:
                style.font = self.font(bold=True, color=font)
            else:
                style.font = self.font()
            if fill:
                style.fill = self.fill(fill)
            style.alignment = self._Alignment(
                horizontal="center" if kind in ("grade", "severity", "int") else None,
                vertical="top",
                wrap_text=kind == "wrap" or None,
            )
            style.number_format = _NUMBER_FORMATS.get(cast(Kind, kind), "General")
        self._wb.add_named_style(style)
        array = self._arrays[kind, look] = style.as_tuple()
        return array


def _summary_look(row: Sequence[object], index: int, column: Column, status: int) -> Look:
    if row[status] == "invalid":
        return INVALID_STATUS if index == status else INVALID
    if column.kind == "severity":
        return SEVERITY_LOOKS.get(row[index], PLAIN)
    return PLAIN


def _risks_look(row: Sequence[object], index: int, column: Column, status: int) -> Look:
    return SEVERITY_LOOKS.get(row[index], PLAIN) if column.kind == "severity" else PLAIN


def _indicators_look(row: Sequence[object], index: int, column: Column, status: int) -> Look:
    if row[status] == STATUS_TEXT[IndicatorStatus.INSUFFICIENT]:
        return INSUFFICIENT_STATUS if index == status else INSUFFICIENT
    if row[status] == STATUS_TEXT[IndicatorStatus.NOT_APPLICABLE]:
        return NOT_APPLICABLE
    return PLAIN


def _about_look(row: Sequence[object], index: int, column: Column, status: int) -> Look:
    return BOLD if index == 0 else PLAIN


_LOOKS = {
    SUMMARY: _summary_look,
    RISKS: _risks_look,
    INDICATORS: _indicators_look,
    ABOUT: _about_look,
}


def _cell(ws: Worksheet, row: int, column: int, value: Any, style: StyleArray) -> Cell:
    from openpyxl.cell.cell import Cell

    if isinstance(value, str):
        value = text(value)  # every string, once, here
    cell = Cell(ws, row=row, column=column, value=value, style_array=style)
    if isinstance(value, str) and value and value[0] in _FORMULA_START:
        # openpyxl takes a str starting with "=" for a formula: keep it text, and have
        # Excel keep it text when the cell is edited.
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _write_table(ws: Worksheet, table: Table, styles: _Styles) -> None:
    """Cells (styled as they are made), widths, heights, filter and frozen panes of a table.

    The sheet is written as it is filled (openpyxl's write-only mode): what
    comes before the rows in the file (widths, panes, size) is set first, and
    each row's height before the row.
    """
    from openpyxl.utils import get_column_letter

    columns = table.columns
    widths = _widths(columns, table.rows)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    last = get_column_letter(max(1, len(columns)))
    ws.auto_filter.ref = f"A1:{last}{max(1, len(table.rows) + 1)}"
    ws.freeze_panes = "B2" if table.name != ABOUT else "A2"
    _declare_size(ws, f"A1:{last}{len(table.rows) + 1}")
    header = styles.array("header")
    lines = max(_lines(c.header, w) for c, w in zip(columns, widths, strict=True))
    ws.row_dimensions[1].height = min(MAX_ROW_HEIGHT, max(2, lines) * LINE_HEIGHT)
    ws.append([_cell(ws, 1, i, c.header, header) for i, c in enumerate(columns, start=1)])
    look = _LOOKS[table.name]
    headers = [c.header for c in columns]
    status = headers.index("Status") if "Status" in headers else 0
    plain = [styles.array(c.kind) for c in columns]
    wrapped = [(index, widths[index]) for index, c in enumerate(columns) if c.kind == "wrap"]
    for number, row in enumerate(table.rows, start=2):
        cells = []
        for index, value in enumerate(row):
            special = look(row, index, columns[index], status)
            style = plain[index] if special == PLAIN else styles.array(columns[index].kind, special)
            cells.append(_cell(ws, number, index + 1, value, style))
        # Heights that show wrapped text whole: spreadsheets do not grow rows a program wrote.
        lines = max((_lines(row[index], width) for index, width in wrapped), default=1)
        if lines > 1:
            ws.row_dimensions[number].height = min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT)
        ws.append(cells)
        ws.row_dimensions.pop(number, None)  # written with its row: not kept


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
) -> None:
    from openpyxl.chart import BarChart, RadarChart, Reference, Series
    from openpyxl.chart.data_source import AxDataSource, StrRef
    from openpyxl.chart.label import DataLabelList
    from openpyxl.chart.series import SeriesLabel
    from openpyxl.utils import quote_sheetname
    from openpyxl.worksheet.pagebreak import Break

    headers = [c.header for c in table.columns]
    if assessed == 0:
        _chart_heading(ws, styles, "No proposal was assessed: nothing to chart.")
        return
    bars = min(assessed, BAR_MAX_PROPOSALS)
    ws.column_dimensions["A"].width = 12  # written before the heading's row
    _chart_heading(
        ws,
        styles,
        f"Charts of the {assessed} assessed proposal(s), drawn live from the {SUMMARY} sheet"
        if bars == assessed
        else f"Charts of the first {bars} rows of the {SUMMARY} sheet ({assessed} assessed "
        "proposals): sort it to choose which",
    )
    score_col = headers.index("Score") + 1
    first_criterion = score_col + 1

    bar = BarChart()
    bar.type = "bar"
    bar.style = 10
    bar.title = (
        "Overall score by proposal"
        if bars == assessed
        else f"Overall score, first {bars} of {assessed} proposals"
    )
    bar.add_data(
        Reference(summary, min_col=score_col, min_row=1, max_row=bars + 1),
        titles_from_data=True,
    )
    ids = Reference(summary, min_col=1, min_row=2, max_row=bars + 1)
    bar.series[0].cat = AxDataSource(strRef=StrRef(str(ids)))  # text labels, not numbers
    bar.legend = None
    bar.x_axis.scaling.orientation = "maxMin"  # first proposal at the top
    bar.x_axis.delete = False
    bar.x_axis.tickLblSkip = 1  # a label on every bar, small enough to fit
    bar.x_axis.txPr = _chart_text(800)
    bar.y_axis.delete = False
    bar.y_axis.scaling.min = 0
    bar.y_axis.scaling.max = 100
    bar.y_axis.majorUnit = 10
    bar.y_axis.title = "Score (0–100)"
    bar.y_axis.number_format = "0"
    bar.dataLabels = DataLabelList(
        showVal=True, showSerName=False, showCatName=False, showLegendKey=False, showPercent=False
    )
    bar.dataLabels.position = "outEnd"
    bar.dataLabels.txPr = _chart_text(800)
    bar.gapWidth = 60
    bar.width = 24
    bar.height = max(8.0, 3.0 + 0.42 * bars)  # at most one printed page
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
    for series in radar.series:
        series.cat = AxDataSource(strRef=StrRef(str(titles)))
    radar.y_axis.scaling.min = 0
    radar.y_axis.scaling.max = 100
    radar.y_axis.majorUnit = 25
    radar.y_axis.number_format = "0"
    radar.y_axis.delete = False
    radar.x_axis.delete = False
    radar.width = 24
    radar.height = 14
    # Each chart on its own printed page: a default row is about 0.53 cm high.
    radar_row = 3 + int(bar.height / 0.53) + 2
    ws.row_breaks.append(Break(id=radar_row - 1))
    ws.add_chart(radar, f"A{radar_row}")


def _chart_heading(ws: Worksheet, styles: _Styles, heading: str) -> None:
    """The Charts sheet's one cell, A1, in bold."""
    from openpyxl.cell.cell import Cell

    cell = Cell(ws, row=1, column=1, value=heading)
    cell.font = styles.font(bold=True, size=12)
    _declare_size(ws, "A1:A1")
    ws.append([cell])


def _print_setup(ws: Worksheet, title: str, date: str, rubric: str) -> None:
    from openpyxl.worksheet.properties import PageSetupProperties
    from openpyxl.worksheet.worksheet import Worksheet

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4  # a write-only sheet lacks the name
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
    header, footer = ws.oddHeader, ws.oddFooter
    assert header is not None
    assert footer is not None
    header.left.text = _header_text(f"{title} — {ws.title}")
    header.left.size = 9
    header.right.text = _header_text(date)
    header.right.size = 9
    footer.left.text = _header_text(rubric)
    footer.left.size = 8
    footer.right.text = "Page &P of &N"
    footer.right.size = 8


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
        names.sort(key=lambda name: name != _FIRST_ZIP_ENTRY)  # stable: keeps openpyxl's order
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


def render(report: Report) -> bytes:
    """The workbook of ``report`` as the bytes of an .xlsx file."""
    return render_rows(report, [result_rows(r) for r in report.results])


def render_rows(report: Report, results: Collection[ResultRows]) -> bytes:
    """The workbook of ``report`` whose results are ``results`` (``report.results`` unread).

    ``results`` is read several times, one result at a time (a list, or a
    collection that unpacks each result as it is read), and the sheets are
    written as they are filled: a batch of any size is never held as cells.
    """
    from openpyxl import Workbook
    from openpyxl.xml.functions import tostring

    moment = _moment(report.generated_at)
    date = moment.date().isoformat()
    title = "policycheck assessment"
    rubric = f"{report.rubric.title} ({report.rubric.id} {report.rubric.version})"
    criteria = _criteria(results)
    assessed = sum(r.assessed for r in results)
    tables = {
        table.name: _tabulate(table)
        for table in (
            _summary(results, criteria),
            _risks(results),
            _indicators(results),
            _about(report, results),
        )
    }
    wb = Workbook(write_only=True)
    styles = _Styles(wb)
    for name in SHEETS:
        # Each sheet is written as it is filled: what precedes its rows is set first.
        ws = wb.create_sheet(sheet_name(name))
        _cells_as_made(ws)
        _print_setup(ws, title, date, rubric)
        if name == CHARTS:
            _charts(ws, styles, wb[SUMMARY], tables[SUMMARY], assessed, criteria)
        else:
            _write_table(ws, tables[name], styles)
    _conditional_formats(wb[SUMMARY], tables[SUMMARY], report, styles)
    wb.active = 0
    buffer = io.BytesIO()
    wb.save(buffer)
    # Saving stamps the workbook's "modified" time with the clock: put generated_at back.
    _properties(wb, report, moment, assessed, len(results) - assessed)
    core = tostring(wb.properties.to_tree())
    return _normalise_zip(buffer.getvalue(), moment, {"docProps/core.xml": core})


__all__ = [
    "EXCEL_CELL_LIMIT",
    "SHEETS",
    "TRUNCATION_MARKER",
    "ResultRows",
    "render",
    "render_rows",
    "result_rows",
    "sheet_name",
    "text",
]
