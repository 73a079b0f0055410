"""A plain install stays light: no pandas or numpy, and the workbook still written (issue 11).

pandas and numpy made the pre-commit hook's environment about 200 MB; openpyxl alone writes
the workbook. These tests run policycheck in a process where pandas and numpy cannot be
imported, as after ``pip install policycheck`` with nothing else.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from openpyxl import load_workbook

from tests.conftest import PROPOSALS, ROOT

#: Run policycheck's CLI with pandas and numpy made unimportable.
_WITHOUT_PANDAS = """
import sys
from importlib.abc import MetaPathFinder

class Absent(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("pandas", "numpy"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Absent())
from policycheck.cli import main
main(sys.argv[1:])
"""


def test_base_dependencies_leave_out_pandas_and_numpy() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    names = {
        dep.split(";")[0].split(">")[0].split("=")[0].split("<")[0].strip().lower()
        for dep in project["dependencies"]
    }
    assert "openpyxl" in names
    assert not names & {"pandas", "numpy"}


def test_the_workbook_is_written_without_pandas(tmp_path: Path) -> None:
    workbook = tmp_path / "briefing.xlsx"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _WITHOUT_PANDAS,
            "assess",
            str(PROPOSALS),
            "--quiet",
            "--xlsx",
            str(workbook),
            "--jobs",
            "1",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    wb = load_workbook(workbook)
    assert wb.sheetnames[:3] == ["Brief", "Summary", "Risks"]
    summary = wb["Summary"]
    ids = {summary.cell(row, 1).value for row in range(2, summary.max_row + 1)}
    assert ids == {p.stem for p in PROPOSALS.glob("*.yaml")}
    risks = wb["Risks"]
    headers = [c.value for c in risks[1]]
    severity = headers.index("Severity") + 1
    ranks = {"critical": 4, "high": 3, "medium": 2, "low": 1}
    order = [ranks[str(risks.cell(row, severity).value)] for row in range(2, risks.max_row + 1)]
    assert order == sorted(order, reverse=True)  # the most severe first
    proposal = headers.index("Proposal ID") + 1
    rows = range(2, risks.max_row + 1)
    assert all(isinstance(risks.cell(row, proposal).value, str) for row in rows)


def test_the_blocker_really_blocks_pandas() -> None:
    """The test above proves something only if pandas cannot be imported under the blocker."""
    probe = _WITHOUT_PANDAS.replace("from policycheck.cli import main\nmain(sys.argv[1:])", "")
    done = subprocess.run(
        [sys.executable, "-c", probe + "import pandas\n"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode != 0
    assert "No module named 'pandas'" in done.stderr
