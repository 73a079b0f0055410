"""The workbook's tables: plain rows of typed cells, one per fact, built from each result's
rows (see ``rows``) and the report."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from policycheck.assessment import (
    IndicatorStatus,
    Report,
    Risk,
    RiskFamily,
    Severity,
)
from policycheck.text import xml_text

if TYPE_CHECKING:
    from policycheck.render.xlsx.rows import Criteria, SummaryCells

#: Excel's limit on the characters in one cell.
EXCEL_CELL_LIMIT = 32_767
#: What replaces the end of a cell's text cut to the limit.
TRUNCATION_MARKER = "… [truncated]"
#: Excel's limit on the length of a sheet name.
SHEET_NAME_LIMIT = 31
#: Proposals charted at most: more bars or radar series would be unreadable on a page.
BAR_MAX_PROPOSALS = 30
RADAR_MAX_SERIES = 12

BRIEF, SUMMARY, RISKS, INDICATORS, SOURCES = "Brief", "Summary", "Risks", "Indicators", "Sources"
CHARTS, GATE, ABOUT = "Charts", "Gate", "About"
SHEETS = (BRIEF, SUMMARY, RISKS, INDICATORS, SOURCES, CHARTS, GATE, ABOUT)

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
FORMULA_START = frozenset("=+-@\t\r")
FIRST_ZIP_ENTRY = "[Content_Types].xml"
ZIP_MIN = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)
ZIP_MAX = dt.datetime(2107, 12, 31, 23, 59, 58, tzinfo=dt.UTC)

Kind = Literal["text", "wrap", "score", "int", "number", "share", "grade", "severity", "date"]


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a sheet: its header, what it holds and its width bounds."""

    header: str
    kind: Kind = "text"
    min_width: float = 8
    max_width: float = 40
    #: Whether the printed page shows it: printed columns come first, so a page at a
    #: legible scale holds them, and the rest stay for the screen and for filtering.
    printed: bool = True


NUMBER_FORMATS: dict[Kind, str] = {
    "score": "0.0",
    "int": "0",
    "number": "General",
    "share": "0.0%",
    "date": "yyyy-mm-dd",
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


def header_text(value: str) -> str:
    """Text for a print header or footer, where ``&`` starts a code."""
    return xml_text(value).replace("&", "&&")


def moment_of(generated_at: str) -> dt.datetime:
    """``generated_at`` as a UTC time within what a zip can record (1980-01-01 if unreadable)."""
    try:
        moment = dt.datetime.fromisoformat(generated_at)
    except ValueError:
        return ZIP_MIN
    moment = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
    return min(max(moment, ZIP_MIN), ZIP_MAX)


# --- the tables ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    #: Read more than once (widths, then cells): a list, or ``Rows`` made afresh each time.
    rows: Collection[tuple[Any, ...]]

    def index(self, header: str) -> int:
        """The 0-based position of the column headed ``header``."""
        return [c.header for c in self.columns].index(header)


def family_name(family: RiskFamily) -> str:
    """A risk family's name for people ("Normative erosion"), beside its id."""
    return family.value.replace("-", " ").capitalize()


def waiver_state(r: Risk) -> str:
    """What a filter on waivers needs: "waived", "waiver expired" or "no"."""
    if r.waiver is None:
        return "no"
    return "waived" if r.waiver.active else "waiver expired"


def worst_first(orders: Sequence[tuple[float, int, str] | None]) -> list[int]:
    """Positions of the assessed results (by their ``ResultRows.order``; None: not assessed),
    lowest score first, then the most severe top risk, then by id (the order assessed among
    equals): who needs attention."""
    keys = [(order, index) for index, order in enumerate(orders) if order is not None]
    keys.sort(key=lambda pair: pair[0])
    return [index for _, index in keys]


class Rows(Collection[tuple[Any, ...]]):
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


def summary_table(
    cells_of: Callable[[int], tuple[Criteria, SummaryCells]],
    criteria: Sequence[tuple[str, str]],
    shown: Sequence[int],
) -> Table:
    """One row per result, in the order of the positions ``shown`` (worst first, then the
    files that could not be assessed); ``cells_of`` gives a result's criteria and Summary
    cells by position."""
    columns = (
        Column("ID", "wrap", 10, 20),
        Column("Title", "wrap", 20, 28),
        Column("Grade", "grade", 7, 7),
        Column("Score", "score", 7, 7),
        Column("Score low", "score", 7, 7),
        Column("Score high", "score", 7, 7),
        Column("Known %", "score", 7, 7),
        Column("Cited %", "score", 7, 7),
        Column("Provisional", "text", 8, 8),
        *(Column(f"{s.value.capitalize()} risks", "int", 7, 7) for s in SEVERITIES),
        Column("Waived risks", "int", 7, 7),
        Column("Top risk ID", "text", 6, 6),
        Column("Top risk", "wrap", 14, 20),
        Column("Top risk severity", "severity", 9, 9),
        Column("Status", "text", 9, 12, printed=False),
        Column("Lead", "text", 6, 6, printed=False),
        Column("Participants", "wrap", 12, 16, printed=False),
        *(Column(title, "score", 13, 13, printed=False) for _, title in criteria),
        Column("Notes", "wrap", 16, 28, printed=False),
        Column("File", "wrap", 16, 28, printed=False),
    )

    def row(index: int) -> tuple[Any, ...]:
        own, (before, after) = cells_of(index)
        scores = {cid: score for cid, _, score in own}
        cells = (
            None if scores.get(cid) is None else round(scores[cid] or 0.0, 2) for cid, _ in criteria
        )
        return (*before, *cells, *after)

    def rows() -> Iterator[tuple[Any, ...]]:
        for index in shown:
            yield row(index)

    return Table(SUMMARY, columns, Rows(rows, len(shown)))


#: The Risks sheet: one row per piece of evidence of each flagged risk, so evidence and
#: location line up, the most severe first, then by proposal id, in the order assessed
#: among equals (``direct.Gathered.risk_rows``).
RISK_COLUMNS = (
    Column("Proposal ID", "wrap", 10, 20),
    Column("Risk ID", "text", 6, 6),
    Column("Severity", "severity", 9, 9),
    Column("Waived", "text", 8, 9),
    Column("Risk", "wrap", 14, 24),
    Column("Evidence", "wrap", 24, 40),
    Column("Location", "wrap", 12, 24),
    Column("Finding", "wrap", 20, 40),
    Column("Line", "int", 6, 6, printed=False),
    Column("Path", "text", 12, 30, printed=False),
    Column("Family ID", "text", 14, 22, printed=False),
    Column("Family", "text", 14, 22, printed=False),
    Column("Mitigation", "wrap", 20, 45, printed=False),
    Column("Brief reference", "wrap", 16, 30, printed=False),
    Column("Waiver justification", "wrap", 16, 40, printed=False),
    Column("Waiver owner", "text", 10, 20, printed=False),
    Column("Waiver expires", "date", 11, 11, printed=False),
    Column("Check ID", "text", 7, 7, printed=False),
    Column("Fingerprint", "text", 12, 26, printed=False),
)


#: The Indicators sheet: one row per piece of evidence of each indicator (one row for an
#: indicator without), so evidence and location line up; the indicator's figures repeat on
#: each of its rows, and ``Evidence item`` (1, 2 … or empty) picks one row per indicator
#: for sums. In the order assessed.
INDICATOR_COLUMNS = (
    Column("Proposal ID", "wrap", 10, 18),
    Column("Check ID", "text", 7, 7),
    Column("Indicator", "wrap", 16, 26),
    Column("Status", "text", 10, 14),
    Column("Level", "text", 10, 16),
    Column("Points", "number", 7, 7),
    Column("Weight", "number", 7, 7),
    Column("Contribution", "score", 12, 12),
    Column("Evidence", "wrap", 24, 40),
    Column("Location", "wrap", 12, 24),
    Column("Criterion ID", "text", 10, 12, printed=False),
    Column("Criterion", "wrap", 12, 26, printed=False),
    Column("Share", "share", 7, 7, printed=False),
    Column("Line", "int", 6, 6, printed=False),
    Column("Path", "text", 12, 30, printed=False),
    Column("Evidence item", "int", 9, 9, printed=False),
)
#: The Sources sheet: one row per source: those each file lists, each one a piece of
#: evidence cites by id (``Cited by`` the check or risk, ``Fact`` the evidence), and those
#: behind each risk's reference facts. In the order assessed.
SOURCE_COLUMNS = (
    Column("Proposal ID", "wrap", 10, 20),
    Column("Cited by", "text", 8, 10),
    Column("Fact", "wrap", 16, 30),
    Column("As of", "date", 11, 11),
    Column("Source ID", "wrap", 10, 22),
    Column("Title", "wrap", 24, 40),
    Column("Date", "date", 11, 11),
    Column("URL", "wrap", 20, 30),
    Column("Dataset", "text", 10, 30, printed=False),
)


def date_cell(value: str | None) -> dt.date | None:
    """An ISO date as a date cell (None when absent or unreadable)."""
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def gate_table(report: Report, waived: Iterable[tuple[Any, ...]]) -> Table:
    """The gate's verdict, thresholds, breaches and the waivers in force, one row each
    (``waived``: the results' rows of the risks they waive)."""
    columns = (
        Column("Section", "text", 10, 16),
        Column("Item", "wrap", 12, 30),
        Column("Value", "wrap", 20, 60),
        Column("Owner", "text", 10, 20),
        Column("Expires", "date", 11, 11),
    )
    gate = report.gate
    rows: list[tuple[Any, ...]] = []
    if gate is None:
        rows.append(
            (
                "Verdict",
                "no gate",
                "No gate was asked for: no threshold was set "
                "(--fail-under, --min, --fail-on, --default-gate or the configuration).",
                "",
                None,
            )
        )
    else:
        verdict = "passed" if gate.passed else "failed" + (" (soft: exit 0)" if gate.soft else "")
        rows.append(("Verdict", verdict, f"{len(gate.breaches)} breach(es)", "", None))
        rows.extend(("Threshold", t, "", "", None) for t in gate.thresholds)
        for b in gate.breaches:
            where = f"{b.file}:{b.line}" if b.line else b.file
            rows.append(
                ("Breach", b.kind, f"{b.proposal_id or ''}: {b.message} ({where})", "", None)
            )
        if gate.absorbed_by_baseline:
            rows.append(
                (
                    "Baseline",
                    "absorbed",
                    f"{gate.absorbed_by_baseline} breach(es) already in the baseline",
                    "",
                    None,
                )
            )
        for w in gate.expired_waivers:
            rows.append(
                (
                    "Waiver expired",
                    f"{w.target} for {w.proposal}",
                    f"{w.justification} ({w.origin})",
                    w.owner,
                    w.expires,
                )
            )
        for w in gate.unused_waivers:
            rows.append(
                (
                    "Waiver unused",
                    f"{w.target} for {w.proposal}",
                    f"matches nothing ({w.origin})",
                    w.owner,
                    w.expires,
                )
            )
    rows.extend(waived)
    return Table(GATE, columns, rows)


def about_table(
    report: Report,
    inputs: Collection[tuple[Any, ...]],
    generated: dt.datetime | None,
    continued: Sequence[tuple[Any, ...]] = (),
) -> Table:
    """Versions, inputs (``inputs``: the results' rows, read when the table is), grade bands
    and how scores are made; ``continued`` lists the sheets a long table continues on."""
    columns = (
        Column("Section", "text", 10, 16),
        Column("Item", "wrap", 14, 36),
        Column("Value", "wrap", 20, 70),
        Column("Detail", "wrap", 12, 30),
    )
    rubric = report.rubric
    head: list[tuple[Any, ...]] = [
        ("Tool", "policycheck", report.tool_version, ""),
        (
            "Tool",
            "Generated at",
            generated if generated is not None else report.generated_at,
            "UTC",
        ),
        ("Rubric", "ID", rubric.id, ""),
        ("Rubric", "Version", rubric.version, ""),
        ("Rubric", "Title", rubric.title, ""),
        ("Rubric", "SHA-256", rubric.sha256, ""),
        (
            "Reference data",
            "Digest",
            report.reference_digest,
            "see the Sources sheet for the facts each risk used",
        ),
    ]
    tail: list[tuple[Any, ...]] = []
    bands = sorted(report.grade_bands, key=lambda band: -band[1])
    for grade, floor in bands:
        tail.append(("Grade band", grade, f"score ≥ {floor:g}", ""))
    for severity, grade in report.caps:
        tail.append(("Cap", severity, f"a {severity} risk caps the grade at {grade}", ""))
    if report.unknown_rule:
        tail.append(("Scoring", "Unknowns and coverage", report.unknown_rule, ""))
    for number, step in enumerate(SCORING_STEPS, start=1):
        tail.append(("Scoring", f"Step {number}", step, ""))
    guide = (
        (
            BRIEF,
            "One page per proposal: grade, range, the risks that matter, top changes, sources.",
        ),
        (SUMMARY, "One row per proposal, worst first: grade, scores, risk counts, top risk."),
        (
            RISKS,
            "One row per piece of evidence of each flagged risk, the most severe first; "
            "filter on Waived.",
        ),
        (
            INDICATORS,
            "One row per piece of evidence of each indicator, with the arithmetic; the "
            "indicator's figures repeat on each of its rows: to sum them, keep the rows whose "
            "Evidence item is 1 or empty.",
        ),
        (
            SOURCES,
            "One row per source: each file's own, each one a piece of evidence cites (Cited "
            "by: the check or risk), and those behind each risk's reference facts.",
        ),
        (CHARTS, "Live charts drawn from the Summary sheet."),
        (GATE, "The gate's verdict, thresholds, breaches and waivers."),
        (ABOUT, "This sheet: versions, inputs, how scores are made."),
    )
    tail.extend(("Sheet", name, what, "") for name, what in guide)
    tail.extend(continued)
    tail.append(
        (
            "Print",
            "Columns",
            "Printed pages show the first columns of each sheet at a "
            "legible size; the others are for the screen and for filtering.",
            "",
        )
    )

    def all_rows() -> Iterator[tuple[Any, ...]]:
        yield from head
        yield from inputs
        yield from tail

    return Table(ABOUT, columns, Rows(all_rows, len(head) + len(inputs) + len(tail)))


# --- typed cells -------------------------------------------------------------------------------


def typed(value: Any, kind: Kind) -> Any:
    """A cell's value as written: numbers as ``float`` (counts as ``int``), text as it is;
    missing numbers (``None`` or NaN) and empty text as ``None``, an empty cell."""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    if kind in _FLOAT_KINDS:
        return float(value)
    if kind == "int":
        return int(value)
    return value


#: Kinds whose cells are written as floating-point numbers.
_FLOAT_KINDS: frozenset[Kind] = frozenset({"score", "number", "share"})


def lines(value: object, width: float, per_width: float = 1.2) -> int:
    """How many lines ``value`` takes, wrapped in a cell ``width`` characters wide that holds
    ``per_width`` characters of its font a character of width (1.3 for the Brief's 10 pt)."""
    if not isinstance(value, str) or not value:
        return 1
    per_line = max(1, int(width * per_width) - 1)
    if "\n" not in value:
        return max(1, -(-len(value) // per_line))
    return sum(max(1, -(-len(segment) // per_line)) for segment in value.split("\n"))
