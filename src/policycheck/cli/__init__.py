"""The command line: ``policycheck`` parses options, calls the engine, writes, exits.

* ``app`` — the application, its global options and the entry point ``main``;
* ``commands`` — the one list of commands (how to add one is written there);
* ``assess`` — the ``assess`` command; ``options`` its options;
* ``outputs`` — report files, stdout, stderr, consoles, the progress bar;
* ``project`` — ``schema``, ``new``, ``config``, ``waivers list``, ``baseline write``.

The other commands live in ``policycheck.commands``.
"""

from __future__ import annotations

from policycheck.cli.app import app, main

__all__ = ["app", "main"]
