"""Pure helpers behind ``rules``, ``explain`` and ``rubric``: what a rubric's checks and risks are.

Nothing here prints, exits or reads files: the commands read, these functions
turn a loaded rubric (and the YAML documents it came from) into plain
documents (for JSON and text), examples, suggestions and lint findings.
"""

from __future__ import annotations

import difflib
import inspect
import math
from collections.abc import Iterable, Sequence
from typing import Any

from policycheck.checks import REGISTRY, Check
from policycheck.checks.examples import Example
from policycheck.loading import Document
from policycheck.rubric import Indicator, LoadedRubric, Rubric

_TEXTS = ("title", "rationale", "brief", "improve", "description", "mitigation", "means")


# --- numbers and names ---------------------------------------------------------------------


def num(value: float) -> int | float:
    """``3.0`` as ``3`` (for JSON and text); other values unchanged."""
    return int(value) if math.isfinite(value) and value == int(value) else value


def fmt(value: float) -> str:
    n = num(value)
    return f"{n:g}" if isinstance(n, float) else str(n)


def pct(share: float) -> str:
    """A share as a percentage with one decimal, halves rounded up (6.25 → 6.3%)."""
    return f"{math.floor(share * 1000 + 0.5) / 10:.1f}%"


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def suggest(word: str, candidates: Iterable[str]) -> list[str]:
    """Close matches of ``word`` (case-insensitive), best first."""
    by_upper = {c.upper(): c for c in candidates}
    hits = difflib.get_close_matches(word.upper(), list(by_upper), n=3, cutoff=0.5)
    return [by_upper[h] for h in hits]


def first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


# --- what a rubric uses -------------------------------------------------------------------


def is_declared(loaded: LoadedRubric, check_id: str) -> bool:
    return check_id in loaded.rubric.checks


def _shares(rubric: Rubric) -> dict[str, tuple[str, float, float]]:
    """For each indicator: its criterion, share of the criterion and nominal share of the total."""
    total = sum(c.weight for c in rubric.criteria.values())
    out: dict[str, tuple[str, float, float]] = {}
    for cid, criterion in rubric.criteria.items():
        inner = sum(i.weight for i in criterion.indicators.values())
        for iid, ind in criterion.indicators.items():
            share = ind.weight / inner if inner else 0.0
            out[iid] = (cid, share, share * criterion.weight / total if total else 0.0)
    return out


def _risk_refs(rubric: Rubric, risk_ids: Iterable[str]) -> list[dict[str, Any]]:
    refs = []
    for rid in risk_ids:
        spec = rubric.risks.get(rid)
        refs.append(
            {
                "id": rid,
                "title": spec.title if spec else None,
                "family": spec.family if spec else None,
                "severity": spec.severity if spec else None,
            }
        )
    return refs


def used_checks(loaded: LoadedRubric) -> list[dict[str, Any]]:
    """Every check the rubric uses, in the rubric's order, as plain values."""
    rubric = loaded.rubric
    shares = _shares(rubric)
    rows = []
    for cid, criterion in rubric.criteria.items():
        for iid, ind in criterion.indicators.items():
            check = loaded.registry[iid]
            _, share, overall = shares[iid]
            rows.append(
                {
                    "id": iid,
                    "criterion": cid,
                    "criterion_title": criterion.title,
                    "title": ind.title,
                    "weight": num(ind.weight),
                    "share_of_criterion": round(share, 4),
                    "share_of_total": round(overall, 4),
                    "kind": "declared" if is_declared(loaded, iid) else "built-in",
                    "levels": list(check.levels),
                    "looks_at": list(check.looks_at),
                    "applies_to": check.scope.description,
                    "risks": _risk_refs(rubric, check.risks),
                }
            )
    return rows


def unused_checks(loaded: LoadedRubric) -> list[dict[str, Any]]:
    """Built-in checks the rubric does not use, by id."""
    used = {iid for c in loaded.rubric.criteria.values() for iid in c.indicators}
    return [
        {
            "id": check.id,
            "criterion": check.criterion,
            "summary": first_line(check.doc),
            "kind": "unused",
            "levels": list(check.levels),
            "looks_at": list(check.looks_at),
            "risks": _risk_refs(loaded.rubric, check.risks),
        }
        for check in sorted(REGISTRY.values(), key=lambda c: c.id)
        if check.id not in used
    ]


def rubric_ref(loaded: LoadedRubric) -> dict[str, Any]:
    r = loaded.rubric
    return {
        "id": r.id,
        "version": r.version,
        "title": r.title,
        "origin": loaded.origin,
        "chain": list(loaded.chain),
        "sha256": loaded.sha256,
    }


def rules_document(loaded: LoadedRubric) -> dict[str, Any]:
    """The ``rules --format json`` document: checks sorted by id."""
    return {
        "schema_version": 1,
        "rubric": rubric_ref(loaded),
        "checks": sorted(used_checks(loaded), key=lambda row: row["id"]),
        "unused": unused_checks(loaded),
    }


# --- one check or risk ----------------------------------------------------------------------


def known_ids(loaded: LoadedRubric) -> list[str]:
    """Every id ``explain`` knows: the rubric's checks, unused built-ins and the risks."""
    return sorted({*loaded.registry, *loaded.rubric.risks})


def _example_doc(example: Example | None) -> dict[str, Any] | None:
    if example is None:
        return None
    return {
        "level": example.level,
        "yaml": example.yaml,
        "risks": list(example.risks),
        "source": example.source,
        "minimal": example.minimal,
    }


def check_document(
    loaded: LoadedRubric,
    check_id: str,
    examples: tuple[Example | None, Example | None] = (None, None),
) -> dict[str, Any]:
    """Everything ``explain`` says about a check (used or not by the rubric)."""
    rubric = loaded.rubric
    check: Check = loaded.registry[check_id]
    where = rubric.indicator(check_id)
    doc: dict[str, Any] = {
        "id": check_id,
        "type": "check",
        "kind": "declared" if is_declared(loaded, check_id) else "built-in",
        "used": where is not None,
        "criterion": check.criterion,
        "looks_at": list(check.looks_at),
        "doc": inspect.cleandoc(check.doc),
        "risks": [
            {
                **ref,
                "mitigation": rubric.risks[ref["id"]].mitigation if ref["severity"] else None,
                "brief": rubric.risks[ref["id"]].brief if ref["severity"] else None,
            }
            for ref in _risk_refs(rubric, check.risks)
        ],
        "examples": {"passes": _example_doc(examples[0]), "fails": _example_doc(examples[1])},
        "applies_to": check.scope.description,
        "coverage": {
            "minimum": num(rubric.coverage.minimum),
            "rule": rubric.coverage.rule,
        },
    }
    if where is not None:
        cid, ind = where
        _, share, overall = _shares(rubric)[check_id]
        criterion = rubric.criteria[cid]
        doc.update(
            criterion=cid,
            criterion_title=criterion.title,
            title=ind.title,
            weight=num(ind.weight),
            share_of_criterion=round(share, 4),
            share_of_total=round(overall, 4),
            rationale=ind.rationale,
            brief=ind.brief,
            improve=ind.improve,
            levels=[
                {"level": lv, "points": num(ind.levels[lv].points), "means": ind.levels[lv].means}
                for lv in _level_order(check, ind)
            ],
        )
    else:
        doc["levels"] = [{"level": lv, "points": None, "means": None} for lv in check.levels]
    spec = rubric.checks.get(check_id)
    if spec is not None:
        doc["rules"] = {
            "not_applicable_when": spec.not_applicable_when,
            "insufficient_when": spec.insufficient_when,
            "levels": [{"level": r.level, "when": r.when} for r in spec.levels],
            "otherwise": spec.otherwise,
            "risks": [
                {"risk": r.risk, "when": r.when, "finding": r.finding, "severity": r.severity}
                for r in spec.risks
            ],
        }
    return doc


def _level_order(check: Check, ind: Indicator) -> list[str]:
    """The check's levels first (its order), then any the rubric adds."""
    return [
        *(lv for lv in check.levels if lv in ind.levels),
        *(lv for lv in ind.levels if lv not in check.levels),
    ]


def risk_document(loaded: LoadedRubric, risk_id: str) -> dict[str, Any]:
    """Everything ``explain`` says about a risk, with the checks that can raise it."""
    rubric = loaded.rubric
    spec = rubric.risks[risk_id]
    used = {iid for c in rubric.criteria.values() for iid in c.indicators}
    raisers: list[dict[str, Any]] = []
    for check in sorted(loaded.registry.values(), key=lambda c: c.id):
        if risk_id in check.risks:
            where = rubric.indicator(check.id)
            raisers.append(
                {
                    "id": check.id,
                    "used": check.id in used,
                    "kind": "declared" if is_declared(loaded, check.id) else "built-in",
                    "title": where[1].title if where else None,
                }
            )
    return {
        "id": risk_id,
        "type": "risk",
        "title": spec.title,
        "family": spec.family,
        "severity": spec.severity,
        "mitigation": spec.mitigation,
        "brief": spec.brief,
        "raised_by": raisers,
    }


def disabled(docs: Sequence[Document]) -> list[dict[str, str]]:
    """The checks each file of the chain disables (the rubric first)."""
    out = []
    for doc in docs:
        items = doc.data.get("disable") if isinstance(doc.data, dict) else None
        for item in items if isinstance(items, list) else []:
            out.append({"id": str(item), "by": doc.origin})
    return out


def rubric_document(loaded: LoadedRubric, docs: Sequence[Document]) -> dict[str, Any]:
    """The ``rubric show --format json`` document."""
    rubric = loaded.rubric
    total = sum(c.weight for c in rubric.criteria.values())
    shares = _shares(rubric)
    criteria = []
    for cid, c in rubric.criteria.items():
        indicators = []
        for iid, ind in c.indicators.items():
            check = loaded.registry[iid]
            indicators.append(
                {
                    "id": iid,
                    "title": ind.title,
                    "weight": num(ind.weight),
                    "share_of_criterion": round(shares[iid][1], 4),
                    "share_of_total": round(shares[iid][2], 4),
                    "kind": "declared" if is_declared(loaded, iid) else "built-in",
                    "levels": [
                        {
                            "level": lv,
                            "points": num(ind.levels[lv].points),
                            "means": ind.levels[lv].means,
                        }
                        for lv in _level_order(check, ind)
                    ],
                    "risks": list(check.risks),
                }
            )
        criteria.append(
            {
                "id": cid,
                "title": c.title,
                "weight": num(c.weight),
                "share_of_total": round(c.weight / total, 4) if total else 0.0,
                "counters": c.counters,
                "brief": c.brief,
                "indicators": indicators,
            }
        )
    return {
        "schema_version": 1,
        "rubric": rubric_ref(loaded),
        "source": rubric.source.model_dump(mode="json"),
        "criteria": criteria,
        "grades": {g: num(v) for g, v in rubric.grades.items()},
        "caps": dict(rubric.caps),
        "coverage": {
            "minimum": num(rubric.coverage.minimum),
            "rule": rubric.coverage.rule,
        },
        "risks": [
            {"id": rid, "title": r.title, "family": r.family, "severity": r.severity}
            for rid, r in sorted(rubric.risks.items())
        ],
        "disabled": disabled(docs),
        "declared": [
            {
                "id": xid,
                "criterion": loaded.registry[xid].criterion,
                "description": spec.description,
            }
            for xid, spec in sorted(rubric.checks.items())
        ],
    }
