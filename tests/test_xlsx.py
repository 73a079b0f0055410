"""The Excel workbook (issue 3): rendered from a real run, read back with openpyxl and pandas."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from msgspec import structs
from openpyxl import load_workbook
from openpyxl.chart import BarChart, LineChart, RadarChart
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from syrupy.assertion import SnapshotAssertion

from policycheck import Assessment, Assessor, Failure, Report, Severity
from policycheck.assessment import IndicatorStatus
from policycheck.render import Format, render, xlsx
from policycheck.render.paper import Paper
from tests.conftest import (
    FIXED_TIME,
    MINIMAL,
    PROPOSALS,
    ROOT,
    SAMPLES,
    modules_a_run_imports,
    run_cli,
    sheet_charts,
)
from tests.snapshots import TextSnapshot
from tests.xlsx_contents import contents

INJECTIONS = ('=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(A1)")
SHEET_NAMES = ["Brief", "Summary", "Risks", "Indicators", "Sources", "Charts", "Gate", "About"]
SUMMARY_HEADERS_START = ["ID", "Title", "Grade", "Score"]
RISK_HEADERS = [
    "Proposal ID",
    "Risk ID",
    "Severity",
    "Waived",
    "Risk",
    "Evidence",
    "Location",
    "Finding",
    "Line",
    "Path",
    "Family ID",
    "Family",
    "Mitigation",
    "Brief reference",
    "Waiver justification",
    "Waiver owner",
    "Waiver expires",
    "Check ID",
    "Fingerprint",
]
INDICATOR_HEADERS = [
    "Proposal ID",
    "Check ID",
    "Indicator",
    "Status",
    "Level",
    "Points",
    "Weight",
    "Contribution",
    "Evidence",
    "Location",
    "Criterion ID",
    "Criterion",
    "Share",
    "Line",
    "Path",
    "Evidence item",
]
#: Sheets that store data, where a list is one row per item, never lines in a cell.
TABLE_SHEETS = ("Summary", "Risks", "Indicators", "Sources", "Gate", "About")


def indicator_rows(report: Report) -> int:
    """Rows of the Indicators sheet: one per piece of evidence, one for an indicator without."""
    return sum(
        max(1, len(i.evidence))
        for a in report.assessments
        for c in a.criteria
        for i in c.indicators
    )


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def runner() -> Assessor:
    return Assessor()


@pytest.fixture(scope="module")
def report(runner: Assessor, tmp_path_factory: pytest.TempPathFactory) -> Report:
    """The samples and one invalid file, assessed."""
    folder = tmp_path_factory.mktemp("inputs")
    broken = folder / "broken.yaml"
    broken.write_text("schema_version: 1\nid: Not Valid\ntitle: [unclosed\n", encoding="utf-8")
    return runner.run([*(PROPOSALS / n for n in SAMPLES), broken], generated_at=FIXED_TIME, jobs=1)


@pytest.fixture(scope="module")
def data(report: Report) -> bytes:
    return xlsx.render(report)


@pytest.fixture(scope="module")
def path(data: bytes, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("workbook") / "report.xlsx"
    target.write_bytes(data)
    return target


@pytest.fixture(scope="module")
def wb(path: Path) -> Workbook:
    return load_workbook(path)


def headers(ws: Worksheet) -> list[Any]:
    return [cell.value for cell in ws[1]]


def column(ws: Worksheet, header: str) -> int:
    """The 1-based index of the column headed ``header``."""
    return headers(ws).index(header) + 1


def letter(ws: Worksheet, header: str) -> str:
    return get_column_letter(column(ws, header))


def _paper_size(ws: Any) -> int:
    """The sheet's paper size code (``ws.PAPERSIZE_A4`` and the like)."""
    size = ws.page_setup.paperSize
    assert size is not None
    return int(size)


def rgb(colour: Any) -> str:
    """An openpyxl colour as RRGGBB (it reads ARGB back)."""
    return str(colour.rgb)[-6:]


def assessment_with(runner: Assessor, title: str, proposal_id: str = "test") -> Assessment:
    text = MINIMAL.replace("id: test", f"id: {proposal_id}").replace(
        "title: Test initiative", f"title: '{title.replace(chr(39), chr(39) * 2)}'"
    )
    return runner.assess_bytes(text.encode(), f"{proposal_id}.yaml")


# --- structure -------------------------------------------------------------------------------


def test_sheets_in_order(wb: Workbook) -> None:
    assert wb.sheetnames == SHEET_NAMES
    assert list(xlsx.SHEETS) == wb.sheetnames
    assert wb.active is not None
    assert wb.active.title == "Brief"


def test_summary_headers_and_rows(wb: Workbook, report: Report) -> None:
    ws = wb["Summary"]
    criteria = [c.title for c in report.assessments[0].criteria]
    assert len(criteria) == 4
    assert headers(ws) == [
        *SUMMARY_HEADERS_START,
        "Score low",
        "Score high",
        "Known %",
        "Cited %",
        "Provisional",
        "Critical risks",
        "High risks",
        "Medium risks",
        "Low risks",
        "Waived risks",
        "Top risk ID",
        "Top risk",
        "Top risk severity",
        "Status",
        "Lead",
        "Participants",
        *criteria,
        "Notes",
        "File",
    ]
    assert ws.max_row == 1 + len(report.results)


def test_summary_values_equal_the_assessments(wb: Workbook, report: Report) -> None:
    ws = wb["Summary"]
    head = headers(ws)
    rows = {row[0]: dict(zip(head, row, strict=True)) for row in ws.iter_rows(2, values_only=True)}
    for a in report.assessments:
        row = rows[a.proposal_id]
        assert row["Title"] == a.title
        assert row["Status"] == a.status
        assert row["Grade"] == a.grade
        assert row["Score"] == pytest.approx(a.score)
        assert (row["Score low"], row["Score high"]) == (a.score_low, a.score_high)
        assert row["Known %"] == pytest.approx(a.coverage * 100, abs=0.05)
        assert row["Provisional"] == ("yes" if a.provisional else "no")
        assert row["Participants"] == ", ".join(a.participants)
        for c in a.criteria:
            if c.score is None:
                assert row[c.title] is None
            else:
                assert row[c.title] == round(c.score, 2)  # rounded as the JSON rounds
        for severity in Severity:
            count = sum(r.severity is severity for r in a.risks)
            assert row[f"{severity.value.capitalize()} risks"] == count
        if a.risks:
            top = a.risks[0]
            assert (row["Top risk ID"], row["Top risk"]) == (top.id, top.title)  # id beside name
            assert row["Top risk severity"] == top.severity.value
        else:
            assert (row["Top risk ID"], row["Top risk"]) == (None, None)
        if a.cap is not None:
            assert a.cap.risk_id in row["Notes"]
    assert rows["tirana-declaration-2025"]["Top risk ID"] == "CE01"


def test_summary_marks_invalid_files(wb: Workbook, report: Report) -> None:
    ws = wb["Summary"]
    (failure,) = report.failures
    status = column(ws, "Status")
    invalid = [row for row in ws.iter_rows(min_row=2) if row[status - 1].value == "invalid"]
    assert len(invalid) == 1
    row = invalid[0]
    assert row[column(ws, "File") - 1].value == failure.file
    assert row[column(ws, "Grade") - 1].value is None
    assert row[column(ws, "Score") - 1].value is None
    assert failure.problems[0].message in str(row[column(ws, "Notes") - 1].value)
    assert all(rgb(cell.fill.fgColor) == xlsx.INVALID_FILL for cell in row)  # the whole row
    assert row[status - 1].font.bold
    # assessed rows first, worst (lowest score) first; the charts draw on them
    ids = [c.value for c in ws["A"][1 : 1 + len(report.assessments)]]
    scores = {a.proposal_id: a.score for a in report.assessments}
    assert sorted(ids) == sorted(scores)
    assert [scores[i] for i in ids] == sorted(scores.values())


def test_summary_number_formats_and_numbers(wb: Workbook) -> None:
    ws = wb["Summary"]
    for header in ("Score", "Normative safeguards", "Transparency"):
        cells = ws[letter(ws, header)][1:]
        assert all(cell.number_format == "0.0" for cell in cells)
        assert any(isinstance(cell.value, int | float) for cell in cells)
    count = ws[f"{letter(ws, 'High risks')}2"]
    assert count.number_format == "0"
    assert isinstance(count.value, int)


def test_summary_conditional_formatting(wb: Workbook, report: Report) -> None:
    ws = wb["Summary"]
    last = 1 + len(report.results)
    rules = {str(cf.sqref): [r.type for r in cf.rules] for cf in ws.conditional_formatting}
    score = f"{letter(ws, 'Score')}2:{letter(ws, 'Score')}{last}"
    grade = f"{letter(ws, 'Grade')}2:{letter(ws, 'Grade')}{last}"
    assert rules[score].count("expression") == len(report.grade_bands)  # a fill per grade band
    assert "dataBar" in rules[score]
    assert rules[grade] == ["cellIs"] * len(report.grade_bands)
    for c in report.assessments[0].criteria:
        assert rules[f"{letter(ws, c.title)}2:{letter(ws, c.title)}{last}"] == ["colorScale"]
    # A green ... F red
    fills = {}
    for cf in ws.conditional_formatting:
        if str(cf.sqref) == grade:
            for rule in cf.rules:
                fills[rule.formula[0].strip('"')] = rgb(rule.dxf.fill.fgColor)
    assert fills["A"] == xlsx.GRADE_COLOURS["A"][0]
    assert fills["F"] == xlsx.GRADE_COLOURS["F"][0]


def test_table_sheets_are_frozen_filtered_and_sized(wb: Workbook, report: Report) -> None:
    expected_rows = {
        "Summary": len(report.results),
        "Risks": sum(len(r.evidence) for a in report.assessments for r in a.risks),
        "Indicators": indicator_rows(report),
    }
    for name, rows in expected_rows.items():
        ws = wb[name]
        assert ws.freeze_panes == "B2"
        assert ws.auto_filter.ref == f"A1:{get_column_letter(ws.max_column)}{rows + 1}"
        assert ws.max_row == rows + 1
        for index in range(1, ws.max_column + 1):
            width = ws.column_dimensions[get_column_letter(index)].width
            assert 6 <= width <= 70
        assert ws["A1"].font.bold
    assert wb["About"].freeze_panes == "A2"
    assert wb["Gate"].freeze_panes == "A2"


def test_wrapped_text_and_row_heights(wb: Workbook) -> None:
    ws = wb["Risks"]
    evidence = ws[f"{letter(ws, 'Evidence')}2"]
    assert evidence.alignment.wrap_text
    tall = [ws.row_dimensions[r].height for r in range(2, ws.max_row + 1)]
    assert any(h is not None and h > 15 for h in tall)  # multi-line rows are given room


def test_risks_sorted_by_severity_and_coloured(wb: Workbook, report: Report) -> None:
    ws = wb["Risks"]
    assert headers(ws) == RISK_HEADERS
    severity = column(ws, "Severity")
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    ranks = [Severity(str(row[severity - 1])).rank for row in rows]
    assert ranks == sorted(ranks, reverse=True)
    for rank in set(ranks):
        ids = [str(row[0]) for row, r in zip(rows, ranks, strict=True) if r == rank]
        assert ids == sorted(ids)
    for cell in ws[letter(ws, "Severity")][1:]:
        fill, font = xlsx.SEVERITY_COLOURS[Severity(cell.value)]
        assert rgb(cell.fill.fgColor) == fill
        assert rgb(cell.font.color) == font
    kosovo = next(a for a in report.assessments if a.proposal_id == "kosovo-armed-drones-2023")
    ce03 = next(r for r in kosovo.risks if r.id == "CE03")
    row = next(r for r in rows if r[0] == kosovo.proposal_id and r[1] == "CE03")
    record = dict(zip(RISK_HEADERS, row, strict=True))
    assert record["Finding"] == ce03.finding
    # one row per piece of evidence: note, location, line and path line up
    ce03_rows = [
        dict(zip(RISK_HEADERS, r, strict=True))
        for r in rows
        if r[0] == kosovo.proposal_id and r[1] == "CE03"
    ]
    assert [r["Evidence"] for r in ce03_rows] == [e.note for e in ce03.evidence]
    assert [r["Location"] for r in ce03_rows] == [str(e.location) for e in ce03.evidence]
    assert [r["Line"] for r in ce03_rows] == [e.location.line for e in ce03.evidence]
    assert [r["Path"] for r in ce03_rows] == [e.location.path for e in ce03.evidence]
    assert re.fullmatch(r".+\.yaml:\d+", str(record["Location"]))
    assert record["Mitigation"] == ce03.mitigation
    assert record["Brief reference"] == ce03.brief
    assert record["Family ID"] == "conflict-escalation"
    assert record["Family"] == "Conflict escalation"
    assert record["Waived"] == "no"


def test_indicators_rows_and_insufficient_marked(wb: Workbook, report: Report) -> None:
    ws = wb["Indicators"]
    assert headers(ws) == INDICATOR_HEADERS
    rows = list(ws.iter_rows(min_row=2))
    # one row per piece of evidence: note, location, line and path line up
    expected = [
        (a, c, i, e, n)
        for a in report.assessments
        for c in a.criteria
        for i in c.indicators
        for n, e in enumerate(i.evidence or (None,), start=1)
    ]
    assert len(rows) == len(expected) == indicator_rows(report)
    assert len(rows) > sum(len(c.indicators) for a in report.assessments for c in a.criteria)
    status_col = column(ws, "Status")
    seen = set()
    for row, (a, c, i, e, n) in zip(rows, expected, strict=True):
        values = dict(zip(INDICATOR_HEADERS, (cell.value for cell in row), strict=True))
        assert values["Proposal ID"] == a.proposal_id
        assert values["Criterion ID"] == c.id
        assert values["Criterion"] == c.title
        assert values["Check ID"] == i.check_id
        if e is None:
            assert (values["Evidence"], values["Location"], values["Line"]) == (None, None, None)
            assert values["Evidence item"] is None
        else:
            assert values["Evidence"] == e.note
            assert values["Location"] == str(e.location)
            assert values["Line"] == e.location.line
            assert values["Path"] == (e.location.path or None)
            assert values["Evidence item"] == n
        assert values["Weight"] == pytest.approx(i.weight)
        assert values["Share"] == pytest.approx(i.share)
        assert values["Contribution"] == pytest.approx(i.contribution)
        status = row[status_col - 1]
        seen.add(i.status)
        if i.status is IndicatorStatus.NOT_APPLICABLE:
            assert values["Points"] is None
            assert status.value == "not applicable"
        else:
            assert values["Points"] == pytest.approx(i.points)
        if i.status is IndicatorStatus.INSUFFICIENT:
            assert status.value == "unknown"
            assert rgb(status.fill.fgColor) == xlsx.INSUFFICIENT_FILL
            assert status.font.bold
            assert all(rgb(cell.fill.fgColor) == xlsx.INSUFFICIENT_FILL for cell in row)
    assert seen == set(IndicatorStatus)
    assert ws[f"{letter(ws, 'Share')}2"].number_format == "0.0%"


def test_charts_are_native_and_drawn_from_summary(wb: Workbook, report: Report) -> None:
    charts = sheet_charts(wb["Charts"])
    kinds = {type(chart) for chart in charts}
    assert kinds == {BarChart, RadarChart}
    bar = next(c for c in charts if isinstance(c, BarChart))
    radar = next(c for c in charts if isinstance(c, RadarChart))
    summary_rows = len(report.assessments) + 1
    (series,) = bar.series

    def ref(formula: str) -> str:
        return formula.replace("'", "")

    assert ref(series.val.numRef.f) == f"Summary!$D$2:$D${summary_rows}"
    assert ref(series.cat.strRef.f) == f"Summary!$A$2:$A${summary_rows}"
    assert len(radar.series) == min(len(report.assessments), xlsx.RADAR_MAX_SERIES)
    assert ref(radar.series[0].val.numRef.f) == "Summary!$U$2:$X$2"
    assert ref(radar.series[0].tx.strRef.f) == "Summary!$A$2"
    assert ref(radar.series[0].cat.strRef.f) == "Summary!$U$1:$X$1"
    # distinct colours, one per series
    fills = [s.graphicalProperties.line.solidFill for s in radar.series]
    colours = [str(getattr(f.srgbClr, "val", f.srgbClr)) for f in fills]
    assert len(set(colours)) == len(colours)
    assert ref(radar.series[-1].tx.strRef.f) == f"Summary!$A${len(radar.series) + 1}"


def band_lines(wb: Workbook) -> list[tuple[str, list[Any], str, str]]:
    """The bar chart's grade-band lines: (name, values, colour, dash) of each, read back."""
    charts = wb["Charts"]
    bar = next(c for c in sheet_charts(charts) if isinstance(c, BarChart))
    (lines,) = [c for c in sheet_charts(bar) if isinstance(c, LineChart)]
    found: list[tuple[str, list[Any], str, str]] = []
    for series in lines.series:
        title = series.tx.strRef.f.replace("'", "").split("!")[1].replace("$", "")
        values = series.val.numRef.f.replace("'", "").split("!")[1].replace("$", "")
        low, top, high, bottom = range_boundaries(values)
        cells = [c for (c,) in charts.iter_rows(top, bottom, low, high, values_only=True)]
        line = series.graphicalProperties.line
        colour = str(getattr(line.solidFill.srgbClr, "val", line.solidFill.srgbClr))
        found.append((str(charts[title].value), cells, colour, str(line.prstDash)))
    return found


def test_bar_chart_draws_a_labelled_line_per_grade_band(wb: Workbook, report: Report) -> None:
    """One line per grade band floor above 0, from the rubric, named and told apart in colour
    and in dash (black and white)."""
    lines = band_lines(wb)
    expected = [(g, f) for g, f in sorted(report.grade_bands, key=lambda b: -b[1]) if f > 0]
    # each line a value per bar, so it runs across them all
    bars = len(report.assessments)
    assert [(name, values) for name, values, _, _ in lines] == [
        (f"{g} ≥ {f:g}", [f] * bars) for g, f in expected
    ]
    assert len({colour for _, _, colour, _ in lines}) == len(lines)
    assert len({dash for _, _, _, dash in lines}) == len(lines)
    # the lines' cells are outside the printed page: it shows the charts only
    print_area = str(wb["Charts"].print_area)
    assert "$Q" not in print_area
    assert "$O" in print_area


def test_band_lines_follow_the_rubric(runner: Assessor, report: Report) -> None:
    bands = (("A", 90.0), ("B", 62.5), ("F", 0.0))
    one = (report.assessments[0],)
    data = xlsx.render(dataclasses.replace(report, results=one, grade_bands=bands))
    lines = band_lines(load_workbook(io.BytesIO(data)))
    assert [(name, values) for name, values, _, _ in lines] == [
        ("A ≥ 90", [90.0]),
        ("B ≥ 62.5", [62.5]),
    ]
    # a rubric whose only band starts at 0 draws no line (the axis is its floor)
    data = xlsx.render(dataclasses.replace(report, results=one, grade_bands=(("P", 0.0),)))
    charts = sheet_charts(load_workbook(io.BytesIO(data))["Charts"])
    bar = next(c for c in charts if isinstance(c, BarChart))
    assert not [c for c in sheet_charts(bar) if isinstance(c, LineChart)]
    assert bar.legend is None


def test_about_sheet(wb: Workbook, report: Report) -> None:
    ws = wb["About"]
    assert headers(ws) == ["Section", "Item", "Value", "Detail"]
    rows = [tuple(row) for row in ws.iter_rows(min_row=2, values_only=True)]
    values = {(s, i): v for s, i, v, _ in rows}
    assert values["Tool", "policycheck"] == report.tool_version
    assert values["Tool", "Generated at"] == dt.datetime(2026, 1, 1)  # noqa: DTZ001 - a date cell
    assert values["Rubric", "ID"] == report.rubric.id
    assert values["Rubric", "Version"] == report.rubric.version
    assert values["Rubric", "Title"] == report.rubric.title
    assert values["Rubric", "SHA-256"] == report.rubric.sha256
    assert values["Reference data", "Digest"] == report.reference_digest
    for result in report.results:
        assert values["Input", result.file] == (result.file_sha256 or "—")
    assert all(len(r.file_sha256) == 64 for r in report.results)  # the invalid one too
    for grade, floor in report.grade_bands:
        assert values["Grade band", grade] == f"score ≥ {floor:g}"
    for severity, grade in report.caps:
        assert grade in str(values["Cap", severity])
    assert values["Scoring", "Unknowns and coverage"] == report.unknown_rule
    assert sum(s == "Scoring" for s, *_ in rows) >= 5


def test_print_setup_on_every_sheet(wb: Workbook) -> None:
    for ws in wb.worksheets:
        brief = ws.title == "Brief"
        assert ws.page_setup.orientation == ("portrait" if brief else "landscape")
        assert _paper_size(ws) == int(ws.PAPERSIZE_A4)
        # a fixed scale, never below what prints 11-point text at 8 points
        assert ws.page_setup.scale is not None
        assert 73 <= int(ws.page_setup.scale) <= 100
        assert ws.sheet_properties.pageSetUpPr is not None
        assert not ws.sheet_properties.pageSetUpPr.fitToPage
        if ws.title not in ("Brief", "Charts"):
            assert ws.print_title_rows == "$1:$1"
        header = ws.oddHeader
        assert header is not None
        assert header.left.text == f"policycheck assessment — {ws.title}"
        assert header.right.text == "2026-01-01"
        assert ws.oddFooter is not None
        assert "&P" in (ws.oddFooter.right.text or "")


def test_document_properties(wb: Workbook, report: Report) -> None:
    props = wb.properties
    assert props.title == "policycheck assessment"
    assert props.subject is not None
    assert report.rubric.title in props.subject
    assert props.creator == "policycheck"
    assert props.created == dt.datetime(2026, 1, 1)  # noqa: DTZ001 - xlsx dates are naive UTC
    assert props.modified == dt.datetime(2026, 1, 1)  # noqa: DTZ001


def test_zip_entries_have_fixed_times_and_content_types_first(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        assert archive.testzip() is None
    assert infos[0].filename == "[Content_Types].xml"
    assert {i.date_time for i in infos} == {(2026, 1, 1, 0, 0, 0)}
    assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}


def test_pandas_reads_every_sheet(path: Path, report: Report) -> None:
    frames = pd.read_excel(path, sheet_name=None)
    assert list(frames) == SHEET_NAMES
    summary = frames["Summary"]
    assert list(summary.columns[:4]) == SUMMARY_HEADERS_START
    assessed = summary[summary["Status"] != "invalid"]
    worst = sorted(report.assessments, key=lambda a: a.score)
    assert list(assessed["ID"]) == [a.proposal_id for a in worst]
    assert list(assessed["Grade"]) == [a.grade for a in worst]
    assert list(assessed["Score"]) == pytest.approx([a.score for a in worst])
    assert summary["Score"].dtype.kind == "f"
    assert list(frames["Risks"].columns) == RISK_HEADERS
    assert list(frames["Indicators"].columns) == INDICATOR_HEADERS
    assert len(frames["Indicators"]) == indicator_rows(report)
    indicators = frames["Indicators"]
    assert indicators["Line"].dropna().dtype.kind in "if"  # typed, not text
    # one row per indicator for sums: Evidence item 1 or empty
    first = indicators[indicators["Evidence item"].fillna(1) == 1]
    assert len(first) == sum(len(c.indicators) for a in report.assessments for c in a.criteria)
    assert first["Contribution"].sum() == pytest.approx(
        sum(i.contribution for a in report.assessments for c in a.criteria for i in c.indicators)
    )


# --- safety ----------------------------------------------------------------------------------


def test_formula_like_text_stays_text(runner: Assessor, report: Report, tmp_path: Path) -> None:
    injected = tuple(
        assessment_with(runner, title, f"inject-{n}") for n, title in enumerate(INJECTIONS)
    )
    assert [a.title for a in injected] == list(INJECTIONS)
    data = xlsx.render(dataclasses.replace(report, results=injected))
    target = tmp_path / "inject.xlsx"
    target.write_bytes(data)
    ws = load_workbook(target)["Summary"]
    titles = ws[letter(ws, "Title")][1:]
    assert [c.value for c in titles] == list(INJECTIONS)
    for cell in titles:
        assert cell.data_type == "s"
        assert cell.quotePrefix  # Excel keeps it text when the cell is edited
    with zipfile.ZipFile(target) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    frame = pd.read_excel(target, sheet_name="Summary")
    assert list(frame["Title"]) == list(INJECTIONS)


def test_formula_like_text_in_every_sheet(runner: Assessor, report: Report) -> None:
    a = report.assessments[-1]
    risk = structs.replace(a.risks[0], finding="=1+1", mitigation="@cmd")
    tricky = structs.replace(a, title="=2+2", proposal_id="=id", risks=(risk,))
    broken = Failure(file="=evil.yaml", problems=(), file_sha256="")
    data = xlsx.render(dataclasses.replace(report, results=(tricky, broken)))
    wb = load_workbook(io.BytesIO(data))
    formulas = [
        (ws.title, cell.coordinate)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []
    assert wb["Risks"]["H2"].value == "=1+1"
    assert wb["Indicators"]["A2"].value == "=id"


def test_long_text_is_truncated_with_a_marker(runner: Assessor, report: Report) -> None:
    long = assessment_with(runner, "x" * 40_000, "long")
    data = xlsx.render(dataclasses.replace(report, results=(long,)))
    ws = load_workbook(io.BytesIO(data))["Summary"]
    value = ws[f"{letter(ws, 'Title')}2"].value
    assert isinstance(value, str)
    assert len(value) == xlsx.EXCEL_CELL_LIMIT
    assert value.endswith(xlsx.TRUNCATION_MARKER)
    assert value.startswith("x" * 1000)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("short", "short"),
        ("a\x00b\x1fc", "a\ufffdb\ufffdc"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("y" * xlsx.EXCEL_CELL_LIMIT, "y" * xlsx.EXCEL_CELL_LIMIT),
    ],
)
def test_text_helper(value: str, expected: str) -> None:
    assert xlsx.text(value) == expected


def test_text_helper_cuts_at_the_limit() -> None:
    cut = xlsx.text("z" * (xlsx.EXCEL_CELL_LIMIT + 1))
    assert len(cut) == xlsx.EXCEL_CELL_LIMIT
    assert cut.endswith("… [truncated]")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Summary", "Summary"),
        ("A" * 40, "A" * 31),
        ("Risks: [high]/low?*\\", "Risks_ _high__low___"),
        ("'quoted'", "quoted"),
        ("", "Sheet"),
        ("'" * 5, "Sheet"),
        ("x" * 30 + "'y", "x" * 30),
    ],
)
def test_sheet_name_helper(name: str, expected: str) -> None:
    result = xlsx.sheet_name(name)
    assert result == expected
    assert 1 <= len(result) <= 31
    assert not set(result) & set("[]:*?/\\")


def test_every_sheet_name_is_valid() -> None:
    assert all(xlsx.sheet_name(name) == name for name in xlsx.SHEETS)


def test_workbook_contents_snapshot(
    runner: Assessor,
    snapshot: SnapshotAssertion,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What a reader sees in the samples' workbook (an invalid file and formula-like text
    included), cell by cell: values, styles, widths, heights, merges, breaks, panes, filters,
    print setup, conditional formats and charts (``tests.xlsx_contents``). Made before the
    large sheets' rows were written as text (issue 13), which kept it unchanged."""
    shutil.copytree(PROPOSALS, tmp_path / "proposals")
    (tmp_path / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    paths = [Path("proposals") / n for n in SAMPLES] + [Path("broken.yaml")]
    report = runner.run(paths, generated_at=FIXED_TIME, jobs=1)
    injected = tuple(
        assessment_with(runner, title, f"inject-{n}") for n, title in enumerate(INJECTIONS)
    )
    report = dataclasses.replace(report, results=(*report.results, *injected))
    assert contents(xlsx.render(report)) == snapshot(extension_class=TextSnapshot)


# --- reproducibility and shapes --------------------------------------------------------------


def test_same_report_gives_same_bytes(report: Report, data: bytes) -> None:
    again = xlsx.render(report)
    assert again == data
    assert render(report, Format.XLSX) == data


def test_small_tables_measured_a_row_at_a_time_give_the_same_bytes(
    report: Report, data: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Summary, Gate and About tables are measured a block of rows at a time, so that a
    batch's Summary is never held whole: every measure is a greatest, a union or a first
    appearance, and blocks of one row give the workbook of one block of all."""
    monkeypatch.setattr(xlsx, "SCAN_BLOCK", 1)
    assert xlsx.render(report) == data


@pytest.mark.full  # two interpreters writing the samples' workbook: in the full run
def test_same_bytes_across_processes(tmp_path: Path) -> None:
    """Nothing depends on hash randomisation or the clock: two interpreters agree."""
    script = (
        "import hashlib, sys\n"
        "from pathlib import Path\n"
        "from policycheck import Assessor\n"
        "from policycheck.render import xlsx\n"
        f"paths = sorted(Path({str(PROPOSALS)!r}).glob('*.yaml'))\n"
        f"report = Assessor().run(paths, generated_at={FIXED_TIME!r}, jobs=1)\n"
        "print(hashlib.sha256(xlsx.render(report)).hexdigest())\n"
    )
    digests = set()
    for seed in ("1", "2"):
        result = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
            cwd=tmp_path,
        )
        digests.add(result.stdout.strip())
    assert len(digests) == 1


def test_generated_at_changes_only_dates(report: Report, data: bytes) -> None:
    later = xlsx.render(dataclasses.replace(report, generated_at="2027-06-30T12:34:56Z"))
    assert later != data
    wb = load_workbook(io.BytesIO(later))
    assert wb.properties.created == dt.datetime(2027, 6, 30, 12, 34, 56)  # noqa: DTZ001
    with zipfile.ZipFile(io.BytesIO(later)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2027, 6, 30, 12, 34, 56)}


def test_single_proposal_gives_one_row(runner: Assessor) -> None:
    one = runner.run([PROPOSALS / "tirana-declaration-2025.yaml"], generated_at=FIXED_TIME)
    wb = load_workbook(io.BytesIO(xlsx.render(one)))
    assert wb.sheetnames == list(xlsx.SHEETS)
    ws = wb["Summary"]
    assert ws.max_row == 2
    assert ws["A2"].value == "tirana-declaration-2025"
    assert ws.auto_filter.ref == f"A1:{get_column_letter(ws.max_column)}2"
    charts = sheet_charts(wb["Charts"])
    assert {type(c) for c in charts} == {BarChart, RadarChart}


def test_only_invalid_files_still_render(report: Report) -> None:
    only = dataclasses.replace(report, results=report.failures)
    wb = load_workbook(io.BytesIO(xlsx.render(only)))
    assert wb.sheetnames == list(xlsx.SHEETS)
    assert wb["Summary"].max_row == 2
    assert wb["Risks"].max_row == 1
    assert sheet_charts(wb["Charts"]) == []
    assert "nothing to chart" in wb["Charts"]["A1"].value


def test_many_proposals_cap_the_radar(runner: Assessor, report: Report) -> None:
    raw = (PROPOSALS / "serbia-rafale-2024.yaml").read_bytes()
    many = tuple(runner.assess_bytes(raw, f"copy-{n}.yaml") for n in range(15))
    wb = load_workbook(io.BytesIO(xlsx.render(dataclasses.replace(report, results=many))))
    radar = next(c for c in sheet_charts(wb["Charts"]) if isinstance(c, RadarChart))
    assert len(radar.series) == xlsx.RADAR_MAX_SERIES
    assert radar.title is not None


def test_many_proposals_cap_the_bar_chart(runner: Assessor, report: Report) -> None:
    raw = (PROPOSALS / "serbia-rafale-2024.yaml").read_bytes()
    count = xlsx.BAR_MAX_PROPOSALS + 5
    many = tuple(runner.assess_bytes(raw, f"copy-{n}.yaml") for n in range(count))
    wb = load_workbook(io.BytesIO(xlsx.render(dataclasses.replace(report, results=many))))
    bar = next(c for c in sheet_charts(wb["Charts"]) if isinstance(c, BarChart))
    last = xlsx.BAR_MAX_PROPOSALS + 1
    assert bar.series[0].val.numRef.f.replace("'", "") == f"Summary!$D$2:$D${last}"
    assert f"first {xlsx.BAR_MAX_PROPOSALS} rows" in wb["Charts"]["A1"].value
    assert wb["Summary"].max_row == count + 1  # the table itself keeps every proposal


# --- the command line ------------------------------------------------------------------------


def test_cli_writes_the_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    target = tmp_path / "assessment.xlsx"
    assert run_cli(capsys, "assess", "proposals/", "--xlsx", str(target))[0] == 0
    wb = load_workbook(target)
    assert wb.sheetnames == list(xlsx.SHEETS)
    assert wb["Summary"].max_row == 1 + len(SAMPLES)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["assessment.xlsx"]  # no temp files


def test_cli_output_option_writes_the_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.xlsx"
    serbia = str(PROPOSALS / "serbia-rafale-2024.yaml")
    code, out, _ = run_cli(capsys, "assess", serbia, "-q", "-o", str(target))
    assert code == 0
    assert out == ""
    assert load_workbook(target)["Summary"]["A2"].value == "serbia-rafale-2024"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx"]


def test_cli_refuses_to_overwrite_an_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "proposal.yaml"
    shutil.copyfile(PROPOSALS / "serbia-rafale-2024.yaml", source)
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    code, _, err = run_cli(capsys, "assess", str(source), "--xlsx", str(source))
    assert code == 2
    assert "refusing to overwrite an input file" in err
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["proposal.yaml"]


def test_assess_without_a_workbook_imports_neither_pandas_nor_openpyxl(tmp_path: Path) -> None:
    done, code, imported = modules_a_run_imports(
        ["assess", str(PROPOSALS), "-f", "json", "-q"],
        ("pandas", "openpyxl"),
        cwd=tmp_path,
        first="import policycheck.render.xlsx",
    )
    assert code == 0, done.stderr
    assert imported == []


# --- LibreOffice -----------------------------------------------------------------------------

OFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _to_pdf(workbook: Path, tmp_path: Path) -> Path:
    """``workbook`` printed to PDF by LibreOffice, with a profile of its own."""
    assert OFFICE is not None
    result = subprocess.run(
        [
            OFFICE,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(workbook),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    pdf = tmp_path / f"{workbook.stem}.pdf"
    assert result.returncode == 0, result.stderr
    assert pdf.exists(), result.stdout + result.stderr
    return pdf


def _word_heights(pdf: Path) -> list[tuple[float, float, list[float]]]:
    """Each page's (width, height, heights of its words' boxes), by ``pdftotext -bbox``."""
    assert PDFTOTEXT is not None
    html = subprocess.run(
        [PDFTOTEXT, "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = []
    for page in html.split("<page ")[1:]:
        size = re.match(r'width="([\d.]+)" height="([\d.]+)"', page)
        assert size is not None
        heights = [
            float(y1) - float(y0)
            for y0, y1 in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', page)
        ]
        pages.append((float(size[1]), float(size[2]), heights))
    return pages


PDFTOTEXT = shutil.which("pdftotext")


#: LibreOffice converting a workbook takes seconds of CPU: these run in the full run.
needs_office = pytest.mark.full


@needs_office
@pytest.mark.skipif(
    OFFICE is None or PDFTOTEXT is None,
    reason="LibreOffice (soffice) or pdftotext (poppler-utils) is not on PATH: the printed "
    "workbook cannot be measured (apt-get install libreoffice-calc-nogui poppler-utils)",
)
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_printed_text_is_at_least_8_points(report: Report, tmp_path: Path, paper: Paper) -> None:
    """Every word on every printed page is at least as tall as 8-point text printed at 100 %.

    The page header of the Brief (portrait, 100 %) is 8-point text: its word boxes calibrate
    what 8 points measure in the font LibreOffice uses, so the test holds whatever the font.
    """
    workbook = tmp_path / "report.xlsx"
    workbook.write_bytes(xlsx.render(report, paper=paper, marking="OFFICIAL-SENSITIVE"))
    pages = _word_heights(_to_pdf(workbook, tmp_path))
    expected = {"a4": (595.3, 841.9), "letter": (612.0, 792.0)}[paper]
    for width, height, _ in pages:
        assert sorted((round(width), round(height))) == sorted(map(round, expected))
    brief = [p for p in pages if p[0] < p[1]]  # the Brief prints portrait, the rest landscape
    assert len(brief) >= len(report.assessments)
    eight_points = min(brief[0][2])
    assert eight_points >= 8 * 1.1  # any font's box is taller than its size
    smallest = min(h for _, _, heights in pages for h in heights)
    assert smallest >= eight_points * 0.98, (smallest, eight_points)


def _calibri_or_its_metrics() -> bool:
    """Whether fontconfig gives Calibri or Carlito (its metric twin) for Calibri, the
    workbook's font: another font's widths print other columns on a page."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return False
    found = subprocess.run([fc_match, "Calibri"], capture_output=True, text=True, check=False)
    return any(name in found.stdout for name in ("Calibri", "Carlito"))


@needs_office
@pytest.mark.skipif(
    OFFICE is None or PDFTOTEXT is None,
    reason="LibreOffice (soffice) or pdftotext (poppler-utils) is not on PATH",
)
@pytest.mark.skipif(
    not _calibri_or_its_metrics(),
    reason="neither Calibri nor Carlito is installed: the columns printed on a page are those "
    "of another font (apt-get install fonts-crosextra-carlito)",
)
def test_printed_brief_and_marking(report: Report, tmp_path: Path) -> None:
    """The Brief's first page names the worst proposal, its grade and sources; the marking
    heads every page."""
    workbook = tmp_path / "brief.xlsx"
    workbook.write_bytes(xlsx.render(report, marking="OFFICIAL-SENSITIVE"))
    pdf = _to_pdf(workbook, tmp_path)
    assert PDFTOTEXT is not None
    text = subprocess.run(
        [PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")[:-1]
    assert all("OFFICIAL-SENSITIVE" in page for page in pages)
    worst = min(report.assessments, key=lambda a: a.score)
    first = pages[0]
    assert worst.title[:30] in " ".join(first.split())
    assert "Risks that matter" in first
    assert "Sources the file cites" in first
    # each proposal's Brief fits a page or two; each table page holds all its printed columns
    brief = [p for p in pages if "— Brief" in p]
    assert len(report.assessments) + 1 <= len(brief) <= 2 * (len(report.assessments) + 1)
    needed = {
        "Summary": ("Title", "severity"),  # "Top risk severity", the last printed
        "Risks": ("Proposal ID", "Finding"),
        "Indicators": ("Proposal ID", "Evidence"),
        "Sources": ("Proposal ID", "URL"),
        "Gate": ("Section", "Expires"),
    }
    for sheet, (first_header, last_header) in needed.items():
        printed = [p for p in pages if f"— {sheet}" in p]
        assert printed, sheet
        for page in printed:
            assert first_header in page
            assert last_header in page, (sheet, page[:300])


@needs_office
@pytest.mark.skipif(
    OFFICE is None,
    reason="LibreOffice (soffice/libreoffice) is not on PATH: cannot open the workbook",
)
def test_libreoffice_opens_and_prints_the_workbook(path: Path, tmp_path: Path) -> None:
    assert OFFICE is not None
    workbook = tmp_path / "report.xlsx"
    shutil.copyfile(path, workbook)
    result = subprocess.run(
        [
            OFFICE,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(workbook),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    pdf = tmp_path / "report.pdf"
    assert result.returncode == 0, result.stderr
    assert pdf.exists(), result.stdout + result.stderr
    content = pdf.read_bytes()
    assert content.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", content)
    assert boxes, "no pages in the PDF"
    portrait = [float(w) < float(h) for w, h in boxes]
    # the Brief (a page or two per proposal) prints portrait, every table sheet landscape
    assert portrait[0]
    assert not portrait[-1]


# --- waivers, the gate, sources and the brief (issue 11) ---------------------------------------

WAIVER_CONFIG = """\
[tool.policycheck]
fail_on = "medium"

[[tool.policycheck.waivers]]
risk = "CE03"
proposal = "kosovo-armed-drones-2023"
justification = "Accepted while the SRAC review group drafts drone notification rules"
owner = "arms-control-desk@example.org"
expires = 2099-12-31
"""


@pytest.fixture(scope="module")
def gated(tmp_path_factory: pytest.TempPathFactory) -> Workbook:
    """The workbook of a real gated run, with a waiver in the configuration."""
    folder = tmp_path_factory.mktemp("gated")
    (folder / "pyproject.toml").write_text(WAIVER_CONFIG, encoding="utf-8")
    shutil.copy(PROPOSALS / "kosovo-armed-drones-2023.yaml", folder / "kosovo.yaml")
    out = folder / "gated.xlsx"
    result = subprocess.run(
        [sys.executable, "-m", "policycheck", "assess", "kosovo.yaml", "-q", "--xlsx", str(out)],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr  # RF03 is medium and not waived
    return load_workbook(out)


def test_waived_risk_is_marked_with_justification_owner_and_expiry(gated: Workbook) -> None:
    ws = gated["Risks"]
    rows = [dict(zip(RISK_HEADERS, r, strict=True)) for r in ws.iter_rows(2, values_only=True)]
    ce03 = [r for r in rows if r["Risk ID"] == "CE03"]
    assert ce03
    for row in ce03:
        assert row["Waived"] == "waived"
        assert str(row["Waiver justification"]).startswith("Accepted while the SRAC review group")
        assert row["Waiver owner"] == "arms-control-desk@example.org"
        assert row["Waiver expires"] == dt.datetime(2099, 12, 31)  # noqa: DTZ001 - a date cell
    assert {r["Waived"] for r in rows if r["Risk ID"] != "CE03"} == {"no"}
    assert ws.auto_filter.ref is not None  # the Waived column is in the filtered range
    summary = gated["Summary"]
    assert summary[f"{letter(summary, 'Waived risks')}2"].value == 1


def test_gate_sheet_shows_verdict_thresholds_and_waivers(gated: Workbook) -> None:
    rows = list(gated["Gate"].iter_rows(2, values_only=True))
    by_section: dict[str, list[tuple[Any, ...]]] = {}
    for row in rows:
        by_section.setdefault(str(row[0]), []).append(row)
    assert by_section["Verdict"][0][1] == "failed"
    assert by_section["Threshold"]
    assert any("RF03" in str(r[2]) or "high" in str(r[2]) for r in by_section["Breach"])
    (waived,) = by_section["Waived risk"]
    assert waived[1].startswith("CE03")
    assert waived[3] == "arms-control-desk@example.org"
    assert waived[4] == dt.datetime(2099, 12, 31)  # noqa: DTZ001


def test_no_cell_of_a_table_holds_a_list(wb: Workbook) -> None:
    """Tidy data: a list (evidence, locations, cited sources, a file's problems) is one row
    per item, never lines joined in one cell."""
    joined = [
        (name, cell.coordinate, cell.value)
        for name in TABLE_SHEETS
        for row in wb[name].iter_rows(min_row=2)
        for cell in row
        if isinstance(cell.value, str) and "\n" in cell.value
    ]
    assert joined == []


def test_invalid_file_problems_are_one_row_each(wb: Workbook, report: Report) -> None:
    (failure,) = report.failures
    rows = [r for r in wb["About"].iter_rows(2, values_only=True) if r[0] == "Problem"]
    assert [(r[1], r[2]) for r in rows] == [
        (f"{failure.file}:{p.line}:{p.column}", p.message) for p in failure.problems
    ]


def test_sources_sheet_resolves_each_cited_id(wb: Workbook, report: Report) -> None:
    """A piece of evidence that cites a source by id gets a row naming the source."""
    ws = wb["Sources"]
    head = headers(ws)
    rows = [dict(zip(head, r, strict=True)) for r in ws.iter_rows(2, values_only=True)]
    expected = [
        (a.proposal_id, i.check_id, e.note, s.id, s.title)
        for a in report.assessments
        for c in a.criteria
        for i in c.indicators
        for e in i.evidence
        for s in a.sources_in(e.note)
    ]
    assert expected, "the samples cite their sources"
    got = [
        (r["Proposal ID"], r["Cited by"], r["Fact"], r["Source ID"], r["Title"])
        for r in rows
        if r["Dataset"] == "proposal" and r["Cited by"] != "file"
    ]
    assert sorted(expected) == sorted(got)


def test_gate_sheet_without_a_gate_says_so(wb: Workbook) -> None:
    (row,) = wb["Gate"].iter_rows(2, values_only=True)
    assert row[:2] == ("Verdict", "no gate")


def test_sources_sheet_lists_file_sources_and_reference_facts(wb: Workbook, report: Report) -> None:
    ws = wb["Sources"]
    head = headers(ws)
    rows = [dict(zip(head, r, strict=True)) for r in ws.iter_rows(2, values_only=True)]
    rafale = next(a for a in report.assessments if a.proposal_id == "serbia-rafale-2024")
    own = [r for r in rows if r["Proposal ID"] == rafale.proposal_id and r["Cited by"] == "file"]
    assert [(r["Source ID"], r["Title"], r["URL"]) for r in own] == [
        (c.id, c.title, c.url) for c in rafale.sources
    ]
    facts = [r for r in rows if r["Proposal ID"] == rafale.proposal_id and r["Cited by"] == "CE05"]
    assert {r["Dataset"] for r in facts} == {"srac.yaml", "dyads.yaml"}
    assert all(isinstance(r["As of"], dt.datetime) for r in facts)  # typed date cells
    assert any("Arms Control Today" in r["Title"] for r in facts)


def test_brief_has_a_section_per_proposal_worst_first(wb: Workbook, report: Report) -> None:
    ws = wb["Brief"]
    labels = [row[0] for row in ws.iter_rows(values_only=True)]
    texts = [str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    worst = sorted(report.assessments, key=lambda a: a.score)
    assert ws["A1"].value == worst[0].title
    assert labels.count("Grade") == len(report.assessments)
    assert len(ws.row_breaks.brk) == len(report.assessments)  # the invalid file's part too
    for a in report.assessments:
        assert a.title in texts
        assert any(a.range_words in t for t in texts)
        for r in a.risks[:3]:
            assert any(t.startswith(f"{r.id} {r.title}") for t in texts)
            assert any(t.startswith(r.mitigation) for t in texts)
        for c in a.sources:
            assert c.title in texts
    assert any("(provisional)" in t for t in texts) == any(
        a.provisional for a in report.assessments
    )
    for cell in (c for row in ws.iter_rows() for c in row if c.value is not None):
        assert cell.font.sz >= 10  # printed at 100 %


# --- paper and protective marking ------------------------------------------------------------


def test_cli_marking_heads_and_foots_every_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    target = tmp_path / "marked.xlsx"
    args = ("assess", "proposals/serbia-rafale-2024.yaml", "--xlsx", str(target), "-q")
    assert run_cli(capsys, *args, "--marking", "OFFICIAL-SENSITIVE", "--paper", "letter")[0] == 0
    wb = load_workbook(target)
    for ws in wb.worksheets:
        assert ws.oddHeader is not None
        assert ws.oddFooter is not None
        assert ws.oddHeader.center.text == "OFFICIAL-SENSITIVE"
        assert ws.oddFooter.center.text == "OFFICIAL-SENSITIVE"
        assert _paper_size(ws) == int(ws.PAPERSIZE_LETTER)
    unmarked = tmp_path / "plain.xlsx"
    serbia = "proposals/serbia-rafale-2024.yaml"
    assert run_cli(capsys, "assess", serbia, "--xlsx", str(unmarked))[0] == 0
    header = load_workbook(unmarked)["Brief"].oddHeader
    assert header is not None
    assert header.center.text is None


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "en_US.UTF-8"}, "letter"),
        ({"LANG": "de_DE.UTF-8"}, "a4"),
        ({"LC_PAPER": "en_CA.UTF-8", "LANG": "en_GB.UTF-8"}, "letter"),
        ({"LC_ALL": "fr_FR.UTF-8", "LC_PAPER": "en_US.UTF-8"}, "a4"),
        ({"LANG": "C.UTF-8"}, "a4"),
        ({}, "a4"),
    ],
)
def test_default_paper_follows_the_locale(environ: dict[str, str], expected: str) -> None:
    from policycheck.render.paper import default_paper

    assert default_paper(environ) == expected


def test_cli_paper_defaults_from_the_locale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_PAPER", raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    target = tmp_path / "us.xlsx"
    serbia = "proposals/serbia-rafale-2024.yaml"
    assert run_cli(capsys, "assess", serbia, "-q", "--xlsx", str(target))[0] == 0
    ws = load_workbook(target)["Summary"]
    assert _paper_size(ws) == int(ws.PAPERSIZE_LETTER)


@pytest.mark.parametrize("marking", ["   ", "x" * 61, "SECRET\x07"])
def test_cli_refuses_a_marking_that_cannot_head_a_page(
    marking: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(ROOT)
    target = tmp_path / "refused.xlsx"
    code, _, err = run_cli(
        capsys,
        "assess",
        "proposals/serbia-rafale-2024.yaml",
        "--xlsx",
        str(target),
        "--marking",
        marking,
    )
    assert code == 2
    assert "--marking" in err
    assert not target.exists()
