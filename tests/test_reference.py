"""The bundled reference data: interval facts, rated dyads, equipment character,
instrument provisions, a record for every state a proposal may name, and the
``--reference DIR`` override for each dataset.

These tests read only the bundled files (never ``../shared``): the lists of
states below are written out from the sourced fact sheets the data came from.
"""

from __future__ import annotations

import datetime as dt
import re
import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from policycheck import model
from policycheck.errors import InputError
from policycheck.loading import load_yaml_text
from policycheck.reference import (
    DATASETS,
    SRAC_CATEGORIES,
    WESTERN_BALKAN_SIX,
    Figure,
    SracCategory,
    _bundled_text,
    _parse,
    load_reference,
)
from tests.conftest import PROPOSALS, ROOT, run_cli

MODEL = PROPOSALS / "model-regional-initiative.yaml"

EU_27 = [
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
]
NATO_32 = [
    "BE",
    "CA",
    "DK",
    "FR",
    "IS",
    "IT",
    "LU",
    "NL",
    "NO",
    "PT",
    "GB",
    "US",
    "GR",
    "TR",
    "DE",
    "ES",
    "CZ",
    "HU",
    "PL",
    "BG",
    "EE",
    "LV",
    "LT",
    "RO",
    "SK",
    "SI",
    "AL",
    "HR",
    "ME",
    "MK",
    "FI",
    "SE",
]
# States the sourced fact sheets (facts.md, actors.md) name, by ISO 3166 code.
NAMED_IN_FACTS = [
    "RU",
    "BY",
    "CN",
    "TR",
    "US",
    "GB",
    "NO",
    "UA",
    "MD",
    "GE",
    "IL",
    "AE",
    "SA",
    "QA",
    "KW",
    "CH",
    "CA",
    "IS",
    "DZ",
    "EG",
    "JO",
    "MA",
    "TN",
    "AF",
    "AU",
    "JP",
    "KR",
    "TH",
]
# Others a proposal may plausibly name (the assignment's list).
ALSO_EXPECTED = ["IR", "BH", "OM", "AZ", "AM", "IN"]
# States the brief never mentions (actors.md, section 4).
NOT_IN_BRIEF = ["AE", "SA", "QA", "IL", "BY", "NO", "GB"]

ref = load_reference()


def _files() -> dict[str, Any]:
    return {
        d: _parse(d, load_yaml_text(_bundled_text(d), f"<bundled>/reference/{d}.yaml"))
        for d in DATASETS
    }


# --- interval facts ----------------------------------------------------------------------


def test_figure_bounds_must_be_ordered_and_contain_the_value() -> None:
    assert Figure(value=None, status="NV", at_most=850).upper == 850
    assert Figure(value=None, status="NV", at_most=850).lower == 0
    assert Figure(value=40, status="V", at_least=10, at_most=40).lower == 40
    with pytest.raises(ValidationError, match="at_least"):
        Figure(value=None, status="NV", at_least=10, at_most=5)
    with pytest.raises(ValidationError, match="above at_most"):
        Figure(value=900, status="V", at_most=850)
    with pytest.raises(ValidationError, match="below at_least"):
        Figure(value=3, status="V", at_least=5)
    with pytest.raises(ValidationError):
        Figure(value=None, status="NV", at_most=-1)


def test_bad_bounds_in_an_override_are_a_located_error(tmp_path: Path) -> None:
    (tmp_path / "srac.yaml").write_text(
        "reference: 1\n"
        "dataset: srac\n"
        "as_of: 2026-01-01\n"
        "srac:\n"
        "  name: x\n"
        "  sources: [s]\n"
        "  as_of: 2026-01-01\n"
        "  categories: {}\n"
        "  uncovered: {}\n"
        "  parties:\n"
        "    RS:\n"
        "      ceilings:\n"
        "        artillery: {value: null, status: NV, at_least: 4000, at_most: 3750}\n",
        "utf-8",
    )
    with pytest.raises(InputError) as info:
        load_reference(tmp_path)
    (problem,) = info.value.problems
    assert (problem.file, problem.line) == (str(tmp_path / "srac.yaml"), 13)
    assert "at_least (4000) is above at_most (3750)" in problem.message


@pytest.mark.parametrize(
    ("party", "category", "bound"),
    [
        ("RS", "artillery", 3750),
        ("RS", "combat-aircraft", 155),
        ("RS", "attack-helicopter", 53),
        ("ME", "armoured-combat-vehicle", 850),
        ("ME", "artillery", 3750),
        ("ME", "combat-aircraft", 155),
        ("ME", "attack-helicopter", 53),
    ],
)
def test_unknown_fry_successor_ceilings_are_bounded_by_the_1996_fry_ceiling(
    party: str, category: SracCategory, bound: int
) -> None:
    figure = ref.srac.parties[party].ceilings[category]
    assert (figure.value, figure.status, figure.at_most) == (None, "NV", bound)
    assert figure.note is not None
    assert "948 + Montenegro 77 = 1,025" in " ".join(figure.note.split())
    assert "act-1997-10" in figure.sources


def test_the_fry_split_the_bounds_rest_on_holds_in_the_data() -> None:
    rs, me = ref.srac.parties["RS"].ceilings, ref.srac.parties["ME"].ceilings
    assert (rs["battle-tank"].value, me["battle-tank"].value) == (948, 77)
    assert 948 + 77 == 1025
    assert rs["armoured-combat-vehicle"].value == 786 <= 850


def test_croatia_unknown_ceilings_carry_no_bound_and_say_why() -> None:
    for category in SRAC_CATEGORIES[1:]:
        figure = ref.srac.parties["HR"].ceilings[category]
        assert (figure.value, figure.at_least, figure.at_most) == (None, None, None)
        assert figure.note is not None
        assert "no bound is supportable" in figure.note


def test_every_unknown_figure_says_why_in_a_note() -> None:
    for code, party in ref.srac.parties.items():
        for table in (party.ceilings, party.holdings):
            for category, figure in table.items():
                if figure.value is None:
                    assert figure.note, (code, category)
                    assert figure.status == "NV", (code, category)


# --- dyads ------------------------------------------------------------------------------

_KIND = {"K1": "unresolved-dispute", "K2": "rivalry", "K3": "tension"}
_ACUTENESS = {"H": "high", "M": "medium", "L": "low"}


def test_every_dyad_states_a_basis_that_matches_its_kind_and_acuteness() -> None:
    header = _bundled_text("dyads").split("\nreference: 1\n")[0]
    defined = set(re.findall(r"#\s+([KHML]\d)\s", header))
    assert {"K1", "K2", "K3", "H1", "H2", "M1", "M2", "M3", "L1", "L2"} <= defined
    assert ref.dyads
    for d in ref.dyads:
        codes = re.findall(r"\b([KHML]\d)\b", d.basis)
        assert codes, d.pair
        assert set(codes) <= defined, (d.pair, codes)
        kinds = [c for c in codes if c.startswith("K")]
        levels = [c for c in codes if not c.startswith("K")]
        assert [_KIND[k] for k in kinds] == [d.kind], d.pair
        assert {_ACUTENESS[c[0]] for c in levels} == {d.acuteness}, d.pair


def test_albania_serbia_rests_on_one_episode_and_is_rated_low() -> None:
    d = ref.dyad("AL", "RS")
    assert d is not None
    assert (d.kind, d.acuteness) == ("tension", "low")
    assert d.basis.startswith("K3 and L1")


def test_the_acute_dyads_keep_their_rating() -> None:
    rated = {
        "-".join(d.pair): (d.kind, d.acuteness, d.basis[:9])
        for d in ref.dyads
        if d.pair in (("RS", "XK"), ("HR", "RS"), ("BA", "XK"))
    }
    assert rated == {
        "RS-XK": ("unresolved-dispute", "high", "K1 and H1"),
        "HR-RS": ("rivalry", "high", "K2 and H2"),
        "BA-XK": ("tension", "low", "K3 and L2"),
    }


def test_a_dyad_override_without_a_basis_is_refused_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "dyads.yaml").write_text(
        "reference: 1\ndataset: dyads\nas_of: 2026-01-01\n"
        "sources: {mine: {title: Mine}}\n"
        "dyads:\n"
        "  - pair: [RS, XK]\n"
        "    kind: tension\n"
        "    acuteness: low\n"
        "    summary: Calmer\n"
        "    sources: [mine]\n"
        "    as_of: 2026-01-01\n",
        "utf-8",
    )
    code, _, err = run_cli(capsys, "assess", str(MODEL), "--reference", str(tmp_path))
    assert code == 2
    assert f"{tmp_path / 'dyads.yaml'}:6:" in err
    assert "Traceback" not in err


# --- equipment --------------------------------------------------------------------------


def test_every_equipment_category_has_a_record() -> None:
    categories = set(typing.get_args(model.EquipmentCategory))
    assert set(ref.equipment) == categories


def test_equipment_srac_flag_is_exactly_the_five_categories() -> None:
    assert {k for k, e in ref.equipment.items() if e.srac} == set(SRAC_CATEGORIES)
    assert set(SRAC_CATEGORIES) == set(ref.srac.categories)


def test_equipment_character_follows_the_stated_criteria() -> None:
    eq = ref.equipment
    for category in SRAC_CATEGORIES:
        assert (eq[category].character, eq[category].lethal) == ("offensive", True)
    assert (eq["armed-drone"].character, eq["armed-drone"].lethal) == ("offensive", True)
    assert (eq["air-defence"].character, eq["air-defence"].lethal) == ("defensive", True)
    for unarmed in ("non-lethal", "unarmed-drone", "electronic-warfare"):
        assert (eq[unarmed].character, eq[unarmed].lethal) == ("non-lethal", False)
    for mixed in ("missile", "naval", "small-arms", "ammunition"):
        assert (eq[mixed].character, eq[mixed].lethal) == ("mixed", True)
    assert eq["other"].character == "unknown"
    header = _bundled_text("equipment").split("\nreference: 1\n")[0]
    for character in ("offensive", "defensive", "non-lethal", "mixed", "unknown"):
        assert re.search(rf"#\s+{character}\s", header), character


def test_an_equipment_override_replaces_one_category_and_keeps_the_rest(tmp_path: Path) -> None:
    (tmp_path / "equipment.yaml").write_text(
        "reference: 1\ndataset: equipment\nas_of: 2026-06-01\n"
        "sources: {mine: {title: Our classification}}\n"
        "equipment:\n"
        "  armed-drone:\n"
        "    title: Armed drone\n"
        "    character: mixed\n"
        "    lethal: true\n"
        "    srac: false\n"
        "    sources: [mine]\n"
        "    as_of: 2026-06-01\n",
        "utf-8",
    )
    data = load_reference(tmp_path)
    assert data.equipment["armed-drone"].character == "mixed"
    assert data.equipment["air-defence"] == ref.equipment["air-defence"]
    assert data.digest != ref.digest
    assert [f.origin for f in data.files if f.dataset == "equipment"] == [
        "<bundled>/reference/equipment.yaml",
        str(tmp_path / "equipment.yaml"),
    ]


def test_a_broken_equipment_override_exits_2_with_its_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "equipment.yaml").write_text(
        "reference: 1\ndataset: equipment\nas_of: 2026-06-01\n"
        "equipment:\n"
        "  armed-drone: {title: x, character: aggressive, lethal: true, srac: false,"
        " sources: [a], as_of: 2026-06-01}\n",
        "utf-8",
    )
    code, _, err = run_cli(capsys, "assess", str(MODEL), "--reference", str(tmp_path))
    assert code == 2
    assert f"{tmp_path / 'equipment.yaml'}:5:" in err
    assert "Traceback" not in err


# --- countries ----------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted({*EU_27, *NATO_32, *WESTERN_BALKAN_SIX}))
def test_every_eu_nato_and_western_balkan_state_has_a_record(code: str) -> None:
    assert code in ref.countries


def test_memberships_match_the_eu_and_nato_lists() -> None:
    assert {c for c, r in ref.countries.items() if r.eu_status == "member"} == set(EU_27)
    assert {c for c, r in ref.countries.items() if r.nato == "member"} == set(NATO_32)
    assert len(NATO_32) == 32


@pytest.mark.parametrize("code", [*NAMED_IN_FACTS, *ALSO_EXPECTED])
def test_every_state_the_facts_name_has_a_record(code: str) -> None:
    assert code in ref.codes, "a valid ISO 3166 code"
    country = ref.countries.get(code)
    assert country is not None
    assert country.group == "external"


def test_arms_embargoes_are_those_of_the_eu_acts_and_the_china_declaration() -> None:
    embargoed = {c for c, r in ref.countries.items() if r.eu_arms_embargo}
    assert embargoed == {"RU", "BY", "IR", "CN"}
    china = ref.countries["CN"]
    assert china.note is not None
    assert "1989" in china.note
    assert "declaration" in china.note
    for code in EU_27:
        assert ref.countries[code].eu_arms_embargo is False


def test_cfsp_alignment_only_for_candidates_and_serbia_at_61() -> None:
    for code, r in ref.countries.items():
        if r.cfsp_alignment is not None or r.cfsp_alignment_rate is not None:
            assert r.eu_status in ("candidate", "potential-candidate"), code
    six = {c: ref.countries[c].cfsp_alignment for c in WESTERN_BALKAN_SIX}
    assert six == {
        "AL": "full",
        "BA": "full",
        "ME": "full",
        "MK": "full",
        "RS": "partial",
        "XK": "voluntary",
    }
    assert ref.countries["RS"].cfsp_alignment_rate == 61


def test_brief_role_is_null_for_states_the_brief_does_not_mention() -> None:
    for code in NOT_IN_BRIEF:
        assert ref.countries[code].brief_role is None, code
    for code in ("RU", "CN", "TR", "RS", "XK", "HR", "HU"):
        role = ref.countries[code].brief_role
        assert role is not None, code
        assert re.search(r'"Overshadowed risks"|Introduction|"A new approach', role), code


# --- instruments -------------------------------------------------------------------------


def _claim_path_exists(path: str) -> bool:
    cls: Any = model.Proposal
    for part in path.split("."):
        fields = getattr(cls, "model_fields", {})
        if part not in fields:
            return False
        annotation = fields[part].annotation
        models = [
            a
            for a in typing.get_args(annotation)
            if isinstance(a, type) and hasattr(a, "model_fields")
        ]
        cls = models[0] if models else annotation
    return True


def test_instrument_provisions_name_real_claim_paths_and_cite_sources() -> None:
    files = _files()
    table = files["instruments"].sources
    provided = 0
    for iid, instrument in ref.instruments.items():
        for path, provision in instrument.satisfies.items():
            assert _claim_path_exists(path), (iid, path)
            assert provision.statement.strip()
            assert set(provision.sources) <= set(table), (iid, path)
            provided += 1
    assert provided >= 1
    assert "safeguards.human_security" in ref.instruments["epf"].satisfies
    assert not _claim_path_exists("safeguards.no_such_thing")


def test_a_provision_without_a_source_is_refused(tmp_path: Path) -> None:
    (tmp_path / "instruments.yaml").write_text(
        "reference: 1\ndataset: instruments\nas_of: 2026-01-01\n"
        "instruments:\n"
        "  epf:\n"
        "    title: EPF\n"
        "    level: eu\n"
        "    description: x\n"
        "    sources: [a]\n"
        "    as_of: 2026-01-01\n"
        "    satisfies:\n"
        "      safeguards.human_security: {statement: Trust us, sources: []}\n",
        "utf-8",
    )
    with pytest.raises(InputError) as info:
        load_reference(tmp_path)
    assert [p.line for p in info.value.problems] == [12]


# --- every record is sourced ----------------------------------------------------------------


def _entries(dataset: str, parsed: Any) -> list[tuple[str, Any]]:
    if dataset == "countries":
        return list(parsed.countries.items())
    if dataset == "dyads":
        return [("-".join(d.pair), d) for d in parsed.dyads]
    if dataset == "formats":
        return list(parsed.formats.items())
    if dataset == "instruments":
        return list(parsed.instruments.items())
    if dataset == "equipment":
        return list(parsed.equipment.items())
    if dataset == "srac":
        srac = parsed.srac
        figures = [
            (f"{code}.{table}.{cat}", fig)
            for code, party in srac.parties.items()
            for table, figs in (("ceilings", party.ceilings), ("holdings", party.holdings))
            for cat, fig in figs.items()
        ]
        return [("srac", srac), *figures]
    return []


@pytest.mark.parametrize("dataset", [d for d in DATASETS if d != "iso3166"])
def test_no_record_lacks_sources_or_as_of_and_every_source_is_in_its_table(dataset: str) -> None:
    parsed = _files()[dataset]
    table = set(parsed.sources)
    entries = _entries(dataset, parsed)
    assert entries
    for key, entry in entries:
        assert entry.sources, (dataset, key)
        assert isinstance(entry.as_of, dt.date), (dataset, key)
        assert set(entry.sources) <= table, (dataset, key, set(entry.sources) - table)


def test_the_readme_override_example_loads(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    example = readme.split("# my-data/dyads.yaml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "dyads.yaml").write_text(example, "utf-8")
    calmer = load_reference(tmp_path).dyad("RS", "XK")
    assert calmer is not None
    assert (calmer.acuteness, calmer.basis[:2]) == ("low", "L1")


def test_the_json_mirror_of_the_bundled_data_is_current_and_equal_to_the_yaml() -> None:
    """The YAML is the source; the mirror only saves parsing it at every start.

    After editing a bundled YAML file, run ``python -m policycheck.reference``.
    """
    from policycheck.reference import _FILE_MODELS, MIRROR, _bundled_text, _mirror, mirror_text

    shipped = (Path(__file__).parents[1] / "src" / "policycheck" / "reference" / MIRROR).read_text(
        "utf-8"
    )
    assert shipped == mirror_text(), "run: python -m policycheck.reference"
    mirror = _mirror()
    for dataset in DATASETS:
        text = _bundled_text(dataset)
        from_yaml = _FILE_MODELS[dataset].model_validate(
            load_yaml_text(text, f"<bundled>/reference/{dataset}.yaml").data
        )
        assert _FILE_MODELS[dataset].model_validate(mirror[dataset]["data"]) == from_yaml


def test_a_mirror_that_does_not_match_its_yaml_is_ignored() -> None:
    """A stale entry (another hash) is never used: the YAML is read instead."""
    from policycheck.reference import DyadsFile, _bundled, _bundled_text

    text = _bundled_text("dyads")
    stale = {"dyads": {"sha256": "0" * 64, "data": {"not": "a dataset"}}}
    parsed = _bundled("dyads", text, "1" * 64, stale)
    assert isinstance(parsed, DyadsFile)
    assert parsed.dataset == "dyads"
    assert parsed.dyads
