"""Shared fixtures: one assessor per session, helpers to assess YAML text."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from policycheck import Assessment, Assessor

ROOT = Path(__file__).resolve().parent.parent
PROPOSALS = ROOT / "proposals"

MINIMAL = """\
schema_version: 1
id: test
title: Test initiative
status: proposed
participants: [AL]
"""


@pytest.fixture(scope="session")
def assessor() -> Assessor:
    return Assessor()


def assess_yaml(assessor: Assessor, text: str, origin: str = "test.yaml") -> Assessment:
    """Assess a proposal given as (dedented) YAML text; raises InputError when invalid."""
    return assessor.assess_bytes(textwrap.dedent(text).encode(), origin)


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the CLI in this process through its entry point: (exit code, stdout, stderr)."""
    from policycheck.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 0), out, err
