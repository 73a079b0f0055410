"""Checks declared in a rubric as JMESPath expressions, so rubric files never run Python.

An expression sees one JSON document and nothing else::

    {"proposal": <the proposal as JSON>, "facts": <the derived facts as JSON>}

JMESPath can only select, filter and compare within that document: it has no
access to files, imports, attributes or the network. A check is::

    checks:
      X01:
        description: The initiative uses NATO frameworks.
        looks_at: [instruments]
        not_applicable_when: "!(proposal.activities)"    # optional; ! binds tighter than .
        insufficient_when: "proposal.instruments == `[]`" # optional
        levels:                                           # first true wins
          - {level: yes, when: "contains(proposal.instruments, 'nato')"}
        otherwise: no
        risks:                                            # optional
          - {risk: X-R1, when: "...", finding: "...", severity: medium}

A value is true unless it is false, null, or an empty string, list or object.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import jmespath
import jmespath.functions
from jmespath.exceptions import JMESPathError

from policycheck.checks.base import (
    INSUFFICIENT,
    NOT_APPLICABLE,
    Check,
    Context,
    Mark,
    Outcome,
    RiskHit,
)
from policycheck.errors import InputError, Problem
from policycheck.facts import Facts

Locate = Callable[[tuple[Any, ...]], tuple[str, int, int]]


#: Brackets nested deeper than this are refused before parsing (the parser recurses).
MAX_NESTING = 32


def _nesting(text: str) -> int:
    depth = deepest = 0
    for char in text:
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth -= 1
    return deepest


def _truthy(value: Any) -> bool:
    """JMESPath truth: false, null and empty strings, lists and objects are false; numbers are true."""
    return not (value is None or value is False or value in ("", [], {}))


_FUNCTIONS = frozenset(jmespath.functions.Functions().FUNCTION_TABLE)


def _unknown_functions(node: Any) -> list[str]:
    """Names of functions the expression calls that JMESPath does not have."""
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("type") == "function_expression" and node.get("value") not in _FUNCTIONS:
            found.append(str(node.get("value")))
        for child in node.get("children", []):
            found.extend(_unknown_functions(child))
    return found


def facts_document(facts: Facts) -> dict[str, Any]:
    """The derived facts as plain JSON for expressions (documented in the README)."""
    return {
        "countries": list(facts.countries),
        "bloc": list(facts.bloc),
        "wb6_in": list(facts.wb6_in),
        "wb6_out": list(facts.wb6_out),
        "kind": sorted(s.value for s in facts.shapes),
        "wb6_may_join": list(facts.wb6_may_join),
        "eu_itself": facts.eu_itself,
        "member_states": list(facts.member_states),
        "open_to_join": facts.open_to_join,
        "defence": facts.defence,
        "military": facts.military,
        "srac_involved": facts.srac_involved,
        "excluded_rivals": [
            {
                "participant": r.participant,
                "rival": r.rival,
                "kind": r.dyad.kind,
                "acuteness": r.dyad.acuteness,
            }
            for r in facts.excluded_rivals
        ],
        "non_recognisers_with_kosovo": [code for code, _ in facts.non_recognisers_with_kosovo],
        "srac_acquisitions": [
            {
                "recipient": a.recipient,
                "category": a.category,
                "quantity": a.quantity,
                "ceiling": a.ceiling.exact,
                "ceiling_at_most": a.ceiling.high,
                "holdings": a.holdings.exact,
                "headroom": a.headroom.exact,
            }
            for a in facts.srac_acquisitions
        ],
        "uncontrolled_transfers": [
            {
                "system": t.system,
                "category": t.category,
                "recipient": t.recipient,
                "disputes": [{"pair": list(d.pair), "acuteness": d.acuteness} for d in t.dyads],
            }
            for t in facts.uncontrolled_transfers
        ],
        "external": [
            {"country": e.country, "concern": e.concern, "influence": e.concern, "how": e.how}
            for e in facts.external
        ],
        "disputes": [
            {"pair": list(d.pair), "kind": d.kind, "acuteness": d.acuteness} for d in facts.disputes
        ],
    }


def _path(dotted: str) -> tuple[str | int, ...]:
    return tuple(int(p) if p.isdigit() else p for p in dotted.split(".") if p)


@dataclasses.dataclass(frozen=True)
class _Compiled:
    text: str
    expression: Any
    where: tuple[str, int, int]

    def __call__(self, data: dict[str, Any]) -> Any:
        try:
            return self.expression.search(data)
        except JMESPathError as exc:
            file, line, column = self.where
            raise InputError(
                [Problem(file, line, column, f"expression failed on this proposal: {exc}")]
            ) from None


def build(check_id: str, criterion: str, spec: Any, locate: Locate) -> Check:
    """Compile a declared check; every malformed expression is a located error."""
    problems: list[Problem] = []

    def compile_(text: str | None, *loc: str | int) -> _Compiled | None:
        if text is None:
            return None
        where = locate(loc)
        nesting = _nesting(text)
        if nesting > MAX_NESTING:
            file, line, column = where
            problems.append(
                Problem(
                    file,
                    line,
                    column,
                    f"invalid expression: nested {nesting} deep (at most {MAX_NESTING})",
                )
            )
            return None
        try:
            compiled = jmespath.compile(text)
        except JMESPathError as exc:
            file, line, column = where
            lines = [line.strip() for line in str(exc).splitlines()]
            message = " ".join(line for line in lines if line and set(line) != {"^"})
            offset = getattr(exc, "lex_position", None)
            at = f" at character {offset + 1}" if isinstance(offset, int) else ""
            problems.append(Problem(file, line, column, f"invalid expression{at}: {message}"))
            return None
        unknown = _unknown_functions(compiled.parsed)
        if unknown:
            file, line, column = where
            known = ", ".join(sorted(_FUNCTIONS))
            problems.append(
                Problem(
                    file,
                    line,
                    column,
                    f"invalid expression: unknown function {', '.join(unknown)}() (JMESPath has: {known})",
                )
            )
            return None
        return _Compiled(text, compiled, where)

    not_applicable = compile_(spec.not_applicable_when, "not_applicable_when")
    insufficient = compile_(spec.insufficient_when, "insufficient_when")
    levels = [
        (rule.level, compile_(rule.when, "levels", i, "when")) for i, rule in enumerate(spec.levels)
    ]
    risks = [(rule, compile_(rule.when, "risks", i, "when")) for i, rule in enumerate(spec.risks)]
    if problems:
        raise InputError(problems)
    paths = tuple(_path(p) for p in spec.looks_at)

    def run(ctx: Context) -> Outcome:
        data = {
            "proposal": ctx.proposal.model_dump(mode="json"),
            "facts": facts_document(ctx.facts),
        }
        if not_applicable is not None and _truthy(not_applicable(data)):
            return Outcome(
                NOT_APPLICABLE, (Mark(paths[0], f"not applicable: {not_applicable.text}"),)
            )
        if insufficient is not None and _truthy(insufficient(data)):
            return Outcome(
                INSUFFICIENT,
                tuple(Mark(p, f"insufficient information: {insufficient.text}") for p in paths),
            )
        level, why = spec.otherwise, "no level's condition held"
        for name, expression in levels:
            assert expression is not None
            if _truthy(expression(data)):
                level, why = name, expression.text
                break
        marks = tuple(Mark(p, f"{spec.description}: {level} ({why})") for p in paths)
        hits = tuple(
            RiskHit(rule.risk, rule.finding, marks, rule.severity)
            for rule, expression in risks
            if expression is not None and _truthy(expression(data))
        )
        return Outcome(level, marks, hits)

    run.__doc__ = spec.description
    all_levels = tuple(dict.fromkeys([*(name for name, _ in levels), spec.otherwise]))
    return Check(
        id=check_id,
        criterion=criterion,
        levels=all_levels,
        risks=tuple(dict.fromkeys(rule.risk for rule, _ in risks)),
        looks_at=tuple(spec.looks_at),
        function=run,
    )
