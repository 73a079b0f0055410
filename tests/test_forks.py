"""A forked child never runs the main process's handlers for the signals that stop a run."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from policycheck.forks import STOPPING, held, set_child_signals

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


@pytest.fixture
def main_handlers() -> Iterator[list[int]]:
    """Handlers like the main process's, which record the signals they were given."""
    seen: list[int] = []
    previous = {n: signal.signal(n, lambda signum, _frame: seen.append(signum)) for n in STOPPING}
    yield seen
    for number, handler in previous.items():
        signal.signal(number, handler)


def _in_child(body: Callable[[], int]) -> int:
    """Fork under ``held``, run ``body`` in the child; its exit status (or -signal)."""
    with held():
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child (coverage is not started in it)
            code = 70
            try:
                code = body()
            finally:
                os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def _busy() -> None:
    """Python code enough for a pending handler to run (it runs between bytecodes)."""
    total = 0
    for n in range(10_000):
        total += n
    assert total


def test_a_signal_before_the_child_sets_its_own_is_never_given_to_the_main_handler(
    main_handlers: list[int],
) -> None:
    def body() -> int:
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C, in the child's first moments
        _busy()
        if main_handlers:
            return 1  # the main process's handler ran here
        set_child_signals(ignore=("SIGINT",))
        _busy()
        return 0 if not main_handlers else 2

    assert _in_child(body) == 0


def test_a_sigterm_held_in_the_child_ends_it_once_let_go(main_handlers: list[int]) -> None:
    def body() -> int:
        os.kill(os.getpid(), signal.SIGTERM)  # the main process stopping a worker just started
        _busy()
        set_child_signals(ignore=("SIGINT",))
        _busy()
        return 3  # not reached: the default action ends the child

    assert _in_child(body) == -signal.SIGTERM
    assert main_handlers == []


def test_the_main_process_gets_what_came_while_it_held_them(main_handlers: list[int]) -> None:
    with held():
        # To this thread: one sent to the process goes to a thread not holding it (pytest's).
        signal.pthread_kill(threading.get_ident(), signal.SIGHUP)
        _busy()
        assert main_handlers == []
    _busy()
    assert main_handlers == [signal.SIGHUP]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_child_lets_go_of_what_it_held_and_ignores_only_what_it_asked() -> None:
    def mask(field: str) -> int:
        status = Path(f"/proc/{os.getpid()}/status").read_text()
        line = next(x for x in status.splitlines() if x.startswith(field + ":"))
        return int(line.split()[1], 16)

    bits = 0
    for number in STOPPING:
        bits |= 1 << (number - 1)

    def body() -> int:
        if mask("SigBlk") & bits != bits:
            return 1
        set_child_signals(ignore=("SIGINT",))
        if mask("SigBlk") & bits:
            return 2
        dispositions: dict[int, Any] = {n: signal.getsignal(n) for n in STOPPING}
        expected = {n: signal.SIG_IGN if n == signal.SIGINT else signal.SIG_DFL for n in STOPPING}
        return 0 if dispositions == expected else 3

    assert _in_child(body) == 0
