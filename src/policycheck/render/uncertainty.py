"""The uncertainty analysis in every report format: numbers for JSON, terminal and Markdown,
inline SVG charts for HTML (grade-probability bars, a driver chart per proposal, a
rank-interval chart for a batch). No numpy: these read the plain result values.

Each renderer calls one function here when ``report.uncertainty`` is set, and nothing
changes in its output otherwise.
"""

from __future__ import annotations

from typing import Any

from policycheck.robustness import Driver, ProposalUncertainty, Uncertainty, percent
from policycheck.rubric import GRADES

GRADE_COLOUR = {"A": "#1a7f37", "B": "#0969da", "C": "#9a6700", "D": "#bc4c00", "F": "#cf222e"}
#: Drivers shown per proposal in the tables and charts.
SHOWN = 5


def headline(u: Uncertainty) -> str:
    """What the runs varied and how many there were, in one sentence."""
    return (
        f"{u.draws:,} runs (seed {u.seed}) varying {'; '.join(u.varied)}. A grade is robust "
        f"when one grade holds in at least {percent(u.robust_share)} of the runs."
    )


def interval(p: ProposalUncertainty) -> str:
    return f"{p.score_low:.1f}–{p.score_high:.1f} (median {p.score_median:.1f})"


def rank(p: ProposalUncertainty) -> str:
    if p.rank_median is None:
        return ""
    if p.rank_low == p.rank_high:
        return f"{p.rank_median}"
    return f"{p.rank_median} ({p.rank_low}–{p.rank_high})"


def shares(p: ProposalUncertainty) -> str:
    """The grades' shares of the runs: "A 0 % · B 37 % · C 58 % ..."."""
    return " · ".join(f"{g} {percent(s)}" for g, s in p.probabilities)


# JSON --------------------------------------------------------------------------------------


def to_dict(u: Uncertainty) -> dict[str, Any]:
    """The analysis as stored in JSON: numbers, no words but the verdicts and what varied."""
    return {
        "draws": u.draws,
        "seed": u.seed,
        "robust_share": u.robust_share,
        "rationale": u.rationale,
        "varied": list(u.varied),
        "proposals": [_proposal_dict(p) for p in u.proposals],
    }


def _proposal_dict(p: ProposalUncertainty) -> dict[str, Any]:
    return {
        "file": p.file,
        "proposal_id": p.proposal_id,
        "grade": p.grade,
        "score": p.score,
        "probabilities": dict(p.probabilities),
        "modal_grade": p.modal_grade,
        "robust": p.robust,
        "score_interval": {"p5": p.score_low, "median": p.score_median, "p95": p.score_high},
        "rank": None
        if p.rank_median is None
        else {"median": p.rank_median, "p5": p.rank_low, "p95": p.rank_high},
        "drivers": [_driver_dict(d) for d in p.drivers],
        "verdict": p.words,
    }


def _driver_dict(d: Driver) -> dict[str, Any]:
    return {
        "kind": d.kind,
        "subject": d.subject,
        "words": d.words,
        "first_order": d.first_order,
        "total": d.total,
    }


# Plain text and Markdown --------------------------------------------------------------------


def text_lines(u: Uncertainty) -> list[tuple[int, str]]:
    """The analysis as (indent, line) pairs for the terminal report (numbers; no charts)."""
    lines = [(0, "How sure each grade is (uncertainty analysis)"), (0, headline(u)), (0, "")]
    for p in u.proposals:
        lines.append((0, f"{p.proposal_id}  grade {p.grade}  score {p.score:.1f}  ({p.file})"))
        lines.append((2, f"grades: {shares(p)}"))
        lines.append((2, f"score 5–95 %: {interval(p)}"))
        if p.rank_median is not None:
            lines.append((2, f"rank: {rank(p)} of {len(u.proposals)} (median, 5–95 %)"))
        lines.append((2, p.words))
        if p.drivers:
            lines.append((2, "Sobol indices of the score (total, first-order) and the input:"))
        for d in p.drivers[:SHOWN]:
            lines.append((4, f"{d.total:4.2f}  {d.first_order:4.2f}  {d.words}"))
        lines.append((0, ""))
    return lines


def markdown_lines(u: Uncertainty) -> list[str]:
    """The analysis as Markdown, what comes from a proposal file escaped as the report does."""
    from policycheck.render.markdown_text import md_code, md_text

    lines = ["## How sure each grade is", "", md_text(headline(u)), ""]
    if not u.proposals:
        return [*lines, "No proposal was assessed.", ""]
    ranked = u.ranked
    head = "| proposal | grade | " + " | ".join(GRADES) + " | score 5–95 % | robust |"
    rule = "|---|---|" + "---:|" * len(GRADES) + "---|---|"
    if ranked:
        head += " rank (5–95 %) |"
        rule += "---|"
    lines += [head, rule]
    for p in u.proposals:
        row = (
            f"| {md_code(p.proposal_id, table=True)} | {p.grade} | "
            + " | ".join(percent(s) for _, s in p.probabilities)
            + f" | {interval(p)} | {'yes' if p.robust else 'no'} |"
        )
        if ranked:
            row += f" {rank(p)} |"
        lines.append(row)
    lines.append("")
    for p in u.proposals:
        lines += [f"**{md_text(p.proposal_id)}**: {md_text(p.words)}", ""]
        if p.drivers:
            lines += ["| input | first-order | total |", "|---|---:|---:|"]
            lines += [
                f"| {md_text(d.words, table=True)} | {d.first_order:.2f} | {d.total:.2f} |"
                for d in p.drivers[:SHOWN]
            ]
            lines.append("")
    return lines


# HTML ---------------------------------------------------------------------------------------

#: Each chart shrinks to a narrow screen rather than make the page scroll sideways.
_FIT = "max-width:100%;height:auto"
_FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"'


def html_section(u: Uncertainty, esc: Any) -> list[str]:
    """The analysis as an HTML section with inline SVG charts (no script, no network)."""
    out = [
        '<section id="uncertainty">',
        "<h2>How sure each grade is</h2>",
        f'<p class="meta">{esc(headline(u))}</p>',
        f"<p>{esc(u.rationale)}</p>",
    ]
    if not u.proposals:
        out.append("<p>No proposal was assessed.</p>")
    if u.ranked:
        out += ["<h3>Rank in the batch (median and 5–95 % interval)</h3>", rank_chart(u, esc)]
    for p in u.proposals:
        out += [
            f"<h3>{esc(p.proposal_id)}: grade {esc(p.grade)}, score {p.score:.1f}</h3>",
            f"<p>{esc(p.words)} Score 5–95 %: {esc(interval(p))}.</p>",
            '<div style="display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start">',
            grade_bars(p, esc),
        ]
        if p.drivers:
            out.append(driver_chart(p, esc))
        out.append("</div>")
    out.append("</section>")
    return out


def grade_bars(p: ProposalUncertainty, esc: Any) -> str:
    """A bar per grade, its height the share of the runs that give it."""
    width, height, top, base = 300, 170, 18, 140
    bar = 40
    gap = (width - 20 - bar * len(GRADES)) / (len(GRADES) - 1)
    parts = [
        f'<svg role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg" {_FONT} font-size="12" style="{_FIT}">',
        f"<title>{esc(p.proposal_id)}: share of runs per grade</title>",
        f'<line x1="10" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#d1d9e0"/>',
    ]
    for n, (g, s) in enumerate(p.probabilities):
        x = 10 + n * (bar + gap)
        h = round(s * (base - top), 1)
        stroke = ' stroke="#1f2328" stroke-width="2"' if g == p.grade else ""
        parts += [
            f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{bar}" height="{h}" '
            f'fill="{GRADE_COLOUR[g]}"{stroke}><title>{g}: {percent(s)}</title></rect>',
            f'<text x="{x + bar / 2:.1f}" y="{base - h - 4:.1f}" text-anchor="middle" '
            f'fill="#1f2328">{esc(percent(s))}</text>',
            f'<text x="{x + bar / 2:.1f}" y="{base + 16}" text-anchor="middle" '
            f'font-weight="{700 if g == p.grade else 400}" fill="#1f2328">{g}</text>',
        ]
    parts.append("</svg>")
    return "".join(parts)


def driver_chart(p: ProposalUncertainty, esc: Any) -> str:
    """A tornado-style chart: a bar per input, total index (light) over first-order (dark).

    Each input's words sit on a line of their own above its bar, so they are not cut by
    the chart's left edge however the font measures them.
    """
    drivers = p.drivers[:SHOWN]
    left, bar_w, row = 4, 380, 40
    width = left + bar_w + 60
    height = 28 + row * len(drivers)
    parts = [
        f'<svg role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg" {_FONT} font-size="12" style="{_FIT}">',
        f"<title>{esc(p.proposal_id)}: what drives the score (Sobol indices)</title>",
        f'<text x="{left}" y="14" fill="#59636e">Sobol indices of the score: total (light), '
        "first-order (dark)</text>",
    ]
    for n, d in enumerate(drivers):
        y = 26 + n * row
        total_w = round(d.total * bar_w, 1)
        first_w = round(min(d.first_order, d.total) * bar_w, 1)
        parts += [
            f'<text x="{left}" y="{y + 12}" fill="#1f2328">{esc(_short(d.words, 64))}</text>',
            f'<rect x="{left}" y="{y + 17}" width="{total_w}" height="14" fill="#b6e3ff">'
            f"<title>{esc(d.words)}: total {d.total:.2f}</title></rect>",
            f'<rect x="{left}" y="{y + 17}" width="{first_w}" height="14" fill="#0969da">'
            f"<title>{esc(d.words)}: first-order {d.first_order:.2f}</title></rect>",
            f'<text x="{left + total_w + 6}" y="{y + 28}" fill="#1f2328">{d.total:.2f}</text>',
        ]
    parts.append("</svg>")
    return "".join(parts)


def _short(words: str, limit: int = 40) -> str:
    return words if len(words) <= limit else words[: limit - 1] + "…"


def rank_chart(u: Uncertainty, esc: Any) -> str:
    """Each proposal's rank interval (5–95 %) as a line, its median rank as a dot."""
    proposals = sorted(u.proposals, key=lambda p: (p.rank_median or 0, p.proposal_id))
    count = len(u.proposals)
    label_w, plot_w, row = 260, 360, 22
    width = label_w + plot_w + 40
    height = 40 + row * len(proposals)

    def x(r: float) -> float:
        return label_w + (r - 1) / max(count - 1, 1) * plot_w

    parts = [
        f'<svg role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg" {_FONT} font-size="12" style="{_FIT}">',
        "<title>Rank in the batch: median (dot) and 5–95 % interval (line); 1 is the "
        "highest score</title>",
    ]
    for tick in sorted({1, count, *range(5, count, 5)} if count > 10 else range(1, count + 1)):
        parts += [
            f'<line x1="{x(tick):.1f}" y1="16" x2="{x(tick):.1f}" y2="{height - 4}" '
            'stroke="#eaeef2"/>',
            f'<text x="{x(tick):.1f}" y="12" text-anchor="middle" fill="#59636e">{tick}</text>',
        ]
    for n, p in enumerate(proposals):
        y = 30 + n * row
        low, high, median = p.rank_low or 1, p.rank_high or 1, p.rank_median or 1
        colour = GRADE_COLOUR.get(p.grade, "#59636e")
        parts += [
            f'<text x="{label_w - 8}" y="{y + 4}" text-anchor="end" fill="#1f2328">'
            f"{esc(_short(p.proposal_id))}</text>",
            f'<line x1="{x(low):.1f}" y1="{y}" x2="{x(high):.1f}" y2="{y}" '
            f'stroke="{colour}" stroke-width="4" stroke-linecap="round"/>',
            f'<circle cx="{x(median):.1f}" cy="{y}" r="6" fill="#fff" stroke="{colour}" '
            f'stroke-width="3"><title>{esc(p.proposal_id)}: rank {esc(rank(p))}</title></circle>',
        ]
    parts.append("</svg>")
    return "".join(parts)
