"""The rubric: criteria, weighted indicators (checks), level points, risks, grade bands and caps.

A rubric is data. It selects checks from the registry by id, weights them and
describes them in words citing the brief; the code only computes levels.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from policycheck.checks import INSUFFICIENT, NOT_APPLICABLE, Registry
from policycheck.errors import InputError, Problem
from policycheck.loading import Document, load_yaml_text, read_file

Grade = Literal["A", "B", "C", "D", "F"]
GRADES: tuple[Grade, ...] = ("A", "B", "C", "D", "F")
BUNDLED = "default"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Level(_Strict):
    points: float = Field(ge=0, le=100)
    means: str


class Indicator(_Strict):
    weight: float = Field(gt=0)
    title: str
    rationale: str
    brief: str
    levels: dict[str, Level]
    improve: str


class Criterion(_Strict):
    title: str
    weight: float = Field(gt=0)
    counters: Literal["normative-erosion", "regional-fragmentation", "conflict-escalation", "all"]
    brief: str
    description: str
    indicators: dict[str, Indicator]


class RiskSpec(_Strict):
    title: str
    family: Literal["normative-erosion", "regional-fragmentation", "conflict-escalation"]
    severity: Literal["low", "medium", "high", "critical"]
    mitigation: str
    brief: str


class InsufficientRule(_Strict):
    points: float = Field(ge=0, le=100)
    rule: str


class Source(_Strict):
    title: str
    authors: str
    date: str
    url: str | None = None


class Rubric(_Strict):
    """A rubric file (format version 1)."""

    rubric: Literal[1]
    id: str
    version: str
    title: str
    source: Source
    grades: dict[Grade, float]
    caps: dict[Literal["low", "medium", "high", "critical"], Grade]
    insufficient_information: InsufficientRule
    criteria: dict[str, Criterion]
    risks: dict[str, RiskSpec]

    def band(self, score: float) -> Grade:
        for grade in GRADES:
            if score >= self.grades[grade]:
                return grade
        return "F"


@dataclass(frozen=True)
class LoadedRubric:
    """A validated rubric with where it came from and the hash of its bytes."""

    rubric: Rubric
    origin: str
    sha256: str


def bundled_path() -> str:
    return f"<bundled>/rubrics/{BUNDLED}.yaml"


def load_rubric(path: Path | None, registry: Registry) -> LoadedRubric:
    """Read and validate a rubric (the bundled default when ``path`` is None)."""
    if path is None:
        text = (resources.files("policycheck") / "rubrics" / f"{BUNDLED}.yaml").read_text("utf-8")
        doc = load_yaml_text(text, bundled_path())
        raw = text.encode()
    else:
        doc = read_file(path)
        raw = path.read_bytes()
    rubric = _validate(doc, registry)
    return LoadedRubric(rubric, doc.origin, hashlib.sha256(raw).hexdigest())


def _validate(doc: Document, registry: Registry) -> Rubric:
    if not isinstance(doc.data, dict):
        raise InputError([Problem(doc.origin, 1, 1, "a rubric must be a mapping")])
    try:
        rubric = Rubric.model_validate(doc.data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            line, column = doc.position(loc, key=err["type"] == "extra_forbidden")
            dotted = ".".join(str(p) for p in loc)
            problems.append(Problem(doc.origin, line, column, f"{dotted}: {err['msg']}"))
        raise InputError(problems) from None
    problems = []

    def at(*loc: str | int) -> tuple[int, int]:
        return doc.position(loc, key=True)

    if set(rubric.grades) != set(GRADES):
        problems.append(Problem(doc.origin, *at("grades"), "grades must set A, B, C, D and F"))
    bands = [rubric.grades.get(g, 0) for g in GRADES]
    if bands != sorted(bands, reverse=True) or len(set(bands)) != len(bands):
        problems.append(
            Problem(doc.origin, *at("grades"), "grade bands must strictly decrease from A to F")
        )
    seen: dict[str, str] = {}
    for cid, criterion in rubric.criteria.items():
        for iid, indicator in criterion.indicators.items():
            where = at("criteria", cid, "indicators", iid)
            if iid in seen:
                problems.append(
                    Problem(
                        doc.origin, *where, f"check {iid} is already used by criterion {seen[iid]}"
                    )
                )
            seen[iid] = cid
            if iid not in registry:
                problems.append(Problem(doc.origin, *where, f"unknown check id '{iid}'"))
                continue
            check = registry[iid]
            missing = [lv for lv in check.levels if lv not in indicator.levels]
            extra = [lv for lv in indicator.levels if lv not in check.levels]
            if missing:
                problems.append(
                    Problem(
                        doc.origin, *where, f"{iid}: no points for level(s) {', '.join(missing)}"
                    )
                )
            if extra:
                problems.append(
                    Problem(
                        doc.origin,
                        *where,
                        f"{iid}: the check never gives level(s) {', '.join(extra)}",
                    )
                )
            for risk in check.risks:
                if risk not in rubric.risks:
                    problems.append(
                        Problem(
                            doc.origin,
                            *where,
                            f"{iid} can raise risk {risk}, which the rubric does not describe",
                        )
                    )
    if problems:
        raise InputError(problems)
    return rubric


__all__ = ["GRADES", "INSUFFICIENT", "NOT_APPLICABLE", "LoadedRubric", "Rubric", "load_rubric"]
