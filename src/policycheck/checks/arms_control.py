"""Arms-control compatibility: ceilings, uncovered capabilities and confidence building."""

from __future__ import annotations

import math

from policycheck.checks.base import (
    CLAIM_LEVELS,
    INSUFFICIENT,
    Context,
    Mark,
    Outcome,
    RiskHit,
    check,
    claim_outcome,
    dyad_fact,
    facts_of,
    srac_fact,
    stated_claim,
)
from policycheck.checks.examples import TANKS, Example, claim, example
from policycheck.checks.scopes import (
    EXERCISES,
    LETHAL_EQUIPMENT,
    MILITARY_WITH_DISPUTE,
    RIVAL_LEFT_OUT,
    SRAC_ACQUISITION,
    SRAC_PARTY_MILITARY,
    UNCOVERED_CAPABILITIES,
)
from policycheck.facts import SracAcquisition, acuteness_rank, one_step_lower

#: Less than this share of the ceiling left after an acquisition is "tight".
_TIGHT = 0.10
#: Net additions of at least these shares of the ceiling are a large or a notable build-up.
_LARGE, _NOTABLE = 0.10, 0.03
_RANK = {"evidenced": 2, "asserted": 1, "absent": 0}


def _plural(category: str) -> str:
    words = category.replace("-", " ")
    return words if words.endswith(("aircraft", "artillery")) else words + "s"


def _left_out(codes: list[str]) -> str:
    return f"{', '.join(codes)} {'is' if len(codes) == 1 else 'are'} left out"


def _ceiling_level(acq: SracAcquisition) -> tuple[str, str]:
    """The level for one acquisition against its ceiling, and the sentence that explains it."""
    label = f"{acq.recipient} {acq.category}"
    if acq.quantity is None:
        return INSUFFICIENT, f"{label}: quantity not stated, so the headroom cannot be worked out"
    room, ceiling = acq.headroom, acq.ceiling
    terms = f"ceiling {ceiling}, holdings {acq.holdings}, net addition {acq.quantity:,}"
    if room.high is not None and room.high < 0:
        return "exceeded", f"{label}: the acquisition exceeds the ceiling ({terms})"
    if room.low is not None and ceiling.low is not None:
        if room.low >= _TIGHT * (ceiling.high or ceiling.low):
            return "within", f"{label}: at least {room.low:,} left under the ceiling ({terms})"
        if room.low >= 0 and room.high is not None and room.high < _TIGHT * ceiling.low:
            return "tight", f"{label}: at most {room.high:,} left under the ceiling ({terms})"
    gap = "ceiling" if ceiling.exact is None else "holdings figure"
    return INSUFFICIENT, (
        f"{label}: the {gap} is not verified in the reference data (srac.yaml), so whether the "
        f"acquisition fits cannot be settled ({terms})"
    )


def _build_up_severity(acq: SracAcquisition, rivalry: str) -> tuple[str, str]:
    """CE05's severity from the size of the net addition, capped by the rivalry's acuteness."""
    share = acq.share
    if acq.quantity is not None and acq.quantity <= 0:
        severity, why = "low", "it replaces as many systems as it adds"
    elif share is None:
        severity, why = "medium", "its size against the ceiling cannot be worked out"
    else:
        # Rounded down, so the words never claim a threshold the share does not reach.
        shown = f"{math.floor(share * 1000) / 10:g}%"
        bound = "" if acq.ceiling.exact is not None else "at least "
        severity = "high" if share >= _LARGE else "medium" if share >= _NOTABLE else "low"
        why = f"it adds {bound}{shown} of the ceiling"
    if acuteness_rank(severity) > acuteness_rank(rivalry):
        severity, why = rivalry, why + f", in a rivalry of {rivalry} acuteness"
    return severity, why


@check(
    "AC01",
    criterion="arms-control",
    levels=("within", "tight", "exceeded"),
    looks_at=("equipment",),
    risks=("CE02", "CE05"),
    scope=SRAC_ACQUISITION,
)
def srac_ceilings(ctx: Context) -> Outcome:
    """SRAC-category equipment for an SRAC party, against the headroom left under its ceiling.

    Unverified ceilings are used through their sourced bounds, so a quantity
    above the largest the ceiling can be is a breach even when the exact
    figure is unknown.
    """
    marks: list[Mark] = []
    levels: list[str] = []
    risks: list[RiskHit] = []
    gaps: list[str] = []
    for acq in ctx.facts.srac_acquisitions:
        level, note = _ceiling_level(acq)
        marks.extend(Mark(p, note) for p in acq.paths)
        levels.append(level)
        if level == INSUFFICIENT and acq.quantity is not None:
            gaps.append(f"srac.yaml: {acq.recipient}'s {acq.category} ceiling or holdings")
        if level == "exceeded":
            risks.append(
                RiskHit(
                    "CE02",
                    f"{acq.recipient} {acq.category} ceiling exceeded",
                    tuple(Mark(p, note) for p in acq.paths),
                    subject=f"{acq.recipient}:{acq.category}",
                    references=facts_of([srac_fact(ctx.reference, acq.recipient, acq.category)]),
                )
            )
        rivals = [
            d
            for _, d in ctx.reference.dyads_of(acq.recipient)
            if d.kind == "rivalry" and acuteness_rank(d.acuteness) >= 2
        ]
        if rivals:
            rivalry = max(rivals, key=lambda d: acuteness_rank(d.acuteness))
            other = rivalry.pair[0] if rivalry.pair[1] == acq.recipient else rivalry.pair[1]
            severity, why = _build_up_severity(acq, rivalry.acuteness)
            risks.append(
                RiskHit(
                    "CE05",
                    f"{acq.recipient} adds {_plural(acq.category)} amid its rivalry with {other}: "
                    + why,
                    tuple(
                        Mark(p, f"{acq.recipient}–{other} rivalry ({rivalry.acuteness})")
                        for p in acq.paths
                    ),
                    severity=severity,
                    subject=f"{acq.recipient}:{acq.category}:{other}",
                    references=facts_of(
                        [
                            srac_fact(ctx.reference, acq.recipient, acq.category),
                            dyad_fact(ctx.reference, rivalry),
                        ]
                    ),
                )
            )
    order = ("exceeded", INSUFFICIENT, "tight", "within")
    level = next(lv for lv in order if lv in levels)
    gap = "; ".join(gaps) if level == INSUFFICIENT and gaps else None
    return Outcome(level, tuple(marks), tuple(risks), gap=gap)


@check(
    "AC02",
    criterion="arms-control",
    levels=("none", "outside-disputes", "to-disputant"),
    looks_at=("equipment",),
    risks=("CE03",),
    scope=LETHAL_EQUIPMENT,
)
def uncovered_capabilities(ctx: Context) -> Outcome:
    """Lethal capabilities no arms-control ceiling covers, going to a party to a dispute.

    CE03's severity follows what the equipment is: offensive systems take the
    dispute's acuteness, mixed-use ones one step less, defensive ones are low.
    """
    transfers = ctx.facts.uncontrolled_transfers
    if not transfers:
        return Outcome(
            "none",
            (
                Mark(
                    ("equipment",),
                    "every lethal item is in a category the arms-control agreement limits, "
                    "for a party to it",
                ),
            ),
        )
    marks: list[Mark] = []
    risks: list[RiskHit] = []
    for t in transfers:
        disputes = [d for d in t.dyads if acuteness_rank(d.acuteness) >= 2]
        others = ", ".join(d.pair[0] if d.pair[1] == t.recipient else d.pair[1] for d in disputes)
        mark = Mark(
            t.path,
            f"{t.system} ({t.category}, {t.character}) to {t.recipient}: {t.reason}"
            + (f"; {t.recipient} is in a dispute with {others}" if disputes else ""),
        )
        marks.append(mark)
        if disputes and t.character != "unknown":
            worst = max(disputes, key=lambda d: acuteness_rank(d.acuteness)).acuteness
            severity = {"offensive": worst, "mixed": one_step_lower(worst)}.get(t.character, "low")
            risks.append(
                RiskHit(
                    "CE03",
                    f"{t.system} ({t.category.replace('-', ' ')}, {t.character}) for "
                    f"{t.recipient}, a party to a dispute with {others}, outside any "
                    "arms-control ceiling",
                    (mark,),
                    severity=severity,
                    subject=f"{t.recipient}:{t.category}:{t.system}",
                    references=tuple(dyad_fact(ctx.reference, d) for d in disputes),
                )
            )
    if not risks and all(t.character == "unknown" for t in transfers):
        return Outcome(INSUFFICIENT, tuple(marks), gap="equipment.yaml: what the equipment is")
    return Outcome("to-disputant" if risks else "outside-disputes", tuple(marks), tuple(risks))


@check(
    "AC03",
    criterion="arms-control",
    levels=CLAIM_LEVELS,
    looks_at=("arms_control.srac_notification", "arms_control.srac_compliance"),
    scope=SRAC_PARTY_MILITARY,
)
def srac_commitments(ctx: Context) -> Outcome:
    """Notification under, and compliance with, the Sub-Regional Arms Control Agreement."""
    names = ("srac_notification", "srac_compliance")
    levels = {k: stated_claim(ctx, ("arms_control", k))[0] for k in names}
    parties = ", ".join(ctx.facts.srac_parties_in)
    marks = (
        Mark(("participants",), f"parties to the agreement involved: {parties}"),
        *(Mark(("arms_control", k), f"{k.replace('_', ' ')}: {v}") for k, v in levels.items()),
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
    scope=EXERCISES,
)
def confidence_building(ctx: Context) -> Outcome:
    """Prior notification of exercises and invited observers, the usual confidence-building measures."""
    levels = [
        stated_claim(ctx, ("arms_control", "exercise_notification"))[0],
        stated_claim(ctx, ("arms_control", "observers"))[0],
    ]
    marks = [
        Mark(("arms_control", "exercise_notification"), f"exercise notification: {levels[0]}"),
        Mark(("arms_control", "observers"), f"observers invited: {levels[1]}"),
    ]
    outside_osce = [
        code
        for code in ctx.facts.countries
        if (c := ctx.reference.country(code)) is not None and c.osce is False
    ]
    if outside_osce:
        marks.append(
            Mark(
                ("participants",),
                f"{', '.join(outside_osce)} not an OSCE participating State: OSCE notification "
                "rules do not reach it, so notification must be agreed directly",
            )
        )
    provided = [v for v in levels if v in ("asserted", "evidenced")]
    if len(provided) == 2 and "evidenced" in provided:
        level = "evidenced"
    elif provided:
        level = "partial"
    elif INSUFFICIENT in levels:
        level = INSUFFICIENT
    else:
        level = "absent"
    risks: tuple[RiskHit, ...] = ()
    rivals = [r for r in ctx.facts.excluded_rivals if acuteness_rank(r.dyad.acuteness) >= 2]
    if level == "absent" and rivals:
        risks = (
            RiskHit(
                "CE04",
                "joint exercises stated to have no notification or observers while "
                + _left_out(sorted({r.rival for r in rivals})),
                (*marks, Mark(("activities",), "joint exercises")),
                references=facts_of(dyad_fact(ctx.reference, r.dyad) for r in rivals),
            ),
        )
    return Outcome(level, tuple(marks), risks)


@check(
    "AC05",
    criterion="arms-control",
    levels=CLAIM_LEVELS,
    looks_at=("arms_control.dispute_sensitivity", "participants"),
    scope=MILITARY_WITH_DISPUTE,
)
def dispute_sensitivity(ctx: Context) -> Outcome:
    """Measures that take account of unresolved disputes and grievances in the region."""
    outcome = claim_outcome(
        ctx, ("arms_control", "dispute_sensitivity"), "dispute-sensitivity measures"
    )
    pairs = ", ".join(
        f"{'–'.join(d.pair)} ({d.acuteness})"
        for d in ctx.facts.disputes
        if acuteness_rank(d.acuteness) >= 2
    )
    return Outcome(
        outcome.level,
        (*outcome.marks, Mark(("participants",), f"disputes involving participants: {pairs}")),
    )


@check(
    "AC06",
    criterion="arms-control",
    levels=CLAIM_LEVELS,
    looks_at=("arms_control.capability_transparency", "equipment"),
    scope=UNCOVERED_CAPABILITIES,
)
def capability_transparency(ctx: Context) -> Outcome:
    """Transparency or limits for capabilities the 1996 agreement does not cover (drones, cyber)."""
    return claim_outcome(
        ctx,
        ("arms_control", "capability_transparency"),
        "transparency or limits for capabilities no ceiling covers",
    )


@check(
    "AC07",
    criterion="arms-control",
    levels=CLAIM_LEVELS,
    looks_at=("arms_control.depoliticised", "participants"),
    scope=RIVAL_LEFT_OUT,
)
def depoliticised(ctx: Context) -> Outcome:
    """Measures that keep the initiative from being read, or used, as a move against a neighbour."""
    return claim_outcome(
        ctx,
        ("arms_control", "depoliticised"),
        "measures against politicisation (directed at no third state, explained to those left out)",
    )


#: A fragment that reaches each check's best level and one that reaches its worst, with
#: the risks the check then raises (see ``checks.examples``).
EXAMPLES: dict[str, tuple[Example, Example]] = {
    "AC01": (
        example("within", TANKS.format(n=10)),
        example("exceeded", TANKS.format(n=80), "CE02"),
    ),
    "AC02": (
        example("none", TANKS.format(n=10)),
        example(
            "to-disputant",
            "participants: [XK, {country: TR, role: supplier}]\nequipment:\n"
            "  - {system: Bayraktar TB2, category: armed-drone, quantity: 5, supplier: TR, recipient: XK}\n",
            "CE03",
        ),
    ),
    "AC03": (
        example(
            "evidenced",
            "participants: [ME]\nactivities: [training]\narms_control:\n  srac_notification: "
            '{statement: Notified, evidence: ["Notification 2025/3"]}\n',
        ),
        example(
            "absent",
            "participants: [ME]\nactivities: [training]\narms_control:\n"
            "  srac_notification: false\n  srac_compliance: false\n",
        ),
    ),
    "AC04": (
        example(
            "evidenced",
            "activities: [joint-exercises]\narms_control:\n"
            '  exercise_notification: {statement: Notified, evidence: ["Art. 17"]}\n'
            '  observers: {statement: Neighbours invited, evidence: ["Art. 17"]}\n',
        ),
        example(
            "absent",
            "participants: [AL, HR, XK]\nactivities: [joint-exercises]\narms_control:\n"
            "  exercise_notification: false\n  observers: false\n",
            "CE04",
        ),
    ),
    "AC05": claim(
        "arms_control",
        "dispute_sensitivity",
        "De-escalation channel",
        "Art. 18",
        "participants: [XK]\nactivities: [training]\n",
    ),
    "AC06": claim(
        "arms_control",
        "capability_transparency",
        "Drones notified to neighbours",
        "Art. 16",
        "participants: [XK, {country: TR, role: supplier}]\nequipment:\n"
        "  - {system: Bayraktar TB2, category: armed-drone, quantity: 5, supplier: TR, recipient: XK}\n",
    ),
    "AC07": claim(
        "arms_control",
        "depoliticised",
        "Directed at no third state",
        "Art. 2",
        "participants: [AL, HR, XK]\nactivities: [joint-exercises]\n",
    ),
}
