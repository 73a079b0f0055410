"""Facts derived from a proposal and the reference data, for the checks to reason over.

Checks never look up reference data themselves: what a proposal means for the
region (who is in, who is left out, which rival, which ceiling) is worked out
once, here, and each fact keeps the YAML path it came from so every flag can
point at a line.
"""

from __future__ import annotations

from dataclasses import dataclass

from policycheck.model import Proposal
from policycheck.reference import (
    SRAC_CATEGORIES,
    WESTERN_BALKAN_SIX,
    Dyad,
    Figure,
    ReferenceData,
)

YamlPath = tuple[str | int, ...]

#: Activities that make an initiative defence cooperation in the brief's sense.
DEFENCE_ACTIVITIES = frozenset(
    {
        "joint-exercises",
        "training",
        "military-education",
        "procurement",
        "arms-transfer",
        "industrial-cooperation",
        "intelligence-sharing",
        "capacity-building",
        "crisis-management",
        "mission-participation",
        "hybrid-threats",
        "cyber",
        "counter-terrorism",
    }
)
#: Activities that build military capability together (what a left-out rival reads as a bloc).
MILITARY_ACTIVITIES = frozenset(
    {
        "joint-exercises",
        "training",
        "military-education",
        "procurement",
        "arms-transfer",
        "industrial-cooperation",
        "intelligence-sharing",
    }
)
#: Roles that do not make a state part of a grouping (a supplier sells, a funder pays).
_OUTSIDE_ROLES = frozenset({"supplier", "funder", "observer", "facilitator"})
_ACUTENESS = {"low": 1, "medium": 2, "high": 3}


@dataclass(frozen=True, slots=True)
class ExcludedRival:
    """A participant whose rival (by the dyads data) is not taking part."""

    participant: str
    rival: str
    dyad: Dyad
    path: YamlPath


@dataclass(frozen=True, slots=True)
class SracAcquisition:
    """SRAC-category equipment going to an SRAC party, and what is left under the ceiling."""

    recipient: str
    category: str
    quantity: int | None
    ceiling: Figure | None
    holdings: Figure | None
    paths: tuple[YamlPath, ...]

    @property
    def headroom(self) -> int | None:
        """Ceiling minus holdings minus the quantity acquired; None when a term is unknown."""
        if self.quantity is None or self.ceiling is None or self.ceiling.value is None:
            return None
        if self.holdings is None or self.holdings.value is None:
            return None
        return self.ceiling.value - self.holdings.value - self.quantity

    @property
    def exceeds_alone(self) -> bool:
        """Whether the quantity alone is above the ceiling (holdings unknown or not)."""
        return (
            self.quantity is not None
            and self.ceiling is not None
            and self.ceiling.value is not None
            and self.quantity > self.ceiling.value
        )


@dataclass(frozen=True, slots=True)
class UncontrolledTransfer:
    """A capability no arms-control ceiling covers, going to a state in a dispute."""

    index: int
    system: str
    category: str
    recipient: str
    dyads: tuple[Dyad, ...]
    reason: str
    path: YamlPath


@dataclass(frozen=True, slots=True)
class ExternalPresence:
    """An external actor involved, how, and where the file says so."""

    country: str
    influence: str | None
    how: str
    path: YamlPath


@dataclass(frozen=True, slots=True)
class Facts:
    """What the proposal means for the region, with the path of each fact."""

    countries: tuple[str, ...]
    bloc: tuple[str, ...]
    wb6_in: tuple[str, ...]
    wb6_out: tuple[str, ...]
    eu_itself: bool
    #: Whether the EU itself leads or takes part (not merely observes, funds or supplies).
    #: EU member states in the grouping (suppliers and observers not counted).
    member_states: tuple[str, ...]
    open_to_join: bool | None
    defence: bool
    military: bool
    excluded_rivals: tuple[ExcludedRival, ...]
    non_recognisers_with_kosovo: tuple[tuple[str, YamlPath], ...]
    srac_acquisitions: tuple[SracAcquisition, ...]
    uncontrolled_transfers: tuple[UncontrolledTransfer, ...]
    external: tuple[ExternalPresence, ...]
    disputes: tuple[Dyad, ...]
    srac_involved: bool
    participant_paths: dict[str, YamlPath]


def derive_facts(proposal: Proposal, ref: ReferenceData) -> Facts:
    """Work out the regional meaning of ``proposal`` from the reference data."""
    paths: dict[str, YamlPath] = {}
    if proposal.lead:
        paths[proposal.lead] = ("lead",)
    for i, p in enumerate(proposal.participants):
        paths.setdefault(p.country, ("participants", i))
    countries = proposal.countries
    lead = [proposal.lead] if proposal.lead is not None and proposal.lead != "EU" else []
    bloc = tuple(
        dict.fromkeys(
            lead
            + [
                p.country
                for p in proposal.participants
                if p.role not in _OUTSIDE_ROLES and p.country != "EU"
            ]
        )
    )
    wb6_in = tuple(c for c in WESTERN_BALKAN_SIX if c in countries)
    wb6_out = tuple(c for c in WESTERN_BALKAN_SIX if c not in countries)
    member_states = tuple(
        c for c in bloc if (country := ref.country(c)) and country.group == "eu-member"
    )
    open_claim = proposal.regional.open_to_join
    activities = set(proposal.activities)
    military = bool(activities & MILITARY_ACTIVITIES) or bool(proposal.equipment)
    return Facts(
        countries=countries,
        bloc=bloc,
        wb6_in=wb6_in,
        wb6_out=wb6_out,
        eu_itself=proposal.lead == "EU"
        or any(p.country == "EU" and p.role not in _OUTSIDE_ROLES for p in proposal.participants),
        member_states=member_states,
        open_to_join=None if open_claim is None else open_claim.provided,
        defence=bool(activities & DEFENCE_ACTIVITIES) or bool(proposal.equipment),
        military=military,
        excluded_rivals=_excluded_rivals(bloc, countries, paths, ref),
        non_recognisers_with_kosovo=_non_recognisers(countries, paths, ref),
        srac_acquisitions=_srac_acquisitions(proposal, ref),
        uncontrolled_transfers=_uncontrolled(proposal, ref),
        external=_external(proposal, ref),
        disputes=tuple(d for d in ref.dyads if d.pair[0] in countries or d.pair[1] in countries),
        srac_involved=any(
            (c := ref.country(code)) is not None and c.srac_party for code in countries
        )
        or any(e.category in SRAC_CATEGORIES for e in proposal.equipment),
        participant_paths=paths,
    )


def _excluded_rivals(
    bloc: tuple[str, ...],
    countries: tuple[str, ...],
    paths: dict[str, YamlPath],
    ref: ReferenceData,
) -> tuple[ExcludedRival, ...]:
    found = [
        ExcludedRival(member, rival, dyad, paths.get(member, ("participants",)))
        for member in bloc
        for rival, dyad in ref.dyads_of(member)
        if rival not in countries
    ]
    found.sort(key=lambda r: (-_ACUTENESS[r.dyad.acuteness], r.participant, r.rival))
    return tuple(found)


def _non_recognisers(
    countries: tuple[str, ...], paths: dict[str, YamlPath], ref: ReferenceData
) -> tuple[tuple[str, YamlPath], ...]:
    if "XK" not in countries:
        return ()
    return tuple(
        (code, paths.get(code, ("participants",)))
        for code in countries
        if (c := ref.country(code)) is not None
        and c.group == "eu-member"
        and c.recognises_kosovo is False
    )


def _srac_acquisitions(proposal: Proposal, ref: ReferenceData) -> tuple[SracAcquisition, ...]:
    grouped: dict[tuple[str, str], list[int]] = {}
    for i, item in enumerate(proposal.equipment):
        if item.category in SRAC_CATEGORIES and item.recipient in ref.srac.parties:
            grouped.setdefault((item.recipient, item.category), []).append(i)
    result = []
    for (recipient, category), indices in sorted(grouped.items()):
        party = ref.srac.parties[recipient]
        quantities = [proposal.equipment[i].quantity for i in indices]
        total = None if any(q is None for q in quantities) else sum(q or 0 for q in quantities)
        result.append(
            SracAcquisition(
                recipient=recipient,
                category=category,
                quantity=total,
                ceiling=party.ceilings.get(category),  # type: ignore[call-overload]
                holdings=party.holdings.get(category),  # type: ignore[call-overload]
                paths=tuple(("equipment", i) for i in indices),
            )
        )
    return tuple(result)


def _uncontrolled(proposal: Proposal, ref: ReferenceData) -> tuple[UncontrolledTransfer, ...]:
    result = []
    for i, item in enumerate(proposal.equipment):
        if item.category in ("non-lethal", "unarmed-drone", "other"):
            continue
        if item.category in SRAC_CATEGORIES:
            if item.recipient in ref.srac.parties:
                continue
            reason = f"{item.recipient} is not a party to the Sub-Regional Arms Control Agreement"
        else:
            reason = f"'{item.category}' is not a category the arms-control agreement limits"
        dyads = tuple(d for _, d in ref.dyads_of(item.recipient))
        result.append(
            UncontrolledTransfer(
                i, item.system, item.category, item.recipient, dyads, reason, ("equipment", i)
            )
        )
    return tuple(result)


def _external(proposal: Proposal, ref: ReferenceData) -> tuple[ExternalPresence, ...]:
    found: dict[str, ExternalPresence] = {}

    def note(code: str, how: str, path: YamlPath) -> None:
        country = ref.country(code)
        if country is None or country.group != "external" or code in found:
            return
        found[code] = ExternalPresence(code, country.external_influence, how, path)

    for i, p in enumerate(proposal.participants):
        note(p.country, f"participant ({p.role})", ("participants", i))
    for i, item in enumerate(proposal.equipment):
        if item.supplier:
            note(item.supplier, f"supplier of {item.system}", ("equipment", i, "supplier"))
    for i, actor in enumerate(proposal.external_actors):
        note(actor.country, actor.involvement, ("external_actors", i))
    return tuple(
        sorted(found.values(), key=lambda e: (-_ACUTENESS.get(e.influence or "", 0), e.country))
    )


def acuteness_rank(level: str) -> int:
    """Order low < medium < high, for comparisons in checks."""
    return _ACUTENESS[level]
