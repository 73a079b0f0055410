"""End to end: the CI gate in real git repositories.

Every test builds a git repository in ``tmp_path`` (its own user, no global or
system git configuration), copies sample proposals into it and runs ``policycheck``
there: exit codes, thresholds, configuration discovery, waivers, the baseline,
``--changed-since``, report files, the example proposal repository and the CI
integration files (action, pre-commit hook, workflows).

``Repo.run`` runs the command through its entry point in this process, in the
repository and with the same clean environment a subprocess gets (a tenth of the
cost of starting the installed command); ``Repo.run_installed`` starts the installed
command, for the tests of what crosses the process boundary (exit codes, the action's
shell step).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.conftest import PROPOSALS, ROOT, process_like, run_cli

BIN = Path(sys.executable).parent / "policycheck"
EXE = str(BIN) if BIN.exists() else (shutil.which("policycheck") or "policycheck")
EXAMPLE = ROOT / "examples" / "proposal-repo"
TODAY = dt.datetime.now(dt.UTC).date()  # the CLI dates waivers in UTC

MODEL = "model-regional-initiative.yaml"  # grade A, no risk
TIRANA = "tirana-declaration-2025.yaml"  # grade F, CE01 high
DRONES = "kosovo-armed-drones-2023.yaml"  # grade F (21.8), CE03 high, RF03 medium
MACEDONIA = "eu-north-macedonia-sdp-2024.yaml"  # grade C, RF02 low


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of every subprocess: no CI, colour or git settings leak in."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GITHUB_", "POLICYCHECK_", "GIT_"))
        and k not in ("FORCE_COLOR", "NO_COLOR", "CI")
    }
    env.update(
        COLUMNS="200",
        NO_COLOR="1",
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
    )
    env.update(extra or {})
    return env


def _yaml(path: Path) -> Any:
    return YAML(typ="safe", pure=True).load(path.read_text("utf-8"))


class Repo:
    """A git repository in a temporary folder, and the installed command run inside it."""

    def __init__(
        self,
        root: Path,
        *,
        init: bool = True,
        capsys: pytest.CaptureFixture[str] | None = None,
    ) -> None:
        self.root = root
        self.capsys = capsys  # what ``run`` reads the command's output from
        if not init:  # an existing repository
            return
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q")
        self.git("config", "user.name", "Policy Desk")
        self.git("config", "user.email", "desk@example.org")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str) -> str:
        done = subprocess.run(
            ["git", *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            env=_env(),
            check=False,
            timeout=60,
        )
        assert done.returncode == 0, f"git {args}: {done.stderr}"
        return done.stdout

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def sample(self, name: str, as_id: str | None = None) -> Path:
        """Copy a sample proposal into proposals/ (under another id and file name if asked)."""
        text = (PROPOSALS / name).read_text("utf-8")
        if as_id is not None:
            text = re.sub(r"(?m)^id: .*$", f"id: {as_id}", text)
            name = f"{as_id}.yaml"
        path = self.root / "proposals" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def commit(self, message: str = "change") -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)

    def run(
        self, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """``policycheck *args`` through its entry point in this process, as a subprocess in
        ``cwd`` (the repository) with the environment of ``_env(env)`` would run."""
        assert self.capsys is not None, "Repo(..., capsys=capsys) to run policycheck in-process"
        with process_like(cwd or self.root, _env(env)):
            code, out, err = run_cli(self.capsys, *args)
        return subprocess.CompletedProcess([EXE, *args], code, out, err)

    def run_installed(
        self, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """The installed ``policycheck *args`` in a subprocess."""
        return subprocess.run(
            [EXE, *args],
            cwd=cwd or self.root,
            capture_output=True,
            text=True,
            env=_env(env),
            check=False,
            timeout=120,
        )


@pytest.fixture(scope="session")
def empty_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty repository with its user set, made once: each test's ``repo`` is a copy."""
    return Repo(tmp_path_factory.mktemp("template") / "repo").root


@pytest.fixture
def repo(empty_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Repo:
    shutil.copytree(empty_repo, tmp_path / "repo", symlinks=True)
    return Repo(tmp_path / "repo", init=False, capsys=capsys)


def _gate_lines(stderr: str) -> list[tuple[str, int, int, str]]:
    """The located breaches on stderr: (file, line, column, message)."""
    return [
        (m[1], int(m[2]), int(m[3]), m[4])
        for m in re.finditer(r"(?m)^(.+?):(\d+):(\d+): gate: (.+)$", stderr)
    ]


def _assert_located(stderr: str, file: Path, pattern: str) -> tuple[int, int]:
    """One breach of ``file`` matches ``pattern``, at a line and column inside the file."""
    hits = [
        (line, col)
        for name, line, col, message in _gate_lines(stderr)
        if name.endswith(file.name) and re.search(pattern, message)
    ]
    assert hits, f"no breach of {file.name} matching {pattern!r} in:\n{stderr}"
    lines = file.read_text("utf-8").splitlines()
    for line, col in hits:
        assert 1 <= line <= len(lines), (line, len(lines))
        assert 1 <= col <= len(lines[line - 1]) + 1, (line, col)
    return hits[0]


# --- exit codes ------------------------------------------------------------------------


def test_exit_0_when_the_gate_passes(repo: Repo) -> None:
    """The installed command: its exit code is the gate's."""
    repo.sample(MODEL)
    done = repo.run_installed("assess", "proposals", "--fail-under", "A", "--fail-on", "low")
    assert done.returncode == 0, done.stderr
    assert "gate passed" in done.stderr
    assert "Gate passed" in done.stdout
    assert not _gate_lines(done.stderr)


def test_exit_1_with_a_located_message_when_the_gate_fails(repo: Repo) -> None:
    tirana = repo.sample(TIRANA)
    repo.sample(MODEL)
    done = repo.run_installed("assess", "proposals", "--fail-on", "high")
    assert done.returncode == 1, done.stderr
    line, _ = _assert_located(done.stderr, tirana, r"^high risk CE01 ")
    assert "country:" in tirana.read_text("utf-8").splitlines()[line - 1]  # a participant
    assert [b[0] for b in _gate_lines(done.stderr)] == ["proposals/" + TIRANA]
    assert "gate failed: 1 breach(es)" in done.stderr
    assert "Gate FAILED" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--no-such-option"], "No such option"),
        (["--fail-on", "extreme"], "--fail-on"),
        (["--fail-under", "Q"], "--fail-under: 'Q' is neither a grade"),
        (["--min", "regional-inclusiveness=500"], "--min regional-inclusiveness=500"),
        (["--min", "no-such-criterion=50"], "unknown criterion 'no-such-criterion'"),
        (["--changed-since", "no-such-ref"], "no-such-ref"),
        (
            ["--fail-on", "high", "--baseline", "missing.json"],
            "missing.json:1:1: baseline file not found",
        ),
    ],
    ids=[
        "unknown-option",
        "bad-severity",
        "bad-grade",
        "bad-min",
        "min-unknown",
        "bad-ref",
        "no-baseline",
    ],
)
def test_exit_2_on_a_bad_option(repo: Repo, args: list[str], message: str) -> None:
    repo.sample(MODEL)
    repo.commit()
    done = repo.run("assess", "proposals", *args)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("policycheck.toml", 'paths = ["proposals"]\nfail_on = "high"\nfail_udner = "C"\n', 3),
        (".policycheck.yaml", "paths: [proposals]\nfail_on: high\nfail_udner: C\n", 3),
        (
            "pyproject.toml",
            '[project]\nname = "proposals"\n\n[tool.policycheck]\npaths = ["proposals"]\n'
            'fail_udner = "C"\n\n[tool.other]\nx = 1\n',
            6,
        ),
    ],
    ids=["toml", "yaml", "pyproject"],
)
def test_exit_2_on_an_unknown_configuration_key_located_by_line(
    repo: Repo, name: str, text: str, line: int
) -> None:
    repo.sample(MODEL)
    repo.write(name, text)
    done = repo.run("assess")
    assert done.returncode == 2, done.stderr
    assert re.search(
        rf"{re.escape(name)}:{line}:\d+: unknown key 'fail_udner'; did you mean 'fail_under'\?",
        done.stderr,
    ), done.stderr
    assert "Traceback" not in done.stderr


def test_exit_2_on_bad_threshold_values_in_the_configuration_all_located(repo: Repo) -> None:
    repo.sample(MODEL)
    repo.write(
        "policycheck.toml",
        'paths = ["proposals"]\n\nfail_under = "Z"\nfail_on = "severe"\n\n'
        "[minimums]\nregional-inclusiveness = 120\n",
    )
    done = repo.run("assess")
    assert done.returncode == 2, done.stderr
    for pattern in (
        r":3:\d+: fail_under: 'Z' is neither a grade \(A-F\) nor a score \(0-100\)",
        r":4:\d+: fail_on: ",
        r":[67]:\d+: minimums: minimum for 'regional-inclusiveness' must be between 0 and 100",
    ):
        assert re.search(r"policycheck\.toml" + pattern, done.stderr), (pattern, done.stderr)
    assert "Traceback" not in done.stderr
    repo.write("policycheck.toml", 'paths = ["proposals"]\nfail_under = 150\n')
    score = repo.run("assess")
    assert score.returncode == 2
    assert re.search(
        r"policycheck\.toml:2:\d+: fail_under: .*150.* not between 0 and 100", score.stderr
    )


def test_exit_2_on_an_invalid_proposal_the_others_still_assessed_and_reported(
    repo: Repo,
) -> None:
    repo.sample(MODEL)
    repo.sample(TIRANA)
    repo.write(
        "proposals/broken.yaml",
        """\
        schema_version: 1
        id: broken
        title: Broken
        status: someday
        participants: [AL]
        """,
    )
    done = repo.run("assess", "proposals", "--fail-on", "high", "-f", "json")
    assert done.returncode == 2, done.stderr  # unusable input outranks the gate
    assert re.search(r"(?m)^proposals/broken\.yaml:4:\d+: .*status", done.stderr), done.stderr
    doc = json.loads(done.stdout)
    by_file = {r["file"]: r for r in doc["results"]}
    assert by_file["proposals/broken.yaml"]["status"] == "invalid"
    assert by_file["proposals/" + MODEL]["grade"] == "A"
    assert by_file["proposals/" + TIRANA]["status"] == "assessed"
    assert doc["summary"]["assessed"] == 2
    assert doc["summary"]["invalid"] == 1
    kinds = sorted(b["kind"] for b in doc["gate"]["breaches"])
    assert kinds == ["invalid", "risk"]


def test_no_proposals_fails_unless_empty_runs_are_allowed(repo: Repo) -> None:
    (repo.root / "proposals").mkdir()
    repo.write("proposals/README.md", "Proposals go here.\n")
    done = repo.run("assess", "proposals", "--fail-on", "high")
    assert done.returncode == 2
    assert "no proposal files found" in done.stderr
    allowed = repo.run("assess", "proposals", "--fail-on", "high", "--allow-empty")
    assert allowed.returncode == 0, allowed.stderr
    assert "empty runs are allowed" in allowed.stderr
    repo.write("policycheck.toml", 'paths = ["proposals"]\nallow_empty = true\n')
    from_file = repo.run("assess")
    assert from_file.returncode == 0, from_file.stderr


# --- thresholds ------------------------------------------------------------------------


def test_fail_under_a_grade(repo: Repo) -> None:
    drones = repo.sample(DRONES)
    done = repo.run("assess", "proposals", "--fail-under", "D")
    assert done.returncode == 1
    _assert_located(done.stderr, drones, r"^grade F is below the required D$")
    assert "requires grade at least D" in done.stderr
    assert repo.run("assess", "proposals", "--fail-under", "F").returncode == 0


def test_fail_under_a_score(repo: Repo) -> None:
    drones = repo.sample(DRONES)  # 21.8, with 54% of the applicable weight known
    done = repo.run("assess", "proposals", "--fail-under", "25")
    assert done.returncode == 1
    _assert_located(done.stderr, drones, r"^score 21\.8 is below the required 25$")
    # A score threshold also asks that enough be known to show it.
    _assert_located(done.stderr, drones, r"^only 54% of the applicable weight is known")
    assert repo.run("assess", "proposals", "--fail-under", "21.5").returncode == 1
    repo.write("policycheck.toml", 'paths = ["proposals"]\nmin_coverage = 0.5\n')
    assert repo.run("assess", "proposals", "--fail-under", "21.5").returncode == 0


def test_minimum_for_one_criterion(repo: Repo) -> None:
    repo.write("policycheck.toml", 'paths = ["proposals"]\nmin_coverage = 0.5\n')
    drones = repo.sample(DRONES)  # regional inclusiveness 40.0 (only RI06 applies to a purchase)
    repo.sample(MODEL)  # 100
    done = repo.run("assess", "proposals", "--min", "regional-inclusiveness=50")
    assert done.returncode == 1
    line, _ = _assert_located(
        done.stderr, drones, r"^Regional inclusiveness scores 40\.0, below the required 50 "
    )
    assert "country:" in drones.read_text("utf-8").splitlines()[line - 1]  # the supplier
    assert len(_gate_lines(done.stderr)) == 1  # the model initiative passes
    by_title = repo.run("assess", "proposals", "--min", "Regional inclusiveness=20")
    assert by_title.returncode == 0, by_title.stderr


def test_fail_on_a_severity(repo: Repo) -> None:
    drones = repo.sample(DRONES)  # CE03 high, RF03 medium
    repo.sample(MACEDONIA)  # RF02 low
    done = repo.run("assess", "proposals", "--fail-on", "high")
    assert done.returncode == 1
    _assert_located(done.stderr, drones, r"^high risk CE03 ")
    assert len(_gate_lines(done.stderr)) == 1
    low = repo.run("assess", "proposals", "--fail-on", "low")
    messages = sorted(b[3].split(" ")[2] for b in _gate_lines(low.stderr))
    assert low.returncode == 1
    assert messages == ["CE03", "RF02", "RF03"]


def test_soft_fail_exits_0_but_reports_the_breach(repo: Repo) -> None:
    drones = repo.sample(DRONES)
    done = repo.run("assess", "proposals", "--fail-on", "high", "--soft-fail", "-f", "json")
    assert done.returncode == 0, done.stderr
    _assert_located(done.stderr, drones, r"^high risk CE03 ")
    assert "gate failed (soft: exit 0)" in done.stderr
    gate = json.loads(done.stdout)["gate"]
    assert gate["passed"] is False
    assert gate["soft"] is True
    assert [b["kind"] for b in gate["breaches"]] == ["risk"]


# --- configuration discovery and precedence --------------------------------------------

CONFIGS = {
    "pyproject.toml": '[project]\nname = "our-proposals"\nversion = "1"\n\n'
    '[tool.policycheck]\npaths = ["proposals"]\nfail_on = "high"\n\n'
    "[tool.policycheck.minimums]\nregional-inclusiveness = 10\n",
    "policycheck.toml": '# gate\npaths = ["proposals"]\n\nfail_on = "high"\n'
    "\n[minimums]\nregional-inclusiveness = 10\n",
    ".policycheck.yaml": "# gate\npaths: [proposals]\nminimums:\n  regional-inclusiveness: 10\n"
    "\n\nfail_on: high\n",
}
FAIL_ON_LINE = {"pyproject.toml": 7, "policycheck.toml": 4, ".policycheck.yaml": 7}


@pytest.mark.parametrize("name", list(CONFIGS))
def test_configuration_found_from_a_subfolder(repo: Repo, name: str) -> None:
    drones = repo.sample(DRONES)
    repo.sample(MODEL)
    config = repo.write(name, CONFIGS[name])
    deep = repo.root / "notes" / "2026"
    deep.mkdir(parents=True)
    done = repo.run("assess", "-q", cwd=deep)  # paths come from the file, relative to it
    assert done.returncode == 1, done.stderr
    _assert_located(done.stderr, drones, r"^high risk CE03 ")
    assert "requires regional-inclusiveness at least 10; no unwaived risk" in done.stderr
    shown = repo.run("config", cwd=deep)
    assert shown.returncode == 0, shown.stderr
    assert f"configuration: {config}" in shown.stdout
    assert f"fail_on = high  ({config}:{FAIL_ON_LINE[name]})" in shown.stdout
    assert re.search(rf"paths = \[\"proposals\"\]  \({re.escape(str(config))}:\d+\)", shown.stdout)
    assert "fail_under = null  (default)" in shown.stdout


def test_a_flag_overrides_the_file(repo: Repo) -> None:
    repo.sample(DRONES)
    repo.write(
        "policycheck.toml",
        'paths = ["proposals"]\nfail_on = "high"\nfail_under = "A"\nsoft_fail = true\n',
    )
    soft = repo.run("assess", "-q")
    assert soft.returncode == 0  # soft_fail from the file
    assert "gate failed (soft: exit 0): 3 breach(es)" in soft.stderr  # grade, CE03, coverage
    assert repo.run("assess", "-q", "--hard-fail").returncode == 1
    relaxed = repo.run("assess", "-q", "--hard-fail", "--fail-on", "critical", "--fail-under", "F")
    assert relaxed.returncode == 0, relaxed.stderr
    assert "requires grade at least F; no unwaived risk of severity critical" in relaxed.stderr


def test_the_first_file_found_wins(repo: Repo) -> None:
    repo.sample(DRONES)
    repo.write(".policycheck.yaml", "paths: [proposals]\nfail_on: critical\n")
    repo.write("policycheck.toml", 'paths = ["proposals"]\nfail_on = "high"\n')
    repo.write("pyproject.toml", '[tool.policycheck]\npaths = ["proposals"]\nfail_on = "low"\n')
    assert repo.run("assess", "-q").returncode == 0  # .policycheck.yaml: critical
    (repo.root / ".policycheck.yaml").unlink()
    shown = repo.run("config")
    assert f"fail_on = high  ({repo.root / 'policycheck.toml'}:2)" in shown.stdout
    # A nearer file wins over one further up; a pyproject.toml without
    # [tool.policycheck] is not a configuration and the walk goes on.
    sub = repo.root / "team"
    repo.write("team/pyproject.toml", '[project]\nname = "team"\n')
    shown = repo.run("config", cwd=sub)
    assert f"configuration: {repo.root / 'policycheck.toml'}" in shown.stdout
    nearer = repo.write("team/policycheck.toml", 'paths = ["../proposals"]\nfail_on = "critical"\n')
    shown = repo.run("config", cwd=sub)
    assert f"fail_on = critical  ({nearer}:2)" in shown.stdout


def test_the_walk_stops_at_the_repository_root(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "outer"
    outside.mkdir()
    (outside / ".policycheck.yaml").write_text("paths: [repo/proposals]\nfail_on: low\n")
    repo = Repo(outside / "repo", capsys=capsys)
    repo.sample(DRONES)
    sub = repo.root / "proposals"
    shown = repo.run("config", cwd=sub)
    assert shown.returncode == 0, shown.stderr
    assert "no configuration file found (defaults)" in shown.stdout
    done = repo.run("assess", "-q", DRONES, cwd=sub)
    assert done.returncode == 0, done.stderr  # no gate: the file above the repository is ignored
    assert "gate" not in done.stderr
    bare = repo.run("assess", cwd=sub)
    assert bare.returncode == 2
    assert "no configuration file sets 'paths'" in bare.stderr


def test_an_explicit_config_file_is_used_as_given(repo: Repo) -> None:
    repo.sample(DRONES)
    repo.write("policycheck.toml", 'paths = ["proposals"]\nfail_on = "critical"\n')
    strict = repo.write("ci/strict.yaml", "paths: [../proposals]\nfail_on: high\n")
    done = repo.run("assess", "-q", "--config", "ci/strict.yaml")
    assert done.returncode == 1, done.stderr
    shown = repo.run("config", "--config", str(strict))
    assert f"fail_on = high  ({strict}:2)" in shown.stdout
    missing = repo.run("assess", "--config", "ci/nowhere.toml")
    assert missing.returncode == 2
    assert "configuration file not found" in missing.stderr


# --- waivers ---------------------------------------------------------------------------


def _waiver(
    risk: str,
    proposal: str,
    expires: str | None,
    justification: str = "Accepted by the board pending the SRAC review",
) -> str:
    """One ``[[waivers]]`` table of a policycheck.toml (five or six lines and a blank one)."""
    lines = [
        "[[waivers]]",
        f'risk = "{risk}"',
        f'proposal = "{proposal}"',
        f'justification = "{justification}"',
        'owner = "arms-control-desk"',
    ]
    if expires is not None:
        lines.append(f"expires = {expires}")
    return "\n".join(lines) + "\n\n"


GATE_HIGH = 'paths = ["proposals"]\nfail_on = "high"\n\n'


@pytest.mark.parametrize("target", ["CE03", "AC02"], ids=["by-risk-id", "by-check-id"])
def test_a_valid_waiver_lets_a_high_risk_through(repo: Repo, target: str) -> None:
    repo.sample(DRONES)
    repo.write(
        "policycheck.toml", GATE_HIGH + _waiver(target, "kosovo-armed-drones-2023", "2030-12-31")
    )
    done = repo.run("assess", "-f", "json", "--output", "terminal=report.txt", "--width", "200")
    assert done.returncode == 0, done.stderr
    assert "gate passed" in done.stderr
    terminal = (repo.root / "report.txt").read_text("utf-8")
    assert re.search(
        r"WAIVED until 2030-12-31 by arms-control-desk: Accepted by the board pending the SRAC "
        r"review \(.*policycheck\.toml:\d+\)",
        terminal,
    ), terminal
    assert "HIGH  CE03" in terminal  # still shown
    doc = json.loads(done.stdout)
    (result,) = doc["results"]
    ce03 = next(r for r in result["risks"] if r["id"] == "CE03")
    assert ce03["waived"] is True
    assert ce03["waiver"]["active"] is True
    assert ce03["waiver"]["expires"] == "2030-12-31"
    assert ce03["waiver"]["owner"] == "arms-control-desk"
    rf03 = next(r for r in result["risks"] if r["id"] == "RF03")
    assert rf03["waived"] is False
    assert doc["gate"]["passed"] is True
    assert doc["gate"]["expired_waivers"] == doc["gate"]["unused_waivers"] == []


def test_a_waiver_holds_on_its_expiry_day_and_lapses_after(repo: Repo) -> None:
    drones = repo.sample(DRONES)
    config = "policycheck.toml"
    repo.write(config, GATE_HIGH + _waiver("CE03", "kosovo-armed-drones-2023", str(TODAY)))
    assert repo.run("assess", "-q").returncode == 0
    yesterday = TODAY - dt.timedelta(days=1)
    repo.write(config, GATE_HIGH + _waiver("CE03", "kosovo-armed-drones-2023", str(yesterday)))
    done = repo.run("assess", "-f", "json", "--output", "terminal=report.txt", "--width", "200")
    assert done.returncode == 1
    assert re.search(
        rf"policycheck\.toml:\d+: waiver of CE03 for kosovo-armed-drones-2023 expired on {yesterday}",
        done.stderr,
    ), done.stderr
    _assert_located(done.stderr, drones, r"^high risk CE03 ")
    terminal = (repo.root / "report.txt").read_text("utf-8")
    assert f"waiver EXPIRED on {yesterday}" in terminal
    assert f"Expired waiver: CE03 for kosovo-armed-drones-2023, expired {yesterday}" in terminal
    gate = json.loads(done.stdout)["gate"]
    assert [w["target"] for w in gate["expired_waivers"]] == ["CE03"]
    assert gate["passed"] is False


def test_a_waiver_matching_nothing_is_reported_unused(repo: Repo) -> None:
    repo.sample(MODEL)
    repo.sample(DRONES)
    repo.write(
        "policycheck.toml",
        GATE_HIGH
        + _waiver("CE03", "kosovo-armed-drones-2023", "2030-12-31")
        + _waiver("CE05", "model-regional-initiative", "2030-12-31")
        + _waiver("CE01", "a-proposal-not-assessed", "2030-12-31"),
    )
    done = repo.run("assess", "-f", "json")
    assert done.returncode == 0, done.stderr
    assert re.search(
        r"policycheck\.toml:\d+: waiver of CE05 for model-regional-initiative matches no finding "
        r"\(unused\)",
        done.stderr,
    ), done.stderr
    # A waiver is judged only when its proposal was assessed: unused means the risk did not occur.
    assert "a-proposal-not-assessed" not in done.stderr
    unused = json.loads(done.stdout)["gate"]["unused_waivers"]
    assert [(w["target"], w["proposal"]) for w in unused] == [("CE05", "model-regional-initiative")]
    partial = repo.run("assess", "-f", "json", "--changed-since", "HEAD", "--allow-empty")
    assert "a-proposal-not-assessed" not in partial.stderr


def test_a_waiver_without_justification_or_expiry_is_rejected_located_yaml(repo: Repo) -> None:
    repo.sample(DRONES)
    repo.write(
        ".policycheck.yaml",
        """\
        paths: [proposals]
        fail_on: high
        waivers:
          - risk: CE03
            proposal: kosovo-armed-drones-2023
            justification: "   "
            owner: arms-control-desk
            expires: 2030-12-31
          - risk: RF03
            proposal: kosovo-armed-drones-2023
            justification: Supplier role limited to delivery
            owner: arms-control-desk
        """,
    )
    done = repo.run("assess")
    assert done.returncode == 2, done.stderr
    assert re.search(r"\.policycheck\.yaml:6:\d+: waivers\.0\.justification", done.stderr)
    assert re.search(
        r"\.policycheck\.yaml:(9|1[0-2]):\d+: missing required key 'waivers\.1\.expires'",
        done.stderr,
    ), done.stderr
    assert repo.run("waivers", "list").returncode == 2


def test_a_waiver_without_justification_or_expiry_is_rejected_located_toml(repo: Repo) -> None:
    """In TOML too, each problem points into the waiver that has it, not into the next one."""
    repo.sample(DRONES)
    repo.write(
        "policycheck.toml",
        GATE_HIGH  # lines 1-3
        + _waiver("CE03", "kosovo-armed-drones-2023", None, "")  # lines 4-8: empty, no expiry
        + _waiver("RF03", "kosovo-armed-drones-2023", "2030-12-31"),  # lines 10-15
    )
    done = repo.run("assess")
    assert done.returncode == 2, done.stderr
    assert re.search(r"policycheck\.toml:7:\d+: waivers\.0\.justification: ", done.stderr)
    match = re.search(
        r"policycheck\.toml:(\d+):\d+: missing required key 'waivers\.0\.expires'", done.stderr
    )
    assert match, done.stderr
    # Expected: the first waiver's table (lines 4-9), not the next waiver's 'expires' (line 15).
    assert 4 <= int(match[1]) <= 9, f"located in another waiver: {done.stderr}"


def test_waivers_list_expiring_in(repo: Repo) -> None:
    soon = TODAY + dt.timedelta(days=10)
    later = TODAY + dt.timedelta(days=400)
    past = TODAY - dt.timedelta(days=5)
    repo.write(
        "policycheck.toml",
        GATE_HIGH
        + _waiver("CE03", "kosovo-armed-drones-2023", str(soon))
        + _waiver("CE01", "tirana-declaration-2025", str(later))
        + _waiver("RF03", "kosovo-armed-drones-2023", str(past)),
    )
    listed = repo.run("waivers", "list")
    assert listed.returncode == 0, listed.stderr
    assert len(listed.stdout.splitlines()) == 3
    due = repo.run("waivers", "list", "--expiring-in", "30")
    assert due.returncode == 0, due.stderr
    lines = due.stdout.splitlines()
    assert len(lines) == 2, due.stdout
    assert any(
        f"CE03 for kosovo-armed-drones-2023 — expires in 10 day(s) ({soon})" in x for x in lines
    )
    assert any(
        f"RF03 for kosovo-armed-drones-2023 — expired 5 day(s) ago ({past})" in x for x in lines
    )
    assert "CE01" not in due.stdout
    none = repo.run("waivers", "list", "--expiring-in", "0")
    assert "RF03" in none.stdout  # expired ones are always due
    assert "CE03" not in none.stdout


# --- baseline --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def baselined_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository with the drones and Tirana proposals and a baseline of their findings."""
    repo = Repo(tmp_path_factory.mktemp("baselined") / "repo")
    repo.sample(DRONES)
    repo.sample(TIRANA)
    repo.write("policycheck.toml", GATE_HIGH + 'baseline = "policycheck-baseline.json"\n')
    done = repo.run_installed("baseline", "write", "policycheck-baseline.json")
    assert done.returncode == 0, done.stderr
    assert "5 finding(s) in 2 proposal(s)" in done.stderr  # CE03, RF03; CE01, NE01, RF01
    repo.commit("baseline")
    return repo.root


@pytest.fixture
def baselined(
    baselined_template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[Repo, Path, Path]:
    """A fresh copy of the baselined repository: (repo, drones, tirana)."""
    root = tmp_path / "repo"
    shutil.copytree(baselined_template, root)
    return (
        Repo(root, init=False, capsys=capsys),
        root / "proposals" / DRONES,
        root / "proposals" / TIRANA,
    )


def test_baseline_absorbs_recorded_findings_after_edits_elsewhere(
    baselined: tuple[Repo, Path, Path],
) -> None:
    repo, drones, tirana = baselined
    doc = json.loads((repo.root / "policycheck-baseline.json").read_text("utf-8"))
    assert {f["risk"] for f in doc["findings"]} == {"CE01", "CE03", "NE01", "RF01", "RF03"}
    done = repo.run("assess", "-q")
    assert done.returncode == 0, done.stderr
    assert "2 absorbed by the baseline" in done.stderr
    # A comment and a reworded summary above the findings shift every line.
    for path in (drones, tirana):
        text = path.read_text("utf-8")
        text = "# Reviewed by the policy desk.\n# Second reading pending.\n" + text.replace(
            "summary: >-\n",
            "summary: >-\n  Reworded after the first reading, at some length,\n"
            "  over two new lines.\n",
        )
        path.write_text(text, encoding="utf-8")
    shifted = repo.run("assess", "-q")
    assert shifted.returncode == 0, shifted.stderr
    assert "2 absorbed by the baseline" in shifted.stderr


def test_baseline_a_new_finding_in_the_same_proposal_fails(
    baselined: tuple[Repo, Path, Path],
) -> None:
    repo, drones, _ = baselined
    text = drones.read_text("utf-8").replace(
        "external_actors:",
        "  - system: Bayraktar Akinci\n    category: armed-drone\n    supplier: TR\n"
        "    recipient: XK\nexternal_actors:",
    )
    drones.write_text(text, encoding="utf-8")
    done = repo.run("assess", "-q")
    assert done.returncode == 1, done.stderr
    _assert_located(done.stderr, drones, r"^high risk CE03 .*Bayraktar Akinci")
    assert len(_gate_lines(done.stderr)) == 1  # the recorded TB2 finding stays absorbed
    assert "2 absorbed by the baseline" in done.stderr


def test_baseline_the_same_risk_in_another_proposal_is_not_absorbed(
    baselined: tuple[Repo, Path, Path],
) -> None:
    repo, _, _ = baselined
    copy = repo.sample(DRONES, as_id="kosovo-armed-drones-2024")
    done = repo.run("assess", "-q")
    assert done.returncode == 1, done.stderr
    lines = _gate_lines(done.stderr)
    assert len(lines) == 1, done.stderr
    _assert_located(done.stderr, copy, r"^high risk CE03 ")


def test_baseline_a_worse_severity_fails(baselined: tuple[Repo, Path, Path]) -> None:
    repo, drones, _ = baselined
    # Russia instead of Türkiye: RF03 (same proposal, same place) rises from medium to high.
    drones.write_text(drones.read_text("utf-8").replace("TR", "RU"), encoding="utf-8")
    done = repo.run("assess", "-q")
    assert done.returncode == 1, done.stderr
    _assert_located(done.stderr, drones, r"^high risk RF03 ")
    assert len(_gate_lines(done.stderr)) == 1  # CE03 is still high: absorbed


# --- --changed-since -------------------------------------------------------------------


def test_changed_since_assesses_only_changed_proposals(repo: Repo) -> None:
    repo.sample(MODEL)
    tirana = repo.sample(TIRANA)
    drones = repo.sample(DRONES)
    repo.sample(MACEDONIA)
    repo.commit("proposals")
    tirana.write_text(tirana.read_text("utf-8") + "# second reading\n", encoding="utf-8")
    repo.commit("tirana: second reading")
    drones.write_text(drones.read_text("utf-8") + "# work in progress\n", encoding="utf-8")
    repo.sample(MODEL, as_id="new-initiative")  # untracked
    sub = repo.root / "proposals"
    done = repo.run("assess", ".", "--changed-since", "HEAD~1", "-f", "json", cwd=sub)
    assert done.returncode == 0, done.stderr
    files = sorted(Path(r["file"]).name for r in json.loads(done.stdout)["results"])
    assert files == sorted([TIRANA, DRONES, "new-initiative.yaml"])


def test_changed_since_finds_proposals_with_non_ascii_names(repo: Repo) -> None:
    """git quotes such names unless asked not to; they must not be skipped silently."""
    repo.sample(MODEL)
    repo.commit("model")
    text = (PROPOSALS / MODEL).read_text("utf-8")
    (repo.root / "proposals" / "srbija-mađarska.yaml").write_text(
        re.sub(r"(?m)^id: .*$", "id: srbija-madjarska", text), encoding="utf-8"
    )
    done = repo.run("assess", "proposals", "--changed-since", "HEAD", "-f", "json")
    assert done.returncode == 0, done.stderr
    files = [Path(r["file"]).name for r in json.loads(done.stdout)["results"]]
    assert files == ["srbija-mađarska.yaml"]


def test_changed_since_with_no_changed_proposal(repo: Repo) -> None:
    repo.sample(TIRANA)
    repo.commit("proposals")
    repo.write("NOTES.md", "Minutes of the board.\n")
    repo.commit("notes only")
    done = repo.run("assess", "proposals", "--changed-since", "HEAD~1", "--fail-on", "high")
    assert done.returncode == 2
    assert "no proposals to assess" in done.stderr
    allowed = repo.run(
        "assess", "proposals", "--changed-since", "HEAD~1", "--fail-on", "high", "--allow-empty"
    )
    assert allowed.returncode == 0, allowed.stderr


# --- report files ----------------------------------------------------------------------


def test_sarif_and_junit_files_are_written_even_when_the_gate_fails(repo: Repo) -> None:
    repo.sample(MODEL)
    repo.sample(TIRANA)
    (repo.root / "out").mkdir()
    done = repo.run(
        "assess",
        "proposals",
        "--fail-on",
        "high",
        "-q",
        "--output",
        "sarif=out/policycheck.sarif",
        "--output",
        "junit=out/report.xml",
    )
    assert done.returncode == 1, done.stderr
    sarif = json.loads((repo.root / "out" / "policycheck.sarif").read_text("utf-8"))
    assert sarif["version"] == "2.1.0"
    (run,) = sarif["runs"]
    assert run["tool"]["driver"]["name"] == "policycheck"
    rules = {r["ruleId"] for r in run["results"]}
    assert "CE01" in rules
    ce01 = next(r for r in run["results"] if r["ruleId"] == "CE01")
    where = ce01["locations"][0]["physicalLocation"]
    assert where["artifactLocation"]["uri"].endswith(TIRANA)
    assert where["region"]["startLine"] >= 1
    assert ce01["partialFingerprints"]
    root = ET.parse(repo.root / "out" / "report.xml").getroot()
    assert root.tag in ("testsuites", "testsuite")
    assert int(root.get("failures", "0")) >= 1
    failures = [f.get("message", "") + (f.text or "") for f in root.iter("failure")]
    assert any("CE01" in f for f in failures), failures


# --- the example proposal repository ---------------------------------------------------


@pytest.fixture
def example(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Repo:
    target = tmp_path / "proposal-repo"
    shutil.copytree(EXAMPLE, target)
    repo = Repo(target, capsys=capsys)
    repo.commit("the proposal repository")
    return repo


def test_example_repository_passes_its_gate_then_fails_when_lowered(example: Repo) -> None:
    done = example.run("assess")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "gate passed: 0 breach(es); requires grade at least C; no unwaived risk" in done.stderr
    assert "WAIVED until 2030-12-31" in done.stdout
    assert "expired" not in done.stderr
    assert "unused" not in done.stderr
    # The pre-commit hook's command, on the files a commit would touch.
    files = sorted(str(p.relative_to(example.root)) for p in example.root.glob("proposals/*.y*ml"))
    hook = example.run("assess", "--quiet", *files)
    assert hook.returncode == 0, hook.stderr
    assert hook.stdout == ""

    # Lowered: the partnership states it has no safeguards at all.
    macedonia = example.root / "proposals" / MACEDONIA
    text = macedonia.read_text("utf-8")
    lowered = re.sub(
        r"(?m)^safeguards:\n(?:  .*\n)+",
        "safeguards:\n  human_security: false\n  democratic_conditionality: false\n"
        "  local_consultation: false\n  socio_economic_benefits: false\n",
        text,
    )
    assert lowered != text
    macedonia.write_text(lowered, encoding="utf-8")
    failed = example.run("assess", "-q")
    assert failed.returncode == 1, failed.stderr
    _assert_located(failed.stderr, macedonia, r"^grade [DF] is below the required C$")
    # The stated absence of both safeguards is the brief's normative erosion (NE01, medium).
    _assert_located(failed.stderr, macedonia, r"^medium risk NE01 ")
    assert len(_gate_lines(failed.stderr)) == 2


def test_example_repository_fails_when_its_waiver_expires(example: Repo) -> None:
    config = example.root / "policycheck.toml"
    text = config.read_text("utf-8")
    assert "expires = 2030-12-31" in text
    config.write_text(text.replace("expires = 2030-12-31", "expires = 2024-12-31"), "utf-8")
    done = example.run("assess", "-q")
    assert done.returncode == 1, done.stderr
    assert "waiver of CE03 for kosovo-drone-transparency-2026 expired on 2024-12-31" in done.stderr
    drones = example.root / "proposals" / "kosovo-drone-transparency-2026.yaml"
    _assert_located(done.stderr, drones, r"^medium risk CE03 ")
    listed = example.run("waivers", "list", "--expiring-in", "30")
    assert "CE03 for kosovo-drone-transparency-2026 — expired" in listed.stdout


def test_example_repository_changed_since_in_a_pull_request(example: Repo) -> None:
    """As the workflows run it: only what the branch changes, nothing to do is a pass."""
    base = example.git("rev-parse", "--abbrev-ref", "HEAD").strip()
    example.git("checkout", "-q", "-b", "new-idea")
    example.write("NOTES.md", "Board minutes.\n")
    example.commit("notes")
    quiet = example.run("assess", "-q", "--changed-since", base, "--allow-empty")
    assert quiet.returncode == 0, quiet.stderr
    assert "no proposals to assess" in quiet.stderr
    example.write(
        "proposals/tirana-follow-up.yaml",
        (PROPOSALS / TIRANA)
        .read_text("utf-8")
        .replace("id: tirana-declaration-2025", "id: tirana-follow-up"),
    )
    example.commit("a follow-up to the Tirana declaration")
    done = example.run("assess", "-q", "--changed-since", base, "--allow-empty")
    assert done.returncode == 1, done.stderr
    assert {Path(b[0]).name for b in _gate_lines(done.stderr)} == {"tirana-follow-up.yaml"}


# --- CI integration files --------------------------------------------------------------


def test_action_yml_is_a_composite_action_with_safe_inputs() -> None:
    action = _yaml(ROOT / "action.yml")
    assert action["name"] == "policycheck gate"
    assert action["runs"]["using"] == "composite"
    inputs = action["inputs"]
    expected = {
        "paths",
        "fail-under",
        "fail-on",
        "config",
        "changed-since",
        "sarif",
        "upload-sarif",
        "python-version",
        "version",
    }
    assert expected <= set(inputs)
    assert inputs["sarif"]["default"] == "policycheck.sarif"
    assert inputs["upload-sarif"]["default"] in ("true", "false")
    steps = action["runs"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("actions/setup-python@") for u in uses)
    upload = next(
        s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")
    )
    assert "always()" in upload["if"]
    assert "inputs.upload-sarif == 'true'" in upload["if"]
    scripts = [s for s in steps if "run" in s]
    assert scripts
    for step in scripts:
        assert step["shell"] == "bash"
        assert "${{" not in step["run"], f"expression interpolated into a script: {step['name']}"
    install = next(s for s in scripts if "pip install" in s["run"])
    assert "github.action_path" in " ".join(install["env"].values())
    gate = next(s for s in scripts if "policycheck" in s["run"] and "assess" in s["run"])
    assert set(gate["env"].values()) >= {
        "${{ inputs.paths }}",
        "${{ inputs.fail-under }}",
        "${{ inputs.fail-on }}",
        "${{ inputs.config }}",
        "${{ inputs.changed-since }}",
        "${{ inputs.sarif }}",
        "${{ inputs.report }}",
    }
    assert "sarif=" in gate["run"]
    upload = next(s for s in action["runs"]["steps"] if "upload-sarif" in s.get("uses", ""))
    assert upload["continue-on-error"] is True  # a refused upload leaves the verdict to the gate
    assert "changed-since" in upload["with"]["category"]  # PR runs: a category of their own


def _action_script() -> str:
    action = _yaml(ROOT / "action.yml")
    return str(next(s["run"] for s in action["runs"]["steps"] if s.get("id") == "gate"))


@pytest.mark.full  # the action's shell step run twice, as a runner would: in the full run
@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_action_gate_step_builds_its_arguments_safely(example: Repo, tmp_path: Path) -> None:
    """The action's shell step, run as the runner would run it, on the example repository."""
    script = tmp_path / "gate.sh"
    script.write_text(_action_script(), encoding="utf-8")
    outputs = tmp_path / "github_output"
    base = {
        "PATH": f"{Path(EXE).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "GITHUB_OUTPUT": str(outputs),
        "PC_CONFIG": "",
        "PC_CHANGED_SINCE": "",
        "PC_FAIL_UNDER": "",
        "PC_SARIF": "out.sarif",
        "PC_REPORT": "full report.html",
        "GITHUB_ACTIONS": "true",
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }

    def step(**inputs: str) -> subprocess.CompletedProcess[str]:
        outputs.write_text("")
        return subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],  # as the runner
            cwd=example.root,
            capture_output=True,
            text=True,
            env=_env({**base, **inputs}),
            check=False,
            timeout=120,
        )

    done = step(
        PC_PATHS="proposals/regional-resilience-compact-2026.yaml\n proposals/kosovo-drone-*.yaml",
        PC_FAIL_ON="high",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "exit-code=0" in outputs.read_text()
    assert "sarif=out.sarif" in outputs.read_text()
    assert json.loads((example.root / "out.sarif").read_text("utf-8"))["version"] == "2.1.0"
    assert "::" in done.stdout  # workflow commands, not the terminal report
    assert "<html" in (example.root / "full report.html").read_text("utf-8")
    assert (tmp_path / "summary.md").read_text("utf-8").strip()

    hostile = step(
        PC_PATHS="$(touch pwned-1) `touch pwned-2`",
        PC_FAIL_ON="high; touch pwned-3",
        PC_FAIL_UNDER="C && touch pwned-4",
    )
    assert hostile.returncode == 2, hostile.stdout + hostile.stderr
    assert "exit-code=2" in outputs.read_text()
    assert "sarif=" not in outputs.read_text()  # out.sarif is left from the first run: not new
    assert not list(example.root.glob("pwned-*"))
    assert not list(Path.cwd().glob("pwned-*"))

    failing = step(PC_PATHS="", PC_FAIL_ON="", PC_FAIL_UNDER="A")
    assert failing.returncode == 1, failing.stderr  # the configuration's paths, A required
    assert "exit-code=1" in outputs.read_text()


def test_pre_commit_hook_definition() -> None:
    hooks = _yaml(ROOT / ".pre-commit-hooks.yaml")
    (hook,) = (h for h in hooks if h["id"] == "policycheck")
    assert hook["entry"] == "policycheck assess --quiet --default-gate"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    assert hook["require_serial"] is True
    files = re.compile(hook["files"])
    assert files.search("proposals/tirana-declaration-2025.yaml")
    assert files.search("proposals/sub/x.yml")
    assert not files.search(".github/workflows/policycheck.yml")
    assert not files.search(".policycheck.yaml")
    assert not files.search("proposals/README.md")


def test_example_workflows_parse_and_run_the_gate() -> None:
    workflow = _yaml(EXAMPLE / ".github" / "workflows" / "policycheck.yml")
    (job,) = workflow["jobs"].values()
    steps = job["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    assert any(s.get("uses", "").startswith("actions/setup-python@") for s in steps)
    gate = next(s for s in steps if re.fullmatch(r"[\w-]+/policycheck@v\d+", s.get("uses", "")))
    assert gate["with"]["sarif"] == "policycheck.sarif"
    upload = next(
        s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")
    )
    assert upload["with"]["sarif_file"] == "policycheck.sarif"
    assert "always()" in upload["if"]
    assert workflow["permissions"]["security-events"] == "write"
    # forks get a read-only token: no upload there, and a refused upload never fails the job
    assert "github.event.pull_request.head.repo.full_name == github.repository" in upload["if"]
    assert upload["continue-on-error"] is True
    # a pull request assesses only the files it changes: its own category
    category = upload["with"]["category"]
    assert "pull_request" in category
    assert "'policycheck-changed'" in category
    assert "'policycheck'" in category
    report = gate["with"]["report"]
    keep = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert keep["with"]["path"] == report
    assert "always()" in keep["if"]

    gitlab = _yaml(EXAMPLE / ".gitlab-ci.yml")
    job = gitlab["policycheck"]
    script = "\n".join([*job.get("before_script", []), *job["script"]])
    assert "pip install" in script
    assert "policycheck assess --default-gate --output junit=report.xml" in script
    assert job["artifacts"]["reports"]["junit"] == "report.xml"
    assert job["artifacts"]["when"] == "always"


CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"


@pytest.mark.full  # the published schemas take a second each to compile; the files rarely change
@pytest.mark.skipif(not CHECK_JSONSCHEMA.exists(), reason="check-jsonschema is not installed")
@pytest.mark.parametrize(
    ("schema", "path"),
    [
        ("vendor.github-actions", ROOT / "action.yml"),
        ("vendor.github-workflows", EXAMPLE / ".github" / "workflows" / "policycheck.yml"),
        ("vendor.gitlab-ci", EXAMPLE / ".gitlab-ci.yml"),
    ],
    ids=["action", "github-workflow", "gitlab-ci"],
)
def test_ci_files_match_their_published_schemas(schema: str, path: Path) -> None:
    done = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_gitlab_example_gates_even_where_the_configuration_sets_no_threshold(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without a gate every JUnit case passes; the example's own command fails grade F."""
    import shlex

    gitlab = _yaml(EXAMPLE / ".gitlab-ci.yml")
    script = "\n".join(gitlab["policycheck"]["script"])
    (full_run,) = [
        line.strip() for line in script.splitlines() if line.strip().startswith("policycheck ")
    ][1:]  # the branch run (the first is the merge-request run)
    repo = Repo(tmp_path / "repo", capsys=capsys)
    repo.sample(TIRANA)  # grade F, CE01 high
    repo.write("policycheck.toml", 'paths = ["proposals"]\n')  # no threshold

    def failures(*args: str) -> tuple[int, int]:
        done = repo.run(*args)
        root = ET.fromstring((repo.root / "report.xml").read_bytes())
        return done.returncode, int(root.get("failures", "0"))

    assert failures("assess", "--output", "junit=report.xml") == (0, 0)  # the pitfall
    code, failed = failures(*shlex.split(full_run)[1:])
    assert code == 1
    assert failed >= 2  # the grade below C, and the high risk
