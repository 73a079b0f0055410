"""The options users of ruff and pre-commit expect: -h, -V, completion, --debug anywhere."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from policycheck import __version__
from tests.conftest import PROPOSALS
from tests.conftest import run_cli as run

KOSOVO = str(PROPOSALS / "kosovo-armed-drones-2023.yaml")


@pytest.mark.parametrize("args", [["-h"], ["assess", "-h"], ["baseline", "write", "-h"]])
def test_dash_h_is_help(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    code, out, _ = run(capsys, *args)
    assert code == 0
    assert "Usage: policycheck" in out


def test_dash_capital_v_is_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "-V")
    assert code == 0
    assert out == f"policycheck {__version__}\n"


def test_shell_completion_is_offered() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "policycheck", "--show-completion", "bash"],
        capture_output=True,
        text=True,
        check=False,
        env={"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert "complete" in done.stdout


def test_debug_is_accepted_after_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "assess", KOSOVO, "-f", "json", "--debug")
    assert code == 0, err
    assert json.loads(out)["results"]


def test_help_does_not_offer_a_format_it_refuses(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "assess", "--help")
    choices = next(line for line in out.splitlines() if "--format" in line)
    assert "xlsx" not in choices
    assert "json" in choices
    code, _, err = run(capsys, "assess", KOSOVO, "-f", "xlsx")
    assert code == 2
    assert "xlsx" in err


def test_assess_takes_a_bundled_rubric_by_name_as_rules_does(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, named, err = run(capsys, "assess", KOSOVO, "-f", "json", "--rubric", "default")
    assert code == 0, err
    _, plain, _ = run(capsys, "assess", KOSOVO, "-f", "json")

    def strip(text: str) -> dict[str, Any]:
        return {k: v for k, v in json.loads(text).items() if k != "generated_at"}

    assert strip(named) == strip(plain)
