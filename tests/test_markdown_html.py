"""The Markdown and HTML reports: snapshots of every sample, structure, escaping, the CLI.

Markdown goes into pull-request comments, so nothing from a proposal file may format, link
or inject HTML there; the HTML is one self-contained file (no request of any kind) with a
radar chart per proposal.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import math
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from msgspec import structs
from syrupy.assertion import SnapshotAssertion

from policycheck import Assessor, Report
from policycheck.assessment import Breach, Cap, GateResult, Severity, Waiver, WaiverUse
from policycheck.render import Format, render
from policycheck.render import html as html_render
from policycheck.render import markdown as md_render
from tests.conftest import FIXED_TIME, ROOT, SAMPLES, run_cli, sample_report
from tests.snapshots import HtmlSnapshot, MarkdownSnapshot

HOSTILE = "| * _ <script>alert(1)</script> [x](http://evil)"

EVIL_YAML = """\
schema_version: 1
id: evil
title: "| * _ <script>alert(1)</script> [x](http://evil)"
status: proposed
participants: [XK, TR]
equipment:
  - system: "Drone | <b>x</b> @team #12 `tick` www.evil.com ~~s~~ $x$ &amp;\\nsecond line"
    category: armed-drone
    quantity: 2
    supplier: TR
    recipient: XK
"""

BAD_YAML = """\
schema_version: 1
id: bad
title: Bad
status: proposed
participants: [AL]
"<img src=x onerror=alert(1)> [y](http://evil) |": 1
"""


@pytest.fixture
def all_samples(assessor: Assessor, monkeypatch: pytest.MonkeyPatch) -> Report:
    return sample_report(assessor, SAMPLES, monkeypatch)


@pytest.fixture
def hostile(assessor: Assessor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Report:
    """A proposal whose title and equipment try to inject markup, and an invalid file that does."""
    (tmp_path / "evil.yaml").write_text(EVIL_YAML, encoding="utf-8")
    (tmp_path / "bad.yaml").write_text(BAD_YAML, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return assessor.run([Path("evil.yaml"), Path("bad.yaml")], generated_at=FIXED_TIME, jobs=1)


def _with_cap_waiver_and_gate(report: Report) -> Report:
    """The report with its first assessment capped, its first risk waived, the second's waiver
    expired, and a failed gate."""
    first = report.assessments[0]
    waiver = Waiver(
        target=first.risks[0].id,
        proposal=first.proposal_id,
        justification="Accepted by the <b>board</b> [link](http://x)",
        owner="@security-team",
        expires=dt.date(2026, 6, 30),
        origin=".policycheck.toml:12",
    )
    risks = list(first.risks)
    risks[0] = structs.replace(risks[0], waiver=WaiverUse(waiver, active=True))
    if len(risks) > 1:
        risks[1] = structs.replace(risks[1], waiver=WaiverUse(waiver, active=False))
    capped = structs.replace(
        first,
        risks=tuple(risks),
        cap=Cap(risk_id=risks[0].id, severity=Severity.HIGH, max_grade="B"),
        uncapped_grade="A",
        grade="B",
    )
    gate = GateResult(
        passed=False,
        soft=False,
        breaches=(
            Breach(
                kind="score",
                file=first.file,
                proposal_id=first.proposal_id,
                message="score 22.0 is below the minimum 60 | <i>x</i>",
                line=1,
                column=1,
            ),
        ),
        expired_waivers=(waiver,),
        unused_waivers=(waiver,),
        absorbed_by_baseline=2,
        thresholds=("score >= 60", "no high risk"),
    )
    results = tuple(capped if r is first else r for r in report.results)
    return dataclasses.replace(report, results=results, gate=gate)


# --- snapshots --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SAMPLES)
def test_markdown_snapshot(
    assessor: Assessor, name: str, snapshot: SnapshotAssertion, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = sample_report(assessor, [name], monkeypatch)
    assert md_render.render(report) == snapshot(extension_class=MarkdownSnapshot)


@pytest.mark.parametrize("name", SAMPLES)
def test_html_snapshot(
    assessor: Assessor, name: str, snapshot: SnapshotAssertion, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = sample_report(assessor, [name], monkeypatch)
    assert html_render.render(report) == snapshot(extension_class=HtmlSnapshot)


def test_summary_markdown_snapshot(all_samples: Report, snapshot: SnapshotAssertion) -> None:
    text = md_render.render(all_samples)
    assert text.index("## Summary") < text.index("## EU–Albania")
    assert text == snapshot(extension_class=MarkdownSnapshot)


def test_summary_html_snapshot(all_samples: Report, snapshot: SnapshotAssertion) -> None:
    assert html_render.render(all_samples) == snapshot(extension_class=HtmlSnapshot)


def test_hostile_markdown_snapshot(hostile: Report, snapshot: SnapshotAssertion) -> None:
    assert md_render.render(hostile) == snapshot(extension_class=MarkdownSnapshot)


def test_hostile_html_snapshot(hostile: Report, snapshot: SnapshotAssertion) -> None:
    assert html_render.render(hostile) == snapshot(extension_class=HtmlSnapshot)


def test_dispatch_and_determinism(all_samples: Report) -> None:
    assert render(all_samples, Format.MARKDOWN) == md_render.render(all_samples)
    assert render(all_samples, Format.HTML) == html_render.render(all_samples)
    assert md_render.render(all_samples) == md_render.render(all_samples)
    assert html_render.render(all_samples) == html_render.render(all_samples)


# --- Markdown structure -----------------------------------------------------------------------


def _cells(line: str) -> list[str]:
    """The cells of a GFM table row: split on pipes not escaped by a backslash."""
    inner = line.strip()
    assert inner.startswith("|")
    assert inner.endswith("|")
    assert not inner.endswith("\\|")
    return re.split(r"(?<!\\)\|", inner[1:-1])


def _tables(text: str) -> list[list[str]]:
    tables: list[list[str]] = []
    current: list[str] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    return tables


def _markdown_reports(all_samples: Report, hostile: Report) -> list[Report]:
    return [all_samples, hostile, _with_cap_waiver_and_gate(hostile)]


def test_markdown_tables_have_as_many_cells_per_row_as_their_header(
    all_samples: Report, hostile: Report
) -> None:
    for report in _markdown_reports(all_samples, hostile):
        text = md_render.render(report)
        tables = _tables(text)
        assert len(tables) == 1 + sum(2 if a.risks else 1 for a in report.assessments)
        for table in tables:
            width = len(_cells(table[0]))
            assert re.fullmatch(r"\|( (:--|--:|:-:) \|)+", table[1]), table[1]
            for row in table[1:]:
                assert len(_cells(row)) == width, row


def test_markdown_parses_into_the_same_tables(all_samples: Report, hostile: Report) -> None:
    """A CommonMark parser with GFM tables sees every table row with the header's cell count."""
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    for report in _markdown_reports(all_samples, hostile):
        text = md_render.render(report)
        tokens = parser.parse(text)
        widths: list[int] = []
        count = 0
        for token in tokens:
            if token.type == "tr_open":
                count = 0
            elif token.type in ("th_open", "td_open"):
                count += 1
            elif token.type == "tr_close":
                widths.append(count)
        assert len(widths) == sum(len(t) - 1 for t in _tables(text))
        tables = _tables(text)
        expected = [len(_cells(t[0])) for t in tables for _ in t[1:]]
        assert widths == expected


def test_markdown_escapes_what_comes_from_proposal_files(hostile: Report) -> None:
    text = md_render.render(hostile)
    assert "## \\| \\* \\_ \\<script\\>alert(1)\\</script\\> \\[x\\](http:&#8203;//evil)" in text
    for raw in ("<script", "</script", "<b>", "<img", "[x](", "[y]("):  # only escaped
        assert not re.search(r"(?<!\\)" + re.escape(raw), text), raw
    for raw in ("http://", "www.evil", "@team", "#12"):  # broken by a zero-width space
        assert raw not in text, raw
    # a newline in a table cell is a <br>, a pipe is escaped
    assert "Drone \\| \\<b\\>x\\</b\\>" in text
    assert "\\&amp;<br>second line" in text
    assert "\\~\\~s\\~\\~ \\$x\\$" in text


def test_markdown_renders_hostile_text_as_text(hostile: Report) -> None:
    page = (
        MarkdownIt("commonmark")
        .enable(["table", "strikethrough"])
        .render(md_render.render(_with_cap_waiver_and_gate(hostile)))
    )
    assert "<script" not in page
    assert "<img" not in page
    assert "<b>" not in page
    assert "<i>" not in page
    assert "<a " not in page  # no link at all
    assert "<s>" not in page  # no strikethrough
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<em>" not in page.split("<h2>", 2)[2].split("</h2>")[0]
    # the only raw HTML is the renderer's own
    tags = set(re.findall(r"<([a-z0-9]+)[\s>/]", page))
    assert tags <= {
        "h1", "h2", "p", "table", "thead", "tbody", "tr", "th", "td", "code", "strong",
        "ul", "ol", "li", "details", "summary", "br", "hr", "sub",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a*b_c", "a\\*b\\_c"),
        ("x | y", "x \\| y"),
        ("line\nnext", "line next"),
        ("<!-- c -->", "\\<!-- c --\\>"),
        ("&copy;", "\\&copy;"),
        ("see https://e.x/y", "see https:&#8203;//e.x/y"),
        ("mail me@x.org", "mail me@&#8203;x.org"),
        ("Www.x.org", "Www&#8203;.x.org"),
        ("bidi \u202eevil", "bidi evil"),
        ("nul\x00", "nul"),
        ("back\\slash", "back\\\\slash"),
    ],
)
def test_md_text(value: str, expected: str) -> None:
    assert md_render.md_text(value) == expected


def test_md_text_in_a_table_keeps_line_breaks() -> None:
    assert md_render.md_text("a\r\nb|c", table=True) == "a<br>b\\|c"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a.yaml", "`a.yaml`"),
        ("a`b", "``a`b``"),
        ("`a", "`` `a ``"),
        ("a|b", "`a|b`"),
        ("a``b`c", "```a``b`c```"),
    ],
)
def test_md_code(value: str, expected: str) -> None:
    assert md_render.md_code(value) == expected


def test_md_code_in_a_table_escapes_pipes() -> None:
    assert md_render.md_code("a|b", table=True) == "`a\\|b`"


def test_markdown_shows_grade_cap_risks_changes_and_invalid_files(hostile: Report) -> None:
    text = md_render.render(_with_cap_waiver_and_gate(hostile))
    assert "🔵 **Grade B** · 21.8/100" in text
    assert "⚠️ Capped at grade B (the score alone gives A) by a high risk, CE03." in text
    assert "| 🔴 high (waived) | CE03 |" in text
    assert "| 🟠 medium (waiver expired) | RF03 |" in text
    assert (
        "- Waived until 2026-06-30 by @&#8203;security-team: Accepted by the \\<b\\>board" in text
    )
    assert "1. **+45.5** AC02 Capabilities outside arms control:" in text
    assert "## Invalid files (1)" in text
    assert "  - `bad.yaml:6:1`: unknown key '\\<img src=x onerror=alert(1)\\>" in text
    assert "## Gate: ❌ failed" in text
    assert "Requires score \\>= 60; no high risk." in text
    assert "- `evil.yaml:1:1`: score 22.0 is below the minimum 60 \\| \\<i\\>x\\</i\\>" in text
    assert "- ⚠️ 2 breach(es) already in the baseline." in text
    assert "· gate failed" in text.splitlines()[2]


def test_markdown_of_one_proposal_has_no_summary(
    assessor: Assessor, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = md_render.render(
        sample_report(assessor, ["model-regional-initiative.yaml"], monkeypatch)
    )
    assert "## Summary" not in text
    assert "🟢 **Grade A** · 100.0/100" in text
    assert "✅ No risks flagged." in text
    # nothing unknown; only what does not apply is folded away
    assert "<summary>Unknowns and what does not apply</summary>" in text
    assert "**Unknown (" not in text


# --- HTML structure -------------------------------------------------------------------------


VOID = frozenset({"meta", "br", "hr", "img", "link", "input", "col", "wbr", "source"})


class _Checker(HTMLParser):
    """Checks that every element is closed in order and collects what the tests look at."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.tags: list[str] = []
        self.polygons: list[str] = []
        self.text: list[str] = []
        self.style: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            self.attrs.append((tag, name, value or ""))
        if tag == "polygon" and dict(attrs).get("class") == "score":
            self.polygons.append(dict(attrs)["points"] or "")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> with {self.stack[-3:]} open")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] == "style":
            self.style.append(data)
        else:
            self.text.append(data)
            if "<" in data or ">" in data:
                self.errors.append(f"markup left as text: {data!r}")

    def handle_entityref(self, name: str) -> None:
        self.text.append(html.unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self.text.append(html.unescape(f"&#{name};"))


def _check(document: str) -> _Checker:
    checker = _Checker()
    checker.feed(document)
    checker.close()
    assert checker.rawdata == ""
    assert checker.errors == []
    assert checker.stack == []
    return checker


def _html_reports(all_samples: Report, hostile: Report) -> list[Report]:
    return [all_samples, hostile, _with_cap_waiver_and_gate(hostile)]


def test_html_parses_without_leftovers(all_samples: Report, hostile: Report) -> None:
    for report in _html_reports(all_samples, hostile):
        document = html_render.render(report)
        assert document.startswith("<!DOCTYPE html>\n<html lang=")
        checker = _check(document)
        assert checker.tags.count("html") == 1
        assert checker.tags.count("style") == 1


def test_html_is_self_contained(all_samples: Report, hostile: Report) -> None:
    for report in _html_reports(all_samples, hostile):
        document = html_render.render(report)
        checker = _check(document)
        for tag, name, value in checker.attrs:
            if name in ("src", "href", "xlink:href", "srcset", "poster", "data", "action"):
                assert "http" not in value.lower(), (tag, name, value)
                assert value.startswith(("#", "data:")), (tag, name, value)
        assert "script" not in checker.tags
        assert "link" not in checker.tags
        assert "iframe" not in checker.tags
        assert "img" not in checker.tags
        assert not re.search(r"<script\b[^>]*\bsrc", document, re.IGNORECASE)
        assert not re.search(r"<link\b[^>]*stylesheet", document, re.IGNORECASE)
        css = "".join(checker.style)
        assert "@import" not in css
        assert "url(" not in css
        assert "@media print" in css
        assert "print-color-adjust: exact" in css
        assert "break-before: page" in css
        assert "Content-Security-Policy" in document
        assert "default-src 'none'" in document


def test_html_has_one_radar_per_assessed_proposal_with_the_scores(
    all_samples: Report, hostile: Report
) -> None:
    for report in _html_reports(all_samples, hostile):
        document = html_render.render(report)
        checker = _check(document)
        assert document.count("<svg") == len(report.assessments)
        # A closed shape where every criterion applies; a criterion that does not is a gap.
        assessments = [
            a for a in report.assessments if all(c.score is not None for c in a.criteria)
        ]
        assert len(checker.polygons) == len(assessments)
        for a, points in zip(assessments, checker.polygons, strict=True):
            corners = [tuple(map(float, p.split(","))) for p in points.split()]
            assert len(corners) == len(a.criteria) == 4
            for k, ((x, y), c) in enumerate(zip(corners, a.criteria, strict=True)):
                dx, dy = x - html_render.RADAR_CX, y - html_render.RADAR_CY
                score = math.hypot(dx, dy) / html_render.RADAR_R * 100
                assert score == pytest.approx(c.score or 0.0, abs=0.02), (a.proposal_id, c.id)
                if score > 0.1:  # on its own axis, clockwise from the top
                    angle = math.atan2(dy, dx)
                    expected = -math.pi / 2 + 2 * math.pi * k / 4
                    assert math.remainder(angle - expected, 2 * math.pi) == pytest.approx(
                        0, abs=1e-3
                    )


def test_html_radar_is_accessible_and_labelled(all_samples: Report) -> None:
    document = html_render.render(all_samples)
    for n, a in enumerate(all_samples.assessments, 1):
        svg = document[document.index(f'aria-labelledby="p{n}-radar-title') :]
        svg = svg[: svg.index("</svg>")]
        assert 'role="img"' in document
        assert f'<title id="p{n}-radar-title">Criterion scores of ' in svg
        assert f'<desc id="p{n}-radar-desc">' in svg
        for c in a.criteria:
            shown = (
                md_render.criterion_missing(c) if c.score is None else md_render.score_text(c.score)
            )
            assert shown in svg, (a.proposal_id, c.id)
        assert svg.count('class="ring"') == 2 * len(html_render.RADAR_RINGS)  # rings and values
        assert svg.count("<line ") == len(a.criteria)


def test_html_escapes_what_comes_from_proposal_files(hostile: Report) -> None:
    document = html_render.render(_with_cap_waiver_and_gate(hostile))
    checker = _check(document)
    assert "<script" not in document
    assert "<b>" not in document
    assert "<i>" not in document
    assert "<img" not in document
    assert "<h2>| * _ &lt;script&gt;alert(1)&lt;/script&gt; [x](http://evil)</h2>" in document
    assert "Criterion scores of | * _ &lt;script&gt;alert(1)&lt;/script&gt;" in document
    assert HOSTILE in "".join(checker.text)  # the text reads as written
    assert "unknown key &#x27;&lt;img src=x onerror=alert(1)&gt;" in document
    assert "href=" not in document.replace('href="#p1"', "").replace('href="#p2"', "")


def test_html_shows_the_same_content_as_the_markdown(hostile: Report) -> None:
    report = _with_cap_waiver_and_gate(hostile)
    document = html_render.render(report)
    text = " ".join("".join(_check(document).text).split())
    for expected in (
        "Grade B",
        "21.8/100",
        "Capped at grade B (the score alone gives A) by a high risk, CE03.",
        "Risks flagged (2)",
        "Evidence and mitigations",
        "Waived until 2026-06-30 by @security-team",
        "Waiver expired on 2026-06-30",
        "Unknown (",
        "Not applicable (",
        "Changes that would raise the score most",
        "Invalid files (1)",
        "bad.yaml:6:1",
        "Gate: failed",
        "Requires score >= 60; no high risk.",
        "2 breach(es) already in the baseline.",
        "Summary",
        "Grades given: B 1.",
    ):
        assert expected in text, expected
    a = report.assessments[0]
    for c in a.criteria:
        assert c.title in text
    for r in a.risks:
        assert r.finding.replace("\n", " ") in text
        assert r.mitigation in text
    for m in a.improvements:
        assert m.advice in text


def test_html_ids_are_deterministic(all_samples: Report) -> None:
    ids = re.findall(r'\bid="([^"]+)"', html_render.render(all_samples))
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"p\d+(-radar-(title|desc))?", i) for i in ids), ids


# --- the command line -----------------------------------------------------------------------


def test_cli_prints_markdown(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    code, out, _ = run_cli(capsys, "assess", "proposals/", "--format", "markdown")
    assert code == 0
    assert out.startswith("# policycheck report\n")
    assert "## Summary" in out
    assert out.count("\n## ") == 1 + len(SAMPLES)
    assert "## Kosovo buys Bayraktar TB2 armed drones from Türkiye" in out


def test_cli_writes_html(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    path = tmp_path / "report.html"
    assert run_cli(capsys, "assess", "proposals/", "--output", "html=" + str(path))[0] == 0
    document = path.read_text(encoding="utf-8")
    assert document.startswith("<!DOCTYPE html>")
    assert document.count("<svg") == len(SAMPLES)
    _check(document)


def test_cli_takes_the_format_from_the_suffix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    md, page = tmp_path / "report.md", tmp_path / "report.htm"
    target = "proposals/kosovo-armed-drones-2023.yaml"
    code, out, _ = run_cli(capsys, "assess", target, "-q", "-o", str(md), "-o", str(page))
    assert code == 0
    assert out == ""
    assert md.read_text(encoding="utf-8").startswith("# policycheck report\n")
    assert page.read_text(encoding="utf-8").count("<svg") == 1
