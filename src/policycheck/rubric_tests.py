"""Test cases for a rubric: small proposals and the levels, risks, score and grade they must get.

A rubric's cases live beside it, in ``NAME.tests.yaml`` (``default.yaml`` →
``default.tests.yaml``; a rubric file cannot carry them, it refuses unknown
keys)::

    rubric_tests: 1
    cases:
      - name: human-security clause with evidence
        extends_minimal:                 # merged over a minimal valid proposal
          safeguards: {human_security: {statement: Art. 4, evidence: [Art. 4]}}
        expect:
          levels: {NS01: evidenced}      # check id → level, or a list of levels
          risks: [NE01]                  # the exact set of risks (or {NE01: medium})
          risks_include: [NE01]          # at least these (ids, or id → severity)
          risks_exclude: [CE01]          # none of these
          score: [40, 60]                # inclusive range, or one number
          grade: B                       # or a list: [A, B]
        check: NS01                      # optional: the check the case is about

A case gives its proposal in exactly one way: ``proposal`` (a whole proposal,
inline), ``extends_minimal`` (keys merged over ``schema_version``, ``id``,
``title``, ``status: proposed`` and ``participants: [AL]``) or ``file`` (a
proposal file, relative to the case file; not in case files bundled with the
package, which must not depend on anything outside it).

``load_cases`` reads and validates a case file against its rubric and raises
``InputError`` with every problem located (``file:line:col``); ``run_cases``
assesses each case and describes every mismatch. Nothing here prints or exits.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, ValidationError

from policycheck import validation
from policycheck.assessment import Assessment, Evidence
from policycheck.checks import INSUFFICIENT, NOT_APPLICABLE, Check
from policycheck.checks.examples import Example
from policycheck.engine import Assessor
from policycheck.errors import InputError, Problem
from policycheck.loading import MAX_BYTES, Document, load_yaml_bytes, load_yaml_text, read_file
from policycheck.model import Proposal, parse_proposal
from policycheck.rubric import LoadedRubric, RubricSource, bundled_names
from policycheck.scale import Grade, Severity

SUFFIX = ".tests.yaml"
_SUFFIXES = (".tests.yaml", ".tests.yml")


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _as_range(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [value, value]
    return value


def _as_risk_map(value: Any) -> Any:
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return dict.fromkeys(value)
    return value


_Number = Annotated[float, Strict()]
_Levels = Annotated[tuple[str, ...], BeforeValidator(_as_list), Field(min_length=1)]
_Risks = Annotated[dict[str, Severity | None], BeforeValidator(_as_risk_map)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Expect(_Strict):
    """What a case expects of the assessment; every part is optional, but one is needed."""

    levels: dict[str, _Levels] = Field(default_factory=dict)
    risks: _Risks | None = None
    risks_include: _Risks = Field(default_factory=dict)
    risks_exclude: Annotated[tuple[str, ...], BeforeValidator(_as_list)] = ()
    score: Annotated[tuple[_Number, _Number], BeforeValidator(_as_range)] | None = None
    grade: Annotated[tuple[Grade, ...], BeforeValidator(_as_list), Field(min_length=1)] | None = (
        None
    )

    @property
    def empty(self) -> bool:
        return (
            not self.levels
            and self.risks is None
            and not self.risks_include
            and not self.risks_exclude
            and self.score is None
            and self.grade is None
        )


class _CaseSpec(_Strict):
    name: str = Field(min_length=1)
    description: str | None = None
    #: The check the case is about (optional; ``policycheck explain`` shows such cases first).
    check: str | None = None
    proposal: dict[str, Any] | None = None
    file: str | None = Field(default=None, min_length=1)
    extends_minimal: dict[str, Any] | None = None
    expect: Expect


class _Header(_Strict):
    rubric_tests: Literal[1]
    description: str | None = None
    cases: list[Any] = Field(min_length=1)


@dataclass(frozen=True)
class Case:
    """One validated case: its proposal (located in the file it came from) and what it expects."""

    name: str
    origin: str
    line: int
    column: int
    proposal: Proposal
    document: Document
    expect: Expect

    @property
    def location(self) -> str:
        return f"{self.origin}:{self.line}:{self.column}"


@dataclass(frozen=True)
class CaseFile:
    """A validated case file, the assessor built from its rubric, and its cases in file order."""

    origin: str
    rubric_origin: str
    assessor: Assessor
    cases: tuple[Case, ...]


@dataclass(frozen=True)
class Mismatch:
    """One expectation a case did not meet: what, expected and actual, and the evidence why."""

    what: str
    expected: str
    actual: str
    notes: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.what}: expected {self.expected}, got {self.actual}"


@dataclass(frozen=True)
class CaseResult:
    case: Case
    mismatches: tuple[Mismatch, ...]
    assessment: Assessment | None

    @property
    def passed(self) -> bool:
        return not self.mismatches


@dataclass(frozen=True)
class RunResult:
    """Every case's result, in file order."""

    origin: str
    rubric_origin: str
    results: tuple[CaseResult, ...]
    deselected: int = 0

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def failed(self) -> int:
        return len(self.results) - self.passed

    @property
    def ok(self) -> bool:
        return self.failed == 0

    @property
    def summary(self) -> str:
        extra = f" ({self.deselected} deselected)" if self.deselected else ""
        return f"{self.passed} passed, {self.failed} failed{extra}"


# --- finding and reading the case file ------------------------------------------------


@dataclass(frozen=True)
class _Where:
    rubric: RubricSource
    #: The case file on disk (None: a bundled rubric's, read from the package).
    tests_path: Path | None


def case_file_for(rubric: Path) -> Path:
    """``x.yaml`` → ``x.tests.yaml`` (beside it)."""
    return rubric.with_name(rubric.name.removesuffix(rubric.suffix) + SUFFIX)


def _case_file_of(rubric: Path) -> Path:
    """The case file of a rubric file: beside it, else beside the file it links to (the
    top-level ``rubrics/default.yaml`` links to the packaged rubric, whose cases sit beside
    it), else (not found) the name it would have beside it."""
    for place in (rubric, rubric.resolve()):
        for tests in (
            case_file_for(place),
            place.with_name(place.name.removesuffix(".yml") + ".tests.yml"),
        ):
            if tests.is_file():
                return tests
    return case_file_for(rubric)


def _where(spec: str | Path | None) -> _Where:
    if spec is None:
        return _Where(RubricSource.of(None), None)
    path = Path(spec)
    if not path.exists() and str(spec) in bundled_names():
        return _Where(RubricSource.of(str(spec)), None)
    name = path.name
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            stem = name.removesuffix(suffix)
            candidates = [path.with_name(stem + ".yaml"), path.with_name(stem + ".yml")]
            rubric = next((c for c in candidates if c.is_file()), candidates[0])
            return _Where(RubricSource(path=rubric), path)
    if not path.exists():
        known = ", ".join(bundled_names())
        raise InputError(
            [Problem(str(path), 1, 1, f"no such rubric file (bundled rubrics: {known})")]
        )
    tests = _case_file_of(path)
    if not tests.exists():
        raise InputError(
            [
                Problem(
                    str(tests),
                    1,
                    1,
                    f"no test cases for {path}: write them in {tests} (see 'rubric_tests: 1')",
                )
            ]
        )
    return _Where(RubricSource(path=path), tests)


def cases_document(source: RubricSource) -> Document | None:
    """The test cases kept with a rubric (``NAME.tests.yaml``), when it has readable ones."""
    try:
        return _read_cases(_where(source.path if source.path is not None else source.name))
    except InputError:
        return None


def _read_cases(where: _Where) -> Document:
    if where.tests_path is None:
        assert where.rubric.name is not None
        origin, resource = where.rubric.beside(f"{where.rubric.name}{SUFFIX}")
        if not resource.is_file():
            raise InputError([Problem(origin, 1, 1, "this bundled rubric has no test cases")])
        return load_yaml_text(resource.read_text("utf-8"), origin)
    return read_file(where.tests_path)


def load_cases(rubric_or_cases: str | Path | None, *, reference: Path | None = None) -> CaseFile:
    """Read and validate the cases of a rubric.

    ``rubric_or_cases`` is a rubric file (its cases are read from ``NAME.tests.yaml``
    beside it, or beside the file it links to), a case file itself (``NAME.tests.yaml``;
    the rubric is ``NAME.yaml`` beside it), a bundled rubric's name, or None for the
    bundled default. Raises ``InputError`` listing every problem of the rubric or the
    case file.
    """
    where = _where(rubric_or_cases)
    source = where.rubric
    assessor = Assessor(source.name if source.name is not None else source.path, reference)
    doc = _read_cases(where)
    return _validate(doc, assessor, where)


def _validate(doc: Document, assessor: Assessor, where: _Where) -> CaseFile:
    problems: list[Problem] = []
    data = doc.data
    if not isinstance(data, dict):
        raise InputError([Problem(doc.origin, 1, 1, "a case file must be a mapping")])
    try:
        header = _Header.model_validate(data)
    except ValidationError as exc:
        raise InputError(_problems(doc, (), exc, _Header)) from None
    cases: list[Case] = []
    seen: dict[str, int] = {}
    subtrees = _Subtrees(doc)
    for i, raw in enumerate(header.cases):
        loc = ("cases", i)
        line, column = doc.position(loc)
        if not isinstance(raw, dict):
            problems.append(Problem(doc.origin, line, column, "a case must be a mapping"))
            continue
        name = raw.get("name")
        if isinstance(name, str) and name in seen:
            problems.append(
                Problem(
                    *_at(doc, (*loc, "name")),
                    f"case '{name}': the name is already used by the case on line {seen[name]}",
                )
            )
        if isinstance(name, str):
            seen.setdefault(name, line)
        try:
            spec = _CaseSpec.model_validate(raw)
        except ValidationError as exc:
            problems.extend(_problems(doc, loc, exc, _CaseSpec, name))
            continue
        label = f"case '{spec.name}'"
        problems.extend(_check_expect(doc, loc, spec, assessor, label))
        given = [k for k in ("proposal", "extends_minimal", "file") if getattr(spec, k) is not None]
        if len(given) != 1:
            what = "gives none" if not given else f"gives {', '.join(given)}"
            problems.append(
                Problem(
                    doc.origin,
                    line,
                    column,
                    f"{label}: give the proposal in exactly one way "
                    f"(proposal, extends_minimal or file); this case {what}",
                )
            )
            continue
        try:
            sub = _proposal_document(doc, loc, spec, i, where, subtrees)
            proposal = parse_proposal(sub, _context(assessor))
        except InputError as exc:
            for p in exc.problems:
                # A problem in a proposal file also names the case that uses it.
                case_at = "" if p.file == doc.origin else f" ({doc.origin}:{line}:{column})"
                problems.append(Problem(p.file, p.line, p.column, f"{label}{case_at}: {p.message}"))
            continue
        cases.append(Case(spec.name, doc.origin, line, column, proposal, sub, spec.expect))
    if problems:
        raise InputError(problems)
    return CaseFile(doc.origin, assessor.loaded.origin, assessor, tuple(cases))


def _at(doc: Document, loc: tuple[Any, ...], *, key: bool = False) -> tuple[str, int, int]:
    line, column = doc.position(loc, key=key)
    return doc.origin, line, column


def _problems(
    doc: Document,
    prefix: tuple[Any, ...],
    exc: ValidationError,
    model: type[BaseModel],
    name: Any = None,
) -> list[Problem]:
    label = f"case '{name}': " if isinstance(name, str) and name else ""

    def locate(loc: tuple[Any, ...], key: bool) -> tuple[str, int, int]:
        return _at(doc, loc, key=key)

    return validation.problems(exc, locate, model, prefix=prefix, label=label)


def _context(assessor: Assessor) -> dict[str, Any]:
    ref = assessor.reference
    return {"codes": ref.codes, "formats": ref.formats, "instruments": ref.instruments}


def _item(doc: Document, loc: tuple[Any, ...], item: str) -> tuple[str, int, int]:
    """Where ``item`` is written under ``loc``: a key of a mapping, or an entry of a list."""
    node: Any = doc.data
    for part in loc:
        node = node[part] if isinstance(node, (dict, list)) else None
    if isinstance(node, dict) and item in node:
        return _at(doc, (*loc, item), key=True)
    if isinstance(node, list) and item in node:
        return _at(doc, (*loc, node.index(item)))
    return _at(doc, loc)


def _check_expect(
    doc: Document, loc: tuple[Any, ...], spec: _CaseSpec, assessor: Assessor, label: str
) -> list[Problem]:
    """Known check ids and their levels, known risk ids, sane score ranges; something expected."""
    rubric = assessor.loaded.rubric
    registry = assessor.loaded.registry
    expect = spec.expect
    at = (*loc, "expect")
    problems: list[Problem] = []
    if expect.empty:
        problems.append(Problem(*_at(doc, at, key=True), f"{label}: expects nothing"))
    if spec.check is not None and rubric.indicator(spec.check) is None:
        problems.append(
            Problem(*_at(doc, (*loc, "check")), f"{label}: unknown check id '{spec.check}'")
        )
    for check_id, levels in expect.levels.items():
        where = (*at, "levels")
        if rubric.indicator(check_id) is None:
            used = ", ".join(i for c in rubric.criteria.values() for i in c.indicators)
            problems.append(
                Problem(
                    *_item(doc, where, check_id),
                    f"{label}: unknown check id '{check_id}' (the rubric's checks: {used})",
                )
            )
            continue
        allowed = (*registry[check_id].levels, NOT_APPLICABLE, INSUFFICIENT)
        for level in levels:
            if level not in allowed:
                problems.append(
                    Problem(
                        *_item(doc, (*where, check_id), level),
                        f"{label}: {check_id} never gives level '{level}' "
                        f"(it gives: {', '.join(allowed)})",
                    )
                )
    for key in ("risks", "risks_include", "risks_exclude"):
        ids: Sequence[str] | Mapping[str, Any] = getattr(expect, key) or ()
        for risk_id in ids:
            if risk_id not in rubric.risks:
                problems.append(
                    Problem(
                        *_item(doc, (*at, key), risk_id),
                        f"{label}: unknown risk id '{risk_id}' "
                        f"(the rubric's risks: {', '.join(rubric.risks)})",
                    )
                )
    if expect.score is not None:
        low, high = expect.score
        if not 0 <= low <= high <= 100:
            problems.append(
                Problem(
                    *_at(doc, (*at, "score")),
                    f"{label}: score must be [min, max] with 0 <= min <= max <= 100",
                )
            )
    return problems


_MINIMAL: dict[str, Any] = {
    "schema_version": 1,
    "status": "proposed",
    "participants": ["AL"],
}


def _proposal_document(
    doc: Document,
    loc: tuple[Any, ...],
    spec: _CaseSpec,
    index: int,
    where: _Where,
    subtrees: _Subtrees,
) -> Document:
    """The case's proposal as a ``Document`` whose positions point into the file it came from."""
    if spec.file is not None:
        file_at = _at(doc, (*loc, "file"))
        if where.tests_path is None:
            raise InputError(
                [
                    Problem(
                        *file_at,
                        "a case file bundled with the package must inline its proposals "
                        "(proposal or extends_minimal), not refer to files",
                    )
                ]
            )
        if "\x00" in spec.file:
            raise InputError([Problem(*file_at, "a file name cannot hold a NUL character")])
        path = where.tests_path.parent / spec.file
        try:
            with path.open("rb") as handle:
                raw = handle.read(MAX_BYTES + 1)
        except OSError as exc:
            raise InputError(
                [Problem(*file_at, f"cannot read proposal file {path}: {exc.strerror}")]
            ) from None
        return load_yaml_bytes(raw, str(path), lenient=True)
    key = "proposal" if spec.proposal is not None else "extends_minimal"
    prefix = (*loc, key)
    values = subtrees.values(prefix)
    keys = subtrees.keys(prefix)
    data: dict[str, Any]
    if spec.proposal is not None:
        data = spec.proposal
    else:
        assert spec.extends_minimal is not None
        base = {**_MINIMAL, "id": f"case-{index + 1}", "title": spec.name}
        data = {**base, **spec.extends_minimal}
        anchor = doc.position(prefix, key=True)
        for name, value in base.items():
            if name in spec.extends_minimal:
                continue
            keys[(name,)] = anchor
            values[(name,)] = anchor
            if isinstance(value, list):
                for n in range(len(value)):
                    values[(name, n)] = anchor
    return _CaseDocument(doc.origin, data, values, keys)


@dataclass(frozen=True)
class _CaseDocument(Document):
    """A proposal inside a case file: what it does not state is located at the case's proposal."""

    def position(self, loc: tuple[Any, ...], *, key: bool = False) -> tuple[int, int]:
        first = next((p for p in loc if isinstance(p, (str, int))), None)
        if first is None or ((first,) not in self.values and (first,) not in self.keys):
            return self.values.get((), (1, 1))
        return super().position(loc, key=key)


Positions = dict[tuple[str | int, ...], tuple[int, int]]


class _Subtrees:
    """The positions of a case file under each case's proposal, re-rooted there.

    Grouped in one pass over the file's positions the first time a proposal of a given
    depth is asked for: looking through every position again for each case made a file
    of a few hundred cases quadratic (half a second for the bundled 173).
    """

    def __init__(self, doc: Document) -> None:
        self._doc = doc
        self._grouped: dict[tuple[bool, int], dict[tuple[Any, ...], Positions]] = {}

    def values(self, prefix: tuple[Any, ...]) -> Positions:
        """A copy of the positions of the values under ``prefix``, relative to it."""
        return dict(self._group(False, len(prefix)).get(prefix, {}))

    def keys(self, prefix: tuple[Any, ...]) -> Positions:
        """A copy of the positions of the keys under ``prefix``, relative to it."""
        return dict(self._group(True, len(prefix)).get(prefix, {}))

    def _group(self, keys: bool, size: int) -> dict[tuple[Any, ...], Positions]:
        found = self._grouped.get((keys, size))
        if found is None:
            found = {}
            for path, pos in (self._doc.keys if keys else self._doc.values).items():
                if len(path) >= size:
                    found.setdefault(path[:size], {})[path[size:]] = pos
            self._grouped[(keys, size)] = found
        return found


# --- running ---------------------------------------------------------------------------


def run_cases(case_file: CaseFile, select: str | None = None) -> RunResult:
    """Assess every case (or those whose name contains ``select``) and compare."""
    chosen = [c for c in case_file.cases if select is None or select in c.name]
    results = tuple(_run(case_file.assessor, case) for case in chosen)
    return RunResult(
        case_file.origin,
        case_file.rubric_origin,
        results,
        deselected=len(case_file.cases) - len(chosen),
    )


def _run(assessor: Assessor, case: Case) -> CaseResult:
    digest = hashlib.sha256(case.name.encode()).hexdigest()
    try:
        assessment = assessor.assess(case.proposal, case.document, digest)
    except InputError as exc:
        return CaseResult(
            case,
            (
                Mismatch(
                    "assessment",
                    "an assessment",
                    "an error of the rubric",
                    tuple(str(p) for p in exc.problems),
                ),
            ),
            None,
        )
    registry = assessor.loaded.registry
    return CaseResult(case, tuple(compare(case.expect, assessment, registry)), assessment)


def compare(expect: Expect, a: Assessment, registry: Mapping[str, Check]) -> list[Mismatch]:
    """Every way ``a`` differs from ``expect``; ``registry`` tells which check raises which risk."""
    found: list[Mismatch] = []
    indicators = {i.check_id: i for c in a.criteria for i in c.indicators}
    for check_id, levels in expect.levels.items():
        ind = indicators[check_id]
        if ind.level not in levels:
            found.append(Mismatch(check_id, _either(levels), ind.level, _notes(ind.evidence)))
    actual: dict[str, list[str]] = {}
    for risk in a.risks:
        actual.setdefault(risk.id, []).append(risk.severity.value)
    if expect.risks is not None:
        wanted = set(expect.risks)
        have = set(actual)
        if wanted != have:
            missing = sorted(wanted - have)
            extra = sorted(have - wanted)
            detail = "; ".join(
                part
                for part in (
                    f"missing {', '.join(missing)}" if missing else "",
                    f"unexpected {', '.join(extra)}" if extra else "",
                )
                if part
            )
            found.append(
                Mismatch(
                    "risks",
                    f"exactly [{', '.join(sorted(wanted))}]",
                    f"[{', '.join(sorted(have))}] ({detail})",
                    _risk_notes(a, extra) + _missing_notes(a, missing, registry),
                )
            )
        found.extend(_severities(expect.risks, actual, a))
    if expect.risks_include:
        missing = sorted(set(expect.risks_include) - set(actual))
        if missing:
            found.append(
                Mismatch(
                    "risks_include",
                    f"at least [{', '.join(sorted(expect.risks_include))}]",
                    f"[{', '.join(sorted(actual))}] (missing {', '.join(missing)})",
                    _missing_notes(a, missing, registry),
                )
            )
        found.extend(_severities(expect.risks_include, actual, a))
    unwanted = sorted(set(expect.risks_exclude) & set(actual))
    if unwanted:
        found.append(
            Mismatch(
                "risks_exclude",
                f"none of [{', '.join(expect.risks_exclude)}]",
                f"[{', '.join(unwanted)}] flagged",
                _risk_notes(a, unwanted),
            )
        )
    if expect.score is not None:
        low, high = expect.score
        if not low <= a.score <= high:
            wanted_score = f"{low:g}" if low == high else f"a score from {low:g} to {high:g}"
            found.append(
                Mismatch(
                    "score",
                    wanted_score,
                    f"{a.score:g}",
                    tuple(
                        f"{c.title}: {'n/a' if c.score is None else f'{c.score:.1f}'}"
                        for c in a.criteria
                    ),
                )
            )
    if expect.grade is not None and a.grade not in expect.grade:
        notes = [f"score {a.score:g}"]
        if a.cap is not None:
            notes.append(
                f"capped from {a.uncapped_grade} to {a.cap.max_grade} by {a.cap.risk_id} "
                f"({a.cap.severity.value})"
            )
        found.append(Mismatch("grade", _either(expect.grade), a.grade, tuple(notes)))
    return found


def _either(values: Sequence[str]) -> str:
    return values[0] if len(values) == 1 else "one of " + ", ".join(values)


def _notes(evidence: Sequence[Evidence]) -> tuple[str, ...]:
    return tuple(f"{e.location}: {e.note}" for e in evidence)


def _risk_notes(a: Assessment, ids: Sequence[str]) -> tuple[str, ...]:
    notes: list[str] = []
    for risk in a.risks:
        if risk.id in ids:
            where = f"{risk.evidence[0].location}: " if risk.evidence else ""
            notes.append(
                f"{where}{risk.id} ({risk.severity.value}, {risk.check_id}): {risk.finding}"
            )
    return tuple(notes)


def _missing_notes(
    a: Assessment, ids: Sequence[str], registry: Mapping[str, Check]
) -> tuple[str, ...]:
    """For risks not flagged: the level and evidence of each check that can raise them."""
    return tuple(
        f"{ind.check_id} gave {ind.level}: "
        + "; ".join(f"{e.location}: {e.note}" for e in ind.evidence)
        for c in a.criteria
        for ind in c.indicators
        if ind.check_id in registry and set(ids) & set(registry[ind.check_id].risks)
    )


def _severities(
    expected: Mapping[str, Severity | None], actual: Mapping[str, list[str]], a: Assessment
) -> list[Mismatch]:
    found = []
    for risk_id, severity in expected.items():
        if severity is None or risk_id not in actual:
            continue
        if severity not in actual[risk_id]:
            found.append(
                Mismatch(
                    f"{risk_id} severity",
                    severity,
                    ", ".join(actual[risk_id]),
                    _risk_notes(a, [risk_id]),
                )
            )
    return found


def format_results(run: RunResult, *, verbose: bool = False) -> str:
    """The plain-text report: each failing case (every passing one too with ``verbose``)."""
    lines: list[str] = []
    for result in run.results:
        case = result.case
        if result.passed:
            if verbose:
                lines.append(f"{case.location}: pass: {case.name}")
            continue
        lines.append(f"{case.location}: FAIL: {case.name}")
        for mismatch in result.mismatches:
            lines.append(f"    {mismatch}")
            lines.extend(f"        {note}" for note in mismatch.notes)
    lines.append(run.summary)
    return "\n".join(lines) + "\n"


# --- examples for ``policycheck explain`` -------------------------------------------------


def dump_yaml(data: Any) -> str:
    """Plain values as YAML, keys in their order, short lists inline (a test case's proposal)."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = None
    yaml.allow_unicode = True
    yaml.width = 96
    yaml.representer.sort_base_mapping_type_on_output = False
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


_IDENTITY = ("schema_version", "id", "title", "summary", "status", "date", "sources")


def examples(
    loaded: LoadedRubric, check_id: str, points: Mapping[str, float]
) -> tuple[Example | None, Example | None]:
    """Cases of the rubric's test files (the rubric's first, then those of what it extends)
    that reach ``check_id``'s best and its worst level (see ``examples_from_cases``)."""
    check = loaded.registry[check_id]
    passes: Example | None = None
    fails: Example | None = None
    for source in loaded.sources:
        found = cases_document(source)
        if found is None:
            continue
        p, f = examples_from_cases(found.data, check, points, found.origin)
        passes, fails = passes or p, fails or f
        if passes and fails:
            break
    return passes, fails


def examples_from_cases(
    data: Any, check: Check, points: Mapping[str, float], origin: str
) -> tuple[Example | None, Example | None]:
    """Cases of a rubric test file that reach ``check``'s best and its worst level.

    A valid case (see ``_CaseSpec``; an invalid one is ignored here, ``rubric test``
    reports it) counts when it expects one level of the check and gives its proposal
    inline. Cases made for the check (``check: ID``, or a name that starts with the id)
    come first, then short ones (``extends_minimal``), then the file's order.
    """
    cases = data.get("cases") if isinstance(data, dict) else None
    if not isinstance(cases, list) or not points:
        return None, None
    top, bottom = max(points.values()), min(points.values())
    found: list[tuple[float, tuple[int, int, int, int], Example]] = []
    for n, raw in enumerate(cases):
        try:
            case = _CaseSpec.model_validate(raw)
        except ValidationError:
            continue
        levels = case.expect.levels.get(check.id, ())
        if len(levels) != 1 or levels[0] not in points:
            continue
        level = levels[0]
        if case.extends_minimal is not None:
            text, short = dump_yaml(case.extends_minimal) if case.extends_minimal else "", 0
        elif case.proposal is not None:
            shown = {k: v for k, v in case.proposal.items() if k not in _IDENTITY}
            text, short = dump_yaml(shown) if shown else "", 1
        else:
            continue
        focused = case.check == check.id or case.name.split(" ", 1)[0] == check.id
        expected = [*(case.expect.risks or {}), *case.expect.risks_include]
        example = Example(
            level,
            text,
            tuple(r for r in dict.fromkeys(expected) if r in check.risks),
            f"test case '{case.name}' of {origin}",
            minimal=short == 0,
        )
        found.append((points[level], (0 if focused else 1, short, text.count("\n"), n), example))
    best = [f for f in found if f[0] == top]
    worst = [f for f in found if f[0] == bottom and bottom < top]
    return (
        min(best, key=lambda f: f[1])[2] if best else None,
        min(worst, key=lambda f: f[1])[2] if worst else None,
    )


__all__ = [
    "Case",
    "CaseFile",
    "CaseResult",
    "Expect",
    "Mismatch",
    "RunResult",
    "case_file_for",
    "compare",
    "format_results",
    "load_cases",
    "run_cases",
]
