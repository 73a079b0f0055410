"""The layers of the code are written down (pyproject.toml) and hold (``lint-imports``)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import policycheck
from tests.conftest import ROOT

CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["importlinter"]


def _layered() -> set[str]:
    (layers,) = [c for c in CONFIG["contracts"] if c["type"] == "layers"]
    return {name.strip() for layer in layers["layers"] for name in layer.split("|")}


def test_every_module_of_the_package_has_a_layer() -> None:
    src = Path(policycheck.__file__).parent
    modules = {
        f"policycheck.{p.stem if p.is_file() else p.name}"
        for p in src.iterdir()
        if (p.suffix == ".py" and p.name != "__init__.py") or (p / "__init__.py").is_file()
    }
    assert modules - _layered() == set()


def test_the_commands_do_not_import_the_command_line() -> None:
    order = next(c for c in CONFIG["contracts"] if c["type"] == "layers")["layers"]
    assert order.index("policycheck.cli") < order.index("policycheck.commands")


#: import-linter's command, installed beside the interpreter running the tests (the dev extra).
LINT = Path(sys.executable).parent / "lint-imports"


@pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed (the dev extra)")
def test_the_contracts_hold() -> None:
    done = subprocess.run(
        [str(LINT)], cwd=ROOT, capture_output=True, text=True, check=False, timeout=300
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert "0 broken" in done.stdout
