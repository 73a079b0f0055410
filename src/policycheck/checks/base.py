"""What a check is: a small pure function from a proposal's facts to a level and risks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from policycheck.facts import Facts, YamlPath
from policycheck.model import Claim, Proposal
from policycheck.reference import ReferenceData

NOT_APPLICABLE = "not-applicable"
INSUFFICIENT = "insufficient-information"
CLAIM_LEVELS = ("evidenced", "asserted", "absent")


@dataclass(frozen=True, slots=True)
class Mark:
    """A pointer at the YAML path that produced a level or a risk, with why."""

    path: YamlPath
    note: str


@dataclass(frozen=True, slots=True)
class RiskHit:
    """A risk a check raises; ``severity`` None means the rubric's default."""

    risk: str
    finding: str
    marks: tuple[Mark, ...]
    severity: str | None = None
    #: What the risk is about, when a YAML path is not a stable identity (states, systems):
    #: the fingerprint uses it, so reordering a list does not make a finding look new.
    subject: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a check concluded: a level key (or not applicable / insufficient) and why."""

    level: str
    marks: tuple[Mark, ...]
    risks: tuple[RiskHit, ...] = ()


@dataclass(frozen=True, slots=True)
class Context:
    """Everything a check may look at. Checks read; they never write or do I/O."""

    proposal: Proposal
    facts: Facts
    reference: ReferenceData


CheckFunction = Callable[[Context], Outcome]


@dataclass(frozen=True, slots=True)
class Check:
    """A registered check: stable id, the levels it can give and the risks it can raise."""

    id: str
    criterion: str
    levels: tuple[str, ...]
    risks: tuple[str, ...]
    looks_at: tuple[str, ...]
    function: CheckFunction = field(repr=False)

    @property
    def doc(self) -> str:
        return (self.function.__doc__ or "").strip()

    def __call__(self, context: Context) -> Outcome:
        return self.function(context)


def check(
    id: str,
    *,
    criterion: str,
    levels: tuple[str, ...],
    looks_at: tuple[str, ...],
    risks: tuple[str, ...] = (),
) -> Callable[[CheckFunction], Check]:
    """Declare a check. It is registered by listing it in ``policycheck.checks.REGISTRY``."""

    def wrap(function: CheckFunction) -> Check:
        return Check(id, criterion, levels, risks, looks_at, function)

    return wrap


def claim_level(claim: Claim | None) -> str:
    """evidenced, asserted, absent, or insufficient information when the key is missing."""
    if claim is None:
        return INSUFFICIENT
    if not claim.provided:
        return "absent"
    return "evidenced" if claim.evidence else "asserted"


def claim_outcome(claim: Claim | None, path: YamlPath, what: str) -> Outcome:
    """The outcome of a check that rests on one claim."""
    level = claim_level(claim)
    note = {
        INSUFFICIENT: f"the file does not say whether it has {what}",
        "absent": f"the file states there is no {what.removeprefix('a ').removeprefix('an ')}",
        "asserted": f"{what} claimed without evidence",
        "evidenced": f"{what} claimed, evidence: {', '.join(claim.evidence) if claim else ''}",
    }[level]
    return Outcome(level, (Mark(path, note),))
