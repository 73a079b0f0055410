"""The renderers of ``policycheck history``: terminal, JSON, Markdown, HTML and the workbook.

Each takes a ``History`` and returns text (bytes for the workbook); none does I/O or reads
a clock, so the same history gives the same bytes. The HTML carries an inline SVG
timeline (score, its range and the grade bands; nothing fetched), the workbook a native
line chart. rich and openpyxl are imported only by the format that needs them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from policycheck.assessment import Assessment, Failure, Severity
from policycheck.render.markdown import severity_counts
from policycheck.revisions import History, Point, Revision

if TYPE_CHECKING:
    from rich.console import RenderableType

#: Version of the JSON document of ``history --format json``.
HISTORY_SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class Row:
    """One revision as every table shows it: plain strings, the same in each format."""

    number: int
    revision: Revision
    grade: str
    score: str
    change: str
    range: str
    coverage: str
    risks: str
    #: The risks by id and severity, or the first problem of an unusable revision.
    detail: str


def _change(a: Assessment, previous: Assessment | None) -> str:
    if previous is None:
        return ""
    delta = round(a.score - previous.score, 1)
    return "±0.0" if delta == 0 else f"{delta:+.1f}"


def rows(h: History) -> list[Row]:
    """The table of ``h``, oldest revision first; the change is from the last assessed one."""
    out: list[Row] = []
    previous: Assessment | None = None
    for n, point in enumerate(h.points, 1):
        res = point.result
        if isinstance(res, Failure):
            count = len(res.problems)
            first = res.problems[0].message if res.problems else ""
            out.append(
                Row(
                    n,
                    point.revision,
                    "invalid",
                    "",
                    "",
                    "",
                    "",
                    "",
                    f"{count} problem{'s' if count != 1 else ''}: {first}",
                )
            )
            continue
        risks = ", ".join(f"{r.id} {r.severity.value}" for r in res.risks) or "none"
        out.append(
            Row(
                n,
                point.revision,
                res.grade,
                f"{res.score:.1f}",
                _change(res, previous),
                "—"
                if res.score_low == res.score_high
                else f"{res.score_low:.1f}–{res.score_high:.1f}",
                f"{res.coverage:.0%}" + ("*" if res.provisional else ""),
                severity_counts(res),
                risks,
            )
        )
        previous = res
    return out


def _since(h: History) -> str:
    return f", since {h.since}" if h.since else ""


def _empty(h: History) -> str:
    return f"No revision of {h.path}{_since(h)}."


def _verdict(h: History) -> str:
    """The first and the last assessed grade, in words."""
    assessed = h.assessed
    if not assessed:
        return "No revision could be assessed."
    (_, first), (_, last) = assessed[0], assessed[-1]
    if len(assessed) == 1:
        return f"Grade {last.grade} ({last.score:.1f})."
    return (
        f"From grade {first.grade} ({first.score:.1f}) to grade {last.grade} "
        f"({last.score:.1f}) over {len(assessed)} assessed revisions."
    )


def _provisional_note(h: History) -> str | None:
    """What the star after a coverage means, when a revision has one."""
    if not any(a.provisional for _, a in h.assessed):
        return None
    return "* coverage below the rubric's minimum: the grade is provisional."


_HEADERS = (
    "#",
    "Commit",
    "Date",
    "Author",
    "Grade",
    "Score",
    "Change",
    "Range",
    "Coverage",
    "Risks C/H/M/L",
    "Risks / problems",
)


def _cells(r: Row) -> list[str]:
    v = r.revision
    return [
        str(r.number),
        v.short,
        v.day,
        v.author,
        r.grade,
        r.score,
        r.change,
        r.range,
        r.coverage,
        r.risks,
        r.detail,
    ]


# --- terminal --------------------------------------------------------------------------------


def render_terminal(h: History) -> list[RenderableType]:
    """The renderables of the terminal report: a heading, the table, what changed."""
    from rich.table import Table
    from rich.text import Text

    from policycheck.render.terminal import GRADE_STYLE

    head = Text.assemble(
        ("History of ", "bold"),
        (h.path, "bold"),
        f" · {len(h.points)} revision(s){_since(h)} · rubric {h.rubric.id} {h.rubric.version}",
    )
    if not h.points:
        return [head, Text(_empty(h))]
    table = Table(show_edge=False, pad_edge=False)
    # The short columns are never wrapped; the details follow the table, a line each.
    for name, right in (
        ("Commit", False),
        ("Date", False),
        ("Author", False),
        ("Grade", False),
        ("Score", True),
        ("Δ", True),
        ("Range", True),
        ("Known", True),
    ):
        table.add_column(
            name,
            no_wrap=name != "Author",
            min_width=6 if name == "Author" else None,
            overflow="fold",
            justify="right" if right else "left",
        )
    details: list[RenderableType] = []
    for r in rows(h):
        cells: list[str | Text] = [*_cells(r)[1:9]]
        cells[0] = r.revision.short[:7]
        style = "bold red" if r.grade == "invalid" else GRADE_STYLE.get(r.grade, "")
        cells[3] = Text(r.grade, style=style)
        table.add_row(*cells)
        details.append(Text(f"{r.revision.short[:7]}  {_detail(r)}"))
    note = _provisional_note(h)
    return [head, table, *details, Text(_verdict(h)), *([Text(note)] if note else [])]


def _detail(r: Row) -> str:
    """A revision's risks, counted by severity, then named; or why it is invalid."""
    if r.grade == "invalid":
        return r.detail
    return "no risks" if r.detail == "none" else f"risks: {r.detail}"


def render_text(h: History, *, width: int = 100) -> str:
    """The terminal report as plain text at a fixed width (for files and tests)."""
    import io

    from rich.console import Console

    from policycheck.text import printable_tree

    console = Console(
        record=True,
        width=width,
        file=io.StringIO(),
        color_system=None,
        highlight=False,
        markup=False,
    )
    for part in render_terminal(printable_tree(h)):
        console.print(part)
    return console.export_text()


# --- JSON ------------------------------------------------------------------------------------


def _revision_dict(point: Point) -> dict[str, Any]:
    from policycheck.render.json import cap_dict, num

    v, res = point.revision, point.result
    out: dict[str, Any] = {
        "commit": v.commit,
        "date": v.date,
        "author": v.author,
        "subject": v.subject,
        "path": v.path,
    }
    if isinstance(res, Failure):
        out["status"] = "invalid"
        out["problems"] = [
            {"file": p.file, "line": p.line, "column": p.column, "message": p.message}
            for p in res.problems
        ]
        return out
    out |= {
        "status": "assessed",
        "proposal": {"id": res.proposal_id, "title": res.title, "status": res.status},
        "file_sha256": res.file_sha256,
        "grade": res.grade,
        "uncapped_grade": res.uncapped_grade,
        "cap": cap_dict(res.cap),
        "score": num(res.score),
        "score_low": num(res.score_low),
        "score_high": num(res.score_high),
        "grade_low": res.grade_low,
        "grade_high": res.grade_high,
        "coverage": num(res.coverage),
        "cited": num(res.cited),
        "provisional": res.provisional,
        "criteria": {c.id: num(c.score) for c in res.criteria},
        "risks": [
            {
                "id": r.id,
                "title": r.title,
                "family": r.family.value,
                "severity": r.severity.value,
                "fingerprint": r.fingerprint,
            }
            for r in res.risks
        ],
    }
    return out


def history_dict(h: History) -> dict[str, Any]:
    """The JSON document of ``h`` as a dict (schema version 1, keys in a fixed order)."""
    from policycheck.render.json import rubric_dict

    return {
        "schema_version": HISTORY_SCHEMA_VERSION,
        "tool": {"name": "policycheck", "version": h.tool_version},
        "generated_at": h.generated_at,
        "rubric": rubric_dict(h.rubric),
        "reference_digest": h.reference_digest,
        "grade_bands": dict(h.grade_bands),
        "file": h.file,
        "path": h.path,
        "since": h.since,
        "revisions": [_revision_dict(p) for p in h.points],
    }


def render_json(h: History) -> str:
    """The JSON document: ``schema_version`` (1), ``tool``, ``generated_at``, ``rubric``,
    ``reference_digest``, ``grade_bands``, ``file``, ``path``, ``since``, and ``revisions``,
    oldest first. Each revision has ``commit``, ``date`` (author date, ISO 8601),
    ``author``, ``subject``, ``path`` (at that commit) and ``status``: ``assessed`` with
    ``proposal``, ``grade``, ``uncapped_grade``, ``cap``, ``score``, ``score_low``,
    ``score_high``, ``grade_low``, ``grade_high``, ``coverage``, ``cited``,
    ``provisional``, ``criteria`` (id → score) and ``risks`` (id, title, family,
    severity, fingerprint); or ``invalid`` with ``problems`` (file, line, column,
    message; the file is ``COMMIT:PATH``)."""
    return json.dumps(history_dict(h), indent=2, ensure_ascii=False) + "\n"


# --- Markdown --------------------------------------------------------------------------------


def render_markdown(h: History) -> str:
    """A Markdown report: heading, one table row per revision, what changed."""
    from policycheck.render.markdown_text import md_code, md_text

    out = [
        f"## History of {md_code(h.path)}",
        "",
        f"{len(h.points)} revision(s){md_text(_since(h))}, oldest first, each assessed with "
        f"rubric {md_code(h.rubric.id)} {md_text(h.rubric.version)} "
        f"(policycheck {md_text(h.tool_version)}).",
        "",
    ]
    if not h.points:
        return "\n".join([*out, md_text(_empty(h)), ""])
    right = {"#", "Score", "Change", "Range", "Coverage", "Risks C/H/M/L"}
    out.append("| " + " | ".join(_HEADERS) + " |")
    out.append("|" + "|".join("---:" if name in right else "---" for name in _HEADERS) + "|")
    for r in rows(h):
        cells = _cells(r)
        cells[1] = md_code(cells[1], table=True)
        cells = [c if i == 1 else md_text(c, table=True) for i, c in enumerate(cells)]
        cells[4] = f"**{cells[4]}**"
        out.append("| " + " | ".join(c or "—" for c in cells) + " |")
    note = _provisional_note(h)
    out += ["", md_text(_verdict(h) + (f" {note}" if note else "")), ""]
    return "\n".join(out)


# --- HTML ------------------------------------------------------------------------------------

#: Geometry of the timeline chart (SVG user units).
CHART_WIDTH = 760
CHART_HEIGHT = 300
_LEFT, _RIGHT, _TOP, _BOTTOM = 48.0, 80.0, 16.0, 58.0
_INSET = 36.0


def _y(score: float) -> float:
    inner = CHART_HEIGHT - _TOP - _BOTTOM
    return _TOP + inner * (1 - max(0.0, min(100.0, score)) / 100)


def _x(index: int, count: int) -> float:
    """Revisions evenly spaced, clear of the axis on the left and of the band labels."""
    inner = CHART_WIDTH - _LEFT - _RIGHT - 2 * _INSET
    return _LEFT + _INSET + (inner / 2 if count == 1 else inner * index / (count - 1))


def timeline(h: History, ident: str = "timeline") -> str:
    """An SVG chart of the score over the revisions: its range shaded, the grade bands ruled.

    Revisions are evenly spaced (several may share a day); each point is coloured by its
    grade; a revision that could not be assessed is a grey cross on the axis.
    """
    from policycheck.render.html import GRADE_COLOUR, GRADE_OTHER, _num, esc

    count = len(h.points)
    described = "; ".join(
        f"{p.revision.day} {p.revision.short}: "
        + (
            f"grade {p.result.grade}, {p.result.score:.1f}"
            if isinstance(p.result, Assessment)
            else "invalid"
        )
        for p in h.points
    )
    parts = [
        f'<svg class="timeline" width="{CHART_WIDTH}" height="{CHART_HEIGHT}" '
        f'viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">Score of {esc(h.path)} by revision (0–100)</title>',
        f'<desc id="{ident}-desc">{esc(described)}</desc>',
    ]
    right = CHART_WIDTH - _RIGHT
    for grade, floor in h.grade_bands:
        if floor <= 0:
            continue
        level = _num(_y(floor))
        parts.append(
            f'<line x1="{_num(_LEFT)}" y1="{level}" x2="{_num(right)}" y2="{level}" '
            f'stroke="{GRADE_COLOUR.get(grade, GRADE_OTHER)}" stroke-width="1" '
            f'stroke-dasharray="4 4"/>'
        )
        parts.append(
            f'<text class="band" x="{_num(right + 6)}" y="{_num(_y(floor) + 4)}">'
            f"{esc(grade)} ≥ {floor:g}</text>"
        )
    for tick in (0, 25, 50, 75, 100):
        parts.append(
            f'<text class="tick" x="{_num(_LEFT - 6)}" y="{_num(_y(tick) + 4)}" '
            f'text-anchor="end">{tick}</text>'
        )
    bottom = _num(_y(0))
    parts.append(
        f'<line x1="{_num(_LEFT)}" y1="{bottom}" x2="{_num(right)}" y2="{bottom}" '
        'stroke="#8c959f" stroke-width="1"/>'
    )
    parts.append(
        f'<line x1="{_num(_LEFT)}" y1="{_num(_y(100))}" x2="{_num(_LEFT)}" y2="{bottom}" '
        'stroke="#8c959f" stroke-width="1"/>'
    )
    assessed = [(n, p.result) for n, p in enumerate(h.points) if isinstance(p.result, Assessment)]
    if len(assessed) > 1:
        upper = [f"{_num(_x(n, count))},{_num(_y(a.score_high))}" for n, a in assessed]
        lower = [f"{_num(_x(n, count))},{_num(_y(a.score_low))}" for n, a in reversed(assessed)]
        parts.append(
            f'<polygon class="range" points="{" ".join(upper + lower)}" fill="#0969da" '
            'fill-opacity="0.12" stroke="none"/>'
        )
        line = " ".join(f"{_num(_x(n, count))},{_num(_y(a.score))}" for n, a in assessed)
        parts.append(
            f'<polyline class="score" points="{line}" fill="none" stroke="#1f2328" '
            'stroke-width="2" stroke-linejoin="round"/>'
        )
    for n, point in enumerate(h.points):
        x = _x(n, count)
        res = point.result
        if isinstance(res, Assessment):
            colour = GRADE_COLOUR.get(res.grade, GRADE_OTHER)
            if res.score_low != res.score_high:
                parts.append(
                    f'<line x1="{_num(x)}" y1="{_num(_y(res.score_low))}" x2="{_num(x)}" '
                    f'y2="{_num(_y(res.score_high))}" stroke="{colour}" stroke-width="1.5"/>'
                )
            y = _y(res.score)
            # A provisional grade is a hollow point: too little is known for a firm one.
            fill = "#fff" if res.provisional else colour
            parts.append(
                f'<circle cx="{_num(x)}" cy="{_num(y)}" r="5" fill="{fill}" '
                f'stroke="{colour}" stroke-width="2"/>'
            )
            parts.append(
                f'<text class="grade" x="{_num(x + 8)}" y="{_num(y - 7)}" fill="{colour}">'
                f"{esc(res.grade)}</text>"
            )
        else:
            y = _y(0)
            parts.append(
                f'<path class="invalid" d="M{_num(x - 5)},{_num(y - 5)} l10,10 m0,-10 l-10,10" '
                f'stroke="{GRADE_OTHER}" stroke-width="2"/>'
            )
        parts.append(
            f'<text class="axis" x="{_num(x)}" y="{_num(_y(0) + 18)}" text-anchor="middle">'
            f"{esc(point.revision.day)}</text>"
        )
        parts.append(
            f'<text class="axis commit" x="{_num(x)}" y="{_num(_y(0) + 32)}" '
            f'text-anchor="middle">{esc(point.revision.short[:7])}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


_HTML_CSS = """\
svg.timeline { max-width: 100%; height: auto; overflow: visible; }
svg.timeline text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  fill: #1f2328; }
svg.timeline text.grade { font-weight: 700; font-size: 12px; paint-order: stroke; stroke: #fff;
  stroke-width: 3px; stroke-linejoin: round; }
svg.timeline text.commit { fill: #59636e; font-family: ui-monospace, Menlo, Consolas, monospace; }
svg.timeline text.band, svg.timeline text.tick { fill: #59636e; }
"""


def render_html(h: History) -> str:
    """One self-contained HTML document: the timeline chart, then the table."""
    from policycheck.render.html import _code, _grade_class, _table, esc, page_head

    meta = (
        f"policycheck {esc(h.tool_version)} · rubric {esc(h.rubric.id)} "
        f"{esc(h.rubric.version)}, {esc(h.rubric.title)} · generated {esc(h.generated_at)}"
    )
    out = [
        *page_head(f"policycheck history: {h.path}", h.tool_version, _HTML_CSS),
        "<header>",
        f"<h1>History of {_code(h.path)}</h1>",
        f'<p class="meta">{meta}</p>',
        f"<p>{len(h.points)} revision(s){esc(_since(h))}, oldest first, each assessed with "
        "today's rubric and reference data.</p>",
        "</header>",
        '<section class="history">',
    ]
    if not h.points:
        out.append(f"<p>{esc(_empty(h))}</p>")
    else:
        out.append(timeline(h))
        out.append(
            '<p class="meta">The line is the score; the shaded band is its range, with every '
            "unknown at its lowest and at its highest level; dashed lines are the grade bands. "
            "A hollow point is a provisional grade (coverage below the rubric's minimum): it is "
            "taken at the middle of the range, so it can fall in another band than the score.</p>"
        )
        table_rows = []
        for r in rows(h):
            cells = [esc(c) for c in _cells(r)]
            cells[1] = _code(r.revision.short)
            badge = "invalid" if r.grade == "invalid" else _grade_class(r.grade)
            cells[4] = f'<span class="badge {badge}">{esc(r.grade)}</span>'
            table_rows.append(cells)
        header = [
            (name, "num" if name in ("#", "Score", "Change", "Range", "Coverage") else "")
            for name in _HEADERS
        ]
        header[-1] = (header[-1][0], "text")
        header[1] = (header[1][0], "nowrap")
        header[2] = (header[2][0], "nowrap")
        out += _table(header, table_rows, f"Revisions of {h.path}")
        note = _provisional_note(h)
        out.append(f"<p>{esc(_verdict(h))}" + (f" {esc(note)}" if note else "") + "</p>")
    out += [
        "</section>",
        "<footer>",
        f"<p>Rubric sha256 {esc(h.rubric.sha256[:12])} · reference data "
        f"{esc(h.reference_digest)}.</p>",
        "</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"


# --- the workbook ----------------------------------------------------------------------------

_XLSX_HEADERS = (
    "#",
    "Revision",
    "Commit",
    "Date",
    "Author",
    "Subject",
    "Path",
    "Grade",
    "Score",
    "Score low",
    "Score high",
    "Coverage",
    "Provisional",
    "Critical",
    "High risks",
    "Medium",
    "Low risks",
    "Risks / problems",
)


def _xlsx_rows(h: History) -> Iterator[list[object]]:
    for r, point in zip(rows(h), h.points, strict=True):
        v, res = point.revision, point.result
        label = f"{v.day} {v.short[:7]}"
        head: list[object] = [r.number, label, v.short, v.date, v.author, v.subject, v.path]
        if isinstance(res, Failure):
            yield [*head, "invalid", None, None, None, None, None, None, None, None, None, r.detail]
            continue
        counts = [sum(x.severity is s for x in res.risks) for s in reversed(Severity)]
        yield [
            *head,
            res.grade,
            res.score,
            res.score_low,
            res.score_high,
            res.coverage,
            "yes" if res.provisional else "no",
            *counts,
            r.detail,
        ]


def render_xlsx(h: History) -> bytes:
    """A workbook: a History sheet (one row per revision) with a native line chart of the
    score and its range, and an About sheet. Same history, same bytes."""
    import io

    from openpyxl import Workbook
    from openpyxl.chart import LineChart, Reference
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties
    from openpyxl.worksheet.worksheet import Worksheet
    from openpyxl.xml.functions import tostring

    from policycheck.render.xlsx import _normalise_zip
    from policycheck.render.xlsx.tables import moment_of, text

    wb = Workbook()
    for default in list(wb.worksheets):
        wb.remove(default)
    ws: Worksheet = wb.create_sheet("History")
    ws.append(list(_XLSX_HEADERS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for values in _xlsx_rows(h):
        ws.append([text(v) if isinstance(v, str) else v for v in values])
    column = {name: n for n, name in enumerate(_XLSX_HEADERS, 1)}
    last = get_column_letter(len(_XLSX_HEADERS))
    for row in ws.iter_rows(min_row=2, min_col=column["Coverage"], max_col=column["Coverage"]):
        for cell in row:
            cell.number_format = "0%"
    widths = (4, 19, 14, 26, 18, 30, 30, 7, 7, 10, 11, 10, 12, 9, 11, 9, 10, 60)
    for n, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.freeze_panes = "C2"
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    count = len(h.points)
    if count:
        ws.auto_filter.ref = f"A1:{last}{count + 1}"
        chart = LineChart()
        chart.title = text(f"Score of {h.path} by revision")
        chart.y_axis.title = "Score (0–100)"
        chart.x_axis.title = "Revision (author date, commit)"
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 100
        chart.y_axis.majorUnit = 25
        chart.y_axis.delete = False
        chart.x_axis.delete = False
        if chart.legend is not None:
            chart.legend.position = "b"
        chart.height = 9
        chart.width = 24
        data = Reference(
            ws, min_col=column["Score"], max_col=column["Score high"], min_row=1, max_row=count + 1
        )
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(
            Reference(ws, min_col=column["Revision"], min_row=2, max_row=count + 1)
        )
        # The score a solid line with points; its range (low, high) dashed lines around it.
        for series, colour, dash in zip(
            chart.series, ("1F2328", "0969DA", "0969DA"), ("solid", "dash", "dash"), strict=True
        ):
            series.graphicalProperties.line.solidFill = colour
            series.graphicalProperties.line.dashStyle = dash
            series.graphicalProperties.line.width = 28575 if dash == "solid" else 15875
            series.marker.symbol = "circle" if dash == "solid" else "none"
            series.smooth = False
        ws.add_chart(chart, f"B{count + 4}")
    about = wb.create_sheet("About")
    for key, value in (
        ("File", h.file),
        ("Path", h.path),
        ("Since", h.since or "—"),
        ("Revisions", str(count)),
        ("Tool", f"policycheck {h.tool_version}"),
        ("Rubric", f"{h.rubric.id} {h.rubric.version}, {h.rubric.title}"),
        ("Rubric sha256", h.rubric.sha256),
        ("Reference data", h.reference_digest),
        ("Generated", h.generated_at),
        ("Grade bands", ", ".join(f"{g} ≥ {v:g}" for g, v in h.grade_bands)),
    ):
        about.append([key, text(value)])
        about.cell(about.max_row, 1).font = Font(bold=True)
    about.column_dimensions["A"].width = 16
    about.column_dimensions["B"].width = 80
    moment = moment_of(h.generated_at)
    props = wb.properties
    props.title = text(f"policycheck history of {h.path}")
    props.creator = "policycheck"
    props.lastModifiedBy = "policycheck"
    buffer = io.BytesIO()
    wb.save(buffer)
    # Saving stamps the clock into the document's dates: put generated_at back.
    props.created = props.modified = moment.replace(tzinfo=None)
    core = tostring(props.to_tree())
    return _normalise_zip(buffer.getvalue(), moment, {"docProps/core.xml": core})
