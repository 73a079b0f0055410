"""The result of assessing proposals: immutable values every renderer takes as they are.

A result and its parts (locations, evidence, indicator and criterion results, risks)
are frozen ``msgspec.Struct`` records. A proposal makes some 250 of them; a frozen
dataclass sets each field through ``object.__setattr__``, which took a tenth of a
proposal's time, where a frozen Struct is made in C, as immutable and hashable.
``msgspec.structs.replace`` makes a changed copy. The run's records (the report, the
gate, waivers) stay dataclasses: a run makes them once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from msgspec import Struct

from policycheck.errors import Problem
from policycheck.scale import Severity as Severity

if TYPE_CHECKING:
    from policycheck.robustness import Uncertainty


def fingerprint(risk_id: str, proposal_id: str, path: str) -> str:
    """The baseline and SARIF fingerprint of a finding: no line numbers, so edits elsewhere keep it."""
    return hashlib.sha256(f"{risk_id}\x00{proposal_id}\x00{path}".encode()).hexdigest()[:24]


class RiskFamily(StrEnum):
    """The brief's three risks."""

    NORMATIVE_EROSION = "normative-erosion"
    REGIONAL_FRAGMENTATION = "regional-fragmentation"
    CONFLICT_ESCALATION = "conflict-escalation"


class IndicatorStatus(StrEnum):
    SCORED = "scored"
    INSUFFICIENT = "insufficient-information"
    NOT_APPLICABLE = "not-applicable"


class Location(Struct, frozen=True):
    """Where in the proposal file a piece of evidence sits (1-based)."""

    file: str
    line: int
    column: int
    path: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


class Evidence(Struct, frozen=True):
    """Why: a sentence and the place in the file it is about."""

    note: str
    location: Location


class IndicatorResult(Struct, frozen=True):
    """One indicator of one criterion, scored."""

    check_id: str
    criterion: str
    title: str
    status: IndicatorStatus
    level: str
    points: float | None
    weight: float
    share: float
    contribution: float
    evidence: tuple[Evidence, ...]
    improve: str
    #: Why it is unknown when the reference data, not the file, lacks the fact.
    gap: str | None = None


class CriterionResult(Struct, frozen=True):
    id: str
    title: str
    weight: float
    counters: str
    #: Weighted mean of the known indicators' points; None when nothing applicable is known.
    score: float | None
    indicators: tuple[IndicatorResult, ...]
    #: Share of the applicable weight that is known.
    coverage: float = 1.0
    #: The score with every unknown at its lowest and at its highest level (None: not applicable).
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True, slots=True)
class Waiver:
    """A reviewer's acceptance of one risk (or every risk of one check) for one proposal."""

    target: str
    proposal: str
    justification: str
    owner: str
    expires: dt.date
    origin: str

    def active_on(self, today: dt.date) -> bool:
        """Whether the waiver still holds on ``today`` (the expiry day included; UTC dates)."""
        return today <= self.expires


class WaiverUse(Struct, frozen=True):
    """A waiver matched to a risk: ``active`` False means it has expired and no longer waives."""

    waiver: Waiver
    active: bool


class Citation(Struct, frozen=True):
    """A source a reader can look up: the id evidence cites it by, title, address and date."""

    id: str
    title: str
    url: str | None = None
    #: ISO date, when the source gives one.
    date: str | None = None

    def __str__(self) -> str:
        parts = [self.title]
        if self.date:
            parts.append(self.date)
        if self.url:
            parts.append(self.url)
        return ", ".join(parts)


class ReferenceFact(Struct, frozen=True):
    """A reference-data fact a risk rests on, so a reader can check it and see how old it is."""

    #: The dataset it comes from: dyads, srac, countries ...
    dataset: str
    #: The fact in words ("RS–XK unresolved dispute, high acuteness").
    fact: str
    #: ISO date the fact is current as of.
    as_of: str
    sources: tuple[Citation, ...] = ()


_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def cited_sources(text: str, sources: tuple[Citation, ...]) -> tuple[Citation, ...]:
    """The sources whose id appears in ``text`` as a whole token, in the order listed.

    Most notes cite nothing: a loop (not ``any`` of a generator, twice as slow for a
    file's few sources, and a JSON report asks for every note) finds that before the note
    is cut into tokens.
    """
    for source in sources:
        if source.id and source.id in text:
            break
    else:
        return ()
    tokens = {t.rstrip(".") for t in _TOKEN.findall(text)}
    return tuple(s for s in sources if s.id and s.id in tokens)


class Risk(Struct, frozen=True):
    """A flagged risk: stable id, the brief's family, severity, why and what to do."""

    id: str
    title: str
    family: RiskFamily
    severity: Severity
    finding: str
    evidence: tuple[Evidence, ...]
    mitigation: str
    brief: str
    check_id: str
    #: Stable across edits elsewhere in the file: risk id, proposal id and logical YAML path.
    fingerprint: str = ""
    waiver: WaiverUse | None = None
    #: The reference facts the risk rests on (a dyad, a ceiling, a country record).
    references: tuple[ReferenceFact, ...] = ()

    @property
    def waived(self) -> bool:
        return self.waiver is not None and self.waiver.active


class Improvement(Struct, frozen=True):
    """A change that would raise the score, and by how much at most."""

    check_id: str
    title: str
    gain: float
    advice: str
    location: Location
    #: True when the reference data, not the file, must change.
    data_gap: bool = False


class Cap(Struct, frozen=True):
    """A grade lowered because of a risk's severity."""

    risk_id: str
    severity: Severity
    max_grade: str


@dataclass(frozen=True, slots=True)
class RiskRule:
    """A risk as the rubric defines it, whatever any proposal raised: SARIF rule metadata."""

    id: str
    title: str
    family: RiskFamily
    severity: Severity
    mitigation: str
    brief: str


@dataclass(frozen=True, slots=True)
class RubricInfo:
    id: str
    version: str
    title: str
    sha256: str


class Assessment(Struct, frozen=True):
    """The graded, explained assessment of one proposal."""

    file: str
    file_sha256: str
    proposal_id: str
    title: str
    status: str
    lead: str | None
    participants: tuple[str, ...]
    score: float
    grade: str
    uncapped_grade: str
    cap: Cap | None
    criteria: tuple[CriterionResult, ...]
    risks: tuple[Risk, ...]
    improvements: tuple[Improvement, ...]
    #: The score with every unknown resolved at its lowest and at its highest level.
    score_low: float = 0.0
    score_high: float = 0.0
    #: Share of the applicable weight that is known (0-1).
    coverage: float = 1.0
    #: Share of the known weight that rests on a citation or a reference fact (0-1).
    cited: float = 1.0
    #: Grades the range allows (risk caps applied), lowest first.
    grade_low: str = ""
    grade_high: str = ""
    #: Whether coverage is below the rubric's minimum, so the grade is provisional.
    provisional: bool = False
    #: What kind of initiative the file describes (national-acquisition, grouping ...).
    shapes: tuple[str, ...] = ()
    #: Things the reader should know that are not risks: placeholders, actors with no record.
    warnings: tuple[Evidence, ...] = ()
    #: The sources the file lists (its ``sources:``), which evidence cites by id.
    sources: tuple[Citation, ...] = ()

    def sources_in(self, text: str) -> tuple[Citation, ...]:
        """The file's sources an evidence note cites by id."""
        return cited_sources(text, self.sources)

    @property
    def insufficient(self) -> tuple[IndicatorResult, ...]:
        """The applicable indicators that are unknown (left out of the score, shown in its range)."""
        return self._with(IndicatorStatus.INSUFFICIENT)

    @property
    def not_applicable(self) -> tuple[IndicatorResult, ...]:
        return self._with(IndicatorStatus.NOT_APPLICABLE)

    def _with(self, status: IndicatorStatus) -> tuple[IndicatorResult, ...]:
        return tuple(i for c in self.criteria for i in c.indicators if i.status is status)

    @property
    def range_words(self) -> str:
        """The score's range and the grades it allows, in words every format uses."""
        if self.score_low == self.score_high:
            return "no unknowns"
        grades = (
            f"grade {self.grade_low}"
            if self.grade_low == self.grade_high
            else f"grades {self.grade_low}–{self.grade_high}"
        )
        return f"range {self.score_low:.1f}–{self.score_high:.1f} ({grades})"

    @property
    def coverage_words(self) -> str:
        """Coverage and citation, and whether the grade is provisional, in words."""
        words = (
            f"{self.coverage:.0%} of the applicable weight known, {self.cited:.0%} of that cited"
        )
        if self.provisional:
            words += "; PROVISIONAL: too little is known for a firm grade"
        return words


class Failure(Struct, frozen=True):
    """A proposal that could not be assessed, with every problem found in it."""

    file: str
    problems: tuple[Problem, ...]
    file_sha256: str = ""
    #: A check failed on the file (a bug in policycheck, not in the file): the run exits 3.
    internal: bool = False


@dataclass(frozen=True, slots=True)
class Breach:
    """One reason the gate fails: a threshold missed, an unwaived risk, an unusable file."""

    kind: str
    file: str
    proposal_id: str | None
    message: str
    line: int
    column: int
    criterion: str | None = None
    risk_fingerprint: str | None = None


@dataclass(frozen=True, slots=True)
class GateResult:
    """The gate's verdict with every breach, and what waivers and the baseline did."""

    passed: bool
    soft: bool
    breaches: tuple[Breach, ...]
    expired_waivers: tuple[Waiver, ...]
    unused_waivers: tuple[Waiver, ...]
    absorbed_by_baseline: int
    thresholds: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Report:
    """A run over one or more files, in sorted order."""

    tool_version: str
    generated_at: str
    rubric: RubricInfo
    reference_digest: str
    grade_bands: tuple[tuple[str, float], ...]
    results: tuple[Assessment | Failure, ...]
    #: (severity, highest grade allowed) for each capping severity.
    caps: tuple[tuple[str, str], ...] = ()
    #: How unknowns and coverage are counted, in the rubric's words.
    unknown_rule: str = ""
    #: Coverage below which a grade is provisional (0-1).
    min_coverage: float = 0.0
    #: The CI gate's verdict, when a gate was asked for.
    gate: GateResult | None = None
    #: Every risk the rubric defines, by id, with its rubric severity (not a raised one).
    risk_rules: tuple[RiskRule, ...] = ()
    #: How sure each grade is and what drives it, when ``--uncertainty`` asked for it.
    uncertainty: Uncertainty | None = None

    @property
    def assessments(self) -> tuple[Assessment, ...]:
        return tuple(r for r in self.results if isinstance(r, Assessment))

    @property
    def failures(self) -> tuple[Failure, ...]:
        return tuple(r for r in self.results if isinstance(r, Failure))
