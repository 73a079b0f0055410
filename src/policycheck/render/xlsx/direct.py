"""The workbook's per-proposal sheets, written as text (``sheetdata``) from rows read twice.

A batch's rows are read in two passes. The first keeps each result's Summary, Gate and
About rows as they are (``Heads``, with in memory only what the workbook needs of all of
them at once: their order, the criteria, the waived risks), packs the Brief, Risks,
Sources and Indicators rows compactly (pickled, the Risks by severity), and measures the
long tables (their columns' widths, the kinds of value and the looks their rows take, for
the style table openpyxl writes before any row). It is made a result at a time where the result is (``packed_parts``:
in a batch's worker, which compresses the packed rows in a large batch) and put
together in order as the results arrive (``Gathering``): the measures of a table over
each result merge into its measure over all. The second reading unpacks the rows of
each sheet as it is written; the Indicators rows, half of all cells, are read only
then.

A table longer than a sheet can hold (Excel: 1,048,576 rows, its header included)
continues on sheets named "Indicators (2)", "Indicators (3)" …, each with the header,
widths, filter, frozen panes and print setup of the first; the About sheet says which
rows each holds.
"""

from __future__ import annotations

import datetime as dt
import itertools
import pickle
import zlib
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from policycheck.render.parts import Parts, Shelf, spilled
from policycheck.render.xlsx.rows import BriefRows, Criteria, ResultRows, SummaryCells
from policycheck.render.xlsx.sheetdata import (
    Cells,
    column_cells,
    column_letter,
    row_start,
    table_rows,
)
from policycheck.render.xlsx.styles import Look
from policycheck.render.xlsx.tables import (
    FORMULA_START,
    LINE_HEIGHT,
    MAX_ROW_HEIGHT,
    NUMBER_FORMATS,
    RISK_COLUMNS,
    Column,
    lines,
    typed,
)

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from policycheck.render.xlsx.styles import Styles

#: Excel's limit on the rows of a sheet.
EXCEL_MAX_ROWS = 1_048_576
#: Kinds written as floating-point numbers, and as integers.
FLOAT_KINDS = frozenset({"score", "number", "share"})
#: The value types a column of each kind takes without conversion (see ``tables.typed``).
_NUMBERS = {int, float, type(None)}
_DATE_TYPES: frozenset[str] = frozenset({"date", "datetime", "time", "timedelta"})

Row = tuple[Any, ...]
LookOf = Callable[[Sequence[object], int, Column, int], Look]


def _longest_line(value: str) -> int:
    return max(map(len, value.split("\n"))) if "\n" in value else len(value)


@dataclass(frozen=True, slots=True)
class Measured:
    """A table's measure over some of its rows (``Scan.measured``): how many, each column's
    longest line and kinds of value, and a row of each look in order of first appearance."""

    count: int
    longest: tuple[int, ...]
    types: tuple[frozenset[type], ...]
    samples: tuple[tuple[Hashable, Row], ...]


class Scan:
    """What a table's rows need before they are written, from one reading: each column's
    longest line and kinds of value, and a row of each look (``key``)."""

    def __init__(self, columns: Sequence[Column], key: Callable[[Row], Hashable] | None) -> None:
        self.columns = tuple(columns)
        self.count = 0
        self.longest = [len(c.header) for c in columns]
        self.types: list[set[type]] = [set() for _ in columns]
        #: A row of each look, in order of first appearance.
        self.samples: dict[Hashable, Row] = {}
        self._key = key
        self._numeric = [c.kind in FLOAT_KINDS for c in columns]
        self._counted = [c.kind != "int" for c in columns]

    def add(self, rows: Sequence[Row]) -> None:
        """Count ``rows`` in."""
        if not rows:
            return
        self.count += len(rows)
        samples = self.samples
        if self._key is None:
            samples.setdefault(None, rows[0])
        else:
            for key, row in zip(map(self._key, rows), rows, strict=True):
                if key not in samples:
                    samples[key] = row
        longest = self.longest
        for index, values in enumerate(zip(*rows, strict=True)):
            kinds = set(map(type, values))
            self.types[index] |= kinds
            if not self._counted[index]:
                continue
            if self._numeric[index]:
                # written as a float: six characters wide at least
                if longest[index] < 6 and any(typed(v, "score") is not None for v in values):
                    longest[index] = 6
                continue
            if (
                float in kinds
                and longest[index] < 6
                and any(type(v) is float and v == v for v in values)
            ):
                longest[index] = 6
            if str not in kinds:
                continue
            strings = values if len(kinds) == 1 else [v for v in values if type(v) is str]
            if max(map(len, strings)) > longest[index]:
                most = max(_longest_line(v) for v in strings if len(v) > longest[index])
                longest[index] = max(longest[index], most)

    def measured(self) -> Measured:
        """What has been counted in, to be merged into the table's scan (``merge``)."""
        return Measured(
            self.count,
            tuple(self.longest),
            tuple(frozenset(kinds) for kinds in self.types),
            tuple(self.samples.items()),
        )

    def merge(self, part: Measured) -> None:
        """Count in rows measured apart (another result's, in a worker): every measure is a
        greatest, a union or a first appearance, so merging each result's in the order of the
        results gives what counting all of them in here gives."""
        if not part.count:
            return
        self.count += part.count
        for key, row in part.samples:
            self.samples.setdefault(key, row)
        longest = self.longest
        for index, most in enumerate(part.longest):
            if most > longest[index]:
                longest[index] = most
        for kinds, found in zip(self.types, part.types, strict=True):
            kinds |= found

    def widths(self) -> list[float]:
        return [
            max(column.min_width, min(column.max_width, most + 2))
            for column, most in zip(self.columns, self.longest, strict=True)
        ]

    def exact(self) -> bool:
        """Whether the values need no conversion to be written as ``tables.typed`` makes them."""
        for column, kinds in zip(self.columns, self.types, strict=True):
            if column.kind in FLOAT_KINDS and not kinds <= _NUMBERS:
                return False
            if column.kind == "int" and not kinds <= {int, type(None)}:
                return False
        return True


@dataclass
class TableStyles:
    """Each look's style ids for a table's cells (plain, and quote-prefixed), and the ids a
    date takes where its column's format is not a date's."""

    header: tuple[list[int], list[int]]
    by_key: dict[Hashable, tuple[list[int], list[int]]] = field(default_factory=dict)
    dates: dict[tuple[int, type], int] = field(default_factory=dict)


def register(
    wb: Workbook,
    ws: Worksheet,
    styles: Styles,
    scan: Scan,
    look: LookOf,
    status: int,
) -> TableStyles:
    """List in ``wb``'s style table the styles ``scan``'s rows take (as writing cells made with
    them would), and give their ids."""
    from openpyxl.cell.cell import Cell
    from openpyxl.styles.cell_style import StyleArray

    listed = wb._cell_styles  # type: ignore[attr-defined]

    def ids(array: StyleArray) -> tuple[int, int]:
        quoted = StyleArray(array)
        quoted.quotePrefix = 1
        return listed.add(StyleArray(array)), listed.add(quoted)

    header = ids(styles.array("header"))
    columns = scan.columns
    made = TableStyles(([header[0]] * len(columns), [header[1]] * len(columns)))
    samples = {
        "date": dt.date(2000, 1, 1),
        "datetime": dt.datetime(2000, 1, 1),  # noqa: DTZ001 -- a sample of the type
        "time": dt.time(0),
        "timedelta": dt.timedelta(0),
    }
    for key, row in scan.samples.items():
        plain, quoted = [], []
        for index, column in enumerate(columns):
            array = styles.array(column.kind, look(row, index, column, status))
            found = ids(array)
            plain.append(found[0])
            quoted.append(found[1])
            if NUMBER_FORMATS.get(column.kind) == "yyyy-mm-dd":
                continue
            for kind in scan.types[index]:
                if kind.__name__ in _DATE_TYPES:
                    cell = Cell(ws, row=1, column=1, style_array=StyleArray(array))
                    cell.value = samples[kind.__name__]  # type: ignore[assignment]
                    made.dates[found[0], kind] = listed.add(StyleArray(cell._style))  # type: ignore[attr-defined]
        made.by_key[key] = (plain, quoted)
    return made


@dataclass
class Part:
    """One sheet of a table: its title and the rows it holds (``first`` to ``last``, 1-based
    among the table's rows)."""

    title: str
    first: int
    last: int

    @property
    def count(self) -> int:
        return self.last - self.first + 1


def parts(name: str, count: int, max_rows: int) -> list[Part]:
    """The sheets a table of ``count`` rows takes when a sheet holds ``max_rows`` (its header
    included): "Indicators", "Indicators (2)" …"""
    per = max(1, max_rows - 1)
    made = []
    for number, first in enumerate(range(0, max(count, 1), per), start=1):
        title = name if number == 1 else f"{name} ({number})"
        made.append(Part(title, first + 1, min(count, first + per)))
    return made


def table_xml(
    columns: Sequence[Column],
    rows: Iterator[Row],
    count: int,
    widths: Sequence[float],
    styles: TableStyles,
    key: Callable[[Row], Hashable] | None,
    exact: bool,
    types: Sequence[set[type]],
) -> Iterator[str]:
    """The ``<row>`` elements of a sheet of a table: its header, then ``count`` of ``rows``."""
    letters = [column_letter(i) for i in range(1, len(columns) + 1)]
    cells = Cells(FORMULA_START, styles.dates)
    header_lines = max(lines(c.header, w) for c, w in zip(columns, widths, strict=True))
    header_height = min(MAX_ROW_HEIGHT, max(2, header_lines) * LINE_HEIGHT)
    yield row_start(1, header_height)
    plain, quoted = styles.header
    yield "".join(
        cells.cell(f"{letter}1", c.header, plain[i], quoted[i])
        for i, (letter, c) in enumerate(zip(letters, columns, strict=True))
    )
    yield "</row>"
    wrapped = [(i, widths[i]) for i, c in enumerate(columns) if c.kind == "wrap"]
    keep = [bool not in kinds for kinds in types]
    by_key: dict[Hashable, list[dict[object, str]]] = {}

    def made(key: Hashable) -> list[dict[object, str]]:
        plain, quoted = styles.by_key[key]
        found = by_key[key] = [
            column_cells(cells, letter, style, alternative, keep=kept)
            for letter, style, alternative, kept in zip(letters, plain, quoted, keep, strict=True)
        ]
        return found

    def columns_of(row: Sequence[object]) -> Sequence[dict[object, str]]:
        found = None if key is None else key(row)  # type: ignore[arg-type]
        return by_key.get(found) or made(found)

    chosen: Iterator[Row] = itertools.islice(rows, count)
    if not exact:
        kinds = [c.kind for c in columns]
        chosen = (tuple(typed(v, k) for v, k in zip(row, kinds, strict=True)) for row in chosen)
    yield from table_rows(2, chosen, columns_of, wrapped, lines, LINE_HEIGHT, MAX_ROW_HEIGHT)


# --- the first reading ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResultParts:
    """One result's rows as the first reading keeps them (``packed_parts``): its small rows, its
    Brief page (None for a file not assessed), its Risks rows by severity rank, its Sources
    and Indicators rows, each pickled (and compressed in a large batch), and the measures
    of the three long tables over its rows."""

    head: ResultRows
    brief: bytes
    risks: bytes
    sources: bytes
    indicators: bytes
    #: The Risks', Indicators' and Sources' measures over this result's rows.
    measured: tuple[Measured, Measured, Measured]


def _packed(value: object, compress: bool) -> bytes:
    data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    return zlib.compress(data, 1) if compress else data


def unpacked(data: bytes) -> Any:
    """What ``_packed`` packed: a pickle (whose first byte is the protocol's opcode, 0x80), or
    one compressed (zlib's first byte is never 0x80)."""
    return pickle.loads(data if data[:1] == b"\x80" else zlib.decompress(data))


#: The Risks, Indicators and Sources tables' columns and how their rows' looks are told
#: apart (see ``Scan``).
LongTables = tuple[
    tuple[Sequence[Column], Callable[[Row], Hashable] | None],
    tuple[Sequence[Column], Callable[[Row], Hashable] | None],
    tuple[Sequence[Column], Callable[[Row], Hashable] | None],
]


def packed_parts(
    r: ResultRows, tables: LongTables, rank_of: Callable[[Row], int], *, compress: bool
) -> ResultParts:
    """``r`` as the first reading keeps it (module-level: a worker process may apply it)."""
    by_rank: dict[int, list[Row]] = {}
    for row in r.risks:
        by_rank.setdefault(rank_of(row), []).append(row)
    measured = []
    for (columns, key), rows in zip(tables, (r.risks, r.indicators, r.sources), strict=True):
        scan = Scan(columns, key)
        scan.add(rows)
        measured.append(scan.measured())
    assessed = isinstance(r.brief, BriefRows)
    return ResultParts(
        replace(r, risks=(), indicators=(), sources=(), brief="" if assessed else r.brief),
        _packed(r.brief if assessed else None, compress),
        _packed({rank: tuple(rows) for rank, rows in by_rank.items()}, compress),
        _packed(tuple(r.sources), compress),
        _packed(tuple(r.indicators), compress),
        (measured[0], measured[1], measured[2]),
    )


class Heads:
    """What the workbook keeps of each result besides its long tables and Brief page: its
    Summary and About cells, in order, as plain tuples in a store of parts (spilled to a
    temporary file in a batch); and, in memory, what it asks of all results at once, kept
    as they are added: each result's order and proposal id, the criteria, the Gate sheet's
    rows of waived risks, the files not assessed and how many About rows there are. (Kept
    whole, 100,000 results' rows were 280 MB.)"""

    def __init__(self, store: Parts[tuple[Criteria, SummaryCells, tuple[Row, ...]]]) -> None:
        self._store = store
        #: Each result's ``ResultRows.order`` (None: not assessed).
        self.orders: list[tuple[float, int, str] | None] = []
        self.ids: list[str] = []
        #: (id, title) of each criterion, in the order the results give them first.
        self.criteria: dict[str, str] = {}
        self.waived: list[Row] = []
        #: (file, problems) of each file not assessed, and their positions.
        self.failures: list[tuple[str, str]] = []
        self.unassessed: list[int] = []
        self.about_count = 0

    def append(self, r: ResultRows) -> None:
        if not r.assessed:
            self.unassessed.append(len(self.orders))
            self.failures.append((r.file, str(r.brief)))
        self._store.append((r.criteria, r.summary, r.about))
        self.orders.append(r.order)
        self.ids.append(r.proposal_id)
        for cid, title, _ in r.criteria:
            self.criteria.setdefault(cid, title)
        self.waived.extend(r.waived)
        self.about_count += len(r.about)

    def __len__(self) -> int:
        return len(self.orders)

    def summary(self, index: int) -> tuple[Criteria, SummaryCells]:
        """The ``index``-th result's criteria and Summary cells (``ResultRows``)."""
        criteria, cells, _ = self._store[index]
        return criteria, cells

    def about_rows(self) -> Iterator[Row]:
        """The About sheet's rows of every input, in order."""
        for _, _, rows in self._store:
            yield from rows


@dataclass
class Gathered:
    """What the first reading of a batch keeps (see the module docstring): each result's
    small rows (``Heads``), its Brief page, Risks, Sources and Indicators rows packed, all
    spilled to temporary files in a batch (``render.parts``), so that what stays in memory
    is small a result; and the long tables' scans."""

    heads: Heads
    briefs: Parts[bytes]
    risks: Parts[bytes]
    sources: Parts[bytes]
    indicators: Parts[bytes]
    #: The Risks', Indicators' and Sources' scans, by table name.
    scans: dict[str, Scan]

    def brief(self, index: int) -> BriefRows:
        found: BriefRows | None = unpacked(self.briefs[index])
        assert found is not None, "an assessed result has a Brief page"
        return found

    def risk_rows(self, ranks: Sequence[int], by_id: Sequence[int]) -> Iterator[Row]:
        """The Risks rows, the most severe first, then by proposal id, in the order
        assessed among equals."""
        by_rank: dict[int, tuple[Row, ...]]
        for rank in ranks:
            for index in by_id:
                by_rank = unpacked(self.risks[index])
                yield from by_rank.get(rank, ())

    def source_rows(self) -> Iterator[Row]:
        for data in self.sources:
            yield from unpacked(data)

    def indicator_rows(self) -> Iterator[Row]:
        """The second reading: each result's Indicators rows, in order."""
        for data in self.indicators:
            yield from unpacked(data)


class Gathering:
    """The first reading put together as each result's parts arrive, in order."""

    def __init__(self, scans: dict[str, Scan], names: tuple[str, str, str], shelf: Shelf = spilled):
        #: The long tables' names, in the order of ``ResultParts.measured``.
        self._names = names
        self.gathered = Gathered(Heads(shelf()), shelf(), shelf(), shelf(), shelf(), scans)

    def add(self, part: ResultParts) -> None:
        done = self.gathered
        done.heads.append(part.head)
        done.briefs.append(part.brief)
        done.risks.append(part.risks)
        done.sources.append(part.sources)
        done.indicators.append(part.indicators)
        for name, measured in zip(self._names, part.measured, strict=True):
            done.scans[name].merge(measured)


def risk_rank(severities: dict[str, int]) -> Callable[[Row], int]:
    severity = [c.header for c in RISK_COLUMNS].index("Severity")
    return lambda row: severities.get(row[severity], 0)
