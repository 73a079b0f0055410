"""A check that raises on one proposal: that proposal fails, the batch goes on, the run exits 3.

The decision is written in CONTRIBUTING.md ("A check that crashes"). The crash is a real
exception from a real check function, swapped into the registry the CLI runs with.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from policycheck import Assessor
from policycheck.assessment import Assessment, Failure
from policycheck.checks import REGISTRY, Context, Outcome, Registry
from policycheck.engine import CheckFailed
from tests.conftest import PROPOSALS, run_cli

KOSOVO = PROPOSALS / "kosovo-armed-drones-2023.yaml"
TIRANA = PROPOSALS / "tirana-declaration-2025.yaml"


#: The real TR01, kept before any test swaps ``_boom`` in for it.
_TR01 = REGISTRY["TR01"].function


def _boom(context: Context) -> Outcome:
    """Fails on the Tirana declaration only, as a bug met by one kind of file would."""
    if context.proposal.id == "tirana-declaration-2025":
        raise ZeroDivisionError("division by zero")
    return _TR01(context)


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


@pytest.mark.parametrize(
    "options",
    [
        ["-f", "json"],  # streamed
        ["-f", "json", "--fail-under", "F", "-o", "json=REPORT"],  # kept compact
        ["-f", "markdown", "--fail-under", "F", "-o", "json=REPORT"],  # kept whole
    ],
)
def test_the_cli_reports_the_others_and_exits_3(
    tmp_path: Path,
    options: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The CLI through its entry point in this process, whose registry's TR01 raises on the
    Tirana declaration (one job: the run stays in this process)."""
    monkeypatch.setitem(
        REGISTRY._checks, "TR01", dataclasses.replace(REGISTRY["TR01"], function=_boom)
    )
    report = tmp_path / "report.json"
    code, out, err = run_cli(
        capsys,
        "assess",
        str(KOSOVO),
        str(TIRANA),
        "--jobs",
        "1",
        *(o.replace("REPORT", str(report)) for o in options),
    )
    assert code == 3, err
    assert "check TR01 failed on this proposal" in err
    assert "internal error: a check failed on 1 file(s)" in err
    assert "Traceback" not in err
    text = report.read_text("utf-8") if report.exists() else out
    statuses = [r["status"] for r in json.loads(text)["results"]]
    assert statuses == ["assessed", "invalid"]
