"""Regional inclusiveness: one regional framework rather than selective, reactive deals."""

from __future__ import annotations

from policycheck.checks.base import (
    CLAIM_LEVELS,
    INSUFFICIENT,
    Context,
    Mark,
    Outcome,
    RiskHit,
    check,
    claim_outcome,
    country_fact,
    dyad_fact,
    facts_of,
    stated_claim,
)
from policycheck.checks.examples import EU, Example, claim, example
from policycheck.checks.scopes import (
    DEFENCE_FRAMEWORK,
    EUROPEAN_FRAMEWORK,
    KOSOVO_WITH_NON_RECOGNISER,
    MILITARY_GROUPING,
)
from policycheck.facts import ExcludedRival, Shape, acuteness_rank, one_step_lower
from policycheck.reference import WESTERN_BALKAN_SIX

_REACTIVE_THREATS = frozenset({"migration", "organised-crime", "terrorism"})
_OPEN = ("regional", "open_to_join")


@check(
    "RI01",
    criterion="regional-inclusiveness",
    levels=("region-wide", "open", "partial", "narrow"),
    looks_at=("participants", "lead", "regional.open_to_join", "regional.open_to"),
    risks=("RF01", "RF02"),
    scope=DEFENCE_FRAMEWORK,
)
def coverage(ctx: Context) -> Outcome:
    """How many of the Western Balkan six take part, or may join."""
    facts = ctx.facts
    inside, outside, may_join = facts.wb6_in, facts.wb6_out, facts.wb6_may_join
    marks = [
        Mark(
            ("participants",),
            f"Western Balkan six in: {', '.join(inside) or 'none'}; "
            f"left out: {', '.join(outside) or 'none'}",
        )
    ]
    if not outside:
        return Outcome("region-wide", tuple(marks))
    closed = tuple(c for c in outside if c not in may_join)
    open_known = facts.open_to_join is not None or ctx.proposal.regional.open_to is not None
    if may_join:
        condition = ctx.proposal.regional.open_condition
        marks.append(
            Mark(
                ("regional", "open_to") if not facts.open_to_join else _OPEN,
                f"open to {', '.join(may_join)}"
                + (f" on a condition: {condition}" if condition else ""),
            )
        )
    elif open_known:
        marks.append(Mark(_OPEN, "stated to be closed to the other regional states"))
    if not closed:
        return Outcome("open", tuple(marks))
    regional_members = [c for c in facts.bloc if c in WESTERN_BALKAN_SIX]
    nato_line = _nato_line(ctx, regional_members, closed)
    if not open_known:
        marks.append(Mark(_OPEN, "the file does not say whether the others may join"))
    risks = _tailored(ctx, tuple(marks))
    # Selectivity is a known fact when the file says the grouping is closed, or when its
    # membership follows the NATO dividing line the brief names (whatever it says of joining).
    selective = open_known or bool(nato_line)
    if selective and not risks and regional_members and Shape.GROUPING in facts.shapes:
        left = f"closed to {', '.join(closed)}" if open_known else f"without {', '.join(closed)}"
        risks = (
            RiskHit(
                "RF01",
                f"a grouping of {', '.join(facts.bloc)} {left}{nato_line}",
                tuple(marks),
                subject="selective-grouping",
            ),
        )
    if not open_known:
        return Outcome(INSUFFICIENT, tuple(marks), risks)
    reach = len(inside) + len(may_join)
    return Outcome("partial" if reach >= 3 else "narrow", tuple(marks), risks)


def _tailored(ctx: Context, marks: tuple[Mark, ...]) -> tuple[RiskHit, ...]:
    """RF02: the EU or a member state with a single regional state, on a track of its own."""
    facts = ctx.facts
    regional_members = [c for c in facts.bloc if c in WESTERN_BALKAN_SIX]
    if len(regional_members) != 1 or not (facts.eu_itself or facts.member_states):
        return ()
    if len(facts.bloc) - 1 > len(facts.member_states):
        return ()
    partner = ", ".join(facts.member_states) if facts.member_states else "the EU"
    return (
        RiskHit(
            "RF02",
            f"a country-tailored track between {partner} and {regional_members[0]} alone",
            marks,
            severity="medium" if facts.member_states else "low",
        ),
    )


def _nato_line(ctx: Context, members: list[str], closed: tuple[str, ...]) -> str:
    """Say so when a grouping follows the NATO dividing line the brief names."""

    def nato(code: str) -> str | None:
        country = ctx.reference.country(code)
        return country.nato if country is not None else None

    if all(nato(c) == "member" for c in members) and all(
        nato(c) not in (None, "member") for c in closed
    ):
        return ", along the NATO dividing line"
    return ""


@check(
    "RI02",
    criterion="regional-inclusiveness",
    levels=("none", "low", "medium", "high"),
    looks_at=("participants", "activities", "regional.open_to_join", "regional.open_to"),
    risks=("CE01",),
    scope=MILITARY_GROUPING,
)
def rivals_left_out(ctx: Context) -> Outcome:
    """Whether a participant's rival, by the dyads data, is left out of military cooperation."""
    facts = ctx.facts
    if not facts.excluded_rivals:
        return Outcome("none", (Mark(("participants",), "no participant's rival is left out"),))

    def level(r: ExcludedRival) -> str:
        return one_step_lower(r.dyad.acuteness) if r.may_join else r.dyad.acuteness

    marks = tuple(
        Mark(
            r.path,
            f"{r.participant}'s {r.dyad.kind.replace('-', ' ')} with {r.rival} ({r.dyad.acuteness})"
            f" — {r.rival} is left out" + (" but may join" if r.may_join else ""),
        )
        for r in facts.excluded_rivals
    )
    worst = max((level(r) for r in facts.excluded_rivals), key=acuteness_rank)
    serious = [r for r in facts.excluded_rivals if acuteness_rank(r.dyad.acuteness) >= 2]
    risks: tuple[RiskHit, ...] = ()
    if serious:
        severity = max((level(r) for r in serious), key=acuteness_rank)
        rivals = sorted({r.rival for r in serious})
        risks = (
            RiskHit(
                "CE01",
                f"military cooperation among {', '.join(facts.bloc)} leaves out "
                f"{', '.join(rivals)}, a rival of a participant",
                (
                    *marks,
                    Mark(
                        ("activities",),
                        "military activities: " + ", ".join(ctx.proposal.activities),
                    ),
                ),
                severity=severity,
                subject="left-out:" + ",".join(rivals),
                references=facts_of(dyad_fact(ctx.reference, r.dyad) for r in serious),
            ),
        )
    return Outcome(worst, marks, risks)


@check(
    "RI03",
    criterion="regional-inclusiveness",
    levels=CLAIM_LEVELS,
    looks_at=("regional.formats",),
    scope=DEFENCE_FRAMEWORK,
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
        return Outcome("absent", (Mark(path, "stated: no link to a regional format"),))
    marks = tuple(
        Mark(
            (*path, i),
            f"{link.format}: "
            + (f"evidence: {', '.join(link.evidence)}" if link.evidence else "no evidence given"),
        )
        for i, link in enumerate(links)
    )
    return Outcome("evidenced" if any(link.evidence for link in links) else "asserted", marks)


@check(
    "RI04",
    criterion="regional-inclusiveness",
    levels=("strong", "partial", "absent"),
    looks_at=("regional.coordination", "regional.joint_planning", "regional.interoperability"),
    scope=DEFENCE_FRAMEWORK,
)
def coordination(ctx: Context) -> Outcome:
    """Coordination with other initiatives, joint planning and interoperable capabilities."""
    names = ("coordination", "joint_planning", "interoperability")
    levels = {name: stated_claim(ctx, ("regional", name))[0] for name in names}
    marks = tuple(
        Mark(("regional", name), f"{name.replace('_', ' ')}: {level}")
        for name, level in levels.items()
    )
    values = list(levels.values())
    provided = sum(v in ("asserted", "evidenced") for v in values)
    if provided >= 2 and "evidenced" in values:
        return Outcome("strong", marks)
    if provided:
        return Outcome("partial", marks)
    if INSUFFICIENT in values:
        return Outcome(INSUFFICIENT, marks)
    return Outcome("absent", marks)


@check(
    "RI05",
    criterion="regional-inclusiveness",
    levels=("long-term", "medium-term", "reactive"),
    looks_at=("horizon_years", "threats"),
    risks=("RF04",),
    scope=DEFENCE_FRAMEWORK,
)
def horizon(ctx: Context) -> Outcome:
    """A long horizon and a broad view of threats, rather than a reactive single-threat focus."""
    proposal = ctx.proposal
    threats = set(proposal.threats)
    single_reactive = len(threats) == 1 and threats <= _REACTIVE_THREATS
    years = proposal.horizon_years
    marks = (
        Mark(
            ("horizon_years",),
            "horizon: "
            + ("not stated" if years is None else f"{years} year{'s' if years != 1 else ''}"),
        ),
        Mark(("threats",), f"threats answered: {', '.join(proposal.threats) or 'not stated'}"),
    )
    if single_reactive or (years is not None and years < 5):
        level = "reactive"
    elif years is None:
        level = INSUFFICIENT
    elif years < 10:
        level = "medium-term"
    else:
        level = "long-term"
    risks: tuple[RiskHit, ...] = ()
    if level == "reactive":
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
    """External actors whose involvement can widen the region's divides, rated by stated criteria.

    High: an EU arms embargo is in force against the state. Medium: the brief
    names it as using the region's divides. Low: neither. A state with no
    reference record, or a record that leaves this open, is unknown.
    """
    present = ctx.facts.external
    unrecorded = [
        (code, path)
        for code, path in ctx.facts.unrecorded
        if code not in WESTERN_BALKAN_SIX and code != "EU"
    ]
    marks = tuple(
        Mark(e.path, f"{e.country} ({e.concern or 'unknown'} concern: {e.basis}): {e.how}")
        for e in present
    ) + tuple(
        Mark(path, f"{code}: no reference data (add it to countries.yaml with --reference)")
        for code, path in unrecorded
    )
    if not present and not unrecorded:
        if ctx.proposal.external_actors is None:
            return Outcome(
                INSUFFICIENT,
                (
                    Mark(
                        ("external_actors",),
                        "no outside power takes part or supplies, and the file does not say "
                        "whether any other is involved (external_actors: [] if none)",
                    ),
                ),
            )
        return Outcome("none", (Mark(("external_actors",), "stated: no external actor involved"),))
    known = [e for e in present if e.concern is not None]
    worst = known[0].concern if known else None
    risks: tuple[RiskHit, ...] = ()
    if worst is not None and acuteness_rank(worst) >= 2:
        first = known[0]
        risks = (
            RiskHit(
                "RF03",
                f"{first.country} involved as {first.how}: an external actor that can deepen the "
                "region's divides",
                marks,
                severity=worst,
                subject=f"external:{first.country}",
                references=facts_of(
                    country_fact(ctx.reference, e.country, f"{e.concern} concern: {e.basis}")
                    for e in known
                ),
            ),
        )
    unknown = len(known) < len(present) or bool(unrecorded)
    if worst is None or (unknown and worst == "low"):
        return Outcome(INSUFFICIENT, marks, risks)
    return Outcome(worst, marks, risks)


@check(
    "RI07",
    criterion="regional-inclusiveness",
    levels=CLAIM_LEVELS,
    looks_at=("participants", "regional.status_neutral"),
    risks=("RF05",),
    scope=KOSOVO_WITH_NON_RECOGNISER,
)
def recognition_divide(ctx: Context) -> Outcome:
    """Status-neutral arrangements where Kosovo takes part with states that do not recognise it.

    Bringing both into one initiative bridges the divide the brief names; the
    question is whether the text lets them work together. RF05 comes only from
    a stated absence of such arrangements.
    """
    facts = ctx.facts
    codes = ", ".join(code for code, _ in facts.non_recognisers_with_kosovo)
    outcome = claim_outcome(ctx, ("regional", "status_neutral"), "a status-neutral arrangement")
    marks = (
        *(
            Mark(path, f"{code} does not recognise Kosovo")
            for code, path in facts.non_recognisers_with_kosovo
        ),
        *outcome.marks,
    )
    risks: tuple[RiskHit, ...] = ()
    if outcome.level == "absent":
        risks = (
            RiskHit(
                "RF05",
                f"{codes} take part alongside Kosovo without recognising it, and the text "
                "states no status-neutral arrangement",
                marks,
                subject=f"non-recognisers:{codes}",
                references=facts_of(
                    country_fact(ctx.reference, code, "does not recognise Kosovo")
                    for code, _ in facts.non_recognisers_with_kosovo
                ),
            ),
        )
    return Outcome(outcome.level, marks, risks)


@check(
    "RI08",
    criterion="regional-inclusiveness",
    levels=CLAIM_LEVELS,
    looks_at=("regional.avoids_duplication",),
    scope=DEFENCE_FRAMEWORK,
)
def avoids_duplication(ctx: Context) -> Outcome:
    """How the initiative avoids duplicating the partnerships already in place."""
    return claim_outcome(
        ctx, ("regional", "avoids_duplication"), "a statement of how it avoids duplication"
    )


@check(
    "RI09",
    criterion="regional-inclusiveness",
    levels=CLAIM_LEVELS,
    looks_at=("safeguards.regional_ownership",),
    scope=EUROPEAN_FRAMEWORK,
)
def regional_ownership(ctx: Context) -> Outcome:
    """Priorities set with and by the region's states, not the EU's alone."""
    return claim_outcome(
        ctx, ("safeguards", "regional_ownership"), "priorities set with the region's states"
    )


#: A fragment that reaches each check's best level and one that reaches its worst, with
#: the risks the check then raises (see ``checks.examples``).
EXAMPLES: dict[str, tuple[Example, Example]] = {
    "RI01": (
        example("region-wide", "participants: [AL, BA, ME, MK, RS, XK]\nactivities: [training]\n"),
        example(
            "narrow",
            "participants: [AL, XK]\nactivities: [training]\nregional:\n  open_to_join: false\n",
            "RF01",
        ),
    ),
    "RI02": (
        example("none", "participants: [AL, BA, HR, ME, MK, RS, XK]\nactivities: [training]\n"),
        example("high", "participants: [AL, HR, XK]\nactivities: [joint-exercises]\n", "CE01"),
    ),
    "RI03": (
        example(
            "evidenced",
            EU + 'regional:\n  formats:\n    - {format: berlin-process, evidence: ["Art. 14"]}\n',
        ),
        example("absent", EU + "regional:\n  formats: []\n"),
    ),
    "RI04": (
        example(
            "strong",
            EU + "regional:\n  coordination: "
            '{statement: Coordinated with the EU partnerships, evidence: ["Art. 12"]}\n'
            "  joint_planning: true\n",
        ),
        example(
            "absent",
            EU + "regional:\n  coordination: false\n  joint_planning: false\n"
            "  interoperability: false\n",
        ),
    ),
    "RI05": (
        example("long-term", EU + "horizon_years: 15\nthreats: [hybrid, cyber]\n"),
        example("reactive", EU + "horizon_years: 2\nthreats: [migration]\n", "RF04"),
    ),
    "RI06": (
        example("none", "external_actors: []\n"),
        example(
            "high",
            "participants: [RS]\nexternal_actors:\n  - {country: RU, involvement: supplier}\n",
            "RF03",
        ),
    ),
    "RI07": (
        example(
            "evidenced",
            "participants: [RS, XK]\nregional:\n  status_neutral: "
            '{statement: Status-neutral footnote, evidence: ["Art. 3"]}\n',
        ),
        example("absent", "participants: [ES, XK]\nregional:\n  status_neutral: false\n", "RF05"),
    ),
    "RI08": claim("regional", "avoids_duplication", "Folds in existing programmes", "Art. 12", EU),
    "RI09": claim(
        "safeguards", "regional_ownership", "Priorities agreed with the partner", "Art. 5", EU
    ),
}
