"""Report files assembled from per-result pieces (issue 13, memory): the whole and the compact
paths give the same bytes, the pieces wait in memory or spilled, and their parts behave."""

from __future__ import annotations

import gc
import io
import re
import subprocess
import sys
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policycheck import batch
from policycheck.assessment import Severity
from policycheck.batch import Batch
from policycheck.config import LoadedConfig, Settings, load
from policycheck.engine import Assessor
from policycheck.gate import Thresholds
from policycheck.output import Writer
from policycheck.pipeline import Outcome, Request, run
from policycheck.render import Format, github, html, junit, markdown, sarif
from policycheck.render.markdown_text import (
    _ACTIVE,
    _INVISIBLE,
    _NEWLINES,
    _ZWSP,
    clean,
    md_text,
)
from policycheck.render.parts import Shelf, Spilled, kept, spilled, unseal
from policycheck.render.paths import CiOptions, SourceRoot
from policycheck.render.xlsx.rows import ResultRows
from tests.conftest import ROOT

EXAMPLES = ROOT / "examples" / "proposal-repo" / "proposals"


# --- the stores of parts ---------------------------------------------------------------------


@pytest.mark.parametrize("compress", [True, False])
@pytest.mark.parametrize("store", [kept, spilled])
def test_a_store_gives_its_parts_back_in_order_and_by_position(
    store: Shelf, compress: bool
) -> None:
    parts = store(compress=compress)
    items: list[object] = [("a", 1), "b" * 10_000, None, b"\x00bytes", ("é", ("nested",))]
    for item in items * 200:
        parts.append(item)
    assert len(parts) == 1000
    assert list(parts) == items * 200
    assert parts[3] == b"\x00bytes"
    assert parts[-1] == ("é", ("nested",))
    assert list(parts[5:8]) == items[:3]
    assert parts[990:][1] == items[1]
    with pytest.raises(IndexError):
        parts[1000]


def test_a_spilled_store_keeps_its_parts_on_disk_not_in_memory() -> None:
    parts: Spilled[str] = Spilled(compress=True)
    assert list(parts) == []
    parts.append("x" * 1_000_000)
    handle = parts._file
    assert handle is not None
    assert handle.seek(0, 2) < 10_000  # compressed on disk
    assert parts[0] == "x" * 1_000_000
    parts.close()
    assert handle.closed
    assert len(parts) == 0


# --- md_text, as fast as a translation --------------------------------------------------------


def _md_text_by_character(value: str, *, table: bool = False) -> str:
    """``md_text`` as it was written first, a character at a time."""
    value = clean(value, "\n")
    out: list[str] = []
    for n, ch in enumerate(value):
        if ch == "\n":
            out.append("<br>" if table else " ")
            continue
        out.append("\\" + ch if ch in _ACTIVE else ch)
        if ch in "@#" and n + 1 < len(value) and value[n + 1].isalnum():
            out.append(_ZWSP)
    text = "".join(out)
    text = re.sub(r"(?<=[A-Za-z0-9]):(?=//)", ":" + _ZWSP, text)
    return re.sub(r"(?i)\b(www)\.", lambda m: m.group(1) + _ZWSP + ".", text)


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet=st.sampled_from([*"@#a1_ é٣\n\r\t:/w.`*|&<", "\u2028", "\x85", "²"])),
    st.booleans(),
)
def test_md_text_escapes_as_the_character_loop_did(value: str, table: bool) -> None:
    assert md_text(value, table=table) == _md_text_by_character(value, table=table)


def _clean_by_substitution(value: str, newline: str) -> str:
    """``clean`` without its shortcut for printable text."""
    value = _INVISIBLE.sub("", value.replace("\t", " "))
    return _NEWLINES.sub(newline, value).strip()


@settings(max_examples=400, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            [*"a é\t\r\n\x00\x1b\x7f\x85\x9f", "\u2028", "\u2029", "\u202e", "\u2066", "\u3000"]
        )
    ),
    st.sampled_from([" ", "\n"]),
)
def test_clean_takes_a_shortcut_only_for_printable_text(value: str, newline: str) -> None:
    assert clean(value, newline) == _clean_by_substitution(value, newline)


# --- whole and compact give the same bytes -----------------------------------------------------


def _request(files: list[Path], *, waivers: bool = False, **options: object) -> Request:
    """A gated run of ``files``; with ``waivers``, the example repository's configuration."""
    config = LoadedConfig(Settings(), None)
    if waivers:
        config = load(EXAMPLES.parent / "policycheck.toml", EXAMPLES.parent, ())
    thresholds = Thresholds(fail_under="C", fail_on=Severity.MEDIUM)
    return Request(
        config=config,
        paths=tuple(str(f) for f in files),
        thresholds=thresholds,
        **options,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The examples, an invalid file first (before any assessment gives the criteria), a
    duplicate id and a file that is not YAML."""
    folder = tmp_path_factory.mktemp("corpus")
    (folder / "a-invalid.yaml").write_text("title: no id\n", encoding="utf-8")
    files = [folder / "a-invalid.yaml"]
    for path in sorted(EXAMPLES.glob("*.yaml")):
        copy = folder / path.name
        copy.write_bytes(path.read_bytes())
        files.append(copy)
    duplicate = folder / "z-duplicate.yaml"
    duplicate.write_bytes(files[1].read_bytes())
    broken = folder / "z-broken.yaml"
    broken.write_text("id: [broken\n", encoding="utf-8")
    return [*files, duplicate, broken]


def _text(data: str | bytes | object) -> str:
    """A report's text, however it comes: whole, or in chunks of text or (JSON) of UTF-8."""
    if isinstance(data, str):
        return data
    assert not isinstance(data, bytes)
    return "".join(c if isinstance(c, str) else c.decode() for c in data)  # type: ignore[attr-defined]


FORMATS = [Format.MARKDOWN, Format.HTML, Format.JUNIT, Format.SARIF, Format.GITHUB, Format.JSON]


@pytest.mark.parametrize("fmt", FORMATS, ids=str)
@pytest.mark.parametrize("count", [1, 2, 5], ids=["one", "two", "all"])
def test_a_compact_batch_writes_the_bytes_of_the_whole_report(
    corpus: list[Path], fmt: Format, count: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    files = {1: corpus[1:2], 2: corpus[:2], 5: corpus}[count]
    written = ((fmt, Path("report")),)
    compact = run(_request(files, written=written, jobs=1))
    whole = run(_request(files, written=written, whole=True, jobs=1))
    assert compact.batch is not None
    assert whole.batch is None
    assert _text(compact.render(fmt)) == _text(whole.render(fmt))
    assert compact.report.gate == whole.report.gate
    assert (compact.invalid, compact.problems) == (whole.invalid, whole.problems)


@pytest.mark.parametrize("fmt", [Format.SARIF, Format.GITHUB], ids=str)
@pytest.mark.parametrize("keep_waived", [False, True])
def test_a_compact_ci_report_keeps_the_options_of_the_request(
    corpus: list[Path],
    fmt: Format,
    keep_waived: bool,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """SARIF and the annotations, with the example repository's waivers (one expired, one
    unused) and files relative to a repository root."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    where = SourceRoot(root=str(corpus[0].parent.parent), cwd=str(tmp_path))
    written = ((fmt, Path("r")),)
    ci = CiOptions(keep_waived=keep_waived, where=where)
    compact = run(_request(corpus, waivers=True, written=written, ci=ci))
    whole = run(_request(corpus, waivers=True, written=written, whole=True))
    expected = _text(whole.render(fmt, keep_waived=keep_waived, where=where))
    assert _text(compact.render(fmt)) == expected
    if fmt is Format.SARIF:
        assert ("suppressions" in expected) is keep_waived
    else:
        assert "::waived until " in expected


#: Where each format keeps a result's sealed piece in a batch (the annotations keep none).
SEALED: dict[Format, Callable[[Batch], object]] = {
    Format.JSON: lambda b: b.json[0][1],
    Format.MARKDOWN: lambda b: b.markdown.sections[0],
    Format.HTML: lambda b: b.html.sections[0][1],
    Format.JUNIT: lambda b: b.junit.suites[0],
    Format.SARIF: lambda b: b.sarif.proposals[0],
}


def _bytes(made: str | bytes | Iterable[str] | Iterable[bytes] | Writer) -> bytes:
    if callable(made):
        out = io.BytesIO()
        made(out)
        return out.getvalue()
    return _text(made).encode("utf-8")


@pytest.mark.parametrize("fmt", [*FORMATS, Format.XLSX], ids=str)
def test_a_large_batch_compresses_its_pieces_and_writes_the_same_bytes(
    corpus: list[Path], fmt: Format, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From ``COMPRESSED_FROM`` files each result's pieces are compressed where they are
    made (the spilled pieces would fill the temporary folder); under it they are kept as
    text, which spares the workers the compressing. The report is the same."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    written = ((fmt, Path("report")),)
    made: dict[bool, bytes] = {}
    for compressed in (False, True):
        monkeypatch.setattr(batch, "COMPRESSED_FROM", len(corpus) + (0 if compressed else 1))
        outcome = run(_request(corpus, written=written, jobs=1))
        done = outcome.batch
        assert done is not None
        if fmt in SEALED:
            piece = SEALED[fmt](done)
            if fmt is Format.JSON:  # UTF-8 either way: compressed, or the JSON itself
                assert isinstance(piece, bytes)
                assert piece.startswith(b"{") is not compressed
            else:
                assert isinstance(piece, bytes if compressed else str)
        if fmt is Format.XLSX:
            assert done.gathering is not None
            packed = done.gathering.gathered.indicators
            assert (packed[0][:1] != b"\x80") is compressed  # a pickle starts with 0x80
            assert list(done.gathering.gathered.indicator_rows())
        made[compressed] = _bytes(outcome.render(fmt))
    assert made[True] == made[False]


def test_a_batchs_workbook_keeps_no_results_rows_in_memory(
    corpus: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workbook's first reading kept each result's small rows (its Summary, Gate and About
    rows) in a list, the one part of a batch that grew with it: 280 MB at 100,000 proposals.
    They are spilled with its other parts; what stays in memory is what the workbook needs
    of all of them at once (their order, ids, criteria, waived risks and failures)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    outcome = run(_request(corpus, written=((Format.XLSX, Path("report")),), jobs=1))
    done = outcome.batch
    assert done is not None
    assert done.gathering is not None
    heads = done.gathering.gathered.heads
    names = {str(f) for f in corpus}
    assert len(heads) == len(corpus)
    gc.collect()
    held = [o for o in gc.get_objects() if isinstance(o, ResultRows) and o.file in names]
    assert held == []
    assert heads.failures  # the invalid file's, kept: the Brief lists it
    # What was spilled is read back as it was: the About sheet's row of every input.
    assert {row[1] for row in heads.about_rows() if row[0] == "Input"} == names
    assert _bytes(outcome.render(Format.XLSX)).startswith(b"PK")


def test_a_batch_under_compressed_from_compresses_nothing(
    corpus: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under ``COMPRESSED_FROM`` nothing is compressed, where the pieces are made or where
    they are spilled: the small parts (listing lines, summary rows) were, each call of zlib
    costing more than the few bytes it saved (2,000 calls, 38 ms, for 1,000 proposals)."""
    calls: list[int] = []
    real = zlib.compress

    def compress(data: bytes, /, level: int = -1, wbits: int = 15) -> bytes:
        calls.append(len(data))
        return real(data, level, wbits)

    monkeypatch.setattr(zlib, "compress", compress)
    plan = batch.Plan(
        waivers=(),
        thresholds=Thresholds(fail_under="C"),
        baseline=None,
        workbook=False,
        listing=True,
        markdown=True,
        html=True,
        junit=True,
    )
    done = batch.run(Assessor(), corpus, plan, jobs=1)
    assert len(list(done.briefs())) == len(done.markdown.rows) == len(corpus)
    assert len(done.html.rows) == len(done.junit.suites) == len(corpus)
    assert calls == []


def _capped_by_sorting(every: list[tuple[str, int, str]], limit: int) -> list[str]:
    """The annotations shown, as they were picked first: every one sorted, then cut."""
    order = ("error", "warning", "notice")
    ranked = sorted(every, key=lambda a: (order.index(a[0]), -a[1]))
    shown: list[str] = []
    for level in order:
        texts = [text for lvl, _, text in ranked if lvl == level]
        budget = limit - 1 if level == "notice" else limit
        if len(texts) <= budget:
            shown += texts
        else:
            kept = max(0, budget - 1)
            shown += texts[:kept]
            shown.append(f"{len(texts) - kept} more {level}")
    return shown


def test_annotations_past_githubs_limit_are_counted_not_kept(corpus: list[Path]) -> None:
    """A book keeps the first annotations of each level, in the order they are shown, and
    counts the rest."""
    report = _outcome(corpus, Format.GITHUB).report
    every = list(github._annotations(report))
    for limit in (1, 2, 3, 50):
        book = github.Book.of(report, limit=limit)
        assert all(len(top) <= limit for top in book.levels.top.values())
        assert sum(book.levels.counts.values()) + 2 >= len(every)  # the waivers come at the end
        lines = list(book.lines(report))
        expected = _capped_by_sorting(every, limit)
        assert len(lines) == len(expected) + 1  # the verdict first
        for line, want in zip(lines[1:], expected, strict=True):
            assert line == want or (" more " in want and f"::{want} annotation(s)" in line)
        assert lines == list(book.lines(report))  # reading it does not change it
        errors = [line for line in lines if line.startswith("::error")]
        assert len(errors) <= limit


def _outcome(files: list[Path], fmt: Format) -> Outcome:
    return run(_request(files, written=((fmt, Path("r")),), whole=True, jobs=1))


# --- the pieces ---------------------------------------------------------------------------------


def test_a_summary_row_fits_the_first_assessments_criteria(corpus: list[Path]) -> None:
    row = (("a", "b", "c"), ("1", "2", "3"), ("x", "y"))
    assert markdown.row_cells(row, 2) == ["a", "b", "c", "1", "2", "x", "y"]
    assert markdown.row_cells(row, 4) == ["a", "b", "c", "1", "2", "3", "", "x", "y"]
    report = _outcome(corpus, Format.MARKDOWN).report
    first = report.results[0]  # the invalid file, before the criteria are known
    assert markdown.piece(first).row[1] == ()
    text = markdown.render(report)
    columns = len(markdown.criteria_titles(report)) + 5
    invalid_row = next(line for line in text.splitlines() if "a-invalid.yaml" in line)
    assert invalid_row.count(" | ") == columns - 1


def test_an_html_piece_is_anchored_where_its_result_lands(corpus: list[Path]) -> None:
    report = _outcome(corpus, Format.HTML).report
    pieces = [html.piece(r) for r in report.results]
    assert all(html.ANCHOR in unseal(p.text) for p in pieces)
    book = html.Book()
    for p in reversed(pieces):
        book.add(p)
    assert [place for place, _ in book.failures][:2] == [0, 1]  # the last results, added first
    page = "".join(book.chunks(report))
    assert html.ANCHOR not in page
    assert f'<li id="p1"><code>{report.results[-1].file}</code>' in page


def test_a_sarif_piece_takes_the_runs_artifact_indices(corpus: list[Path]) -> None:
    report = _outcome(corpus, Format.SARIF).report
    rules = sarif.rules(report)
    index = {rule["id"]: n for n, rule in enumerate(rules)}
    assessed = [r for r in report.results if r.file.endswith("kosovo-drone-transparency-2026.yaml")]
    alone = sarif.piece(assessed[0], index, frozenset())
    assert alone.results is not None
    assert '"index": 0' in unseal(alone.results)
    book = sarif.Book(rules)
    for result in report.results:
        book.add(sarif.piece(result, index, frozenset()))
    placed = book.artifacts.index[assessed[0].file]
    assert placed > 0
    texts = [t for t in book._placed() if "kosovo" in t]
    assert texts
    assert all(f'"index": {placed}' in t and '"index": 0' not in t for t in texts)


def test_an_empty_junit_document_is_one_empty_element() -> None:
    book = junit.Book()
    assert "".join(book.chunks()) == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<testsuites name="policycheck" tests="0" failures="0" errors="0" skipped="0" '
        'time="0" />\n'
    )


def test_a_junit_piece_counts_its_cases(corpus: list[Path]) -> None:
    report = _outcome(corpus, Format.JUNIT).report
    book = junit.Book.of(report)
    total = sum(len(junit.piece(r, report.gate).outcomes) for r in report.results)
    assert book.tests == total
    assert book.counts["error"] == len(report.failures)


@pytest.mark.parametrize("room", [50, 5_000, 40_000, 10**7])
def test_the_job_summary_is_cut_the_same_from_chunks(corpus: list[Path], room: int) -> None:
    report = _outcome(corpus, Format.MARKDOWN).report
    chunks = list(markdown.chunks(report))
    text = "".join(chunks)
    assert len(chunks) > 5
    assert github.step_summary(iter(chunks), room, ["r.md"]) == github.step_summary(
        text, room, ["r.md"]
    )


def test_the_job_summary_of_a_compact_batch_is_that_of_the_whole_report(
    corpus: list[Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A job summary no longer keeps every result: it is written from the Markdown pieces."""
    from policycheck.cli.outputs import append_step_summary

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    compact = run(_request(corpus, printed=Format.JSON, summary=True))
    whole = run(_request(corpus, printed=Format.JSON, whole=True))
    assert compact.batch is not None
    append_step_summary(tmp_path / "a.md", compact, [])
    append_step_summary(tmp_path / "b.md", whole, [])
    assert (tmp_path / "a.md").read_text() == (tmp_path / "b.md").read_text()
    assert (tmp_path / "a.md").read_text().startswith("# policycheck report")


_PREPARED = """
import sys
from pathlib import Path

from policycheck import batch
from policycheck.engine import Assessor
from policycheck.gate import Thresholds

plan = batch.Plan(waivers=(), thresholds=Thresholds(), baseline=None, workbook={workbook})
batch.run(Assessor(), [Path(p) for p in sys.argv[1:]], plan, jobs=1)
print("openpyxl" in sys.modules)
"""


@pytest.mark.parametrize("workbook", [True, False])
def test_a_batch_for_a_workbook_imports_its_libraries_as_results_arrive(
    corpus: list[Path], workbook: bool
) -> None:
    """openpyxl is imported during the batch, while workers assess (in a process of its own:
    this one has imported it long ago); a batch without a workbook never imports it."""
    files = [str(p) for p in corpus[1:3]]
    script = _PREPARED.format(workbook=workbook)
    done = subprocess.run(
        [sys.executable, "-c", script, *files], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == str(workbook)
