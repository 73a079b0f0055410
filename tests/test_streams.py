"""Standard output as a shell user meets it: any encoding, a reader that leaves early."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policycheck.streams import SafeStream
from policycheck.text import NEEDS_ESCAPE, utf8_needs_escape
from tests.conftest import MINIMAL, PROPOSALS


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Sixty copies of the model initiative (they pass a gate): more report than a pipe holds."""
    folder = tmp_path_factory.mktemp("many")
    model = (PROPOSALS / "model-regional-initiative.yaml").read_text("utf-8")
    for n in range(60):
        text = model.replace("id: model-regional-initiative", f"id: model-{n}")
        (folder / f"p{n:02}.yaml").write_text(text, "utf-8")
    return folder


@pytest.fixture(scope="module")
def thin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Sixty proposals that say almost nothing: a gate with a threshold fails them."""
    folder = tmp_path_factory.mktemp("thin")
    for n in range(60):
        (folder / f"p{n:02}.yaml").write_text(MINIMAL.replace("id: test", f"id: test-{n}"))
    return folder


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "policycheck", *args]


@pytest.mark.parametrize(
    ("fmt", "gate"),
    [
        ("terminal", "5"),
        ("json", None),  # None: streamed
        # The same closed pipe, the report kept compact: in the full run.
        pytest.param("json", "5", marks=pytest.mark.full),
        pytest.param("markdown", "5", marks=pytest.mark.full),
    ],
)
def test_a_reader_that_leaves_early_is_not_a_failed_gate(
    many: Path, fmt: str, gate: str | None
) -> None:
    process = subprocess.Popen(
        _cli("assess", str(many), "-f", fmt, *(["--fail-under", gate] if gate else [])),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stdout.read(100)
    process.stdout.close()  # as `| head -c 100` does
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert b"Traceback" not in err
    assert b"Exception ignored" not in err
    assert b"BrokenPipe" not in err


def test_a_reader_that_leaves_early_keeps_an_honest_gate_failure(thin: Path) -> None:
    process = subprocess.Popen(
        _cli("assess", str(thin), "--fail-under", "A"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    process.stdout.read(100)
    process.stdout.close()
    _, err = process.communicate(timeout=60)
    assert process.returncode == 1
    assert err.endswith(b"requires grade A or better\n") or b"gate failed" in err


@pytest.mark.parametrize("fmt", ["terminal", "json"])
def test_any_output_encoding_works(tmp_path: Path, fmt: str) -> None:
    """A JSON report's results are UTF-8 from their workers: on a stream of another
    encoding they are written as text in it, as the terminal's report is."""
    out = tmp_path / "out.txt"
    with out.open("wb") as handle:
        done = subprocess.run(
            _cli("assess", str(PROPOSALS), "-f", fmt),
            stdout=handle,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONIOENCODING": "cp1252"},
            check=False,
        )
    assert done.returncode == 0, done.stderr
    text = out.read_bytes().decode("cp1252")
    assert "T\u00fcrkiye" in text  # what cp1252 has is kept
    assert "?" in text  # what it lacks (box drawing, some letters of the region) is replaced
    if fmt == "json":
        assert len(json.loads(text)["results"]) == len(list(PROPOSALS.glob("*.yaml")))


def _stream(encoding: str = "utf-8") -> tuple[io.BytesIO, io.TextIOWrapper]:
    out = io.BytesIO()
    return out, io.TextIOWrapper(out, encoding=encoding, newline="\n")


@pytest.mark.parametrize(
    "text",
    [
        '{"title":"T\u00fcrkiye \u2014 \u00a7 4"}',  # nothing to escape: the bytes as they are
        '{"note":"a\x7fb\x85c\u202ed\u2066e"}',  # DEL, C1, bidi controls: escaped
        '{"note":"caf\udce9"}',  # a lone surrogate (surrogatepass): escaped
    ],
)
def test_utf8_goes_out_as_the_same_text_would(text: str) -> None:
    """A JSON report's results reach standard output as the UTF-8 they were made in (no
    decoding and encoding again): the bytes are those ``write`` gives the text, escapes
    included, in order with the text written before and after."""
    data = text.encode("utf-8", "surrogatepass")

    def between_brackets(write: Callable[[SafeStream], object]) -> bytes:
        out, stream = _stream()
        safe = SafeStream(stream)
        safe.write("[")
        write(safe)
        safe.write("]")
        safe.flush()
        return out.getvalue()

    by_bytes = between_brackets(lambda safe: safe.write_utf8(data))
    assert by_bytes == between_brackets(lambda safe: safe.write(text))
    assert (by_bytes == b"[" + data + b"]") is text.isprintable()


def test_utf8_on_a_stream_of_another_encoding_is_written_as_text() -> None:
    """On a cp1252 stream the bytes are not passed on: the text is encoded as cp1252, what
    it lacks replaced."""
    out, stream = _stream("cp1252")
    safe = SafeStream(stream)
    safe.write_utf8("T\u00fcrkiye \u4e2d".encode())
    safe.flush()
    assert out.getvalue() == "T\u00fcrkiye ?".encode("cp1252")


def test_utf8_to_a_closed_pipe_ends_the_writing_quietly() -> None:
    read, write = os.pipe()
    os.close(read)
    stream = io.TextIOWrapper(io.FileIO(write, "w"), encoding="utf-8")
    safe = SafeStream(stream)
    safe.write_utf8(b"x" * 100_000)  # more than a pipe holds: the write itself fails
    assert safe.broken
    safe.write_utf8(b"dropped")
    safe.flush()
    stream.close()  # the descriptor now leads to the null device: nothing fails


@given(st.text())
def test_the_utf8_test_finds_what_the_text_test_finds(text: str) -> None:
    """``utf8_needs_escape`` (on bytes, without decoding) agrees with ``NEEDS_ESCAPE``."""
    data = text.encode("utf-8", "surrogatepass")
    assert utf8_needs_escape(data) is bool(NEEDS_ESCAPE.search(text))
