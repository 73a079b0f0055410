"""Facts derived from a proposal and the reference data, for the checks to reason over.

Checks never look up reference data themselves: what a proposal means for the
region (what kind of initiative it is, who is in, who is left out, which
rival, which ceiling, how much concern an outside power raises) is worked out
once, here, and each fact keeps the YAML path it came from so every flag can
point at a line.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from policycheck.model import Claim, Proposal
from policycheck.reference import (
    SRAC_CATEGORIES,
    WESTERN_BALKAN_SIX,
    Country,
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
#: Activities that put land, resources or local livelihoods at stake.
EXTRACTIVE_ACTIVITIES = frozenset({"raw-materials", "infrastructure"})
#: Roles that do not make a state part of a grouping (a supplier sells, a funder pays).
_OUTSIDE_ROLES = frozenset({"supplier", "funder", "observer", "facilitator"})
_ACUTENESS = {"low": 1, "medium": 2, "high": 3}
#: A rival left out matters when it is a state of the region (an outside power is not invited in).
_REGIONAL_GROUPS = frozenset({"western-balkans", "region", "eu-member"})
#: The region's own states: the six in the default data, ``region`` in a custom rubric's data.
_HOME_GROUPS = frozenset({"western-balkans", "region"})


class Shape(StrEnum):
    """What kind of initiative a file describes; several may hold at once."""

    ACQUISITION = "acquisition"
    NATIONAL_ACQUISITION = "national-acquisition"
    GROUPING = "grouping"
    EU_PARTNERSHIP = "eu-partnership"
    EXERCISE = "exercise"
    TRAINING = "training"
    INDUSTRIAL = "industrial"
    RAW_MATERIALS = "raw-materials"


@dataclass(frozen=True, slots=True)
class ExcludedRival:
    """A participant whose regional rival (by the dyads data) is not taking part."""

    participant: str
    rival: str
    dyad: Dyad
    path: YamlPath
    #: Whether the initiative is open to the rival (to every regional state, or by name).
    may_join: bool


@dataclass(frozen=True, slots=True)
class Bound:
    """A number known exactly, or only within bounds (either may be open)."""

    low: int | None
    high: int | None

    @property
    def exact(self) -> int | None:
        return self.low if self.low is not None and self.low == self.high else None

    def __str__(self) -> str:
        if self.exact is not None:
            return f"{self.exact:,}"
        if self.low is None and self.high is None:
            return "unknown"
        if self.high is None:
            return f"at least {self.low:,}"
        if self.low is None or self.low == 0:
            return f"at most {self.high:,}"
        return f"between {self.low:,} and {self.high:,}"


def figure_bound(figure: Figure | None, *, floor: int | None = None) -> Bound:
    """The bounds a reference figure gives: its value, or its ``at_least``/``at_most``."""
    if figure is None:
        return Bound(floor, None)
    if figure.value is not None:
        return Bound(figure.value, figure.value)
    low = figure.at_least if figure.at_least is not None else floor
    return Bound(low, figure.at_most)


@dataclass(frozen=True, slots=True)
class SracAcquisition:
    """SRAC-category equipment going to an SRAC party, and what is left under the ceiling."""

    recipient: str
    category: str
    #: Net change in holdings (quantity less what it retires); None when a quantity is unknown.
    quantity: int | None
    ceiling: Bound
    holdings: Bound
    paths: tuple[YamlPath, ...]
    ceiling_note: str = ""

    @property
    def headroom(self) -> Bound:
        """Ceiling minus holdings minus the net quantity, as bounds."""
        if self.quantity is None:
            return Bound(None, None)
        c, h = self.ceiling, self.holdings
        low = None if c.low is None or h.high is None else c.low - h.high - self.quantity
        high = None if c.high is None or h.low is None else c.high - h.low - self.quantity
        return Bound(low, high)

    @property
    def share(self) -> float | None:
        """The net quantity as a share of the ceiling, at least (None when not computable)."""
        if self.quantity is None or self.ceiling.high is None or self.ceiling.high <= 0:
            return None
        return max(self.quantity, 0) / self.ceiling.high


@dataclass(frozen=True, slots=True)
class UncontrolledTransfer:
    """A lethal capability no arms-control ceiling covers, and the recipient's disputes."""

    index: int
    system: str
    category: str
    character: str
    recipient: str
    dyads: tuple[Dyad, ...]
    reason: str
    path: YamlPath


@dataclass(frozen=True, slots=True)
class ExternalPresence:
    """An external actor involved, how, the concern its record supports, and why."""

    country: str
    #: low, medium or high by the stated criteria; None when the record does not settle it.
    concern: str | None
    basis: str
    how: str
    path: YamlPath


@dataclass(frozen=True, slots=True)
class Provision:
    """An answer to a claim that an instrument the proposal uses gives by its own terms."""

    instrument: str
    statement: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Facts:
    """What the proposal means for the region, with the path of each fact."""

    countries: tuple[str, ...]
    bloc: tuple[str, ...]
    #: Bloc members that are states of the region (the six and EU member states).
    regional_bloc: tuple[str, ...]
    #: Bloc members that are the region's own states (the six in the default data).
    home_bloc: tuple[str, ...]
    wb6_in: tuple[str, ...]
    wb6_out: tuple[str, ...]
    #: Regional states left out that the initiative is open to (all, or by name).
    wb6_may_join: tuple[str, ...]
    #: Whether the EU itself leads or takes part (not merely observes, funds or supplies).
    eu_itself: bool
    #: EU member states in the grouping (suppliers and observers not counted).
    member_states: tuple[str, ...]
    #: Whether the EU or a member state takes part other than only as a supplier.
    european: bool
    open_to_join: bool | None
    defence: bool
    military: bool
    shapes: frozenset[Shape]
    excluded_rivals: tuple[ExcludedRival, ...]
    non_recognisers_with_kosovo: tuple[tuple[str, YamlPath], ...]
    srac_acquisitions: tuple[SracAcquisition, ...]
    uncontrolled_transfers: tuple[UncontrolledTransfer, ...]
    lethal_equipment: tuple[int, ...]
    external: tuple[ExternalPresence, ...]
    disputes: tuple[Dyad, ...]
    srac_parties_in: tuple[str, ...]
    srac_involved: bool
    participant_paths: dict[str, YamlPath]
    #: Codes the proposal names that have no record in the reference data.
    unrecorded: tuple[tuple[str, YamlPath], ...]
    #: Claims answered by an instrument's own terms, by dotted claim path.
    provisions: dict[str, Provision]

    @property
    def regional_grouping(self) -> bool:
        """Two or more states of the region, one of them of the six, cooperating as a bloc."""
        return len(self.regional_bloc) >= 2 and bool(self.home_bloc)

    @property
    def framework(self) -> bool:
        """Cooperation among parties (a grouping or an EU partnership), not a one-off purchase."""
        return bool(self.shapes & {Shape.GROUPING, Shape.EU_PARTNERSHIP})


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
    member_states = tuple(c for c in bloc if _group(ref, c) == "eu-member")
    open_claim = proposal.regional.open_to_join
    open_to_join = None if open_claim is None or open_claim.placeholder else open_claim.provided
    named_open = set(proposal.regional.open_to or ())
    may_join = tuple(c for c in wb6_out if open_to_join or c in named_open)
    activities = set(proposal.activities)
    lethal = tuple(
        i
        for i, item in enumerate(proposal.equipment)
        if (info := _equipment(ref, item.category)) is None or info[1] or info[0] == "unknown"
    )
    military = bool(activities & MILITARY_ACTIVITIES) or bool(lethal)
    defence = bool(activities & DEFENCE_ACTIVITIES) or bool(proposal.equipment)
    eu_itself = proposal.lead == "EU" or any(
        p.country == "EU" and p.role not in _OUTSIDE_ROLES for p in proposal.participants
    )
    european_funder = any(
        p.role == "funder" and (p.country == "EU" or _group(ref, p.country) == "eu-member")
        for p in proposal.participants
    )
    shapes = _shapes(proposal, bloc, eu_itself)
    srac_parties_in = tuple(
        c
        for c in dict.fromkeys([*bloc, *(e.recipient for e in proposal.equipment)])
        if c in ref.srac.parties
    )
    return Facts(
        countries=countries,
        bloc=bloc,
        regional_bloc=tuple(c for c in bloc if _group(ref, c) in _REGIONAL_GROUPS),
        home_bloc=tuple(c for c in bloc if _group(ref, c) in _HOME_GROUPS),
        wb6_in=wb6_in,
        wb6_out=wb6_out,
        wb6_may_join=may_join,
        eu_itself=eu_itself,
        member_states=member_states,
        european=eu_itself or bool(member_states) or european_funder,
        open_to_join=open_to_join,
        defence=defence,
        military=military,
        shapes=shapes,
        excluded_rivals=_excluded_rivals(
            bloc, countries, paths, ref, bool(open_to_join), named_open
        ),
        non_recognisers_with_kosovo=_non_recognisers(countries, paths, ref),
        srac_acquisitions=_srac_acquisitions(proposal, ref),
        uncontrolled_transfers=_uncontrolled(proposal, ref),
        lethal_equipment=lethal,
        external=_external(proposal, ref),
        disputes=tuple(d for d in ref.dyads if d.pair[0] in countries or d.pair[1] in countries),
        srac_parties_in=srac_parties_in,
        srac_involved=bool(srac_parties_in)
        or any(e.category in SRAC_CATEGORIES for e in proposal.equipment),
        participant_paths=paths,
        unrecorded=_unrecorded(proposal, ref),
        provisions=_provisions(proposal, ref),
    )


def _group(ref: ReferenceData, code: str) -> str | None:
    country = ref.country(code)
    return country.group if country is not None else None


def _equipment(ref: ReferenceData, category: str) -> tuple[str, bool] | None:
    """(character, lethal) of an equipment category, from the equipment dataset."""
    info = ref.equipment.get(category)
    return None if info is None else (info.character, info.lethal)


def _shapes(proposal: Proposal, bloc: tuple[str, ...], eu: bool) -> frozenset[Shape]:
    activities = set(proposal.activities)
    shapes: set[Shape] = set()
    if proposal.equipment:
        shapes.add(Shape.ACQUISITION)
        recipients = {e.recipient for e in proposal.equipment}
        if len(bloc) <= 1 and not eu and len(recipients) == 1:
            shapes.add(Shape.NATIONAL_ACQUISITION)
    if len(bloc) >= 2:
        shapes.add(Shape.GROUPING)
    elif eu and len(bloc) == 1:
        shapes.add(Shape.EU_PARTNERSHIP)
    if "joint-exercises" in activities:
        shapes.add(Shape.EXERCISE)
    if activities & {"training", "military-education", "capacity-building"}:
        shapes.add(Shape.TRAINING)
    if activities & {"industrial-cooperation", "research"}:
        shapes.add(Shape.INDUSTRIAL)
    if activities & EXTRACTIVE_ACTIVITIES:
        shapes.add(Shape.RAW_MATERIALS)
    return frozenset(shapes)


def _excluded_rivals(
    bloc: tuple[str, ...],
    countries: tuple[str, ...],
    paths: dict[str, YamlPath],
    ref: ReferenceData,
    open_to_all: bool,
    named_open: set[str],
) -> tuple[ExcludedRival, ...]:
    found = [
        ExcludedRival(
            member,
            rival,
            dyad,
            paths.get(member, ("participants",)),
            open_to_all or rival in named_open,
        )
        for member in bloc
        for rival, dyad in ref.dyads_of(member)
        if rival not in countries and _group(ref, rival) in _REGIONAL_GROUPS
    ]
    found.sort(key=lambda r: (-_ACUTENESS[r.dyad.acuteness], r.participant, r.rival))
    return tuple(found)


def _non_recognisers(
    countries: tuple[str, ...], paths: dict[str, YamlPath], ref: ReferenceData
) -> tuple[tuple[str, YamlPath], ...]:
    """Participants that do not recognise Kosovo, when Kosovo takes part."""
    if "XK" not in countries:
        return ()
    return tuple(
        (code, paths.get(code, ("participants",)))
        for code in countries
        if (c := ref.country(code)) is not None and c.recognises_kosovo is False
    )


def _srac_acquisitions(proposal: Proposal, ref: ReferenceData) -> tuple[SracAcquisition, ...]:
    grouped: dict[tuple[str, str], list[int]] = {}
    for i, item in enumerate(proposal.equipment):
        if item.category in SRAC_CATEGORIES and item.recipient in ref.srac.parties:
            grouped.setdefault((item.recipient, item.category), []).append(i)
    result = []
    for (recipient, category), indices in sorted(grouped.items()):
        party = ref.srac.parties[recipient]
        quantities = [proposal.equipment[i].net_quantity for i in indices]
        total = None if any(q is None for q in quantities) else sum(q or 0 for q in quantities)
        ceiling = party.ceilings.get(category)  # type: ignore[call-overload]
        result.append(
            SracAcquisition(
                recipient=recipient,
                category=category,
                quantity=total,
                ceiling=figure_bound(ceiling),
                holdings=figure_bound(
                    party.holdings.get(category),  # type: ignore[call-overload]
                    floor=0,
                ),
                paths=tuple(("equipment", i) for i in indices),
                ceiling_note=(ceiling.note or "") if ceiling is not None else "",
            )
        )
    return tuple(result)


def _uncontrolled(proposal: Proposal, ref: ReferenceData) -> tuple[UncontrolledTransfer, ...]:
    result = []
    for i, item in enumerate(proposal.equipment):
        character, lethal = _equipment(ref, item.category) or ("unknown", True)
        if not lethal and character != "unknown":
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
                i,
                item.system,
                item.category,
                character,
                item.recipient,
                dyads,
                reason,
                ("equipment", i),
            )
        )
    return tuple(result)


def external_concern(country: Country) -> tuple[str | None, str]:
    """The concern an outside power raises, by the criteria stated in the reference data.

    High: an EU arms embargo is in force against it. Medium: the brief names it
    among the outside powers competing with the EU for influence in the region.
    Low: neither, on a record that settles both. Unknown when the record leaves
    the embargo question open.
    """
    embargo = country.eu_arms_embargo
    if embargo:
        return "high", "an EU arms embargo is in force against it"
    if country.competes_for_influence:
        return "medium", "the brief names it among the outside powers competing for influence"
    if embargo is False:
        return "low", "no EU arms embargo, and the brief does not name it among the outside powers"
    return None, "its record does not say whether an EU arms embargo applies"


def _external(proposal: Proposal, ref: ReferenceData) -> tuple[ExternalPresence, ...]:
    found: dict[str, ExternalPresence] = {}

    def note(code: str, how: str, path: YamlPath) -> None:
        country = ref.country(code)
        if country is None or country.group != "external" or code in found:
            return
        concern, basis = external_concern(country)
        found[code] = ExternalPresence(code, concern, basis, how, path)

    for i, p in enumerate(proposal.participants):
        note(p.country, f"participant ({p.role})", ("participants", i))
    for i, item in enumerate(proposal.equipment):
        if item.supplier:
            note(item.supplier, f"supplier of {item.system}", ("equipment", i, "supplier"))
    for i, actor in enumerate(proposal.external_actors or ()):
        note(actor.country, actor.involvement, ("external_actors", i))
    return tuple(
        sorted(found.values(), key=lambda e: (-_ACUTENESS.get(e.concern or "", 0), e.country))
    )


def _unrecorded(proposal: Proposal, ref: ReferenceData) -> tuple[tuple[str, YamlPath], ...]:
    named: dict[str, YamlPath] = {}
    if proposal.lead:
        named.setdefault(proposal.lead, ("lead",))
    for i, p in enumerate(proposal.participants):
        named.setdefault(p.country, ("participants", i))
    for i, item in enumerate(proposal.equipment):
        if item.supplier:
            named.setdefault(item.supplier, ("equipment", i, "supplier"))
        named.setdefault(item.recipient, ("equipment", i, "recipient"))
    for i, actor in enumerate(proposal.external_actors or ()):
        named.setdefault(actor.country, ("external_actors", i))
    return tuple((code, path) for code, path in named.items() if ref.country(code) is None)


def _provisions(proposal: Proposal, ref: ReferenceData) -> dict[str, Provision]:
    found: dict[str, Provision] = {}
    for instrument_id in proposal.instruments:
        instrument = ref.instruments.get(instrument_id)
        if instrument is None:
            continue
        for claim_path, provision in instrument.satisfies.items():
            found.setdefault(
                claim_path,
                Provision(instrument_id, provision.statement, provision.sources),
            )
    return found


def claim_at(proposal: Proposal, dotted: str) -> Claim | None:
    """The claim at a dotted path such as ``arms_control.srac_notification``."""
    value: object = proposal
    for part in dotted.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value if isinstance(value, Claim) else None


_ONE_STEP_LOWER = {"critical": "high", "high": "medium", "medium": "low", "low": "low"}


def one_step_lower(level: str) -> str:
    """The next lower acuteness or severity (low stays low)."""
    return _ONE_STEP_LOWER[level]


def acuteness_rank(level: str) -> int:
    """Order low < medium < high, for comparisons in checks."""
    return _ACUTENESS[level]
