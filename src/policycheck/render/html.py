"""The HTML report (``--format html``): one self-contained file to open, share or print.

The same content as the Markdown report, plus an inline SVG radar chart of the criteria of
each proposal. Nothing is fetched: the CSS is inline (with a print style: colours kept, a
page per proposal) and a Content-Security-Policy forbids any request. Every text that comes
from a proposal file is escaped with ``html.escape``. Pure and deterministic: no I/O, no
clock, ids from the order of the files.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

from policycheck.assessment import (
    Assessment,
    Citation,
    CriterionResult,
    Failure,
    GateResult,
    ReferenceFact,
    Report,
)
from policycheck.render.markdown import (
    Row,
    Tally,
    bands_line,
    cap_text,
    clean,
    criterion_missing,
    criterion_score,
    gate_notes,
    gate_verdict,
    insufficient_count,
    insufficient_fields,
    not_applicable_notes,
    range_cell,
    reference_sources,
    risk_location,
    row_cells,
    score_text,
    severity_counts,
    waiver_mark,
    waiver_text,
)
from policycheck.render.parts import Parts, Sealed, Shelf, kept, newline_joined, seal, unseal
from policycheck.text import xml_text

#: Geometry of the radar chart (SVG user units): centre, radius of the 100 ring, canvas.
RADAR_WIDTH = 400
RADAR_HEIGHT = 330
RADAR_CX = 200.0
RADAR_CY = 165.0
RADAR_R = 100.0
RADAR_RINGS = (25, 50, 75, 100)

#: Colours of the grades (badges and the radar's polygon); other grades get GRADE_OTHER.
GRADE_COLOUR = {"A": "#1a7f37", "B": "#0969da", "C": "#9a6700", "D": "#bc4c00", "F": "#cf222e"}
GRADE_OTHER = "#59636e"

_LABEL_CHARS = 14
#: What the radar says for a criterion with no score (none of its indicators apply).
_LINE = 14

CSS = """\
:root { --fg: #1f2328; --muted: #59636e; --border: #d1d9e0; --soft: #f6f8fa; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 1120px; padding: 24px 28px 40px; color: var(--fg);
  background: #fff; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto,
  "Helvetica Neue", Arial, "Noto Sans", sans-serif; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; }
h2 { font-size: 1.35rem; line-height: 1.3; margin: 0 0 .5rem; overflow-wrap: anywhere; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .5rem; }
p { margin: .4rem 0; }
a { color: #0969da; }
code { font: .85em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono",
  monospace; background: var(--soft); padding: .1em .3em; border-radius: 4px;
  overflow-wrap: anywhere; }
.meta { color: var(--muted); font-size: .875rem; overflow-wrap: anywhere; }
.proposal li, .proposal p { overflow-wrap: anywhere; }
body > section, body > article { border-top: 1px solid var(--border); margin-top: 1.6rem;
  padding-top: 1.2rem; }
.scroll { overflow-x: auto; position: relative;
  /* Scroll shadows: edges that cover the shadows scroll with the table, the shadows stay;
     a shadow shows only on a side with more columns to scroll to. */
  background:
    linear-gradient(to right, #fff 40%, rgba(255,255,255,0)) left center / 32px 100% no-repeat local,
    linear-gradient(to left, #fff 40%, rgba(255,255,255,0)) right center / 32px 100% no-repeat local,
    radial-gradient(farthest-side at 0 50%, rgba(31,35,40,.28), rgba(31,35,40,0)) left center / 12px 100% no-repeat scroll,
    radial-gradient(farthest-side at 100% 50%, rgba(31,35,40,.28), rgba(31,35,40,0)) right center / 12px 100% no-repeat scroll; }
.scroll:focus-visible { outline: 2px solid #0969da; outline-offset: 2px; }
.scroll-hint { display: none; color: var(--muted); font-size: .8rem; margin: .2rem 0; }
@media (max-width: 720px) {
  body { padding: 16px 14px 32px; }
  .scroll-hint { display: block; }
}
table { border-collapse: collapse; width: 100%; font-size: .875rem; }
th, td { border: 1px solid var(--border); padding: .35rem .55rem; text-align: left;
  vertical-align: top; }
thead th { background: var(--soft); }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th.num { white-space: normal; }
.nowrap { white-space: nowrap; }
td.text { min-width: 14em; overflow-wrap: anywhere; }
td.loc { min-width: 12em; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: .1em .65em; border-radius: 999px; color: #fff;
  background: #59636e; font-weight: 700; }
.grade-a { background: #1a7f37; } .grade-b { background: #0969da; }
.grade-c { background: #9a6700; } .grade-d { background: #bc4c00; }
.grade-f { background: #cf222e; } .invalid { background: #6e7781; }
.gradeline { font-size: 1.05rem; margin: .5rem 0; }
.gradeline .badge { font-size: 1.05rem; margin-right: .4rem; }
.sev { display: inline-block; padding: 0 .5em; border-radius: 4px; font-size: .8rem;
  font-weight: 700; text-transform: uppercase; white-space: nowrap; }
.sev-critical { background: #82071e; color: #fff; } .sev-high { background: #cf222e; color: #fff; }
.sev-medium { background: #ffd8b5; color: #762c00; } .sev-low { background: #fff8c5; color: #4d2d00; }
.cap { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; padding: .4rem .7rem; }
.ok { color: #1a7f37; font-weight: 600; }
.waiver { color: #8250df; font-size: .85em; }
.gate h2 .badge { font-size: 1rem; vertical-align: middle; }
.overview { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem 2rem; }
.overview > svg { flex: 0 0 auto; max-width: 100%; height: auto; }
.overview > .scroll { flex: 1 1 460px; min-width: 0; }
svg.radar { overflow: visible; }
svg.radar text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  fill: #1f2328; }
svg.radar tspan.na { fill: #59636e; }
svg.radar text.ring { font-size: 9px; fill: #6e7781; paint-order: stroke; stroke: #fff;
  stroke-width: 3px; stroke-linejoin: round; }
ul.evidence { margin: .2rem 0 .8rem; padding-left: 1.3rem; }
ul.evidence li, ol.changes li { margin: .15rem 0; }
.risk-head { margin: .8rem 0 .2rem; font-weight: 600; }
footer { margin-top: 2rem; color: var(--muted); font-size: .8rem; border-top: 1px solid var(--border);
  padding-top: .6rem; }
@media print {
  @page { margin: 14mm 12mm; }
  body { max-width: none; padding: 0 2px; font-size: 10pt; }
  body > section, body > article { border-top: none; margin-top: 0; padding-top: 0; }
  body > article.proposal { break-before: page; }
  body > header + article.proposal { break-before: auto; }
  body > section.invalid-files { break-before: page; }
  .scroll { overflow: visible; background: none; }
  .scroll-hint { display: none; }
  a { color: inherit; text-decoration: none; }
  h2, h3, .risk-head { break-after: avoid; }
  tr, li, svg, .gradeline, .cap { break-inside: avoid; }
  thead { display: table-header-group; }
  footer { break-inside: avoid; }
}
"""

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def esc(value: str) -> str:
    """Text from anywhere (a proposal file first of all) made inert HTML."""
    return html.escape(xml_text(clean(value)), quote=True)


def _grade_class(grade: str) -> str:
    return "grade-" + re.sub(r"[^a-z0-9]", "", grade.lower())


def _num(value: float) -> str:
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text


def _wrap(title: str) -> list[str]:
    lines: list[str] = []
    for word in clean(title).split():
        if lines and len(lines[-1]) + 1 + len(word) <= _LABEL_CHARS:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def radar_points(scores: list[float | None]) -> list[tuple[float, float]]:
    """The polygon's corners: each criterion on its axis (clockwise from the top), at its score."""
    n = len(scores)
    out = []
    for k, score in enumerate(scores):
        angle = -math.pi / 2 + 2 * math.pi * k / n
        r = RADAR_R * max(0.0, min(100.0, score or 0.0)) / 100
        out.append((RADAR_CX + r * math.cos(angle), RADAR_CY + r * math.sin(angle)))
    return out


def _points(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{_num(x)},{_num(y)}" for x, y in points)


def scored_runs(scores: list[float | None]) -> list[list[int]]:
    """The axes with a score in runs of neighbours, going round clockwise; a criterion that
    does not apply (``None``) breaks a run. One run of every axis when all have a score."""
    n = len(scores)
    if all(score is not None for score in scores):
        return [list(range(n))] if n else []
    start = next(k for k, score in enumerate(scores) if score is None)
    runs: list[list[int]] = []
    current: list[int] = []
    for step in range(1, n + 1):
        k = (start + step) % n
        if scores[k] is not None:
            current.append(k)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _score_shape(scores: list[float | None], colour: str) -> list[str]:
    """The scores' polygon; with a criterion that does not apply, a gap at its axis instead.

    A not-applicable criterion has no score, not a score of zero: the shape does not reach
    the centre on its axis. Neighbouring scored axes are joined (and the wedge between them
    and the centre filled); a scored axis with no scored neighbour is a spoke.
    """
    corners = radar_points(scores)
    runs = scored_runs(scores)
    if len(runs) == 1 and len(runs[0]) == len(scores):
        return [
            f'<polygon class="score" points="{_points(corners)}" fill="{colour}" '
            f'fill-opacity="0.22" stroke="{colour}" stroke-width="2" stroke-linejoin="round"/>'
        ]
    centre = (RADAR_CX, RADAR_CY)
    parts: list[str] = []
    for run in runs:
        points = [corners[k] for k in run]
        if len(points) > 1:
            parts.append(
                f'<polygon class="score-part" points="{_points([centre, *points])}" '
                f'fill="{colour}" fill-opacity="0.22" stroke="none"/>'
            )
        parts.append(
            f'<polyline class="score-part" points="{_points([centre, *points, centre])}" '
            f'fill="none" stroke="{colour}" stroke-width="2" stroke-linejoin="round"/>'
            if len(points) == 1
            else f'<polyline class="score-part" points="{_points(points)}" fill="none" '
            f'stroke="{colour}" stroke-width="2" stroke-linejoin="round"/>'
        )
    return parts


def radar(a: Assessment, ident: str) -> str:
    """An SVG radar chart of the criteria of ``a``: an axis each, rings at 25/50/75/100.

    A criterion that does not apply has a dashed axis, no point and a gap in the shape, and
    is labelled "not applicable": it is left out of the overall score, not scored zero.
    """
    criteria = a.criteria
    n = len(criteria)
    colour = GRADE_COLOUR.get(a.grade, GRADE_OTHER)
    described = "; ".join(
        f"{c.title} {criterion_score(c) if c.score is not None else criterion_missing(c)}"
        for c in criteria
    )
    parts = [
        f'<svg class="radar" width="{RADAR_WIDTH}" '
        f'height="{RADAR_HEIGHT}" viewBox="0 0 {RADAR_WIDTH} {RADAR_HEIGHT}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">Criterion scores of {esc(a.title)} (0–100)</title>',
        f'<desc id="{ident}-desc">{esc(described)}</desc>',
    ]
    for ring in RADAR_RINGS:
        corners = radar_points([float(ring)] * n)
        parts.append(
            f'<polygon class="ring" points="{_points(corners)}" fill="none" '
            f'stroke="#d1d9e0" stroke-width="1"/>'
        )
    for (x, y), c in zip(radar_points([100.0] * n), criteria, strict=True):
        dashed = ' stroke-dasharray="3 4"' if c.score is None else ""
        parts.append(
            f'<line x1="{_num(RADAR_CX)}" y1="{_num(RADAR_CY)}" x2="{_num(x)}" y2="{_num(y)}" '
            f'stroke="#afb8c1" stroke-width="1"{dashed}/>'
        )
    if n:
        # ring values between the first two axes, where no label sits
        mid = -math.pi / 2 + math.pi / n
        inner = math.cos(math.pi / n)
        for ring in RADAR_RINGS:
            r = RADAR_R * ring / 100 * inner
            parts.append(
                f'<text class="ring" x="{_num(RADAR_CX + r * math.cos(mid) + 3)}" '
                f'y="{_num(RADAR_CY + r * math.sin(mid) - 2)}">{ring}</text>'
            )
    scores = [c.score for c in criteria]
    parts += _score_shape(scores, colour)
    parts += [
        f'<circle cx="{_num(x)}" cy="{_num(y)}" r="3" fill="{colour}"/>'
        for (x, y), score in zip(radar_points(scores), scores, strict=True)
        if score is not None
    ]
    for k, c in enumerate(criteria):
        parts.append(_label(c, k, n))
    parts.append("</svg>")
    return "\n".join(parts)


def _label(c: CriterionResult, k: int, n: int) -> str:
    angle = -math.pi / 2 + 2 * math.pi * k / n
    cos, sin = math.cos(angle), math.sin(angle)
    x = RADAR_CX + (RADAR_R + 12) * cos
    y = RADAR_CY + (RADAR_R + 12) * sin
    anchor = "middle" if abs(cos) < 0.35 else ("start" if cos > 0 else "end")
    words = _wrap(c.title)
    # Keep a label beside the chart inside the drawing (about 7 px a character at 12 px).
    wide = 7.0 * max(
        len(line) for line in [*words, criterion_missing(c) if c.score is None else ""]
    )
    if anchor == "start":
        x = min(x, RADAR_WIDTH - wide - 4)
    elif anchor == "end":
        x = max(x, wide + 4)
    lines = [esc(line) for line in words]
    if c.score is None:
        lines.append(f'<tspan class="na" font-style="italic">{criterion_missing(c)}</tspan>')
    else:
        lines.append(f'<tspan font-weight="700">{score_text(c.score)}</tspan>')
    count = len(lines)
    if sin < -0.35:  # above the chart: the last line just over the axis' end
        first = y - (count - 1) * _LINE - 2
    elif sin > 0.35:  # below: the first line just under it
        first = y + 10
    else:  # beside: centred on it
        first = y - (count - 1) * _LINE / 2 + 4
    spans = "".join(
        f'<tspan x="{_num(x)}" {"y" if i == 0 else "dy"}="{_num(first) if i == 0 else _LINE}">'
        f"{line}</tspan>"
        for i, line in enumerate(lines)
    )
    return f'<text text-anchor="{anchor}">{spans}</text>'


def _table(header: list[tuple[str, str]], rows: list[list[str]], label: str) -> list[str]:
    """An HTML table; ``header`` is (title, class); cells are already HTML.

    It sits in a box that scrolls sideways when the screen is narrower than the table, with
    shadows on the side there is more to see and, on narrow screens, a line saying so. The
    box is a labelled region that takes keyboard focus, so it can be scrolled without a mouse.
    """
    out = [
        '<p class="scroll-hint" aria-hidden="true">Wide table: scroll sideways for more '
        "columns →</p>",
        f'<div class="scroll" tabindex="0" role="region" aria-label="{esc(label)}">',
        "<table>",
    ]
    heads = "".join(f'<th scope="col"{_class(cls)}>{esc(h)}</th>' for h, cls in header)
    out += ["<thead>", f"<tr>{heads}</tr>", "</thead>", "<tbody>"]
    out += [_table_row(header, row) for row in rows]
    return [*out, *_TABLE_END]


_TABLE_END = ("</tbody>", "</table>", "</div>")


def _table_row(header: list[tuple[str, str]], row: list[str]) -> str:
    cells = "".join(
        f"<td{_class(cls)}>{cell or '—'}</td>" for cell, (_, cls) in zip(row, header, strict=True)
    )
    return f"<tr>{cells}</tr>"


def _class(name: str) -> str:
    return f' class="{name}"' if name else ""


def _code(value: str) -> str:
    return f"<code>{esc(value)}</code>"


def _summary_header(criteria: tuple[str, ...]) -> list[tuple[str, str]]:
    return [
        ("Proposal", "nowrap"),
        ("Grade", ""),
        ("Score", "num"),
        *((t, "num") for t in criteria),
        ("Risks C/H/M/L", "num"),
        ("Top risk", "nowrap"),
    ]


def summary_row(res: Assessment | Failure, ident: str) -> Row:
    """``res``'s row of the summary table, linking to ``ident`` (see ``markdown.Row``)."""
    link = (
        f'<a href="#{ident}">{_code(res.file if isinstance(res, Failure) else res.proposal_id)}</a>'
    )
    if isinstance(res, Failure):
        count = len(res.problems)
        return (
            (link, '<span class="badge invalid">invalid</span>', ""),
            (),
            ("", f"{count} problem{'s' if count != 1 else ''}"),
        )
    top = res.risks[0] if res.risks else None
    return (
        (
            link,
            f'<span class="badge {_grade_class(res.grade)}">{esc(res.grade)}</span>',
            score_text(res.score),
        ),
        tuple(criterion_score(c) for c in res.criteria),
        (severity_counts(res), f"{esc(top.id)} {top.severity.value}" if top else ""),
    )


def _criteria(a: Assessment) -> list[str]:
    header = [
        ("Criterion", ""),
        ("Weight", "num"),
        ("Score", "num"),
        ("Range", "num"),
        ("Known", "num"),
        ("Answers", ""),
        ("Unknown", "num"),
    ]
    rows = [
        [
            esc(c.title),
            f"{c.weight:g}",
            criterion_score(c),
            range_cell(c.low, c.high),
            "n/a" if c.low is None else f"{c.coverage:.0%}",
            esc(c.counters),
            str(insufficient_count(c)),
        ]
        for c in a.criteria
    ]
    return _table(header, rows, f"Criteria of {a.proposal_id}")


def _risks(a: Assessment) -> list[str]:
    if not a.risks:
        return ['<p class="ok">✓ No risks flagged.</p>']
    header = [
        ("Severity", ""),
        ("Id", "nowrap"),
        ("Risk", ""),
        ("Family", "nowrap"),
        ("Finding", "text"),
        ("Location", "loc"),
    ]
    rows = []
    for r in a.risks:
        loc = risk_location(r)
        mark = waiver_mark(r)
        rows.append(
            [
                f'<span class="sev sev-{r.severity.value}">{r.severity.value}</span>'
                + (f' <span class="waiver">{mark}</span>' if mark else ""),
                esc(r.id),
                esc(r.title),
                esc(r.family.value),
                esc(r.finding),
                _code(str(loc)) if loc else "",
            ]
        )
    return [
        f"<h3>Risks flagged ({len(a.risks)})</h3>",
        *_table(header, rows, f"Risks of {a.proposal_id}"),
    ]


def _details(a: Assessment) -> list[str]:
    out: list[str] = []
    if a.risks:
        out.append("<h3>Evidence and mitigations</h3>")
        for r in a.risks:
            out.append(f'<p class="risk-head">{esc(r.id)} {esc(r.title)}</p>')
            out.append('<ul class="evidence">')
            waiver = waiver_text(r)
            if waiver is not None:
                out.append(f'<li class="waiver">{esc(waiver)}</li>')
            out += [
                f"<li>{_code(str(e.location))} {esc(e.note)}{_cites(a.sources_in(e.note))}</li>"
                for e in r.evidence
            ]
            out += [f'<li class="reference">Reference: {_fact(f)}</li>' for f in r.references]
            out.append(f"<li>Mitigation: {esc(r.mitigation)}</li>")
            out.append(f"<li>Brief: {esc(r.brief)}</li>")
            out.append("</ul>")
    items = list(insufficient_fields(a))
    if items:
        out.append(f"<h3>Unknown ({len(items)})</h3>")
        out.append("<p>Left out of the score and counted in its range.</p>")
        out.append('<ul class="evidence">')
        for check_id, title, fields in items:
            state = ", ".join(_code(f) for f in fields if f) or "—"
            out.append(f"<li>{esc(check_id)} {esc(title)}: state {state}</li>")
        out.append("</ul>")
    na = list(not_applicable_notes(a))
    if na:
        out.append(f"<h3>Not applicable ({len(na)})</h3>")
        out.append('<ul class="evidence">')
        out += [f"<li>{esc(c)} {esc(t)}: {esc(why)}</li>" for c, t, why in na]
        out.append("</ul>")
    if a.warnings:
        out.append("<h3>Notes</h3>")
        out.append('<ul class="evidence">')
        out += [f"<li>{_code(str(w.location))} {esc(w.note)}</li>" for w in a.warnings]
        out.append("</ul>")
    return out


def _source(c: Citation) -> str:
    """A source with its date and address; the address as code, never a live link, since it
    comes from the file (the report is self-contained and follows no link)."""
    shown = esc(c.title) + (f" ({esc(c.date)})" if c.date else "")
    return shown + (f" {_code(c.url)}" if c.url else "")


def _cites(cited: tuple[Citation, ...]) -> str:
    """What an evidence note's source ids resolve to, appended to the note."""
    return "".join(f" — {_code(c.id)}: {_source(c)}" for c in cited)


def _fact(f: ReferenceFact) -> str:
    """A reference fact a risk rests on: dataset, as-of date and source ids (listed below)."""
    ids = ", ".join(_code(c.id) for c in f.sources) or "none listed"
    return f"{esc(f.fact)} ({_code(f.dataset + '.yaml')}, as of {esc(f.as_of)}; sources: {ids})"


def _sources(a: Assessment) -> list[str]:
    """The sources the file lists (which evidence cites by id), then the reference data's."""
    if not a.sources:
        out = ["<h3>Sources</h3>", "<p>The file lists none.</p>"]
    else:
        out = [f"<h3>Sources ({len(a.sources)})</h3>", '<ul class="evidence">']
        out += [f"<li>{_code(c.id)} {_source(c)}</li>" for c in a.sources] + ["</ul>"]
    cited = reference_sources(a)
    if cited:
        out += [f"<h3>Reference-data sources behind the risks ({len(cited)})</h3>"]
        out += ['<ul class="evidence">']
        out += [f"<li>{_code(c.id)} {_source(c)}</li>" for c in cited] + ["</ul>"]
    return out


def _improvements(a: Assessment) -> list[str]:
    if not a.improvements:
        return []
    out = ["<h3>Changes that would raise the score most</h3>", '<ol class="changes">']
    out += [
        f"<li><strong>+{m.gain:.1f}</strong> {esc(m.check_id)} {esc(m.title)}: "
        f"{esc(m.advice)} ({_code(str(m.location))})</li>"
        for m in a.improvements
    ]
    return [*out, "</ol>"]


def _assessment(a: Assessment, ident: str) -> list[str]:
    who = ", ".join(esc(p) for p in a.participants) or "—"
    meta = f"{_code(a.proposal_id)} · {esc(a.status)} · {_code(a.file)} · participants: {who}"
    if a.lead:
        meta += f" · lead: {esc(a.lead)}"
    out = [
        f'<article class="proposal" id="{ident}">',
        f"<h2>{esc(a.title)}</h2>",
        f'<p class="gradeline"><span class="badge {_grade_class(a.grade)}">Grade {esc(a.grade)}</span> '
        f"<strong>{a.score:.1f}</strong>/100 · {esc(a.range_words)}</p>",
        f'<p class="{"cap" if a.provisional else "meta"}">{esc(a.coverage_words)}</p>',
        f'<p class="meta">{meta} · kind: {esc(", ".join(a.shapes) or "other")}</p>',
    ]
    cap = cap_text(a)
    if cap is not None:
        out.append(f'<p class="cap">⚠ {esc(cap)}</p>')
    out.append('<div class="overview">')
    if a.criteria:
        out.append(radar(a, f"{ident}-radar"))
    out += _criteria(a)
    out.append("</div>")
    out += _risks(a)
    out += _details(a)
    out += _improvements(a)
    out += _sources(a)
    out.append("</article>")
    return out


def _failure(f: Failure, ident: str) -> list[str]:
    """An invalid file's entry in the list of invalid files."""
    out = [f'<li id="{ident}">{_code(f.file)} cannot be assessed:<ul>']
    out += [
        f"<li>{_code(f'{p.file}:{p.line}:{p.column}')}: {esc(p.message)}</li>" for p in f.problems
    ]
    return [*out, "</ul></li>"]


def _gate(g: GateResult) -> list[str]:
    state = "passed" if g.passed else "failed"
    out = [
        f'<section class="gate gate-{state}">',
        f'<h2>Gate: <span class="badge {"grade-a" if g.passed else "grade-f"}">'
        f"{esc(gate_verdict(g))}</span></h2>",
    ]
    if g.thresholds:
        out.append(f"<p>Requires {esc('; '.join(g.thresholds))}.</p>")
    if g.breaches:
        out += [f"<h3>Breaches ({len(g.breaches)})</h3>", "<ul>"]
        out += [
            f"<li>{_code(f'{b.file}:{b.line}:{b.column}')}: {esc(b.message)}</li>"
            for b in g.breaches
        ]
        out.append("</ul>")
    notes = gate_notes(g)
    if notes:
        out += [
            "<h3>Baseline and waivers</h3>",
            "<ul>",
            *(f'<li class="waiver">{esc(n)}</li>' for n in notes),
            "</ul>",
        ]
    return [*out, "</section>"]


def page_head(title: str, tool_version: str, css: str = "") -> list[str]:
    """A self-contained page's lines up to ``<body>``: no script runs, nothing is fetched (the
    content security policy), the report's styles and ``css`` inline."""
    return [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="policycheck {esc(tool_version)}">',
        f"<title>{esc(title)}</title>",
        "<style>",
        CSS.rstrip("\n"),
        *([css.rstrip("\n")] if css else []),
        "</style>",
        "</head>",
        "<body>",
    ]


#: Stands for a result's anchor in its piece until its place in the report is known: a
#: character no escaped text holds (``esc`` removes it).
ANCHOR = "\x00"


def anchor(n: int) -> str:
    """The anchor of the ``n``-th result (from 0) of the report."""
    return f"p{n + 1}"


@dataclass(frozen=True, slots=True)
class Piece:
    """What one result contributes to the page (see ``markdown.Piece``); its anchor is
    ``ANCHOR`` until the result's place is known."""

    grade: str | None
    criteria: tuple[str, ...]
    title: str
    row: Row
    #: The proposal's article, or the invalid file's entry, as lines joined by newlines
    #: (``parts.seal``).
    text: Sealed


def piece(result: Assessment | Failure, *, compress: bool = False) -> Piece:
    """``result``'s part of the page (module-level: a worker process may make it); its text
    compressed with ``compress`` (``parts.seal``)."""
    row = summary_row(result, ANCHOR)
    if isinstance(result, Failure):
        return Piece(None, (), "", row, seal("\n".join(_failure(result, ANCHOR)), compress))
    criteria = tuple(c.title for c in result.criteria)
    text = seal("\n".join(_assessment(result, ANCHOR)), compress)
    return Piece(result.grade, criteria, result.title, row, text)


def _placed(row: Row, ident: str) -> Row:
    head, scores, tail = row
    return (tuple(c.replace(ANCHOR, ident) for c in head), scores, tail)


class Book:
    """A page's pieces as they arrive, each given its anchor, and the tallies its
    whole-batch parts need (see ``markdown.Book``)."""

    def __init__(self, shelf: Shelf = kept) -> None:
        self.tally = Tally()
        self.rows: Parts[Row] = shelf()
        #: Each piece's text and its place among the results (its anchor is set as it is read).
        self.sections: Parts[tuple[int, Sealed]] = shelf()
        self.failures: Parts[tuple[int, Sealed]] = shelf()

    def add(self, p: Piece) -> None:
        place = self.tally.files
        self.tally.add(p.grade, p.criteria, p.title)
        self.rows.append(_placed(p.row, anchor(place)))
        (self.failures if p.grade is None else self.sections).append((place, p.text))

    @classmethod
    def of(cls, report: Report) -> Book:
        book = cls()
        for result in report.results:
            book.add(piece(result))
        return book

    def chunks(self, report: Report) -> Iterator[str]:
        """The page, a piece at a time: ``report`` gives the header (its results are not
        read), the pieces added the rest."""
        tally = self.tally
        title = "policycheck report"
        if tally.files == 1 and tally.assessed:
            title += f": {tally.title}"
        r = report.rubric
        meta = (
            f"policycheck {esc(report.tool_version)} · rubric {esc(r.id)} {esc(r.version)}, "
            f"{esc(r.title)} · generated {esc(report.generated_at)} · {esc(tally.files_line())}"
        )
        if report.gate is not None:
            meta += f" · gate {esc(gate_verdict(report.gate))}"
        yield newline_joined(
            [
                *page_head(title, report.tool_version),
                "<header>",
                "<h1>policycheck report</h1>",
                f'<p class="meta">{meta}</p>',
                "</header>",
            ]
        )
        if tally.files > 1:
            header = _summary_header(tally.criteria)
            table = _table(header, [], "Summary table")
            yield newline_joined(['<section class="summary">', "<h2>Summary</h2>", *table[:-3]])
            for row in self.rows:
                yield _table_row(header, row_cells(row, len(tally.criteria))) + "\n"
            grades = tally.grade_counts(report.grade_bands)
            done = (
                f"<p>Grades given: {esc(grades)}.</p>"
                if grades
                else "<p>No proposal could be assessed.</p>"
            )
            yield newline_joined([*_TABLE_END, done, "</section>"])
        for place, section in self.sections:
            yield unseal(section).replace(ANCHOR, anchor(place)) + "\n"
        if tally.invalid:
            yield newline_joined(
                [
                    '<section class="invalid-files">',
                    f"<h2>Invalid files ({tally.invalid})</h2>",
                    "<ul>",
                ]
            )
            for place, entry in self.failures:
                yield unseal(entry).replace(ANCHOR, anchor(place)) + "\n"
            yield newline_joined(["</ul>", "</section>"])
        if report.gate is not None:
            yield newline_joined(_gate(report.gate))
        if report.uncertainty is not None:
            from policycheck.render.uncertainty import html_section

            yield newline_joined(html_section(report.uncertainty, esc))
        yield newline_joined(
            [
                "<footer>",
                f"<p>{esc(bands_line(report))} Rubric sha256 {esc(r.sha256[:12])} · reference "
                f"data {esc(report.reference_digest)}.</p>",
                "</footer>",
                "</body>",
                "</html>",
            ]
        )


def chunks(report: Report) -> Iterator[str]:
    """The whole report as one self-contained HTML document, a piece at a time."""
    return Book.of(report).chunks(report)


def render(report: Report) -> str:
    """The whole report as one self-contained HTML document, ending in one newline."""
    return "".join(chunks(report))
