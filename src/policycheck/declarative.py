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

Evaluation is bounded, so a short expression cannot take gigabytes or minutes
(``[@, @]`` piped twenty times doubles a value twenty times): at most
``MAX_STEPS`` steps, and no value built larger than the document it reads plus
``MAX_GROWTH`` (characters of text plus items of lists and objects, counting
a value each time it is repeated). A function's arguments are measured before
it runs, so ``to_string`` or ``join`` never build what the bound refuses.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import jmespath
import jmespath.functions
import jmespath.visitor
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
from policycheck.reference import ReferenceData
from policycheck.template import TEMPLATE

if TYPE_CHECKING:
    from jmespath.visitor import _TreeNode

Locate = Callable[[tuple[Any, ...]], tuple[str, int, int]]


#: Brackets nested deeper than this are refused before parsing (the parser recurses).
MAX_NESTING = 32
#: Operators an expression may chain (pipes, ``&&``, sub-expressions): evaluating recurses.
MAX_TREE_DEPTH = 128
#: Steps (visits of the expression's nodes) one evaluation may take.
MAX_STEPS = 250_000
#: How much larger than the document it reads a value an expression builds may be.
MAX_GROWTH = 1_000_000


class _Exceeded(Exception):
    """An evaluation went past its bounds (turned into a located problem by the caller)."""


#: Nodes whose result is a value made anew (not a part of the document or a literal).
_BUILDS = frozenset(
    {
        "function_expression",
        "multi_select_list",
        "multi_select_dict",
        "projection",
        "value_projection",
        "filter_projection",
        "flatten",
    }
)


class Budget:
    """The bounds of the evaluations over one document: sizes are remembered by identity,
    so a value repeated by reference is measured once (and counted each time it repeats)."""

    def __init__(self, document: Any) -> None:
        self._sizes: dict[int, tuple[Any, int]] = {}
        self.limit = self.size(document) + MAX_GROWTH
        self.steps = 0

    def size(self, value: Any) -> int:
        """Characters of text plus items of lists and objects, expanded (iteratively)."""
        if isinstance(value, str):
            return len(value)
        if not isinstance(value, (list, dict)):
            return 1
        sizes = self._sizes
        if id(value) in sizes:
            return sizes[id(value)][1]
        stack: list[tuple[Any, bool]] = [(value, False)]
        while stack:
            item, ready = stack.pop()
            if id(item) in sizes:
                continue
            children = list(item.values()) if isinstance(item, dict) else item
            if not ready:
                stack.append((item, True))
                stack.extend(
                    (c, False)
                    for c in children
                    if isinstance(c, (list, dict)) and id(c) not in sizes
                )
                continue
            total = 1 + sum(
                sizes[id(c)][1]
                if isinstance(c, (list, dict))
                else len(c)
                if isinstance(c, str)
                else 1
                for c in children
            )
            if isinstance(item, dict):
                total += sum(len(k) for k in item)
            sizes[id(item)] = (item, total)
        return sizes[id(value)][1]

    def check(self, value: Any) -> None:
        if self.size(value) > self.limit:
            raise _Exceeded(
                f"builds a value larger than the proposal and its facts plus {MAX_GROWTH:,}"
                " characters and items"
            )

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise _Exceeded(f"takes more than {MAX_STEPS:,} steps")


class _Interpreter(jmespath.visitor.TreeInterpreter):
    """JMESPath's own interpreter, counting steps and measuring what it builds."""

    def __init__(self, budget: Budget) -> None:
        self.functions = jmespath.functions.Functions()
        super().__init__(jmespath.visitor.Options(custom_functions=self.functions))
        self.budget = budget

    def visit(self, node: _TreeNode, *args: Any, **kwargs: Any) -> Any:
        self.budget.step()
        result = super().visit(node, *args, **kwargs)
        if node["type"] in _BUILDS:
            self.budget.check(result)
        return result

    def visit_function_expression(self, node: _TreeNode, value: Any) -> Any:
        resolved = [self.visit(child, value) for child in node["children"]]
        # An expression reference (``&field`` for sort_by) is code, not data: not measured.
        self.budget.check([a for a in resolved if not isinstance(a, jmespath.visitor._Expression)])
        return self.functions.call_function(node["value"], resolved)


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


def _shape(tree: Any) -> tuple[int, list[str]]:
    """The depth of a parsed expression and the functions it calls that JMESPath does not
    have (walked without recursion: a chain of pipes makes a tree as deep as it is long)."""
    deepest, unknown = 0, []
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, dict):
            continue
        deepest = max(deepest, depth)
        if node.get("type") == "function_expression" and node.get("value") not in _FUNCTIONS:
            unknown.append(str(node.get("value")))
        stack.extend((child, depth + 1) for child in reversed(node.get("children", [])))
    return deepest, unknown


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

    def __call__(self, data: dict[str, Any], budget: Budget | None = None) -> Any:
        budget = budget if budget is not None else Budget(data)
        budget.steps = 0
        file, line, column = self.where
        try:
            return _Interpreter(budget).visit(self.expression.parsed, data)
        except JMESPathError as exc:
            message = f"expression failed on this proposal: {exc}"
        except _Exceeded as exc:
            message = f"expression stopped on this proposal: it {exc}"
        except RecursionError:
            message = "expression stopped on this proposal: it nests too deeply"
        raise InputError([Problem(file, line, column, message)])


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
        except RecursionError:
            file, line, column = where
            problems.append(
                Problem(
                    file,
                    line,
                    column,
                    f"invalid expression: operators chained more than {MAX_TREE_DEPTH} deep",
                )
            )
            return None
        except JMESPathError as exc:
            file, line, column = where
            lines = [line.strip() for line in str(exc).splitlines()]
            message = " ".join(line for line in lines if line and set(line) != {"^"})
            offset = getattr(exc, "lex_position", None)
            at = f" at character {offset + 1}" if isinstance(offset, int) else ""
            problems.append(Problem(file, line, column, f"invalid expression{at}: {message}"))
            return None
        depth, unknown = _shape(compiled.parsed)
        if depth > MAX_TREE_DEPTH:
            file, line, column = where
            problems.append(
                Problem(
                    file,
                    line,
                    column,
                    f"invalid expression: operators chained {depth} deep"
                    f" (at most {MAX_TREE_DEPTH})",
                )
            )
            return None
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
        budget = Budget(data)
        if not_applicable is not None and _truthy(not_applicable(data, budget)):
            return Outcome(
                NOT_APPLICABLE, (Mark(paths[0], f"not applicable: {not_applicable.text}"),)
            )
        if insufficient is not None and _truthy(insufficient(data, budget)):
            return Outcome(
                INSUFFICIENT,
                tuple(Mark(p, f"insufficient information: {insufficient.text}") for p in paths),
            )
        level, why = spec.otherwise, "no level's condition held"
        for name, expression in levels:
            assert expression is not None
            if _truthy(expression(data, budget)):
                level, why = name, expression.text
                break
        marks = tuple(Mark(p, f"{spec.description}: {level} ({why})") for p in paths)
        hits = tuple(
            RiskHit(rule.risk, rule.finding, marks, rule.severity)
            for rule, expression in risks
            if expression is not None and _truthy(expression(data, budget))
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


#: Proposals ``rubric validate`` runs declared checks on, so it refuses what ``assess``
#: would refuse at run time (an expression that fails on missing keys, or goes past
#: its bounds): the commented template, a proposal with the fewest keys, and one
#: with transfers, rivals and outside actors for the facts' lists.
PROBES: tuple[tuple[str, str], ...] = (
    ("the 'policycheck new' template", TEMPLATE),
    (
        "a proposal with only the required keys",
        "schema_version: 1\nid: probe-minimal\ntitle: Probe\nstatus: idea\nparticipants: [AL]\n",
    ),
    (
        "a proposal with arms transfers",
        """\
schema_version: 1
id: probe-transfers
title: Probe
status: signed
date: 2025-01-01
lead: RS
participants: [RS, {country: HU, role: supplier}, {country: CN, role: supplier}]
activities: [arms-transfer, procurement, joint-exercises]
equipment:
  - {system: Tank, category: battle-tank, quantity: 500, supplier: HU, recipient: RS}
  - {system: Drone, category: armed-drone, supplier: CN, recipient: RS, evidence: x}
external_actors: [{country: CN, involvement: supplier}, {country: RU}]
transparency: {reporting: {cadence: none}}
""",
    ),
)


def probe(checks: Iterable[Check], reference: ReferenceData) -> list[Problem]:
    """Problems the declared ``checks`` raise when run on the ``PROBES``, each naming its probe."""
    from policycheck.facts import derive_facts
    from policycheck.loading import load_yaml_text
    from policycheck.model import parse_proposal

    checks = tuple(checks)
    context = {
        "codes": reference.codes,
        "formats": reference.formats,
        "instruments": reference.instruments,
    }
    problems: list[Problem] = []
    for name, text in PROBES:
        try:
            proposal = parse_proposal(load_yaml_text(text, name), context)
        except InputError:
            continue  # reference data without these states or formats: nothing to probe with
        ctx = Context(proposal, derive_facts(proposal, reference), reference)
        for check in checks:
            try:
                check(ctx)
            except InputError as exc:
                for p in exc.problems:
                    found = Problem(
                        p.file, p.line, p.column, p.message.replace("this proposal", name, 1)
                    )
                    where = (found.file, found.line, found.column)
                    if all((q.file, q.line, q.column) != where for q in problems):
                        problems.append(found)
    return problems
