"""A workbook's contents as text, read back with openpyxl: what a reader sees, not its bytes.

Every sheet's cells (value, type, style: font, fill, border, alignment, number format,
quote prefix), column widths, row heights, merged cells, page breaks, frozen panes,
filter, print setup, conditional formats and charts. Two workbooks with the same text
are the same workbook to a reader, whatever the order of their style table or the
compression of their parts (issue 13: the large sheets' rows are written as text).
Styles are listed once, in order of first use, and cells name them (``S1``).
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook

from tests.conftest import sheet_charts


def _colour(colour: Any) -> str:
    if colour is None:
        return "-"
    return str(colour.rgb if colour.type == "rgb" else f"{colour.type}:{colour.value}")


def _style(cell: Any) -> str:
    font, fill, alignment = cell.font, cell.fill, cell.alignment
    bottom = cell.border.bottom
    border = "-" if bottom is None else f"{bottom.style},{_colour(bottom.color)}"
    return (
        f"font={font.name},{font.sz},b={bool(font.b)},i={bool(font.i)},{_colour(font.color)} "
        f"fill={fill.fill_type},{_colour(fill.fgColor)} "
        f"border={border} "
        f"align={alignment.horizontal},{alignment.vertical},wrap={bool(alignment.wrap_text)} "
        f"format={cell.number_format!r} quote={bool(cell.quotePrefix)}"
    )


def _chart(chart: Any) -> list[str]:
    lines = [f"  chart {type(chart).__name__} at {chart.anchor._from.row},{chart.anchor._from.col}"]
    for part in [chart, *getattr(chart, "_charts", [])]:
        for series in part.series:
            values = series.val.numRef.f if series.val is not None else None
            title = series.tx.strRef.f if series.tx is not None and series.tx.strRef else None
            cats = series.cat.strRef.f if series.cat is not None and series.cat.strRef else None
            lines.append(f"    series {type(part).__name__} val={values} tx={title} cat={cats}")
    return lines


def contents(data: bytes) -> str:
    """The text of the workbook ``data`` (see the module docstring)."""
    wb = load_workbook(io.BytesIO(data))
    styles: dict[str, str] = {}
    out: list[str] = []
    for ws in wb.worksheets:
        out.append(f"== {ws.title}")
        out.append(f"  dimension={ws.calculate_dimension()} frozen={ws.freeze_panes}")
        out.append(f"  filter={ws.auto_filter.ref} print_area={ws.print_area}")
        out.append(f"  print_titles={ws.print_title_rows}")
        setup = ws.page_setup
        out.append(
            f"  page={setup.orientation},{setup.paperSize},{setup.scale} "
            f"fit={ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else None} "
            f"grid={ws.print_options.gridLines}"
        )
        margins = ws.page_margins
        out.append(
            f"  margins={margins.left:.4f},{margins.right:.4f},{margins.top},{margins.bottom},"
            f"{margins.header},{margins.footer}"
        )
        for name in ("left", "center", "right"):
            for where in (ws.oddHeader, ws.oddFooter):
                part = getattr(where, name)
                if part.text:
                    out.append(f"  headfoot {name}={part.text!r} size={part.size} font={part.font}")
        for key, dimension in sorted(ws.column_dimensions.items()):
            if dimension.customWidth:
                out.append(f"  width {key}={dimension.width}")
        out.append(f"  merged={sorted(str(r) for r in ws.merged_cells.ranges)}")
        out.append(f"  breaks={[b.id for b in ws.row_breaks.brk]}")
        for cf in ws.conditional_formatting:
            for rule in cf.rules:
                dxf = rule.dxf
                look = (
                    ""
                    if dxf is None
                    else f" fill={_colour(dxf.fill.fgColor) if dxf.fill else '-'}"
                    f" font={_colour(dxf.font.color) if dxf.font else '-'}"
                )
                out.append(f"  cf {cf.sqref} {rule.type} {rule.operator} {rule.formula}{look}")
        for chart in sheet_charts(ws):
            out.extend(_chart(chart))
        heights = ws.row_dimensions
        for row in ws.iter_rows():
            number = row[0].row or 0 if row else 0
            height = heights[number].height if number in heights else None
            out.append(f" row {number} ht={height}")
            for cell in row:
                if cell.value is None and not cell.has_style:
                    continue
                style = _style(cell)
                key = styles.setdefault(style, f"S{len(styles) + 1}")
                out.append(f"  {cell.coordinate} {key} {cell.data_type} {cell.value!r}")
    legend = [f"{key} = {style}" for style, key in styles.items()]
    return "\n".join([*legend, *out]) + "\n"
