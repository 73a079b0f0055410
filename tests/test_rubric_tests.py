"""Rubric test cases (``NAME.tests.yaml``): the bundled and example cases, failures, bad files.

Also the safety of declared checks: a JMESPath expression in a rubric sees one
JSON document and nothing else, and a malformed one is a located error.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import textwrap
import zipfile
from importlib import resources
from pathlib import Path

import jmespath
import pytest
from jmespath.exceptions import JMESPathError

from policycheck import Assessment, Assessor, InputError
from policycheck.checks import INSUFFICIENT, NOT_APPLICABLE
from policycheck.checks.base import ANYWHERE
from policycheck.commands import rubric_test
from policycheck.declarative import facts_document
from policycheck.facts import derive_facts
from policycheck.loading import load_yaml_bytes, load_yaml_text
from policycheck.model import parse_proposal
from policycheck.rubric import load_rubric
from policycheck.rubric_tests import Case, CaseResult, case_file_for, load_cases, run_cases
from tests.conftest import MINIMAL, PROPOSALS, ROOT
from tests.conftest import run_cli as run

EXAMPLES = ROOT / "examples" / "rubrics"
EXAMPLE_RUBRIC = EXAMPLES / "south-caucasus.yaml"
EXAMPLE_PROPOSAL = EXAMPLES / "south-caucasus-proposals" / "regional-demining-initiative.yaml"
LOCATED = re.compile(r"^(?P<file>[^\n]+?):(?P<line>\d+):(?P<column>\d+): ", re.MULTILINE)


# --- the bundled cases -------------------------------------------------------------------


#: The bundled case file, read once (by the project's own reader) to make one test per case.
BUNDLED = load_cases(None)


def _run_one(case: Case) -> CaseResult:
    (result,) = run_cases(dataclasses.replace(BUNDLED, cases=(case,))).results
    return result


def test_bundled_case_names_are_unique_and_many() -> None:
    names = [case.name for case in BUNDLED.cases]
    assert len(names) == len(set(names)) >= 80


@pytest.mark.parametrize("case", BUNDLED.cases, ids=[case.name for case in BUNDLED.cases])
def test_bundled_case(case: Case) -> None:
    """One bundled case (``policycheck rubric test -k NAME`` runs it alone)."""
    result = _run_one(case)
    assert result.passed, (case.location, [str(m) for m in result.mismatches])


def test_bundled_cases_cover_every_check_level_and_risk() -> None:
    case_file = BUNDLED
    loaded = case_file.assessor.loaded
    expected: dict[str, set[str]] = {}
    risks: set[str] = set()
    for case in case_file.cases:
        for check_id, levels in case.expect.levels.items():
            expected.setdefault(check_id, set()).update(levels)
        for key in ("risks", "risks_include"):
            risks.update(getattr(case.expect, key) or ())
    indicators = [i for c in loaded.rubric.criteria.values() for i in c.indicators]
    assert len(indicators) == 26
    assert {"NS05", "RI08", "RI09", "AC06", "AC07"} <= set(indicators)
    for check_id in indicators:
        check = loaded.registry[check_id]
        shown = set(check.levels)
        # Every check is shown unknown where the file leaves it open, except the two
        # that decide from the reference data alone (who is left out; what a ceiling covers).
        if check_id not in {"RI02", "AC02"}:
            shown.add(INSUFFICIENT)
        # Every check with a scope is shown outside it, as not applicable.
        if check.scope is not ANYWHERE:
            shown.add(NOT_APPLICABLE)
        assert shown <= expected.get(check_id, set()), (check_id, shown - expected[check_id])
    raised = {r for i in indicators for r in loaded.registry[i].risks}
    assert raised <= risks, raised - risks
    assert set(loaded.rubric.risks) <= risks, set(loaded.rubric.risks) - risks


def test_bundled_cases_show_that_silence_raises_no_risk() -> None:
    """Each risk that comes from a stated absence has a case where the file is silent instead."""
    case_file = BUNDLED
    excluded_when_unknown: set[str] = set()
    for case in case_file.cases:
        if INSUFFICIENT in {lv for levels in case.expect.levels.values() for lv in levels}:
            excluded_when_unknown.update(case.expect.risks_exclude)
    assert {"NE01", "NE02", "NE03", "RF01", "RF03", "RF04", "RF05", "CE04"} <= (
        excluded_when_unknown
    )


def test_bundled_placeholder_cases_are_unknown() -> None:
    """(Each passes: ``test_bundled_case``.)"""
    placeholders = [c for c in BUNDLED.cases if "placeholder" in c.name]
    assert len(placeholders) >= 3
    for case in placeholders:
        assert INSUFFICIENT in {lv for levels in case.expect.levels.values() for lv in levels}


def test_bundled_case_file_ships_in_the_package_and_inlines_its_proposals() -> None:
    resource = resources.files("policycheck") / "rubrics" / "default.tests.yaml"
    text = resource.read_text("utf-8")
    assert "rubric_tests: 1" in text
    assert not re.search(r"^\s*-?\s*file:", text, re.MULTILINE)
    assert "../" not in text


@pytest.mark.parametrize("name", sorted(p.stem for p in PROPOSALS.glob("*.yaml")))
def test_sample_cases_match_the_sample_files(name: str, assessor: Assessor) -> None:
    """The inline samples are the repository's files and give every level and risk they give."""
    found = _run_one(next(c for c in BUNDLED.cases if c.name == f"sample: {name}"))
    inline = found.assessment
    full = assessor.assess_file(PROPOSALS / f"{name}.yaml")
    path = PROPOSALS / f"{name}.yaml"
    from_file = parse_proposal(load_yaml_bytes(path.read_bytes(), str(path)))
    assert found.case.proposal.model_dump() == from_file.model_dump()
    assert isinstance(inline, Assessment)
    assert isinstance(full, Assessment)

    def levels(a: Assessment) -> dict[str, str]:
        return {i.check_id: i.level for c in a.criteria for i in c.indicators}

    assert levels(inline) == levels(full)
    assert sorted((r.id, r.severity) for r in inline.risks) == sorted(
        (r.id, r.severity) for r in full.risks
    )
    assert inline.grade == full.grade


def test_cli_runs_the_bundled_cases(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "rubric", "test")
    assert code == 0, out + err
    assert re.search(r"^\d+ passed, 0 failed$", out, re.MULTILINE), out
    assert "FAIL" not in out
    # The same case file named two more ways: one case run is proof enough that it was found.
    for name in ("default", str(ROOT / "src/policycheck/rubrics/default.yaml")):
        code, out, err = run(capsys, "rubric", "test", name, "-k", "NS01 human-security")
        assert code == 0, out + err
        assert re.search(r"^[1-9]\d* passed, 0 failed \(\d+ deselected\)$", out, re.M), out


def test_cli_verbose_and_select(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rubric", "test", "-v", "-k", "RI07")
    assert code == 0
    assert out.count(": pass: RI07") == 5
    total = len(load_cases(None).cases)
    assert out.rstrip().endswith(f"5 passed, 0 failed ({total - 5} deselected)")
    code, _, err = run(capsys, "rubric", "test", "-k", "no such case")
    assert code == 2
    assert "no case name contains 'no such case'" in err


def test_test_command_can_be_mounted_elsewhere(capsys: pytest.CaptureFixture[str]) -> None:
    # One case run proves the command runs them; test_cli_runs_the_bundled_cases runs them all.
    assert rubric_test.test_command(None, select="NS01 human-security") == 0
    assert re.search(
        r"^[1-9]\d* passed, 0 failed \(\d+ deselected\)$", capsys.readouterr().out, re.M
    )
    assert rubric_test.test_command(Path("no-such-rubric.yaml")) == 2
    assert "no such rubric file" in capsys.readouterr().err


def test_a_rubric_named_through_a_link_finds_the_cases_beside_the_file_it_links_to(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The top-level rubrics/default.yaml links to the packaged rubric; its cases sit there."""
    monkeypatch.chdir(ROOT)
    linked = Path("rubrics/default.yaml")
    assert linked.is_symlink()
    assert not case_file_for(linked).exists()
    # One case run is proof enough that they were found (test_cli_runs_the_bundled_cases).
    code, out, err = run(capsys, "rubric", "test", str(linked), "-k", "NS01 human-security")
    assert code == 0, err
    first = out.splitlines()[0]
    assert first.startswith(f"rubric {linked}, cases ")
    assert first.endswith("default.tests.yaml")
    assert re.search(r"^[1-9]\d* passed, 0 failed \(\d+ deselected\)$", out, re.M), out


def test_a_rubric_source_names_the_same_file_however_it_is_given(tmp_path: Path) -> None:
    from policycheck.rubric import BUNDLED_ORIGIN, RubricSource

    bundled = RubricSource.of(None)
    assert bundled == RubricSource.of("default") == RubricSource.from_origin(bundled.origin)
    assert bundled.origin == f"{BUNDLED_ORIGIN}default.yaml"
    own = RubricSource.of(Path("r.yaml"), tmp_path)
    assert own.origin == str(tmp_path / "r.yaml")
    assert RubricSource.from_origin(own.origin) == own
    loaded = load_rubric(None)
    assert loaded.sources == (bundled,)
    assert loaded.documents[0].origin == bundled.origin  # kept as read, not read again


# --- the example rubric --------------------------------------------------------------------


def test_example_rubric_cases_pass() -> None:
    result = run_cases(load_cases(EXAMPLE_RUBRIC))
    assert result.ok, [(r.case.location, [str(m) for m in r.mismatches]) for r in result.results]
    assert result.passed >= 10
    # Its case file can be named instead of the rubric, from any folder.
    assert run_cases(load_cases(case_file_for(EXAMPLE_RUBRIC))).ok


def test_example_rubric_has_declared_checks_levels_and_risks() -> None:
    loaded = load_rubric(EXAMPLE_RUBRIC)
    assert loaded.rubric.checks, "the example declares at least one JMESPath check"
    for check_id in loaded.rubric.checks:
        assert loaded.rubric.indicator(check_id) is not None
        assert len(loaded.registry[check_id].levels) >= 3
        assert loaded.registry[check_id].risks
    used = {i for c in loaded.rubric.criteria.values() for i in c.indicators}
    assert not {"RI01", "RI07", "AC01", "AC02", "AC03"} & used
    assert loaded.reference == EXAMPLES / "south-caucasus-reference"


def test_example_rubric_assesses_a_proposal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # the rubric finds its reference folder beside itself
    assessor = Assessor(EXAMPLE_RUBRIC)
    assert {"AM", "AZ", "GE"} <= set(assessor.reference.countries)
    assert assessor.reference.dyad("AZ", "AM") is not None
    result = assessor.assess_file(EXAMPLE_PROPOSAL)
    assert isinstance(result, Assessment), result
    levels = {i.check_id: i.level for c in result.criteria for i in c.indicators}
    assert levels["SC01"] == "all-three"
    # Unknowns are left out of the score (no 25-point floor): a well-evidenced
    # region-wide initiative earns A, the unknowns showing only in the range.
    assert result.grade == "A"
    assert not result.provisional
    assert result.score_low < result.score <= result.score_high
    code, out, _ = run(
        capsys, "assess", "--rubric", str(EXAMPLE_RUBRIC), str(EXAMPLE_PROPOSAL), "-f", "json"
    )
    assert code == 0
    assert '"south-caucasus-example"' in out


def test_example_reference_data_is_sourced_and_labelled() -> None:
    folder = EXAMPLES / "south-caucasus-reference"
    for path in folder.glob("*.yaml"):
        text = path.read_text("utf-8")
        assert "ILLUSTRATIVE" in text, path
        assert "sources:" in text, path
        assert "url:" in text, path
    assert (EXAMPLES / "README.md").is_file()


# --- failing cases are reported with their line, expected and actual ----------------------

RUBRIC = """\
rubric: 1
extends: default
id: custom
version: "1"
title: A custom rubric
"""


def _write(folder: Path, cases: str, rubric: str = RUBRIC, name: str = "custom") -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(rubric)
    (folder / f"{name}.tests.yaml").write_text(textwrap.dedent(cases))
    return path


def _line(path: Path, needle: str) -> int:
    lines = path.read_text().splitlines()
    hits = [n for n, text in enumerate(lines, 1) if needle in text]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


FAILING = """\
rubric_tests: 1
cases:
  - name: passes
    extends_minimal: {}
    expect: {levels: {NS01: not-applicable}}
  - name: wrong level, risks, score and grade
    extends_minimal:
      safeguards:
        human_security: Article 4 protects civilians
        local_consultation: false
      activities: [raw-materials, cyber]
      participants: [AL, HR, MK]
    expect:
      levels: {NS01: evidenced, RI02: [none, low]}
      risks: [NE01]
      risks_include: {NE02: low}
      risks_exclude: [NE02]
      score: [90, 100]
      grade: [A, B]
"""


def test_a_failing_case_is_reported_with_its_line_expected_actual_and_evidence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rubric = _write(tmp_path, FAILING)
    tests = case_file_for(rubric)
    code, out, _ = run(capsys, "rubric", "test", str(rubric))
    assert code == 1
    line = _line(tests, "name: wrong level")
    assert f"{tests}:{line}:5: FAIL: wrong level, risks, score and grade" in out
    assert "passes" not in out.replace("0 passed", "")
    assert "    NS01: expected evidenced, got asserted" in out
    evidence = _line(tests, "human_security: Article 4")
    assert f"{tests}:{evidence}: a human-security clause claimed without evidence" in out
    assert "RI02: expected one of none, low, got not-applicable" in out
    assert "risks: expected exactly [NE01], got [NE02] (missing NE01; unexpected NE02)" in out
    assert "NE02 (high, NS03): raw-materials stated to go ahead without consulting local" in out
    assert "NE02 severity: expected low, got high" in out
    assert "risks_exclude: expected none of [NE02], got [NE02] flagged" in out
    assert re.search(r"score: expected a score from 90 to 100, got \d+(\.\d)?", out)
    assert re.search(r"grade: expected one of A, B, got [C-F]", out)
    assert out.rstrip().endswith("1 passed, 1 failed")


def test_a_failing_case_through_the_api(tmp_path: Path) -> None:
    result = run_cases(load_cases(_write(tmp_path, FAILING)))
    assert (result.passed, result.failed, result.ok) == (1, 1, False)
    failed = result.results[1]
    assert failed.case.line == 6
    whats = [m.what for m in failed.mismatches]
    assert whats == [
        "NS01",
        "RI02",
        "risks",
        "NE02 severity",
        "risks_exclude",
        "score",
        "grade",
    ]
    ns01 = failed.mismatches[0]
    assert (ns01.expected, ns01.actual) == ("evidenced", "asserted")
    assert ns01.notes
    assert ns01.notes[0].startswith(f"{case_file_for(tmp_path / 'custom.yaml')}:9:")


def test_a_missing_risk_shows_what_the_checks_that_raise_it_found(tmp_path: Path) -> None:
    cases = """\
    rubric_tests: 1
    cases:
      - name: expects NE01
        extends_minimal:
          participants: [AL, MK, SI]
          activities: [training]
        expect: {risks_include: [NE01]}
    """
    result = run_cases(load_cases(_write(tmp_path, cases)))
    mismatch = result.results[0].mismatches[0]
    assert str(mismatch) == "risks_include: expected at least [NE01], got [] (missing NE01)"
    assert any(n.startswith("NS01 gave insufficient-information: ") for n in mismatch.notes)


# --- invalid case files: every problem, located ------------------------------------------

BAD_CASES = """\
rubric_tests: 1
cases:
  - name: unknown keys
    extends_minimal: {}
    expect: {levels: {NS01: absent}, level: {NS02: absent}}
    colour: blue
  - name: unknown check, level and risk
    check: XX98
    extends_minimal: {}
    expect:
      levels: {XX99: absent, RI01: evidenced, NS01: [absent, maybe]}
      risks: [NE01, ZZ01]
      risks_exclude: YY01
  - name: invalid proposal
    extends_minimal:
      participants: [AL, QQ]
      status: dreaming
    expect: {levels: {NS01: absent}}
  - name: two proposals
    extends_minimal: {}
    proposal: {schema_version: 1}
    expect: {levels: {NS01: absent}}
  - name: no proposal
    expect: {levels: {NS01: absent}}
  - name: expects nothing
    extends_minimal: {}
    expect: {}
  - name: bad score
    extends_minimal: {}
    expect: {score: [60, 40]}
  - name: bad grade
    extends_minimal: {}
    expect: {grade: E}
  - name: unknown keys
    extends_minimal: {}
    expect: {score: 50}
  - not a mapping
  - name: inline proposal
    proposal: {schema_version: 1, id: Bad Id, status: proposed, participants: [AL]}
    expect: {grade: A}
  - name: missing file
    file: nowhere.yaml
    expect: {grade: A}
"""


def test_an_invalid_case_file_lists_every_problem_located(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rubric = _write(tmp_path, BAD_CASES)
    tests = case_file_for(rubric)
    with pytest.raises(InputError) as info:
        load_cases(rubric)
    found = {(p.line, p.column): p.message for p in info.value.problems}
    assert all(p.file == str(tests) for p in info.value.problems)

    def at(needle: str, column_of: str | None = None) -> str:
        """The problems on the line holding ``needle`` (at the column of ``column_of``)."""
        line = _line(tests, needle)
        text = tests.read_text().splitlines()[line - 1]
        column = text.index(column_of) + 1 if column_of is not None else None
        hits = [m for (ln, col), m in found.items() if ln == line and column in (None, col)]
        assert hits, (needle, line, column, found)
        return "\n".join(hits)

    assert "unknown key 'cases.0.expect.level'" in at("level: {NS02")
    assert "unknown key 'cases.0.colour'" in at("colour: blue", "colour")
    assert "unknown check id 'XX99'" in at("XX99", "XX99")
    assert "RI01 never gives level 'evidenced'" in at("XX99", "evidenced")
    assert "NS01 never gives level 'maybe'" in at("XX99", "maybe")
    assert "unknown check id 'XX98'" in at("check: XX98", "XX98")
    assert "unknown risk id 'ZZ01'" in at("ZZ01", "ZZ01")
    assert "unknown risk id 'YY01'" in at("risks_exclude: YY01", "YY01")
    invalid = at("participants: [AL, QQ]", "QQ")
    assert "case 'invalid proposal': participants.1.country: unknown country code 'QQ'" in invalid
    assert "status" in at("status: dreaming")
    assert "this case gives proposal, extends_minimal" in at("name: two proposals")
    assert "this case gives none" in at("name: no proposal")
    assert "expects nothing" in at("expect: {}")
    assert "0 <= min <= max <= 100" in at("score: [60, 40]")
    assert "grade.0: Input should be 'A', 'B', 'C', 'D' or 'F'" in at("grade: E", "E}")
    duplicate = [p for p in info.value.problems if "already used" in p.message]
    assert [(p.line, p.message) for p in duplicate] == [
        (
            _line(tests, "expect: {score: 50}") - 2,
            "case 'unknown keys': the name is already used by the case on line 3",
        )
    ]
    assert "a case must be a mapping" in at("- not a mapping")
    inline = at("id: Bad Id")
    assert "case 'inline proposal': missing required key 'title'" in inline
    assert "case 'inline proposal': id: String should match pattern" in at("id: Bad Id", "Bad Id")
    assert "cannot read proposal file" in at("file: nowhere.yaml")
    code, _, err = run(capsys, "rubric", "test", str(rubric))
    assert code == 2
    located = LOCATED.findall(err)
    assert len(located) == len(info.value.problems)
    assert err.rstrip().endswith(f"the case file is not valid: {len(located)} problem(s)")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rubric_tests: 2\ncases: []\n", "rubric_tests: Input should be 1"),
        ("cases: []\n", "missing required key 'rubric_tests'"),
        ("rubric_tests: 1\ncases: []\n", "cases: needs at least one item"),
        ("rubric_tests: 1\ncases:\n  - name: x\n", "missing required key 'cases.0.expect'"),
        ("rubric_tests: 1\nextra: 1\ncases: []\n", "unknown key 'extra'"),
        ("- a list\n", "a case file must be a mapping"),
        ("rubric_tests: 1\ncases: [\n", "invalid YAML"),
        ("rubric_tests: 1\nrubric_tests: 1\n", "duplicate key 'rubric_tests'"),
        ("", "file is empty"),
    ],
)
def test_malformed_case_files(tmp_path: Path, text: str, message: str) -> None:
    rubric = _write(tmp_path, "placeholder: 1\n")
    case_file_for(rubric).write_text(text)
    with pytest.raises(InputError) as info:
        load_cases(rubric)
    assert any(message in p.message for p in info.value.problems), info.value.problems
    assert all(p.file == str(case_file_for(rubric)) for p in info.value.problems)


def test_a_rubric_without_a_case_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rubric = tmp_path / "lonely.yaml"
    rubric.write_text(RUBRIC)
    code, _, err = run(capsys, "rubric", "test", str(rubric))
    assert code == 2
    assert f"{tmp_path / 'lonely.tests.yaml'}:1:1: no test cases for {rubric}" in err


def test_an_invalid_rubric_is_reported_before_its_cases(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rubric = _write(tmp_path, FAILING, rubric=RUBRIC + "colour: blue\n")
    code, _, err = run(capsys, "rubric", "test", str(rubric))
    assert code == 2
    assert f"{rubric}:6:1: unknown key 'colour'" in err


def test_file_cases_are_relative_to_the_case_file_and_located_in_their_file(
    tmp_path: Path,
) -> None:
    (tmp_path / "proposals").mkdir()
    (tmp_path / "proposals" / "good.yaml").write_text(MINIMAL)
    (tmp_path / "proposals" / "bad.yaml").write_text(MINIMAL + "colour: blue\n")
    cases = """\
    rubric_tests: 1
    cases:
      - name: good
        file: proposals/good.yaml
        expect: {levels: {RI07: not-applicable}}
    """
    rubric = _write(tmp_path, cases)
    assert run_cases(load_cases(rubric)).ok
    case_file_for(rubric).write_text(
        textwrap.dedent(cases).replace("good.yaml", "bad.yaml").replace("name: good", "name: bad")
    )
    with pytest.raises(InputError) as info:
        load_cases(rubric)
    (problem,) = info.value.problems
    assert problem.file == str(tmp_path / "proposals" / "bad.yaml")
    assert problem.line == 6
    assert f"case 'bad' ({case_file_for(rubric)}:3:5): unknown key 'colour'" in problem.message


def test_a_bundled_case_file_may_not_refer_to_files(monkeypatch: pytest.MonkeyPatch) -> None:
    from policycheck import rubric_tests

    text = "rubric_tests: 1\ncases:\n  - name: x\n    file: ../../proposals/x.yaml\n    expect: {grade: A}\n"
    monkeypatch.setattr(
        rubric_tests,
        "_read_cases",
        lambda _where: load_yaml_text(text, "<bundled>/rubrics/default.tests.yaml"),
    )
    with pytest.raises(InputError) as info:
        load_cases(None)
    (problem,) = info.value.problems
    assert (problem.line, problem.column) == (4, 11)
    assert "must inline its proposals" in problem.message


# --- declared checks: expressions see only the JSON document -----------------------------

SECRET = "TOP-SECRET-FILE-CONTENT-7f3a"


def _declared(expression: str, risk_when: str = "`false`") -> str:
    return RUBRIC + textwrap.dedent(
        f"""\
        criteria:
          transparency:
            indicators:
              X01:
                weight: 1
                title: Probe
                rationale: A probe of what an expression can see.
                brief: none
                improve: none
                levels:
                  hit: {{points: 100, means: the expression was true}}
                  miss: {{points: 0, means: it was not}}
        checks:
          X01:
            description: probe
            looks_at: [id]
            levels:
              - level: hit
                when: {_quoted(expression)}
            otherwise: miss
            risks:
              - {{risk: XR1, when: {_quoted(risk_when)}, finding: probe}}
        risks:
          XR1: {{title: Probe, family: conflict-escalation, severity: low, mitigation: none, brief: none}}
        """
    )


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _data(assessor: Assessor) -> dict[str, object]:
    """The document a declared check's expressions see, for MINIMAL."""
    from policycheck.model import parse_proposal

    proposal = parse_proposal(load_yaml_text(MINIMAL, "probe.yaml"))
    return {
        "proposal": proposal.model_dump(mode="json"),
        "facts": facts_document(derive_facts(proposal, assessor.reference)),
    }


PROBES = [
    "__class__",
    "proposal.__dict__",
    "proposal.__class__.__init__.__globals__",
    '"__class__"."__subclasses__"',
    "@.__globals__.os",
    "proposal.model_config",
    "facts.__dataclass_fields__",
    "proposal.id.__len__",
    "open('secret.txt')",
    "read_file('secret.txt')",
    "eval('1+1')",
    "__import__('os')",
    "no_such_function(@)",
    "import os",
    "os.system('cat secret.txt')",
    'exec(`"print(1)"`)',
    "$secret",
    "${HOME}",
    '`{"path": "secret.txt"}`.path',
    '`"secret.txt"`',
    "proposal.id | 'secret.txt'",
    "to_string(@) == 'x'",
]


@pytest.mark.parametrize("expression", PROBES)
def test_an_expression_sees_only_the_json_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, expression: str
) -> None:
    """A probe either fails to compile (located), fails on use (located), or sees only JSON."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "secret.txt").write_text(SECRET)
    rubric = tmp_path / "custom.yaml"
    rubric.write_text(_declared(expression, risk_when=expression))
    lines = rubric.read_text().splitlines()
    whens = [n for n, text in enumerate(lines, 1) if "when: " + _quoted(expression) in text]
    assert len(whens) == 2  # the level's and the risk's
    when_line = whens[0]
    refused: InputError | None = None
    try:
        assessor = Assessor(rubric)
    except InputError as exc:
        refused = exc
    if refused is not None:
        # Refused when the rubric is read: located at the expression, in file:line:col.
        assert refused.problems
        for problem in refused.problems:
            assert problem.file == str(rubric)
            assert "invalid expression" in problem.message
            assert SECRET not in problem.message
        assert refused.problems[0].line == when_line
        return
    # Compiled: its value is computed from the JSON document only.
    try:
        value = jmespath.search(expression, _data(assessor))
    except JMESPathError:
        value = None
    assert SECRET not in repr(value)
    # Only nulls, booleans or the expression's own literals: nothing from outside the JSON.
    assert value in (None, False, "secret.txt", {"path": "secret.txt"}), value
    failed: InputError | None = None
    try:
        result = assessor.assess_bytes(MINIMAL.encode(), "probe.yaml")
    except InputError as exc:
        failed = exc
    if failed is not None:
        # Failing on use (an unknown function): located at the expression, no file contents.
        for problem in failed.problems:
            assert (problem.file, problem.line) == (str(rubric), when_line)
            assert "expression failed on this proposal" in problem.message
            assert problem.line in whens
        assert SECRET not in str(failed)
        return
    text = repr(result)
    assert SECRET not in text
    levels = {i.check_id: i.level for c in result.criteria for i in c.indicators}
    assert levels["X01"] in ("hit", "miss")


@pytest.mark.parametrize(
    "expression", ["__class__", "proposal.__dict__", "proposal.__class__.__init__.__globals__"]
)
def test_dunder_lookups_are_plain_json_keys(expression: str, tmp_path: Path) -> None:
    rubric = tmp_path / "custom.yaml"
    rubric.write_text(_declared(expression))
    assessor = Assessor(rubric)
    assert jmespath.search(expression, _data(assessor)) is None
    result = assessor.assess_bytes(MINIMAL.encode(), "probe.yaml")
    levels = {i.check_id: i.level for c in result.criteria for i in c.indicators}
    assert levels["X01"] == "miss"
    assert not [r for r in result.risks if r.id == "XR1"]


def test_backtick_json_is_a_literal_not_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "secret.txt").write_text(SECRET)
    assessor = Assessor(None)
    data = _data(assessor)
    assert jmespath.search('`"secret.txt"`', data) == "secret.txt"
    assert jmespath.search('`{"file": "secret.txt"}`', data) == {"file": "secret.txt"}
    assert jmespath.search("proposal.participants[0].country", data) == "AL"


@pytest.mark.parametrize(
    "bad", ["import os", "contains(proposal.instruments, 'nato'", "a..b", "[?"]
)
def test_a_malformed_expression_is_located_at_file_line_col(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: str
) -> None:
    rubric = tmp_path / "custom.yaml"
    rubric.write_text(_declared(bad))
    line = _line(rubric, "when: " + _quoted(bad))
    column = rubric.read_text().splitlines()[line - 1].index("when: ") + len("when: ") + 1
    with pytest.raises(InputError) as info:
        load_rubric(rubric)
    (problem,) = info.value.problems
    assert (problem.file, problem.line, problem.column) == (str(rubric), line, column)
    assert problem.message.startswith("invalid expression")
    code, _, err = run(
        capsys, "assess", "--rubric", str(rubric), str(PROPOSALS / "eu-albania-sdp-2024.yaml")
    )
    assert code == 2
    assert f"{rubric}:{line}:{column}: invalid expression" in err
    # The same through the rubric's tests.
    case_file_for(rubric).write_text(
        "rubric_tests: 1\ncases:\n  - {name: x, extends_minimal: {}, expect: {grade: F}}\n"
    )
    code, _, err = run(capsys, "rubric", "test", str(rubric))
    assert code == 2
    assert f"{rubric}:{line}:{column}: invalid expression" in err


def test_a_very_long_expression_is_refused_located(tmp_path: Path) -> None:
    long = " || ".join(["proposal.id == 'x'"] * 120)
    assert len(long) > 2000
    rubric = tmp_path / "custom.yaml"
    rubric.write_text(_declared(long))
    with pytest.raises(InputError) as info:
        load_rubric(rubric)
    (problem,) = [p for p in info.value.problems if "2000" in p.message]
    assert problem.file == str(rubric)
    assert problem.line == _line(rubric, "when: 'proposal.id")
    assert "at most 2000 characters" in problem.message


def test_an_expression_failing_on_a_case_fails_that_case_located(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rubric = _write(
        tmp_path,
        "rubric_tests: 1\ncases:\n  - {name: x, extends_minimal: {}, expect: {grade: F}}\n",
        rubric=_declared("abs(proposal.id) > `1`"),
    )
    code, out, _ = run(capsys, "rubric", "test", str(rubric))
    assert code == 1
    assert "assessment: expected an assessment, got an error of the rubric" in out
    line = _line(rubric, "when: 'abs(proposal.id)")
    assert f"{rubric}:{line}:" in out
    assert "expression failed on this proposal" in out


# --- the wheel carries the bundled cases ------------------------------------------------


def test_wheel_carries_the_bundled_cases_and_runs_them(
    tmp_path: Path, built_wheel: tuple[Path, Path]
) -> None:
    wheel, target = built_wheel
    assert "policycheck/rubrics/default.tests.yaml" in zipfile.ZipFile(wheel).namelist()
    # One case run proves the installed command finds them; test_cli_runs_the_bundled_cases
    # runs them all.
    command = "from policycheck.cli import main; main()"
    result = subprocess.run(
        [sys.executable, "-c", command, "rubric", "test", "-k", "NS01 human-security"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(target)},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^[1-9]\d* passed, 0 failed \(\d+ deselected\)$", result.stdout, re.M)


def test_each_case_proposal_is_located_as_a_walk_over_the_whole_file_locates_it() -> None:
    """The bundled case file's positions, grouped once, re-rooted at every case's proposal."""
    from policycheck.rubric_tests import _Subtrees

    text = (ROOT / "src/policycheck/rubrics/default.tests.yaml").read_text("utf-8")
    doc = load_yaml_text(text, "default.tests.yaml")
    subtrees = _Subtrees(doc)
    prefixes = sorted({p[:3] for p in doc.values if len(p) >= 3 and p[0] == "cases"}, key=str)
    assert len(prefixes) > 100
    for prefix in prefixes[::10]:  # the walk is what was quadratic: a tenth of the cases
        for mine, everything in ((subtrees.values, doc.values), (subtrees.keys, doc.keys)):
            walked = {p[3:]: at for p, at in everything.items() if p[:3] == prefix}
            assert mine(prefix) == walked
    copied = subtrees.values(prefixes[0])
    copied.clear()  # each call gives a copy: a case's document may add to its own
    assert subtrees.values(prefixes[0])
