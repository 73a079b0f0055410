"""The configuration module itself (``policycheck.config``): thresholds, discovery, loading.

``test_gate_e2e`` proves the same rules through the command line; these tests call the
functions directly, on real files in ``tmp_path``, so that a failure names the function.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from policycheck import config
from policycheck.config import Settings, discover, discover_for, load, parse_threshold
from policycheck.errors import InputError, UsageError


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("b", "B"),
        (" F ", "F"),
        ("70", 70.0),
        (" 0 ", 0.0),
        (100, 100.0),
        (21.5, 21.5),
        (None, None),
    ],
)
def test_parse_threshold_reads_a_grade_or_a_score(
    given: str | float | None, expected: str | float | None
) -> None:
    assert parse_threshold(given) == expected


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("Q", "'Q' is neither a grade (A-F) nor a score (0-100)"),
        ("150", "score threshold 150.0 is not between 0 and 100"),
        (-1, "score threshold -1 is not between 0 and 100"),
    ],
)
def test_parse_threshold_refuses_anything_else(given: str | float, message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        parse_threshold(given)


def _repository(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)  # discovery only looks for the folder
    return root


def test_discover_checks_each_folder_in_order_and_walks_up_to_the_repository_root(
    tmp_path: Path,
) -> None:
    root = _repository(tmp_path)
    deep = root / "a" / "b"
    deep.mkdir(parents=True)
    (tmp_path / "policycheck.toml").write_text("fail_on = 'low'\n")  # above the repository
    assert discover(deep) is None
    (root / "pyproject.toml").write_text("[project]\nname = 'x'\n")  # no [tool.policycheck]
    assert discover(deep) is None
    (root / "pyproject.toml").write_text("[tool.policycheck]\nfail_on = 'high'\n")
    assert discover(deep) == root / "pyproject.toml"
    (root / "policycheck.toml").write_text("")
    assert discover(deep) == root / "policycheck.toml"
    (root / ".policycheck.yaml").write_text("")
    assert discover(deep) == root / ".policycheck.yaml"
    (root / "a" / "policycheck.toml").write_text("")
    assert discover(deep) == root / "a" / "policycheck.toml"  # the nearer file wins


def test_discover_for_starts_from_the_files_named(tmp_path: Path) -> None:
    root = _repository(tmp_path)
    for team in ("east", "west"):
        (root / team / "proposals").mkdir(parents=True)
        (root / team / "policycheck.toml").write_text("")
    east = root / "east" / "policycheck.toml"
    assert discover_for(["east/proposals/x.yaml"], root) == east  # a file's own folder
    assert discover_for(["east/proposals/*.yaml", "east"], root) == east  # a glob's fixed part
    assert discover_for(["nowhere/x.yaml"], root / "east") == east  # none: the working folder
    with pytest.raises(UsageError, match="under different configurations"):
        discover_for(["east/proposals", "west/proposals"], root)


def test_discover_for_reads_a_folder_named_from_the_folder_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repository(tmp_path)
    (root / "east" / "proposals").mkdir(parents=True)
    (root / "east" / "proposals" / "policycheck.toml").write_text("")
    monkeypatch.chdir(tmp_path)  # elsewhere: "east/proposals" is a folder only under root
    found = discover_for(["east/proposals"], root)
    assert found == root / "east" / "proposals" / "policycheck.toml"


def test_discover_for_walks_up_from_each_folder_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shell's glob names every file of a folder: the folder is walked up once, not for each
    (1,000 files took 70 ms before the first proposal was read)."""
    root = _repository(tmp_path)
    for team in ("east", "west"):
        (root / team).mkdir()
        for n in range(50):
            (root / team / f"p{n}.yaml").write_text("")
    (root / "policycheck.toml").write_text("")
    walked: list[Path] = []

    def counted(start: Path) -> Path | None:
        walked.append(start)
        return discover(start)

    monkeypatch.setattr(config, "discover", counted)
    names = [f"{team}/p{n}.yaml" for team in ("east", "west") for n in range(50)]
    assert discover_for(names, root) == root / "policycheck.toml"
    assert sorted(walked) == [root / "east", root / "west"]


def test_load_reads_yaml_with_the_line_of_every_key_and_paths_relative_to_the_file(
    tmp_path: Path,
) -> None:
    root = _repository(tmp_path)
    (root / ".policycheck.yaml").write_text(
        "paths: [proposals]\n"
        "fail_under: c\n"
        "baseline: ci/baseline.json\n"
        "waivers:\n"
        "  - risk: CE03\n"
        "    proposal: drones\n"
        "    justification: accepted by the board\n"
        "    owner: desk\n"
        "    expires: 2030-12-31\n"
    )
    loaded = load(None, root / "proposals")
    assert loaded.path == root / ".policycheck.yaml"
    assert loaded.settings.paths == ("proposals",)
    assert loaded.settings.fail_under == "C"
    assert loaded.resolve(loaded.settings.baseline) == root / "ci" / "baseline.json"
    assert loaded.origins["fail_under"] == f"{root / '.policycheck.yaml'}:2"
    (waiver,) = loaded.waivers()
    assert (waiver.target, waiver.proposal, waiver.expires) == (
        "CE03",
        "drones",
        dt.date(2030, 12, 31),
    )
    assert waiver.origin.endswith(".policycheck.yaml:5")


def test_load_reads_the_tool_table_of_pyproject_with_its_lines(tmp_path: Path) -> None:
    root = _repository(tmp_path)
    (root / "pyproject.toml").write_text(
        '[project]\nname = "x"\nfail_on = "ignored: not our table"\n\n'
        '[tool.policycheck]\npaths = ["proposals"]\nfail_on = "high"\n\n'
        "[tool.policycheck.minimums]\nregional-inclusiveness = 50\n"
    )
    loaded = load(None, root)
    assert loaded.settings.fail_on == "high"
    assert loaded.settings.minimums == {"regional-inclusiveness": 50.0}
    assert loaded.origins["fail_on"] == f"{root / 'pyproject.toml'}:7"


def test_load_with_nothing_found_gives_the_defaults(tmp_path: Path) -> None:
    root = _repository(tmp_path)
    loaded = load(None, root)
    assert loaded.path is None
    assert loaded.settings.paths == ()
    assert loaded.settings.fail_under is None
    assert loaded.waivers() == ()
    assert loaded.settings == Settings()
    assert loaded.settings.model_fields_set == Settings().model_fields_set


def test_load_with_nothing_found_builds_no_validator(tmp_path: Path) -> None:
    """The defaults need no validation: a run with no configuration file no longer builds
    the settings' validator at start-up (1.6 ms of a one-file run)."""
    root = _repository(tmp_path)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from policycheck import config\n"
        "config.load(None, Path(sys.argv[1]))\n"
        "print(config.Settings.__pydantic_complete__)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(root)], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"


def test_load_locates_every_problem_of_a_file_at_once(tmp_path: Path) -> None:
    config = _repository(tmp_path) / "policycheck.toml"
    config.write_text('paths = ["p"]\nfail_udner = "C"\nmin_coverage = 2\nsoft_fail = "yes"\n')
    with pytest.raises(InputError) as info:
        load(config, tmp_path)
    found = {(p.file, p.line, p.message.split(":")[0]) for p in info.value.problems}
    assert (str(config), 2, "unknown key 'fail_udner'; did you mean 'fail_under'?") in found
    assert (str(config), 3, "min_coverage") in found
    assert (str(config), 4, "soft_fail") in found


def test_load_of_a_missing_explicit_file_is_located_at_its_start(tmp_path: Path) -> None:
    missing = tmp_path / "ci" / "strict.toml"
    with pytest.raises(InputError) as info:
        load(missing, tmp_path)
    (problem,) = info.value.problems
    assert (problem.file, problem.line, problem.column) == (str(missing), 1, 1)
    assert problem.message == "configuration file not found"
