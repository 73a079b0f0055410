"""The JSON result (``--format json``): documented, versioned, stable key order.

Schema version 1. Top level: ``schema_version``, ``tool`` {name, version},
``generated_at``, ``rubric`` {id, version, title, sha256}, ``reference_digest``,
``grade_bands``, ``summary`` {files, assessed, invalid, grades}, and ``results``:
one per file, in the order assessed, each either ``status: "assessed"`` with
``proposal``, ``score``, ``grade``, ``uncapped_grade``, ``cap``, ``criteria``
(with ``indicators``), ``risks`` and ``improvements``, or ``status: "invalid"``
with ``problems``. Every piece of evidence has a ``location`` {file, line,
column, path} and ``sources``: the ids of the file's ``sources`` (listed, with
title, url and date, under the result's ``sources``) its note cites. Each risk
lists the ``references`` it rests on: reference-data facts with their dataset,
as-of date and sources. See README "JSON result".
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic_core import PydanticSerializationError, to_json

from policycheck.assessment import (
    Assessment,
    Cap,
    Citation,
    Evidence,
    Failure,
    GateResult,
    Location,
    ReferenceFact,
    Report,
    RubricInfo,
    Waiver,
    cited_sources,
)
from policycheck.errors import Problem

RESULT_SCHEMA_VERSION = 1


def num(value: float | None) -> float | None:
    """A score or share as stored in JSON: two decimals."""
    return None if value is None else round(value, 2)


def location(loc: Location) -> dict[str, Any]:
    """A location as stored in JSON."""
    return {"column": loc.column, "file": loc.file, "line": loc.line, "path": loc.path}


def _evidence(
    items: tuple[Evidence, ...], sources: tuple[Citation, ...] = ()
) -> list[dict[str, Any]]:
    """Evidence with the ids of the file's sources each note cites (resolved under ``sources``)."""
    return [
        {
            # ``location``, written out: a report has some forty pieces of evidence
            "location": {"column": at.column, "file": at.file, "line": at.line, "path": at.path},
            "note": e.note,
            "sources": [c.id for c in cited_sources(e.note, sources)] if sources else [],
        }
        for e in items
        for at in (e.location,)
    ]


def citation_dict(c: Citation) -> dict[str, Any]:
    """A source as stored in JSON."""
    return {"date": c.date, "id": c.id, "title": c.title, "url": c.url}


def reference_dict(f: ReferenceFact) -> dict[str, Any]:
    """A reference fact a risk rests on, with its sources and as-of date."""
    return {
        "as_of": f.as_of,
        "dataset": f.dataset,
        "fact": f.fact,
        "sources": [citation_dict(c) for c in f.sources],
    }


def cap_dict(cap: Cap | None) -> dict[str, Any] | None:
    """A grade cap as stored in JSON."""
    if cap is None:
        return None
    return {"max_grade": cap.max_grade, "risk": cap.risk_id, "severity": cap.severity.value}


def assessment_dict(a: Assessment) -> dict[str, Any]:
    """An assessed result as stored in JSON. Here, in ``failure_dict`` and in the helpers
    they call, every dict is written with its keys in sorted order: a result's text is
    written without sorting them (``_dumps_in_order``)."""
    return {
        "cap": cap_dict(a.cap),
        "cited": num(a.cited),
        "coverage": num(a.coverage),
        "criteria": [
            {
                "counters": c.counters,
                "coverage": num(c.coverage) if c.low is not None else None,
                "id": c.id,
                "indicators": [
                    {
                        "check_id": i.check_id,
                        "contribution": num(i.contribution),
                        "evidence": _evidence(i.evidence, a.sources),
                        "improve": i.improve,
                        "level": i.level,
                        "points": num(i.points),
                        "reference_gap": i.gap,
                        "share": num(i.share),
                        "status": i.status.value,
                        "title": i.title,
                        "weight": i.weight,
                    }
                    for i in c.indicators
                ],
                "score": num(c.score),
                "score_range": None if c.low is None else [num(c.low), num(c.high)],
                "title": c.title,
                "weight": c.weight,
            }
            for c in a.criteria
        ],
        "file": a.file,
        "file_sha256": a.file_sha256,
        "grade": a.grade,
        "grade_range": [a.grade_low, a.grade_high],
        "improvements": [
            {
                "advice": m.advice,
                "check_id": m.check_id,
                "gain": m.gain,
                "location": location(m.location),
                "reference_data_gap": m.data_gap,
                "title": m.title,
            }
            for m in a.improvements
        ],
        "kind": list(a.shapes),
        "proposal": {
            "id": a.proposal_id,
            "lead": a.lead,
            "participants": list(a.participants),
            "status": a.status,
            "title": a.title,
        },
        "provisional": a.provisional,
        "risks": [
            {
                "brief": r.brief,
                "check_id": r.check_id,
                "evidence": _evidence(r.evidence, a.sources),
                "family": r.family.value,
                "finding": r.finding,
                "fingerprint": r.fingerprint,
                "id": r.id,
                "location": location(r.evidence[0].location) if r.evidence else None,
                "mitigation": r.mitigation,
                "references": [reference_dict(f) for f in r.references],
                "severity": r.severity.value,
                "title": r.title,
                "waived": r.waived,
                "waiver": None
                if r.waiver is None
                else {"active": r.waiver.active, **_waiver(r.waiver.waiver)},
            }
            for r in a.risks
        ],
        "score": num(a.score),
        "score_range": [num(a.score_low), num(a.score_high)],
        "sources": [citation_dict(c) for c in a.sources],
        "status": "assessed",
        "uncapped_grade": a.uncapped_grade,
        "warnings": _evidence(a.warnings),
    }


def _waiver(w: Waiver) -> dict[str, Any]:
    return {
        "expires": w.expires.isoformat(),
        "justification": w.justification,
        "origin": w.origin,
        "owner": w.owner,
        "proposal": w.proposal,
        "target": w.target,
    }


def gate_dict(gate: GateResult) -> dict[str, Any]:
    return {
        "passed": gate.passed,
        "soft": gate.soft,
        "thresholds": list(gate.thresholds),
        "breaches": [
            {
                "kind": b.kind,
                "file": b.file,
                "proposal": b.proposal_id,
                "message": b.message,
                "line": b.line,
                "column": b.column,
                "criterion": b.criterion,
                "risk_fingerprint": b.risk_fingerprint,
            }
            for b in gate.breaches
        ],
        "expired_waivers": [_waiver(w) for w in gate.expired_waivers],
        "unused_waivers": [_waiver(w) for w in gate.unused_waivers],
        "absorbed_by_baseline": gate.absorbed_by_baseline,
    }


def failure_dict(f: Failure) -> dict[str, Any]:
    return {
        "file": f.file,
        "problems": [
            {"column": p.column, "file": p.file, "line": p.line, "message": p.message}
            for p in f.problems
        ],
        "status": "invalid",
    }


def rubric_dict(rubric: RubricInfo) -> dict[str, str]:
    """The rubric a document was made with, as every JSON document of the tool names it."""
    return {
        "id": rubric.id,
        "version": rubric.version,
        "title": rubric.title,
        "sha256": rubric.sha256,
    }


def _head(report: Report) -> dict[str, Any]:
    """Every top-level key but ``results`` and ``summary``."""
    return {
        "schema_version": RESULT_SCHEMA_VERSION,
        "tool": {"name": "policycheck", "version": report.tool_version},
        "generated_at": report.generated_at,
        "rubric": rubric_dict(report.rubric),
        "reference_digest": report.reference_digest,
        "grade_bands": dict(report.grade_bands),
        "coverage": {"minimum": num(report.min_coverage), "rule": report.unknown_rule},
        "gate": None if report.gate is None else gate_dict(report.gate),
        **_uncertainty(report),
    }


def _uncertainty(report: Report) -> dict[str, Any]:
    """``uncertainty``, only when the run asked for it (otherwise the document is unchanged)."""
    if report.uncertainty is None:
        return {}
    from policycheck.render.uncertainty import to_dict

    return {"uncertainty": to_dict(report.uncertainty)}


class _Tally:
    """The ``summary`` of the results seen so far."""

    def __init__(self) -> None:
        self.files = self.assessed = self.invalid = 0
        self.grades: dict[str, int] = {}

    def add(self, grade: str | None) -> None:
        """Count one result: its grade, or None for a file that could not be assessed."""
        self.files += 1
        if grade is not None:
            self.assessed += 1
            self.grades[grade] = self.grades.get(grade, 0) + 1
        else:
            self.invalid += 1

    def summary(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "assessed": self.assessed,
            "invalid": self.invalid,
            "grades": self.grades,
        }


def _result(r: Assessment | Failure) -> dict[str, Any]:
    return assessment_dict(r) if isinstance(r, Assessment) else failure_dict(r)


def report_dict(report: Report) -> dict[str, Any]:
    """The whole document as one dict (``chunks`` writes the same without building it)."""
    tally = _Tally()
    for r in report.results:
        tally.add(r.grade if isinstance(r, Assessment) else None)
    results = [_result(r) for r in report.results]
    return {**_head(report), "results": results, "summary": tally.summary()}


_dumps = functools.partial(json.dumps, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
#: For the rare result ``to_json`` refuses (below).
_dumps_in_order = functools.partial(
    json.dumps, ensure_ascii=False, separators=(",", ":"), check_circular=False
)


def _in_order(tree: dict[str, Any]) -> bytes:
    """A result's dict, built with its keys in order, as ``_dumps`` writes it, in UTF-8.

    pydantic-core's encoder writes a result in a third of the time ``json.dumps`` takes
    (sorting the keys took half of that), and as bytes, which cross to the main process
    and go out as they are: the same text, but for a float between 1e-9 and 1e-4, which
    it spells out (``0.00001`` for ``1e-05``). It refuses a lone surrogate: no validated
    proposal holds one (pydantic refuses it, and file names are escaped before they reach
    a result), but a result made through the library may. Such a result is written by
    ``json.dumps``, the surrogate as a JSON escape (``\\udce9``, as standard output
    escaped it).
    """
    try:
        return to_json(tree)
    except PydanticSerializationError:
        return _utf8(_dumps_in_order(tree))


def _utf8(text: str) -> bytes:
    """JSON text in UTF-8, a lone surrogate in it as a JSON escape (the same string, and
    text any stream can carry)."""
    try:
        return text.encode()
    except UnicodeEncodeError:
        return re.sub("[\ud800-\udfff]", lambda m: f"\\u{ord(m[0]):04x}", text).encode()


@dataclass(frozen=True, slots=True)
class RenderedResult:
    """One result already written as JSON (UTF-8), with what the summary and stderr need."""

    data: bytes
    grade: str | None
    problems: tuple[Problem, ...]
    file: str
    proposal_id: str | None
    file_sha256: str
    #: A check failed on the file (see ``Failure.internal``).
    internal: bool = False


def rendered(result: Assessment | Failure, *, text: bool = True) -> RenderedResult:
    """A result as JSON (module-level, so worker processes can apply it); without
    ``text``, only what the summary and stderr need (the JSON is empty)."""
    grade = result.grade if isinstance(result, Assessment) else None
    problems = result.problems if isinstance(result, Failure) else ()
    pid = result.proposal_id if isinstance(result, Assessment) else None
    internal = isinstance(result, Failure) and result.internal
    written = _in_order(_result(result)) if text else b""
    return RenderedResult(written, grade, problems, result.file, pid, result.file_sha256, internal)


def chunks(
    report: Report,
    results: Iterable[Assessment | Failure] | None = None,
    *,
    prerendered: Iterable[RenderedResult] | None = None,
) -> Iterator[bytes]:
    """The document in UTF-8, compact, a result at a time: a batch of 10,000 is never held
    whole.

    Results are the report's, or ``results`` (a live iterator, written as each
    arrives), or ``prerendered`` (results already written by ``rendered``).
    The text is that of ``json.dumps(report_dict(report), sort_keys=True,
    separators=(",", ":"))`` plus a newline (a result's tiny floats aside: ``_in_order``).
    """
    head = _head(report)
    tally = _Tally()
    if prerendered is None:
        prerendered = map(rendered, report.results if results is None else results)
    yield b"{"
    for n, key in enumerate(sorted([*head, "results", "summary"])):
        yield _utf8(("," if n else "") + _dumps(key) + ":")
        if key == "results":
            yield b"["
            for i, item in enumerate(prerendered):
                tally.add(item.grade)
                yield b"," + item.data if i else item.data
            yield b"]"
        elif key == "summary":
            yield _utf8(_dumps(tally.summary()))
        else:
            yield _utf8(_dumps(head[key]))
    yield b"}\n"


def render(report: Report) -> str:
    return b"".join(chunks(report)).decode()
