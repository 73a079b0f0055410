"""The ``policycheck`` console script: ``--version`` answered before anything is imported.

A version check is the one call scripts make in a loop (``policycheck --version`` in a
hook or a CI step), and the command line's parser alone costs several times a bare
interpreter's start-up; every other call goes to ``cli.main``.
"""

from __future__ import annotations

import gc
import sys
from typing import NoReturn


def main() -> None:
    """``--version`` (or ``-V``) on its own prints the version; anything else runs the CLI.

    The process ends after the command: what it made (modules, classes, the rubric, the
    results) is then frozen out of the garbage collector, whose last pass at exit walked
    every object for nothing (a fifth of a one-file run's time, measured on 2 cores), and
    the process ends without freeing it (``_end``).

    ``assess`` starts with the collector off: its start-up (imports, the rubric, the
    reference data) makes objects that live as long as the run, and some 90 passes over
    them found nothing to free (4 % of a one-file run's wall time). The pipeline turns it
    on, start-up frozen, before the first proposal (``pipeline._tune_gc``).
    """
    if sys.argv[1:] in (["--version"], ["-V"]):
        from policycheck._version import __version__

        sys.stdout.write(f"policycheck {__version__}\n")
        return
    if sys.argv[1:2] == ["assess"]:
        gc.disable()
    from policycheck.cli import main as cli_main

    try:
        cli_main()
    except SystemExit as exc:
        status = exc.code
    else:
        status = None
    finally:
        gc.freeze()
    _end(status)


def _end(status: str | int | None) -> NoReturn:
    """Exit as ``sys.exit(status)`` does, less the interpreter's teardown.

    Freeing every module and object one by one, once the command was done, cost a
    one-file run 13 M instructions (1 %) and some 4 ms. Exit handlers run and both
    streams are flushed, as at any exit; then the process ends. Where that is not
    enough, it exits the usual way: a status that is not a number (a message), a thread
    still running that is not a daemon (a normal exit waits for it), or a stream that
    cannot be flushed.
    """
    import atexit
    import os
    import threading

    waited = [t for t in threading.enumerate() if not t.daemon and t is not threading.main_thread()]
    if not (status is None or isinstance(status, int)) or waited:
        sys.exit(status)
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        sys.exit(status)
    os._exit(status or 0)
