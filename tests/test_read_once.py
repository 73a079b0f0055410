"""The package's own rubrics and reference data are read once a process; a user's files are
read each time they are named (a notebook edits them between two calls)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from policycheck import Assessor, rubric
from policycheck.checks import REGISTRY, Registry
from policycheck.loading import Document, document_record, load_yaml_text, text_digest
from policycheck.reference import load_reference
from policycheck.rubric import BUNDLED_ORIGIN, RubricSource, load_rubric

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


def _bundled_yaml(name: str) -> tuple[str, Document]:
    path = Path(__file__).parents[1] / "src" / "policycheck" / "rubrics" / f"{name}.yaml"
    text = path.read_text("utf-8")
    return text, load_yaml_text(text, f"{BUNDLED_ORIGIN}{name}.yaml")


def test_the_json_mirror_of_the_bundled_rubrics_is_current() -> None:
    """After editing a bundled rubric, run ``python -m policycheck.rubric``."""
    shipped = Path(__file__).parents[1] / "src" / "policycheck" / "rubrics" / rubric.MIRROR
    assert shipped.read_text("utf-8") == rubric.mirror_text(), "run: python -m policycheck.rubric"


@pytest.mark.parametrize("name", rubric.bundled_names())
def test_a_bundled_rubric_is_read_from_its_mirror_exactly_as_from_its_yaml(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Values and every position: a problem in a rubric that extends it is located alike."""
    text, from_yaml = _bundled_yaml(name)

    def no_yaml(*_args: object, **_kwargs: object) -> Document:
        raise AssertionError("the YAML was composed: the mirror was not used")

    monkeypatch.setattr(rubric, "load_yaml_text", no_yaml)
    from_mirror, raw = RubricSource(name=name).read()
    assert from_mirror == from_yaml
    # In the same order too: the criteria's order is the reports'.
    assert json.dumps(from_mirror.data) == json.dumps(from_yaml.data)
    assert list(from_mirror.values) == list(from_yaml.values)
    assert list(from_mirror.keys) == list(from_yaml.keys)
    assert raw == text.encode()


def test_a_stale_mirror_of_a_rubric_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    """An entry made from other text (another hash) is never used: the YAML is read."""
    _, from_yaml = _bundled_yaml("default")
    stale = {"default": {"sha256": "0" * 64, **document_record(from_yaml)}}
    stale["default"]["data"] = {"title": "not the rubric"}
    monkeypatch.setattr(rubric, "read_mirror", lambda _place: stale)
    assert RubricSource(name="default").read()[0] == from_yaml


def test_a_broken_mirror_of_a_rubric_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    text, from_yaml = _bundled_yaml("default")
    broken = {"default": {"sha256": text_digest(text), "data": {}, "values": [["x"]]}}
    monkeypatch.setattr(rubric, "read_mirror", lambda _place: broken)
    assert RubricSource(name="default").read()[0] == from_yaml


def test_a_document_json_cannot_hold_exactly_is_refused_a_record() -> None:
    """NaN comes back from JSON as another NaN, never equal to it; problems are not kept."""
    with pytest.raises(ValueError, match="exactly"):
        document_record(load_yaml_text("x: .nan\n", "nan.yaml"))
    lenient = load_yaml_text("x: 1\nx: 2\n", "twice.yaml", lenient=True)
    assert lenient.problems
    with pytest.raises(ValueError, match="exactly"):
        document_record(lenient)
