"""The workbook's tables: plain rows of typed cells, one per fact, built from the report."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from policycheck.assessment import (
    Assessment,
    Citation,
    Evidence,
    IndicatorStatus,
    Report,
    Risk,
    RiskFamily,
    Severity,
)
from policycheck.text import xml_text

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


def evidence_lines(items: Iterable[Evidence]) -> str:
    return "\n".join(f"{e.note} ({e.location})" for e in items)


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
    rows: list[tuple[Any, ...]]

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


def criteria_of(report: Report) -> list[tuple[str, str]]:
    """(id, title) of the criteria, in rubric order, as the assessments give them."""
    seen: dict[str, str] = {}
    for a in report.assessments:
        for c in a.criteria:
            seen.setdefault(c.id, c.title)
    return list(seen.items())


def worst_first(assessments: Iterable[Assessment]) -> list[Assessment]:
    """Lowest score first, then the most severe top risk, then by id: who needs attention."""
    return sorted(
        assessments,
        key=lambda a: (a.score, -(a.risks[0].severity.rank if a.risks else 0), a.proposal_id),
    )


def summary_table(report: Report, criteria: Sequence[tuple[str, str]]) -> Table:
    """One row per proposal, worst first; files that could not be assessed last."""
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
        Column("Top risk", "wrap", 16, 26),
        Column("Top risk severity", "severity", 9, 9),
        Column("Status", "text", 9, 12, printed=False),
        Column("Lead", "text", 6, 6, printed=False),
        Column("Participants", "wrap", 12, 16, printed=False),
        *(Column(title, "score", 13, 13, printed=False) for _, title in criteria),
        Column("Notes", "wrap", 16, 28, printed=False),
        Column("File", "wrap", 16, 28, printed=False),
    )
    rows: list[tuple[Any, ...]] = []
    for a in worst_first(report.assessments):
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
                "" if top is None else f"{top.id} {top.title}",
                "" if top is None else top.severity.value,
                a.status,
                a.lead or "",
                ", ".join(a.participants),
                *(
                    None if scores.get(cid) is None else round(scores[cid] or 0.0, 2)
                    for cid, _ in criteria
                ),
                note,
                a.file,
            )
        )
    for f in report.failures:
        problems = "\n".join(f"{p.line}:{p.column}: {p.message}" for p in f.problems)
        rows.append(
            (
                "",
                "Invalid file: not assessed",
                *(None for _ in range(7)),
                *(None for _ in SEVERITIES),
                None,
                "",
                "",
                "invalid",
                "",
                "",
                *(None for _ in criteria),
                problems,
                f.file,
            )
        )
    return Table(SUMMARY, columns, rows)


def risks_table(report: Report) -> Table:
    """One row per piece of evidence of each flagged risk, so evidence and location line up."""
    columns = (
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
        Column("Cited sources", "wrap", 16, 40, printed=False),
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
    rows: list[tuple[Any, ...]] = []
    for a in report.assessments:
        for r in a.risks:
            waiver = r.waiver.waiver if r.waiver is not None else None
            for e in r.evidence or (None,):
                cited = a.sources_in(e.note) if e is not None else ()
                rows.append(
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
                        "\n".join(f"{c.id}: {c}" for c in cited),
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
    return Table(RISKS, columns, rows)


def indicators_table(report: Report) -> Table:
    columns = (
        Column("Proposal ID", "wrap", 10, 20),
        Column("Check ID", "text", 7, 7),
        Column("Indicator", "wrap", 16, 30),
        Column("Status", "text", 10, 14),
        Column("Level", "text", 10, 20),
        Column("Points", "number", 7, 7),
        Column("Weight", "number", 7, 7),
        Column("Contribution", "score", 12, 12),
        Column("Evidence", "wrap", 30, 54),
        Column("Criterion", "wrap", 12, 26, printed=False),
        Column("Share", "share", 7, 7, printed=False),
    )
    rows: list[tuple[Any, ...]] = []
    for a in report.assessments:
        for c in a.criteria:
            for i in c.indicators:
                rows.append(
                    (
                        a.proposal_id,
                        i.check_id,
                        i.title,
                        STATUS_TEXT[i.status],
                        i.level,
                        i.points,
                        i.weight,
                        i.contribution,
                        evidence_lines(i.evidence),
                        c.title,
                        i.share,
                    )
                )
    return Table(INDICATORS, columns, rows)


def sources_table(report: Report) -> Table:
    """One row per source: those each file lists, and those behind each risk's reference facts."""
    columns = (
        Column("Proposal ID", "wrap", 10, 20),
        Column("Cited by", "text", 8, 10),
        Column("Fact", "wrap", 16, 30),
        Column("As of", "date", 11, 11),
        Column("Source ID", "wrap", 10, 22),
        Column("Title", "wrap", 24, 40),
        Column("Date", "date", 11, 11),
        Column("URL", "wrap", 20, 30),
        Column("Dataset", "text", 10, 14, printed=False),
    )
    rows: list[tuple[Any, ...]] = []
    for a in report.assessments:
        for c in a.sources:
            rows.append(
                (
                    a.proposal_id,
                    "file",
                    "",
                    None,
                    c.id,
                    c.title,
                    _date(c.date),
                    c.url or "",
                    "proposal",
                )
            )
        for r in a.risks:
            for f in r.references:
                for c in f.sources or (Citation("", "no source listed"),):
                    rows.append(
                        (
                            a.proposal_id,
                            r.id,
                            f.fact,
                            _date(f.as_of),
                            c.id,
                            c.title,
                            _date(c.date),
                            c.url or "",
                            f"{f.dataset}.yaml",
                        )
                    )
    return Table(SOURCES, columns, rows)


def _date(value: str | None) -> dt.date | None:
    """An ISO date as a date cell (None when absent or unreadable)."""
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def gate_table(report: Report) -> Table:
    """The gate's verdict, thresholds, breaches and the waivers in force, one row each."""
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
    for a in report.assessments:
        for r in a.risks:
            if r.waiver is not None and r.waiver.active:
                w = r.waiver.waiver
                rows.append(
                    (
                        "Waived risk",
                        f"{r.id} ({r.severity.value}) in {a.proposal_id}",
                        w.justification,
                        w.owner,
                        w.expires,
                    )
                )
    return Table(GATE, columns, rows)


def about_table(report: Report, generated: dt.datetime | None) -> Table:
    columns = (
        Column("Section", "text", 10, 16),
        Column("Item", "wrap", 14, 36),
        Column("Value", "wrap", 20, 70),
        Column("Detail", "wrap", 12, 30),
    )
    rubric = report.rubric
    rows: list[tuple[Any, ...]] = [
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
    for result in report.results:
        if isinstance(result, Assessment):
            detail = f"assessed: grade {result.grade}, score {result.score:.1f}"
        else:
            detail = f"invalid: {len(result.problems)} problem(s)"
        rows.append(("Input", result.file, result.file_sha256 or "—", detail))
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
        (INDICATORS, "One row per proposal and indicator, with the arithmetic."),
        (
            SOURCES,
            "One row per source: each file's own, and those behind each risk's reference facts.",
        ),
        (CHARTS, "Live charts drawn from the Summary sheet."),
        (GATE, "The gate's verdict, thresholds, breaches and waivers."),
        (ABOUT, "This sheet: versions, inputs, how scores are made."),
    )
    rows.extend(("Sheet", name, what, "") for name, what in guide)
    rows.append(
        (
            "Print",
            "Columns",
            "Printed pages show the first columns of each sheet at a "
            "legible size; the others are for the screen and for filtering.",
            "",
        )
    )
    return Table(ABOUT, columns, rows)


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


def _sort_risks(table: Table, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The most severe first, then by proposal id, keeping the order assessed among equals."""
    headers = [c.header for c in table.columns]
    severity, proposal = headers.index("Severity"), headers.index("Proposal ID")
    rank = {s.value: s.rank for s in Severity}
    return sorted(rows, key=lambda row: (-rank.get(row[severity], 0), str(row[proposal])))


def tabulate(table: Table) -> Table:
    """``table`` with typed cells, its risks sorted."""
    rows = [
        tuple(typed(value, column.kind) for value, column in zip(row, table.columns, strict=True))
        for row in table.rows
    ]
    if table.name == RISKS:
        rows = _sort_risks(table, rows)
    return dataclasses.replace(table, rows=rows)


#: Kinds whose cells are written as floating-point numbers.
_FLOAT_KINDS: frozenset[Kind] = frozenset({"score", "number", "share"})
