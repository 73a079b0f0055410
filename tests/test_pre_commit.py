"""The pre-commit hook (issue 11): its default gate, and a real ``pre-commit run``.

With no configuration the hook used to gate nothing: a grade-F proposal with a high risk
showed ``Passed``. ``--default-gate`` (the hook's entry) fails below grade C and on an
unwaived high or critical risk unless the configuration or an option sets a threshold.

The real run commits a copy of this checkout as a hook repository (a local path: no
network for the clone), points a throwaway repository's ``.pre-commit-config.yaml`` at it,
and runs ``pre-commit run``, which builds the hook's environment with pip as it would for a
user (from pip's configured index). It runs in the full run (``POLICYCHECK_TESTS=full``, as
``.ci/run`` sets), the environment built once for every worker, and is skipped, with the
reason, where pre-commit is not installed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, shared_dir
from tests.test_gate_e2e import DRONES, MODEL, TIRANA, Repo, _env

PRE_COMMIT = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which(
    "pre-commit"
)


# --- the default gate (the command in-process; the hook runs the installed one below) -------


def test_default_gate_fails_grade_f_with_a_high_risk_when_nothing_is_configured(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = Repo(tmp_path / "repo", capsys=capsys)
    repo.sample(TIRANA)
    plain = repo.run("assess", "proposals", "--quiet")
    assert plain.returncode == 0  # no gate asked for: nothing fails
    gated = repo.run("assess", "proposals", "--quiet", "--default-gate")
    assert gated.returncode == 1, gated.stderr
    assert "grade D is below the required C" in gated.stderr
    assert "gate: high risk CE01" in gated.stderr
    assert (
        "requires grade at least C; no unwaived risk of severity high or above; coverage at least 60%"
        in gated.stderr
    )


def test_default_gate_passes_a_good_proposal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = Repo(tmp_path / "repo", capsys=capsys)
    repo.sample(MODEL)
    done = repo.run("assess", "proposals", "--quiet", "--default-gate")
    assert done.returncode == 0, done.stderr
    assert "gate passed" in done.stderr


@pytest.mark.parametrize(
    ("config", "code"),
    [
        ('fail_under = "F"\n', 0),  # the way to gate nothing: replaces the default whole
        ('fail_on = "critical"\n', 0),  # only critical risks, no grade bar
        ('fail_under = "A"\n', 1),
    ],
    ids=["fail-under-F", "fail-on-critical", "fail-under-A"],
)
def test_the_configuration_replaces_the_default_gate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], config: str, code: int
) -> None:
    repo = Repo(tmp_path / "repo", capsys=capsys)
    repo.sample(DRONES)  # grade F, CE03 high
    repo.write("policycheck.toml", config)
    done = repo.run("assess", "proposals", "--quiet", "--default-gate")
    assert done.returncode == code, done.stderr
    assert "below the required C" not in done.stderr


def test_an_option_replaces_the_default_gate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = Repo(tmp_path / "repo", capsys=capsys)
    repo.sample(DRONES)
    done = repo.run("assess", "proposals", "--quiet", "--default-gate", "--fail-under", "F")
    assert done.returncode == 0, done.stderr


# --- a real pre-commit run ------------------------------------------------------------------


def _hook_repository(target: Path) -> None:
    """This checkout's working tree committed as a repository of its own, in ``target``."""
    ignore = shutil.ignore_patterns(".venv", ".git", "__pycache__", "*.egg-info", ".*_cache")
    shutil.copytree(ROOT, target, ignore=ignore, dirs_exist_ok=True)
    Repo(target).commit("the hook under test")


@pytest.fixture(scope="session")
def hook(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Path]:
    """(hook repository, its commit, a PRE_COMMIT_HOME): made once per run and shared by every
    worker, so that pre-commit builds the hook's environment once (it locks its own store)."""
    path = shared_dir(tmp_path_factory, "pre-commit-hook", _hook_repository)
    home = shared_dir(tmp_path_factory, "pre-commit-home", lambda _folder: None)
    return path, Repo(path, init=False).git("rev-parse", "HEAD").strip(), home


def _pre_commit(
    repo: Repo, hook: tuple[Path, str, Path], *files: str
) -> subprocess.CompletedProcess[str]:
    path, rev, home = hook
    repo.write(
        ".pre-commit-config.yaml",
        f"repos:\n  - repo: {path}\n    rev: {rev}\n    hooks:\n      - id: policycheck\n",
    )
    repo.git("add", "-A")
    assert PRE_COMMIT is not None
    return subprocess.run(
        [PRE_COMMIT, "run", "--color", "never", "--files", *files],
        cwd=repo.root,
        capture_output=True,
        text=True,
        env=_env({"PRE_COMMIT_HOME": str(home)}),
        check=False,
        timeout=600,
    )


needs_pre_commit = pytest.mark.skipif(
    PRE_COMMIT is None,
    reason="pre-commit is not installed (pip install pre-commit): the hook is not run for real",
)
#: pre-commit builds the hook's environment with pip (once per run): the full run only.
real_run = pytest.mark.full


@needs_pre_commit
@real_run
def test_pre_commit_fails_a_grade_f_proposal_with_no_configuration(
    tmp_path: Path, hook: tuple[Path, str, Path]
) -> None:
    repo = Repo(tmp_path / "repo")
    repo.sample(TIRANA)
    repo.sample(MODEL)
    done = _pre_commit(repo, hook, f"proposals/{TIRANA}", f"proposals/{MODEL}")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "policycheck gate" in done.stdout
    assert "Failed" in done.stdout
    assert "grade D is below the required C" in done.stdout
    assert "gate: high risk CE01" in done.stdout


@needs_pre_commit
@real_run
def test_pre_commit_passes_good_proposals_and_skips_other_yaml(
    tmp_path: Path, hook: tuple[Path, str, Path]
) -> None:
    repo = Repo(tmp_path / "repo")
    repo.sample(MODEL)
    repo.write(".github/workflows/ci.yml", "on: push\njobs: {}\n")
    done = _pre_commit(repo, hook, f"proposals/{MODEL}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout
    only_workflow = _pre_commit(repo, hook, ".github/workflows/ci.yml")
    assert only_workflow.returncode == 0, only_workflow.stdout + only_workflow.stderr
    assert "(no files to check)Skipped" in only_workflow.stdout


@needs_pre_commit
@real_run
def test_pre_commit_follows_the_repositorys_configuration(
    tmp_path: Path, hook: tuple[Path, str, Path]
) -> None:
    repo = Repo(tmp_path / "repo")
    repo.sample(TIRANA)
    repo.write("policycheck.toml", 'fail_under = "F"\n')
    done = _pre_commit(repo, hook, f"proposals/{TIRANA}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout
