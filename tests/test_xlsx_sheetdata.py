"""The large sheets' rows written as text (issue 13): each cell as openpyxl's own writer
writes it, the package spliced together, and long tables continued on numbered sheets."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree  # type: ignore[import-untyped]
from openpyxl import Workbook, load_workbook
from openpyxl.cell._writer import write_cell
from openpyxl.cell.cell import Cell
from openpyxl.styles.cell_style import StyleArray
from openpyxl.xml.functions import xmlfile

from policycheck import Report
from policycheck.render import xlsx
from policycheck.render.xlsx.brief import RowMerges
from policycheck.render.xlsx.direct import Scan, parts, register
from policycheck.render.xlsx.sheetdata import (
    Cells,
    column_cells,
    column_letter,
    escape,
    merged_cells,
    splice_into,
)
from policycheck.render.xlsx.styles import PLAIN, Styles
from policycheck.render.xlsx.tables import (
    FORMULA_START,
    INDICATOR_COLUMNS,
    INDICATORS,
    Column,
    Kind,
    Table,
    text,
    typed,
)
from tests.conftest import zip_of

SPECIAL = [
    *("text", "", " padded ", "=SUM(A1)", "=", "+1", "-1", "@x", "\tx", "\rx", "x\r\ny"),
    *("#N/A", "#DIV/0!", "#REF!", "a\x00b", "\ud800", "<&>\"'", "x" * 40_000, "é · –"),
]
VALUES = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(),
    st.integers(min_value=-(2**62), max_value=2**62),
    st.floats(),
    st.none(),
    st.booleans(),
    st.dates(),
    st.datetimes(),
)


def _tree(element: Any) -> Any:
    return (
        element.tag,
        dict(element.attrib),
        element.text or "",
        [_tree(child) for child in element],
    )


def _openpyxl_cell(ws: Any, value: Any, array: StyleArray) -> Any:
    """The cell as the workbook made it with openpyxl (before issue 13): text made valid, and
    text a spreadsheet reads as a formula kept text with a quote prefix; written by openpyxl."""
    cell = Cell(ws, row=3, column=2, style_array=StyleArray(array))
    shown = text(value) if isinstance(value, str) else value
    if isinstance(shown, str) and shown[:1] in FORMULA_START:
        cell._value = shown  # type: ignore[attr-defined]
        cell.data_type = "s"
        cell.quotePrefix = True
    else:
        cell.value = shown
    out = io.BytesIO()
    with xmlfile(out) as xf, xf.element("row"):
        write_cell(xf, ws, cell, cell.has_style)
    return _tree(etree.fromstring(out.getvalue())[0])


@pytest.mark.parametrize("kind", ["text", "wrap", "date"])
@given(value=VALUES)
def test_a_cell_is_written_as_openpyxl_writes_it(kind: Kind, value: Any) -> None:
    """Value, type, style id (the quoted variant, a date's format) and escaping."""
    value = typed(value, kind)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("T")
    styles = Styles(wb)
    scan = Scan([Column("X", kind)], None)
    scan.add([(value,)])
    listed = register(wb, ws, styles, scan, lambda *_: PLAIN, 0)
    (plain,), (quoted,) = listed.by_key[None]
    mine = Cells(FORMULA_START, listed.dates).cell("B3", value, plain, quoted)
    expected = _openpyxl_cell(ws, value, styles.array(kind))
    assert _tree(etree.fromstring(mine)) == expected


@given(st.text())
def test_escaped_text_reads_back(value: str) -> None:
    shown = xlsx.text(value)
    parsed = etree.fromstring(f"<t>{escape(shown)}</t>".encode())
    assert (parsed.text or "") == shown


@pytest.mark.parametrize(
    ("index", "letters"), [(1, "A"), (26, "Z"), (27, "AA"), (52, "AZ"), (703, "AAA")]
)
def test_column_letters(index: int, letters: str) -> None:
    from openpyxl.utils import get_column_letter

    assert column_letter(index) == letters == get_column_letter(index)


def test_splice_fills_the_empty_sheet_data_as_it_writes() -> None:
    source = zip_of(
        {
            "b.xml": b"<w><sheetData></sheetData><tail/></w>",
            "[Content_Types].xml": b"<Types/>",
            "c.xml": b"old",
        }
    )
    made = io.BytesIO()
    splice_into(
        made,
        source,
        (2026, 1, 1, 0, 0, 0),
        first="[Content_Types].xml",
        replace={"c.xml": b"new"},
        rows={"b.xml": lambda: iter(['<row r="1">', "</row>"] * 3)},
        level=1,
    )
    with zipfile.ZipFile(made) as archive:
        assert archive.namelist() == ["[Content_Types].xml", "b.xml", "c.xml"]
        assert archive.read("b.xml") == (
            b'<w><sheetData><row r="1"></row><row r="1"></row><row r="1"></row></sheetData>'
            b"<tail/></w>"
        )
        assert archive.read("c.xml") == b"new"
        assert {i.date_time for i in archive.infolist()} == {(2026, 1, 1, 0, 0, 0)}


def test_splice_refuses_a_sheet_without_empty_sheet_data() -> None:
    source = zip_of({"b.xml": b"<w><sheetData><row/></sheetData></w>"})
    with pytest.raises(ValueError, match="no empty <sheetData>"):
        splice_into(
            io.BytesIO(),
            source,
            (2026, 1, 1, 0, 0, 0),
            first="x",
            replace={},
            rows={"b.xml": lambda: iter(())},
            level=1,
        )


@pytest.mark.parametrize(
    ("count", "limit", "expected"),
    [
        (0, 10, [("T", 1, 0)]),
        (9, 10, [("T", 1, 9)]),
        (10, 10, [("T", 1, 9), ("T (2)", 10, 10)]),
        (
            20,
            5,
            [("T", 1, 4), ("T (2)", 5, 8), ("T (3)", 9, 12), ("T (4)", 13, 16), ("T (5)", 17, 20)],
        ),
    ],
)
def test_parts_of_a_long_table(
    count: int, limit: int, expected: list[tuple[str, int, int]]
) -> None:
    assert [(p.title, p.first, p.last) for p in parts("T", count, limit)] == expected


@pytest.fixture(scope="module")
def report(samples_report: Report) -> Report:
    return samples_report


def test_a_table_longer_than_a_sheet_continues_on_numbered_sheets(report: Report) -> None:
    """With room for 50 rows a sheet, the Indicators (and any other long table) go on
    "Indicators (2)" …, each with the header, filter and frozen panes; together they hold
    the rows of the whole table, in order; the About sheet lists them."""
    limit = 50
    rows = [xlsx.result_rows(r) for r in report.results]
    whole = load_workbook(io.BytesIO(xlsx.render_rows(report, rows)))
    split = load_workbook(io.BytesIO(xlsx.render_rows(report, rows, max_rows=limit)))
    expected = [list(r) for r in whole["Indicators"].iter_rows(values_only=True)]
    assert len(expected) > 2 * limit
    sheets = [n for n in split.sheetnames if n == "Indicators" or n.startswith("Indicators (")]
    assert sheets == ["Indicators"] + [f"Indicators ({n})" for n in range(2, len(sheets) + 1)]
    assert len(sheets) == -(-(len(expected) - 1) // (limit - 1))
    joined: list[list[Any]] = []
    for name in sheets:
        ws = split[name]
        got = [list(r) for r in ws.iter_rows(values_only=True)]
        assert 2 <= len(got) <= limit
        assert got[0] == expected[0]
        assert ws.freeze_panes == "B2"
        assert ws.auto_filter.ref == f"A1:P{len(got)}"
        assert ws.print_title_rows == "$1:$1"
        assert [ws.column_dimensions[c].width for c in "ABCI"] == [
            whole["Indicators"].column_dimensions[c].width for c in "ABCI"
        ]
        joined.extend(got[1:])
    assert joined == expected[1:]
    about = [r for r in split["About"].iter_rows(values_only=True) if r[0] == "Sheet"]
    listed = {str(r[1]): str(r[2]) for r in about}
    assert set(sheets) <= set(listed)
    total = len(expected) - 1
    assert listed["Indicators"].startswith(f"Indicators, rows 1 to {limit - 1} of {total:,}")
    assert listed[sheets[-1]].startswith(
        f"Indicators, rows {(len(sheets) - 1) * (limit - 1) + 1:,} to {total:,} of {total:,}"
    )
    # Sheets not over the limit are not split, and the other sheets keep their order.
    before = split.sheetnames[: split.sheetnames.index("Indicators")]
    assert [n.split(" (")[0] for n in before] == ["Brief"] * (
        len(before) - 1 - sum(n.startswith("Risks") for n in before)
    ) + ["Summary"] + ["Risks"] * sum(n.startswith("Risks") for n in before)


def test_dates_keep_their_own_format_outside_a_date_column() -> None:
    """A date where the column's format is not a date's takes openpyxl's date format."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("T")
    styles = Styles(wb)
    scan = Scan([Column("X", "wrap")], None)
    moment = dt.datetime(2026, 1, 2, 3, 4, 5)  # noqa: DTZ001
    scan.add([(moment,)])
    listed = register(wb, ws, styles, scan, lambda *_: PLAIN, 0)
    (plain,), (quoted,) = listed.by_key[None]
    made = Cells(FORMULA_START, listed.dates).cell("A1", moment, plain, quoted)
    style = int(etree.fromstring(made).get("s"))
    assert style != plain
    assert wb._cell_styles[style].numFmtId != wb._cell_styles[plain].numFmtId  # type: ignore[attr-defined]


def test_a_brief_longer_than_a_sheet_continues_on_whole_pages(report: Report) -> None:
    """The Brief goes on "Brief (2)" … when the next proposal's page would pass the limit: each
    sheet starts with a proposal's title, no page is cut, every proposal is there once, worst
    first, and the sheets print as the Brief does (no header row repeated, no grid)."""
    limit = 60
    rows = [xlsx.result_rows(r) for r in report.results]
    book = load_workbook(io.BytesIO(xlsx.render_rows(report, rows)))
    whole = book["Brief"]
    split = load_workbook(io.BytesIO(xlsx.render_rows(report, rows, max_rows=limit)))
    sheets = [n for n in split.sheetnames if n == "Brief" or n.startswith("Brief (")]
    assert sheets == ["Brief"] + [f"Brief ({n})" for n in range(2, len(sheets) + 1)]
    assert len(sheets) > 1
    assert split.sheetnames[len(sheets)] == "Summary"
    expected = [[c.value for c in row] for row in whole.iter_rows()]
    joined: list[list[Any]] = []
    titles = {r.brief.title for r in rows if isinstance(r.brief, xlsx.rows.BriefRows)}
    for name in sheets:
        ws = split[name]
        got = [[c.value for c in row] for row in ws.iter_rows()]
        assert len(got) <= limit
        assert got[0][0] in titles  # starts with a page
        assert ws.print_title_rows is None
        assert not ws.print_options.gridLines
        assert ws.page_setup.orientation == "portrait"
        joined.extend(got)
    assert joined == expected
    # page breaks before each page but a sheet's first
    breaks = sum(len(split[n].row_breaks.brk) for n in sheets)
    assert breaks == len(whole.row_breaks.brk) - (len(sheets) - 1)
    # the About sheet says which pages each sheet holds, as it does for a long table
    listed = [
        r for r in split["About"].iter_rows(values_only=True) if str(r[2]).startswith("Brief, ")
    ]
    assert [r[1] for r in listed] == sheets
    pages = len(report.results)
    first = 1
    for row in listed:
        held = re.fullmatch(rf"Brief, pages (\d+) to (\d+) of {pages} .*", str(row[2]))
        assert held is not None, row
        assert int(held[1]) == first
        first = int(held[2]) + 1
    assert first == pages + 1
    one = book["About"].iter_rows(values_only=True)
    assert not [r for r in one if str(r[2]).startswith("Brief, ")]  # one sheet: not listed


def test_a_column_of_cells_tells_apart_values_a_dict_takes_for_one() -> None:
    """0, 0.0, -0.0, False and True, 1 are equal keys, but not the same cells."""
    cells = Cells(FORMULA_START)
    column = column_cells(cells, "A", 1, 2, keep=False)
    values: list[Any] = [0, -0.0, 0.0, -0.0, 1, 1.0, "0"]
    made = [column[v] for v in values]
    assert made == [cells.cell("A\x00", v, 1, 2) for v in values]
    assert "<v>-0</v>" in made[1]
    assert "<v>0</v>" in made[2]
    kept = column_cells(cells, "A", 1, 2)
    assert [kept[v] for v in values] == made


_TEXT = st.one_of(st.none(), st.text(alphabet="ab \n", max_size=12), st.sampled_from(["a", "b"]))
_NUMBER = st.one_of(st.none(), st.integers(-5, 10**7), st.floats(allow_infinity=False, width=32))
#: A cell of each kind of column, as the rows hold them (a text column may hold a number or
#: a date: a value from the file).
_CELLS = {
    "int": st.one_of(st.none(), st.integers(0, 10**6)),
    "number": _NUMBER,
    "score": _NUMBER,
    "share": _NUMBER,
    "text": st.one_of(_TEXT, st.booleans(), _NUMBER, st.dates(dt.date(2000, 1, 1))),
    "wrap": _TEXT,
}
_INDICATOR_ROW = st.tuples(*[_CELLS[c.kind] for c in INDICATOR_COLUMNS])


@given(st.lists(st.lists(_INDICATOR_ROW, max_size=4), max_size=5))
def test_a_tables_measure_is_the_merge_of_each_results(
    results: list[list[tuple[Any, ...]]],
) -> None:
    """A batch's workers measure each result's rows (``Scan.measured``) and the main process
    merges the measures in order: the widths, kinds, looks (first appearance first) and
    count are those of one scan of every row."""
    table = Table(INDICATORS, INDICATOR_COLUMNS, ())
    whole = Scan(table.columns, xlsx._key(table))
    merged = Scan(table.columns, xlsx._key(table))
    for rows in results:
        whole.add(rows)
        apart = Scan(table.columns, xlsx._key(table))
        apart.add(rows)
        merged.merge(apart.measured())
    assert merged.count == whole.count
    assert merged.longest == whole.longest
    assert merged.types == whole.types
    assert list(merged.samples.items()) == list(whole.samples.items())
    assert merged.widths() == whole.widths()


@given(
    st.lists(
        st.tuples(st.integers(1, 16_384), st.integers(0, 20), st.integers(1, 1_048_576)),
        max_size=30,
    ),
    st.integers(-40, 40),
)
def test_the_briefs_merged_cells_held_as_numbers_read_as_their_ranges(
    spans: list[tuple[int, int, int]], index: int
) -> None:
    """The Brief's merged cells are kept as numbers (1.5 million ranges for 100,000 pages were
    120 MB as strings) and read as the ranges openpyxl would name."""
    from openpyxl.utils import get_column_letter

    merges = RowMerges()
    expected = []
    for first, extra, row in spans:
        last = min(first + extra, 16_384)
        merges.add(first, last, row)
        expected.append(f"{get_column_letter(first)}{row}:{get_column_letter(last)}{row}")
    assert len(merges) == len(expected)
    assert list(merges) == expected
    assert list(merges[1::2]) == expected[1::2]
    if -len(expected) <= index < len(expected):
        assert merges[index] == expected[index]
    else:
        with pytest.raises(IndexError):
            _ = merges[index]
    assert merged_cells(merges) == merged_cells(expected)
