"""Normative safeguards: does the initiative keep peace, democracy and human security first?"""

from __future__ import annotations

from policycheck.checks.base import (
    CLAIM_LEVELS,
    INSUFFICIENT,
    Context,
    Mark,
    Outcome,
    RiskHit,
    check,
    claim_level,
    claim_outcome,
)

_EXTRACTIVE = frozenset({"raw-materials", "infrastructure"})


@check(
    "NS01",
    criterion="normative-safeguards",
    levels=CLAIM_LEVELS,
    looks_at=("safeguards.human_security", "safeguards.democratic_conditionality", "activities"),
    risks=("NE01",),
)
def human_security(ctx: Context) -> Outcome:
    """A human-security clause inside the defence framework ("positive conditionality").

    Raises NE01 when the EU or a member state takes part in defence cooperation
    that has neither this clause nor democratic conditionality: the brief's
    erosion of the EU's normative power.
    """
    safeguards = ctx.proposal.safeguards
    outcome = claim_outcome(
        safeguards.human_security, ("safeguards", "human_security"), "a human-security clause"
    )
    weak = {
        claim_level(safeguards.human_security),
        claim_level(safeguards.democratic_conditionality),
    }
    european = ctx.facts.eu_itself or bool(ctx.facts.member_states)
    if ctx.facts.defence and european and weak <= {"absent", INSUFFICIENT}:
        hit = RiskHit(
            "NE01",
            "defence cooperation with neither a human-security clause nor democratic conditionality",
            (
                Mark(("safeguards", "human_security"), "no human-security clause"),
                Mark(("safeguards", "democratic_conditionality"), "no democratic conditionality"),
                Mark(("activities",), "defence activities: " + ", ".join(ctx.proposal.activities)),
            ),
        )
        return Outcome(outcome.level, outcome.marks, (hit,))
    return outcome


@check(
    "NS02",
    criterion="normative-safeguards",
    levels=CLAIM_LEVELS,
    looks_at=("safeguards.democratic_conditionality",),
)
def democratic_conditionality(ctx: Context) -> Outcome:
    """Democratic or rule-of-law conditions tied to the cooperation and the accession path."""
    return claim_outcome(
        ctx.proposal.safeguards.democratic_conditionality,
        ("safeguards", "democratic_conditionality"),
        "democratic or rule-of-law conditionality",
    )


@check(
    "NS03",
    criterion="normative-safeguards",
    levels=CLAIM_LEVELS,
    looks_at=("safeguards.local_consultation", "activities"),
    risks=("NE02",),
)
def local_consultation(ctx: Context) -> Outcome:
    """Consultation of local communities and civil society, above all where land and resources are at stake."""
    claim = ctx.proposal.safeguards.local_consultation
    outcome = claim_outcome(
        claim, ("safeguards", "local_consultation"), "consultation of local communities"
    )
    extractive = sorted(_EXTRACTIVE & set(ctx.proposal.activities))
    if extractive and outcome.level in ("absent", INSUFFICIENT):
        hit = RiskHit(
            "NE02",
            f"{', '.join(extractive)} without consulting local communities or civil society",
            (
                Mark(("activities",), "activities: " + ", ".join(extractive)),
                Mark(("safeguards", "local_consultation"), outcome.marks[0].note),
            ),
        )
        return Outcome(outcome.level, outcome.marks, (hit,))
    return outcome


@check(
    "NS04",
    criterion="normative-safeguards",
    levels=CLAIM_LEVELS,
    looks_at=("safeguards.socio_economic_benefits",),
)
def socio_economic_benefits(ctx: Context) -> Outcome:
    """Socio-economic co-benefits that answer the region's own priorities."""
    return claim_outcome(
        ctx.proposal.safeguards.socio_economic_benefits,
        ("safeguards", "socio_economic_benefits"),
        "socio-economic co-benefits for the region",
    )
