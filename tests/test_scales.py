"""Severity and grade are closed sets written out once (``policycheck.scale``), used everywhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import policycheck
from policycheck.assessment import Severity as AssessmentSeverity
from policycheck.config import Settings
from policycheck.rubric import RiskSpec, Rubric
from policycheck.scale import GRADES, Grade, Severity

SRC = Path(policycheck.__file__).parent
#: A list of severities or of grades written out: two of its members side by side, quoted.
WRITTEN_OUT = re.compile(
    r"""["'](low|medium|high)["'],\s*["'](medium|high|critical)["']|["']A["'],\s*["']B["']"""
)


#: A dyad's acuteness (low, medium, high: reference data) is a scale of its own, which the
#: checks read and turn into severities; these lines write it out, not a severity list.
ACUTENESS = {
    "reference.py": 'Acuteness = Literal["low", "medium", "high"]',
    "facts.py": "_ONE_STEP_LOWER = {",
    "checks/regional.py": 'levels=("none", "low", "medium", "high")',
}


def test_no_module_but_scale_writes_out_the_severities_or_the_grades() -> None:
    found = [
        f"{name}:{n}: {line.strip()}"
        for path in sorted(SRC.rglob("*.py"))
        if (name := path.relative_to(SRC).as_posix()) != "scale.py"
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if WRITTEN_OUT.search(line) and not line.strip().startswith(ACUTENESS.get(name, "\0"))
    ]
    assert found == []


def test_the_formats_take_the_enums() -> None:
    assert AssessmentSeverity is Severity
    assert RiskSpec.model_fields["severity"].annotation is Severity
    assert Rubric.model_fields["caps"].annotation == dict[Severity, Grade]
    assert Settings.model_fields["fail_on"].annotation == Severity | None


def test_severity_orders_and_lowers_as_the_gate_and_mitigations_need() -> None:
    assert [s.rank for s in Severity] == [1, 2, 3, 4]
    assert [s.lower() for s in Severity] == [
        Severity.LOW,
        Severity.LOW,
        Severity.MEDIUM,
        Severity.HIGH,
    ]
    assert [g.rank for g in GRADES] == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("value", ["severe", "Critical"])
def test_an_unknown_severity_in_a_configuration_is_refused(value: str) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        Settings(fail_on=value)
