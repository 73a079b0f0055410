"""The proposal schema: what it refuses, where it says so, and how claims are read."""

from __future__ import annotations

import textwrap

import pytest

from policycheck import Assessor
from policycheck.checks.base import INSUFFICIENT, claim_level
from policycheck.errors import InputError, Problem
from policycheck.loading import load_yaml_text
from policycheck.model import Claim, Proposal, parse_proposal
from tests.conftest import MINIMAL, assess_yaml

ORIGIN = "test.yaml"


def problems(assessor: Assessor, text: str) -> list[str]:
    """Every problem ``text`` has, as ``file:line:column: message``."""
    with pytest.raises(InputError) as info:
        assess_yaml(assessor, text, ORIGIN)
    return [str(p) for p in info.value.problems]


def parse(assessor: Assessor, text: str) -> Proposal:
    doc = load_yaml_text(textwrap.dedent(text), ORIGIN)
    return parse_proposal(doc, assessor._context)


def with_participants(participants: str) -> str:
    return MINIMAL.replace("participants: [AL]", f"participants: {participants}")


# --- unknown keys -------------------------------------------------------------


def test_unknown_nested_key_suggests_the_field(assessor: Assessor) -> None:
    assert problems(assessor, MINIMAL + "safeguards: {human_secuirty: true}\n") == [
        "test.yaml:6:14: unknown key 'safeguards.human_secuirty'; did you mean 'human_security'?"
    ]


def test_unknown_key_in_block_style_is_located_at_the_key(assessor: Assessor) -> None:
    text = MINIMAL + "safeguards:\n  local_consultation: true\n  human_secuirty: true\n"
    assert problems(assessor, text) == [
        "test.yaml:8:3: unknown key 'safeguards.human_secuirty'; did you mean 'human_security'?"
    ]


def test_unknown_top_level_key(assessor: Assessor) -> None:
    assert problems(assessor, MINIMAL + "horizon_yeras: 10\n") == [
        "test.yaml:6:1: unknown key 'horizon_yeras'; did you mean 'horizon_years'?"
    ]


def test_unknown_key_without_a_close_match_has_no_hint(assessor: Assessor) -> None:
    assert problems(assessor, MINIMAL + "zzzzzz: 1\n") == ["test.yaml:6:1: unknown key 'zzzzzz'"]


def test_unknown_key_in_a_list_item(assessor: Assessor) -> None:
    text = MINIMAL + "equipment:\n  - system: Bayraktar TB2\n    category: armed-drone\n"
    text += "    recipient: AL\n    quantiy: 3\n"
    assert problems(assessor, text) == [
        "test.yaml:10:5: unknown key 'equipment.0.quantiy'; did you mean 'quantity'?"
    ]


def test_unknown_key_inside_a_claim(assessor: Assessor) -> None:
    text = MINIMAL + "safeguards:\n  human_security:\n    statment: Article 4\n"
    assert problems(assessor, text) == [
        "test.yaml:8:5: unknown key 'safeguards.human_security.statment'; did you mean 'statement'?"
    ]


def test_unknown_key_in_reporting(assessor: Assessor) -> None:
    text = MINIMAL + "transparency:\n  reporting:\n    cadence: annual\n    audiense: [public]\n"
    assert problems(assessor, text) == [
        "test.yaml:9:5: unknown key 'transparency.reporting.audiense'; did you mean 'audience'?"
    ]


# --- missing keys -------------------------------------------------------------


def test_missing_schema_version_has_a_hint(assessor: Assessor) -> None:
    text = MINIMAL.replace("schema_version: 1\n", "")
    assert problems(assessor, text) == [
        "test.yaml:1:1: missing required key 'schema_version' (add 'schema_version: 1')"
    ]


def test_every_missing_key_is_reported(assessor: Assessor) -> None:
    assert problems(assessor, "schema_version: 1\nid: test\n") == [
        "test.yaml:1:1: missing required key 'participants'",
        "test.yaml:1:1: missing required key 'status'",
        "test.yaml:1:1: missing required key 'title'",
    ]


def test_missing_key_in_a_list_item_is_located_at_the_item(assessor: Assessor) -> None:
    text = MINIMAL + "equipment:\n  - system: M-84\n    category: battle-tank\n"
    assert problems(assessor, text) == [
        "test.yaml:7:5: missing required key 'equipment.0.recipient'"
    ]


def test_wrong_schema_version(assessor: Assessor) -> None:
    text = MINIMAL.replace("schema_version: 1", "schema_version: 2")
    assert problems(assessor, text) == [
        "test.yaml:1:17: schema_version: unsupported format version 2: write 'schema_version: 1'"
    ]


# --- wrong types --------------------------------------------------------------


def test_horizon_years_not_a_number(assessor: Assessor) -> None:
    assert problems(assessor, MINIMAL + "horizon_years: soon\n") == [
        "test.yaml:6:16: horizon_years: Input should be a valid integer"
    ]


def test_horizon_years_out_of_range(assessor: Assessor) -> None:
    assert problems(assessor, MINIMAL + "horizon_years: 150\n") == [
        "test.yaml:6:16: horizon_years: Input should be less than or equal to 100"
    ]


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("horizon_years: true", "horizon_years"),
        (
            "equipment: [{system: x, category: missile, recipient: AL, quantity: true}]",
            "equipment.0.quantity",
        ),
    ],
)
def test_boolean_is_not_a_number(assessor: Assessor, line: str, field: str) -> None:
    # YAML 1.2 reads ``true`` as a boolean; a boolean is no count of years or items
    # (it must not become 1).
    [problem] = problems(assessor, MINIMAL + line + "\n")
    column = line.index("true") + 1
    assert problem.startswith(f"test.yaml:6:{column}: {field}: ")
    assert "integer" in problem


def test_boolean_is_not_a_schema_version(assessor: Assessor) -> None:
    text = MINIMAL.replace("schema_version: 1", "schema_version: true")
    assert problems(assessor, text) == [
        "test.yaml:1:17: schema_version: unsupported format version True: write 'schema_version: 1'"
    ]


def test_participants_as_a_string(assessor: Assessor) -> None:
    assert problems(assessor, with_participants("AL")) == [
        "test.yaml:5:15: participants: expected a list"
    ]


def test_status_not_in_the_list(assessor: Assessor) -> None:
    text = MINIMAL.replace("status: proposed", "status: maybe")
    assert problems(assessor, text) == [
        "test.yaml:4:9: status: Input should be 'idea', 'proposed', 'negotiating', 'signed', "
        "'in-force', 'suspended' or 'ended'"
    ]


def test_id_pattern(assessor: Assessor) -> None:
    text = MINIMAL.replace("id: test", "id: Tirana Declaration")
    assert problems(assessor, text) == [
        "test.yaml:2:5: id: String should match pattern '^[a-z0-9][a-z0-9._-]*$'"
    ]


def test_negative_quantity(assessor: Assessor) -> None:
    text = MINIMAL + "equipment:\n  - {system: x, category: missile, recipient: AL, quantity: -1}\n"
    assert problems(assessor, text) == [
        "test.yaml:7:61: equipment.0.quantity: Input should be greater than or equal to 0"
    ]


def test_claim_of_the_wrong_type(assessor: Assessor) -> None:
    # A collection under a key is located at the key.
    assert problems(assessor, MINIMAL + "safeguards:\n  human_security: [a, b]\n") == [
        "test.yaml:7:3: safeguards.human_security: "
        "expected a mapping of keys to values (or the short form: true, false or a sentence)"
    ]


def test_unknown_activity(assessor: Assessor) -> None:
    [problem] = problems(assessor, MINIMAL + "activities: [training, exercises]\n")
    assert problem == (
        "test.yaml:6:24: activities.1: unknown value 'exercises'; did you mean 'joint-exercises'?"
    )


# --- countries ----------------------------------------------------------------


def test_unknown_country_code(assessor: Assessor) -> None:
    assert problems(assessor, with_participants("[AL, ZZ]")) == [
        "test.yaml:5:20: participants.1.country: unknown country code 'ZZ' "
        "(ISO 3166-1 alpha-2; XK for Kosovo, EU for the Union)"
    ]


def test_lowercase_country_code(assessor: Assessor) -> None:
    assert problems(assessor, with_participants("[AL, xk]")) == [
        "test.yaml:5:20: participants.1.country: country codes are upper case: write 'XK'"
    ]


def test_country_name_instead_of_code(assessor: Assessor) -> None:
    text = with_participants("\n  - AL\n  - country: Serbia\n    role: observer")
    assert problems(assessor, text) == [
        "test.yaml:7:14: participants.1.country: use the ISO 3166 code 'RS' for 'Serbia'"
    ]


def test_country_name_is_matched_regardless_of_case(assessor: Assessor) -> None:
    assert problems(assessor, MINIMAL + "lead: albania\n") == [
        "test.yaml:6:7: lead: use the ISO 3166 code 'AL' for 'albania'"
    ]


def test_lowercase_supplier_code(assessor: Assessor) -> None:
    text = MINIMAL + "equipment:\n  - {system: x, category: missile, recipient: AL, supplier: fr}\n"
    assert problems(assessor, text) == [
        "test.yaml:7:61: equipment.0.supplier: country codes are upper case: write 'FR'"
    ]


def test_external_actor_country_name(assessor: Assessor) -> None:
    text = MINIMAL + "external_actors:\n  - country: China\n    involvement: investor\n"
    assert problems(assessor, text) == [
        "test.yaml:7:14: external_actors.0.country: use the ISO 3166 code 'CN' for 'China'"
    ]


def test_single_bad_participant_gives_one_problem(assessor: Assessor) -> None:
    # One participant, misspelt: one problem. (Not also "Tuple should have at
    # least 1 item after validation, not 0": the file does list a participant.)
    assert problems(assessor, with_participants("[Serbia]")) == [
        "test.yaml:5:16: participants.0.country: use the ISO 3166 code 'RS' for 'Serbia'"
    ]


def test_empty_participants(assessor: Assessor) -> None:
    assert problems(assessor, with_participants("[]")) == [
        "test.yaml:5:1: participants: needs at least one item"
    ]


def test_norway_and_kosovo_are_known(assessor: Assessor) -> None:
    proposal = parse(assessor, with_participants("[AL, XK, NO, EU]"))
    assert proposal.countries == ("AL", "XK", "NO", "EU")


# --- reference ids ------------------------------------------------------------


def test_unknown_format_suggests_the_closest(assessor: Assessor) -> None:
    assert problems(assessor, MINIMAL + "regional:\n  formats: [berlin-proces]\n") == [
        "test.yaml:7:13: regional.formats.0.format: unknown format 'berlin-proces'; "
        "did you mean 'berlin-process'?"
    ]


def test_unknown_format_in_mapping_form(assessor: Assessor) -> None:
    text = MINIMAL + "regional:\n  formats:\n    - format: racviak\n      how: seminars\n"
    assert problems(assessor, text) == [
        "test.yaml:8:15: regional.formats.0.format: unknown format 'racviak'; "
        "did you mean 'racviac'?"
    ]


def test_unknown_format_without_a_close_match_lists_the_known(assessor: Assessor) -> None:
    assert problems(assessor, MINIMAL + "regional:\n  formats: [zzz]\n") == [
        "test.yaml:7:13: regional.formats.0.format: unknown format 'zzz'; known: "
        "belgrade-pristina-dialogue, berlin-process, racviac, sedm, "
        "srac-consultative-commission, us-adriatic-charter"
    ]


def test_unknown_instrument_suggests_the_closest(assessor: Assessor) -> None:
    assert problems(assessor, MINIMAL + "instruments: [sdp, pesko]\n") == [
        "test.yaml:6:20: instruments.1: unknown instrument 'pesko'; did you mean 'pesco'?"
    ]


def test_known_format_and_instrument_ids(assessor: Assessor) -> None:
    text = MINIMAL + "instruments: [pesco, epf]\nregional:\n  formats: [racviac, berlin-process]\n"
    proposal = parse(assessor, text)
    assert proposal.instruments == ("pesco", "epf")
    assert proposal.regional.formats is not None
    assert [link.format for link in proposal.regional.formats] == ["racviac", "berlin-process"]


# --- claims -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "provided", "statement", "evidence", "level"),
    [
        ("true", True, None, (), "asserted"),
        ("false", False, None, (), "absent"),
        (
            "A human-security clause in article 4",
            True,
            "A human-security clause in article 4",
            (),
            "asserted",
        ),
        ("{statement: Article 4, evidence: Art. 4}", True, "Article 4", ("Art. 4",), "evidenced"),
        (
            "{statement: Article 4, evidence: [Art. 4, 'https://example.org/text']}",
            True,
            "Article 4",
            ("Art. 4", "https://example.org/text"),
            "evidenced",
        ),
        ("{evidence: Art. 4}", True, None, ("Art. 4",), "evidenced"),
        ("{statement: Article 4}", True, "Article 4", (), "asserted"),
        ("{provided: false, evidence: Art. 4}", False, None, ("Art. 4",), "absent"),
        ("{statement: '  padded  ', evidence: []}", True, "padded", (), "asserted"),
    ],
)
def test_claim_shorthands(
    assessor: Assessor,
    written: str,
    provided: bool,
    statement: str | None,
    evidence: tuple[str, ...],
    level: str,
) -> None:
    proposal = parse(assessor, MINIMAL + f"safeguards:\n  human_security: {written}\n")
    claim = proposal.safeguards.human_security
    assert claim == Claim(provided=provided, statement=statement, evidence=evidence)
    assert claim_level(claim) == level
    assert claim.evidenced is (level == "evidenced")


@pytest.mark.parametrize("word", ["no", "NO", "off"])
def test_a_claim_written_no_is_not_an_assertion(assessor: Assessor, word: str) -> None:
    # In YAML 1.2 ``no`` is a string, and a string claim is an asserted sentence:
    # "human_security: no" must not earn the points of a claimed clause. It
    # should read as absent, or be refused where it stands with a hint.
    text = MINIMAL + f"safeguards:\n  human_security: {word}\n"
    try:
        proposal = parse(assessor, text)
    except InputError as exc:
        [problem] = exc.problems
        assert (problem.line, problem.column) == (7, 19)
        assert "false" in problem.message
    else:
        assert claim_level(proposal.safeguards.human_security) == "absent"


def test_missing_claim_is_insufficient_information(assessor: Assessor) -> None:
    proposal = parse(assessor, MINIMAL)
    assert proposal.safeguards.human_security is None
    assert claim_level(proposal.safeguards.human_security) == INSUFFICIENT


def test_claim_level_is_the_indicator_level(assessor: Assessor) -> None:
    text = MINIMAL.replace("participants: [AL]\n", "") + (
        "lead: EU\n"
        "participants: [{country: EU, role: lead}, AL]\n"
        "activities: [training, infrastructure]\n"
        "safeguards:\n"
        "  human_security: {statement: Article 4, evidence: Art. 4}\n"
        "  democratic_conditionality: true\n"
        "  local_consultation: false\n"
    )
    result = assess_yaml(assessor, text)
    levels = {i.check_id: i.level for c in result.criteria for i in c.indicators}
    assert levels["NS01"] == "evidenced"
    assert levels["NS02"] == "asserted"
    assert levels["NS03"] == "absent"
    assert levels["NS04"] == INSUFFICIENT


# --- every problem at once ----------------------------------------------------


def test_every_problem_is_reported_sorted_by_line(assessor: Assessor) -> None:
    text = """\
        schema_version: 1
        id: test
        title: Test initiative
        status: maybe
        participants: [AL, ZZ]
        horizon_years: soon
        safeguards:
          human_secuirty: true
        """
    with pytest.raises(InputError) as info:
        assess_yaml(assessor, text)
    found = info.value.problems
    assert len(found) == 4
    assert [(p.line, p.column) for p in found] == [(4, 9), (5, 20), (6, 16), (8, 3)]
    assert found == sorted(found)
    assert found[0].message.startswith("status: Input should be 'idea'")
    assert found[1].message.startswith("participants.1.country: unknown country code 'ZZ'")
    assert found[2] == Problem(
        ORIGIN,
        6,
        16,
        "horizon_years: Input should be a valid integer",
    )
    assert found[3] == Problem(
        ORIGIN, 8, 3, "unknown key 'safeguards.human_secuirty'; did you mean 'human_security'?"
    )


def test_loader_and_schema_problems_are_reported_together(assessor: Assessor) -> None:
    text = MINIMAL + "status: idea\nhorizon_years: soon\n"
    assert problems(assessor, text) == [
        "test.yaml:6:1: duplicate key 'status' (first defined on line 4)",
        "test.yaml:7:16: horizon_years: Input should be a valid integer",
    ]


def test_schema_echo_of_a_loader_problem_is_dropped(assessor: Assessor) -> None:
    # The refused tag leaves no title; "title: Input should be a valid string" at
    # the same place would only repeat it.
    text = MINIMAL.replace("title: Test initiative", "title: !!binary aGVsbG8=")
    assert problems(assessor, text) == [
        "test.yaml:3:8: YAML tag '!!binary' is not allowed: tags cannot construct objects"
    ]


def test_a_syntax_error_stops_before_the_schema(assessor: Assessor) -> None:
    text = MINIMAL + "horizon_years: soon\nthreats: [cyber\n"
    assert problems(assessor, text) == [
        "test.yaml:8:1: invalid YAML: did not find expected ',' or ']'"
    ]


def test_parse_proposal_without_context_accepts_any_two_letter_code() -> None:
    doc = load_yaml_text(with_participants("[ZZ]"), ORIGIN)
    proposal = parse_proposal(doc)
    assert proposal.countries == ("ZZ",)


@pytest.mark.parametrize(
    ("claim", "message"),
    [
        ('{evidence: ""}', "evidence cannot be blank"),
        ('{statement: x, evidence: ["  "]}', "evidence cannot be blank"),
        ("{}", "an empty claim"),
    ],
)
def test_blank_evidence_and_empty_claims_are_refused(
    assessor: Assessor, claim: str, message: str
) -> None:
    with pytest.raises(InputError) as info:
        assess_yaml(assessor, MINIMAL + f"safeguards:\n  human_security: {claim}\n")
    [problem] = info.value.problems
    assert (problem.line, message in problem.message) == (7, True)
