"""The uncertainty analysis in the workbook: an ``Uncertainty`` sheet with the numbers and
native charts drawn live from them (grade shares per proposal, the drivers of each proposal,
rank intervals for a batch). Written in openpyxl's write-only mode, like the other sheets:
the rows first, then the charts that read them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from policycheck.robustness import Uncertainty
from policycheck.rubric import GRADES

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

SHEET = "Uncertainty"
GRADE_FILL = {"A": "1A7F37", "B": "0969DA", "C": "9A6700", "D": "BC4C00", "F": "CF222E"}
#: Driver charts drawn (one per proposal, the first ones); the table has them all.
MAX_DRIVER_CHARTS = 12
DRIVERS_SHOWN = 5
#: The columns printed: the proposal to its rank interval (A:O); the rest are for the screen.
PRINTED_COLUMNS = 15
HEADERS = (
    "Proposal ID",
    "Grade",
    "Score",
    *(f"P({g})" for g in GRADES),
    "Score p5",
    "Score median",
    "Score p95",
    "Robust",
    "Rank median",
    "Rank p5",
    "Rank p95",
    "Rank bar start",
    "Rank bar length",
    "Verdict",
)


def write_sheet(ws: Worksheet, u: Uncertainty, bold: Any) -> float:
    """Fill ``ws`` (write-only) with the analysis and its charts; ``bold`` is a bold font.

    Returns the printed width in character units: the columns up to the rank interval
    (what a reader needs on paper); the charts' helper columns and the verdict in words
    are for the screen. The drivers table puts each input's words last, where they run on
    into the empty cells to their right, so the columns stay narrow enough for one page.
    """
    from openpyxl.cell.cell import Cell
    from openpyxl.utils import get_column_letter

    proposals = u.proposals
    widths = {"A": 28, "Q": 14, "R": 110}
    for letter in (get_column_letter(n) for n in range(2, 18)):
        ws.column_dimensions[letter].width = widths.get(letter, 10)
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "B2"

    def heading(values: tuple[Any, ...], row: int) -> list[Cell]:
        cells = []
        for n, value in enumerate(values, start=1):
            cell = Cell(ws, row=row, column=n, value=value)
            cell.font = bold
            cells.append(cell)
        return cells

    def row_of(values: list[tuple[Any, str | None]], row: int) -> list[Cell]:
        cells = []
        for n, (value, number_format) in enumerate(values, start=1):
            cell = Cell(ws, row=row, column=n, value=value)
            if number_format is not None:
                cell.number_format = number_format
            cells.append(cell)
        return cells

    ws.append(heading(HEADERS, 1))
    share, score = "0.0%", "0.0"
    for n, p in enumerate(proposals, start=2):
        ranked = p.rank_low is not None and p.rank_high is not None
        ws.append(
            row_of(
                [
                    (p.proposal_id, None),
                    (p.grade, None),
                    (p.score, score),
                    *((s, share) for _, s in p.probabilities),
                    (p.score_low, score),
                    (p.score_median, score),
                    (p.score_high, score),
                    ("yes" if p.robust else "no", None),
                    (p.rank_median, None),
                    (p.rank_low, None),
                    (p.rank_high, None),
                    # The chart's floating bar covers the ranks from p5 to p95, whole.
                    ((p.rank_low or 1) - 0.5 if ranked else None, None),
                    ((p.rank_high or 1) - (p.rank_low or 1) + 1 if ranked else None, None),
                    (p.words, None),
                ],
                n,
            )
        )
    ws.append([])
    note_row = len(proposals) + 3
    ws.append(
        [
            f"{u.draws:,} runs, seed {u.seed}; robust when one grade holds in at least "
            f"{u.robust_share:.0%} of runs. Varied: {'; '.join(u.varied)}."
        ]
    )
    ws.append([])
    drivers_row = note_row + 2
    ws.append(heading(("Proposal ID", "Kind", "First-order", "Total", "Input"), drivers_row))
    spans: list[tuple[str, int, int]] = []
    row = drivers_row
    for p in proposals:
        shown = p.drivers[:DRIVERS_SHOWN]
        if shown:
            spans.append((p.proposal_id, row + 1, row + len(shown)))
        for d in shown:
            row += 1
            ws.append(
                row_of(
                    [
                        (p.proposal_id, None),
                        (d.kind, None),
                        (d.first_order, "0.00"),
                        (d.total, "0.00"),
                        (d.words, None),
                    ],
                    row,
                )
            )
    end = _charts(ws, u, spans, row + 2)
    last = get_column_letter(PRINTED_COLUMNS)
    ws.print_area = f"A1:{last}{max(end, row)}"
    return float(
        sum(ws.column_dimensions[get_column_letter(n)].width for n in range(1, PRINTED_COLUMNS + 1))
    )


def _charts(ws: Worksheet, u: Uncertainty, spans: list[tuple[str, int, int]], top: int) -> int:
    """Add the charts from row ``top`` down, each from a new printed page; the row after them."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.label import DataLabelList
    from openpyxl.chart.series import SeriesLabel
    from openpyxl.worksheet.pagebreak import Break

    count = len(u.proposals)
    if not count:
        return top
    first_p, last_p = 2, count + 1
    cats = Reference(ws, min_col=1, min_row=first_p, max_row=last_p)

    shares = BarChart()
    shares.type = "bar"
    shares.grouping = "percentStacked"
    shares.overlap = 100
    shares.title = "Share of runs per grade"
    shares.add_data(
        Reference(ws, min_col=4, max_col=3 + len(GRADES), min_row=1, max_row=last_p),
        titles_from_data=True,
    )
    shares.set_categories(cats)
    for series, grade in zip(shares.series, GRADES, strict=True):
        series.graphicalProperties.solidFill = GRADE_FILL[grade]
        series.graphicalProperties.line.solidFill = GRADE_FILL[grade]
    shares.x_axis.scaling.orientation = "maxMin"
    shares.x_axis.delete = False
    shares.y_axis.delete = False
    shares.y_axis.number_format = "0%"
    shares.width, shares.height = 24, max(7.0, 2.5 + 0.6 * count)
    anchor = top
    # Each chart starts a printed page, as on the Charts sheet: none is cut in two.
    ws.row_breaks.append(Break(id=anchor - 1))
    ws.add_chart(shares, f"A{anchor}")
    anchor += int(shares.height / 0.5) + 2

    if count > 1:
        ranks = BarChart()
        ranks.type = "bar"
        ranks.grouping = "stacked"
        ranks.overlap = 100
        ranks.title = "Rank interval (5–95 %), 1 = highest score"
        ranks.add_data(
            Reference(ws, min_col=16, max_col=16, min_row=1, max_row=last_p),
            titles_from_data=True,
        )
        ranks.add_data(
            Reference(ws, min_col=17, max_col=17, min_row=1, max_row=last_p),
            titles_from_data=True,
        )
        ranks.set_categories(cats)
        # The first segment (up to the 5th percentile) is left unpainted: a floating bar.
        ranks.series[0].graphicalProperties.noFill = True
        ranks.series[0].graphicalProperties.line.noFill = True
        ranks.series[1].graphicalProperties.solidFill = "0969DA"
        ranks.x_axis.scaling.orientation = "maxMin"
        ranks.x_axis.delete = False
        ranks.y_axis.delete = False
        ranks.y_axis.scaling.min = 0
        ranks.y_axis.scaling.max = count + 1
        ranks.y_axis.majorUnit = 1 if count <= 20 else 5
        ranks.y_axis.number_format = "0"
        ranks.legend = None
        ranks.width, ranks.height = 24, max(7.0, 2.5 + 0.6 * count)
        ws.row_breaks.append(Break(id=anchor - 1))
        ws.add_chart(ranks, f"A{anchor}")
        anchor += int(ranks.height / 0.5) + 2

    for pid, first, last in spans[:MAX_DRIVER_CHARTS]:
        chart = BarChart()
        chart.type = "bar"
        chart.title = f"{pid}: Sobol indices of the score"
        chart.add_data(Reference(ws, min_col=3, max_col=4, min_row=first, max_row=last))
        chart.series[0].tx = SeriesLabel(v="First-order")
        chart.series[1].tx = SeriesLabel(v="Total")
        chart.set_categories(Reference(ws, min_col=5, min_row=first, max_row=last))
        chart.series[0].graphicalProperties.solidFill = "0969DA"
        chart.series[1].graphicalProperties.solidFill = "B6E3FF"
        chart.x_axis.scaling.orientation = "maxMin"
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 1
        chart.dataLabels = DataLabelList(
            showVal=True, showSerName=False, showCatName=False, showLegendKey=False
        )
        chart.dataLabels.numFmt = "0.00"
        chart.width, chart.height = 24, 4.0 + 1.4 * (last - first + 1)
        ws.row_breaks.append(Break(id=anchor - 1))
        ws.add_chart(chart, f"A{anchor}")
        anchor += int(chart.height / 0.5) + 2
    return anchor
