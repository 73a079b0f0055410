"""What a check is: a small pure function from a proposal's facts to a level and risks.

What it returns (an ``Outcome``, its ``Mark``s and ``RiskHit``s) are frozen Structs, as a
result's parts are (see ``policycheck.assessment``): every check makes them for every
proposal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import cast

from msgspec import Struct

from policycheck.assessment import Citation, ReferenceFact
from policycheck.facts import Facts, Shape, YamlPath, claim_at
from policycheck.model import Claim, Proposal
from policycheck.reference import Dyad, Figure, ReferenceData, SracCategory

NOT_APPLICABLE = "not-applicable"
INSUFFICIENT = "insufficient-information"
CLAIM_LEVELS = ("evidenced", "asserted", "absent")


class Mark(Struct, frozen=True):
    """A pointer at the YAML path that produced a level or a risk, with why."""

    path: YamlPath
    note: str


class RiskHit(Struct, frozen=True):
    """A risk a check raises; ``severity`` None means the rubric's default."""

    risk: str
    finding: str
    marks: tuple[Mark, ...]
    severity: str | None = None
    #: What the risk is about, when a YAML path is not a stable identity (states, systems):
    #: the fingerprint uses it, so reordering a list does not make a finding look new.
    subject: str | None = None
    #: The reference facts the risk rests on, for the reports' provenance.
    references: tuple[ReferenceFact, ...] = ()


class Outcome(Struct, frozen=True):
    """What a check concluded: a level key (or not applicable / insufficient) and why."""

    level: str
    marks: tuple[Mark, ...]
    risks: tuple[RiskHit, ...] = ()
    #: When the level is unknown because the reference data lacks a fact: which, and where.
    gap: str | None = None


@dataclass(frozen=True, slots=True)
class Context:
    """Everything a check may look at. Checks read; they never write or do I/O."""

    proposal: Proposal
    facts: Facts
    reference: ReferenceData


CheckFunction = Callable[[Context], Outcome]


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a check's question makes sense, in words, and the test of it on the facts."""

    description: str
    test: Callable[[Facts], bool] = field(repr=False, compare=False)
    #: Where the not-applicable note points.
    path: YamlPath = ("activities",)


#: Every initiative: the question always makes sense.
ANYWHERE = Scope("every initiative", lambda _facts: True)


@dataclass(frozen=True, slots=True)
class Check:
    """A registered check: stable id, where it applies, its levels and the risks it can raise."""

    id: str
    criterion: str
    levels: tuple[str, ...]
    risks: tuple[str, ...]
    looks_at: tuple[str, ...]
    function: CheckFunction = field(repr=False)
    scope: Scope = ANYWHERE

    @property
    def doc(self) -> str:
        return (self.function.__doc__ or "").strip()

    def __call__(self, context: Context) -> Outcome:
        if not self.scope.test(context.facts):
            return Outcome(
                NOT_APPLICABLE,
                (
                    Mark(
                        self.scope.path,
                        f"applies to {self.scope.description}; this initiative is "
                        + describe_shape(context.facts),
                    ),
                ),
            )
        return self.function(context)


def describe_shape(facts: Facts) -> str:
    """The initiative's shape in words, for not-applicable notes."""
    names = {
        Shape.NATIONAL_ACQUISITION: "a national acquisition",
        Shape.ACQUISITION: "an acquisition of equipment",
        Shape.GROUPING: f"a grouping of {', '.join(facts.bloc)}",
        Shape.EU_PARTNERSHIP: "an EU partnership with one state",
        Shape.EXERCISE: "joint exercises",
        Shape.TRAINING: "training",
        Shape.INDUSTRIAL: "industrial cooperation",
        Shape.RAW_MATERIALS: "a raw-materials or infrastructure partnership",
    }
    parts = [text for shape, text in names.items() if shape in facts.shapes]
    if Shape.NATIONAL_ACQUISITION in facts.shapes:
        parts.remove(names[Shape.ACQUISITION])
    if not facts.defence:
        parts.append("not defence cooperation")
    return ", ".join(parts) or "none of these"


def check(
    id: str,
    *,
    criterion: str,
    levels: tuple[str, ...],
    looks_at: tuple[str, ...],
    risks: tuple[str, ...] = (),
    scope: Scope = ANYWHERE,
) -> Callable[[CheckFunction], Check]:
    """Declare a check. It is registered by listing it in ``policycheck.checks.REGISTRY``."""

    def wrap(function: CheckFunction) -> Check:
        return Check(id, criterion, levels, risks, looks_at, function, scope)

    return wrap


def claim_level(claim: Claim | None) -> str:
    """evidenced, asserted, absent, or insufficient information when unknown.

    A claim left out, or written as a placeholder (``TBD``, ``N/A`` ...), is unknown.
    """
    if claim is None or claim.placeholder:
        return INSUFFICIENT
    if not claim.provided:
        return "absent"
    return "evidenced" if claim.evidence else "asserted"


def dotted(path: YamlPath) -> str:
    return ".".join(str(p) for p in path)


def stated_claim(ctx: Context, path: YamlPath) -> tuple[str, Mark | None]:
    """The level of the claim at ``path``, counting what an instrument provides by its own terms.

    Returns the level and, when an instrument answers it, a mark saying which.
    """
    key = dotted(path)
    return _stated(ctx, key, claim_at(ctx.proposal, key))


def _stated(ctx: Context, key: str, claim: Claim | None) -> tuple[str, Mark | None]:
    level = claim_level(claim)
    provision = ctx.facts.provisions.get(key)
    if provision is not None and level in (INSUFFICIENT, "asserted"):
        return "evidenced", Mark(
            ("instruments",),
            f"{provision.instrument} provides it by its own terms: {provision.statement} "
            f"(sources: {', '.join(provision.sources)})",
        )
    return level, None


def claim_outcome(ctx: Context, path: YamlPath, what: str) -> Outcome:
    """The outcome of a check that rests on one claim."""
    key = dotted(path)
    claim = claim_at(ctx.proposal, key)
    level, provided = _stated(ctx, key, claim)
    if provided is not None:
        return Outcome(level, (provided, Mark(path, f"{what}: provided by an instrument")))
    if level == INSUFFICIENT:
        if claim is not None and claim.placeholder:
            note = f"'{claim.statement}' is a placeholder, so whether it has {what} is unknown"
        else:
            note = f"the file does not say whether it has {what}"
    elif level == "absent":
        note = f"the file states there is no {what.removeprefix('a ').removeprefix('an ')}"
    elif level == "asserted":
        note = f"{what} claimed without evidence"
    else:
        note = f"{what} claimed, evidence: {', '.join(claim.evidence) if claim else ''}"
    return Outcome(level, (Mark(path, note),))


# --- citing the reference facts a risk rests on -----------------------------------------------


def _citations(reference: ReferenceData, ids: tuple[str, ...]) -> tuple[Citation, ...]:
    """The reference data's sources by id; an id with no entry is shown as it is."""
    found = []
    for source_id in ids:
        source = reference.sources.get(source_id)
        if source is None:
            found.append(Citation(source_id, source_id))
        else:
            date = source.date.isoformat() if source.date else None
            found.append(Citation(source_id, source.title, source.url, date))
    return tuple(found)


def dyad_fact(reference: ReferenceData, dyad: Dyad) -> ReferenceFact:
    """A dyad as the fact a conflict-escalation risk rests on."""
    return ReferenceFact(
        "dyads",
        f"{'–'.join(dyad.pair)} {dyad.kind.replace('-', ' ')}, {dyad.acuteness} acuteness",
        dyad.as_of.isoformat(),
        _citations(reference, dyad.sources),
    )


def country_fact(reference: ReferenceData, code: str, what: str) -> ReferenceFact | None:
    """A country record's field, in words (``what``), as a fact a risk rests on."""
    country = reference.country(code)
    if country is None:
        return None
    return ReferenceFact(
        "countries",
        f"{code} ({country.name}): {what}",
        country.as_of.isoformat(),
        _citations(reference, country.sources),
    )


def srac_fact(reference: ReferenceData, party: str, category: str) -> ReferenceFact | None:
    """A party's SRAC ceiling and holdings for one category, with their sources and dates."""
    record = reference.srac.parties.get(party)
    if record is None:
        return None
    ceiling = record.ceilings.get(cast(SracCategory, category))
    holdings = record.holdings.get(cast(SracCategory, category))

    def shown(figure: Figure | None) -> str:
        if figure is None:
            return "unknown"
        if figure.value is not None:
            return f"{figure.value:,} ({figure.status})"
        bounds = (
            f"at least {figure.at_least:,}" if figure.at_least is not None else "",
            f"at most {figure.at_most:,}" if figure.at_most is not None else "",
        )
        return " and ".join(b for b in bounds if b) or "unknown"

    ids = (
        tuple(
            dict.fromkeys(
                (*(ceiling.sources if ceiling else ()), *(holdings.sources if holdings else ()))
            )
        )
        or reference.srac.sources
    )
    dates = [f.as_of for f in (ceiling, holdings) if f is not None and f.as_of is not None]
    as_of = max(dates) if dates else reference.srac.as_of
    return ReferenceFact(
        "srac",
        f"{party} {category.replace('-', ' ')}: ceiling {shown(ceiling)}, holdings {shown(holdings)}",
        as_of.isoformat(),
        _citations(reference, ids),
    )


def facts_of(found: Iterable[ReferenceFact | None]) -> tuple[ReferenceFact, ...]:
    """The facts found, each once, in order (a record the data lacks is left out)."""
    return tuple(dict.fromkeys(f for f in found if f is not None))
