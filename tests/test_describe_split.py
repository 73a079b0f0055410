"""describe.py describes; a check's examples live beside it, lint and case files elsewhere."""

from __future__ import annotations

import pytest

from policycheck import describe
from policycheck.checks import (
    EXAMPLES,
    REGISTRY,
    Check,
    arms_control,
    normative,
    regional,
    transparency,
)


@pytest.mark.parametrize("module", [normative, regional, arms_control, transparency])
def test_each_check_module_keeps_the_examples_of_its_own_checks(module: object) -> None:
    own = {c.id for c in vars(module).values() if isinstance(c, Check)}
    examples = getattr(module, "EXAMPLES")  # noqa: B009 - the attribute under test
    assert set(examples) == own
    assert all(EXAMPLES[check_id] == examples[check_id] for check_id in own)


def test_every_built_in_check_has_its_examples() -> None:
    assert set(EXAMPLES) == set(REGISTRY)


def test_describe_no_longer_lints_reads_case_files_or_holds_examples() -> None:
    for name in ("lint", "Located", "examples_from_cases", "dump_yaml", "EXAMPLES", "MINIMAL"):
        assert not hasattr(describe, name), name
    from policycheck.lint import lint
    from policycheck.rubric_tests import examples_from_cases

    assert callable(lint)
    assert callable(examples_from_cases)
