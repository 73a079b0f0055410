"""Arms-control compatibility: ceilings, uncovered capabilities and confidence building."""

from __future__ import annotations

from policycheck.checks.base import (
    CLAIM_LEVELS,
    INSUFFICIENT,
    NOT_APPLICABLE,
    Context,
    Mark,
    Outcome,
    RiskHit,
    check,
    claim_level,
)
from policycheck.facts import acuteness_rank

_TIGHT = 0.10


def _plural(category: str) -> str:
    words = category.replace("-", " ")
    return words if words.endswith(("aircraft", "artillery")) else words + "s"


def _left_out(codes: list[str]) -> str:
    return f"{', '.join(codes)} {'is' if len(codes) == 1 else 'are'} left out"


_RANK = {"evidenced": 2, "asserted": 1, "absent": 0}


@check(
    "AC01",
    criterion="arms-control",
    levels=("within", "tight", "exceeded"),
    looks_at=("equipment",),
    risks=("CE02", "CE05"),
)
def srac_ceilings(ctx: Context) -> Outcome:
    """SRAC-category equipment for an SRAC party, against the headroom left under its ceiling."""
    acquisitions = ctx.facts.srac_acquisitions
    if not acquisitions:
        return Outcome(
            NOT_APPLICABLE, (Mark(("equipment",), "no SRAC-category equipment for an SRAC party"),)
        )
    marks: list[Mark] = []
    levels: list[str] = []
    risks: list[RiskHit] = []
    for acq in acquisitions:
        label = f"{acq.recipient} {acq.category}"
        ceiling = acq.ceiling.value if acq.ceiling else None
        holdings = acq.holdings.value if acq.holdings else None
        headroom = acq.headroom
        if acq.exceeds_alone or (headroom is not None and headroom < 0):
            level = "exceeded"
            note = f"{label}: {acq.quantity} more would exceed the ceiling of {ceiling} (holdings {holdings if holdings is not None else 'unknown'})"
            risks.append(
                RiskHit(
                    "CE02",
                    f"{label} ceiling exceeded",
                    tuple(Mark(p, note) for p in acq.paths),
                    subject=f"{acq.recipient}:{acq.category}",
                )
            )
        elif headroom is None:
            level = INSUFFICIENT
            missing = (
                "quantity" if acq.quantity is None else "ceiling" if ceiling is None else "holdings"
            )
            note = f"{label}: {missing} unknown, so the headroom cannot be worked out"
        elif ceiling and headroom < _TIGHT * ceiling:
            level = "tight"
            note = f"{label}: {headroom} left under a ceiling of {ceiling} after this acquisition"
        else:
            level = "within"
            note = f"{label}: {headroom} left under a ceiling of {ceiling} after this acquisition"
        marks.extend(Mark(p, note) for p in acq.paths)
        levels.append(level)
        rivals = [
            d
            for _, d in ctx.reference.dyads_of(acq.recipient)
            if d.kind == "rivalry" and acuteness_rank(d.acuteness) >= 2
        ]
        if rivals:
            other = rivals[0].pair[0] if rivals[0].pair[1] == acq.recipient else rivals[0].pair[1]
            risks.append(
                RiskHit(
                    "CE05",
                    f"{acq.recipient} adds {_plural(acq.category)} amid its rivalry with {other}",
                    tuple(
                        Mark(p, f"{acq.recipient}–{other} rivalry ({rivals[0].acuteness})")
                        for p in acq.paths
                    ),
                    subject=f"{acq.recipient}:{acq.category}:{other}",
                )
            )
    order = ("exceeded", INSUFFICIENT, "tight", "within")
    level = next(lv for lv in order if lv in levels)
    return Outcome(level, tuple(marks), tuple(risks))


@check(
    "AC02",
    criterion="arms-control",
    levels=("none", "outside-disputes", "to-disputant"),
    looks_at=("equipment",),
    risks=("CE03",),
)
def uncovered_capabilities(ctx: Context) -> Outcome:
    """Capabilities no arms-control ceiling covers (armed drones ...) going to a party to a dispute."""
    if not ctx.proposal.equipment:
        return Outcome(
            NOT_APPLICABLE, (Mark(("equipment",), "no equipment procured or transferred"),)
        )
    transfers = ctx.facts.uncontrolled_transfers
    if not transfers:
        return Outcome(
            "none", (Mark(("equipment",), "all equipment falls under arms-control ceilings"),)
        )
    marks: list[Mark] = []
    risks: list[RiskHit] = []
    for t in transfers:
        disputes = [d for d in t.dyads if acuteness_rank(d.acuteness) >= 2]
        others = ", ".join(d.pair[0] if d.pair[1] == t.recipient else d.pair[1] for d in disputes)
        mark = Mark(
            t.path,
            f"{t.system} ({t.category}) to {t.recipient}: {t.reason}"
            + (f"; {t.recipient} is in a dispute with {others}" if disputes else ""),
        )
        marks.append(mark)
        if disputes:
            worst = max(disputes, key=lambda d: acuteness_rank(d.acuteness))
            risks.append(
                RiskHit(
                    "CE03",
                    f"{t.system} ({t.category.replace('-', ' ')}) for {t.recipient}, a party to a dispute with {others}, outside any arms-control ceiling",
                    (mark,),
                    severity=worst.acuteness,
                    subject=f"{t.recipient}:{t.category}:{t.system}",
                )
            )
    return Outcome("to-disputant" if risks else "outside-disputes", tuple(marks), tuple(risks))


@check(
    "AC03",
    criterion="arms-control",
    levels=CLAIM_LEVELS,
    looks_at=("arms_control.srac_notification", "arms_control.srac_compliance"),
)
def srac_commitments(ctx: Context) -> Outcome:
    """Notification under, and compliance with, the Sub-Regional Arms Control Agreement."""
    facts = ctx.facts
    parties = ctx.reference.srac.parties
    rival_parties = any(r.rival in parties for r in facts.excluded_rivals)
    if not facts.military or not (facts.srac_involved or rival_parties):
        return Outcome(
            NOT_APPLICABLE,
            (
                Mark(
                    ("participants",),
                    "no SRAC party or SRAC-category equipment involved in military activity",
                ),
            ),
        )
    ac = ctx.proposal.arms_control
    levels = {
        "srac_notification": claim_level(ac.srac_notification),
        "srac_compliance": claim_level(ac.srac_compliance),
    }
    marks = tuple(
        Mark(("arms_control", k), f"{k.replace('_', ' ')}: {v}") for k, v in levels.items()
    )
    known = [v for v in levels.values() if v != INSUFFICIENT]
    if not known:
        return Outcome(INSUFFICIENT, marks)
    return Outcome(max(known, key=lambda v: _RANK[v]), marks)


@check(
    "AC04",
    criterion="arms-control",
    levels=("evidenced", "partial", "absent"),
    looks_at=("activities", "arms_control.exercise_notification", "arms_control.observers"),
    risks=("CE04",),
)
def confidence_building(ctx: Context) -> Outcome:
    """Exercise notification and invited observers, where forces train or exercise together."""
    activities = set(ctx.proposal.activities)
    if not activities & {"joint-exercises", "training"}:
        return Outcome(NOT_APPLICABLE, (Mark(("activities",), "no joint exercises or training"),))
    ac = ctx.proposal.arms_control
    levels = [claim_level(ac.exercise_notification), claim_level(ac.observers)]
    marks = (
        Mark(("arms_control", "exercise_notification"), f"exercise notification: {levels[0]}"),
        Mark(("arms_control", "observers"), f"observers invited: {levels[1]}"),
    )
    provided = [v for v in levels if v in ("asserted", "evidenced")]
    if all(v == INSUFFICIENT for v in levels):
        level = INSUFFICIENT
    elif len(provided) == 2 and "evidenced" in provided:
        level = "evidenced"
    else:
        level = "partial" if provided else "absent"
    risks: tuple[RiskHit, ...] = ()
    rivals = [r for r in ctx.facts.excluded_rivals if acuteness_rank(r.dyad.acuteness) >= 2]
    if "joint-exercises" in activities and level in ("absent", INSUFFICIENT) and rivals:
        risks = (
            RiskHit(
                "CE04",
                f"joint exercises with no notification or observers while {_left_out(sorted({r.rival for r in rivals}))}",
                (*marks, Mark(("activities",), "joint exercises")),
            ),
        )
    return Outcome(level, marks, risks)


@check(
    "AC05",
    criterion="arms-control",
    levels=CLAIM_LEVELS,
    looks_at=("arms_control.dispute_sensitivity", "participants"),
)
def dispute_sensitivity(ctx: Context) -> Outcome:
    """Measures that take account of unresolved disputes and grievances in the region."""
    disputes = ctx.facts.disputes
    if not disputes:
        return Outcome(
            NOT_APPLICABLE,
            (Mark(("participants",), "no participant is party to a recorded dispute or rivalry"),),
        )
    claim = ctx.proposal.arms_control.dispute_sensitivity
    level = claim_level(claim)
    pairs = ", ".join("–".join(d.pair) for d in disputes)
    return Outcome(
        level,
        (
            Mark(("arms_control", "dispute_sensitivity"), f"dispute-sensitivity measures: {level}"),
            Mark(("participants",), f"disputes involving participants: {pairs}"),
        ),
    )
