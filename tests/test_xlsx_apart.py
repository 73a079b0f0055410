"""The Indicators sheet's text made in a forked child while the other sheets are written
(``render.xlsx.apart``): the same bytes, a child that fails or is orphaned ends."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from policycheck import Report
from policycheck.render import xlsx
from policycheck.render.xlsx.apart import CAN_FORK
from policycheck.render.xlsx.sheetdata import _deflated, _write_deflated, splice_into
from tests.conftest import zip_of

pytestmark = pytest.mark.skipif(not CAN_FORK, reason="a child is forked on Linux only")

PARENT = os.getpid()


def _package() -> bytes:
    empty = b"<w><sheetData></sheetData></w>"
    return zip_of(
        {"[Content_Types].xml": b"<Types/>", "big.xml": empty, "small.xml": empty, "c.xml": b"c"}
    )


def _rows(count: int) -> Iterator[str]:
    # Over a megabyte of text: written in several pieces.
    for n in range(count):
        yield f'<row r="{n + 1}"><c t="inlineStr"><is><t>{"x" * 100} {n}</t></is></c></row>'


def _spliced(big: object, *, apart: bool, large: bool = False, merged: bool = False) -> bytes:
    out = io.BytesIO()
    splice_into(
        out,
        _package(),
        (2026, 1, 1, 0, 0, 0),
        first="[Content_Types].xml",
        replace={},
        rows={"big.xml": big, "small.xml": lambda: _rows(3)},  # type: ignore[dict-item]
        level=1,
        large=lambda _name: large,
        merges={"big.xml": ["A1:B1", "A3:D3"]} if merged else {},
        last="big.xml",
        apart=apart,
    )
    return out.getvalue()


def test_a_part_made_apart_is_written_last_with_the_bytes_made_here() -> None:
    here = _spliced(lambda: _rows(20_000), apart=False)
    apart = _spliced(lambda: _rows(20_000), apart=True)
    assert apart == here
    with zipfile.ZipFile(io.BytesIO(apart)) as archive:
        assert archive.namelist() == ["[Content_Types].xml", "small.xml", "c.xml", "big.xml"]
        assert archive.read("big.xml").count(b"<row ") == 20_000


@pytest.mark.parametrize("large", [False, True], ids=["zip", "zip64"])
def test_a_part_made_apart_comes_compressed_with_its_merged_cells(large: bool) -> None:
    """The child compresses the part as the package compresses one (its CRC and size
    follow), so that the parent only copies it in: the same bytes, zip64 sizes and merged
    cells included."""
    here = _spliced(lambda: _rows(30_000), apart=False, large=large, merged=True)
    assert _spliced(lambda: _rows(30_000), apart=True, large=large, merged=True) == here
    with zipfile.ZipFile(io.BytesIO(here)) as archive:
        big = archive.read("big.xml")
    assert big.endswith(
        b'<mergeCells count="2"><mergeCell ref="A1:B1"/><mergeCell ref="A3:D3"/></mergeCells></w>'
    )


def test_a_part_made_compressed_is_written_as_text_where_zipfile_differs() -> None:
    """A zip member writer without the fields a compressed part is copied in through (another
    zipfile than Python's of today) is given the part's text."""
    out = io.BytesIO()
    made = _deflated(b"<w><sheetData>", lambda: _rows(20_000), b"</sheetData></w>", 1)
    _write_deflated(out, made)
    expected = b"<w><sheetData>" + "".join(_rows(20_000)).encode() + b"</sheetData></w>"
    assert out.getvalue() == expected


def test_when_the_child_fails_the_parent_makes_the_text() -> None:
    def failing_in_a_child() -> Iterator[str]:
        if os.getpid() != PARENT:
            raise RuntimeError("only in the child")
        return _rows(5_000)

    assert _spliced(failing_in_a_child, apart=True) == _spliced(lambda: _rows(5_000), apart=False)


def test_a_text_that_cannot_be_made_fails_in_the_parent_and_leaves_no_child() -> None:
    def failing() -> Iterator[str]:
        raise RuntimeError("a bug in a sheet")

    before = _children()  # other tests' may live on (multiprocessing's resource tracker)
    with pytest.raises(RuntimeError, match="a bug in a sheet"):
        _spliced(failing, apart=True)
    assert _children() <= before  # its child ended and was reaped (a zombie would be listed)


def _children() -> set[int]:
    tasks = Path(f"/proc/{os.getpid()}/task").iterdir()
    return {int(pid) for task in tasks for pid in (task / "children").read_text().split()}


def _ended(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


def test_the_child_ends_when_its_parent_is_gone(tmp_path: Path) -> None:
    """A parent killed (or ended by a signal, whose handler leaves at once) while the child
    works: the child stops at its next piece instead of writing the sheet to the end."""
    script = tmp_path / "orphan.py"
    script.write_text(
        textwrap.dedent(
            """
            import os, time
            from policycheck.render.xlsx.apart import MadeApart

            def endless():
                while True:
                    time.sleep(0.01)
                    yield b"x" * (1 << 20)

            made = MadeApart(endless)
            print(made.pid, flush=True)
            os._exit(0)
            """
        )
    )
    run = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=True, timeout=60
    )
    child = int(run.stdout)
    deadline = time.monotonic() + 20
    while not _ended(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _ended(child)


def test_a_large_workbook_is_the_same_with_its_indicators_made_apart(
    samples_report: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = samples_report
    rows = [xlsx.result_rows(r) for r in report.results]
    monkeypatch.setattr(xlsx, "APART_FROM", 10**9)
    here = xlsx.render_rows(report, rows)
    monkeypatch.setattr(xlsx, "APART_FROM", 1)
    assert xlsx.render_rows(report, rows) == here
    with zipfile.ZipFile(io.BytesIO(here)) as archive:
        indicators = archive.namelist()[-1]
        assert b"Evidence item" in archive.read(indicators)
