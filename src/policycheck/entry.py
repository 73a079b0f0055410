"""The ``policycheck`` console script: ``--version`` answered before anything is imported.

A version check is the one call scripts make in a loop (``policycheck --version`` in a
hook or a CI step), and the command line's parser alone costs several times a bare
interpreter's start-up; every other call goes to ``cli.main``.
"""

from __future__ import annotations

import gc
import sys


def main() -> None:
    """``--version`` (or ``-V``) on its own prints the version; anything else runs the CLI.

    The process ends after the command: what it made (modules, classes, the rubric, the
    results) is then frozen out of the garbage collector, whose last pass at exit walked
    every object for nothing (a fifth of a one-file run's time, measured on 2 cores).
    Everything is still freed, and exit handlers run, as at any exit.

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
    finally:
        gc.freeze()
