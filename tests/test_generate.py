"""The benchmarks' generated proposals are valid, the rare ones with an empty section too."""

from __future__ import annotations

import importlib.util
from types import ModuleType

import pytest

from policycheck import Assessment, Assessor
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def generate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Files 28,683 and 87,080 of seed 0 left out every claim of a section, which was then written
# as a null ("safeguards:" and nothing under it): the 30,000 and 100,000 batches failed.
@pytest.mark.parametrize("index", [0, 28_683, 87_080])
def test_a_generated_proposal_is_assessed(
    generate: ModuleType, assessor: Assessor, index: int
) -> None:
    text = generate.proposal_text(index)
    result = assessor.assess_bytes(text.encode(), f"p{index:06}.yaml")
    assert isinstance(result, Assessment)


def test_a_section_with_every_claim_left_out_is_an_empty_mapping(generate: ModuleType) -> None:
    lines = generate.proposal_text(28_683).splitlines()
    assert "safeguards: {}" in lines
    assert "safeguards:" not in lines
