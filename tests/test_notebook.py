"""The notebook API: ``policycheck.assess(paths)``, its tables, its display, and the example
notebook run headless (a real kernel, as a reader would run it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import policycheck
from policycheck import Assessment, Assessor, Failure
from policycheck.errors import UsageError
from tests.conftest import MINIMAL, PROPOSALS, ROOT

KOSOVO = PROPOSALS / "kosovo-armed-drones-2023.yaml"
TIRANA = PROPOSALS / "tirana-declaration-2025.yaml"


@pytest.fixture(scope="module")
def results() -> policycheck.Results:
    return policycheck.assess(PROPOSALS)


@pytest.fixture(scope="module")
def expected() -> tuple[Assessment, ...]:
    """What the engine gives for the samples, assessed one by one."""
    assessor = Assessor()
    out = []
    for path in sorted(PROPOSALS.glob("*.yaml")):
        result = assessor.assess_file(path)
        assert isinstance(result, Assessment)
        out.append(result)
    return tuple(out)


def test_to_frame_has_a_row_per_proposal_with_the_engines_figures(
    results: policycheck.Results, expected: tuple[Assessment, ...]
) -> None:
    frame = results.to_frame()
    assert len(frame) == len(expected) == 8
    assert frame["proposal_id"].tolist() == [a.proposal_id for a in expected]
    assert frame["grade"].astype(str).tolist() == [a.grade for a in expected]
    assert frame["score"].tolist() == [a.score for a in expected]
    assert frame["score_low"].tolist() == [a.score_low for a in expected]
    assert frame["score_high"].tolist() == [a.score_high for a in expected]
    assert frame["coverage"].tolist() == [a.coverage for a in expected]
    assert frame["provisional"].tolist() == [a.provisional for a in expected]
    assert frame["risks"].tolist() == [len(a.risks) for a in expected]
    assert frame["valid"].all()
    # One column per criterion, by id, holding its score (NaN where it has none).
    criteria = [c.id for c in expected[0].criteria]
    assert list(frame.columns[-len(criteria) :]) == criteria
    for n, a in enumerate(expected):
        for c in a.criteria:
            missing = bool(frame[c.id].isna().iloc[n])
            assert (missing and c.score is None) or frame.at[n, c.id] == c.score
    # Grades are ordered as grades: the worst first when sorted, the best is the max.
    assert frame["grade"].max() == "A"
    assert frame.sort_values("grade")["grade"].astype(str).tolist()[0] == "F"


def test_risks_and_indicators_are_long_tables(
    results: policycheck.Results, expected: tuple[Assessment, ...]
) -> None:
    risks = results.risks_frame()
    assert len(risks) == sum(len(a.risks) for a in expected)
    assert risks[["proposal_id", "risk"]].values.tolist() == [
        [a.proposal_id, r.id] for a in expected for r in a.risks
    ]
    assert risks["severity"].cat.ordered
    assert (
        risks["severity"].max()
        == max((r.severity for a in expected for r in a.risks), key=lambda s: s.rank).value
    )
    indicators = results.indicators_frame()
    assert len(indicators) == sum(len(c.indicators) for a in expected for c in a.criteria)
    scored = indicators[indicators["status"] == "scored"]
    assert scored["points"].notna().all()
    unknown = indicators[indicators["status"] == "insufficient-information"]
    assert unknown["points"].isna().all()
    # The contributions of a criterion's indicators add up to its score.
    first = expected[0]
    for c in first.criteria:
        if c.score is None:
            continue
        rows = indicators[
            (indicators["proposal_id"] == first.proposal_id) & (indicators["criterion"] == c.id)
        ]
        assert rows["contribution"].sum() == pytest.approx(c.score, abs=0.05)


def test_an_unusable_file_is_a_row_not_an_error(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(MINIMAL)
    (tmp_path / "bad.yaml").write_text("schema_version: 1\nid: [\n")
    results = policycheck.assess([tmp_path / "bad.yaml", str(tmp_path / "good.yaml")])
    frame = results.to_frame()
    assert frame["valid"].tolist() == [False, True]
    bad = frame.iloc[0]
    assert bad["problems"] >= 1
    assert pd.isna(bad["grade"])
    assert pd.isna(bad["score"])
    failure = next(iter(results))
    assert isinstance(failure, Failure)
    html = results._repr_html_()
    assert "invalid" in html
    problem = failure.problems[0]
    assert f"line {problem.line}: {problem.message}" in html


def test_globs_that_match_nothing_are_named_in_one_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as info:
        policycheck.assess([str(tmp_path / "*.yml"), PROPOSALS, str(tmp_path / "x*.yaml")])
    message = str(info.value)
    assert "*.yml" in message
    assert "x*.yaml" in message
    # A missing file is a file that cannot be used, as on the command line: a row.
    missing = policycheck.assess(tmp_path / "none.yaml")
    assert missing.to_frame()["valid"].tolist() == [False]


def test_rubric_and_reference_are_the_clis(results: policycheck.Results) -> None:
    calmer = policycheck.assess(KOSOVO, reference=ROOT / "examples" / "reference-override")
    direct = Assessor(reference=ROOT / "examples" / "reference-override").assess_file(KOSOVO)
    assert isinstance(direct, Assessment)
    assert calmer.to_frame()["score"].item() == direct.score
    assert direct.score != results["kosovo-armed-drones-2023"].score
    named = policycheck.assess(KOSOVO, rubric="default")
    assert named.report.rubric == results.report.rubric


def test_the_display_is_a_scoped_fragment_with_a_row_per_file(
    results: policycheck.Results, tmp_path: Path
) -> None:
    html = results._repr_html_()
    assert html.startswith('<div class="policycheck-results">')
    assert "<html" not in html
    # Nothing styles the notebook's own page: every rule is scoped to the fragment.
    style = html[html.index("<style>") + 7 : html.index("</style>")]
    selectors = [rule.split("{")[0] for rule in style.split("}") if rule.strip()]
    assert selectors
    for group in selectors:
        for selector in group.split(","):
            assert selector.strip().startswith(".policycheck-results"), selector
    assert html.count("<tr>") == 1 + 8
    assert "grades A 1, B 1, C 3, D 2, F 1" in html
    assert "<svg" not in html  # the radar is for one proposal
    one = policycheck.assess(TIRANA)._repr_html_()
    assert '<svg class="radar"' in one
    # Text from the file is escaped.
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(MINIMAL.replace("id: test", "id: x-<script>alert(1)</script>"))
    shown = policycheck.assess(hostile)._repr_html_()
    assert "<script>" not in shown
    assert repr(results) == (
        "<policycheck results: 8 files: 8 assessed, 0 invalid; grades A 1, B 1, C 3, D 2, F 1>"
    )


_WITHOUT_PANDAS = """
import sys
from importlib.abc import MetaPathFinder

class Absent(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("pandas", "numpy"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Absent())
import policycheck
results = policycheck.assess(sys.argv[1])
print(results.records()[0]["grade"], "pandas" in sys.modules)
try:
    results.to_frame()
except ModuleNotFoundError as exc:
    print(exc)
"""


def test_without_pandas_assess_works_and_to_frame_names_the_extra() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT_PANDAS, str(TIRANA)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    first, second = done.stdout.splitlines()
    assert first == "D False"
    assert second == (
        "DataFrames need pandas, which policycheck does not install by default: "
        "pip install 'policycheck[notebook]'"
    )


def test_importing_policycheck_does_not_import_the_notebook_module() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, policycheck; print('policycheck.notebook' in sys.modules); "
            "policycheck.assess; print('policycheck.notebook' in sys.modules, "
            "'pandas' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert done.stdout.split() == ["False", "True", "False"]


@pytest.mark.full  # a Jupyter kernel starts: seconds of CPU
def test_the_example_notebook_runs_headless_with_sensible_outputs(tmp_path: Path) -> None:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(ROOT / "examples" / "notebook.ipynb", as_version=4)
    client = NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(ROOT / "examples")}},
    )
    client.execute()
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code)
    for cell in code:
        assert not [o for o in cell.outputs if o.output_type == "error"], cell.source

    def shown(n: int, kind: str) -> str:
        data = [o.data for o in code[n].outputs if o.output_type == "execute_result"]
        assert data, code[n].source
        text: str = data[0][kind]
        return text

    summary = shown(0, "text/html")
    assert summary.count("<tr>") == 1 + 8
    assert "tirana-declaration-2025" in summary
    table = shown(1, "text/html")
    assert table.count("<tr") == 1 + 8
    # Sorted by score, best first: the model initiative (A, 100) heads it, Kosovo's drones last.
    order = [table.index(p.stem) for p in sorted(PROPOSALS.glob("*.yaml"))]
    assert min(order) == table.index("model-regional-initiative")
    assert max(order) == table.index("kosovo-armed-drones-2023")
    risks = shown(2, "text/plain")
    assert "CE01" in risks
    assert "proposals" in risks
    unknown = shown(3, "text/plain")
    assert len([line for line in unknown.splitlines() if line[:2] in ("AC", "NS", "RI", "TR")]) == 5
    single = shown(4, "text/html")
    assert '<svg class="radar"' in single
    assert single.count("<tr>") == 2


def test_the_readme_notebook_example_prints_what_it_shows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The README's ``pycon`` example, run as a doctest from the repository root."""
    import doctest

    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme[readme.index("### In a notebook") :]
    block = section[section.index("```pycon\n") + 9 : section.index("```\n", 9)]
    monkeypatch.chdir(ROOT)
    test = doctest.DocTestParser().get_doctest(block, {}, "README: In a notebook", "README.md", 0)
    assert len(test.examples) >= 6
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
