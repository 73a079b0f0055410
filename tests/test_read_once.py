"""The package's own rubrics and reference data are read once a process; a user's files are
read each time they are named (a notebook edits them between two calls)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from policycheck import Assessor
from policycheck.checks import REGISTRY, Registry
from policycheck.reference import load_reference
from policycheck.rubric import load_rubric

OVERRIDE = (
    "reference: 1\ndataset: equipment\nas_of: 2026-06-01\n"
    "sources: {{mine: {{title: Our classification}}}}\n"
    "equipment:\n  armed-drone:\n    title: Armed drone\n    character: {character}\n"
    "    lethal: true\n    srac: false\n    sources: [mine]\n    as_of: 2026-06-01\n"
)


def test_the_bundled_rubric_and_data_are_read_once() -> None:
    first, second = Assessor(), Assessor(rubric="default")
    assert first.loaded is second.loaded
    assert first.reference is second.reference
    assert load_rubric(None) is first.loaded


def test_another_set_of_checks_gets_its_own_reading_of_the_bundled_rubric() -> None:
    wider = dataclasses.replace(REGISTRY["TR01"], looks_at=("transparency", "anything"))
    registry = Registry(tuple(wider if c.id == "TR01" else c for c in REGISTRY.values()))
    other = load_rubric(None, registry)
    assert other is not load_rubric(None)
    assert other.registry["TR01"] is wider
    assert load_rubric(None).registry["TR01"] is REGISTRY["TR01"]


def test_a_users_files_are_read_each_time(tmp_path: Path) -> None:
    override = tmp_path / "equipment.yaml"
    override.write_text(OVERRIDE.format(character="mixed"), "utf-8")
    assert load_reference(tmp_path).equipment["armed-drone"].character == "mixed"
    override.write_text(OVERRIDE.format(character="defensive"), "utf-8")
    assert load_reference(tmp_path).equipment["armed-drone"].character == "defensive"
    rubric = tmp_path / "mine.yaml"
    rubric.write_text("extends: default\ntitle: Mine\n", "utf-8")
    assert load_rubric(rubric).rubric.title == "Mine"
    rubric.write_text("extends: default\ntitle: Mine, edited\n", "utf-8")
    assert load_rubric(rubric).rubric.title == "Mine, edited"
