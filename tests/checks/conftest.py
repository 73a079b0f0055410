"""Helpers for the check tests: assess a small proposal and look at one indicator or risk.

Every test writes a YAML snippet that is appended to ``MINIMAL`` (a ``participants:``
line in the snippet replaces the minimal one), runs it through the real pipeline
(``assess_yaml``) and reads the indicator or risk it is about. ``Case.line`` finds
the line of the snippet an evidence location should point at.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from typing import Protocol

import pytest

from policycheck import Assessment, Assessor
from policycheck.assessment import Evidence, IndicatorResult, IndicatorStatus, Risk
from policycheck.checks import INSUFFICIENT, NOT_APPLICABLE, REGISTRY
from tests.conftest import MINIMAL, assess_yaml


def build(body: str = "") -> str:
    """MINIMAL plus ``body``; a ``participants:`` key in ``body`` replaces MINIMAL's."""
    body = textwrap.dedent(body)
    base = MINIMAL
    if re.search(r"^participants:", body, re.MULTILINE):
        base = base.replace("participants: [AL]\n", "")
    return base + body


@dataclass(frozen=True)
class Case:
    """An assessed snippet: the exact text assessed and what came out."""

    text: str
    a: Assessment

    def indicator(self, check_id: str) -> IndicatorResult:
        found = [i for c in self.a.criteria for i in c.indicators if i.check_id == check_id]
        assert len(found) == 1, f"{check_id} appears {len(found)} times"
        return found[0]

    def risks(self, risk_id: str) -> list[Risk]:
        return [r for r in self.a.risks if r.id == risk_id]

    def risk(self, risk_id: str) -> Risk:
        found = self.risks(risk_id)
        assert len(found) == 1, f"expected one {risk_id}, got {[r.finding for r in found]}"
        return found[0]

    @property
    def risk_ids(self) -> set[str]:
        return {r.id for r in self.a.risks}

    def line(self, needle: str) -> int:
        """The 1-based number of the one line of the text that contains ``needle``."""
        hits = [n for n, text in enumerate(self.text.splitlines(), 1) if needle in text]
        assert len(hits) == 1, f"{needle!r} is on lines {hits} of:\n{self.text}"
        return hits[0]

    def span(self, key: str) -> range:
        """The lines of the block under the one line holding ``key`` (itself included)."""
        lines = self.text.splitlines()
        start = self.line(key)
        indent = len(lines[start - 1]) - len(lines[start - 1].lstrip(" -"))
        end = start
        while end < len(lines) and len(lines[end]) - len(lines[end].lstrip()) > indent:
            end += 1
        return range(start, end + 1)


class Run(Protocol):
    """The ``run`` fixture: assess MINIMAL plus a snippet."""

    def __call__(self, body: str = "") -> Case: ...


def at(evidence: tuple[Evidence, ...], path: str) -> list[int]:
    """The lines the evidence items about ``path`` (dotted) point at."""
    lines = [e.location.line for e in evidence if e.location.path == path]
    assert lines, f"no evidence at {path}; have {[e.location.path for e in evidence]}"
    return lines


def only_at(evidence: tuple[Evidence, ...], path: str) -> int:
    """The single line the evidence items about ``path`` point at."""
    lines = set(at(evidence, path))
    assert len(lines) == 1, f"evidence at {path} points at lines {sorted(lines)}"
    return lines.pop()


def _invariants(case: Case, points: dict[str, dict[str, float]]) -> None:
    """What must hold for every assessment, whatever the snippet.

    Unknown indicators carry no points and add nothing; a known one adds its points
    times its weight over the known weight of its criterion, so a criterion's score
    is the sum of its known contributions. Applicable shares add up to one.
    """
    n_lines = len(case.text.splitlines())
    for c in case.a.criteria:
        known = sum(i.weight for i in c.indicators if i.status is IndicatorStatus.SCORED)
        applicable = [i for i in c.indicators if i.status is not IndicatorStatus.NOT_APPLICABLE]
        for ind in c.indicators:
            check = REGISTRY[ind.check_id]
            assert ind.level in (*check.levels, NOT_APPLICABLE, INSUFFICIENT), ind
            assert ind.evidence, f"{ind.check_id} gives no evidence"
            if ind.level == NOT_APPLICABLE:
                assert ind.status is IndicatorStatus.NOT_APPLICABLE
                assert (ind.points, ind.contribution, ind.share) == (None, 0.0, 0.0)
                assert ind.evidence[0].note.startswith(
                    f"applies to {check.scope.description}; this initiative is "
                ), ind.evidence[0].note
            elif ind.level == INSUFFICIENT:
                assert ind.status is IndicatorStatus.INSUFFICIENT
                assert (ind.points, ind.contribution) == (None, 0.0)
                assert ind.share == pytest.approx(ind.weight / sum(i.weight for i in applicable))
            else:
                assert ind.status is IndicatorStatus.SCORED
                assert ind.points == points[ind.check_id][ind.level]
                assert ind.contribution == pytest.approx(ind.points * ind.weight / known)
            for e in ind.evidence:
                assert 1 <= e.location.line <= n_lines, e
        if applicable:
            assert sum(i.share for i in applicable) == pytest.approx(1.0)
        if known:
            assert c.score == pytest.approx(sum(i.contribution for i in c.indicators))
        else:
            assert c.score is None
    for risk in case.a.risks:
        assert risk.id in REGISTRY[risk.check_id].risks, risk
        assert risk.evidence, f"{risk.id} gives no evidence"
        for e in risk.evidence:
            assert 1 <= e.location.line <= n_lines, e


@pytest.fixture(scope="session")
def run(assessor: Assessor) -> Run:
    """``run(snippet)``: assess MINIMAL plus ``snippet`` and check the invariants."""
    points = {
        iid: {level: spec.points for level, spec in ind.levels.items()}
        for c in assessor.loaded.rubric.criteria.values()
        for iid, ind in c.indicators.items()
    }

    def go(body: str = "") -> Case:
        text = build(body)
        case = Case(text, assess_yaml(assessor, text))
        _invariants(case, points)
        return case

    return go
