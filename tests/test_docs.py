"""The documentation's commands run as written: a drift between docs and tool fails CI.

Every ``sh`` block of README.md and the example READMEs is read; each
``policycheck`` command without placeholders (``FILE``, ``[...]``, ``a|b``) or
a remote (``origin/…``) is run through the CLI's entry point (what the installed
``policycheck`` calls), in this process, in a copy of the repository's inputs, from
where its README says to run it.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, process_like, run_cli

DOCS = [ROOT / "README.md", *sorted((ROOT / "examples").glob("*/README.md"))]
_BLOCK = re.compile(r"^```(?:sh|bash|shell)\n(.*?)^```", re.M | re.S)
_PLACEHOLDER = re.compile(r"[\[\]|]|^[A-Z][A-Z_]*(\.\w+)?$|^(R|NAME|FILE|DIR|ID)$")


def _commands(doc: Path) -> list[list[str]]:
    found = []
    for block in _BLOCK.findall(doc.read_text("utf-8")):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if words:
                found.append(words)
    return found


def _runnable(words: list[str]) -> bool:
    return (
        words[0] == "policycheck"
        and not any(_PLACEHOLDER.search(w) for w in words[1:])
        and not any(w.startswith("origin/") for w in words)
    )


CASES = [
    pytest.param(doc, words, id=f"{doc.relative_to(ROOT)}: {' '.join(words)}")
    for doc in DOCS
    for words in _commands(doc)
    if _runnable(words)
]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The documented inputs, copied: commands that write files write them here."""
    root = tmp_path_factory.mktemp("repo")
    (root / ".git").mkdir()  # the repository root: configuration is not looked for above it
    shutil.copytree(ROOT / "proposals", root / "proposals")
    shutil.copytree(ROOT / "examples", root / "examples")
    return root


def test_the_docs_have_commands_to_run() -> None:
    assert len(CASES) >= 10


@pytest.mark.parametrize(("doc", "words"), CASES)
def test_a_documented_command_runs(
    workspace: Path,
    doc: Path,
    words: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = doc.parent.relative_to(ROOT)
    # An example repository's README is run inside it ("anywhere in the repository").
    cwd = workspace / folder if (doc.parent / "policycheck.toml").exists() else workspace
    monkeypatch.chdir(cwd)
    templates = []
    for earlier in _commands(doc):  # a file a README makes (`policycheck new`) comes first
        if earlier[:2] == ["policycheck", "new"]:
            templates.append(earlier[2])
            if not (cwd / earlier[2]).exists():
                made, _, err = run_cli(capsys, *earlier[1:])
                assert made == 0, err
    code, _, err = run_cli(capsys, *words[1:])
    if words[:2] == ["policycheck", "new"]:
        assert code == 2  # it never overwrites the file made above
        assert "already exists" in err
        return
    gated = (cwd / "policycheck.toml").exists() and words[1] == "assess"
    if gated and any(t in words or (len(words) == 2) for t in templates):
        # A blank template says nothing yet: the gate refuses it, for that reason only.
        assert code == 1, err
        breaches = [line for line in err.splitlines() if ": gate: " in line]
        assert breaches
        assert all(any(t in line for t in templates) for line in breaches), breaches
        assert any("of the applicable weight is known" in line for line in breaches)
        return
    assert code == 0, f"{' '.join(words)}\n{err}"


def test_the_synopsis_options_exist(capsys: pytest.CaptureFixture[str]) -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    synopsis = readme[readme.index("## Commands and exit codes") :]
    synopsis = synopsis[: synopsis.index("policycheck rules")]
    options = sorted(set(re.findall(r"\[(--?[a-z-]+)", synopsis)))
    assert "--fail-under" in options
    with process_like(ROOT, {"COLUMNS": "200", "PATH": "/usr/bin:/bin"}):
        code, out, err = run_cli(capsys, "assess", "--help")
    assert code == 0, err
    missing = [o for o in options if not re.search(rf"(^|[\s,]){re.escape(o)}\b", out)]
    assert not missing


def test_the_worked_example_is_what_the_tool_prints(capsys: pytest.CaptureFixture[str]) -> None:
    """Each line the README shows appears in the output, in order (``...`` skips lines)."""
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme[readme.index("## A worked example") :]
    shown = re.search(r"```text\n(.*?)```", section, re.S)
    assert shown is not None
    with process_like(ROOT, {"NO_COLOR": "1", "PATH": "/usr/bin:/bin"}):
        _, out, _ = run_cli(
            capsys, "assess", "proposals/kosovo-armed-drones-2023.yaml", "--width", "100"
        )
    actual = [line.rstrip() for line in out.splitlines()]
    position = 0
    for line in shown.group(1).splitlines():
        if line.strip() in ("...", "…"):
            continue
        assert line.rstrip() in actual[position:], f"README line not printed (in order): {line!r}"
        position = actual.index(line.rstrip(), position) + 1


def test_the_docs_point_at_nothing_a_newcomer_lacks() -> None:
    """No machine-specific absolute paths: a reader has the repository, not our machine."""
    for doc in [*DOCS, ROOT / "benchmarks" / "README.md"]:
        text = doc.read_text("utf-8")
        assert not re.findall(r"(?<![\w.])/(?:work|home|root|Users)/\S+", text), doc


def test_the_rubric_guide_says_levels_where_the_tool_needs_levels() -> None:
    """An indicator's points sit in its ``levels:`` mapping; the guide's example shows that."""
    guide = (ROOT / "examples" / "rubrics" / "README.md").read_text("utf-8")
    rubric = (ROOT / "examples" / "rubrics" / "south-caucasus.yaml").read_text("utf-8")
    assert "levels:" in rubric
    assert re.search(r"a `levels:` mapping", guide)
    assert "and points for **every** level" not in guide
