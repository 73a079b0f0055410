"""Pure helpers behind ``rules``, ``explain`` and ``rubric``: what a rubric's checks and risks are.

Nothing here prints, exits or reads files: the commands read, these functions
turn a loaded rubric (and the YAML documents it came from) into plain
documents (for JSON and text), examples, suggestions and lint findings.
"""

from __future__ import annotations

import difflib
import inspect
import io
import itertools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from policycheck.checks import REGISTRY, Check
from policycheck.errors import Problem
from policycheck.loading import Document
from policycheck.rubric import Indicator, LoadedRubric, Rubric

#: The proposal every built-in example is added to (a ``participants:`` line replaces its own).
MINIMAL = """\
schema_version: 1
id: example
title: Example initiative
status: proposed
participants: [AL]
"""

_TEXTS = ("title", "rationale", "brief", "improve", "description", "mitigation", "means")


@dataclass(frozen=True, slots=True)
class Example:
    """A proposal fragment and the level (and risks of the check) it gives."""

    level: str
    yaml: str
    risks: tuple[str, ...] = ()
    #: ``built-in`` or where it comes from (a rubric test case).
    source: str = "built-in"
    #: The fragment is added to ``MINIMAL`` (else it is a whole proposal, identity keys left out).
    minimal: bool = True


def _ex(level: str, yaml: str, *risks: str) -> Example:
    return Example(level, yaml, tuple(risks))


#: An EU defence partnership with one regional state: where the normative and framework checks apply.
_EU = (
    "lead: EU\nparticipants: [{country: EU, role: lead}, {country: AL, role: partner}]\n"
    "activities: [training]\n"
)


def _claim(
    section: str, key: str, statement: str, evidence: str, context: str = "", *risks: str
) -> tuple[Example, Example]:
    return (
        _ex(
            "evidenced",
            f'{context}{section}:\n  {key}: {{statement: {statement}, evidence: ["{evidence}"]}}\n',
        ),
        _ex("absent", f"{context}{section}:\n  {key}: false\n", *risks),
    )


_TANKS = "participants: [ME]\nequipment:\n  - {{system: Tank, category: battle-tank, quantity: {n}, recipient: ME}}\n"

#: For each built-in check: a fragment that reaches its best level and one that reaches its
#: worst, with the risks the check then raises. ``tests/test_rules_rubric_cmds.py`` assesses
#: each (``with_minimal``) and asserts the level and risks given here.
EXAMPLES: dict[str, tuple[Example, Example]] = {
    "NS01": (
        _ex(
            "evidenced",
            _EU
            + 'safeguards:\n  human_security: {statement: Civilian-protection clause, evidence: ["Art. 4"]}\n',
        ),
        _ex(
            "absent",
            _EU + "safeguards:\n  human_security: false\n  democratic_conditionality: false\n",
            "NE01",
        ),
    ),
    "NS02": _claim(
        "safeguards", "democratic_conditionality", "Rule-of-law benchmarks", "Art. 9", _EU
    ),
    "NS03": (
        _ex(
            "evidenced",
            "activities: [raw-materials]\nsafeguards:\n  local_consultation: "
            '{statement: Public hearings held, evidence: ["https://example.org/hearings"]}\n',
        ),
        _ex(
            "absent",
            "activities: [raw-materials]\nsafeguards:\n  local_consultation: false\n",
            "NE02",
        ),
    ),
    "NS04": _claim(
        "safeguards", "socio_economic_benefits", "Local jobs and services", "Annex II", _EU
    ),
    "NS05": _claim(
        "safeguards", "economic_interdependence", "Regional supply chains", "Art. 10", _EU
    ),
    "RI01": (
        _ex("region-wide", "participants: [AL, BA, ME, MK, RS, XK]\nactivities: [training]\n"),
        _ex(
            "narrow",
            "participants: [AL, XK]\nactivities: [training]\nregional:\n  open_to_join: false\n",
            "RF01",
        ),
    ),
    "RI02": (
        _ex("none", "participants: [AL, BA, HR, ME, MK, RS, XK]\nactivities: [training]\n"),
        _ex("high", "participants: [AL, HR, XK]\nactivities: [joint-exercises]\n", "CE01"),
    ),
    "RI03": (
        _ex(
            "evidenced",
            _EU + 'regional:\n  formats:\n    - {format: berlin-process, evidence: ["Art. 14"]}\n',
        ),
        _ex("absent", _EU + "regional:\n  formats: []\n"),
    ),
    "RI04": (
        _ex(
            "strong",
            _EU + "regional:\n  coordination: "
            '{statement: Coordinated with the EU partnerships, evidence: ["Art. 12"]}\n'
            "  joint_planning: true\n",
        ),
        _ex(
            "absent",
            _EU + "regional:\n  coordination: false\n  joint_planning: false\n"
            "  interoperability: false\n",
        ),
    ),
    "RI05": (
        _ex("long-term", _EU + "horizon_years: 15\nthreats: [hybrid, cyber]\n"),
        _ex("reactive", _EU + "horizon_years: 2\nthreats: [migration]\n", "RF04"),
    ),
    "RI06": (
        _ex("none", "external_actors: []\n"),
        _ex(
            "high",
            "participants: [RS]\nexternal_actors:\n  - {country: RU, involvement: supplier}\n",
            "RF03",
        ),
    ),
    "RI07": (
        _ex(
            "evidenced",
            "participants: [RS, XK]\nregional:\n  status_neutral: "
            '{statement: Status-neutral footnote, evidence: ["Art. 3"]}\n',
        ),
        _ex("absent", "participants: [ES, XK]\nregional:\n  status_neutral: false\n", "RF05"),
    ),
    "RI08": _claim(
        "regional", "avoids_duplication", "Folds in existing programmes", "Art. 12", _EU
    ),
    "RI09": _claim(
        "safeguards", "regional_ownership", "Priorities agreed with the partner", "Art. 5", _EU
    ),
    "AC01": (
        _ex("within", _TANKS.format(n=10)),
        _ex("exceeded", _TANKS.format(n=80), "CE02"),
    ),
    "AC02": (
        _ex("none", _TANKS.format(n=10)),
        _ex(
            "to-disputant",
            "participants: [XK, {country: TR, role: supplier}]\nequipment:\n"
            "  - {system: Bayraktar TB2, category: armed-drone, quantity: 5, supplier: TR, recipient: XK}\n",
            "CE03",
        ),
    ),
    "AC03": (
        _ex(
            "evidenced",
            "participants: [ME]\nactivities: [training]\narms_control:\n  srac_notification: "
            '{statement: Notified, evidence: ["Notification 2025/3"]}\n',
        ),
        _ex(
            "absent",
            "participants: [ME]\nactivities: [training]\narms_control:\n"
            "  srac_notification: false\n  srac_compliance: false\n",
        ),
    ),
    "AC04": (
        _ex(
            "evidenced",
            "activities: [joint-exercises]\narms_control:\n"
            '  exercise_notification: {statement: Notified, evidence: ["Art. 17"]}\n'
            '  observers: {statement: Neighbours invited, evidence: ["Art. 17"]}\n',
        ),
        _ex(
            "absent",
            "participants: [AL, HR, XK]\nactivities: [joint-exercises]\narms_control:\n"
            "  exercise_notification: false\n  observers: false\n",
            "CE04",
        ),
    ),
    "AC05": _claim(
        "arms_control",
        "dispute_sensitivity",
        "De-escalation channel",
        "Art. 18",
        "participants: [XK]\nactivities: [training]\n",
    ),
    "AC06": _claim(
        "arms_control",
        "capability_transparency",
        "Drones notified to neighbours",
        "Art. 16",
        "participants: [XK, {country: TR, role: supplier}]\nequipment:\n"
        "  - {system: Bayraktar TB2, category: armed-drone, quantity: 5, supplier: TR, recipient: XK}\n",
    ),
    "AC07": _claim(
        "arms_control",
        "depoliticised",
        "Directed at no third state",
        "Art. 2",
        "participants: [AL, HR, XK]\nactivities: [joint-exercises]\n",
    ),
    "TR01": _claim("transparency", "public_text", "Published", "https://example.org/text"),
    "TR02": (
        _ex(
            "regular-public",
            "transparency:\n  reporting: {cadence: annual, audience: [parliament, public]}\n",
        ),
        _ex("none", "transparency:\n  reporting: {cadence: none}\n"),
    ),
    "TR03": _claim(
        "transparency", "progress_indicators", "Indicators in Annex III", "Annex III", _EU
    ),
    "TR04": _claim("transparency", "parliamentary_oversight", "Reviewed yearly", "Law 12/2025"),
    "TR05": _claim(
        "transparency",
        "neighbour_information_sharing",
        "Neighbours briefed",
        "Art. 19",
        "activities: [training]\n",
    ),
}


def with_minimal(fragment: str) -> str:
    """``MINIMAL`` plus ``fragment``; a ``participants:`` key in ``fragment`` replaces MINIMAL's."""
    base = MINIMAL
    if re.search(r"^participants:", fragment, re.MULTILINE):
        base = base.replace("participants: [AL]\n", "")
    return base + fragment


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


# --- examples from a rubric's test cases ----------------------------------------------------


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


def _case_risks(expect: Mapping[str, Any]) -> list[str]:
    """The risk ids a case expects (``risks`` or ``risks_include``: ids, or id → severity)."""
    ids: list[str] = []
    for key in ("risks", "risks_include"):
        value = expect.get(key)
        if isinstance(value, str):
            value = [value]
        if isinstance(value, (list, dict)):
            ids += [str(r.get("id") if isinstance(r, dict) else r) for r in value]
    return list(dict.fromkeys(ids))


def examples_from_cases(
    data: Any, check: Check, points: Mapping[str, float], origin: str
) -> tuple[Example | None, Example | None]:
    """Cases of a rubric test file that reach ``check``'s best and its worst level.

    A case (``{name, check?, extends_minimal | proposal, expect: {levels: {ID: level},
    risks | risks_include}}``) counts when it expects one level of the check. Cases made
    for the check (``check: ID``, or a name that starts with the id) come first, then
    short ones (``extends_minimal``), then the file's order. Anything else is ignored.
    """
    cases = data.get("cases") if isinstance(data, dict) else None
    if not isinstance(cases, list) or not points:
        return None, None
    top, bottom = max(points.values()), min(points.values())
    found: list[tuple[float, tuple[int, int, int, int], Example]] = []
    for n, case in enumerate(cases):
        if not isinstance(case, dict) or not isinstance(case.get("expect"), dict):
            continue
        expect = case["expect"]
        levels = expect.get("levels")
        level = levels.get(check.id) if isinstance(levels, dict) else None
        if isinstance(level, list) and len(level) == 1:
            level = level[0]
        if not isinstance(level, str) or level not in points:
            continue
        minimal, body = case.get("extends_minimal"), case.get("proposal")
        if isinstance(minimal, dict):
            text, short = dump_yaml(minimal) if minimal else "", 0
        elif isinstance(body, dict):
            shown = {k: v for k, v in body.items() if k not in _IDENTITY}
            text, short = dump_yaml(shown) if shown else "", 1
        else:
            continue
        name = str(case.get("name", f"#{n + 1}"))
        focused = case.get("check") == check.id or name.split(" ", 1)[0] == check.id
        example = Example(
            level,
            text,
            tuple(r for r in _case_risks(expect) if r in check.risks),
            f"test case '{name}' of {origin}",
            minimal=short == 0,
        )
        found.append((points[level], (0 if focused else 1, short, text.count("\n"), n), example))
    best = [f for f in found if f[0] == top]
    worst = [f for f in found if f[0] == bottom and bottom < top]
    return (
        min(best, key=lambda f: f[1])[2] if best else None,
        min(worst, key=lambda f: f[1])[2] if worst else None,
    )


# --- rubric validation beyond the loader ------------------------------------------------------


def _has(node: Any, part: str | int) -> bool:
    if isinstance(node, dict):
        return isinstance(part, str) and part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


class Located:
    """Positions in a rubric's documents (child first): the first file holding a path wins."""

    def __init__(self, docs: Sequence[Document]) -> None:
        self.docs = list(docs)

    def find(self, path: tuple[str | int, ...]) -> tuple[Document, Any] | None:
        for doc in self.docs:
            node: Any = doc.data
            for part in path:
                if not _has(node, part):
                    break
                node = node[part]
            else:
                return doc, node
        return None

    def at(self, path: tuple[str | int, ...], message: str, *, key: bool = False) -> Problem:
        hit = self.find(path)
        if hit is None:
            for length in range(len(path) - 1, -1, -1):
                hit = self.find(path[:length])
                if hit is not None:
                    path = path[:length]
                    break
        if hit is None:
            return Problem(self.docs[0].origin, 1, 1, message)
        line, column = hit[0].position(path, key=key)
        return Problem(hit[0].origin, line, column, message)


def lint(loaded: LoadedRubric, docs: Sequence[Document]) -> list[Problem]:
    """Doubtful choices in a rubric that loads (warnings, located); see ``_warnings``.

    Problems that make a rubric unusable are the loader's to find (``load_rubric``).
    """
    return _warnings(loaded, Located(docs))


def _warnings(loaded: LoadedRubric, where: Located) -> list[Problem]:
    """Choices that load and score but are probably mistakes, each with its reason."""
    from policycheck.model import Proposal

    rubric = loaded.rubric
    warnings: list[Problem] = []
    # A more severe risk must not cap the grade less strictly than a milder one.
    caps = sorted(rubric.caps.items(), key=lambda kv: kv[0].rank)
    for (mild, mild_cap), (severe, severe_cap) in itertools.pairwise(caps):
        if severe_cap.rank < mild_cap.rank:
            warnings.append(
                where.at(
                    ("caps", severe),
                    f"a {severe} risk caps the grade at {severe_cap}, less strictly than a "
                    f"{mild} risk ({mild_cap})",
                )
            )
    for cid, criterion in rubric.criteria.items():
        for iid, ind in criterion.indicators.items():
            base = ("criteria", cid, "indicators", iid, "levels")
            points = {lv: spec.points for lv, spec in ind.levels.items()}
            if len(points) > 1 and len(set(points.values())) == 1:
                warnings.append(
                    where.at(
                        base,
                        f"{iid}: every level earns {fmt(next(iter(points.values())))} points, "
                        "so the indicator cannot change the score",
                        key=True,
                    )
                )
            elif not is_declared(loaded, iid):
                # Built-in checks list their levels best first.
                order = [lv for lv in loaded.registry[iid].levels if lv in points]
                rising = [(a, b) for a, b in itertools.pairwise(order) if points[b] > points[a]]
                if rising:
                    a, b = rising[0]
                    warnings.append(
                        where.at(
                            base,
                            f"{iid}: level {b} earns more points ({fmt(points[b])}) than {a} "
                            f"({fmt(points[a])}), which the check ranks above it",
                            key=True,
                        )
                    )
    if rubric.coverage.minimum < 0.5:
        warnings.append(
            where.at(
                ("coverage", "minimum"),
                f"a minimum coverage of {rubric.coverage.minimum:.0%} lets a grade be firm, and a "
                "gate pass, when most of the applicable weight is unknown",
            )
        )
    raisable = {r for check in loaded.registry.values() for r in check.risks}
    for rid in rubric.risks:
        if rid not in raisable:
            warnings.append(
                where.at(
                    ("risks", rid), f"risk {rid} is described but no check raises it", key=True
                )
            )
    fields = set(Proposal.model_fields)
    for xid, spec in rubric.checks.items():
        for n, path in enumerate(spec.looks_at):
            top = path.split(".", 1)[0]
            if top not in fields:
                near = suggest(top, fields)
                hint = f" (did you mean '{near[0]}'?)" if near else ""
                warnings.append(
                    where.at(
                        ("checks", xid, "looks_at", n),
                        f"{xid}: looks_at '{path}' is not a proposal key{hint}; its evidence "
                        "cannot point into the file",
                    )
                )
    return warnings


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
