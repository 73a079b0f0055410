"""Where each check's question makes sense, named once and shared by the checks.

A check outside its scope is not applicable: it is left out of the score and
the report says why (a national purchase is not asked to invite its rival in).
"""

from __future__ import annotations

from policycheck.checks.base import Scope
from policycheck.facts import Facts, Shape, acuteness_rank


def _serious_dispute(f: Facts) -> bool:
    return any(acuteness_rank(d.acuteness) >= 2 for d in f.disputes)


EUROPEAN_DEFENCE_FRAMEWORK = Scope(
    "defence cooperation in which the EU or a member state takes part (not a purchase alone)",
    lambda f: f.european and f.defence and f.framework,
    ("participants",),
)
EUROPEAN_FRAMEWORK = Scope(
    "cooperation in which the EU or a member state takes part (not a purchase alone)",
    lambda f: f.european and f.framework,
    ("participants",),
)
LAND_AND_RESOURCES = Scope(
    "initiatives that put land or resources at stake (raw materials, infrastructure)",
    lambda f: Shape.RAW_MATERIALS in f.shapes,
)
DEFENCE_FRAMEWORK = Scope(
    "defence cooperation among parties (a grouping or an EU partnership), not a purchase alone",
    lambda f: f.defence and f.framework,
    ("participants",),
)
FRAMEWORK = Scope(
    "cooperation among parties (a grouping or an EU partnership), not a purchase alone",
    lambda f: f.framework,
    ("participants",),
)
MILITARY_GROUPING = Scope(
    "military cooperation among two or more states of the region (one of the six)",
    lambda f: f.regional_grouping and f.military,
    ("participants",),
)
KOSOVO_WITH_NON_RECOGNISER = Scope(
    "initiatives where Kosovo takes part with a state that does not recognise it",
    lambda f: bool(f.non_recognisers_with_kosovo),
    ("participants",),
)
SRAC_ACQUISITION = Scope(
    "equipment in the arms-control agreement's categories going to one of its parties",
    lambda f: bool(f.srac_acquisitions),
    ("equipment",),
)
LETHAL_EQUIPMENT = Scope(
    "initiatives that supply lethal equipment",
    lambda f: bool(f.lethal_equipment),
    ("equipment",),
)
SRAC_PARTY_MILITARY = Scope(
    "military activity or equipment involving a party to the arms-control agreement",
    lambda f: bool(f.srac_parties_in) and f.military,
    ("participants",),
)
EXERCISES = Scope("joint exercises", lambda f: Shape.EXERCISE in f.shapes)
MILITARY_WITH_DISPUTE = Scope(
    "military cooperation involving a party to a medium or acute dispute",
    lambda f: f.military and _serious_dispute(f),
    ("participants",),
)
UNCOVERED_CAPABILITIES = Scope(
    "lethal capabilities no arms-control ceiling covers, or a defence framework "
    "that involves a party to the arms-control agreement",
    lambda f: (
        bool(f.uncontrolled_transfers)
        or (f.defence and f.framework and f.military and bool(f.srac_parties_in))
    ),
    ("equipment",),
)
RIVAL_LEFT_OUT = Scope(
    "military cooperation that leaves out a rival of a participant",
    lambda f: (
        Shape.GROUPING in f.shapes
        and f.military
        and any(acuteness_rank(r.dyad.acuteness) >= 2 for r in f.excluded_rivals)
    ),
    ("participants",),
)
MILITARY = Scope("military cooperation or lethal equipment", lambda f: f.military)
