"""``policycheck history``: a proposal's grade over the revisions of a real git repository.

The repositories are made in ``tmp_path`` with fixed authors and dates (``GIT_AUTHOR_DATE``
and friends), so every run sees the same commits; every run goes through the CLI.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from policycheck import Assessment, Assessor
from tests.conftest import ROOT, run_cli, sheet_charts
from tests.test_compare import BASE, CLOSED, SAFE, git, needs_git, plain_env

__all__ = ["plain_env"]  # compare's fixture, used through fixed_env

pytestmark = needs_git

#: (author, ISO date) of each commit the ``history_repo`` makes, oldest first.
COMMITS = (
    ("Alice Analyst", "2024-01-10T09:00:00+01:00"),
    ("Bob Builder", "2024-02-15T10:30:00+01:00"),
    ("Đorđe Đukić", "2024-03-01T08:00:00+01:00"),
    ("Carol Critic", "2024-04-20T16:45:00+02:00"),
    ("Bob Builder", "2024-05-05T12:00:00+02:00"),
)
BROKEN = "schema_version: 1\nid: adriatic-exercise\ntitle: [unclosed\n"


def commit(root: Path, message: str, author: str, date: str) -> str:
    """Commit what is staged as ``author`` at ``date`` (author and committer alike)."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": author,
        "GIT_AUTHOR_EMAIL": "author@example.org",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_NAME": author,
        "GIT_COMMITTER_EMAIL": "author@example.org",
        "GIT_COMMITTER_DATE": date,
    }
    subprocess.run(
        ["git", "commit", "--quiet", "--no-verify", "-m", message],
        cwd=root,
        env=env,
        check=True,
        timeout=60,
    )
    return git(root, "rev-parse", "HEAD")


@pytest.fixture
def fixed_env(plain_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """compare's plain environment (no colour, no git configuration) and a fixed clock."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")


@pytest.fixture(scope="session")
def history_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """Five revisions of one proposal: base, safeguards added, renamed, broken, closed.

    A commit of another file sits between them and must not show. Made once (git runs a dozen
    times for it); each test's ``history_repo`` is a copy. Returns the root and the commits of
    the proposal, oldest first.
    """
    root = tmp_path_factory.mktemp("history") / "repo"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("GIT_CONFIG_GLOBAL", os.devnull)
        env.setenv("GIT_CONFIG_NOSYSTEM", "1")
        (root / "proposals").mkdir(parents=True)
        git(root, "init", "--quiet")
        git(root, "config", "commit.gpgsign", "false")
        p = root / "proposals" / "p.yaml"
        commits = []
        p.write_text(BASE)
        git(root, "add", "-A")
        commits.append(commit(root, "base", *COMMITS[0]))
        p.write_text(SAFE)
        git(root, "add", "-A")
        commits.append(commit(root, "safeguards", *COMMITS[1]))
        (root / "README.md").write_text("other file\n")
        git(root, "add", "-A")
        commit(root, "unrelated", "Someone Else", "2024-02-20T10:00:00+00:00")
        git(root, "mv", "proposals/p.yaml", "proposals/adriatic.yaml")
        commits.append(commit(root, "rename", *COMMITS[2]))
        adriatic = root / "proposals" / "adriatic.yaml"
        adriatic.write_text(BROKEN)
        git(root, "add", "-A")
        commits.append(commit(root, "broken", *COMMITS[3]))
        adriatic.write_text(CLOSED)
        git(root, "add", "-A")
        commits.append(commit(root, "closed", *COMMITS[4]))
    return root, commits


@pytest.fixture
def history_repo(
    history_template: tuple[Path, list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fixed_env: None,
) -> tuple[Path, list[str]]:
    """A copy of ``history_template`` of this test's own (the same commits): the root, also the
    working directory, and the commits of the proposal, oldest first."""
    template, commits = history_template
    root = tmp_path / "repo"
    shutil.copytree(template, root, symlinks=True)
    monkeypatch.chdir(root)
    return root, list(commits)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    return run_cli(capsys, "history", *args)


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code, out, err = run(capsys, *args, "--format", "json")
    assert code == 0, err
    doc: dict[str, Any] = json.loads(out)
    return doc


def assessed(text: str, origin: str = "x.yaml") -> Assessment:
    return Assessor().assess_bytes(text.encode(), origin)


def test_every_revision_is_assessed_oldest_first_renames_followed(
    history_repo: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    _, commits = history_repo
    doc = run_json(capsys, "proposals/adriatic.yaml")
    revisions = doc["revisions"]
    assert [r["commit"] for r in revisions] == commits
    assert [r["author"] for r in revisions] == [author for author, _ in COMMITS]
    assert [r["date"] for r in revisions] == [date for _, date in COMMITS]
    assert [r["path"] for r in revisions] == [
        "proposals/p.yaml",
        "proposals/p.yaml",
        "proposals/adriatic.yaml",
        "proposals/adriatic.yaml",
        "proposals/adriatic.yaml",
    ]
    assert [r["status"] for r in revisions] == [
        "assessed",
        "assessed",
        "assessed",
        "invalid",
        "assessed",
    ]
    assert doc["path"] == "proposals/adriatic.yaml"
    assert doc["since"] is None
    # Each revision's figures are what assessing its text gives today.
    for revision, text in zip(
        [revisions[i] for i in (0, 1, 2, 4)], (BASE, SAFE, SAFE, CLOSED), strict=True
    ):
        expected = assessed(text)
        assert revision["grade"] == expected.grade
        assert revision["score"] == round(expected.score, 2)
        assert revision["score_low"] == round(expected.score_low, 2)
        assert revision["score_high"] == round(expected.score_high, 2)
        assert revision["coverage"] == round(expected.coverage, 2)
        assert [r["id"] for r in revision["risks"]] == [r.id for r in expected.risks]
    # The safeguards resolved NE01; closing the grouping raised RF01.
    assert "NE01" in [r["id"] for r in revisions[0]["risks"]]
    assert "NE01" not in [r["id"] for r in revisions[1]["risks"]]
    assert "RF01" in [r["id"] for r in revisions[4]["risks"]]


def test_an_unparsable_revision_is_a_row_with_located_problems_not_a_crash(
    history_repo: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    _, commits = history_repo
    doc = run_json(capsys, "proposals/adriatic.yaml")
    broken = doc["revisions"][3]
    assert broken["status"] == "invalid"
    origin = f"{commits[3][:12]}:proposals/adriatic.yaml"
    assert broken["problems"]
    assert all(p["file"] == origin for p in broken["problems"])
    assert broken["problems"][0]["line"] >= 3
    code, out, _ = run(capsys, "proposals/adriatic.yaml", "--width", "100")
    assert code == 0
    assert re.search(rf"^{commits[3][:7]} +│ 2024-04-20 +│ Carol Critic +│ invalid", out, re.M)
    problem = broken["problems"][0]
    assert f"{commits[3][:7]}  {len(broken['problems'])} problem" in out
    assert problem["message"] in out


def test_since_keeps_the_revisions_authored_on_or_after_the_date(
    history_repo: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    _, commits = history_repo
    doc = run_json(capsys, "proposals/adriatic.yaml", "--since", "2024-03-01")
    # The rename, authored 2024-03-01T08:00+01:00 (07:00 UTC), is on or after midnight UTC.
    assert [r["commit"] for r in doc["revisions"]] == commits[2:]
    assert doc["since"] == "2024-03-01"
    doc = run_json(capsys, "proposals/adriatic.yaml", "--since", "2024-03-01T08:00:00+00:00")
    assert [r["commit"] for r in doc["revisions"]] == commits[3:]
    # After the last revision: an empty history, said so, not an error.
    code, out, _ = run(capsys, "proposals/adriatic.yaml", "--since", "2025-01-01")
    assert code == 0
    assert "No revision of proposals/adriatic.yaml, since 2025-01-01." in out


def test_a_since_that_is_not_a_date_exits_2(
    history_repo: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "proposals/adriatic.yaml", "--since", "last tuesday")
    assert code == 2
    assert out == ""
    assert "--since 'last tuesday': not a date; give YYYY-MM-DD or an ISO 8601 time" in err


def test_an_untracked_file_exits_2(
    history_repo: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    root, _ = history_repo
    (root / "proposals" / "new.yaml").write_text(BASE)
    code, out, err = run(capsys, "proposals/new.yaml")
    assert code == 2
    assert out == ""
    assert "git has no commit of proposals/new.yaml (untracked, or never committed)" in err
    assert "Traceback" not in err


def test_outside_a_git_repository_exits_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fixed_env: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "p.yaml").write_text(BASE)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(folder)
    code, out, err = run(capsys, "p.yaml")
    assert code == 2
    assert out == ""
    assert "p.yaml: not in a git repository, so it has no history" in err


def test_terminal_and_markdown_tables(
    history_repo: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    _, commits = history_repo
    base, closed = assessed(BASE), assessed(CLOSED)
    code, out, _ = run(capsys, "proposals/adriatic.yaml", "--width", "100")
    assert code == 0
    assert out.startswith("History of proposals/adriatic.yaml · 5 revision(s)")
    first = re.search(
        rf"^{commits[0][:7]} +│ 2024-01-10 +│ Alice Analyst +│ (\S+) +│ +(\S+)", out, re.M
    )
    assert first is not None
    assert first.groups() == (base.grade, f"{base.score:.1f}")
    assert "Đorđe Đukić" in out
    assert (
        f"From grade {base.grade} ({base.score:.1f}) to grade {closed.grade} "
        f"({closed.score:.1f}) over 4 assessed revisions." in " ".join(out.split())
    )
    code, md, _ = run(capsys, "proposals/adriatic.yaml", "--format", "markdown")
    assert code == 0
    lines = [line for line in md.splitlines() if line.startswith("| ")]
    assert len(lines) == 1 + 5  # the header and a row per revision
    assert f"| 1 | `{commits[0][:12]}` | 2024-01-10 | Alice Analyst | **{base.grade}** |" in md
    assert "| **invalid** |" in md


def test_html_has_a_timeline_with_a_point_per_assessed_revision(
    history_repo: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, html, _ = run(capsys, "proposals/adriatic.yaml", "--format", "html")
    assert code == 0
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert svg.count("<circle") == 4
    assert svg.count('class="invalid"') == 1
    assert 'class="score"' in svg
    assert "http" not in svg
    assert "default-src 'none'" in html
    for day in ("2024-01-10", "2024-02-15", "2024-03-01", "2024-04-20", "2024-05-05"):
        assert day in svg
    # Deterministic: the same history gives the same bytes (the clock is SOURCE_DATE_EPOCH).
    out = tmp_path / "h.html"
    assert run(capsys, "proposals/adriatic.yaml", "-f", "html", "-o", str(out))[0] == 0
    assert out.read_text("utf-8") == html
    assert "generated 2025-01-01T00:00:00Z" in html


def test_workbook_has_a_row_per_revision_and_a_native_line_chart(
    history_repo: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _, commits = history_repo
    target = tmp_path / "history.xlsx"
    code, _, err = run(capsys, "proposals/adriatic.yaml", "-f", "xlsx", "-o", str(target))
    assert code == 0, err
    data = target.read_bytes()
    wb = load_workbook(io.BytesIO(data))
    ws = wb["History"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:11] == (
        "#",
        "Revision",
        "Commit",
        "Date",
        "Author",
        "Subject",
        "Path",
        "Grade",
        "Score",
        "Score low",
        "Score high",
    )
    assert [r[2] for r in rows[1:]] == [c[:12] for c in commits]
    assert rows[1][1] == f"2024-01-10 {commits[0][:7]}"
    assert [r[7] for r in rows[1:]][3] == "invalid"
    base = assessed(BASE)
    assert rows[1][8:11] == (base.score, base.score_low, base.score_high)
    charts = sheet_charts(ws)
    assert len(charts) == 1
    chart = charts[0]
    assert chart.tagname == "lineChart"
    refs = [s.val.numRef.f for s in chart.series]
    assert refs == ["'History'!$I$2:$I$6", "'History'!$J$2:$J$6", "'History'!$K$2:$K$6"]
    assert chart.series[0].cat.numRef.f == "'History'!$B$2:$B$6"  # (openpyxl's kind; text is read)
    # Same history, same bytes.
    again = tmp_path / "again.xlsx"
    assert run(capsys, "proposals/adriatic.yaml", "-f", "xlsx", "-o", str(again))[0] == 0
    assert again.read_bytes() == data


def test_the_workbook_needs_a_file(
    history_repo: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "proposals/adriatic.yaml", "-f", "xlsx")
    assert code == 2
    assert out == ""
    assert "--format xlsx writes a binary workbook: give a file with --output" in err


def test_the_readme_history_example_is_what_the_tool_prints(
    tmp_path: Path, fixed_env: None
) -> None:
    """The README's console example, run as a reader would (from a copy of the repository
    root, with the installed CLI), prints exactly what the README shows."""
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme[readme.index("### A proposal's history") :]
    block = section[section.index("```console\n") + 11 : section.index("```\n", 11)]
    lines = block.splitlines()
    commands = [line[2:] for line in lines if line.startswith("$ ")]
    shown = lines[max(n for n, line in enumerate(lines) if line.startswith("$ ")) + 1 :]
    assert commands[-1].startswith("policycheck history")
    shutil.copytree(ROOT / "proposals", tmp_path / "proposals")
    env = {
        key: value
        for key, value in os.environ.items()
        if key.startswith("GIT_CONFIG") or key in ("HOME", "NO_COLOR")
    }
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}/usr/bin{os.pathsep}/bin"
    done = subprocess.run(
        ["bash", "-e", "-c", "\n".join(commands)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert [line.rstrip() for line in done.stdout.splitlines()] == shown


def test_a_name_that_is_not_utf8_is_followed_and_shown_escaped(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fixed_env: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "--quiet")
    name = os.fsdecode(b"caf\xe9.yaml")
    (root / name).write_text(BASE)
    git(root, "add", "-A")
    first = commit(root, "base", *COMMITS[0])
    (root / name).write_text(SAFE)
    git(root, "add", "-A")
    second = commit(root, "safe", *COMMITS[1])
    monkeypatch.chdir(root)
    doc = run_json(capsys, name)
    assert [r["commit"] for r in doc["revisions"]] == [first, second]
    assert doc["path"] == "caf\\xe9.yaml"
    assert {r["path"] for r in doc["revisions"]} == {"caf\\xe9.yaml"}
    assert [r["status"] for r in doc["revisions"]] == ["assessed", "assessed"]
    code, out, _ = run(capsys, name, "-f", "markdown")
    assert code == 0
    assert "caf\\xe9.yaml" in out


def test_a_revision_where_the_file_was_a_symbolic_link_or_deleted_is_left_out(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fixed_env: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "--quiet")
    p = root / "p.yaml"
    p.write_text(BASE)
    git(root, "add", "-A")
    first = commit(root, "base", *COMMITS[0])
    p.unlink()
    # The link's target unlike the proposal: git's --follow would take a look-alike for a rename.
    (root / "other.txt").write_text("unrelated\n")
    p.symlink_to("other.txt")
    git(root, "add", "-A")
    commit(root, "a link", *COMMITS[1])
    p.unlink()
    git(root, "add", "-A")
    commit(root, "deleted", *COMMITS[2])
    p.write_text(CLOSED)
    git(root, "add", "-A")
    last = commit(root, "back", *COMMITS[3])
    monkeypatch.chdir(root)
    doc = run_json(capsys, "p.yaml")
    assert [r["commit"] for r in doc["revisions"]] == [first, last]
    assert doc["revisions"][1]["grade"] == assessed(CLOSED).grade


def test_output_files_are_written_whole_and_never_over_the_proposal(
    history_repo: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root, _ = history_repo
    code, shown, _ = run(capsys, "proposals/adriatic.yaml", "--width", "100")
    assert code == 0
    text = tmp_path / "history.txt"
    assert run(capsys, "proposals/adriatic.yaml", "-o", str(text), "--width", "100")[0] == 0
    assert text.read_text("utf-8") == shown
    before = (root / "proposals" / "adriatic.yaml").read_bytes()
    code, out, err = run(
        capsys, "proposals/adriatic.yaml", "-f", "json", "-o", "proposals/adriatic.yaml"
    )
    assert code == 2
    assert out == ""
    assert "refusing to overwrite an input file" in err
    assert (root / "proposals" / "adriatic.yaml").read_bytes() == before
