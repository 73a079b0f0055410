"""A sheet's text made in a child process while the writer goes on with the other sheets.

The rows of a large workbook are written as text by one process (``sheetdata``), and
after a batch's workers have ended that process is the only one working: one core of
two stood idle while the Indicators sheet, half of all cells, was written. A forked
child has everything the text is made from (the rows read back from their temporary
file, the widths, the styles' numbers); it writes the part into an anonymous temporary
file compressed as the package compresses a part (``sheetdata._deflated``), and the
parent copies it into the package when it comes to that part, written last: compressing
it had been the parent's last 0.15 s at 1,000 proposals. The bytes are those the parent
would have made.

The child ends with the parent: it gives up as soon as its parent is gone (a signal, a
kill), and the parent stops and reaps it when it leaves early. If the child fails, the
parent makes the text itself, so that a bug surfaces where ``--debug`` can show it.
Only on Linux, as the batch's workers (``engine``): elsewhere the parent makes it.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO, NoReturn

from policycheck.forks import held, set_child_signals

#: Whether a child can be forked here.
CAN_FORK = sys.platform.startswith("linux")


class MadeApart:
    """The bytes ``make`` gives, made by a forked child into a temporary file."""

    def __init__(self, make: Callable[[], Iterable[bytes]]) -> None:
        self._make = make
        self._file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        parent = os.getpid()
        with held():
            self._pid = os.fork()
            if self._pid == 0:
                _child(make, self._file, parent)

    @property
    def pid(self) -> int:
        """The child's process id; 0 once it has been waited for."""
        return self._pid

    def text(self) -> Iterator[bytes]:
        """The bytes, in pieces: the child's, once it has ended, or made here."""
        _, status = os.waitpid(self._pid, 0)
        self._pid = 0
        if os.waitstatus_to_exitcode(status) != 0:
            yield from self._make()
            return
        self._file.seek(0)
        while piece := self._file.read(1 << 20):
            yield piece

    def close(self) -> None:
        """Stop the child if it is still working, and remove its file."""
        if self._pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = 0
        self._file.close()


def _child(make: Callable[[], Iterable[bytes]], out: IO[bytes], parent: int) -> NoReturn:
    code = 1
    try:
        # The parent's handlers stop the whole run (workers, temporaries): not the child's.
        set_child_signals()
        # What the parent made is read, not freed: a collection would only copy its pages.
        gc.freeze()
        for piece in make():
            if os.getppid() != parent:
                break
            out.write(piece)
        else:
            out.flush()
            code = 0
    finally:
        os._exit(code)
