"""Rubric lint: doubtful choices in a rubric that loads (``policycheck rubric validate``).

Problems that make a rubric unusable are the loader's to find (``rubric.load_rubric``);
these are warnings, each located in the file of the chain that holds the choice.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from policycheck.describe import fmt, is_declared, suggest
from policycheck.errors import Problem
from policycheck.loading import Document
from policycheck.rubric import LoadedRubric


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
