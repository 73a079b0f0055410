"""``policycheck compare``: two files, or a file against a git ref of a real repository.

Every run goes through ``policycheck.cli.main``; the git repositories are real ones made in
``tmp_path`` (git init, a local identity, commits), never mocks.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from syrupy.assertion import SnapshotAssertion

from policycheck import Assessor
from policycheck.assessment import Failure
from policycheck.comparison import Match, RiskChangeKind, compare
from tests.conftest import PROPOSALS, assess_yaml, run_cli
from tests.snapshots import MarkdownSnapshot, TextSnapshot

TIRANA = PROPOSALS / "tirana-declaration-2025.yaml"

#: Four participants leaving out BA, RS and XK, open to join, no safeguards: CE01 (medium)
#: and NE01 (medium).
BASE = """\
schema_version: 1
id: adriatic-exercise
title: Adriatic joint exercise programme
status: proposed
participants: [AL, ME, MK, HR]
activities: [joint-exercises, training]
safeguards:
  human_security: false
  democratic_conditionality: false
regional:
  open_to_join: {statement: Open to every Western Balkan state, evidence: [text Art. 2]}
arms_control:
  exercise_notification: true
"""

#: Safeguards added: NE01 resolved, the score goes up.
SAFE = BASE.replace(
    "  human_security: false\n  democratic_conditionality: false\n",
    "  human_security: {statement: Civilian-protection clause, evidence: [Art. 4]}\n"
    "  democratic_conditionality: true\n",
)

#: The regional openness removed: RF01 (selective grouping) is new, CE01 rises to high.
CLOSED = SAFE.replace(
    "  open_to_join: {statement: Open to every Western Balkan state, evidence: [text Art. 2]}\n",
    "  open_to_join: false\n",
)

#: The participants reordered: the rival (HR) first.
REORDER = ("participants: [AL, ME, MK, HR]", "participants: [HR, AL, ME, MK]")

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    return run_cli(capsys, "compare", *args)


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code, out, err = run(capsys, *args, "--format", "json")
    assert code == 0, err
    doc: dict[str, Any] = json.loads(out)
    return doc


def ids(doc: dict[str, Any], kind: str) -> list[str]:
    return [r["id"] for r in doc["risks"][kind]]


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout.strip()


@pytest.fixture
def plain_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No colour, and no user or system git configuration (signing, hooks, templates)."""
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "POLICYCHECK_REFERENCE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    empty = tmp_path / "gitconfig"
    empty.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


@pytest.fixture(scope="session")
def base_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository with ``proposals/p.yaml`` (BASE) committed, made once."""
    root = tmp_path_factory.mktemp("compare") / "repo"
    (root / "proposals").mkdir(parents=True)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("GIT_CONFIG_GLOBAL", os.devnull)
        env.setenv("GIT_CONFIG_NOSYSTEM", "1")
        git(root, "init", "--quiet")
        git(root, "config", "user.name", "Test")
        git(root, "config", "user.email", "test@example.org")
        git(root, "config", "commit.gpgsign", "false")
        (root / "proposals" / "p.yaml").write_text(BASE)
        git(root, "add", "proposals/p.yaml")
        git(root, "commit", "--quiet", "-m", "base")
    return root


@pytest.fixture
def repo(base_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plain_env: None) -> Path:
    """A copy of ``base_repo`` of this test's own; the working directory."""
    root = tmp_path / "repo"
    shutil.copytree(base_repo, root, symlinks=True)
    monkeypatch.chdir(root)
    return root


# --- against a git ref ---------------------------------------------------------------------


@needs_git
def test_added_safeguards_resolve_a_risk_and_raise_the_score(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "proposals" / "p.yaml").write_text(SAFE)
    doc = run_json(capsys, "proposals/p.yaml", "--against", "HEAD")
    assert doc["schema_version"] == 1
    assert doc["kind"] == "comparison"
    assert doc["status"] == "compared"
    assert doc["against"] == {
        "ref": "HEAD",
        "commit": git(repo, "rev-parse", "HEAD"),
        "path": "proposals/p.yaml",
    }
    assert doc["old"]["file"] == "HEAD:proposals/p.yaml"
    assert doc["new"]["file"] == "proposals/p.yaml"
    assert doc["score"] == {"old": 38.4, "new": 66.6, "delta": 28.2}
    assert doc["grade"] == {"old": "D", "new": "C", "steps": 1}
    assert ids(doc, "resolved") == ["NE01"]
    assert ids(doc, "new") == []
    assert ids(doc, "severity_changed") == []
    assert ids(doc, "unchanged") == ["CE01"]
    criteria = {c["id"]: c["delta"] for c in doc["criteria"]}
    assert criteria["normative-safeguards"] == 90.0
    assert criteria["regional-inclusiveness"] == 0.0
    levels = {i["check_id"]: (i["old"]["level"], i["new"]["level"]) for i in doc["indicators"]}
    assert levels == {"NS01": ("absent", "evidenced"), "NS02": ("absent", "asserted")}
    resolved = doc["risks"]["resolved"][0]
    assert resolved["severity"] == {"old": "medium", "new": None}
    assert resolved["location"]["new"] is None
    assert resolved["location"]["old"]["file"] == "HEAD:proposals/p.yaml"
    assert resolved["location"]["old"]["path"] == "safeguards.human_security"
    assert doc["changed"] is True
    assert doc["regressed"] is False
    assert doc["regressions"] == []


@needs_git
def test_closing_the_grouping_against_head_and_head_1(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = repo / "proposals" / "p.yaml"
    path.write_text(SAFE)
    git(repo, "commit", "--quiet", "-am", "safeguards")
    path.write_text(CLOSED)

    # against HEAD (SAFE): the openness removed is all that changed
    doc = run_json(capsys, "proposals/p.yaml", "--against", "HEAD")
    assert doc["score"] == {"old": 66.6, "new": 53.4, "delta": -13.2}
    assert ids(doc, "new") == ["RF01"]
    assert ids(doc, "resolved") == []
    assert ids(doc, "severity_changed") == ["CE01"]
    ce01 = doc["risks"]["severity_changed"][0]
    assert ce01["severity"] == {"old": "medium", "new": "high"}
    assert ce01["match"] == "fingerprint"
    assert ce01["fingerprint"]["old"] == ce01["fingerprint"]["new"]
    assert ce01["location"]["old"]["file"] == "HEAD:proposals/p.yaml"
    assert ce01["location"]["new"]["file"] == "proposals/p.yaml"
    rf01 = doc["risks"]["new"][0]
    assert rf01["severity"] == {"old": None, "new": "medium"}
    assert rf01["location"]["old"] is None
    assert rf01["location"]["new"]["line"] == 5
    # Serbia may no longer join: coverage falls to partial, and the left-out rival counts in full.
    assert [i["check_id"] for i in doc["indicators"]] == ["RI01", "RI02"]
    assert doc["regressed"] is True
    assert [g["kind"] for g in doc["regressions"]] == ["grade", "score", "worse-risk"]

    # against HEAD~1 (BASE): safeguards added too, so the score is up overall
    doc = run_json(capsys, "proposals/p.yaml", "--against", "HEAD~1")
    assert doc["against"]["commit"] == git(repo, "rev-parse", "HEAD~1")
    assert doc["score"]["delta"] == 15.0
    assert ids(doc, "new") == ["RF01"]
    assert ids(doc, "resolved") == ["NE01"]
    assert ids(doc, "severity_changed") == ["CE01"]
    assert ids(doc, "unchanged") == []
    assert [g["kind"] for g in doc["regressions"]] == ["worse-risk"]


@needs_git
def test_fail_on_regression_exits_1_only_on_a_regression(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = repo / "proposals" / "p.yaml"
    path.write_text(SAFE)
    code, out, err = run(capsys, "proposals/p.yaml", "--against", "HEAD", "--fail-on-regression")
    assert code == 0, err
    assert "No regression." in out
    git(repo, "commit", "--quiet", "-am", "safeguards")
    path.write_text(CLOSED)
    code, out, err = run(capsys, "proposals/p.yaml", "--against", "HEAD", "--fail-on-regression")
    assert code == 1
    assert "Regressions (3)" in out
    assert "proposals/p.yaml: regression: score fell by 13.2 (66.6 → 53.4)" in err
    assert re.search(
        r"proposals/p\.yaml:5:\d+: regression: risk CE01 .* rose from medium to high", err
    )
    # without the flag a regression is reported, not failed
    code, _, _ = run(capsys, "proposals/p.yaml", "--against", "HEAD")
    assert code == 0


@needs_git
def test_against_from_a_subfolder_uses_the_path_from_the_repository_root(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "proposals" / "p.yaml").write_text(SAFE)
    monkeypatch.chdir(repo / "proposals")
    doc = run_json(capsys, "p.yaml", "--against", "HEAD")
    assert doc["against"]["path"] == "proposals/p.yaml"
    assert doc["old"]["file"] == "HEAD:proposals/p.yaml"
    assert ids(doc, "resolved") == ["NE01"]


@needs_git
def test_a_comment_line_at_the_top_changes_nothing(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "proposals" / "p.yaml").write_text("# reviewed by the arms-control desk\n" + BASE)
    doc = run_json(capsys, "proposals/p.yaml", "--against", "HEAD")
    assert doc["changed"] is False
    assert doc["score"]["delta"] == 0.0
    assert doc["grade"]["steps"] == 0
    assert doc["indicators"] == []
    assert all(c["delta"] in (0.0, None) for c in doc["criteria"])  # None: not applicable
    assert ids(doc, "new") == ids(doc, "resolved") == ids(doc, "severity_changed") == []
    assert sorted(ids(doc, "unchanged")) == ["CE01", "NE01"]
    for risk in doc["risks"]["unchanged"]:
        assert risk["match"] == "fingerprint"
        assert risk["fingerprint"]["old"] == risk["fingerprint"]["new"]
        assert risk["location"]["new"]["line"] == risk["location"]["old"]["line"] + 1
        assert risk["location"]["new"]["path"] == risk["location"]["old"]["path"]
    code, out, _ = run(capsys, "proposals/p.yaml", "--against", "HEAD", "--fail-on-regression")
    assert code == 0
    assert "No change in grade, score, indicators or risks." in out
    assert "No indicator changed level." in out


@needs_git
def test_unknown_ref_exits_2(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "proposals/p.yaml", "--against", "no-such-branch")
    assert code == 2
    assert out == ""
    assert "--against no-such-branch: unknown git ref" in err
    code, _, err = run(capsys, "proposals/p.yaml", "--against", "HEAD~5")
    assert code == 2
    assert "unknown git ref" in err


@needs_git
@pytest.mark.parametrize("ref", ["--help", "-x", "HEAD --all", ""])
def test_a_ref_that_git_would_read_as_an_option_is_refused(
    repo: Path, capsys: pytest.CaptureFixture[str], ref: str
) -> None:
    code, out, err = run(capsys, "proposals/p.yaml", f"--against={ref}")
    assert code == 2
    assert "not a git ref" in err
    assert out == ""


@needs_git
def test_file_not_in_the_ref_exits_2(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "proposals" / "q.yaml").write_text(BASE)
    code, _, err = run(capsys, "proposals/q.yaml", "--against", "HEAD")
    assert code == 2
    assert "proposals/q.yaml: not in HEAD" in err
    # a folder of that name at the ref is not a file either
    (repo / "proposals" / "sub").mkdir()
    (repo / "proposals" / "sub" / "x.yaml").write_text(BASE)
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "-m", "more")
    (repo / "proposals" / "sub" / "x.yaml").unlink()
    (repo / "proposals" / "sub").rmdir()
    (repo / "proposals" / "sub").write_text(BASE)
    code, _, err = run(capsys, "proposals/sub", "--against", "HEAD")
    assert code == 2
    assert "is a tree in HEAD, not a file" in err


def test_not_a_git_repository_exits_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    plain_env: None,
) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "p.yaml").write_text(BASE)
    monkeypatch.chdir(folder)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    code, out, err = run(capsys, "p.yaml", "--against", "HEAD")
    assert code == 2
    assert out == ""
    assert "is not in a git repository" in err


@needs_git
def test_invalid_file_now_or_at_the_ref_exits_2_with_located_problems(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = repo / "proposals" / "p.yaml"
    path.write_text(BASE.replace("status: proposed", "status: [proposed"))
    code, out, err = run(capsys, "proposals/p.yaml", "--against", "HEAD")
    assert code == 2
    assert out == ""
    assert re.search(r"^proposals/p\.yaml:\d+:\d+: ", err, re.MULTILINE), err
    assert "cannot compare" in err
    # invalid at the ref, valid now: the old side's problems are located at REF:path
    git(repo, "commit", "--quiet", "-am", "broken")
    path.write_text(BASE)
    code, out, err = run(capsys, "proposals/p.yaml", "--against", "HEAD", "--format", "json")
    assert code == 2
    assert re.search(r"^HEAD:proposals/p\.yaml:\d+:\d+: ", err, re.MULTILINE), err
    doc = json.loads(out)
    assert doc["status"] == "invalid"
    assert {p["file"] for p in doc["problems"]} == {"HEAD:proposals/p.yaml"}


# --- two files -----------------------------------------------------------------------------


def test_invalid_new_file_exits_2_with_file_line_col(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    plain_env: None,
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("old.yaml").write_text(BASE)
    Path("new.yaml").write_text(BASE + "unknown_key: 1\nstatus: signed\n")
    code, out, err = run(capsys, "old.yaml", "new.yaml")
    assert code == 2
    assert out == ""
    problems = re.findall(r"^(new\.yaml):(\d+):(\d+): (.*)$", err, re.MULTILINE)
    assert len(problems) >= 2, err  # every problem, each located
    assert any(line == "14" for _, line, _, _ in problems), problems
    assert "old.yaml" not in err
    code, out, _ = run(capsys, "old.yaml", "new.yaml", "--format", "markdown")
    assert code == 2
    assert "cannot compare" in out
    assert "`new.yaml:14:1`" in out


def test_both_files_invalid_prints_the_problems_of_each(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    plain_env: None,
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("old.yaml").write_text("schema_version: 1\nid: [x\n")
    Path("new.yaml").write_text("")
    code, _, err = run(capsys, "old.yaml", "new.yaml")
    assert code == 2
    assert re.search(r"^old\.yaml:\d+:\d+: ", err, re.MULTILINE), err
    assert re.search(r"^new\.yaml:\d+:\d+: ", err, re.MULTILINE), err
    code, _, err = run(capsys, "old.yaml", "missing.yaml")
    assert code == 2
    assert "missing.yaml:1:1: no such file" in err


@pytest.mark.parametrize(
    "args",
    [["only.yaml"], ["a.yaml", "b.yaml", "--against", "HEAD"]],
    ids=["one-file-no-ref", "two-files-and-ref"],
)
def test_wrong_number_of_files_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert "error:" in err


def test_tirana_inviting_serbia_resolves_ce01(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    plain_env: None,
) -> None:
    monkeypatch.chdir(tmp_path)
    original = TIRANA.read_text("utf-8")
    revised = original.replace(
        "  - {country: XK, role: signatory}\n",
        "  - {country: XK, role: signatory}\n  - {country: RS, role: signatory}\n",
    )
    assert revised != original
    Path("tirana.yaml").write_text(original, "utf-8")
    Path("tirana-revised.yaml").write_text(revised, "utf-8")
    doc = run_json(capsys, "tirana.yaml", "tirana-revised.yaml")
    assert "CE01" in ids(doc, "resolved")
    assert "CE01" not in ids(doc, "new") + ids(doc, "unchanged") + ids(doc, "severity_changed")
    ce01 = next(r for r in doc["risks"]["resolved"] if r["id"] == "CE01")
    assert ce01["severity"]["old"] == "high"
    assert ce01["location"]["old"]["file"] == "tirana.yaml"
    assert ids(doc, "new") == []
    assert doc["score"]["delta"] > 0
    assert doc["regressed"] is False
    # the risks still there kept their fingerprints, though lines moved below the insert
    unchanged = {r["id"]: r for r in doc["risks"]["unchanged"]}
    assert (
        unchanged["NE01"]["location"]["new"]["line"]
        == unchanged["NE01"]["location"]["old"]["line"] + 1
    )
    assert all(r["match"] == "fingerprint" for r in unchanged.values())


def test_json_is_stable_and_carries_the_rubric(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    plain_env: None,
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("old.yaml").write_text(BASE)
    Path("new.yaml").write_text(CLOSED)
    first = run(capsys, "old.yaml", "new.yaml", "-f", "json")
    second = run(capsys, "old.yaml", "new.yaml", "-f", "json")
    assert first == second
    doc = json.loads(first[1])
    assert list(doc) == sorted(doc)
    assert doc["rubric"]["id"] == "cidob-brief-70"
    assert doc["tool"]["name"] == "policycheck"
    assert doc["against"] is None
    assert set(doc["risks"]) == {"new", "resolved", "severity_changed", "unchanged"}


def test_rubric_and_reference_options(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    plain_env: None,
) -> None:
    from policycheck import rubric as rubric_module

    monkeypatch.chdir(tmp_path)
    Path("old.yaml").write_text(BASE)
    Path("new.yaml").write_text(CLOSED)
    default = Path(rubric_module.__file__).parent / "rubrics" / "default.yaml"
    assert default.is_file()
    doc = run_json(capsys, "old.yaml", "new.yaml", "--rubric", str(default))
    assert doc["rubric"]["id"] == "cidob-brief-70"
    code, _, err = run(capsys, "old.yaml", "new.yaml", "--rubric", "missing.yaml")
    assert code == 2, err
    # calmer reference data: with no dispute between HR and RS the left-out rival is gone
    data = tmp_path / "data"
    data.mkdir()
    (data / "dyads.yaml").write_text(
        "reference: 1\ndataset: dyads\nas_of: 2026-06-01\n"
        "sources: {mine: {title: Our assessment}}\n"
        "dyads:\n"
        "  - {pair: [HR, RS], kind: tension, acuteness: low, summary: Calm, basis: L1, sources: [mine], as_of: 2026-06-01}\n"
        "  - {pair: [AL, RS], kind: tension, acuteness: low, summary: Calm, basis: L1, sources: [mine], as_of: 2026-06-01}\n"
        "  - {pair: [ME, RS], kind: tension, acuteness: low, summary: Calm, basis: L1, sources: [mine], as_of: 2026-06-01}\n"
        "  - {pair: [MK, RS], kind: tension, acuteness: low, summary: Calm, basis: L1, sources: [mine], as_of: 2026-06-01}\n"
    )
    calm = run_json(capsys, "old.yaml", "new.yaml", "--reference", str(data))
    assert calm["reference_digest"] != doc["reference_digest"]


# --- Markdown and terminal -----------------------------------------------------------------


def _cells(line: str) -> list[str]:
    inner = line.strip()
    assert inner.startswith("|")
    assert inner.endswith("|")
    assert not inner.endswith("\\|")
    return re.split(r"(?<!\\)\|", inner[1:-1])


def _tables(text: str) -> list[list[str]]:
    tables: list[list[str]] = []
    current: list[str] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    return tables


def _assert_well_formed(text: str) -> int:
    """Same cell count in every row as in the header, by hand and by a GFM parser."""
    tables = _tables(text)
    for table in tables:
        width = len(_cells(table[0]))
        assert re.fullmatch(r"\|( (:--|--:) \|)+", table[1]), table[1]
        for row in table[1:]:
            assert len(_cells(row)) == width, row
    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(text)
    widths: list[int] = []
    count = 0
    for token in tokens:
        if token.type == "tr_open":
            count = 0
        elif token.type in ("th_open", "td_open"):
            count += 1
        elif token.type == "tr_close":
            widths.append(count)
    assert widths == [len(_cells(t[0])) for t in tables for _ in t[1:]]
    return len(tables)


HOSTILE_OLD = """\
schema_version: 1
id: evil
title: "| * _ <script>alert(1)</script> [x](http://evil)"
status: proposed
participants: [XK, TR]
"""

HOSTILE_NEW = (
    HOSTILE_OLD
    + """\
equipment:
  - system: "Drone | <b>x</b> @team #12 `tick` www.evil.com\\nsecond | line"
    category: armed-drone
    quantity: 2
    supplier: TR
    recipient: XK
"""
)


def test_markdown_tables_are_well_formed_and_proposal_text_is_escaped(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    plain_env: None,
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("old.yaml").write_text(BASE)
    Path("new.yaml").write_text(CLOSED)
    code, out, err = run(capsys, "old.yaml", "new.yaml", "--format", "markdown")
    assert code == 0, err
    assert out.startswith("<!-- policycheck:compare -->\n## policycheck comparison: ")
    assert _assert_well_formed(out) == 3  # criteria, indicators, changed risks
    assert "| 🆕 new | RF01 |" in out
    assert "| ✅ resolved | NE01 |" in out
    assert "🟠 medium → 🔴 high" in out
    assert "`old.yaml:5` | `new.yaml:5` |" in out

    Path("evil-old.yaml").write_text(HOSTILE_OLD)
    Path("evil-new.yaml").write_text(HOSTILE_NEW)
    code, out, err = run(capsys, "evil-old.yaml", "evil-new.yaml", "--format", "markdown")
    assert code == 0, err
    assert _assert_well_formed(out) >= 3
    assert "CE03" in out
    for raw in ("<script", "<b>", "[x]("):
        assert not re.search(r"(?<!\\)" + re.escape(raw), out), raw
    for raw in ("http://", "www.evil", "@team", "#12"):
        assert raw not in out, raw
    page = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(out)
    assert "<script" not in page
    assert "<a " not in page
    # the terminal prints proposal text as it is: nothing in it is rich markup
    code, out, _ = run(capsys, "evil-old.yaml", "evil-new.yaml", "--width", "200")
    assert code == 0
    assert "| * _ <script>alert(1)</script> [x](http://evil)  (evil)" in out
    assert "Drone | <b>x</b>" in out


def test_unchanged_risks_are_folded_in_markdown(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    plain_env: None,
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("old.yaml").write_text(BASE)
    Path("new.yaml").write_text("# a comment\n" + BASE)
    code, out, _ = run(capsys, "old.yaml", "new.yaml", "-f", "markdown")
    assert code == 0
    assert "➖ no change" in out
    assert "<summary>Unchanged risks (2)</summary>" in out
    assert "**Risks**: 0 new · 0 resolved · 0 severity changed · 2 unchanged" in out
    assert _assert_well_formed(out) == 2  # criteria, unchanged risks


def test_terminal_and_markdown_snapshots(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    plain_env: None,
    snapshot: SnapshotAssertion,
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("old.yaml").write_text(BASE)
    Path("new.yaml").write_text(CLOSED)
    code, terminal, _ = run(capsys, "old.yaml", "new.yaml", "--width", "100")
    assert code == 0
    assert "\x1b[" not in terminal  # no colour
    assert max(len(line) for line in terminal.splitlines()) <= 100
    assert terminal == snapshot(name="terminal", extension_class=TextSnapshot)
    code, markdown, _ = run(capsys, "old.yaml", "new.yaml", "--format", "markdown")
    assert code == 0
    assert markdown == snapshot(name="markdown", extension_class=MarkdownSnapshot)


# --- the pure comparison -------------------------------------------------------------------


def test_compare_matches_by_path_then_risk_id_when_the_proposal_id_changed(
    assessor: Assessor,
) -> None:
    old = assess_yaml(assessor, BASE, "old.yaml")
    renamed = assess_yaml(
        assessor, BASE.replace("id: adriatic-exercise", "id: adriatic-2"), "new.yaml"
    )
    c = compare(old, renamed)
    assert c.proposal_id_changed
    assert not c.changed
    assert {r.kind for r in c.risks} == {RiskChangeKind.UNCHANGED}
    assert {r.match for r in c.risks} == {Match.PATH}
    assert all(
        r.old is not None and r.new is not None and r.old.fingerprint != r.new.fingerprint
        for r in c.risks
    )
    # renamed and the participants reordered: CE01 (anchored at the rival's entry) moved
    moved = assess_yaml(
        assessor,
        BASE.replace("id: adriatic-exercise", "id: adriatic-2").replace(REORDER[0], REORDER[1]),
        "new.yaml",
    )
    c = compare(old, moved)
    ce01 = next(r for r in c.risks if r.id == "CE01")
    assert ce01.match is Match.RISK_ID
    assert ce01.kind is RiskChangeKind.UNCHANGED
    assert ce01.old_location is not None
    assert ce01.new_location is not None
    assert (ce01.old_location.path, ce01.new_location.path) == ("participants.3", "participants.0")
    assert next(r for r in c.risks if r.id == "NE01").match is Match.PATH


def test_compare_same_proposal_matches_by_fingerprint_only(assessor: Assessor) -> None:
    """Reordering participants keeps a risk about states matched: its fingerprint names the
    states left out, not a list index (so the baseline keeps matching too)."""
    old = assess_yaml(assessor, BASE, "old.yaml")
    moved = assess_yaml(assessor, BASE.replace(*REORDER), "new.yaml")
    c = compare(old, moved)
    assert c.new_risks == ()
    assert c.resolved_risks == ()
    assert "CE01" in [r.id for r in c.unchanged_risks]
    assert {r.match for r in c.unchanged_risks} == {Match.FINGERPRINT}


def test_compare_regressions_and_grade_steps(assessor: Assessor) -> None:
    model = assess_yaml(
        assessor, (PROPOSALS / "model-regional-initiative.yaml").read_text("utf-8"), "m.yaml"
    )
    tirana = assess_yaml(assessor, TIRANA.read_text("utf-8"), "t.yaml")
    worse = compare(model, tirana)
    assert worse.grade_steps == -3  # A → D
    assert worse.score_delta < 0
    kinds = [g.kind for g in worse.regressions()]
    assert kinds[:2] == ["grade", "score"]
    assert "new-risk" in kinds  # CE01 high appears
    assert all(g.location is not None for g in worse.regressions() if g.kind == "new-risk")
    better = compare(tirana, model)
    assert better.grade_steps == 3
    assert better.regressions() == ()
    assert {r.kind for r in better.risks} == {RiskChangeKind.RESOLVED}
    same = compare(tirana, tirana)
    assert not same.changed
    assert same.score_delta == 0.0
    assert str(same.score_delta) == "0.0"


# --- one git module, one set of words; the renderers in render/ ---------------------------


@needs_git
@pytest.mark.parametrize("ref", ["no-such-branch", "-x"])
def test_against_and_changed_since_say_the_same_of_a_bad_ref(
    repo: Path, capsys: pytest.CaptureFixture[str], ref: str
) -> None:
    _, _, against = run(capsys, "proposals/p.yaml", "--against", ref)
    _, _, since = run_cli(capsys, "assess", "proposals", "-q", "--changed-since", ref)
    said = [
        re.sub(r"^error: --(against|changed-since)", "error: OPTION", e) for e in (against, since)
    ]
    assert said[0] == said[1]
    assert ("unknown git ref" if ref == "no-such-branch" else "is not a git ref") in said[0]


@needs_git
def test_against_and_changed_since_say_the_same_outside_a_repository(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    plain_env: None,
) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "p.yaml").write_text(BASE)
    monkeypatch.chdir(folder)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    _, _, against = run(capsys, "p.yaml", "--against", "HEAD")
    _, _, since = run_cli(capsys, "assess", "p.yaml", "-q", "--changed-since", "HEAD")
    assert against.replace("--against", "OPTION") == since.replace("--changed-since", "OPTION")
    assert f"{folder} is not in a git repository" in since


@pytest.mark.parametrize("fmt", ["json", "markdown"])
def test_the_comparison_renderers_answer_render_as_the_report_formats_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], plain_env: None, fmt: str
) -> None:
    from policycheck._version import __version__
    from policycheck.render import Format
    from policycheck.render import comparison as rendering

    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(BASE)
    new.write_text(CLOSED)
    code, out, _ = run(capsys, str(old), str(new), "--format", fmt)
    assert code == 0
    assessor = Assessor()
    a, b = assessor.assess_file(old), assessor.assess_file(new)
    assert not isinstance(a, Failure)
    assert not isinstance(b, Failure)
    meta = rendering.Meta(__version__, assessor.rubric_info, assessor.reference.digest)
    assert rendering.render(compare(a, b), Format(fmt), meta) == out
