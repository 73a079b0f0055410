"""The terminal output of a large batch is a listing: a line a proposal, the totals, the gate.

Above ``listing.FULL_UP_TO`` proposals (and without ``--full``) the terminal
prints one line per proposal as its result arrives, then the totals and the
gate; up to it, each proposal's full report as before (the samples' snapshots).
The listing is streamed when no report file is asked for, kept compact beside
JSON and workbook files, and made from the whole report beside any other
format: the bytes are the same every way.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest

from policycheck.render import listing
from tests.conftest import run_cli
from tests.test_batch_memory import _peak_mb, batches, make_repo

#: The listing's threshold in these tests: the rule is the same at 4 as at the shipped 20
#: (``test_the_shipped_threshold``), and a repository of 14 proposals costs a third of one of 30.
FULL_UP_TO = 4
#: Generated proposals in the listing's repository: enough to pass the listing's threshold.
COUNT = FULL_UP_TO + 4


@pytest.fixture(autouse=True)
def _threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(listing, "FULL_UP_TO", FULL_UP_TO)


def test_the_shipped_threshold_is_the_documented_one() -> None:
    from tests.conftest import ROOT

    assert listing.FULL_UP_TO == FULL_UP_TO  # patched here ...
    shipped = (ROOT / "src/policycheck/render/listing.py").read_text("utf-8")
    assert "\nFULL_UP_TO = 20\n" in shipped  # ... and 20 as shipped and as the README says
    assert "Up to 20 proposals, the terminal shows each" in (ROOT / "README.md").read_text("utf-8")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example repository (gate, waivers, baseline) with more proposals than the listing's
    threshold, a file that is not YAML, an invalid one and a duplicate id."""
    return make_repo(tmp_path_factory.mktemp("listing") / "repo", COUNT)


class Run(NamedTuple):
    """What one run of ``policycheck assess`` gave."""

    returncode: int
    stdout: str
    stderr: str


Assess = Callable[..., Run]


@pytest.fixture
def assess(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Assess:
    """``policycheck assess`` run in this process from a folder, with the environment the
    subprocesses of ``test_batch_memory`` get: the listing is about the bytes printed, which
    the entry point prints the same in-process, and a run costs no interpreter start."""
    for name in list(os.environ):
        if name.startswith(("GITHUB_", "POLICYCHECK_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")

    def run(cwd: Path, *args: str) -> Run:
        monkeypatch.chdir(cwd)
        return Run(*run_cli(capsys, "assess", *args))

    return run


def _lines(done: Run) -> list[str]:
    return done.stdout.splitlines()


def test_a_large_batch_prints_a_line_per_proposal_the_same_however_results_are_kept(
    repo: Path, assess: Assess
) -> None:
    streamed = assess(repo)
    compact = assess(repo, "-o", "json=a.json", "--xlsx", "a.xlsx")
    whole = assess(repo, "-o", "markdown=b.md")
    assert (repo / "b.md").stat().st_size > 0
    assert (repo / "a.json").stat().st_size > 0
    assert streamed.returncode == compact.returncode == whole.returncode == 2
    assert streamed.stdout == compact.stdout == whole.stdout
    assert streamed.stderr == compact.stderr == whole.stderr
    files = sorted(p.name for p in (repo / "proposals").glob("*.yaml"))
    lines = _lines(streamed)
    assert [line.split(":")[0].rsplit("/", 1)[-1] for line in lines[: len(files)]] == files
    assert lines[len(files)] == ""
    assert lines[len(files) + 1].startswith(f"{len(files)} proposals: ")
    assert any(line.startswith("Gate FAILED: requires ") for line in lines)
    # The invalid file's line points at its problems, which are on stderr.
    broken = next(line for line in lines if "zz-broken.yaml" in line)
    assert broken.endswith(": invalid (1 problem, on stderr)")
    assert "zz-broken.yaml:" in streamed.stderr
    # The duplicate id is refused in the listing too.
    assert "p000007.yaml: invalid" in streamed.stdout  # the copy sorts first
    assert "Criteria" not in streamed.stdout


def test_a_line_shows_grade_score_range_and_worst_risks(repo: Path, assess: Assess) -> None:
    done = assess(repo, "--fail-under", "F")
    full = assess(repo, "--full", "--format", "json")
    results = {r["file"]: r for r in json.loads(full.stdout)["results"]}
    for line in _lines(done)[:COUNT]:
        file, _, rest = line.partition(": ")
        r = results[file]
        if r["status"] != "assessed":
            continue
        low, high = r["score_range"]
        head = f"{r['grade']} {r['score']:.1f} ({low:.1f}–{high:.1f}) risks "
        assert rest.startswith(head), (line, r)
        worst = [f"{k['id']} {k['severity']}" for k in r["risks"][:3]]
        assert all(w in rest for w in worst), (line, worst)


def test_up_to_the_limit_each_proposal_gets_its_full_report(
    repo: Path, tmp_path: Path, assess: Assess
) -> None:
    few = tmp_path / "few"
    few.mkdir()
    for path in sorted((repo / "proposals").glob("p0*[0-9].yaml"))[: FULL_UP_TO + 1]:
        shutil.copy(path, few / path.name)
    listed = assess(tmp_path, str(few))
    assert listed.returncode == 0, listed.stderr
    assert len(_lines(listed)) == FULL_UP_TO + 1 + 4
    full = assess(tmp_path, str(few), "--full")
    assert full.stdout.count("Criteria") == FULL_UP_TO + 1
    (few / sorted(p.name for p in few.iterdir())[0]).unlink()
    at_limit = assess(tmp_path, str(few))
    assert at_limit.stdout.count("Criteria") == FULL_UP_TO
    assert at_limit.stdout == assess(tmp_path, str(few), "--full").stdout


def test_explain_asks_for_the_full_reports(repo: Path, assess: Assess) -> None:
    explained = assess(repo, "--explain", "--fail-under", "F", "-j", "2")
    assert explained.stdout.count("How the score is made") > COUNT


@pytest.mark.full  # a memory measure over 400 generated proposals, as test_batch_memory's
@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in kB on Linux")
def test_a_streamed_listing_does_not_keep_the_results(tmp_path: Path) -> None:
    """300 more proposals in a gated listing add little to the peak of one process."""
    small, large = batches(tmp_path, 50, 350)
    gate = ("--fail-under", "C", "--fail-on", "high")
    base = _peak_mb(small, *gate)
    grown = _peak_mb(large, *gate) - base
    assert grown < 8, f"peak grew by {grown:.1f} MB for 300 more proposals (from {base:.0f})"
