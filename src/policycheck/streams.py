"""Standard output and error as the CLI writes them: only text, any encoding, a closed pipe.

``install`` wraps ``sys.stdout`` and ``sys.stderr`` for one command:

* every control character that reaches them is written as an escape
  (``\\u001b`` and the like on standard output, valid inside a JSON string too), so text from a proposal cannot
  clear the screen, move the cursor or forge a hyperlink;
* a character the output encoding lacks (``PYTHONIOENCODING=cp1252``)
  becomes a replacement character instead of an error;
* a reader that goes away (``policycheck … | head``) ends the writing
  quietly: later writes are dropped and the command finishes with the exit
  code of its work; the stream is pointed at the null device so that
  Python's own last flush has nowhere to fail.

rich writes styled text to the raw stream (``raw``): its own escape
sequences are meant; the text it is given has been made ``printable`` first.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import sys
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO, TextIO, cast

from policycheck.text import PRINTABLE, escaped, utf8_needs_escape

_ESCAPES: dict[int, str] = {
    code: f"\\u{code:04x}"
    for code in [
        *range(0x20),
        *range(0x7F, 0xA0),
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
        *range(0xD800, 0xE000),
    ]
    if chr(code) not in "\n\t"
}


class SafeStream(io.TextIOBase):
    """A text stream that passes on only printable, encodable text, and survives a closed pipe."""

    def __init__(self, raw: TextIO, escapes: dict[int, str] | None = None) -> None:
        super().__init__()
        self.raw = raw
        self.escapes = _ESCAPES if escapes is None else escapes
        self.broken = False
        #: Text written to ``raw`` may wait in it, before what ``write_utf8`` writes.
        self.pending = False
        with contextlib.suppress(AttributeError, ValueError, io.UnsupportedOperation):
            raw.reconfigure(errors="replace")  # type: ignore[attr-defined]
        self.utf8 = _utf8_buffer(raw)

    def write(self, text: str) -> int:
        if self.broken:
            return len(text)
        self.pending = True
        safe = escaped(text, self.escapes)
        try:
            self.raw.write(safe)
        except UnicodeEncodeError:
            encoding = getattr(self.raw, "encoding", None) or "ascii"
            with _pipe_guard(self):
                self.raw.write(safe.encode(encoding, "replace").decode(encoding))
        except BrokenPipeError:
            self.mark_broken()
        return len(text)

    def write_utf8(self, data: bytes) -> None:
        """The text UTF-8 ``data`` encodes, as ``write`` writes it: as they are, when the
        stream writes UTF-8 and nothing in them needs an escape (a JSON report's results
        are neither decoded nor encoded again on their way out)."""
        if self.broken:
            return
        if self.utf8 is None or utf8_needs_escape(data) or (b"\n" in data and os.linesep != "\n"):
            self.write(data.decode("utf-8", "surrogatepass"))
            return
        if self.pending:
            self.flush()
            self.pending = False
        if not self.broken:
            with _pipe_guard(self):
                self.utf8.write(data)

    def flush(self) -> None:
        if not self.broken:
            with _pipe_guard(self):
                self.raw.flush()

    def mark_broken(self) -> None:
        """The reader has gone: drop what follows, and let nothing fail at exit."""
        self.broken = True
        with contextlib.suppress(OSError, ValueError, AttributeError, io.UnsupportedOperation):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self.raw.fileno())
            os.close(devnull)

    def isatty(self) -> bool:
        return bool(self.raw.isatty())

    def fileno(self) -> int:
        return self.raw.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return str(getattr(self.raw, "encoding", None) or "utf-8")

    @property
    def buffer(self) -> Any:
        return self.raw.buffer


def _utf8_buffer(raw: TextIO) -> BinaryIO | None:
    """The byte stream under ``raw`` when ``raw`` writes its text there as UTF-8."""
    buffer = getattr(raw, "buffer", None)
    encoding = getattr(raw, "encoding", None)
    if buffer is None or not isinstance(encoding, str):
        return None
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return None
    return cast(BinaryIO, buffer) if name == "utf-8" else None


@contextlib.contextmanager
def _pipe_guard(stream: SafeStream) -> Iterator[None]:
    try:
        yield
    except BrokenPipeError:
        stream.mark_broken()


def write_utf8(chunks: Iterable[bytes]) -> None:
    """Text in UTF-8 to standard output (see ``SafeStream.write_utf8``)."""
    out = sys.stdout
    if isinstance(out, SafeStream):
        for chunk in chunks:
            out.write_utf8(chunk)
    else:
        for chunk in chunks:
            out.write(chunk.decode("utf-8", "surrogatepass"))


def raw(stream: TextIO) -> TextIO:
    """The stream under a ``SafeStream`` (for rich, whose escape sequences are meant)."""
    return stream.raw if isinstance(stream, SafeStream) else stream


def stdout_broken() -> bool:
    """Whether the reader of standard output has gone."""
    return isinstance(sys.stdout, SafeStream) and sys.stdout.broken


def closed_pipe() -> None:
    """Record that the reader of standard output went away while someone wrote to it."""
    if isinstance(sys.stdout, SafeStream):
        sys.stdout.mark_broken()


@contextlib.contextmanager
def guarded_stdout() -> Iterator[None]:
    """Writes inside are to standard output: a closed pipe there ends them quietly."""
    try:
        yield
    except BrokenPipeError:
        closed_pipe()


@contextlib.contextmanager
def install() -> Iterator[None]:
    """Wrap ``sys.stdout`` and ``sys.stderr`` in ``SafeStream`` for the duration."""
    saved = sys.stdout, sys.stderr
    sys.stdout = SafeStream(saved[0])
    # Messages, not data: escapes as the terminal report writes them (\x1b, \xff).
    sys.stderr = SafeStream(saved[1], PRINTABLE)
    try:
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        sys.stdout, sys.stderr = saved


def console(*, stderr: bool = False, width: int | None = None) -> Any:
    """A rich console on the raw stream that, like ``SafeStream``, survives a closed pipe.

    rich's own answer to a closed pipe is ``SystemExit(1)``, which would read
    as a failed gate; here the writing just stops. rich is imported only when
    a console is needed: machine formats never load it.
    """
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            if not stderr:
                closed_pipe()

    return _Console(
        file=raw(sys.stderr if stderr else sys.stdout),
        width=width,
        highlight=False,
        soft_wrap=False,
        markup=False,
    )
