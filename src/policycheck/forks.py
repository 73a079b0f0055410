"""Child processes that never run the main process's signal handlers.

The main process stops a run on SIGINT, SIGTERM or SIGHUP (``cli.app``): it
stops its workers, removes its temporary files, says so once and exits. A
forked child starts with those handlers, and until it sets its own a Ctrl-C
(sent to the whole group) could run that cleanup in the child: a second
message, a traceback, a worker left waiting forever on its pipe. So the main
process holds these signals while it forks (``held``), and the child lets
them go once its own dispositions are set (``set_child_signals``): a signal
that came meanwhile then reaches each process as that process means to take
it.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator

#: The signals that stop a run.
STOPPING = tuple(getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n))


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Hold the signals that stop a run (this thread) while a child is started."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - Windows: no fork
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def set_child_signals(*, ignore: tuple[str, ...] = ()) -> None:
    """In a child: the signals that stop a run take their default action, or are ignored
    (``ignore``, by name: "SIGINT"); then those held since the fork (``held``) are let go."""
    for number in STOPPING:
        signal.signal(number, signal.SIG_IGN if number.name in ignore else signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPPING)
