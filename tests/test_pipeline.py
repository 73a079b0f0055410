"""The pipeline's one owner, ``pipeline.run``: waivers before grading, duplicate ids, modes."""

from __future__ import annotations

import datetime as dt
import gc
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

import policycheck
from policycheck import Assessor
from policycheck.assessment import Assessment, Waiver
from policycheck.config import LoadedConfig, Settings
from policycheck.pipeline import Request, _tune_gc, run
from policycheck.render import Format
from tests.conftest import PROPOSALS, ROOT, left_for_the_collector, run_cli

HUNGARY = PROPOSALS / "serbia-hungary-2025.yaml"
#: The default rubric, but a high risk caps the grade at F: Serbia-Hungary (D, CE01 high) is capped.
CAPPING = "extends: default\ncaps: {critical: F, high: F}\n"


def _assessed(assessor: Assessor) -> Assessment:
    result = assessor.assess_file(HUNGARY)
    assert isinstance(result, Assessment), result
    return result


def _waiver(expires: dt.date) -> Waiver:
    return Waiver("CE01", "serbia-hungary-2025", "accepted", "desk", expires, "cfg:1")


def test_a_waiver_is_applied_before_the_grade_is_worked_out(tmp_path: Path) -> None:
    rubric = tmp_path / "capping.yaml"
    rubric.write_text(CAPPING)
    capped = _assessed(Assessor(rubric))
    assert (capped.grade, capped.uncapped_grade) == ("F", "D")
    assert capped.cap is not None
    waived = Assessor(rubric, waivers=[_waiver(dt.date(2030, 1, 1))], today=dt.date(2026, 1, 1))
    result = _assessed(waived)
    assert result.grade == "D"
    assert result.cap is None
    assert next(r for r in result.risks if r.id == "CE01").waived
    # An expired waiver is marked, and waives nothing: the cap stands.
    lapsed = Assessor(rubric, waivers=[_waiver(dt.date(2025, 1, 1))], today=dt.date(2026, 1, 1))
    result = _assessed(lapsed)
    assert result.grade == "F"
    risk = next(r for r in result.risks if r.id == "CE01")
    assert risk.waiver is not None
    assert not risk.waiver.active


@pytest.mark.parametrize("fmt", ["json", "markdown"])  # report files: both kept compact
def test_the_cli_grades_a_waived_proposal_as_the_engine_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    (tmp_path / "capping.yaml").write_text(CAPPING)
    (tmp_path / "policycheck.toml").write_text(
        'rubric = "capping.yaml"\n[[waivers]]\nrisk = "CE01"\nproposal = "serbia-hungary-2025"\n'
        'justification = "accepted"\nowner = "desk"\nexpires = 2099-01-01\n'
    )
    monkeypatch.chdir(tmp_path)
    report = tmp_path / "report.json"
    code, _, err = run_cli(
        capsys, "assess", str(HUNGARY), "-q", "-o", str(report), "-f", fmt, "--fail-under", "F"
    )
    assert code == 0, err
    (result,) = json.loads(report.read_text())["results"]
    assert (result["grade"], result["cap"]) == ("D", None)


def _request(tmp_path: Path, **options: Any) -> Request:
    copy = tmp_path / "copy.yaml"
    copy.write_bytes(HUNGARY.read_bytes())
    config = LoadedConfig(Settings(), None)
    return Request(config=config, paths=(str(HUNGARY), str(copy)), **options)


@pytest.mark.parametrize(
    ("options", "kept"),
    [
        ({"printed": Format.JSON}, "streamed"),
        ({"printed": Format.JSON, "summary": True}, "compact"),
        ({"written": ((Format.JSON, Path("out.json")),)}, "compact"),
        ({"printed": Format.MARKDOWN, "written": ((Format.JSON, Path("o.json")),)}, "compact"),
        ({"written": ((Format.SARIF, Path("o.sarif")), (Format.JSON, Path("o.json")))}, "compact"),
        ({"printed": Format.GITHUB, "written": ((Format.JSON, Path("o.json")),)}, "compact"),
        ({"printed": Format.TERMINAL}, "whole"),
        ({"printed": Format.JSON, "whole": True}, "whole"),
    ],
)
def test_run_refuses_a_duplicate_id_once_however_results_are_kept(
    tmp_path: Path, options: dict[str, object], kept: str
) -> None:
    outcome = run(_request(tmp_path, **options))
    assert kept == (
        "streamed"
        if outcome.streamed is not None
        else "compact"
        if outcome.batch is not None
        else "whole"
    )
    document = json.loads(b"".join(outcome.json_chunks()))
    assert [r["status"] for r in document["results"]] == ["assessed", "invalid"]
    assert outcome.failed
    (problem,) = outcome.new_problems()
    assert "proposal id 'serbia-hungary-2025' is already used by" in problem.message
    assert outcome.new_problems() == []


def test_the_version_is_read_from_one_module_by_the_package_and_the_build() -> None:
    from policycheck._version import __version__

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    path = ROOT / project["tool"]["hatch"]["version"]["path"]
    assert path.resolve() == (ROOT / "src" / "policycheck" / "_version.py").resolve()
    # Installed (editable or, as .ci/run installs it, not), the package reads that module.
    installed = Path(policycheck.__file__).parent / "_version.py"
    assert installed.read_text("utf-8") == path.read_text("utf-8")
    assert policycheck.__version__ == __version__


@pytest.mark.parametrize("count", [1, 60])
def test_the_command_lines_run_is_frozen(tmp_path: Path, count: int) -> None:
    """What the run starts with is frozen out of the collector, for one file as for a batch."""
    paths = []
    for n in range(count):
        copy = tmp_path / f"p{n:03}.yaml"
        copy.write_text(HUNGARY.read_text().replace("serbia-hungary-2025", f"copy-{n}"))
        paths.append(str(copy))
    request = Request(
        config=LoadedConfig(Settings(), None), paths=tuple(paths), tune_gc=True, jobs=1, whole=True
    )
    gc.unfreeze()
    try:
        outcome = run(request)
        assert len(outcome.report.results) == count
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_tuning_the_collector_runs_no_collection() -> None:
    """A full collection before freezing took 20 to 28 ms and found nothing to free."""
    started: list[int] = []

    def record(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(info["generation"])

    gc.unfreeze()
    gc.callbacks.append(record)
    try:
        _tune_gc()
        assert gc.get_freeze_count() > 0
    finally:
        gc.callbacks.remove(record)
        gc.unfreeze()
    assert started == []


@pytest.fixture
def unfrozen() -> Any:
    """Nothing frozen out of the collector after the test (the run freezes what it holds)."""
    yield
    gc.unfreeze()


def test_assessing_and_rendering_leave_no_reference_cycle(tmp_path: Path) -> None:
    """What lets the command line collect rarely (``_tune_gc``): every sample and casebook
    proposal, and files refused for their YAML, their schema, their size or their depth (or
    not there), are assessed and rendered to JSON without leaving anything only the
    collector would free."""
    from policycheck.loading import MAX_BYTES, MAX_DEPTH
    from policycheck.render.json import rendered

    bad = {
        "tab.yaml": "id: x\n\ttitle: t\n",
        "schema.yaml": "id: x\ntitle: 3\nkind: nothing\n",
        "twice.yaml": "id: x\nid: y\n",
        "empty.yaml": "",
        "large.yaml": "id: x\ntitle: " + "t" * MAX_BYTES + "\n",
        "deep.yaml": "x: " + "[" * (MAX_DEPTH + 8) + "]" * (MAX_DEPTH + 8) + "\n",
    }
    for name, text in bad.items():
        (tmp_path / name).write_text(text)
    paths = [
        *sorted(PROPOSALS.glob("*.yaml")),
        *sorted((ROOT / "tests" / "casebook").glob("*.yaml")),
    ]
    paths += [tmp_path / name for name in bad] + [tmp_path / "missing.yaml"]
    assessor = Assessor()
    rendered(assessor.assess_file(paths[0]))
    kinds = {type(assessor.assess_file(path)).__name__ for path in paths}
    assert kinds == {"Assessment", "Failure"}
    assert left_for_the_collector(lambda: [rendered(assessor.assess_file(p)) for p in paths]) == []


@pytest.mark.usefixtures("unfrozen")
def test_the_command_lines_collector_does_not_pass_while_each_proposal_is_read(
    tmp_path: Path,
) -> None:
    """At Python's default threshold a first-generation pass came every few proposals (a
    batch of 40: 13), each walking a proposal's live tree; raised, none or a few.

    A first run comes before: the first in a process also makes what is made once (its
    caches, the rubric), and its passes depend on which tests ran before it."""
    paths = []
    for n in range(40):
        copy = tmp_path / f"p{n:03}.yaml"
        copy.write_text(HUNGARY.read_text().replace("serbia-hungary-2025", f"copy-{n}"))
        paths.append(str(copy))

    def request(paths: list[str]) -> Request:
        config = LoadedConfig(Settings(), None)
        return Request(config=config, paths=tuple(paths), tune_gc=True, jobs=1, whole=True)

    run(request(paths[:1]))
    passes: list[int] = []

    def record(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            passes.append(info["generation"])

    gc.callbacks.append(record)
    try:
        assert len(run(request(paths)).report.results) == 40
    finally:
        gc.callbacks.remove(record)
    assert len(passes) <= 5, passes
