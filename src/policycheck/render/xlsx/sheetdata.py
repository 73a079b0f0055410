"""A sheet's rows as SpreadsheetML text, and the package they are spliced into.

openpyxl writes the workbook's shell (styles, widths, panes, filters, print setup,
charts); the rows of the large sheets (a million cells at 1,000 proposals) are
written here as text, a few hundred nanoseconds a cell where openpyxl takes tens of
microseconds, and spliced into each sheet's empty ``<sheetData>`` as the package is
written, compressed as they are made (``splice``): memory stays flat.

A cell is written as openpyxl writes it (``openpyxl.cell._writer``): text inline
(``t="inlineStr"``, ``xml:space="preserve"`` when it has leading or trailing
space), numbers as ``%.16g``, dates as Excel serial numbers, the error codes as
errors, an empty styled cell as ``<c r=.. s=.. t="n"></c>``; only non-ASCII
characters are written as UTF-8 where openpyxl writes character references (the
same text to any reader). Text is made valid first (``tables.text``: characters XML
1.0 forbids replaced, cut to Excel's 32,767-character limit); text a spreadsheet
would take for a formula gets the quote-prefixed variant of its style (``quoted``).
``tests/test_xlsx_sheetdata.py`` checks cells against openpyxl's own writer.

openpyxl is imported only when cells are written: ``policycheck.render.xlsx`` is imported
by workers that only pack rows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import itertools
import math
import shutil
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import IO, Any, BinaryIO

from policycheck.render.xlsx.apart import CAN_FORK, MadeApart
from policycheck.render.xlsx.tables import EXCEL_CELL_LIMIT, text

#: openpyxl's ``ERROR_CODES``: text equal to one is written as an error value.
ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))
#: What an empty ``<sheetData>`` looks like in openpyxl's output.
EMPTY_SHEET_DATA = (b"<sheetData></sheetData>", b"<sheetData />", b"<sheetData/>")
#: Characters written to the package at a time.
FLUSH_CHARS = 1 << 20
#: Cells kept made at most, a column (ids, titles and statuses repeat on the rows of a proposal:
#: a small cache keeps them; unique text is not kept long).
_CACHE_LIMIT = 4_096


def escape(value: str) -> str:
    """``value`` as XML character data (as lxml escapes text: ``&``, ``<``, ``>`` and CR)."""
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if "\r" in value:
        value = value.replace("\r", "&#13;")
    return value


def column_letter(index: int) -> str:
    """The letters of column ``index`` (1-based): A … Z, AA …"""
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def number(value: float) -> str:
    """A number as openpyxl writes it (``safe_string``): ``%.16g``, nothing for NaN or infinity."""
    if math.isnan(value) or math.isinf(value):
        return ""
    return "%.16g" % value  # noqa: UP031 -- openpyxl's format


class Cells:
    """Writes cells: ``cell(ref, value, style, quoted)`` gives ``<c …>…</c>``.

    ``quoted`` is the style's quote-prefixed variant, for text a spreadsheet would read as a
    formula (it starts with one of ``formula_start``); ``dates`` maps a style to the one a
    date or time takes where its own number format is not a date's (as openpyxl changes a
    cell's format when given a date). Text is made valid (``tables.text``) and escaped once
    per distinct string.
    """

    def __init__(
        self,
        formula_start: frozenset[str],
        dates: Mapping[tuple[int, type], int] | None = None,
    ) -> None:
        from openpyxl.utils.datetime import to_excel

        self._start = formula_start
        self._dates = dates or {}
        self._serial: Callable[[object], float] = to_excel
        #: string -> (quoted, the rest of its cell after ``s="…"``)
        self._text: dict[str, tuple[bool, str]] = {}

    def text_tail(self, value: str) -> tuple[bool, str]:
        """(whether the cell takes the quoted style, the cell from its type on)."""
        found = self._text.get(value)
        if found is not None:
            return found
        # Printable ASCII (most text) is valid XML and short enough as it is.
        printable = value.isascii() and value.isprintable() and len(value) <= EXCEL_CELL_LIMIT
        shown = value if printable else text(value)
        if not shown:
            made = (False, ' t="n"></c>')
        else:
            quoted = shown[0] in self._start
            if not quoted and shown in ERROR_CODES:
                made = (False, f' t="e"><v>{escape(shown)}</v></c>')
            else:
                space = ' xml:space="preserve"' if shown != shown.strip() else ""
                made = (quoted, f' t="inlineStr"><is><t{space}>{escape(shown)}</t></is></c>')
        if len(self._text) >= _CACHE_LIMIT:
            self._text.clear()
        self._text[value] = made
        return made

    def cell(self, ref: str, value: object, style: int, quoted: int) -> str:
        """The cell at ``ref`` holding ``value`` (None or "" for an empty cell) in ``style``."""
        kind = type(value)
        if kind is str:
            is_quoted, tail = self.text_tail(value)  # type: ignore[arg-type]
            return f'<c r="{ref}" s="{quoted if is_quoted else style}"{tail}'
        if value is None or (kind is float and value != value):
            return f'<c r="{ref}" s="{style}" t="n"></c>'
        if kind is bool:
            return f'<c r="{ref}" s="{style}" t="b"><v>{int(value)}</v></c>'  # type: ignore[call-overload]
        if kind is int or kind is float:
            return f'<c r="{ref}" s="{style}" t="n"><v>{number(value)}</v></c>'  # type: ignore[arg-type]
        if isinstance(value, dt.date | dt.time | dt.timedelta):
            style = self._dates.get((style, kind), style)
            days = float(self._serial(value))
            return f'<c r="{ref}" s="{style}" t="n"><v>{number(days)}</v></c>'
        if isinstance(value, int | float):
            return f'<c r="{ref}" s="{style}" t="n"><v>{number(value)}</v></c>'
        return self.cell(ref, str(value), style, quoted)


def row_start(number: int, height: float | None) -> str:
    """A row's start tag, with its height when it has one (as openpyxl writes a row)."""
    if height is None:
        return f'<row r="{number}">'
    return f'<row r="{number}" ht="{number_text(height)}" customHeight="1">'


def number_text(value: float) -> str:
    return number(float(value))


def splice_into(
    out: BinaryIO,
    data: bytes,
    when: tuple[int, int, int, int, int, int],
    *,
    first: str,
    replace: Mapping[str, bytes],
    rows: Mapping[str, Callable[[], Iterable[str]]],
    level: int,
    large: Callable[[str], bool] = lambda _name: False,
    merges: Mapping[str, Sequence[str]] | None = None,
    last: str | None = None,
    apart: bool = False,
) -> None:
    """The package ``data`` rewritten into ``out`` (a seekable binary file): fixed timestamps
    and attributes, ``first`` first (then openpyxl's order), parts in ``replace`` replaced,
    and the empty ``<sheetData>`` of each part in ``rows`` filled with the text its function
    makes, compressed as it is made and written as it is compressed.

    ``large(name)`` says a part may pass 2 GiB (it is then written with zip64 sizes);
    ``merges`` gives the merged ranges of a part in ``rows`` (written after its rows: the
    sheet must have nothing openpyxl writes between them, such as a filter).

    ``last`` names a part in ``rows`` written after all others; with ``apart``, its text is
    made in a child process meanwhile (``apart.MadeApart``), where one can be forked.
    """
    merges = merges or {}
    with (
        contextlib.ExitStack() as stack,
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        made = None
        if apart and CAN_FORK and last is not None and last in rows:
            opening, closing = _framing(source.read(last), last, merges)
            made = MadeApart(functools.partial(_deflated, opening, rows[last], closing, level))
            stack.callback(made.close)
        names = source.namelist()
        # stable: keeps openpyxl's order
        names.sort(key=lambda name: (name != first, name == last))
        for name in names:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info._compresslevel = level  # type: ignore[attr-defined]
            info.create_system = 0
            info.external_attr = 0o600 << 16
            payload = replace.get(name)
            if payload is not None:
                target.writestr(info, payload)
                continue
            make = rows.get(name)
            if make is None:
                info.file_size = source.getinfo(name).file_size
                with source.open(name) as part, target.open(info, "w") as copy:
                    shutil.copyfileobj(part, copy, 1 << 20)
                continue
            if made is not None and name == last:
                with target.open(info, "w", force_zip64=large(name)) as part:
                    _write_deflated(part, made.text())
                continue
            opening, closing = _framing(source.read(name), name, merges)
            with (
                target.open(info, "w", force_zip64=large(name)) as part,
                ThreadPoolExecutor(1) as compressor,
            ):
                part.write(opening)
                # zlib lets go of the interpreter while it compresses: a piece is compressed
                # while the next is made (one at a time, in order: the same bytes).
                pending: Future[int] | None = None
                for piece in _encoded(make):
                    if pending is not None:
                        pending.result()
                    pending = compressor.submit(part.write, piece)
                if pending is not None:
                    pending.result()
                part.write(closing)


#: The CRC-32 and size of a part made compressed (``_deflated``), after its data.
_TRAILER = struct.Struct("<LQ")


def _deflated(
    opening: bytes, make: Callable[[], Iterable[str]], closing: bytes, level: int
) -> Iterator[bytes]:
    """A part (``opening``, the text ``make`` gives, ``closing``) compressed as the package
    compresses a part (raw deflate at ``level``; zlib gives the same bytes however the input
    is cut), then its CRC-32 and size (``_TRAILER``): the child that makes the last part
    (``apart``) compresses it too, so that the parent only copies it in."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    crc = size = 0
    for data in itertools.chain((opening,), _encoded(make), (closing,)):
        crc = zlib.crc32(data, crc)
        size += len(data)
        if packed := compressor.compress(data):
            yield packed
    yield compressor.flush()
    yield _TRAILER.pack(crc, size)


class _AsIs:
    """A zip member's compressor for data compressed already."""

    @staticmethod
    def compress(data: bytes) -> bytes:
        return data

    @staticmethod
    def flush() -> bytes:
        return b""


#: What ``_write_deflated`` sets on a zip member it writes compressed data into (as zipfile's
#: writer has had them from Python 3.6 to 3.14).
_WRITER_FIELDS = ("_compressor", "_crc", "_file_size")


def _write_deflated(part: IO[bytes], pieces: Iterable[bytes]) -> None:
    """Write into the open zip member ``part`` the data ``_deflated`` made: copied as it is,
    then the member takes the CRC-32 and size of what was compressed (zipfile writes them into
    its headers when the member is closed). A writer without the fields this sets (another
    zipfile than Python 3.6 to 3.14's) is given the text, decompressed, as any part is."""
    writer: Any = part
    as_is = all(hasattr(writer, field) for field in _WRITER_FIELDS)
    if as_is:
        writer._compressor = _AsIs()
    expand = zlib.decompressobj(-15)
    held = b""
    for piece in pieces:
        held += piece
        if len(held) > _TRAILER.size:
            data = held[: -_TRAILER.size]
            writer.write(data if as_is else expand.decompress(data))
            held = held[-_TRAILER.size :]
    if as_is:
        writer._crc, writer._file_size = _TRAILER.unpack(held)
    else:
        writer.write(expand.flush())


def merged_cells(ranges: Sequence[str]) -> bytes:
    """The ``<mergeCells>`` of ``ranges`` ("A1:D1" …), as openpyxl writes them (none: nothing)."""
    if not ranges:
        return b""
    cells = "".join(f'<mergeCell ref="{ref}"/>' for ref in ranges)
    return f'<mergeCells count="{len(ranges)}">{cells}</mergeCells>'.encode()


def _framing(shell: bytes, name: str, merges: Mapping[str, Sequence[str]]) -> tuple[bytes, bytes]:
    """What a part in ``rows`` holds before its rows and after them: its shell up to an open
    ``<sheetData>``, and from the closing one (with its merged cells) on."""
    head, tail = _split(shell, name)
    return head + b"<sheetData>", b"</sheetData>" + merged_cells(merges.get(name, ())) + tail


def _split(shell: bytes, name: str) -> tuple[bytes, bytes]:
    for empty in EMPTY_SHEET_DATA:
        at = shell.find(empty)
        if at >= 0:
            return shell[:at], shell[at + len(empty) :]
    raise ValueError(f"{name} has no empty <sheetData> to fill")


def _encoded(make: Callable[[], Iterable[str]]) -> Iterator[bytes]:
    """The text ``make`` gives, as UTF-8 in pieces of about ``FLUSH_CHARS`` characters."""
    for chunk in _chunks(make()):
        yield chunk.encode("utf-8")


def _chunks(pieces: Iterable[str]) -> Iterator[str]:
    """``pieces`` joined into strings of about ``FLUSH_CHARS`` characters."""
    buffer: list[str] = []
    size = 0
    for piece in pieces:
        buffer.append(piece)
        size += len(piece)
        if size >= FLUSH_CHARS:
            yield "".join(buffer)
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer)


#: Stands for the row number in a cell's text until its row is written: the cells of a
#: column that hold the same value in the same style are the same text but for it
#: (XML 1.0 cannot carry it, and ``tables.text`` replaces it in any text).
ROW = "\x00"


class _ColumnCells(dict[object, str]):
    """The text of the cells of one column in one style, by value, the row number ``ROW``
    (made on first use: ids, titles, statuses and numbers repeat on row after row)."""

    __slots__ = ("_keep", "_make")

    def __init__(self, make: Callable[[object], str], *, keep: bool) -> None:
        super().__init__()
        self._make = make
        self._keep = keep

    def __missing__(self, value: object) -> str:
        made = self._make(value)
        # 0, 0.0 and -0.0 are one key of a dict, but not one cell ("0", "-0"): zeros are
        # not kept.
        if self._keep and value != 0:
            if len(self) >= _CACHE_LIMIT:
                self.clear()
            self[value] = made
        return made


class _ColumnLines(dict[object, int]):
    """The lines the text of a wrapped column takes, by value."""

    __slots__ = ("_lines", "_width")

    def __init__(self, lines: Callable[[object, float], int], width: float) -> None:
        super().__init__()
        self._lines = lines
        self._width = width

    def __missing__(self, value: object) -> int:
        made = self._lines(value, self._width)
        if len(self) >= _CACHE_LIMIT:
            self.clear()
        self[value] = made
        return made


def column_cells(
    cells: Cells, letter: str, style: int, quoted: int, *, keep: bool = True
) -> dict[object, str]:
    """A column's cells in ``style`` (``quoted`` for formula-like text) by value, each with
    ``ROW`` for its row number; ``keep`` False for a column whose values include booleans
    (``True`` and ``1`` are one key of a dict, but not one cell)."""
    ref = letter + ROW
    return _ColumnCells(lambda value: cells.cell(ref, value, style, quoted), keep=keep)


def table_rows(
    first_row: int,
    rows: Iterable[Sequence[object]],
    columns: Callable[[Sequence[object]], Sequence[dict[object, str]]],
    wrapped: Sequence[tuple[int, float]],
    lines: Callable[[object, float], int],
    line_height: float,
    max_height: float,
) -> Iterator[str]:
    """Each of ``rows`` as a ``<row>`` from ``first_row`` on: ``columns(row)`` gives the cells of
    each column by value (``column_cells``), ``wrapped`` the (index, width) of the columns
    whose text wraps, which sets the row's height (``lines`` of text each, ``line_height``
    points a line, at most ``max_height``)."""
    from operator import getitem, itemgetter

    number = first_row
    counters = [_ColumnLines(lines, width) for _, width in wrapped]
    if len(wrapped) > 1:
        pick: Callable[[Sequence[object]], Sequence[object]] = itemgetter(
            *(index for index, _ in wrapped)
        )
    elif wrapped:
        only = wrapped[0][0]

        def pick(row: Sequence[object]) -> Sequence[object]:
            return (row[only],)
    else:

        def pick(_row: Sequence[object]) -> Sequence[object]:
            return ()

    for row in rows:
        suffix = str(number)
        most = max(map(getitem, counters, pick(row)), default=1)
        if most > 1:
            height = min(max_height, most * line_height)
            start = f'<row r="{suffix}" ht="{number_text(height)}" customHeight="1">'
        else:
            start = f'<row r="{suffix}">'
        body = "".join(map(getitem, columns(row), row))
        yield start + body.replace(ROW, suffix) + "</row>"
        number += 1
