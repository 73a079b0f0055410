"""The rubric: criteria, weighted indicators (checks), level points, risks, grade bands and caps.

A rubric is data. It selects checks from the registry by id, weights them and
describes them in words citing the brief; the code only computes levels.

A custom rubric may stand alone or ``extends`` another (``default``, the
bundled one, or a path relative to it). Extending merges by id: a criterion,
indicator or risk named again has the fields given replaced (so
``indicators: {NS01: {weight: 5}}`` re-weights one indicator), new ones are
added, ``disable`` removes indicators, and top-level settings (grade bands,
caps, the coverage rule, the uncertainty section) are replaced when given. A rubric can
replace the reference data (``reference: FOLDER``, relative to the file) and
declare its own checks as safe JMESPath expressions (``checks:``; see
``policycheck.declarative``).
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from policycheck import validation
from policycheck.checks import INSUFFICIENT, NOT_APPLICABLE, REGISTRY, Check, Registry
from policycheck.errors import InputError, Problem
from policycheck.loading import (
    Document,
    document_of_record,
    document_record,
    load_yaml_bytes,
    load_yaml_text,
    mirrored,
    read_bytes,
    read_mirror,
    text_digest,
)
from policycheck.scale import GRADES as GRADES
from policycheck.scale import Grade, Severity

BUNDLED = "default"
MAX_EXTENDS = 8
T = TypeVar("T")


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, defer_build=True, str_strip_whitespace=True
    )


#: A number written as a number (not "3", not true), finite.
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]


class Level(_Strict):
    points: Number = Field(ge=0, le=100)
    means: str = Field(min_length=1)


class Indicator(_Strict):
    weight: Number = Field(gt=0)
    title: str = Field(min_length=1)
    rationale: str = Field(min_length=1)
    brief: str = Field(min_length=1)
    levels: dict[str, Level]
    improve: str = Field(min_length=1)


class Criterion(_Strict):
    title: str = Field(min_length=1)
    weight: Number = Field(gt=0)
    counters: Literal["normative-erosion", "regional-fragmentation", "conflict-escalation", "all"]
    brief: str = Field(min_length=1)
    description: str = Field(min_length=1)
    indicators: dict[str, Indicator] = Field(min_length=1)


class RiskSpec(_Strict):
    title: str = Field(min_length=1)
    family: Literal["normative-erosion", "regional-fragmentation", "conflict-escalation"]
    severity: Severity
    mitigation: str = Field(min_length=1)
    brief: str = Field(min_length=1)
    #: Claim paths whose evidenced answer each lowers the severity one step (below low: cleared).
    mitigated_by: tuple[str, ...] = ()


class CoverageRule(_Strict):
    """How unknowns are treated, and the coverage below which a grade is provisional."""

    minimum: Number = Field(ge=0, le=1)
    rule: str = Field(min_length=1)


class Source(_Strict):
    title: str = Field(min_length=1)
    authors: str = Field(min_length=1)
    date: str = Field(min_length=1)
    url: str | None = None


class LevelRule(_Strict):
    """A declarative check's level, given when its expression is true."""

    level: str = Field(min_length=1)
    when: str = Field(min_length=1, max_length=2000)


class RiskRule(_Strict):
    """A risk a declarative check raises when its expression is true."""

    risk: str = Field(min_length=1)
    when: str = Field(min_length=1, max_length=2000)
    finding: str = Field(min_length=1)
    severity: Severity | None = None


class DeclaredCheck(_Strict):
    """A check written in the rubric: JMESPath expressions over the proposal and its facts."""

    description: str = Field(min_length=1)
    looks_at: tuple[str, ...] = Field(min_length=1)
    not_applicable_when: str | None = Field(default=None, max_length=2000)
    insufficient_when: str | None = Field(default=None, max_length=2000)
    levels: tuple[LevelRule, ...] = Field(min_length=1)
    otherwise: str = Field(min_length=1)
    risks: tuple[RiskRule, ...] = ()


class WeightVariation(_Strict):
    """How the criteria's weights may vary in an uncertainty analysis.

    ``dirichlet``: drawn from a Dirichlet distribution centred on the rubric's
    weights; ``concentration`` says how tightly (the larger, the closer to the
    rubric). ``range``: each weight drawn evenly within ``spread`` (a share:
    0.2 is ±20 %) of the rubric's, then all of them normalised.
    """

    method: Literal["dirichlet", "range"]
    concentration: Number | None = Field(default=None, gt=0, le=1_000_000)
    spread: Number | None = Field(default=None, ge=0, lt=1)


class PointsVariation(_Strict):
    """How level points may vary: a level between an indicator's lowest and highest is drawn
    evenly within ``spread`` points of the rubric's (the ends, the definitions of best and
    worst, stay put)."""

    spread: Number = Field(ge=0, le=50)


class UncertaintySpec(_Strict):
    """What an uncertainty analysis (``assess --uncertainty``) may vary, and why."""

    rationale: str = Field(min_length=1)
    weights: WeightVariation | None = None
    points: PointsVariation | None = None
    #: ``levels``: each unknown indicator is drawn evenly across its levels;
    #: ``excluded``: unknowns stay out of the score, as in the report.
    unknowns: Literal["levels", "excluded"] = "excluded"


class Rubric(_Strict):
    """A rubric file (format version 1), after any ``extends`` is resolved."""

    rubric: Literal[1]
    id: str = Field(min_length=1)
    version: str = Field(min_length=1)
    title: str = Field(min_length=1)
    source: Source
    grades: dict[Grade, Number]
    caps: dict[Severity, Grade]
    coverage: CoverageRule
    criteria: dict[str, Criterion] = Field(min_length=1)
    risks: dict[str, RiskSpec]
    checks: dict[str, DeclaredCheck] = Field(default_factory=dict)
    reference: str | None = None
    uncertainty: UncertaintySpec | None = None

    def band(self, score: float) -> Grade:
        for grade in GRADES:
            if score >= self.grades[grade]:
                return grade
        return Grade.F

    def indicator(self, check_id: str) -> tuple[str, Indicator] | None:
        """The criterion id and indicator entry of ``check_id``, if the rubric uses it."""
        for cid, criterion in self.criteria.items():
            if check_id in criterion.indicators:
                return cid, criterion.indicators[check_id]
        return None


@dataclass(frozen=True)
class LoadedRubric:
    """A validated rubric, its registry (built-in plus declared checks), origin and hash."""

    rubric: Rubric
    origin: str
    sha256: str
    registry: Registry
    #: The reference folder the rubric names, resolved against its file.
    reference: Path | None = None
    #: Every file that went into it (the rubric first, then what it extends), as read.
    documents: tuple[Document, ...] = field(default=(), compare=False, repr=False)

    @property
    def chain(self) -> tuple[str, ...]:
        """The origins of the files that went into it (the rubric first)."""
        return tuple(d.origin for d in self.documents)

    @property
    def sources(self) -> tuple[RubricSource, ...]:
        """The files that went into it (the rubric first), as sources."""
        return tuple(RubricSource.from_origin(d.origin) for d in self.documents)


#: How a rubric shipped with the package is named in messages and reports.
BUNDLED_ORIGIN = "<bundled>/rubrics/"


@dataclass(frozen=True)
class RubricSource:
    """Where a rubric file is: shipped with the package (``name``) or on disk (``path``).

    The one way to name one, print its origin (``<bundled>/rubrics/NAME.yaml`` or
    the path) and read it, or a file beside it (its test cases).
    """

    name: str | None = None
    path: Path | None = None

    @classmethod
    def of(cls, spec: str | Path | None, base: Path | None = None) -> RubricSource:
        """The bundled default for None, a bundled rubric by its name (a string), else a file
        (relative to ``base``)."""
        if spec is None:
            return cls(name=BUNDLED)
        if isinstance(spec, str) and spec in bundled_names():
            return cls(name=spec)
        path = Path(spec)
        if base is not None and not path.is_absolute():
            path = base / path
        return cls(path=path)

    @classmethod
    def from_origin(cls, origin: str) -> RubricSource:
        """The source an ``origin`` names (the inverse of ``origin``)."""
        if origin.startswith(BUNDLED_ORIGIN):
            return cls(name=origin.removeprefix(BUNDLED_ORIGIN).removesuffix(".yaml"))
        return cls(path=Path(origin))

    @property
    def origin(self) -> str:
        """How problems and reports name it."""
        return f"{BUNDLED_ORIGIN}{self.name}.yaml" if self.name is not None else str(self.path)

    def beside(self, filename: str) -> tuple[str, Traversable | Path]:
        """The origin and the place of ``filename`` in the rubric's folder."""
        if self.name is not None:
            return f"{BUNDLED_ORIGIN}{filename}", _bundled_folder() / filename
        assert self.path is not None
        return str(self.path.with_name(filename)), self.path.with_name(filename)

    def read(self) -> tuple[Document, bytes]:
        """The rubric's document and its bytes; ``InputError`` when it cannot be read."""
        if self.name is not None:
            text = (_bundled_folder() / f"{self.name}.yaml").read_text("utf-8")
            return _bundled_document(self.name, text, self.origin), text.encode()
        assert self.path is not None
        raw = read_bytes(self.path)
        return load_yaml_bytes(raw, str(self.path)), raw


def _bundled_folder() -> Traversable:
    return resources.files("policycheck") / "rubrics"


#: The bundled rubrics as read from their YAML (values and positions), kept as JSON beside
#: them with the sha256 of the text each came from, as ``reference.MIRROR`` keeps the
#: reference data: an entry that does not match its YAML is ignored and the YAML read.
#: It saves composing 31 KB of YAML at every start; ``python -m policycheck.rubric``
#: writes it again.
MIRROR = "bundled.json"


def _bundled_document(name: str, text: str, origin: str) -> Document:
    entry = mirrored(read_mirror(_bundled_folder() / MIRROR), name, text_digest(text))
    if entry is not None:
        try:
            return document_of_record(origin, entry)
        except ValueError:
            pass  # a broken entry: the YAML is the source
    return load_yaml_text(text, origin)


def mirror_text() -> str:
    """The JSON mirror of the bundled rubrics, as ``MIRROR`` should hold it."""
    entries = {}
    for name in bundled_names():
        text = (_bundled_folder() / f"{name}.yaml").read_text("utf-8")
        record = document_record(load_yaml_text(text, f"{BUNDLED_ORIGIN}{name}.yaml"))
        entries[name] = {"sha256": text_digest(text), **record}
    # Not sorted: a rubric's order is its criteria's and indicators' order.
    return json.dumps(entries, ensure_ascii=False) + "\n"


def bundled_names() -> tuple[str, ...]:
    """Names of the rubrics shipped with the package."""
    return tuple(
        sorted(
            p.name.removesuffix(".yaml")
            for p in _bundled_folder().iterdir()
            if p.name.endswith(".yaml") and not p.name.endswith(".tests.yaml")
        )
    )


def _read(spec: str | Path | None, base: Path | None) -> tuple[Document, bytes, Path | None]:
    """A rubric document by bundled name or path (relative to ``base``)."""
    source = RubricSource.of(spec, base)
    doc, raw = source.read()
    return doc, raw, source.path


def load_rubric(path: Path | str | None, registry: Registry = REGISTRY) -> LoadedRubric:
    """Read, merge (``extends``) and validate a rubric; the bundled default when ``path`` is None.

    Every problem is reported at once, located in the file it comes from. A bundled
    rubric is read once a process for a given set of checks: its files are the
    package's own, and a notebook, ``history`` or ``rubric test`` make an assessor
    again and again.
    """
    if path is None or (isinstance(path, str) and path in bundled_names()):
        return _bundled_rubric(BUNDLED if path is None else path, tuple(registry.values()))
    return _load_rubric(path, registry)


@functools.cache
def _bundled_rubric(name: str, checks: tuple[Check, ...]) -> LoadedRubric:
    return _load_rubric(name, Registry(checks))


def _load_rubric(path: Path | str, registry: Registry) -> LoadedRubric:
    doc, raw, real = _read(path, None)
    docs = [doc]
    digest = hashlib.sha256(raw)
    data = _mapping(doc)
    layers = [data]
    base_dir = real.parent if real is not None else None
    while (parent := layers[-1].get("extends")) is not None:
        if len(docs) > MAX_EXTENDS:
            line, column = docs[-1].position(("extends",))
            raise InputError(
                [
                    Problem(
                        docs[-1].origin,
                        line,
                        column,
                        f"'extends' chain is longer than {MAX_EXTENDS} files (a loop?)",
                    )
                ]
            )
        if not isinstance(parent, str):
            line, column = docs[-1].position(("extends",))
            raise InputError(
                [Problem(docs[-1].origin, line, column, "'extends' must be a rubric name or path")]
            )
        try:
            parent_doc, parent_raw, parent_real = _read(parent, base_dir)
        except InputError as exc:
            line, column = docs[-1].position(("extends",))
            raise InputError(
                [
                    Problem(docs[-1].origin, line, column, f"cannot extend '{parent}': {p.message}")
                    for p in exc.problems
                ]
            ) from None
        docs.append(parent_doc)
        digest.update(parent_raw)
        layers.append(_mapping(parent_doc))
        base_dir = parent_real.parent if parent_real is not None else base_dir
    merged: dict[str, Any] = {}
    for layer in reversed(layers):
        merged = _merge(merged, layer) if merged else dict(layer)
    merged.pop("extends", None)
    locate = _locator(docs)
    # Every problem at once: those of ``disable`` do not hide the schema's, and the
    # declared checks' do not hide the indicators'.
    problems: list[Problem] = []
    merged = _disable(merged, locate, problems)
    rubric = _collect(problems, _validate, merged, locate, set(registry))
    if rubric is None:
        raise InputError(problems)
    problems += [
        *_bands(rubric.grades, locate),
        *_sums(rubric, locate),
        *_uncertainty(rubric, locate),
    ]
    declared = _collect(problems, _declared, rubric, locate)
    full = Registry((*registry.values(), *(declared or ())))
    broken = frozenset() if declared is not None else frozenset(rubric.checks)
    _collect(problems, _check_against, rubric, full, locate, broken)
    if problems:
        raise InputError(problems)
    reference = None
    if rubric.reference is not None:
        owner = next((d for d in docs if "reference" in _mapping(d)), docs[0])
        owned = RubricSource.from_origin(owner.origin).path
        folder = owned.parent if owned is not None else Path.cwd()
        reference = folder / rubric.reference
        if not reference.is_dir():
            raise InputError(
                [
                    Problem(
                        *locate(("reference",), False),
                        f"reference folder '{rubric.reference}' does not exist"
                        f" (looked for {reference})",
                    )
                ]
            )
    return LoadedRubric(
        rubric=rubric,
        origin=doc.origin,
        sha256=digest.hexdigest(),
        registry=full,
        reference=reference,
        documents=tuple(docs),
    )


def _collect(problems: list[Problem], step: Callable[..., T], *args: Any) -> T | None:
    """``step(*args)``, or None with its problems added to ``problems``."""
    try:
        return step(*args)
    except InputError as exc:
        problems.extend(exc.problems)
        return None


def _mapping(doc: Document) -> dict[str, Any]:
    if not isinstance(doc.data, dict):
        raise InputError([Problem(doc.origin, 1, 1, "a rubric must be a mapping")])
    return doc.data


_BY_ID = ("criteria", "risks", "checks")


def _merge(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """``child`` over ``base``: criteria, indicators, risks and checks merged by id."""
    merged = dict(base)
    for key, value in child.items():
        if key in _BY_ID and isinstance(value, dict) and isinstance(base.get(key), dict):
            table = dict(base[key])
            for item_id, item in value.items():
                old = table.get(item_id)
                if isinstance(old, dict) and isinstance(item, dict):
                    new = {**old, **item}
                    if key == "criteria" and isinstance(item.get("indicators"), dict):
                        indicators = dict(old.get("indicators") or {})
                        for iid, ind in item["indicators"].items():
                            prior = indicators.get(iid)
                            indicators[iid] = (
                                {**prior, **ind}
                                if isinstance(prior, dict) and isinstance(ind, dict)
                                else ind
                            )
                        new["indicators"] = indicators
                    table[item_id] = new
                else:
                    table[item_id] = item
            merged[key] = table
        else:
            merged[key] = value
    return merged


Locate = Callable[[tuple[Any, ...], bool], tuple[str, int, int]]


def _merged_by_id(prefix: tuple[str | int, ...]) -> bool:
    """Whether the value at ``prefix`` is made by merging the files' values key by key
    (see ``_merge``); any other value is one file's, replaced whole by a child's."""
    if len(prefix) <= 2:
        return len(prefix) == 0 or prefix[0] in _BY_ID
    return prefix[0] == "criteria" and prefix[2] == "indicators" and len(prefix) <= 4


def _locator(docs: list[Document]) -> Locate:
    """Where a merged value came from: the file that gave it, else the first (child first)
    that has the path.

    A value one file replaces whole (``source``, a criterion's ``title``) belongs to
    that file: a key missing from it is missing there, not in the rubric it extends.
    """

    def locate(loc: tuple[Any, ...], key: bool = False) -> tuple[str, int, int]:
        path = tuple(p for p in loc if isinstance(p, (str, int)))
        depth = next(
            (n for n in range(len(path) + 1) if not _merged_by_id(path[:n])), len(path) + 1
        )
        if depth <= len(path):
            owned = path[:depth]
            owner = next((d for d in docs if owned in d.values or owned in d.keys), None)
            if owner is not None:
                for length in range(len(path), depth - 1, -1):
                    prefix = path[:length]
                    if prefix in owner.values or prefix in owner.keys:
                        line, column = owner.position(prefix, key=key)
                        return owner.origin, line, column
        for length in range(len(path), -1, -1):
            prefix = path[:length]
            for doc in docs:
                if prefix in doc.values or prefix in doc.keys:
                    line, column = doc.position(prefix, key=key)
                    return doc.origin, line, column
        return docs[0].origin, 1, 1

    return locate


def _disable(data: dict[str, Any], locate: Locate, problems: list[Problem]) -> dict[str, Any]:
    """``data`` without the indicators ``disable`` names; an unknown id is added to
    ``problems`` (the others are still removed, and validation goes on)."""
    disabled = data.pop("disable", None) or []
    if not isinstance(disabled, list):
        problems.append(
            Problem(*locate(("disable",), False), "'disable' must be a list of check ids")
        )
        return data
    criteria = data.get("criteria")
    if not isinstance(criteria, dict):
        return data
    remaining = {cid: dict(c) if isinstance(c, dict) else c for cid, c in criteria.items()}
    for n, check_id in enumerate(disabled):
        hit = False
        for cid, criterion in remaining.items():
            if (
                isinstance(criterion, dict)
                and isinstance(criterion.get("indicators"), dict)
                and check_id in criterion["indicators"]
            ):
                hit = True
                if len(criterion["indicators"]) == 1:
                    # Said here, in the user's file: the schema would only see an empty
                    # criterion, located in the rubric it comes from.
                    problems.append(
                        Problem(
                            *locate(("disable", n), False),
                            f"cannot disable '{check_id}': it is the last indicator of"
                            f" criterion {cid}",
                        )
                    )
                    continue
                criterion["indicators"] = {
                    k: v for k, v in criterion["indicators"].items() if k != check_id
                }
        if not hit:
            problems.append(
                Problem(
                    *locate(("disable", n), False),
                    f"cannot disable '{check_id}': no such indicator",
                )
            )
    return {**data, "criteria": remaining}


def _validate(data: dict[str, Any], locate: Locate, known: set[str]) -> Rubric:
    try:
        rubric = Rubric.model_validate(data)
    except ValidationError as exc:
        problems = _raw_problems(data, locate, known)
        problems.extend(validation.problems(exc, locate, Rubric))
        raise InputError(problems) from None
    return rubric


def _sums(rubric: Rubric, locate: Locate) -> list[Problem]:
    """Weights so large that their sum times 100 points is infinite: every score would be NaN.

    Each weight is finite and positive (the schema says so), but the sums are made
    here, so they are checked here.
    """
    problems = []
    if not math.isfinite(sum(c.weight for c in rubric.criteria.values()) * 100):
        problems.append(
            Problem(
                *locate(("criteria",), True),
                "the criteria's weights add up to more than a number can hold: use smaller ones",
            )
        )
    for cid, criterion in rubric.criteria.items():
        if not math.isfinite(sum(i.weight for i in criterion.indicators.values()) * 100):
            problems.append(
                Problem(
                    *locate(("criteria", cid, "indicators"), True),
                    f"the weights of {cid}'s indicators add up to more than a number can hold:"
                    " use smaller ones",
                )
            )
    return problems


def _uncertainty(rubric: Rubric, locate: Locate) -> list[Problem]:
    """What the schema cannot say of the uncertainty section: each weight method has its own
    parameter, and a points spread never lets a weaker level outscore a stronger one."""
    spec = rubric.uncertainty
    if spec is None:
        return []
    problems = []
    weights = spec.weights
    if weights is not None:
        where = locate(("uncertainty", "weights", "method"), False)
        needs, other = (
            ("concentration", "spread")
            if weights.method == "dirichlet"
            else ("spread", "concentration")
        )
        if getattr(weights, needs) is None:
            problems.append(Problem(*where, f"method {weights.method} needs '{needs}'"))
        if getattr(weights, other) is not None:
            problems.append(
                Problem(
                    *locate(("uncertainty", "weights", other), True),
                    f"'{other}' does not apply to method {weights.method} (it takes '{needs}')",
                )
            )
    if spec.points is not None and spec.points.spread > 0:
        spread = spec.points.spread
        clashes = (
            (cid, iid, clash)
            for cid, criterion in rubric.criteria.items()
            for iid, indicator in criterion.indicators.items()
            if (clash := _crossing(indicator, spread)) is not None
        )
        first = next(clashes, None)
        if first is not None:
            cid, iid, ((low, low_pts), (high, high_pts)) = first
            limit = min(
                _spread_limit(i) for c in rubric.criteria.values() for i in c.indicators.values()
            )
            problems.append(
                Problem(
                    *locate(("uncertainty", "points", "spread"), False),
                    f"a spread of {spread:g} points would let {iid}'s {low} ({low_pts:g})"
                    f" outscore its {high} ({high_pts:g}) in criterion {cid}:"
                    f" use at most {limit:g}",
                )
            )
    return problems


def _ranked(indicator: Indicator) -> list[tuple[str, float, float]]:
    """The levels by points, each with 1 when a points spread moves it, 0 for the ends."""
    ranked = sorted(indicator.levels.items(), key=lambda kv: kv[1].points)
    ends = (ranked[0][1].points, ranked[-1][1].points)
    return [(name, lv.points, 0.0 if lv.points in ends else 1.0) for name, lv in ranked]


def _spread_limit(indicator: Indicator) -> float:
    """The largest points spread that keeps the indicator's levels in order."""
    return min(
        (
            (b - a) / (moves_a + moves_b)
            for (_, a, moves_a), (_, b, moves_b) in itertools.pairwise(_ranked(indicator))
            if moves_a + moves_b
        ),
        default=math.inf,
    )


def _crossing(
    indicator: Indicator, spread: float
) -> tuple[tuple[str, float], tuple[str, float]] | None:
    """Two adjacent levels whose ranges under ``spread`` overlap (the ends do not move)."""
    for (name_a, a, moves_a), (name_b, b, moves_b) in itertools.pairwise(_ranked(indicator)):
        if a + moves_a * spread > b - moves_b * spread:
            return (name_a, a), (name_b, b)
    return None


def _bands(grades: dict[Any, Any], locate: Locate) -> list[Problem]:
    problems = []
    if set(grades) != set(GRADES):
        problems.append(Problem(*locate(("grades",), True), "grades must set A, B, C, D and F"))
    bands = [grades.get(g, 0) for g in GRADES]
    if all(isinstance(b, (int, float)) for b in bands) and (
        bands != sorted(bands, reverse=True) or len(set(bands)) != len(bands)
    ):
        problems.append(
            Problem(*locate(("grades",), True), "grade bands must strictly decrease from A to F")
        )
    return problems


def _raw_problems(data: dict[str, Any], locate: Locate, known: set[str]) -> list[Problem]:
    """Problems visible in a rubric that fails its schema: bands and unknown check ids.

    Reported with the schema's problems, so a file's problems come out together.
    """
    problems = _bands(data["grades"], locate) if isinstance(data.get("grades"), dict) else []
    declared = set(data["checks"]) if isinstance(data.get("checks"), dict) else set()
    criteria = data.get("criteria")
    for cid, criterion in criteria.items() if isinstance(criteria, dict) else ():
        indicators = criterion.get("indicators") if isinstance(criterion, dict) else None
        for iid in indicators if isinstance(indicators, dict) else ():
            if iid not in known and iid not in declared:
                where = locate(("criteria", cid, "indicators", iid), True)
                problems.append(
                    Problem(*where, f"unknown check id '{iid}' (see 'policycheck rules')")
                )
    return problems


def _declared(rubric: Rubric, locate: Locate) -> tuple[Check, ...]:
    if not rubric.checks:
        return ()
    from policycheck.declarative import build

    checks: list[Check] = []
    problems: list[Problem] = []
    for check_id, spec in rubric.checks.items():
        if check_id in REGISTRY:
            problems.append(
                Problem(
                    *locate(("checks", check_id), True),
                    f"check {check_id} is built in; give a declared check its own id",
                )
            )
            continue
        where = rubric.indicator(check_id)
        if where is None:
            problems.append(
                Problem(
                    *locate(("checks", check_id), True),
                    f"check {check_id} is declared but no criterion uses it",
                )
            )
            continue
        try:
            checks.append(build(check_id, where[0], spec, _within(locate, ("checks", check_id))))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return tuple(checks)


def _within(
    locate: Locate, prefix: tuple[str, ...]
) -> Callable[[tuple[Any, ...]], tuple[str, int, int]]:
    return lambda loc: locate((*prefix, *loc), False)


def _used_twice(rubric: Rubric, locate: Locate) -> list[Problem]:
    """A check used by two criteria, reported where the user's file uses it (a rubric that
    extends another is told about its own line, not the bundled one's)."""
    uses: dict[str, list[tuple[str, tuple[str, int, int]]]] = {}
    for cid, criterion in rubric.criteria.items():
        for iid in criterion.indicators:
            uses.setdefault(iid, []).append(
                (cid, locate(("criteria", cid, "indicators", iid), True))
            )
    user_file = locate((), False)[0]
    problems = []
    for iid, found in uses.items():
        if len(found) < 2:
            continue
        later = [use for use in found[1:] if use[1][0] == user_file]
        if later:
            report = later
        elif found[0][1][0] == user_file:
            report = found[:1]
        else:
            report = found[1:]
        for cid, where in report:
            others = ", ".join(other for other, _ in found if other != cid)
            problems.append(Problem(*where, f"check {iid} is already used by criterion {others}"))
    return problems


def _check_against(
    rubric: Rubric, registry: Registry, locate: Locate, broken: frozenset[str] = frozenset()
) -> None:
    """Every indicator names a known check with points for each level it gives; risks exist.

    ``broken`` are declared checks that did not compile (already reported): skipped.
    """
    problems = _used_twice(rubric, locate)
    for cid, criterion in rubric.criteria.items():
        for iid, indicator in criterion.indicators.items():
            where = locate(("criteria", cid, "indicators", iid), True)
            if iid in broken:
                continue
            if iid not in registry:
                problems.append(
                    Problem(*where, f"unknown check id '{iid}' (see 'policycheck rules')")
                )
                continue
            check = registry[iid]
            missing = [lv for lv in check.levels if lv not in indicator.levels]
            extra = [lv for lv in indicator.levels if lv not in check.levels]
            if missing:
                problems.append(
                    Problem(*where, f"{iid}: no points for level(s) {', '.join(missing)}")
                )
            if extra:
                problems.append(
                    Problem(*where, f"{iid}: the check never gives level(s) {', '.join(extra)}")
                )
            for risk in check.risks:
                if risk not in rubric.risks:
                    problems.append(
                        Problem(
                            *where,
                            f"{iid} can raise risk {risk}, which the rubric does not describe",
                        )
                    )
    for cid, criterion in rubric.criteria.items():
        if not criterion.indicators:
            problems.append(
                Problem(*locate(("criteria", cid), True), f"criterion {cid} has no indicators left")
            )
    if problems:
        raise InputError(problems)


__all__ = [
    "GRADES",
    "INSUFFICIENT",
    "NOT_APPLICABLE",
    "DeclaredCheck",
    "LoadedRubric",
    "Rubric",
    "bundled_names",
    "load_rubric",
]


if __name__ == "__main__":
    target = Path(str(_bundled_folder() / MIRROR))
    target.write_text(mirror_text(), encoding="utf-8")
    print(f"wrote {target}")
