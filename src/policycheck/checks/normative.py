"""Normative safeguards: does the initiative keep peace, democracy and human security first?"""

from __future__ import annotations

from policycheck.checks.base import (
    CLAIM_LEVELS,
    Context,
    Mark,
    Outcome,
    RiskHit,
    check,
    claim_outcome,
    country_fact,
    facts_of,
    stated_claim,
)
from policycheck.checks.examples import EU, Example, claim, example
from policycheck.checks.scopes import (
    EUROPEAN_DEFENCE_FRAMEWORK,
    EUROPEAN_FRAMEWORK,
    LAND_AND_RESOURCES,
)
from policycheck.facts import EXTRACTIVE_ACTIVITIES

_HUMAN_SECURITY = ("safeguards", "human_security")
_CONDITIONALITY = ("safeguards", "democratic_conditionality")


@check(
    "NS01",
    criterion="normative-safeguards",
    levels=CLAIM_LEVELS,
    looks_at=("safeguards.human_security", "safeguards.democratic_conditionality", "activities"),
    risks=("NE01",),
    scope=EUROPEAN_DEFENCE_FRAMEWORK,
)
def human_security(ctx: Context) -> Outcome:
    """A human-security clause inside the defence framework ("positive conditionality").

    Raises NE01 when the file states that the defence cooperation has neither
    this clause nor democratic conditionality: the brief's erosion of the EU's
    normative power. A safeguard the file leaves unsaid raises nothing.
    """
    outcome = claim_outcome(ctx, _HUMAN_SECURITY, "a human-security clause")
    levels = {stated_claim(ctx, _HUMAN_SECURITY)[0], stated_claim(ctx, _CONDITIONALITY)[0]}
    if levels == {"absent"}:
        hit = RiskHit(
            "NE01",
            "defence cooperation stated to have neither a human-security clause nor "
            "democratic conditionality",
            (
                Mark(_HUMAN_SECURITY, "stated: no human-security clause"),
                Mark(_CONDITIONALITY, "stated: no democratic conditionality"),
                Mark(("activities",), "defence activities: " + ", ".join(ctx.proposal.activities)),
            ),
        )
        return Outcome(outcome.level, outcome.marks, (hit,))
    return outcome


@check(
    "NS02",
    criterion="normative-safeguards",
    levels=CLAIM_LEVELS,
    looks_at=("safeguards.democratic_conditionality", "participants"),
    risks=("NE03",),
    scope=EUROPEAN_FRAMEWORK,
)
def democratic_conditionality(ctx: Context) -> Outcome:
    """Democratic or rule-of-law conditions tied to the cooperation and the accession path.

    Raises NE03 when the one regional partner is not fully aligned with the EU's
    foreign and security policy (by the reference data) and the file states there
    is no such condition: the transactional partnership the brief warns of. In a
    grouping of several regional states it does not: bringing a state in is not
    penalised.
    """
    outcome = claim_outcome(ctx, _CONDITIONALITY, "democratic or rule-of-law conditionality")
    if outcome.level != "absent" or len(ctx.facts.home_bloc) != 1:
        return outcome
    partial = []
    for code in ctx.facts.home_bloc:
        country = ctx.reference.country(code)
        if country is not None and country.cfsp_alignment in ("partial", "none"):
            rate = country.cfsp_alignment_rate
            how = country.cfsp_alignment + (f", {rate}%" if rate is not None else "")
            partial.append((code, how))
    if not partial:
        return outcome
    marks = tuple(
        Mark(
            ctx.facts.participant_paths.get(code, ("participants",)),
            f"{code}: alignment with the EU's foreign and security policy is {how}",
        )
        for code, how in partial
    )
    hit = RiskHit(
        "NE03",
        f"cooperation with {', '.join(c for c, _ in partial)}, not fully aligned with the EU's "
        "foreign and security policy, stated to carry no democratic condition",
        (*outcome.marks, *marks),
        subject="unaligned:" + ",".join(c for c, _ in partial),
        references=facts_of(
            country_fact(ctx.reference, code, f"CFSP alignment {how}") for code, how in partial
        ),
    )
    return Outcome(outcome.level, outcome.marks + marks, (hit,))


@check(
    "NS03",
    criterion="normative-safeguards",
    levels=CLAIM_LEVELS,
    looks_at=("safeguards.local_consultation", "activities"),
    risks=("NE02",),
    scope=LAND_AND_RESOURCES,
)
def local_consultation(ctx: Context) -> Outcome:
    """Consultation of local communities and civil society where land and resources are at stake."""
    outcome = claim_outcome(
        ctx, ("safeguards", "local_consultation"), "consultation of local communities"
    )
    if outcome.level == "absent":
        extractive = sorted(EXTRACTIVE_ACTIVITIES & set(ctx.proposal.activities))
        hit = RiskHit(
            "NE02",
            f"{', '.join(extractive)} stated to go ahead without consulting local communities "
            "or civil society",
            (Mark(("activities",), "activities: " + ", ".join(extractive)), *outcome.marks),
        )
        return Outcome(outcome.level, outcome.marks, (hit,))
    return outcome


@check(
    "NS04",
    criterion="normative-safeguards",
    levels=CLAIM_LEVELS,
    looks_at=("safeguards.socio_economic_benefits",),
    scope=EUROPEAN_FRAMEWORK,
)
def socio_economic_benefits(ctx: Context) -> Outcome:
    """Socio-economic co-benefits that answer the region's own priorities."""
    return claim_outcome(
        ctx,
        ("safeguards", "socio_economic_benefits"),
        "socio-economic co-benefits for the region",
    )


@check(
    "NS05",
    criterion="normative-safeguards",
    levels=CLAIM_LEVELS,
    looks_at=("safeguards.economic_interdependence",),
    scope=EUROPEAN_FRAMEWORK,
)
def economic_interdependence(ctx: Context) -> Outcome:
    """Economic interdependence among the region's states, built in alongside the enlargement prospect."""
    return claim_outcome(
        ctx,
        ("safeguards", "economic_interdependence"),
        "regional economic interdependence",
    )


#: A fragment that reaches each check's best level and one that reaches its worst, with
#: the risks the check then raises (see ``checks.examples``).
EXAMPLES: dict[str, tuple[Example, Example]] = {
    "NS01": (
        example(
            "evidenced",
            EU
            + 'safeguards:\n  human_security: {statement: Civilian-protection clause, evidence: ["Art. 4"]}\n',
        ),
        example(
            "absent",
            EU + "safeguards:\n  human_security: false\n  democratic_conditionality: false\n",
            "NE01",
        ),
    ),
    "NS02": claim(
        "safeguards", "democratic_conditionality", "Rule-of-law benchmarks", "Art. 9", EU
    ),
    "NS03": (
        example(
            "evidenced",
            "activities: [raw-materials]\nsafeguards:\n  local_consultation: "
            '{statement: Public hearings held, evidence: ["https://example.org/hearings"]}\n',
        ),
        example(
            "absent",
            "activities: [raw-materials]\nsafeguards:\n  local_consultation: false\n",
            "NE02",
        ),
    ),
    "NS04": claim(
        "safeguards", "socio_economic_benefits", "Local jobs and services", "Annex II", EU
    ),
    "NS05": claim(
        "safeguards", "economic_interdependence", "Regional supply chains", "Art. 10", EU
    ),
}
