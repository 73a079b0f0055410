"""Transparency: can parliaments, the public and neighbours see what is agreed and done?"""

from __future__ import annotations

from policycheck.checks.base import (
    CLAIM_LEVELS,
    INSUFFICIENT,
    Context,
    Mark,
    Outcome,
    check,
    claim_outcome,
)
from policycheck.checks.examples import EU, Example, claim, example
from policycheck.checks.scopes import FRAMEWORK, MILITARY

_REGULAR = frozenset({"annual", "semi-annual", "quarterly", "monthly"})
_OPEN_AUDIENCES = frozenset({"public", "parliament"})


@check(
    "TR01", criterion="transparency", levels=CLAIM_LEVELS, looks_at=("transparency.public_text",)
)
def public_text(ctx: Context) -> Outcome:
    """The text of the agreement is public."""
    return claim_outcome(ctx, ("transparency", "public_text"), "a public text")


@check(
    "TR02",
    criterion="transparency",
    levels=("regular-public", "regular-restricted", "ad-hoc", "none"),
    looks_at=("transparency.reporting",),
)
def reporting(ctx: Context) -> Outcome:
    """Regular reporting on the initiative, to parliaments or the public."""
    report = ctx.proposal.transparency.reporting
    path = ("transparency", "reporting")
    if report is None:
        return Outcome(
            INSUFFICIENT, (Mark(path, "the file does not say how the initiative reports"),)
        )
    audience = ", ".join(report.audience) or "no audience named"
    if report.cadence == "none":
        level = "none"
    elif report.cadence == "ad-hoc":
        level = "ad-hoc"
    elif _OPEN_AUDIENCES & set(report.audience):
        level = "regular-public"
    else:
        level = "regular-restricted"
    return Outcome(level, (Mark(path, f"reporting: {report.cadence}, to {audience}"),))


@check(
    "TR03",
    criterion="transparency",
    levels=CLAIM_LEVELS,
    looks_at=("transparency.progress_indicators",),
    scope=FRAMEWORK,
)
def progress_indicators(ctx: Context) -> Outcome:
    """Progress is tracked against agreed indicators and priorities."""
    return claim_outcome(
        ctx,
        ("transparency", "progress_indicators"),
        "progress indicators",
    )


@check(
    "TR04",
    criterion="transparency",
    levels=CLAIM_LEVELS,
    looks_at=("transparency.parliamentary_oversight",),
)
def parliamentary_oversight(ctx: Context) -> Outcome:
    """Parliaments oversee the initiative."""
    return claim_outcome(
        ctx,
        ("transparency", "parliamentary_oversight"),
        "parliamentary oversight",
    )


@check(
    "TR05",
    criterion="transparency",
    levels=CLAIM_LEVELS,
    looks_at=("transparency.neighbour_information_sharing",),
    scope=MILITARY,
)
def neighbour_information(ctx: Context) -> Outcome:
    """Information is shared with neighbours, including those not taking part."""
    return claim_outcome(
        ctx,
        ("transparency", "neighbour_information_sharing"),
        "information sharing with neighbours",
    )


#: A fragment that reaches each check's best level and one that reaches its worst, with
#: the risks the check then raises (see ``checks.examples``).
EXAMPLES: dict[str, tuple[Example, Example]] = {
    "TR01": claim("transparency", "public_text", "Published", "https://example.org/text"),
    "TR02": (
        example(
            "regular-public",
            "transparency:\n  reporting: {cadence: annual, audience: [parliament, public]}\n",
        ),
        example("none", "transparency:\n  reporting: {cadence: none}\n"),
    ),
    "TR03": claim(
        "transparency", "progress_indicators", "Indicators in Annex III", "Annex III", EU
    ),
    "TR04": claim("transparency", "parliamentary_oversight", "Reviewed yearly", "Law 12/2025"),
    "TR05": claim(
        "transparency",
        "neighbour_information_sharing",
        "Neighbours briefed",
        "Art. 19",
        "activities: [training]\n",
    ),
}
