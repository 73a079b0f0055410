"""The proposal format (schema version 1): what an analyst writes about an initiative.

Few fields are required (``schema_version``, ``id``, ``title``, ``status``,
``participants``); everything else is optional, and what is left out is
reported as "insufficient information" rather than counted against a proposal
as zero. A safeguard or commitment is a ``Claim``: a bare ``true`` or a
sentence is an assertion; a claim with ``evidence`` (an article of the
agreement, a link) is evidenced and scores higher.
"""

from __future__ import annotations

import difflib
import typing
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from policycheck import validation
from policycheck.errors import InputError, Problem
from policycheck.loading import Document
from policycheck.validation import Date as Date

if typing.TYPE_CHECKING:
    from policycheck.reference import ReferenceData

SCHEMA_VERSION = 1
#: Words YAML 1.1 read as booleans; YAML 1.2 reads them as text, a trap in a claim.
_YAML11_BOOLEANS = frozenset({"yes", "no", "y", "n", "on", "off"})
#: Texts that stand in for an answer not yet known: a claim written so is unknown, not asserted.
PLACEHOLDERS = frozenset(
    {
        "tbd",
        "tbc",
        "n/a",
        "na",
        "-",
        "--",
        "?",
        "??",
        "none",
        "null",
        "unknown",
        "todo",
        "false",
        "true",
        "pending",
        "not known",
        "to be decided",
        "to be confirmed",
        "...",
    }
)

Status = Literal["idea", "proposed", "negotiating", "signed", "in-force", "suspended", "ended"]
Role = Literal[
    "lead",
    "signatory",
    "member",
    "partner",
    "observer",
    "supplier",
    "recipient",
    "funder",
    "facilitator",
]
Activity = Literal[
    "joint-exercises",
    "training",
    "military-education",
    "procurement",
    "arms-transfer",
    "industrial-cooperation",
    "raw-materials",
    "hybrid-threats",
    "cyber",
    "information-sharing",
    "intelligence-sharing",
    "capacity-building",
    "crisis-management",
    "mission-participation",
    "border-management",
    "counter-terrorism",
    "demining",
    "research",
    "infrastructure",
]
EquipmentCategory = Literal[
    "battle-tank",
    "armoured-combat-vehicle",
    "artillery",
    "combat-aircraft",
    "attack-helicopter",
    "armed-drone",
    "unarmed-drone",
    "air-defence",
    "missile",
    "naval",
    "small-arms",
    "ammunition",
    "electronic-warfare",
    "non-lethal",
    "other",
]
Threat = Literal[
    "hybrid",
    "cyber",
    "disinformation",
    "foreign-interference",
    "migration",
    "organised-crime",
    "terrorism",
    "conventional-military",
    "energy-security",
    "supply-chain",
    "natural-disasters",
    "climate",
    "economic",
]
Cadence = Literal["none", "ad-hoc", "annual", "semi-annual", "quarterly", "monthly"]
Audience = Literal["public", "parliament", "neighbours", "eu", "nato", "civil-society"]
Involvement = Literal["supplier", "investor", "trainer", "partner", "political-backer", "other"]


def _ci(word: str) -> str:
    """A case-insensitive JSON Schema (ECMA 262) pattern for ``word``: ``[Yy][Ee][Ss]``."""
    return "".join(f"[{c.upper()}{c.lower()}]" for c in word)


def _country_code(value: str, info: ValidationInfo) -> str:
    codes: dict[str, str] | None = (info.context or {}).get("codes")
    if codes is None or value in codes:
        return value
    by_name = {name.casefold(): code for code, name in codes.items()}
    if value.casefold() in by_name:
        raise ValueError(f"use the ISO 3166 code '{by_name[value.casefold()]}' for '{value}'")
    if value.upper() in codes:
        raise ValueError(f"country codes are upper case: write '{value.upper()}'")
    raise ValueError(
        f"unknown country code '{value}' (ISO 3166-1 alpha-2; XK for Kosovo, EU for the Union)"
    )


def _reference_id(kind: str) -> AfterValidator:
    def check(value: str, info: ValidationInfo) -> str:
        known: dict[str, Any] | None = (info.context or {}).get(kind)
        if known is None or value in known:
            return value
        close = difflib.get_close_matches(value, list(known), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else f"; known: {', '.join(sorted(known))}"
        raise ValueError(f"unknown {kind[:-1]} '{value}'{hint}")

    return AfterValidator(check)


#: Where a JSON Schema node takes its choices from the reference data (see ``json_schema``).
_REFERENCE_KEY = "x-policycheck-reference"
#: Text with something in it: what a stripped, required-non-empty field accepts.
_NOT_BLANK = r"\S"

CountryCode = Annotated[
    str,
    Field(
        description="ISO 3166-1 alpha-2 code (XK for Kosovo, EU for the Union)",
        json_schema_extra={_REFERENCE_KEY: "codes"},
    ),
    AfterValidator(_country_code),
]


def _evidence_items(value: Any) -> Any:
    items = [value] if isinstance(value, str) else value
    if isinstance(items, (list, tuple)) and any(
        isinstance(item, str) and not item.strip() for item in items
    ):
        raise ValueError("evidence cannot be blank: cite an article, a link or a source id")
    return items


EvidenceList = Annotated[
    tuple[str, ...],
    BeforeValidator(_evidence_items),
    WithJsonSchema(
        {
            "description": "an article of the text, a link or a source id, or a list of them",
            "anyOf": [
                {"type": "string", "pattern": _NOT_BLANK},
                {"type": "array", "items": {"type": "string", "pattern": _NOT_BLANK}},
            ],
        }
    ),
]
FormatId = Annotated[
    str, _reference_id("formats"), Field(json_schema_extra={_REFERENCE_KEY: "formats"})
]
InstrumentId = Annotated[
    str, _reference_id("instruments"), Field(json_schema_extra={_REFERENCE_KEY: "instruments"})
]


def _whole(value: Any) -> Any:
    """``4.0`` is the whole number 4 (as JSON Schema, and so an editor, counts it)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, defer_build=True, str_strip_whitespace=True
    )

    #: JSON Schemas of the shorthands a ``mode="before"`` validator accepts.
    _shorthands: ClassVar[tuple[dict[str, Any], ...]] = ()

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        if not cls._shorthands:
            return schema
        full = handler.resolve_ref_schema(schema)
        return {"anyOf": [*cls._shorthands, schema], "description": full.get("description", "")}


class Claim(_Model):
    """A safeguard or commitment the proposal claims, and its evidence.

    Write ``true`` (asserted), ``false`` (explicitly absent), a sentence
    (asserted), or a mapping with ``statement`` and ``evidence`` (an article
    of the text, a link, a source id): only the last counts as evidenced.
    """

    _shorthands = (
        {"type": "boolean"},
        {
            "type": "string",
            "pattern": _NOT_BLANK,
            # YAML 1.1's yes/no words, which the tool refuses as a sentence (see _shorthand).
            "not": {
                "pattern": "^\\s*(" + "|".join(sorted(_ci(w) for w in _YAML11_BOOLEANS)) + ")\\s*$"
            },
        },
    )

    provided: bool = Field(
        default=True,
        strict=True,
        description="false: the safeguard is stated absent (the statement and evidence say why)",
    )
    statement: str | None = None
    evidence: EvidenceList = ()

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        if isinstance(value, bool):
            return {"provided": value}
        if isinstance(value, str):
            if value.strip().lower() in _YAML11_BOOLEANS:
                raise ValueError(
                    f"'{value}' is text in YAML 1.2, not a yes/no answer: write true or false"
                )
            if not value.strip():
                raise ValueError("an empty claim: write false, a sentence, or leave the key out")
            return {"statement": value}
        if isinstance(value, dict) and not value:
            raise ValueError("an empty claim: write false, a sentence, or leave the key out")
        return value

    @property
    def evidenced(self) -> bool:
        return self.provided and bool(self.evidence) and not self.placeholder

    @property
    def placeholder(self) -> bool:
        """A stand-in such as ``TBD`` or a quoted ``"false"``: the answer is not known yet."""
        return (
            self.provided
            and self.statement is not None
            and self.statement.strip().strip(".").lower() in PLACEHOLDERS
        )


class Source(_Model):
    """A link or citation backing the facts a proposal states."""

    id: str | None = None
    title: str
    url: str | None = None
    date: Date | None = None


class Participant(_Model):
    """A state (or the EU) taking part, and in what role."""

    _shorthands = ({"type": "string", _REFERENCE_KEY: "codes"},)

    country: CountryCode
    role: Role = "member"
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"country": value} if isinstance(value, str) else value


class Equipment(_Model):
    """A system procured or transferred: what, how many, from whom, to whom."""

    system: str
    category: EquipmentCategory
    quantity: Annotated[int | None, BeforeValidator(_whole)] = Field(
        default=None, ge=0, strict=True
    )
    supplier: CountryCode | None = None
    recipient: CountryCode
    #: Older systems of the same category retired by this acquisition (net change = quantity - replaces).
    replaces: int | None = Field(default=None, ge=0, strict=True)
    evidence: EvidenceList = ()

    @property
    def net_quantity(self) -> int | None:
        if self.quantity is None:
            return None
        return self.quantity - (self.replaces or 0)


class Safeguards(_Model):
    """Normative safeguards the brief asks of defence cooperation."""

    human_security: Claim | None = None
    democratic_conditionality: Claim | None = None
    local_consultation: Claim | None = None
    socio_economic_benefits: Claim | None = None
    regional_ownership: Claim | None = None
    economic_interdependence: Claim | None = None


class FormatLink(_Model):
    """A tie to a regional format (Berlin Process, RACVIAC ...)."""

    _shorthands = ({"type": "string", _REFERENCE_KEY: "formats"},)

    format: FormatId
    how: str | None = None
    evidence: EvidenceList = ()

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"format": value} if isinstance(value, str) else value


class Regional(_Model):
    """How the initiative sits in the region: openness, formats, coordination."""

    open_to_join: Claim | None = None
    #: States the initiative is open to on a condition (``open_condition``), when not open to all.
    open_to: tuple[CountryCode, ...] | None = None
    open_condition: str | None = None
    formats: tuple[FormatLink, ...] | None = None
    coordination: Claim | None = None
    joint_planning: Claim | None = None
    interoperability: Claim | None = None
    avoids_duplication: Claim | None = None
    status_neutral: Claim | None = None


class ArmsControl(_Model):
    """Arms-control and confidence-building commitments."""

    srac_notification: Claim | None = None
    srac_compliance: Claim | None = None
    exercise_notification: Claim | None = None
    observers: Claim | None = None
    dispute_sensitivity: Claim | None = None
    capability_transparency: Claim | None = None
    depoliticised: Claim | None = None


class Reporting(_Model):
    """How often, and to whom, the initiative reports."""

    cadence: Cadence
    audience: tuple[Audience, ...] = ()
    evidence: EvidenceList = ()


class Transparency(_Model):
    """Public text, reporting, indicators, oversight and information sharing."""

    public_text: Claim | None = None
    reporting: Reporting | None = None
    progress_indicators: Claim | None = None
    parliamentary_oversight: Claim | None = None
    neighbour_information_sharing: Claim | None = None


class ExternalActor(_Model):
    """A state outside the EU and the region involved in the initiative."""

    country: CountryCode
    involvement: Involvement = "other"
    note: str | None = None


class Proposal(_Model):
    """A proposed or existing defence-cooperation initiative."""

    schema_version: Literal[1]
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80)
    title: str = Field(min_length=1, json_schema_extra={"pattern": _NOT_BLANK})
    summary: str | None = None
    status: Status
    date: Date | None = None
    sources: tuple[Source, ...] = ()
    lead: CountryCode | None = None
    participants: tuple[Participant, ...] = Field(
        min_length=1, json_schema_extra={"uniqueItems": True}
    )
    instruments: tuple[InstrumentId, ...] = ()
    activities: tuple[Activity, ...] = ()
    equipment: tuple[Equipment, ...] = ()
    threats: tuple[Threat, ...] = ()
    horizon_years: Annotated[int | None, BeforeValidator(_whole)] = Field(
        default=None, ge=0, le=100, strict=True
    )
    safeguards: Safeguards = Safeguards()
    regional: Regional = Regional()
    arms_control: ArmsControl = ArmsControl()
    transparency: Transparency = Transparency()
    #: None when the file does not say; [] when it states that no outside power is involved.
    external_actors: tuple[ExternalActor, ...] | None = None

    @field_validator("schema_version", mode="before")
    @classmethod
    def _version_one(cls, value: Any) -> Any:
        if isinstance(value, bool) or value != 1:
            raise ValueError(f"unsupported format version {value!r}: write 'schema_version: 1'")
        return value

    @model_validator(mode="after")
    def _no_repeated_participants(self) -> Proposal:
        codes = [p.country for p in self.participants]
        repeated = sorted({c for c in codes if codes.count(c) > 1})
        if repeated:
            raise ValueError(f"participants: {', '.join(repeated)} listed more than once")
        return self

    @property
    def countries(self) -> tuple[str, ...]:
        """Every state taking part (the lead included), in order of first mention."""
        seen = dict.fromkeys(
            [*([self.lead] if self.lead else []), *(p.country for p in self.participants)]
        )
        return tuple(seen)


def parse_proposal(doc: Document, context: dict[str, Any] | None = None) -> Proposal:
    """Validate a loaded document as a ``Proposal``; raise ``InputError`` with every problem.

    Problems the loader kept (``Document.problems``) are reported with the
    schema's; a schema problem at the very place of a loader problem is its
    echo and is dropped.
    """
    problems = list(doc.problems)
    if not isinstance(doc.data, dict):
        kind = "a list" if isinstance(doc.data, list) else "a single value"
        problems.append(
            Problem(doc.origin, 1, 1, f"a proposal must be a mapping of keys to values, not {kind}")
        )
        raise InputError(problems)
    try:
        proposal = Proposal.model_validate(doc.data, context=context)
    except ValidationError as exc:
        seen = {(p.line, p.column) for p in problems}
        for problem in validation.problems(exc, doc.locate, Proposal):
            if (problem.line, problem.column) not in seen:
                problems.append(problem)
    if problems:
        raise InputError(problems)
    return proposal


def json_schema(reference: ReferenceData | None = None) -> dict[str, Any]:
    """The JSON Schema of the proposal format, for editors.

    Made from the same model and the same reference data (the bundled data, or
    ``reference``) as the tool, so an editor flags what the tool flags: country
    codes, format and instrument ids are enums of the known ones.
    """
    from policycheck.reference import load_reference

    data = reference if reference is not None else load_reference()
    choices = {
        "codes": sorted(data.codes),
        "formats": sorted(data.formats),
        "instruments": sorted(data.instruments),
    }
    schema: dict[str, Any] = _with_choices(Proposal.model_json_schema(), choices)
    for kind, name in _CHOICES.items():
        schema["$defs"][name] = {"type": "string", "enum": choices[kind]}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://policycheck.invalid/schema/proposal-1.json"
    schema["title"] = "policycheck proposal (schema version 1)"
    return schema


def _with_choices(node: Any, choices: dict[str, list[str]]) -> Any:
    """``node`` with every reference marker replaced by an ``enum`` of the known ids."""
    if isinstance(node, list):
        return [_with_choices(item, choices) for item in node]
    if not isinstance(node, dict):
        return node
    result = {key: _with_choices(value, choices) for key, value in node.items()}
    kind = result.pop(_REFERENCE_KEY, None)
    if kind is not None:
        result["$ref"] = f"#/$defs/{_CHOICES[kind]}"
    if result.get("format") == "date":
        # Format is only a note to most validators: say what a date looks like.
        result["pattern"] = _DATE
    if result.get("title") == "Claim" and result.get("type") == "object":
        result["minProperties"] = 1  # an empty claim says nothing (see Claim._shorthand)
    return result


#: The ``$defs`` entry holding each kind of reference id.
_CHOICES = {"codes": "CountryCode", "formats": "FormatId", "instruments": "InstrumentId"}
#: A date as the tool reads it: year, month 01-12 and day 01-31 (a time may follow).
_DATE = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
