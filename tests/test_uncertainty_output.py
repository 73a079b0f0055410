"""The uncertainty analysis in every format (issue 14): snapshots of the new part of each
report for the eight samples, the rest of each report left exactly as it was, and the
workbook's sheet and native charts."""

from __future__ import annotations

import dataclasses
import io
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from syrupy.assertion import SnapshotAssertion

from policycheck import Assessor, Report
from policycheck.analysis import DEFAULT_DRAWS, DEFAULT_SEED, attach
from policycheck.render import Format, render
from tests.conftest import FIXED_TIME, PROPOSALS, ROOT, process_like, run_cli, sheet_charts
from tests.snapshots import HtmlSnapshot, JsonSnapshot, MarkdownSnapshot, TextSnapshot
from tests.test_html_layout import CHROMIUM, _laid_out
from tests.test_xlsx import OFFICE, PDFTOTEXT, _to_pdf


@pytest.fixture(scope="module")
def reports(assessor: Assessor) -> tuple[Report, Report]:
    """The samples' report without and with the analysis (default draws and seed)."""
    here = Path.cwd()
    try:
        import os

        os.chdir(ROOT)
        files = sorted(Path("proposals") / p.name for p in PROPOSALS.glob("*.yaml"))
        plain = assessor.run(files, generated_at=FIXED_TIME, jobs=1)
    finally:
        os.chdir(here)
    analysed = attach(plain, assessor.loaded.rubric, draws=DEFAULT_DRAWS, seed=DEFAULT_SEED)
    return plain, analysed


def _text(report: Report, fmt: Format) -> str:
    out = render(report, fmt, width=100)
    assert isinstance(out, str)
    return out


def test_terminal_snapshot(reports: tuple[Report, Report], snapshot: SnapshotAssertion) -> None:
    plain, analysed = (_text(r, Format.TERMINAL) for r in reports)
    start = analysed.index("How sure each grade is")
    # The analysis comes after the summary, set off by a rule; the rest is as it was.
    assert analysed[: analysed.rindex("\n", 0, analysed.rindex("─", 0, start))] == plain.rstrip(
        "\n"
    )
    assert analysed[start:] == snapshot(extension_class=TextSnapshot)


def test_markdown_snapshot(reports: tuple[Report, Report], snapshot: SnapshotAssertion) -> None:
    plain, analysed = (_text(r, Format.MARKDOWN) for r in reports)
    start, end = analysed.index("## How sure each grade is"), analysed.rindex("---\n")
    assert analysed[:start] + analysed[end:] == plain
    assert analysed[start:end] == snapshot(extension_class=MarkdownSnapshot)


def test_html_snapshot(reports: tuple[Report, Report], snapshot: SnapshotAssertion) -> None:
    plain, analysed = (_text(r, Format.HTML) for r in reports)
    start = analysed.index('<section id="uncertainty">')
    end = analysed.index("</section>", start) + len("</section>\n")
    assert analysed[:start] + analysed[end:] == plain
    section = analysed[start:end]
    # Inline SVG only: nothing fetched, nothing run.
    assert "<script" not in section
    assert re.findall(r"https?://[^\"' ]+", section) == ["http://www.w3.org/2000/svg"] * (
        section.count("<svg")
    )
    assert section.count("<svg") == 1 + 2 * 8 - 1  # ranks, grade bars ×8, drivers ×7
    assert section == snapshot(extension_class=HtmlSnapshot)


def test_json_snapshot(reports: tuple[Report, Report], snapshot: SnapshotAssertion) -> None:
    plain, analysed = (json.loads(_text(r, Format.JSON)) for r in reports)
    part = analysed.pop("uncertainty")
    assert analysed == plain
    assert [p["proposal_id"] for p in part["proposals"]] == [
        r["proposal"]["id"] for r in plain["results"]
    ]
    pretty = json.dumps(part, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert pretty == snapshot(extension_class=JsonSnapshot)


def test_the_workbook_has_the_numbers_and_native_charts(reports: tuple[Report, Report]) -> None:
    plain, analysed = reports
    data, plain_data = _bytes(analysed), _bytes(plain)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames[-1] == "Uncertainty"
    assert wb.sheetnames[:-1] == load_workbook(io.BytesIO(plain_data), read_only=True).sheetnames
    ws = wb["Uncertainty"]
    headers = [c.value for c in ws[1]]
    u = analysed.uncertainty
    assert u is not None
    for row, p in enumerate(u.proposals, start=2):
        values = dict(zip(headers, (c.value for c in ws[row]), strict=False))
        assert values["Proposal ID"] == p.proposal_id
        assert values["P(C)"] == p.share("C")
        assert (values["Score p5"], values["Score p95"]) == (p.score_low, p.score_high)
        assert (values["Rank p5"], values["Rank p95"]) == (p.rank_low, p.rank_high)
        assert values["Verdict"] == p.words
    charts = sheet_charts(ws)
    titles = [_title(c) for c in charts]
    assert titles[:2] == ["Share of runs per grade", "Rank interval (5–95 %), 1 = highest score"]
    assert len(charts) == 2 + sum(1 for p in u.proposals if p.drivers)
    # The same report, the same bytes.
    assert render(analysed, Format.XLSX) == data
    assert render(dataclasses.replace(analysed, uncertainty=None), Format.XLSX) == plain_data


def _bytes(report: Report) -> bytes:
    data = render(report, Format.XLSX)
    assert isinstance(data, bytes)
    return data


def _title(chart: Any) -> str:
    title = chart.title
    return "".join(run.t for p in title.tx.rich.p for run in (p.r or []))


def test_the_readme_example_is_what_the_tool_prints(capsys: pytest.CaptureFixture[str]) -> None:
    """The README's worked example: its command, run from the root, prints each line shown."""
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme[readme.index("## How sure is a grade") :]
    section = section[section.index("**A worked example.**") :]
    command = re.search(r"```sh\n(policycheck [^\n]*)\n```", section)
    shown = re.search(r"```text\n(.*?)```", section, re.S)
    assert command is not None
    assert shown is not None
    with process_like(ROOT, {"NO_COLOR": "1", "PATH": "/usr/bin:/bin"}):
        code, out, err = run_cli(capsys, *command.group(1).split()[1:])
    assert code == 0, err
    printed = [line.rstrip() for line in out.splitlines()]
    lines = [line for line in shown.group(1).splitlines() if line.strip()]
    start = printed.index(lines[0])
    rest = [line for line in printed[start:] if line]
    assert rest[: len(lines)] == lines


def test_a_run_with_nothing_assessed_still_writes_every_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only an unusable file: exit 2 for it, and each report says that nothing was analysed."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\nid: x\n", "utf-8")
    outputs = [tmp_path / f"r.{suffix}" for suffix in ("md", "html", "json", "xlsx", "txt")]
    code, _, err = run_cli(
        capsys, "assess", str(bad), "--uncertainty", "-q", *(f"-o{path}" for path in outputs)
    )
    assert code == 2, err
    assert "Traceback" not in err
    assert "No proposal was assessed." in outputs[0].read_text("utf-8")
    assert "No proposal was assessed." in outputs[1].read_text("utf-8")
    assert json.loads(outputs[2].read_text("utf-8"))["uncertainty"]["proposals"] == []
    assert load_workbook(outputs[3]).sheetnames[-1] == "Uncertainty"
    assert "How sure each grade is" in outputs[4].read_text("utf-8")


@pytest.mark.full  # starting Chromium takes seconds of CPU
@pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (apt-get install chromium): the layout at 400 px is "
    "not checked in a browser",
)
def test_at_400px_the_charts_shrink_and_the_page_does_not_scroll(
    reports: tuple[Report, Report], tmp_path: Path
) -> None:
    laid = _laid_out(_text(reports[1], Format.HTML), tmp_path)
    assert laid["width"] == 400
    page = laid["page"]
    assert isinstance(page, int)
    assert page <= 400
    # Each SVG text lies inside its chart (long driver names were cut at the left edge).
    assert laid["cut"] == []


@pytest.mark.full  # LibreOffice converting a workbook takes seconds of CPU
@pytest.mark.skipif(
    OFFICE is None or PDFTOTEXT is None,
    reason="LibreOffice (soffice) or pdftotext (poppler-utils) is not on PATH: the "
    "Uncertainty sheet is not printed by a real spreadsheet",
)
def test_libreoffice_prints_every_chart_each_from_a_new_page(
    reports: tuple[Report, Report], tmp_path: Path
) -> None:
    workbook = tmp_path / "analysis.xlsx"
    workbook.write_bytes(_bytes(reports[1]))
    pdf = _to_pdf(workbook, tmp_path)
    assert PDFTOTEXT is not None
    printed = subprocess.run(
        [PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    u = reports[1].uncertainty
    assert u is not None
    titles = ["Share of runs per grade", "Rank interval (5–95 %), 1 = highest score"]
    titles += [f"{p.proposal_id}: Sobol indices of the score" for p in u.proposals if p.drivers]
    assert [t for t in titles if t not in printed] == []
    # Each chart is anchored on the row after a page break, so none is cut in two.
    ws = load_workbook(workbook)["Uncertainty"]
    breaks = {b.id for b in ws.row_breaks.brk}
    anchors = [chart.anchor._from.row for chart in sheet_charts(ws)]
    assert len(anchors) == len(titles)
    assert all(row in breaks for row in anchors), (anchors, sorted(breaks))
    # One page wide, down to the rank interval, and the first table's header printed once:
    # the tables and charts below it have columns of their own.
    pages = [page for page in printed.split("\f") if "— Uncertainty" in page]
    assert "Rank p95" in pages[0]
    assert sum(page.count("Score p5") for page in pages) == 1
    assert not any(re.search(r"Grade [A-F] holds in", page) for page in pages)  # on screen
