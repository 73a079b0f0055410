"""The ``rules``, ``explain`` and ``rubric list|show|validate`` commands, through ``cli.main``."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from policycheck import Assessor
from policycheck.checks import EXAMPLES, REGISTRY
from policycheck.checks.examples import MINIMAL, with_minimal
from tests.conftest import run_cli as run

IDS = [
    *(f"NS0{i}" for i in range(1, 6)),
    *(f"RI0{i}" for i in range(1, 10)),
    *(f"AC0{i}" for i in range(1, 8)),
    *(f"TR0{i}" for i in range(1, 6)),
]
CRITERION = {"NS": "normative-safeguards", "RI": "regional-inclusiveness"}
CRITERION |= {"AC": "arms-control", "TR": "transparency"}


@pytest.fixture(autouse=True)
def _wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich output at a fixed, wide width, whatever the terminal running the tests."""
    monkeypatch.setenv("COLUMNS", "160")


# --- rules --------------------------------------------------------------------------------


def test_rules_lists_the_26_checks_with_criterion_weight_kind_title_and_risks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "rules")
    assert code == 0
    assert "Checks of rubric cidob-brief-70 1.0.0" in out
    for check_id in IDS:
        assert re.search(rf"^{check_id}\s+{CRITERION[check_id[:2]]}\s+\d+\s+built-in\s", out, re.M)
    lines = {line.split()[0]: line for line in out.splitlines() if line[:4] in IDS}
    assert re.search(
        r"\s3\s+built-in\s+Headroom under the SRAC ceilings\s+CE02 critical, CE05 medium$",
        lines["AC01"],
    )
    assert lines["RI01"].endswith("RF01 medium, RF02 low")
    assert lines["TR04"].split()[2] == "1"
    assert "does not use" not in out  # the default rubric uses every built-in check


def test_rules_json_is_sorted_stable_and_complete(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "--format", "json")
    assert code == 0
    _, again, _ = run(capsys, "rules", "--format", "json")
    assert out == again
    doc = json.loads(out)
    assert doc["schema_version"] == 1
    assert doc["rubric"]["id"] == "cidob-brief-70"
    ids = [c["id"] for c in doc["checks"]]
    assert ids == sorted(IDS)
    assert doc["unused"] == []
    ac01 = next(c for c in doc["checks"] if c["id"] == "AC01")
    assert ac01["criterion"] == "arms-control"
    assert ac01["title"] == "Headroom under the SRAC ceilings"
    assert ac01["weight"] == 3
    assert ac01["kind"] == "built-in"
    assert ac01["share_of_criterion"] == 0.1875
    assert ac01["applies_to"].startswith("equipment in the arms-control agreement's categories")
    assert [(r["id"], r["severity"]) for r in ac01["risks"]] == [
        ("CE02", "critical"),
        ("CE05", "medium"),
    ]
    assert sum(c["share_of_total"] for c in doc["checks"]) == pytest.approx(1, abs=1e-3)
    assert list(json.loads(out)) == sorted(json.loads(out))


# --- explain ------------------------------------------------------------------------------


def test_explain_ac01_levels_points_rationale_examples_and_risks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "explain", "AC01")
    assert code == 0
    assert out.startswith("AC01  Headroom under the SRAC ceilings\n")
    assert "criterion arms-control (Arms-control compatibility); weight 3" in out
    assert "What it looks at\n  equipment\n" in out
    # why: the indicator's rationale (SRAC, the 1996 agreement) and the brief's section
    assert "credits the 1996 agreement with transparency and trust" in out
    assert (
        "Brief: Policy Recommendations ¶1 and ¶3; Overshadowed Risks (conflict escalation)" in out
    )
    # how each level is reached: level, points, meaning, and the check's docstring
    assert "SRAC-category equipment for an SRAC party, against the headroom" in out
    assert re.search(r"^  within\s+100 points  at least 10% of the ceiling left", out, re.M)
    assert re.search(r"^  tight\s+50 points  less than 10% of the ceiling left", out, re.M)
    assert re.search(r"^  exceeded\s+0 points  the acquisition would exceed the ceiling", out, re.M)
    assert (
        "Applies to equipment in the arms-control agreement's categories going to one of its" in out
    )
    assert re.search(r"^Example that passes \(level within, 100 points[;)]", out, re.M)
    assert re.search(r"^Example that fails \(level exceeded, 0 points; raises CE02", out, re.M)
    assert (
        "  CE02  Arms-control ceiling exceeded  (default severity critical; conflict-escalation)"
        in out
    )
    assert "Mitigation: Reduce the quantity, retire older holdings first" in out
    assert "  CE05  Arms competition  (default severity medium" in out


def test_explain_a_check_without_risks(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", "tr02")  # case does not matter
    assert code == 0
    assert out.startswith("TR02  Regular reporting\n")
    assert re.search(r"^  regular-restricted\s+60 points", out, re.M)
    assert out.rstrip().endswith("Risks it can raise\n  none")


def test_explain_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", "NS03", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["type"] == "check"
    assert doc["looks_at"] == ["safeguards.local_consultation", "activities"]
    assert [(lv["level"], lv["points"]) for lv in doc["levels"]] == [
        ("evidenced", 100),
        ("asserted", 80),
        ("absent", 0),
    ]
    assert doc["applies_to"].startswith("initiatives that put land or resources at stake")
    assert doc["examples"]["passes"]["level"] == "evidenced"
    assert doc["examples"]["fails"]["level"] == "absent"
    assert doc["risks"][0]["id"] == "NE02"
    assert doc["risks"][0]["severity"] == "high"
    assert doc["risks"][0]["mitigation"].startswith("Consult affected communities")


def test_explain_risk_ce01(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", "CE01")
    assert code == 0
    assert out.startswith("CE01  Rival left out\n")
    assert "family conflict-escalation; default severity high" in out
    assert "Invite the states left out or give them observer seats" in out
    assert "Brief\n  Overshadowed Risks (conflict escalation); Policy Recommendations ¶3" in out
    assert "Raised by\n  RI02  No rival left out (built-in)" in out
    code, out, _ = run(capsys, "explain", "CE01", "--format", "json")
    doc = json.loads(out)
    assert (doc["family"], doc["severity"]) == ("conflict-escalation", "high")
    assert [c["id"] for c in doc["raised_by"]] == ["RI02"]


@pytest.mark.parametrize(("wrong", "suggested"), [("NOPE", "NE0"), ("AC1", "AC01"), ("CE6", "CE0")])
def test_explain_unknown_id_exits_2_with_a_suggestion(
    capsys: pytest.CaptureFixture[str], wrong: str, suggested: str
) -> None:
    code, out, err = run(capsys, "explain", wrong)
    assert code == 2
    assert out == ""
    assert f"error: unknown check or risk id '{wrong}'; did you mean {suggested}" in err


def test_explain_nothing_close_lists_the_known_ids(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "explain", "zzzzzzzz")
    assert code == 2
    assert "(known: AC01, AC02" in err


# --- the examples explain shows --------------------------------------------------------------


@pytest.fixture(scope="module")
def assessor() -> Assessor:
    return Assessor()


def test_every_built_in_check_has_examples() -> None:
    assert sorted(EXAMPLES) == sorted(REGISTRY)


@pytest.mark.parametrize("check_id", sorted(EXAMPLES))
@pytest.mark.parametrize("which", [0, 1], ids=["passes", "fails"])
def test_example_reaches_the_level_it_claims(assessor: Assessor, check_id: str, which: int) -> None:
    example = EXAMPLES[check_id][which]
    result = assessor.assess_bytes(with_minimal(example.yaml).encode(), "example.yaml")
    (indicator,) = [i for c in result.criteria for i in c.indicators if i.check_id == check_id]
    assert indicator.level == example.level
    assert sorted(r.id for r in result.risks if r.check_id == check_id) == sorted(example.risks)
    levels = assessor.loaded.rubric.indicator(check_id)
    assert levels is not None
    points = [lv.points for lv in levels[1].levels.values()]
    # the passing example reaches the best level, the failing one the worst
    assert indicator.points == (max(points) if which == 0 else min(points))


def test_with_minimal_replaces_participants() -> None:
    assert with_minimal("participants: [XK]\n").count("participants:") == 1
    assert with_minimal("horizon_years: 3\n") == MINIMAL + "horizon_years: 3\n"


# --- rubric list / show -----------------------------------------------------------------------


def test_rubric_list_bundled_and_local(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "rubric", "list")
    assert code == 0
    assert re.search(
        r"^default\s+bundled\s+cidob-brief-70\s+1\.0\.0\s+EU–Western Balkans", out, re.M
    )
    assert "local" not in out
    (tmp_path / "rubrics").mkdir()
    (tmp_path / "rubrics" / "ours.yaml").write_text(
        "extends: default\nid: ours\nversion: 2.0.0\ntitle: Our rubric\n", encoding="utf-8"
    )
    (tmp_path / "rubrics" / "broken.yaml").write_text("extends: nowhere.yaml\n", encoding="utf-8")
    (tmp_path / "rubrics" / "ours.tests.yaml").write_text("cases: []\n", encoding="utf-8")
    code, out, _ = run(capsys, "rubric", "list")
    assert code == 0
    assert re.search(r"^rubrics/ours\.yaml\s+local\s+ours\s+2\.0\.0\s+Our rubric$", out, re.M)
    assert re.search(
        r"^rubrics/broken\.yaml\s+local\s+-\s+-\s+invalid: rubrics/broken\.yaml:1:10: cannot extend",
        out,
        re.M,
    )
    assert "ours.tests" not in out
    code, out, _ = run(capsys, "rubric", "list", "--format", "json")
    rows = json.loads(out)["rubrics"]
    assert [(r["name"], r["where"]) for r in rows] == [
        ("default", "bundled"),
        ("rubrics/broken.yaml", "local"),
        ("rubrics/ours.yaml", "local"),
    ]


def test_rubric_show_default(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rubric", "show", "default")
    assert code == 0
    assert "cidob-brief-70 1.0.0  EU–Western Balkans defence cooperation" in out
    assert "Criteria (total weight 100)" in out
    assert "Regional inclusiveness [regional-inclusiveness]  weight 30, 30.0% of the total" in out
    assert "NS01 Human-security clause  weight 3, 25.0% of the criterion (6.3% of the total)" in out
    assert (
        "AC01 Headroom under the SRAC ceilings  weight 3, 18.8% of the criterion (4.7% of the total)"
        in out
    )
    assert "levels: region-wide 100, open 70, partial 35, narrow 10" in out
    assert re.search(r"Grade bands.*\n.*\n.*\n\s*A\s+│\s+85", out)
    assert re.search(r"critical\s+│\s+D", out)
    assert "Unknowns and coverage: minimum coverage 60%." in out
    assert "Disabled checks: none" in out
    assert "Declared checks: none" in out


def test_rubric_show_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rubric", "show", "default", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert [c["id"] for c in doc["criteria"]] == [
        "normative-safeguards",
        "regional-inclusiveness",
        "arms-control",
        "transparency",
    ]
    assert [c["weight"] for c in doc["criteria"]] == [25, 30, 25, 20]
    for c in doc["criteria"]:
        assert sum(i["share_of_criterion"] for i in c["indicators"]) == pytest.approx(1, abs=1e-3)
    assert doc["grades"] == {"A": 85, "B": 70, "C": 55, "D": 40, "F": 0}
    assert doc["caps"] == {"critical": "D", "high": "B"}
    assert doc["coverage"]["minimum"] == 0.6
    assert len(doc["risks"]) == 13
    assert doc["disabled"] == []
    assert doc["declared"] == []


def test_rubric_show_unknown_name(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "rubric", "show", "defualt")
    assert code == 2
    assert "unknown rubric 'defualt'" in err
    assert "did you mean 'default'?" in err


# --- rubric validate ------------------------------------------------------------------------


BASE = """\
rubric: 1
id: mini
version: "1"
title: Mini rubric
source: {title: T, authors: A, date: "2025"}
grades: {A: 85, B: 70, C: 55, D: 40, F: 0}
caps: {critical: D}
coverage: {minimum: 0.6, rule: Unknowns are left out of the score}
criteria:
  transparency:
    title: Transparency
    weight: 1
    counters: all
    brief: B
    description: D
    indicators:
      TR01:
        weight: 1
        title: Public text
        rationale: R
        brief: B
        levels:
          evidenced: {points: 100, means: m}
          asserted: {points: 50, means: m}
          absent: {points: 0, means: m}
        improve: I
risks: {}
"""

DECLARED = """\
extends: default
criteria:
  transparency:
    indicators:
      X01:
        weight: 1
        title: Uses NATO frameworks
        rationale: Interoperability with NATO.
        brief: Policy Recommendations ¶2
        improve: Use NATO frameworks.
        levels:
          nato: {points: 100, means: NATO instruments used}
          other: {points: 0, means: no NATO instrument}
checks:
  X01:
    description: The initiative uses NATO frameworks.
    looks_at: [instruments]
    levels:
      - {level: nato, when: "contains(proposal.instruments, 'nato')"}
    otherwise: other
"""


def _sub(old: str, new: str, text: str = BASE) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


# name, rubric text, the one line the problem is on (by its text), column, message
MALFORMED = [
    (
        "unknown-check",
        _sub("      TR01:", "      TR99:"),
        "TR99:",
        7,
        "unknown check id 'TR99' (see 'policycheck rules')",
    ),
    (
        "zero-weight",
        _sub("        weight: 1\n", "        weight: 0\n"),
        "weight: 0",
        17,
        "criteria.transparency.indicators.TR01.weight: Input should be greater than 0",
    ),
    (
        "negative-weight",
        _sub("    weight: 1\n    counters", "    weight: -2\n    counters"),
        "weight: -2",
        13,
        "criteria.transparency.weight: Input should be greater than 0",
    ),
    (
        "string-weight",
        _sub("        weight: 1\n", "        weight: '3'\n"),
        "weight: '3'",
        17,
        "criteria.transparency.indicators.TR01.weight: Input should be a valid number",
    ),
    (
        "infinite-weight",
        _sub("    weight: 1\n    counters", "    weight: .inf\n    counters"),
        "weight: .inf",
        13,
        "criteria.transparency.weight: Input should be a finite number",
    ),
    (
        "missing-title",
        _sub("        title: Public text\n", ""),
        "TR01:",
        7,
        "missing required key 'criteria.transparency.indicators.TR01.title'",
    ),
    (
        "blank-title",
        _sub("        title: Public text\n", "        title: '   '\n"),
        "title: '   '",
        16,
        "criteria.transparency.indicators.TR01.title: String should have at least 1 character",
    ),
    (
        "level-without-points",
        _sub("asserted: {points: 50, means: m}", "asserted: {means: m}"),
        "asserted: {means: m}",
        11,
        "missing required key 'criteria.transparency.indicators.TR01.levels.asserted.points'",
    ),
    (
        "level-left-out",
        _sub("          asserted: {points: 50, means: m}\n", ""),
        "TR01:",
        7,
        "TR01: no points for level(s) asserted",
    ),
    (
        "risk-not-described",
        _sub("      TR01:", "      NS01:"),
        "NS01:",
        7,
        "NS01 can raise risk NE01, which the rubric does not describe",
    ),
    (
        "duplicate-key",
        _sub("    brief: B\n    description", "    brief: B\n    brief: C\n    description"),
        "brief: C",
        5,
        "duplicate key 'brief' (first defined on line 14)",
    ),
    (
        "check-used-twice",
        _sub(
            "risks: {}\n",
            "  more:\n    title: More\n    weight: 1\n    counters: all\n    brief: B\n"
            "    description: D\n    indicators:\n"
            "      TR01: {weight: 1, title: T, rationale: R, brief: B, improve: I, levels: "
            "{evidenced: {points: 1, means: m}, asserted: {points: 1, means: m}, "
            "absent: {points: 0, means: m}}}\n"
            "risks: {}\n",
        ),
        "TR01: {",
        7,
        "check TR01 is already used by criterion transparency",
    ),
    (
        "invalid-jmespath",
        _sub(
            "when: \"contains(proposal.instruments, 'nato')\"",
            "when: \"contains(proposal.instruments, 'nato'\"",
            DECLARED,
        ),
        "- {level: nato",
        29,
        "invalid expression at character 38",
    ),
    (
        "declared-reuses-built-in-id",
        DECLARED.replace("X01", "NS01").replace("      NS01:\n", "      NS01x:\n", 1),
        "  NS01:",
        3,
        "check NS01 is built in; give a declared check its own id",
    ),
    (
        "extends-missing-file",
        "extends: nonexistent.yaml\nid: child\n",
        "extends:",
        10,
        "cannot extend 'nonexistent.yaml': no such file",
    ),
    (
        "disable-unknown-check",
        "extends: default\ndisable: [NS01, XX01]\n",
        "disable:",
        17,
        "cannot disable 'XX01': no such indicator",
    ),
]


@pytest.mark.parametrize(
    ("text", "needle", "column", "message"),
    [case[1:] for case in MALFORMED],
    ids=[case[0] for case in MALFORMED],
)
def test_validate_reports_located_problems(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    text: str,
    needle: str,
    column: int,
    message: str,
) -> None:
    path = tmp_path / "rubric.yaml"
    path.write_text(text, encoding="utf-8")
    (line,) = [n for n, body in enumerate(text.splitlines(), 1) if needle in body]
    code, out, err = run(capsys, "rubric", "validate", str(path))
    assert code == 2
    assert out == ""
    # Every problem at once: the expected one is among them (others may come first).
    assert any(f"{path}:{line}:{column}: {message}" in got for got in err.splitlines()), err
    assert re.search(r"^\d+ problems?: the rubric cannot be used$", err, re.M)
    assert "Traceback" not in err


def test_validate_the_default_rubric(capsys: pytest.CaptureFixture[str]) -> None:
    bundled = Path(__file__).resolve().parent.parent / "src/policycheck/rubrics/default.yaml"
    for spec in ("default", str(bundled)):
        code, out, err = run(capsys, "rubric", "validate", spec)
        assert code == 0
        assert err == ""
        assert out.endswith(
            ": OK: rubric cidob-brief-70 1.0.0: 4 criteria, 26 indicators (0 declared), "
            "13 risks; 0 warnings\n"
        )


def test_validate_a_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "rubric", "validate", str(tmp_path / "none.yaml"))
    assert code == 2
    assert f"{tmp_path / 'none.yaml'}:1:1: no such file" in err


def test_validate_warnings_do_not_fail(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = textwrap.dedent(
        """\
        extends: default
        caps: {critical: C, high: D}
        coverage:
          minimum: 0.3
          rule: A third known is enough.
        criteria:
          normative-safeguards:
            indicators:
              NS01:
                levels:
                  evidenced: {points: 50, means: x}
                  asserted: {points: 80, means: y}
                  absent: {points: 0, means: z}
              NS02:
                levels:
                  evidenced: {points: 40, means: x}
                  asserted: {points: 40, means: y}
                  absent: {points: 40, means: z}
        risks:
          ZZ01: {title: T, family: conflict-escalation, severity: low, mitigation: M, brief: B}
        """
    )
    path = tmp_path / "warn.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "rubric", "validate", str(path))
    assert code == 0
    assert out.startswith(
        f"{path}: OK: rubric cidob-brief-70 1.0.0, extends <bundled>/rubrics/default.yaml"
    )
    assert out.endswith("; 5 warnings\n")
    assert err.splitlines() == [
        f"{path}:2:18: warning: a critical risk caps the grade at C, less strictly than a high risk (D)",
        f"{path}:4:12: warning: a minimum coverage of 30% lets a grade be firm, and a gate pass, "
        "when most of the applicable weight is unknown",
        f"{path}:10:9: warning: NS01: level asserted earns more points (80) than evidenced (50), "
        "which the check ranks above it",
        f"{path}:15:9: warning: NS02: every level earns 40 points, so the indicator cannot change the score",
        f"{path}:20:3: warning: risk ZZ01 is described but no check raises it",
    ]


def test_validate_warns_of_a_looks_at_that_is_no_proposal_key(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(DECLARED.replace("looks_at: [instruments]", "looks_at: [instrument]"), "utf-8")
    code, _, err = run(capsys, "rubric", "validate", str(path))
    assert code == 0
    (line,) = [n for n, body in enumerate(DECLARED.splitlines(), 1) if "looks_at" in body]
    assert err == (
        f"{path}:{line}:16: warning: X01: looks_at 'instrument' is not a proposal key "
        "(did you mean 'instruments'?); its evidence cannot point into the file\n"
    )


# --- a custom rubric with a declared check ------------------------------------------------------


@pytest.fixture
def custom(tmp_path: Path) -> Path:
    path = tmp_path / "custom.yaml"
    path.write_text("disable: [RI07]\n" + DECLARED, encoding="utf-8")
    return path


def test_custom_rubric_validates(capsys: pytest.CaptureFixture[str], custom: Path) -> None:
    code, out, err = run(capsys, "rubric", "validate", str(custom))
    assert code == 0, err
    assert err == ""
    assert out == (
        f"{custom}: OK: rubric cidob-brief-70 1.0.0, extends <bundled>/rubrics/default.yaml: "
        "4 criteria, 26 indicators (1 declared), 13 risks; 0 warnings\n"
    )


def test_rules_lists_the_declared_check_and_the_unused_built_in(
    capsys: pytest.CaptureFixture[str], custom: Path
) -> None:
    code, out, _ = run(capsys, "rules", "--rubric", str(custom))
    assert code == 0
    assert re.search(r"^X01\s+transparency\s+1\s+declared\s+Uses NATO frameworks\s+-$", out, re.M)
    assert not re.search(r"^RI07\s+regional-inclusiveness\s+\d", out, re.M)
    assert "Built-in checks this rubric does not use (1):" in out
    assert re.search(r"^RI07\s+regional-inclusiveness\s+unused\s+Status-neutral", out, re.M)
    doc = json.loads(run(capsys, "rules", "--rubric", str(custom), "-f", "json")[1])
    kinds = {c["id"]: c["kind"] for c in doc["checks"]}
    assert kinds["X01"] == "declared"
    assert kinds["NS01"] == "built-in"
    assert "RI07" not in kinds
    assert [u["id"] for u in doc["unused"]] == ["RI07"]


def test_explain_declared_check_shows_its_rules(
    capsys: pytest.CaptureFixture[str], custom: Path
) -> None:
    code, out, _ = run(capsys, "explain", "X01", "--rubric", str(custom))
    assert code == 0
    assert out.startswith("X01  Uses NATO frameworks\n  declared check; criterion transparency")
    assert "    nato when contains(proposal.instruments, 'nato')\n    otherwise other\n" in out
    assert "Example that passes: no example recorded" in out


def test_explain_takes_examples_from_the_rubric_test_cases(
    capsys: pytest.CaptureFixture[str], custom: Path
) -> None:
    tests = custom.with_name("custom.tests.yaml")
    tests.write_text(
        textwrap.dedent(
            """\
            rubric_tests: 1
            cases:
              - name: a whole proposal that uses NATO
                proposal: {schema_version: 1, id: a, title: A, status: proposed, participants: [AL], instruments: [nato]}
                expect: {levels: {X01: nato}}
              - name: X01 uses NATO
                extends_minimal: {instruments: [nato, pesco]}
                expect: {levels: {X01: [nato]}}
              - name: no NATO
                extends_minimal: {activities: [training]}
                expect: {levels: {X01: other, TR01: insufficient-information}, risks_include: {RF04: low}}
            """
        ),
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "explain", "X01", "--rubric", str(custom))
    assert code == 0
    # the case named for the check wins over the whole proposal
    assert (
        f"Example that passes (level nato, 100 points)  [test case 'X01 uses NATO' of {tests}]"
        in out
    )
    assert "  | instruments: [nato, pesco]\n" in out
    assert f"Example that fails (level other, 0 points)  [test case 'no NATO' of {tests}]" in out
    assert "  | activities: [training]\n" in out
    code, out, _ = run(capsys, "explain", "TR01", "--rubric", str(custom), "-f", "json")
    # a case that reaches neither TR01's best nor its worst level is no example of it: the
    # examples come from the extended rubric's cases, or the built-in table
    examples = json.loads(out)["examples"]
    assert examples["passes"]["level"] == "evidenced"
    assert examples["fails"]["level"] == "absent"
    assert "custom.tests.yaml" not in examples["passes"]["source"] + examples["fails"]["source"]


def test_explain_unused_built_in_check(capsys: pytest.CaptureFixture[str], custom: Path) -> None:
    code, out, _ = run(capsys, "explain", "RI07", "--rubric", str(custom))
    assert code == 0
    assert "unused: this rubric does not score it" in out
    assert "Example that fails (level absent; raises RF05)" in out


def test_explain_uses_the_built_in_examples_without_test_cases(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "mini.yaml"
    path.write_text(BASE, encoding="utf-8")
    code, out, _ = run(capsys, "explain", "TR01", "--rubric", str(path), "-f", "json")
    assert code == 0
    examples = json.loads(out)["examples"]
    assert examples["passes"] == {
        "level": "evidenced",
        "minimal": True,
        "risks": [],
        "source": "built-in",
        "yaml": EXAMPLES["TR01"][0].yaml,
    }
    assert examples["fails"]["yaml"] == "transparency:\n  public_text: false\n"


def test_rubric_show_custom_lists_disabled_and_declared(
    capsys: pytest.CaptureFixture[str], custom: Path
) -> None:
    code, out, _ = run(capsys, "rubric", "show", str(custom))
    assert code == 0
    assert f"from {custom}, extending <bundled>/rubrics/default.yaml" in out
    assert f"Disabled checks: RI07 (by {custom})" in out
    assert re.search(r"X01\s+│\s+transparency\s+│\s+The initiative uses NATO frameworks\.", out)
    assert (
        "X01 Uses NATO frameworks  weight 1, 10.0% of the criterion (2.0% of the total)  (declared)"
        in out
    )
    assert "RI07" not in out.split("Disabled checks")[0]
    doc = json.loads(run(capsys, "rubric", "show", str(custom), "-f", "json")[1])
    assert doc["disabled"] == [{"id": "RI07", "by": str(custom)}]
    assert doc["declared"] == [
        {
            "id": "X01",
            "criterion": "transparency",
            "description": "The initiative uses NATO frameworks.",
        }
    ]


def test_rubric_validate_reports_bands_unknown_ids_and_types_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from importlib import resources

    text = (resources.files("policycheck") / "rubrics" / "default.yaml").read_text("utf-8")
    broken = text.replace("grades: {A: 85, B: 70", "grades: {A: 85, B: 90").replace(
        "      NS01:\n        weight: 3", "      NS99:\n        weight: three", 1
    )
    rubric = tmp_path / "r.yaml"
    rubric.write_text(broken, "utf-8")
    lines = broken.splitlines()
    grades_line = next(n for n, t in enumerate(lines, 1) if t.startswith("grades:"))
    ns99_line = next(n for n, t in enumerate(lines, 1) if t.strip() == "NS99:")
    code, _, err = run(capsys, "rubric", "validate", str(rubric))
    assert code == 2
    assert f"{rubric}:{grades_line}:1: grade bands must strictly decrease from A to F" in err
    assert f"{rubric}:{ns99_line}:7: unknown check id 'NS99'" in err
    assert (
        f"{rubric}:{ns99_line + 1}:17: criteria.normative-safeguards.indicators.NS99.weight" in err
    )
