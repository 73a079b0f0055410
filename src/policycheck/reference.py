"""Reference data: the sourced facts about states, arms control, dyads and formats.

Facts are data, not code. The bundled files live in ``policycheck/reference/``;
each entry names its sources and an as-of date. A user can override any entry
by pointing ``--reference DIR`` (or ``POLICYCHECK_REFERENCE``) at a folder
holding files of the same names: entries are replaced whole, by key (country
code, SRAC party, dyad pair, format or instrument id), and new entries are
added. A value left ``null`` is unknown, and checks that need it report
"insufficient information" rather than guess.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from policycheck import validation
from policycheck.errors import InputError, Problem
from policycheck.loading import (
    Document,
    load_yaml_bytes,
    load_yaml_text,
    mirrored,
    read_bytes,
    read_mirror,
    text_digest,
)
from policycheck.validation import Date

EuStatus = Literal["member", "candidate", "potential-candidate", "none"]
NatoStatus = Literal["member", "partner", "none"]
#: ``region`` is a state of a custom rubric's own region (the role the six play in the default).
Group = Literal["western-balkans", "region", "eu-member", "external", "other"]
Acuteness = Literal["low", "medium", "high"]
Verification = Literal["V2", "V", "P", "NV"]
CfspAlignment = Literal["full", "partial", "voluntary", "none"]
Character = Literal["offensive", "defensive", "non-lethal", "mixed", "unknown"]
DyadKind = Literal["unresolved-dispute", "rivalry", "tension"]
SracCategory = Literal[
    "battle-tank",
    "armoured-combat-vehicle",
    "artillery",
    "combat-aircraft",
    "attack-helicopter",
]
SRAC_CATEGORIES: tuple[SracCategory, ...] = (
    "battle-tank",
    "armoured-combat-vehicle",
    "artillery",
    "combat-aircraft",
    "attack-helicopter",
)
WESTERN_BALKAN_SIX: tuple[str, ...] = ("AL", "BA", "ME", "MK", "RS", "XK")
DATASETS: tuple[str, ...] = (
    "iso3166",
    "countries",
    "srac",
    "dyads",
    "formats",
    "instruments",
    "equipment",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Source(_Strict):
    """A citation for a fact: a title and, where there is one, an address."""

    title: str
    url: str | None = None
    date: Date | None = None


class Sourced(_Strict):
    """Fields every reference entry carries: where it comes from and when."""

    sources: tuple[str, ...] = Field(min_length=1)
    as_of: Date
    note: str | None = None


class Country(Sourced):
    """A state (or the EU) with the statuses the checks reason over."""

    name: str
    group: Group
    eu_status: EuStatus
    nato: NatoStatus
    srac_party: bool
    osce: bool | None = None
    recognises_kosovo: bool | None = None
    eu_arms_embargo: bool | None = None
    """An EU arms embargo is in force against this state (a Council legal act; for
    China the 1989 European Council declaration, which the note must say)."""
    brief_role: str | None = None
    """What CIDOB Briefing 70 says this state does in the region, paraphrased, with
    the brief's section; null when the brief does not name the state."""
    competes_for_influence: bool = False
    """The brief names it among the outside powers competing with the EU for
    influence in the region and using its divides ("Overshadowed risks")."""
    cfsp_alignment: CfspAlignment | None = None
    """For EU candidates and potential candidates: alignment with the CFSP per the
    latest Commission package; null for member states, non-candidates or unknown."""
    cfsp_alignment_rate: int | None = Field(default=None, ge=0, le=100)
    """The alignment rate in percent, only where a sourced figure exists."""
    uncertain: tuple[str, ...] = ()


class Figure(_Strict):
    """One number with its verification status; ``value`` is null when unknown.

    An unknown figure may still be bounded: ``at_least``/``at_most`` hold what the
    sources do support (for instance a current ceiling that is a share of an older,
    verified whole), so a check can tell "certainly above the ceiling" from
    "cannot tell". With no bound the figure is simply at least 0.
    """

    value: int | None = Field(ge=0)
    status: Verification
    at_least: int | None = Field(default=None, ge=0)
    at_most: int | None = Field(default=None, ge=0)
    sources: tuple[str, ...] = ()
    as_of: Date | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _bounds_hold(self) -> Figure:
        if self.at_least is not None and self.at_most is not None and self.at_least > self.at_most:
            raise ValueError(f"at_least ({self.at_least}) is above at_most ({self.at_most})")
        if self.value is not None:
            if self.at_least is not None and self.value < self.at_least:
                raise ValueError(f"value {self.value} is below at_least ({self.at_least})")
            if self.at_most is not None and self.value > self.at_most:
                raise ValueError(f"value {self.value} is above at_most ({self.at_most})")
        return self

    @property
    def lower(self) -> int:
        """The smallest value the figure can take: the value if known, else its floor."""
        if self.value is not None:
            return self.value
        return self.at_least if self.at_least is not None else 0

    @property
    def upper(self) -> int | None:
        """The largest value the figure can take, or None when nothing bounds it."""
        return self.value if self.value is not None else self.at_most


class SracParty(_Strict):
    """A party to the Sub-Regional Arms Control Agreement: ceilings and known holdings."""

    ceilings: dict[SracCategory, Figure]
    holdings: dict[SracCategory, Figure] = Field(default_factory=dict)


class SracCategoryInfo(_Strict):
    title: str
    definition: str
    sources: tuple[str, ...] = ()


class Srac(Sourced):
    """The agreement's categories, uncovered capabilities and parties."""

    name: str
    categories: dict[SracCategory, SracCategoryInfo]
    uncovered: dict[str, str]
    parties: dict[str, SracParty]


class Dyad(Sourced):
    """Two states with an unresolved dispute or rivalry, and how acute it is.

    ``basis`` names which of the stated criteria (dyads.yaml's header) gives the
    kind and the acuteness, and the facts that meet it, so a rating is never a
    free judgement.
    """

    pair: tuple[str, str]
    kind: DyadKind
    acuteness: Acuteness
    summary: str
    basis: str = Field(min_length=1)


class RegionalFormat(Sourced):
    """A regional forum (Berlin Process, RACVIAC ...) and who takes part."""

    title: str
    members: tuple[str, ...]
    observers: tuple[str, ...] = ()
    purpose: str


class InstrumentProvision(_Strict):
    """A safeguard or duty the instrument itself imposes, answering one indicator."""

    statement: str
    sources: tuple[str, ...] = Field(min_length=1)


class Instrument(Sourced):
    """A framework an initiative can use (PESCO, SAFE, an SDP ...).

    ``satisfies`` maps a proposal claim path (``safeguards.human_security``,
    ``transparency.public_text`` ...) to the instrument's own sourced provision
    that answers it, so an initiative using the instrument can cite it.
    """

    title: str
    level: Literal["eu", "nato", "member-state", "bilateral", "multilateral"]
    description: str
    satisfies: dict[str, InstrumentProvision] = Field(default_factory=dict)


class EquipmentInfo(Sourced):
    """What one equipment category is: its character, whether lethal, whether SRAC-limited."""

    title: str
    character: Character
    lethal: bool
    srac: bool


class _File(_Strict):
    reference: Literal[1]
    dataset: str
    as_of: Date
    sources: dict[str, Source] = Field(default_factory=dict)


class Iso3166File(_File):
    codes: dict[str, str]


class CountriesFile(_File):
    countries: dict[str, Country]


class SracFile(_File):
    srac: Srac


class DyadsFile(_File):
    dyads: tuple[Dyad, ...]


class FormatsFile(_File):
    formats: dict[str, RegionalFormat]


class InstrumentsFile(_File):
    instruments: dict[str, Instrument]


class EquipmentFile(_File):
    equipment: dict[str, EquipmentInfo]


_FILE_MODELS: dict[str, type[_File]] = {
    "iso3166": Iso3166File,
    "countries": CountriesFile,
    "srac": SracFile,
    "dyads": DyadsFile,
    "formats": FormatsFile,
    "instruments": InstrumentsFile,
    "equipment": EquipmentFile,
}


@dataclass(frozen=True, slots=True)
class ReferenceFile:
    """Where one dataset came from: path and content hash."""

    dataset: str
    origin: str
    sha256: str


@dataclass(frozen=True)
class ReferenceData:
    """All reference datasets, merged from the bundled files and any overrides."""

    codes: Mapping[str, str]
    countries: Mapping[str, Country]
    srac: Srac
    dyads: tuple[Dyad, ...]
    formats: Mapping[str, RegionalFormat]
    instruments: Mapping[str, Instrument]
    equipment: Mapping[str, EquipmentInfo]
    sources: Mapping[str, Source]
    files: tuple[ReferenceFile, ...]

    @cached_property
    def digest(self) -> str:
        """A short hash of every file that went into this data."""
        h = hashlib.sha256()
        for f in self.files:
            h.update(f"{f.dataset}:{f.sha256}\n".encode())
        return h.hexdigest()[:16]

    def country(self, code: str) -> Country | None:
        return self.countries.get(code)

    def dyads_of(self, code: str) -> Iterable[tuple[str, Dyad]]:
        """Each (other party, dyad) for the dyads ``code`` belongs to."""
        for d in self.dyads:
            if code == d.pair[0]:
                yield d.pair[1], d
            elif code == d.pair[1]:
                yield d.pair[0], d

    def dyad(self, a: str, b: str) -> Dyad | None:
        for d in self.dyads:
            if {a, b} == set(d.pair):
                return d
        return None


def _parse(dataset: str, doc: Document) -> _File:
    origin = doc.origin
    model = _FILE_MODELS[dataset]
    problems = []
    if isinstance(doc.data, dict) and doc.data.get("dataset", dataset) != dataset:
        problems.append(
            Problem(
                origin,
                *doc.position(("dataset",)),
                f"expected dataset '{dataset}', found '{doc.data['dataset']}'",
            )
        )
    try:
        parsed = model.model_validate(doc.data)
    except ValidationError as exc:
        problems.extend(validation.problems(exc, doc.locate, model))
    if problems:
        raise InputError(problems)
    return parsed


def _bundled_text(dataset: str) -> str:
    return (resources.files("policycheck") / "reference" / f"{dataset}.yaml").read_text("utf-8")


#: The bundled datasets as read from their YAML, kept as JSON beside them with the sha256 of
#: the YAML text each came from. The YAML stays the source: an entry whose hash does not
#: match its YAML is ignored and the YAML read instead. It saves parsing 170 KB of YAML (and
#: its comments) at every start; ``python -m policycheck.reference`` writes it again.
MIRROR = "bundled.json"


def _mirror() -> dict[str, Any]:
    return read_mirror(resources.files("policycheck") / "reference" / MIRROR)


def _bundled(dataset: str, text: str, digest: str, mirror: dict[str, Any]) -> _File:
    entry = mirrored(mirror, dataset, digest)
    if entry is not None:
        try:
            return _FILE_MODELS[dataset].model_validate(entry.get("data"))
        except ValidationError:
            pass  # read the YAML: its problems are located there
    return _parse(dataset, load_yaml_text(text, f"<bundled>/reference/{dataset}.yaml"))


def mirror_text() -> str:
    """The JSON mirror of the bundled datasets, as ``MIRROR`` should hold it."""
    entries = {}
    for dataset in DATASETS:
        text = _bundled_text(dataset)
        doc = load_yaml_text(text, f"<bundled>/reference/{dataset}.yaml")
        entries[dataset] = {"sha256": text_digest(text), "data": doc.data}
    return json.dumps(entries, sort_keys=True, ensure_ascii=False, default=str) + "\n"


def load_reference(override_dir: Path | None = None) -> ReferenceData:
    """Read the bundled datasets, then apply any override files from ``override_dir``.

    The bundled data alone is read once a process (see ``rubric.load_rubric``).
    """
    if override_dir is None:
        return _bundled_reference()
    return _load_reference(override_dir)


@functools.cache
def _bundled_reference() -> ReferenceData:
    return _load_reference(None)


def _load_reference(override_dir: Path | None) -> ReferenceData:
    files: list[ReferenceFile] = []
    parsed: dict[str, list[_File]] = {}
    problems: list[Problem] = []
    mirror = _mirror()
    for dataset in DATASETS:
        text = _bundled_text(dataset)
        origin = f"<bundled>/reference/{dataset}.yaml"
        digest = text_digest(text)
        parsed[dataset] = [_bundled(dataset, text, digest, mirror)]
        files.append(ReferenceFile(dataset, origin, digest))
        if override_dir is not None:
            path = override_dir / f"{dataset}.yaml"
            if path.is_file():
                try:
                    raw = read_bytes(path)
                    parsed[dataset].append(_parse(dataset, load_yaml_bytes(raw, str(path))))
                except InputError as exc:
                    problems.extend(exc.problems)
                    continue
                digest = hashlib.sha256(raw).hexdigest()
                files.append(ReferenceFile(dataset, str(path), digest))
    if override_dir is not None and not override_dir.is_dir():
        problems.append(Problem(str(override_dir), 1, 1, "reference folder does not exist"))
    if problems:
        raise InputError(problems)
    return _merge(parsed, tuple(files))


def _merge(parsed: dict[str, list[Any]], files: tuple[ReferenceFile, ...]) -> ReferenceData:
    sources: dict[str, Source] = {}
    for layers in parsed.values():
        for layer in layers:
            sources.update(layer.sources)
    codes: dict[str, str] = {}
    for layer in parsed["iso3166"]:
        codes.update(layer.codes)
    countries: dict[str, Country] = {}
    for layer in parsed["countries"]:
        countries.update(layer.countries)
    srac: Srac = parsed["srac"][0].srac
    for layer in parsed["srac"][1:]:
        override: Srac = layer.srac
        srac = override.model_copy(update={"parties": {**srac.parties, **override.parties}})
    dyads: dict[frozenset[str], Dyad] = {}
    for layer in parsed["dyads"]:
        for d in layer.dyads:
            dyads[frozenset(d.pair)] = d
    formats: dict[str, RegionalFormat] = {}
    for layer in parsed["formats"]:
        formats.update(layer.formats)
    instruments: dict[str, Instrument] = {}
    for layer in parsed["instruments"]:
        instruments.update(layer.instruments)
    equipment: dict[str, EquipmentInfo] = {}
    for layer in parsed["equipment"]:
        equipment.update(layer.equipment)
    for code in countries:
        codes.setdefault(code, countries[code].name)
    return ReferenceData(
        codes=codes,
        countries=countries,
        srac=srac,
        dyads=tuple(sorted(dyads.values(), key=lambda d: d.pair)),
        formats=formats,
        instruments=instruments,
        equipment=equipment,
        sources=sources,
        files=files,
    )


if __name__ == "__main__":
    target = Path(str(resources.files("policycheck") / "reference" / MIRROR))
    target.write_text(mirror_text(), encoding="utf-8")
    print(f"wrote {target}")
