"""What a revision of a proposal changed: two assessments in, one immutable ``Comparison`` out.

``compare(old, new)`` gives the grade and score change, the change of every criterion,
the indicators whose level changed, and the risks that are new, resolved, changed in
severity or unchanged, each with its old and new location.

Risks are matched as the baseline matches them: by fingerprint (risk id, proposal id and
logical YAML path, no line numbers), so an edit elsewhere in the file, even one that moves
every line, keeps the match. When the proposal id itself changed, every fingerprint changes
with it; the risks left over are then matched by risk id and path, and lastly by risk id
alone, in order of severity.

A *regression* is a lower grade, a lower score, a new risk of high severity or above, or a
matched risk whose severity rose to high or above (``policycheck compare
--fail-on-regression``). Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from policycheck.assessment import (
    Assessment,
    CriterionResult,
    IndicatorResult,
    IndicatorStatus,
    Location,
    Risk,
    RiskFamily,
    Severity,
)
from policycheck.scale import GRADES


class RiskChangeKind(StrEnum):
    NEW = "new"
    RESOLVED = "resolved"
    SEVERITY_CHANGED = "severity-changed"
    UNCHANGED = "unchanged"


class Match(StrEnum):
    """How an old risk was paired with a new one."""

    FINGERPRINT = "fingerprint"
    #: Same risk id and YAML path (the proposal id changed, or a fingerprint is missing).
    PATH = "path"
    #: Same risk id only (the proposal id changed and the path did too).
    RISK_ID = "risk-id"


#: The order the kinds are listed in.
KIND_ORDER = (
    RiskChangeKind.NEW,
    RiskChangeKind.SEVERITY_CHANGED,
    RiskChangeKind.RESOLVED,
    RiskChangeKind.UNCHANGED,
)


def _delta(old: float | None, new: float | None) -> float | None:
    """``new - old`` of the values as shown (one decimal), so the arithmetic reads right."""
    if old is None or new is None:
        return None
    return round(round(new, 1) - round(old, 1), 1) + 0.0  # never -0.0


@dataclass(frozen=True, slots=True)
class CriterionDelta:
    """One criterion's score before and after (``None``: not scored, or not in that rubric)."""

    id: str
    title: str
    weight: float
    old: float | None
    new: float | None

    @property
    def delta(self) -> float | None:
        return _delta(self.old, self.new)


@dataclass(frozen=True, slots=True)
class IndicatorChange:
    """An indicator whose level (or status) changed; ``None`` where it is absent on one side."""

    criterion: str
    check_id: str
    title: str
    old_status: IndicatorStatus | None
    new_status: IndicatorStatus | None
    old_level: str | None
    new_level: str | None
    old_points: float | None
    new_points: float | None

    @property
    def delta(self) -> float | None:
        """The change of the indicator's points (0–100), not weighted."""
        return _delta(self.old_points, self.new_points)


def _location(risk: Risk | None) -> Location | None:
    return risk.evidence[0].location if risk is not None and risk.evidence else None


@dataclass(frozen=True, slots=True)
class RiskChange:
    """A risk of either side, paired with its counterpart when there is one."""

    kind: RiskChangeKind
    old: Risk | None
    new: Risk | None
    match: Match | None

    @property
    def risk(self) -> Risk:
        """The risk as it is now, or as it was when resolved."""
        risk = self.new if self.new is not None else self.old
        assert risk is not None
        return risk

    @property
    def id(self) -> str:
        return self.risk.id

    @property
    def title(self) -> str:
        return self.risk.title

    @property
    def family(self) -> RiskFamily:
        return self.risk.family

    @property
    def old_severity(self) -> Severity | None:
        return None if self.old is None else self.old.severity

    @property
    def new_severity(self) -> Severity | None:
        return None if self.new is None else self.new.severity

    @property
    def old_location(self) -> Location | None:
        return _location(self.old)

    @property
    def new_location(self) -> Location | None:
        return _location(self.new)

    @property
    def worse(self) -> bool:
        """A matched risk whose severity rose."""
        return (
            self.old is not None
            and self.new is not None
            and self.new.severity.rank > self.old.severity.rank
        )

    @property
    def finding_changed(self) -> bool:
        return (
            self.old is not None and self.new is not None and self.old.finding != self.new.finding
        )


@dataclass(frozen=True, slots=True)
class Regression:
    """One reason a revision is worse: ``grade``, ``score``, ``new-risk`` or ``worse-risk``."""

    kind: str
    message: str
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class Comparison:
    """Two assessments of (a revision of) one proposal and what changed between them."""

    old: Assessment
    new: Assessment
    #: ``new.score - old.score``, one decimal.
    score_delta: float
    #: Grades gained (positive: better, e.g. F → D is 2; negative: worse).
    grade_steps: int
    criteria: tuple[CriterionDelta, ...]
    #: Only the indicators whose level or status changed, in rubric order.
    indicators: tuple[IndicatorChange, ...]
    #: Every risk of either side, new first, then severity changed, resolved, unchanged.
    risks: tuple[RiskChange, ...]

    def _kind(self, kind: RiskChangeKind) -> tuple[RiskChange, ...]:
        return tuple(r for r in self.risks if r.kind is kind)

    @property
    def new_risks(self) -> tuple[RiskChange, ...]:
        return self._kind(RiskChangeKind.NEW)

    @property
    def resolved_risks(self) -> tuple[RiskChange, ...]:
        return self._kind(RiskChangeKind.RESOLVED)

    @property
    def changed_risks(self) -> tuple[RiskChange, ...]:
        """Matched risks whose severity changed (up or down)."""
        return self._kind(RiskChangeKind.SEVERITY_CHANGED)

    @property
    def unchanged_risks(self) -> tuple[RiskChange, ...]:
        return self._kind(RiskChangeKind.UNCHANGED)

    @property
    def proposal_id_changed(self) -> bool:
        return self.old.proposal_id != self.new.proposal_id

    @property
    def changed(self) -> bool:
        """Whether anything scored changed: score, grade, an indicator level or a risk.

        Locations that merely moved (lines added elsewhere) and reworded findings of
        the same risk are not changes.
        """
        return bool(
            self.score_delta
            or self.grade_steps
            or self.old.grade != self.new.grade
            or self.indicators
            or any(c.delta for c in self.criteria)
            or any(r.kind is not RiskChangeKind.UNCHANGED for r in self.risks)
        )

    def regressions(self, at_least: Severity = Severity.HIGH) -> tuple[Regression, ...]:
        """Why the new version is worse: a lower grade or score, or a risk of ``at_least``
        severity that is new or rose to it."""
        found: list[Regression] = []
        if self.grade_steps < 0:
            found.append(
                Regression("grade", f"grade fell from {self.old.grade} to {self.new.grade}")
            )
        if self.score_delta < 0:
            found.append(
                Regression(
                    "score",
                    f"score fell by {-self.score_delta:.1f} "
                    f"({self.old.score:.1f} → {self.new.score:.1f})",
                )
            )
        for r in self.risks:
            new = r.new_severity
            if new is None or new.rank < at_least.rank:
                continue
            if r.kind is RiskChangeKind.NEW:
                found.append(
                    Regression(
                        "new-risk",
                        f"new {new.value} risk {r.id} {r.title}: {r.risk.finding}",
                        r.new_location,
                    )
                )
            elif r.worse and r.old_severity is not None and r.old_severity.rank < at_least.rank:
                found.append(
                    Regression(
                        "worse-risk",
                        f"risk {r.id} {r.title} rose from {r.old_severity.value} to {new.value}: "
                        f"{r.risk.finding}",
                        r.new_location,
                    )
                )
        return tuple(found)


def _grade_rank(grade: str) -> int:
    """Position of a grade from the best (A is 0); an unknown grade sorts after F."""
    return GRADES.index(grade) if grade in GRADES else len(GRADES)


def _criteria(
    old: tuple[CriterionResult, ...], new: tuple[CriterionResult, ...]
) -> tuple[CriterionDelta, ...]:
    before = {c.id: c for c in old}
    after = {c.id: c for c in new}
    ids = list(dict.fromkeys([*after, *before]))
    result = []
    for cid in ids:
        o, n = before.get(cid), after.get(cid)
        shown = n if n is not None else o
        assert shown is not None
        result.append(
            CriterionDelta(
                cid,
                shown.title,
                shown.weight,
                None if o is None else o.score,
                None if n is None else n.score,
            )
        )
    return tuple(result)


def _indicators(old: Assessment, new: Assessment) -> tuple[IndicatorChange, ...]:
    def index(a: Assessment) -> dict[tuple[str, str], IndicatorResult]:
        return {(c.id, i.check_id): i for c in a.criteria for i in c.indicators}

    before, after = index(old), index(new)
    changes = []
    for key in dict.fromkeys([*after, *before]):
        o, n = before.get(key), after.get(key)
        if o is not None and n is not None and (o.level, o.status) == (n.level, n.status):
            continue
        shown = n if n is not None else o
        assert shown is not None
        changes.append(
            IndicatorChange(
                criterion=key[0],
                check_id=key[1],
                title=shown.title,
                old_status=None if o is None else o.status,
                new_status=None if n is None else n.status,
                old_level=None if o is None else o.level,
                new_level=None if n is None else n.level,
                old_points=None if o is None else o.points,
                new_points=None if n is None else n.points,
            )
        )
    return tuple(changes)


def _path(risk: Risk) -> str:
    location = _location(risk)
    return location.path if location is not None else ""


def _pair(
    old: list[Risk],
    new: list[Risk],
    key: Callable[[Risk], Hashable | None],
    how: Match,
    pairs: list[tuple[Risk, Risk, Match]],
) -> tuple[list[Risk], list[Risk]]:
    """Pair risks with equal (non-None) keys, first come first served; return the rest."""
    waiting: dict[Hashable, list[int]] = {}
    for n, risk in enumerate(new):
        k = key(risk)
        if k is not None:
            waiting.setdefault(k, []).append(n)
    taken: set[int] = set()
    left_old = []
    for risk in old:
        k = key(risk)
        bucket = waiting.get(k) if k is not None else None
        if bucket:
            n = bucket.pop(0)
            taken.add(n)
            pairs.append((risk, new[n], how))
        else:
            left_old.append(risk)
    return left_old, [r for n, r in enumerate(new) if n not in taken]


def match_risks(
    old: Iterable[Risk], new: Iterable[Risk], *, proposal_id_changed: bool
) -> tuple[list[tuple[Risk, Risk, Match]], list[Risk], list[Risk]]:
    """(matched pairs, old risks with no match, new risks with no match); see module docs."""
    pairs: list[tuple[Risk, Risk, Match]] = []
    left_old, left_new = _pair(
        list(old), list(new), lambda r: r.fingerprint or None, Match.FINGERPRINT, pairs
    )
    # Equal to the fingerprint when the proposal id is unchanged; needed when it changed
    # (or when a fingerprint is missing).
    left_old, left_new = _pair(left_old, left_new, lambda r: (r.id, _path(r)), Match.PATH, pairs)
    if proposal_id_changed:
        left_old, left_new = _pair(left_old, left_new, lambda r: r.id, Match.RISK_ID, pairs)
    return pairs, left_old, left_new


def _risk_order(change: RiskChange) -> tuple[int, int, str, str]:
    return (
        KIND_ORDER.index(change.kind),
        -change.risk.severity.rank,
        change.id,
        change.risk.finding,
    )


def compare(old: Assessment, new: Assessment) -> Comparison:
    """What changed from ``old`` to ``new`` (assessed with the same rubric)."""
    pairs, resolved, added = match_risks(
        old.risks, new.risks, proposal_id_changed=old.proposal_id != new.proposal_id
    )
    risks = [
        RiskChange(
            RiskChangeKind.UNCHANGED
            if o.severity is n.severity
            else RiskChangeKind.SEVERITY_CHANGED,
            o,
            n,
            how,
        )
        for o, n, how in pairs
    ]
    risks += [RiskChange(RiskChangeKind.RESOLVED, r, None, None) for r in resolved]
    risks += [RiskChange(RiskChangeKind.NEW, None, r, None) for r in added]
    risks.sort(key=_risk_order)
    return Comparison(
        old=old,
        new=new,
        score_delta=_delta(old.score, new.score) or 0.0,
        grade_steps=_grade_rank(old.grade) - _grade_rank(new.grade),
        criteria=_criteria(old.criteria, new.criteria),
        indicators=_indicators(old, new),
        risks=tuple(risks),
    )
