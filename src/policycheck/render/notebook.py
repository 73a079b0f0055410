"""The rich display of ``policycheck.assess(...)`` in a notebook (``_repr_html_``).

A fragment, not a document: a notebook embeds it in its own page, so its style is scoped
to the fragment's class and sets nothing on the page around it. It reuses the HTML
report's pieces: escaping, the grade colours and, for a single proposal, the radar chart
of its criteria. Pure: no I/O, no clock.
"""

from __future__ import annotations

from policycheck.assessment import Assessment, Failure, Report
from policycheck.render.html import GRADE_COLOUR, GRADE_OTHER, esc, radar
from policycheck.render.markdown import files_line, grade_counts, severity_counts

#: How many problems of an unusable file the display lists (the rest are counted).
PROBLEMS_SHOWN = 3

_STYLE = """\
.policycheck-results { font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial,
  sans-serif; color: #1f2328; }
.policycheck-results table { border-collapse: collapse; margin: .4em 0; }
.policycheck-results th, .policycheck-results td { border: 1px solid #d1d9e0;
  padding: .25em .5em; text-align: left; vertical-align: top; }
.policycheck-results th { background: #f6f8fa; }
.policycheck-results td.num { text-align: right; font-variant-numeric: tabular-nums; }
.policycheck-results .badge { display: inline-block; min-width: 1.6em; padding: 0 .5em;
  border-radius: 999px; color: #fff; font-weight: 700; text-align: center; }
.policycheck-results .meta { color: #59636e; }
.policycheck-results svg text { font: 12px system-ui, sans-serif; fill: #1f2328; }
.policycheck-results svg text.ring { font-size: 9px; fill: #6e7781; }"""


def _badge(grade: str) -> str:
    colour = "#6e7781" if grade == "invalid" else GRADE_COLOUR.get(grade, GRADE_OTHER)
    return f'<span class="badge" style="background:{colour}">{esc(grade)}</span>'


def _row(res: Assessment | Failure) -> str:
    if isinstance(res, Failure):
        shown = "; ".join(esc(f"line {p.line}: {p.message}") for p in res.problems[:PROBLEMS_SHOWN])
        more = len(res.problems) - PROBLEMS_SHOWN
        if more > 0:
            shown += f"; {more} more"
        return (
            f"<tr><td><code>{esc(res.file)}</code></td><td>{_badge('invalid')}</td>"
            f'<td colspan="5">{shown}</td></tr>'
        )
    a = res
    known = f"{a.coverage:.0%}" + (" (provisional)" if a.provisional else "")
    top = f"{esc(a.risks[0].id)} {esc(a.risks[0].severity.value)}" if a.risks else "—"
    spread = "—" if a.score_low == a.score_high else f"{a.score_low:.1f}–{a.score_high:.1f}"
    return (
        f"<tr><td><code>{esc(a.proposal_id)}</code></td><td>{_badge(a.grade)}</td>"
        f'<td class="num">{a.score:.1f}</td><td class="num">{spread}</td>'
        f'<td class="num">{known}</td><td class="num">{severity_counts(a)}</td>'
        f"<td>{top}</td></tr>"
    )


def results_html(report: Report) -> str:
    """A table of the results (grade, score, range, coverage, risks) and, for one
    proposal, its radar chart."""
    r = report.rubric
    grades = grade_counts(report)
    out = [
        '<div class="policycheck-results">',
        f"<style>{_STYLE}</style>",
        f'<p class="meta">policycheck {esc(report.tool_version)} · rubric {esc(r.id)} '
        f"{esc(r.version)} · {esc(files_line(report))}"
        + (f" · grades {esc(grades)}" if grades else "")
        + "</p>",
    ]
    if report.results:
        out += [
            "<table>",
            "<thead><tr><th>Proposal</th><th>Grade</th><th>Score</th><th>Range</th>"
            "<th>Known</th><th>Risks C/H/M/L</th><th>Top risk</th></tr></thead>",
            "<tbody>",
            *(_row(res) for res in report.results),
            "</tbody>",
            "</table>",
        ]
    else:
        out.append("<p>No proposals assessed.</p>")
    if len(report.results) == 1 and report.assessments and report.assessments[0].criteria:
        out.append(radar(report.assessments[0], "policycheck-radar"))
    out.append("</div>")
    return "\n".join(out)
