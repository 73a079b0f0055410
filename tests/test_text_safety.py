"""Proposal text is anyone's text: XML outputs stay readable, the terminal shows only text."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from openpyxl import load_workbook

from policycheck.assessment import Evidence, Location, Waiver, WaiverUse
from policycheck.text import _NOT_XML, NEEDS_ESCAPE, printable, printable_tree, xml_text
from tests.conftest import MINIMAL
from tests.conftest import run_cli as run

NOT_XML = '"Draft \\uFFFE pact \\x01 of \\uFFFF"'


def _proposal(tmp_path: Path, title: str) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(MINIMAL.replace("title: Test initiative", f"title: {title}"))
    return path


def test_xml_text_replaces_exactly_what_xml_1_0_char_excludes() -> None:
    """Every code point, against the production as the specification writes it."""

    def is_char(c: int) -> bool:
        return c in (0x9, 0xA, 0xD) or 0x20 <= c <= 0xD7FF or 0xE000 <= c <= 0xFFFD or c >= 0x10000

    # Every code point of the Basic Multilingual Plane (where the exclusions are), and the
    # planes above at a stride and at their edges.
    points = [*range(0x10000), *range(0x10000, 0x110000, 251), 0x10FFFE, 0x10FFFF]
    text = "".join(map(chr, points))
    kept = xml_text(text)
    assert len(kept) == len(text)
    assert [c for c, k in zip(points, kept, strict=True) if k != chr(c)] == [
        c for c in points if not is_char(c)
    ]


def test_xml_text_keeps_what_xml_carries_and_replaces_the_rest() -> None:
    assert xml_text("a\tb\nc\r d é 😀") == "a\tb\nc\r d é 😀"
    assert xml_text("a\ufffeb\uffff\x00\x1b\ud800") == "a\ufffdb\ufffd\ufffd\ufffd\ufffd"


def test_a_title_xml_forbids_still_gives_a_readable_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    proposal = _proposal(tmp_path, NOT_XML)
    book = tmp_path / "r.xlsx"
    junit = tmp_path / "r.xml"
    page = tmp_path / "r.html"
    sarif = tmp_path / "r.sarif"
    code, _, err = run(
        capsys,
        "assess",
        str(proposal),
        "-q",
        "--xlsx",
        str(book),
        "-o",
        str(junit),
        "-o",
        str(page),
        "-o",
        str(sarif),
    )
    assert code == 0, err
    workbook = load_workbook(book)
    titles = [c.value for ws in workbook for row in ws.iter_rows() for c in row if c.value]
    assert "Draft \ufffd pact \ufffd of \ufffd" in titles
    ET.parse(junit)  # well-formed XML
    assert "\ufffe" not in page.read_text()


def test_every_character_that_needs_an_escape_is_not_printable() -> None:
    """``escaped`` lets printable text through unsearched: that is safe only while this holds."""
    needing = [c for c in map(chr, range(0x110000)) if NEEDS_ESCAPE.match(c)]
    assert len(needing) == 9 + 21 + 33 + 5 + 4 + 2048
    assert not [c for c in needing if c.isprintable()]
    for c in needing:
        assert printable(f"printable text {c} around it") != f"printable text {c} around it"


def test_every_character_xml_forbids_is_not_printable() -> None:
    """``xml_text`` lets printable text through unsearched: safe only while this holds."""
    forbidden = [c for c in map(chr, range(0x110000)) if _NOT_XML.match(c)]
    assert len(forbidden) == 9 + 2 + 18 + 2048 + 2
    assert not [c for c in forbidden if c.isprintable()]
    assert all(xml_text(f"text {c} here") == "text \ufffd here" for c in forbidden)


def test_printable_escapes_controls_bidi_and_undecodable_bytes() -> None:
    assert printable("a\x1b[2Jb\x07\r\x9b\u202e.\udcff\n\t") == (
        "a\\x1b[2Jb\\x07\\x0d\\x9b\\u202e.\\xff\n\t"
    )


def test_printable_tree_reaches_the_text_inside_a_results_records() -> None:
    """A result's parts are Structs and the run's records dataclasses: the text in both is
    escaped, and each comes back as the same kind of record."""
    evidence = Evidence("note \x1b[2J", Location("a\u202eb.yaml", 3, 1, "title"))
    waiver = Waiver("RF03", "p", "ok \x07", "me", dt.date(2030, 1, 1), "w.yaml")
    escaped = printable_tree((evidence, WaiverUse(waiver, True)))
    assert escaped == (
        Evidence("note \\x1b[2J", Location("a\\u202eb.yaml", 3, 1, "title")),
        WaiverUse(Waiver("RF03", "p", "ok \\x07", "me", dt.date(2030, 1, 1), "w.yaml"), True),
    )


def test_a_non_utf8_file_name_is_reported_escaped_and_the_rest_assessed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    odd = Path(os.fsdecode(bytes(folder) + b"/caf\xe9.yaml"))
    odd.write_text(MINIMAL)
    (folder / "other.yaml").write_text(MINIMAL.replace("id: test", "id: other"))
    report = tmp_path / "r.json"
    code, out, err = run(capsys, "assess", str(folder), "-o", str(report), "--width", "200")
    assert code == 0, err
    assert "caf\\xe9.yaml" in out
    files = [r["file"] for r in json.loads(report.read_text())["results"]]
    assert files == [f"{folder}/caf\\xe9.yaml", f"{folder}/other.yaml"]
    # the real process: every byte on stdout is UTF-8
    done = subprocess.run(
        [sys.executable, "-m", "policycheck", "assess", str(folder), "-f", "json"],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "caf\\\\xe9.yaml" in done.stdout.decode("utf-8")


def test_a_result_holding_a_lone_surrogate_is_written_and_escaped_on_the_way_out() -> None:
    """pydantic-core's JSON encoder refuses a lone surrogate (validation keeps them out of a
    proposal, but a result made through the library may hold one); such a result is
    written by ``json.dumps`` instead, the surrogate as a JSON escape (as standard output
    escaped it), so a report file can hold it too."""
    from policycheck.assessment import Failure
    from policycheck.errors import Problem
    from policycheck.render.json import rendered
    from policycheck.streams import SafeStream

    message = "unknown key 'caf\udce9'"
    failure = Failure("a.yaml", (Problem("a.yaml", 3, 1, message),), "0" * 64)
    data = rendered(failure).data
    assert b"caf\\udce9" in data  # the surrogate as a JSON escape: valid UTF-8 and JSON
    assert json.loads(data)["problems"][0]["message"] == message
    text_only = io.StringIO()  # no bytes under it: the text is written
    SafeStream(text_only).write_utf8(data)
    assert json.loads(text_only.getvalue())["problems"][0]["message"] == message
    under = io.BytesIO()
    stream = SafeStream(io.TextIOWrapper(under, encoding="utf-8"))
    stream.write_utf8(data)
    stream.flush()
    assert json.loads(under.getvalue())["problems"][0]["message"] == message


def test_escape_sequences_in_a_proposal_never_reach_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The terminal report from a real process (the bytes it writes); the other formats
    through the entry point in-process, with the same colour settings."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a\x1b]8;;evil\x07.yaml").write_text(
        MINIMAL.replace("title: Test initiative", 'title: "Clear \\e[2J\\e]8;;http://x\\a me"')
        + '"bogus\\e[2J": 1\n'
    )
    colour = {"FORCE_COLOR": "1", "TERM": "xterm"}
    done = subprocess.run(
        [sys.executable, "-m", "policycheck", "assess", str(folder), "-f", "terminal"],
        capture_output=True,
        check=False,
        env={**os.environ, **colour},
    )
    assert done.returncode in (0, 2), done.stderr
    assert b"\x1b[2J" not in done.stdout
    outputs = [(done.stdout.decode("utf-8"), done.stderr.decode("utf-8"))]
    for name, value in colour.items():
        monkeypatch.setenv(name, value)
    for fmt in ("json", "github", "markdown", "sarif"):
        code, out, err = run(capsys, "assess", str(folder), "-f", fmt)
        assert code in (0, 2), err
        outputs.append((out, err))
    for out, err in outputs:
        for text in (out, err):
            assert "\x1b[2J" not in text
            assert "\x1b]8" not in text
            assert "\x07" not in text


def test_rubric_show_prints_a_rubrics_text_escaped(tmp_path: Path) -> None:
    rubric = tmp_path / "r.yaml"
    rubric.write_text(
        'rubric: 1\nid: esc\nversion: "1"\ntitle: "Clear \\e[2J me"\nextends: default\n'
        "source:\n  title: t\n  authors: a\n  date: 2025-12\n  url: https://x.org/\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "policycheck", "rubric", "show", str(rubric)],
        capture_output=True,
        check=False,
        env={**os.environ, "FORCE_COLOR": "1"},
    )
    assert done.returncode == 0, done.stderr
    assert b"\x1b[2J" not in done.stdout
    assert b"Clear \\x1b[2J me" in done.stdout


def test_sarif_text_goes_through_the_same_sanitiser(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    proposal = tmp_path / "p.yaml"
    proposal.write_text(MINIMAL + '"odd \\uFFFE key": 1\n')
    sarif = tmp_path / "r.sarif"
    code, _, _ = run(capsys, "assess", str(proposal), "-q", "-o", str(sarif))
    assert code == 2
    text = json.dumps(json.loads(sarif.read_text()), ensure_ascii=False)
    assert "odd \ufffd key" in text
    assert "\ufffe" not in text


def test_the_quick_test_before_escaping_matches_exactly_the_characters_escaped() -> None:
    """Text with none of them skips the translation; the two sets must never drift apart."""
    from policycheck.streams import _ESCAPES
    from policycheck.text import NEEDS_ESCAPE, PRINTABLE

    assert set(PRINTABLE) == set(_ESCAPES)
    matched = {code for code in range(0x10000) if NEEDS_ESCAPE.search(chr(code))}
    assert matched == set(PRINTABLE)


def test_rich_markup_in_a_proposal_is_shown_as_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(
        MINIMAL.replace("title: Test initiative", "title: '[bold red]loud[/bold red] [/]'")
        + "transparency:\n  public_text: {statement: '[/]', evidence: ['[/x]']}\n"
    )
    code, out, _ = run(capsys, "assess", str(path), "--explain", "--width", "160")
    assert code == 0
    assert "[bold red]loud[/bold red] [/]" in out
    assert "[/x]" in out


@pytest.mark.parametrize("gate", [[], ["--fail-under", "F"]], ids=["streamed", "compact"])
def test_controls_in_a_json_report_on_standard_output_are_escaped(
    tmp_path: Path, gate: list[str]
) -> None:
    """A result's JSON reaches standard output as the bytes its worker made, unless it holds
    a character a terminal acts on: DEL, a C1 control or a bidi override are still written
    as JSON escapes (the same string to a JSON reader)."""
    (tmp_path / "a.yaml").write_text(
        MINIMAL.replace("title: Test initiative", 'title: "Bidi \\u202e DEL \\x7f NEL \\x85 ok"')
    )
    done = subprocess.run(
        [sys.executable, "-m", "policycheck", "assess", str(tmp_path), "-f", "json", *gate],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert b'"title":"Bidi \\u202e DEL \\u007f NEL \\u0085 ok"' in done.stdout
    for raw in ("\u202e", "\x7f", "\x85"):
        assert raw.encode() not in done.stdout
    result = json.loads(done.stdout)["results"][0]
    assert result["proposal"]["title"] == "Bidi \u202e DEL \x7f NEL \x85 ok"
