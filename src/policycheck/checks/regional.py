"""Regional inclusiveness: one regional framework rather than selective, reactive deals."""

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
from policycheck.reference import WESTERN_BALKAN_SIX

_REACTIVE_THREATS = frozenset({"migration", "organised-crime", "terrorism"})
_LOWER = {"high": "medium", "medium": "low", "low": "low"}


@check(
    "RI01",
    criterion="regional-inclusiveness",
    levels=("region-wide", "open", "partial", "narrow"),
    looks_at=("participants", "lead", "regional.open_to_join"),
    risks=("RF01", "RF02"),
)
def coverage(ctx: Context) -> Outcome:
    """How many of the Western Balkan six take part, or may join."""
    facts = ctx.facts
    inside, outside = facts.wb6_in, facts.wb6_out
    note = f"Western Balkan six in: {', '.join(inside) or 'none'}; left out: {', '.join(outside) or 'none'}"
    marks = [Mark(("participants",), note)]
    if not outside:
        return Outcome("region-wide", tuple(marks))
    if facts.open_to_join:
        marks.append(Mark(("regional", "open_to_join"), "open to other regional states"))
        return Outcome("open", tuple(marks))
    marks.append(
        Mark(("regional", "open_to_join"), "not stated to be open to other regional states")
    )
    level = "partial" if len(inside) >= 3 else "narrow"
    regional_members = [c for c in facts.bloc if c in WESTERN_BALKAN_SIX]
    risks: list[RiskHit] = []
    if len(regional_members) == 1 and facts.defence and (facts.eu_itself or facts.member_states):
        partner = "the EU" if not facts.member_states else ", ".join(facts.member_states)
        risks.append(
            RiskHit(
                "RF02",
                f"a country-tailored track between {partner} and {regional_members[0]} alone",
                tuple(marks),
                severity="medium" if facts.member_states else "low",
            )
        )
    elif len(regional_members) >= 1 and len(facts.bloc) >= 2:
        risks.append(
            RiskHit(
                "RF01",
                f"a closed grouping of {', '.join(facts.bloc)} that leaves out {', '.join(outside)}",
                tuple(marks),
            )
        )
    return Outcome(level, tuple(marks), tuple(risks))


@check(
    "RI02",
    criterion="regional-inclusiveness",
    levels=("none", "low", "medium", "high"),
    looks_at=("participants", "activities", "regional.open_to_join"),
    risks=("CE01",),
)
def rivals_left_out(ctx: Context) -> Outcome:
    """Whether a participant's rival, by the dyads data, is left out of the initiative."""
    facts = ctx.facts
    if not facts.bloc:
        return Outcome(
            NOT_APPLICABLE, (Mark(("participants",), "no state takes part as a member"),)
        )
    if not facts.excluded_rivals:
        return Outcome("none", (Mark(("participants",), "no participant's rival is left out"),))
    marks = tuple(
        Mark(
            r.path,
            f"{r.participant}'s {r.dyad.kind.replace('-', ' ')} with {r.rival} ({r.dyad.acuteness}) — {r.rival} is left out",
        )
        for r in facts.excluded_rivals
    )
    worst = facts.excluded_rivals[0]
    risks: tuple[RiskHit, ...] = ()
    if facts.military and len(facts.bloc) >= 2 and acuteness_rank(worst.dyad.acuteness) >= 2:
        severity = _LOWER[worst.dyad.acuteness] if facts.open_to_join else worst.dyad.acuteness
        rivals = sorted(
            {r.rival for r in facts.excluded_rivals if acuteness_rank(r.dyad.acuteness) >= 2}
        )
        risks = (
            RiskHit(
                "CE01",
                f"military cooperation among {', '.join(facts.bloc)} leaves out {', '.join(rivals)}, "
                "a rival of a participant",
                (
                    *marks,
                    Mark(
                        ("activities",),
                        "military activities: " + ", ".join(ctx.proposal.activities),
                    ),
                ),
                severity=severity,
                subject="left-out:" + ",".join(rivals),
            ),
        )
    return Outcome(worst.dyad.acuteness, marks, risks)


@check(
    "RI03",
    criterion="regional-inclusiveness",
    levels=CLAIM_LEVELS,
    looks_at=("regional.formats",),
)
def regional_formats(ctx: Context) -> Outcome:
    """Ties to regional formats (Berlin Process, Belgrade–Pristina dialogue, RACVIAC, SEDM ...)."""
    links = ctx.proposal.regional.formats
    path = ("regional", "formats")
    if links is None:
        return Outcome(
            INSUFFICIENT,
            (Mark(path, "the file does not say whether it links to a regional format"),),
        )
    if not links:
        return Outcome("absent", (Mark(path, "no link to a regional format"),))
    marks = tuple(
        Mark(
            (*path, i),
            f"{link.format}: {'evidence: ' + ', '.join(link.evidence) if link.evidence else 'no evidence given'}",
        )
        for i, link in enumerate(links)
    )
    return Outcome("evidenced" if any(link.evidence for link in links) else "asserted", marks)


@check(
    "RI04",
    criterion="regional-inclusiveness",
    levels=("strong", "partial", "absent"),
    looks_at=("regional.coordination", "regional.joint_planning", "regional.interoperability"),
)
def coordination(ctx: Context) -> Outcome:
    """Coordination with other initiatives, joint planning and interoperable capabilities."""
    regional = ctx.proposal.regional
    claims = {
        "coordination": regional.coordination,
        "joint_planning": regional.joint_planning,
        "interoperability": regional.interoperability,
    }
    levels = {name: claim_level(claim) for name, claim in claims.items()}
    marks = tuple(
        Mark(("regional", name), f"{name.replace('_', ' ')}: {level}")
        for name, level in levels.items()
    )
    values = list(levels.values())
    if all(v == INSUFFICIENT for v in values):
        return Outcome(INSUFFICIENT, marks)
    provided = sum(v in ("asserted", "evidenced") for v in values)
    if provided >= 2 and "evidenced" in values:
        return Outcome("strong", marks)
    return Outcome("partial" if provided else "absent", marks)


@check(
    "RI05",
    criterion="regional-inclusiveness",
    levels=("long-term", "medium-term", "reactive"),
    looks_at=("horizon_years", "threats"),
    risks=("RF04",),
)
def horizon(ctx: Context) -> Outcome:
    """A long horizon and a broad view of threats, rather than a reactive single-threat focus."""
    proposal = ctx.proposal
    threats = set(proposal.threats)
    single_reactive = len(threats) == 1 and threats <= _REACTIVE_THREATS
    marks = (
        Mark(
            ("horizon_years",),
            "horizon: "
            + (
                "not stated"
                if proposal.horizon_years is None
                else f"{proposal.horizon_years} year{'s' if proposal.horizon_years != 1 else ''}"
            ),
        ),
        Mark(("threats",), f"threats answered: {', '.join(proposal.threats) or 'not stated'}"),
    )
    if proposal.horizon_years is None:
        level = "reactive" if single_reactive else INSUFFICIENT
    elif proposal.horizon_years < 5 or single_reactive:
        level = "reactive"
    elif proposal.horizon_years < 10:
        level = "medium-term"
    else:
        level = "long-term"
    risks: tuple[RiskHit, ...] = ()
    if level == "reactive" and ctx.facts.defence:
        risks = (
            RiskHit(
                "RF04",
                "a short-horizon or single-threat answer rather than a lasting framework",
                marks,
            ),
        )
    return Outcome(level, marks, risks)


@check(
    "RI06",
    criterion="regional-inclusiveness",
    levels=("none", "low", "medium", "high"),
    looks_at=("participants", "equipment.*.supplier", "external_actors"),
    risks=("RF03",),
)
def external_actors(ctx: Context) -> Outcome:
    """External actors (Russia, China, Turkey ...) whose involvement can widen the region's divides."""
    present = ctx.facts.external
    if not present:
        return Outcome("none", (Mark(("external_actors",), "no external actor involved"),))
    marks = tuple(
        Mark(e.path, f"{e.country} ({e.influence or 'unknown'} influence): {e.how}")
        for e in present
    )
    worst = present[0]
    if worst.influence is None or (
        worst.influence == "low" and any(e.influence is None for e in present)
    ):
        return Outcome(INSUFFICIENT, marks)
    risks: tuple[RiskHit, ...] = ()
    if acuteness_rank(worst.influence) >= 2:
        risks = (
            RiskHit(
                "RF03",
                f"{worst.country} involved as {worst.how}: an external actor that can deepen the region's divides",
                marks,
                severity=worst.influence,
                subject=f"external:{worst.country}",
            ),
        )
    return Outcome(worst.influence, marks, risks)


@check(
    "RI07",
    criterion="regional-inclusiveness",
    levels=("bridged", "divided"),
    looks_at=("participants",),
    risks=("RF05",),
)
def recognition_divide(ctx: Context) -> Outcome:
    """EU member states that do not recognise Kosovo taking part alongside it."""
    facts = ctx.facts
    if "XK" not in facts.countries:
        return Outcome(NOT_APPLICABLE, (Mark(("participants",), "Kosovo does not take part"),))
    if not facts.non_recognisers_with_kosovo:
        return Outcome(
            "bridged",
            (Mark(facts.participant_paths["XK"], "no participant refuses to recognise Kosovo"),),
        )
    marks = tuple(
        Mark(path, f"{code} does not recognise Kosovo")
        for code, path in facts.non_recognisers_with_kosovo
    )
    codes = ", ".join(code for code, _ in facts.non_recognisers_with_kosovo)
    return Outcome(
        "divided",
        marks,
        (
            RiskHit(
                "RF05",
                f"{codes} take part alongside Kosovo without recognising it",
                marks,
                subject=f"non-recognisers:{codes}",
            ),
        ),
    )
