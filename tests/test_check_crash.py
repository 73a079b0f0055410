"""A check that raises on one proposal: that proposal fails, the batch goes on, the run exits 3.

The decision is written in CONTRIBUTING.md ("A check that crashes"). The crash is a real
exception from a real check function, swapped into the registry of the process under test.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from policycheck import Assessor
from policycheck.assessment import Assessment, Failure
from policycheck.checks import REGISTRY, Context, Outcome, Registry
from policycheck.engine import CheckFailed
from tests.conftest import PROPOSALS

KOSOVO = PROPOSALS / "kosovo-armed-drones-2023.yaml"
TIRANA = PROPOSALS / "tirana-declaration-2025.yaml"


def _boom(context: Context) -> Outcome:
    """Fails on the Tirana declaration only, as a bug met by one kind of file would."""
    if context.proposal.id == "tirana-declaration-2025":
        raise ZeroDivisionError("division by zero")
    return REGISTRY["TR01"].function(context)


def _crashing() -> Registry:
    swapped = dataclasses.replace(REGISTRY["TR01"], function=_boom)
    return Registry(tuple(swapped if c.id == "TR01" else c for c in REGISTRY.values()))


def test_a_crashing_check_fails_its_proposal_only() -> None:
    assessor = Assessor(registry=_crashing())
    report = assessor.run([KOSOVO, TIRANA], jobs=1)
    kosovo, tirana = report.results
    assert isinstance(kosovo, Assessment)
    assert isinstance(tirana, Failure)
    assert tirana.internal
    (problem,) = tirana.problems
    assert "check TR01 failed on this proposal (ZeroDivisionError: division by zero)" in str(
        problem
    )
    assert "a bug in policycheck" in problem.message
    with pytest.raises(CheckFailed):
        assessor.assess_bytes(TIRANA.read_bytes(), "t.yaml")


#: The CLI in a process whose TR01 raises on the Tirana declaration.
_PROBE = """
import dataclasses, sys
from policycheck.checks import REGISTRY

real = REGISTRY["TR01"].function

def boom(context):
    if context.proposal.id == "tirana-declaration-2025":
        raise ZeroDivisionError("division by zero")
    return real(context)

REGISTRY._checks["TR01"] = dataclasses.replace(REGISTRY["TR01"], function=boom)
from policycheck.cli import main
main(sys.argv[1:])
"""


@pytest.mark.parametrize(
    "options",
    [
        ["-f", "json"],  # streamed
        ["-f", "json", "--fail-under", "F", "-o", "json=REPORT"],  # kept compact
        ["-f", "markdown", "--fail-under", "F", "-o", "json=REPORT"],  # kept whole
    ],
)
def test_the_cli_reports_the_others_and_exits_3(tmp_path: Path, options: list[str]) -> None:
    report = tmp_path / "report.json"
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, "assess", str(KOSOVO), str(TIRANA), "--jobs", "1"]
        + [o.replace("REPORT", str(report)) for o in options],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 3, done.stderr
    assert "check TR01 failed on this proposal" in done.stderr
    assert "internal error: a check failed on 1 file(s)" in done.stderr
    assert "Traceback" not in done.stderr
    text = report.read_text("utf-8") if report.exists() else done.stdout
    statuses = [r["status"] for r in json.loads(text)["results"]]
    assert statuses == ["assessed", "invalid"]
