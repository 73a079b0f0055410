"""Property tests: the loader and the assessor on generated input.

(a) Whatever text or bytes come in, the loader and the whole assessor raise
nothing but ``InputError``, and every problem has a real 1-based location.
(b) For generated valid proposals, scores stay in [0, 100], grades follow the
rubric's bands and caps, results are deterministic, and adding evidence to a
claim never lowers a score.
"""

from __future__ import annotations

import copy
import enum
import io
import json
import tempfile
import typing
from pathlib import Path
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from policycheck import Assessment, Assessor
from policycheck.errors import InputError
from policycheck.loading import (
    Document,
    document_of_record,
    document_record,
    iter_paths,
    load_yaml_bytes,
    load_yaml_text,
)
from policycheck.model import (
    Activity,
    Audience,
    Cadence,
    Claim,
    EquipmentCategory,
    Involvement,
    Proposal,
    Role,
    Status,
    Threat,
)
from policycheck.render.json import render
from policycheck.rubric import GRADES

ORIGIN = "generated.yaml"

#: The loader and assessor on arbitrary input: 2.5 times the profile's examples (250 in the
#: full run); the scorer's properties: the profile's own (100 in the full run). The profiles
#: are set in ``tests/conftest.py``.
FUZZ = settings(max_examples=settings().max_examples * 5 // 2)
SCORER = settings(max_examples=settings().max_examples)


# --- (a) arbitrary YAML -------------------------------------------------------

ODD_SCALARS = [
    "NO",
    "no",
    "No",
    "yes",
    "Yes",
    "on",
    "off",
    "y",
    "~",
    "null",
    "Null",
    "true",
    "False",
    "TRUE",
    "0x1F",
    "0X1f",
    "0o17",
    "0o",
    "012",
    "0b101",
    "-0",
    "+12",
    "1_000",
    "1__000",
    "1_.5",
    "._5",
    "1e400",
    "-1e400",
    "1e-400",
    ".nan",
    ".NaN",
    ".inf",
    "-.Inf",
    "+.INF",
    "0.",
    ".5",
    "9" * 40,
    "0x" + "f" * 40,
    "2024-01-01",
    "2025-13-45",
    "2001-12-14t21:59:43.10-05:00",
    "1:20",
    "190:20:30",
    "XK",
    "xk",
    "EU",
    "Serbia",
    "ZZ",
    "''",
    '""',
    "'it''s'",
    '"tab\\there"',
    '"\\u00e9t\\u00e9"',
    '"\\ud800"',
    '"\\x00"',
    "Tiranë",
    "Београд",
    "🤝",
    "@at",
    "`tick`",
    "%percent",
    "!bang",
    "!!str 12",
    "!!int 12",
    "!!int twelve",
    "!!float 1.5",
    "!!float soon",
    "!!bool maybe",
    "!!null x",
    "!!binary aGk=",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!!python/object:os.system {}",
    "!!python/name:os.system ''",
    "!foo bar",
    "!<tag:yaml.org,2002:str> verbatim",
    "&orphan x",
    "*undefined",
    "|",
    ">",
    "|-",
    "a: b",
    "a #comment",
    "#comment",
    "- item",
    "? key",
    "[a, b",
    "{a: b}",
    "<<",
    "=",
    "...",
    "---",
    "\t",
    "\u2028",
    "\ufeff",
]

_READABLE = st.characters(exclude_categories=("Cs", "Cc"))
_ODD_CHARS = list("abcXYZ019 -_.,:#&*!|>%@'\"?[]{}é🤝\\\t")
_PLAIN = st.text(alphabet=st.sampled_from(_ODD_CHARS), max_size=12)
_NUMBERISH = st.from_regex(
    r"\A[-+]?(0[xXo])?[0-9a-f_]{0,4}\.?[0-9_]{0,3}([eE][-+]?[0-9_]{1,3})?\Z", fullmatch=True
)


def _single_quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


SCALAR_TEXT = st.one_of(
    st.sampled_from(ODD_SCALARS),
    _NUMBERISH,
    _PLAIN,
    _PLAIN.map(_single_quoted),
    st.text(_READABLE, max_size=10).map(lambda t: json.dumps(t, ensure_ascii=False)),
    st.text(st.characters(max_codepoint=0xFFFF, exclude_categories=["Cs"]), max_size=6).map(
        json.dumps
    ),
    st.integers().map(str),
    st.floats().map(repr),
)
KEY_TEXT = st.one_of(
    st.sampled_from(
        ["id", "title", "participants", "safeguards", "country", "NO", "yes", "1", "~", "<<"]
    ),
    st.from_regex(r"\A[a-z_]{1,8}\Z", fullmatch=True),
    SCALAR_TEXT,
    st.just("[a, b]"),
    st.just("{k: v}"),
)
ANCHOR = st.sampled_from([False, False, False, True])

# Nodes: ("scalar", text, anchor) | ("alias", n) | ("seq", items, flow, anchor) |
# ("map", [(key, node)], flow, anchor); an alias refers to the n-th anchor
# defined before it (modulo their number), and is a plain "x" when none is.
LEAF = st.one_of(
    st.tuples(st.just("scalar"), SCALAR_TEXT, ANCHOR),
    st.tuples(st.just("scalar"), SCALAR_TEXT, ANCHOR),
    st.tuples(st.just("scalar"), SCALAR_TEXT, ANCHOR),
    st.tuples(st.just("alias"), st.integers(0, 3)),
)


def _collections(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.tuples(st.just("seq"), st.lists(children, max_size=4), st.booleans(), ANCHOR),
        st.tuples(
            st.just("map"),
            st.lists(st.tuples(KEY_TEXT, children), max_size=4),
            st.booleans(),
            ANCHOR,
        ),
    )


NODE = st.recursive(LEAF, _collections, max_leaves=16)


class Renderer:
    """Writes a node tree as YAML text, flow or block style, with anchors and aliases.

    An anchor is defined once its node is written (so aliases do not recurse;
    recursive aliases have their own tests).
    """

    def __init__(self) -> None:
        self.anchors: list[str] = []
        self.count = 0

    def anchor(self, node: Any) -> str:
        if not node[-1]:
            return ""
        self.count += 1
        return f"&a{self.count}"

    def defined(self, name: str) -> None:
        if name:
            self.anchors.append(name[1:])

    def alias(self, n: int) -> str:
        return f"*{self.anchors[n % len(self.anchors)]}" if self.anchors else "x"

    def flow(self, node: Any) -> str:
        kind = node[0]
        if kind == "alias":
            return self.alias(node[1])
        name = self.anchor(node)
        prefix = name + " " if name else ""
        text: str
        if kind == "scalar":
            text = prefix + str(node[1])
        elif kind == "seq":
            text = prefix + "[" + ", ".join(self.flow(c) for c in node[1]) + "]"
        else:
            items = ", ".join(f"{key}: {self.flow(value)}" for key, value in node[1])
            text = prefix + "{" + items + "}"
        self.defined(name)
        return text

    def value(self, node: Any, indent: int) -> str:
        """The text after ``key:`` or ``-``: inline, or a block on the following lines."""
        if not _is_block(node):
            return " " + self.flow(node) + "\n"
        name = self.anchor(node)
        text = (" " + name if name else "") + "\n" + self.block(node, indent)
        self.defined(name)
        return text

    def block(self, node: Any, indent: int) -> str:
        pad = " " * indent
        if node[0] == "seq":
            return "".join(pad + "-" + self.value(item, indent + 2) for item in node[1])
        return "".join(pad + key + ":" + self.value(value, indent + 2) for key, value in node[1])

    def document(self, node: Any) -> str:
        if _is_block(node):
            name = self.anchor(node)
            return (name + "\n" if name else "") + self.block(node, 0)
        return self.flow(node) + "\n"


def _is_block(node: Any) -> bool:
    return node[0] in ("seq", "map") and not node[2] and bool(node[1])


def render_document(node: Any) -> str:
    return Renderer().document(node)


def check_problems(exc: InputError, text: str | None = None) -> None:
    """Every problem is located at a real line and column of the file."""
    assert exc.problems, "an InputError with no problem"
    lines = len(text.splitlines()) + 1 if text is not None else None
    for problem in exc.problems:
        assert problem.file == ORIGIN
        assert problem.line >= 1, problem
        assert problem.column >= 1, problem
        assert problem.message, problem
        if lines is not None:
            assert problem.line <= lines, (problem, lines)


def check_document(doc: Document, text: str) -> None:
    """Every path of a loaded document has a position inside the file."""
    lines = len(text.splitlines()) + 1
    for path in iter_paths(doc.data):
        line, column = doc.position(path)
        assert 1 <= line <= lines, (path, line)
        assert column >= 1, (path, column)


def load_text(text: str) -> Document | None:
    try:
        doc = load_yaml_text(text, ORIGIN)
    except InputError as exc:
        check_problems(exc, text)
        return None
    check_document(doc, text)
    return doc


@FUZZ
@given(NODE)
def test_generated_yaml_only_raises_input_error(node: Any) -> None:
    text = render_document(node)
    load_text(text)
    try:
        doc = load_yaml_bytes(text.encode("utf-8", "surrogatepass"), ORIGIN)
    except InputError as exc:
        check_problems(exc, text)
    else:
        check_document(doc, text)


@given(NODE)
def test_a_document_kept_as_json_comes_back_the_same_or_is_refused(node: Any) -> None:
    """What a mirror of bundled YAML holds (``rubric.MIRROR``): the document exactly, or
    ``document_record`` refuses it."""
    doc = load_text(render_document(node))
    if doc is None:
        return
    try:
        record = document_record(doc)
    except ValueError:
        return
    assert document_of_record(ORIGIN, json.loads(json.dumps(record))) == doc


@FUZZ
@given(st.text(max_size=200))
def test_arbitrary_text_only_raises_input_error(text: str) -> None:
    load_text(text)


@FUZZ
@given(st.text(alphabet=st.sampled_from(list("ab:-?[]{},&*!|>'\"#% \n\t~.0")), max_size=80))
def test_yaml_punctuation_soup_only_raises_input_error(text: str) -> None:
    load_text(text)


@FUZZ
@given(st.binary(max_size=200))
def test_arbitrary_bytes_only_raise_input_error(raw: bytes) -> None:
    text = raw.decode("utf-8-sig", errors="replace")
    try:
        doc = load_yaml_bytes(raw, ORIGIN)
    except InputError as exc:
        check_problems(exc, text)
    else:
        check_document(doc, text)


def assess_or_problems(assessor: Assessor, raw: bytes) -> Assessment | None:
    try:
        result = assessor.assess_bytes(raw, ORIGIN)
    except InputError as exc:
        check_problems(exc, raw.decode("utf-8-sig", errors="replace"))
        return None
    assert 0 <= result.score <= 100
    assert result.grade in GRADES
    return result


def _scalar(text: str) -> Any:
    return ("scalar", text, False)


def _seq(items: list[Any]) -> Any:
    return ("seq", items, False, False)


def _map(items: list[tuple[str, Any]]) -> Any:
    return ("map", items, False, False)


def _pick(*texts: str) -> st.SearchStrategy[Any]:
    return st.sampled_from(texts).map(_scalar)


def _seq_of(item: st.SearchStrategy[Any], min_size: int = 0) -> st.SearchStrategy[Any]:
    return st.lists(item, min_size=min_size, max_size=4).map(_seq)


def _map_of(
    fields: dict[str, st.SearchStrategy[Any]], required: tuple[str, ...] = ()
) -> st.SearchStrategy[Any]:
    """A mapping of the ``required`` fields and some others (each key at most once)."""
    optional = sorted(set(fields) - set(required))
    return st.tuples(
        st.tuples(*(st.tuples(st.just(k), fields[k]) for k in required)),
        st.lists(
            st.sampled_from(optional).flatmap(lambda k: st.tuples(st.just(k), fields[k])),
            max_size=len(optional),
            unique_by=lambda kv: kv[0],
        ),
    ).map(lambda parts: _map([*parts[0], *parts[1]]))


ODD_VALUE = st.one_of(st.sampled_from(ODD_SCALARS).map(_scalar), NODE)


def _mostly(specific: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Usually the field-specific value; sometimes anything at all."""
    return st.one_of(specific, specific, specific, specific, specific, ODD_VALUE)


COUNTRY = _pick("AL", "BA", "RS", "XK", "NO", "no", "xk", "Serbia", "ZZ", "EU", "~", "0x1F", "ALB")
NUMBER = _pick(
    "10",
    "0",
    "100",
    "101",
    "-1",
    "0x0A",
    "012",
    "0o12",
    "1_000",
    "10.0",
    "10.5",
    "1e400",
    ".nan",
    "-.inf",
    "soon",
    "NO",
    "true",
    "~",
    "9" * 40,
    "0x" + "f" * 40,
)
EVIDENCE_NODE = st.one_of(_pick("Art. 4", "[]", "~", "1e400", "NO"), _seq_of(_pick("Art. 4", "1")))
CLAIM_NODE = _mostly(
    st.one_of(
        _pick("true", "false", "no", "yes", "A clause", "~", "1", ".nan", "''"),
        _map_of(
            {
                "statement": _pick("Clause", "NO", "~", "1"),
                "evidence": EVIDENCE_NODE,
                "provided": _pick("true", "false", "yes", "1"),
            }
        ),
    )
)


def _claims(*names: str) -> st.SearchStrategy[Any]:
    return _map_of(dict.fromkeys(names, CLAIM_NODE))


FIELD_NODE: dict[str, st.SearchStrategy[Any]] = {
    "schema_version": _pick("1", "0x1", "0o1", "01", "1.0", "true", "'1'", "2"),
    "id": _pick("generated", "a.b-c_1", "'NO'", "no", "Tirana", "0x1F", "~", "-x"),
    "title": st.one_of(_pick("Title", "NO", "''", "~"), SCALAR_TEXT.map(_scalar)),
    "summary": SCALAR_TEXT.map(_scalar),
    "status": _pick("proposed", "in-force", "maybe", "NO", "~", "Proposed", "1"),
    "date": _pick("2025-03-18", "2025-13-45", "'2025-03-18'", "2025-03-18T10:00:00Z", "1e400", "0"),
    "sources": _seq_of(
        _map_of(
            {
                "title": _pick("A source", "~"),
                "url": _pick("https://x.org"),
                "date": _pick("2025-01-01", "soon"),
            },
            required=("title",),
        )
    ),
    "lead": COUNTRY,
    "participants": _seq_of(
        st.one_of(
            COUNTRY,
            _map_of(
                {
                    "country": COUNTRY,
                    "role": _pick("lead", "observer", "boss", "~"),
                    "note": _pick("n"),
                },
                required=("country",),
            ),
        ),
        min_size=1,
    ),
    "instruments": _seq_of(_pick("pesco", "pesko", "epf", "NO", "~")),
    "activities": _seq_of(_pick("training", "joint-exercises", "raw-materials", "exercises", "~")),
    "threats": _seq_of(_pick("migration", "cyber", "hybrid", "NO", "~")),
    "equipment": _seq_of(
        _map_of(
            {
                "system": _pick("M-84", "NO", "~"),
                "category": _pick("battle-tank", "armed-drone", "artillery", "tank", "~"),
                "quantity": NUMBER,
                "recipient": COUNTRY,
                "supplier": COUNTRY,
                "evidence": EVIDENCE_NODE,
            },
            required=("system", "category", "recipient"),
        )
    ),
    "horizon_years": NUMBER,
    "safeguards": st.one_of(
        _claims("human_security", "democratic_conditionality", "local_consultation"),
        _claims("human_security", "human_secuirty"),
    ),
    "regional": _map_of(
        {
            "open_to_join": CLAIM_NODE,
            "coordination": CLAIM_NODE,
            "formats": _seq_of(
                st.one_of(
                    _pick("berlin-process", "berlin-proces", "racviac", "~"),
                    _map_of(
                        {"format": _pick("sedm", "zzz"), "evidence": EVIDENCE_NODE},
                        required=("format",),
                    ),
                )
            ),
        }
    ),
    "arms_control": _claims("srac_notification", "observers", "exercise_notification"),
    "transparency": _map_of(
        {
            "public_text": CLAIM_NODE,
            "reporting": _map_of(
                {
                    "cadence": _pick("annual", "yearly", "none", "~"),
                    "audience": _seq_of(_pick("public", "parliament", "press")),
                },
                required=("cadence",),
            ),
        }
    ),
    "external_actors": _seq_of(
        _map_of(
            {"country": COUNTRY, "involvement": _pick("supplier", "investor", "friend")},
            required=("country",),
        )
    ),
}
REQUIRED = ("schema_version", "id", "title", "status", "participants")
VALID = {
    "schema_version": _scalar("1"),
    "id": _scalar("generated"),
    "title": _scalar("Generated initiative"),
    "status": _scalar("proposed"),
    "participants": ("seq", [_scalar("AL"), _scalar("BA")], True, False),
}


@st.composite
def proposal_documents(draw: st.DrawFn) -> str:
    """A proposal mapping with some fields set to odd values or generated trees."""
    fields = dict(VALID)
    for key in draw(st.lists(st.sampled_from(sorted(FIELD_NODE)), max_size=5, unique=True)):
        fields[key] = draw(_mostly(FIELD_NODE[key]))
    if draw(st.integers(0, 19)) == 7:
        del fields[draw(st.sampled_from(REQUIRED))]
    items = list(fields.items())
    if draw(st.integers(0, 9)) == 7:
        items.append((draw(KEY_TEXT), draw(ODD_VALUE)))
    return render_document(("map", items, draw(st.booleans()), False))


@FUZZ
@given(proposal_documents())
def test_assessor_on_generated_proposals_only_raises_input_error(
    assessor: Assessor, text: str
) -> None:
    assess_or_problems(assessor, text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(NODE)
def test_assessor_on_generated_yaml_only_raises_input_error(assessor: Assessor, node: Any) -> None:
    text = render_document(node)
    assess_or_problems(assessor, text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(
    st.binary(max_size=200)
    | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass"))
)
def test_assessor_on_arbitrary_input_only_raises_input_error(
    assessor: Assessor, raw: bytes
) -> None:
    assess_or_problems(assessor, raw)


# --- (b) the scorer on valid proposals ----------------------------------------

CODES = ["AL", "BA", "ME", "MK", "RS", "XK", "HR", "HU", "DE", "FR", "TR", "RU", "CN", "EU"]


def _values(literal: Any) -> list[str]:
    return list(typing.get_args(literal))


def _claim_fields() -> list[tuple[str, str]]:
    """Every (section, field) of the proposal that holds a Claim."""
    found = []
    for section, info in Proposal.model_fields.items():
        model = info.annotation
        if not (isinstance(model, type) and hasattr(model, "model_fields")):
            continue
        for name, sub in model.model_fields.items():
            if Claim in typing.get_args(sub.annotation):
                found.append((section, name))
    return found


CLAIM_FIELDS = _claim_fields()
SENTENCES = st.sampled_from(
    # Not "yes"/"no": YAML 1.1 booleans are refused as claims (they are text in YAML 1.2).
    [
        "Article 4 sets this out.",
        "Planned.",
        "Agreed in principle",
        "NO 2",
        "A commitment: see annex #2",
    ]
)
EVIDENCE = st.one_of(
    st.sampled_from(["Art. 5", "https://example.org/text", "annex II"]),
    st.lists(st.sampled_from(["Art. 5", "https://example.org/text", "annex II"]), min_size=1),
)
ASSERTED = st.one_of(st.just(True), SENTENCES)
EVIDENCED = st.fixed_dictionaries({"statement": SENTENCES, "evidence": EVIDENCE})
CLAIM = st.one_of(st.none(), st.just(False), ASSERTED, EVIDENCED)

EQUIPMENT = st.fixed_dictionaries(
    {
        "system": st.sampled_from(["M-84", "Bayraktar TB2", "Rafale", "Nora B-52", "HQ-22"]),
        "category": st.sampled_from(_values(EquipmentCategory)),
        "recipient": st.sampled_from(CODES),
    },
    optional={
        "quantity": st.integers(0, 2000),
        "supplier": st.sampled_from(CODES),
        "evidence": st.lists(st.just("contract"), max_size=1),
    },
)


WESTERN_BALKANS = ["AL", "BA", "ME", "MK", "RS", "XK"]


@st.composite
def proposals(draw: st.DrawFn) -> dict[str, Any]:
    """A valid proposal as a dict. Half are "careful" (evidence, whole region,
    long horizon, public reporting), so that high grades and caps occur too."""
    careful = draw(st.booleans())
    codes = draw(st.lists(st.sampled_from(CODES), min_size=1, max_size=8, unique=True))
    if careful:
        codes = [*WESTERN_BALKANS, *(c for c in codes if c not in WESTERN_BALKANS)]
    participants = [
        draw(
            st.one_of(
                st.just(code),
                st.fixed_dictionaries(
                    {"country": st.just(code), "role": st.sampled_from(_values(Role))}
                ),
            )
        )
        for code in codes
    ]
    proposal: dict[str, Any] = {
        "schema_version": 1,
        "id": "generated",
        "title": "Generated initiative",
        "status": draw(st.sampled_from(_values(Status))),
        "participants": participants,
    }
    optional: dict[str, st.SearchStrategy[Any]] = {
        "lead": st.sampled_from(CODES),
        "instruments": st.lists(
            st.sampled_from(["pesco", "epf", "sdp", "safe", "nato", "bilateral-agreement"]),
            unique=True,
        ),
        "activities": st.lists(st.sampled_from(_values(Activity)), unique=True),
        "threats": st.lists(st.sampled_from(_values(Threat)), unique=True),
        "equipment": st.lists(EQUIPMENT, max_size=4),
        "horizon_years": st.integers(10, 100) if careful else st.integers(0, 100),
        "external_actors": st.lists(
            st.fixed_dictionaries(
                {
                    "country": st.sampled_from(["RU", "CN", "TR", "US", "AE"]),
                    "involvement": st.sampled_from(_values(Involvement)),
                }
            ),
            max_size=2,
            unique_by=lambda e: e["country"],
        ),
    }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            proposal[key] = draw(strategy)
    claims = EVIDENCED if careful else CLAIM
    for section, name in CLAIM_FIELDS:
        claim = draw(claims)
        if claim is not None:
            proposal.setdefault(section, {})[name] = claim
    if careful or draw(st.booleans()):
        links = draw(
            st.lists(
                st.one_of(
                    st.sampled_from(["berlin-process", "racviac", "sedm"]),
                    st.fixed_dictionaries(
                        {"format": st.sampled_from(["racviac", "sedm"]), "evidence": EVIDENCE}
                    ),
                ),
                max_size=2,
            )
        )
        proposal.setdefault("regional", {})["formats"] = links
    if careful or draw(st.booleans()):
        proposal.setdefault("transparency", {})["reporting"] = draw(
            st.fixed_dictionaries(
                {
                    "cadence": st.sampled_from(_values(Cadence)),
                    "audience": st.lists(st.sampled_from(_values(Audience)), unique=True),
                }
            )
        )
    return proposal


def dump(proposal: dict[str, Any], as_yaml: bool) -> bytes:
    if not as_yaml:
        return json.dumps(proposal, ensure_ascii=False).encode()
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    stream = io.StringIO()
    yaml.dump(proposal, stream)
    return stream.getvalue().encode()


def assess(assessor: Assessor, proposal: dict[str, Any], as_yaml: bool = False) -> Assessment:
    return assessor.assess_bytes(dump(proposal, as_yaml), ORIGIN)


def _worst(*grades: str) -> str:
    return max(grades, key=GRADES.index)


@SCORER
@given(proposals(), st.booleans())
def test_scores_stay_within_bounds(
    assessor: Assessor, proposal: dict[str, Any], as_yaml: bool
) -> None:
    result = assess(assessor, proposal, as_yaml)
    assert 0 <= result.score_low <= result.score <= result.score_high <= 100
    assert 0 <= result.coverage <= 1
    assert 0 <= result.cited <= 1
    assert any(c.low is not None for c in result.criteria), "every criterion was not applicable"
    scored = [c.score for c in result.criteria if c.score is not None]
    for criterion in result.criteria:
        if criterion.low is not None:
            assert criterion.high is not None
            assert abs(sum(i.share for i in criterion.indicators) - 1) < 1e-9
            assert criterion.low - 1e-9 <= criterion.high
        if criterion.score is None:
            assert all(i.points is None for i in criterion.indicators)
            continue
        assert 0 <= criterion.score <= 100 + 1e-9, criterion
        assert abs(sum(i.contribution for i in criterion.indicators) - criterion.score) < 1e-9
        for indicator in criterion.indicators:
            assert indicator.points is None or 0 <= indicator.points <= 100, indicator
    # A weighted mean lies between the smallest and the largest of its terms.
    if scored:
        assert min(scored) - 0.05 - 1e-9 <= result.score <= max(scored) + 0.05 + 1e-9
    # Nothing known: the range is the whole span the applicable levels allow.
    if result.coverage == 0:
        assert result.provisional


@SCORER
@given(proposals())
def test_grade_follows_the_bands_and_caps(assessor: Assessor, proposal: dict[str, Any]) -> None:
    rubric = assessor.loaded.rubric
    result = assess(assessor, proposal)
    assert result.grade in GRADES
    # A provisional grade is taken at the middle of the range; a firm one from the score.
    graded = (result.score_low + result.score_high) / 2 if result.provisional else result.score
    band = next(g for g in GRADES if round(graded, 1) >= rubric.grades[g])
    assert result.uncapped_grade == band
    caps = [rubric.caps[r.severity] for r in result.risks if r.severity in rubric.caps]
    assert result.grade == _worst(band, *caps)
    assert (result.cap is None) == (result.grade == band)
    if result.cap is not None:
        assert result.cap.max_grade == result.grade
        assert result.cap.risk_id in {r.id for r in result.risks}
    severities = {r.severity.value for r in result.risks}
    if "critical" in severities:
        assert result.grade in ("D", "F")
    if "high" in severities:
        assert result.grade != "A"


@SCORER
@given(proposals(), st.booleans())
def test_assessment_is_deterministic(
    assessor: Assessor, proposal: dict[str, Any], as_yaml: bool
) -> None:
    raw = dump(proposal, as_yaml)
    first = assessor.assess_bytes(raw, ORIGIN)
    second = assessor.assess_bytes(raw, ORIGIN)
    assert first == second
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ORIGIN
        path.write_bytes(raw)
        reports = [
            render(assessor.run([path], generated_at="2025-12-15T00:00:00Z", jobs=1))
            for _ in range(2)
        ]
    assert reports[0] == reports[1]
    assert json.loads(reports[0])["results"][0]["score"] == round(first.score, 2)


@SCORER
@given(proposals(), st.randoms(use_true_random=False))
def test_key_order_does_not_change_the_result(
    assessor: Assessor, proposal: dict[str, Any], rnd: Any
) -> None:
    keys = list(proposal)
    rnd.shuffle(keys)
    shuffled = {key: proposal[key] for key in keys}
    first, second = assess(assessor, proposal), assess(assessor, shuffled)
    assert first.score == second.score
    assert (first.grade, first.uncapped_grade) == (second.grade, second.uncapped_grade)
    assert [c.score for c in first.criteria] == [c.score for c in second.criteria]
    assert sorted((r.id, r.severity) for r in first.risks) == sorted(
        (r.id, r.severity) for r in second.risks
    )


@SCORER
@given(proposals(), st.sampled_from(CLAIM_FIELDS), ASSERTED, EVIDENCED)
def test_evidence_never_lowers_a_score(
    assessor: Assessor,
    proposal: dict[str, Any],
    field: tuple[str, str],
    asserted: Any,
    evidenced: dict[str, Any],
) -> None:
    section, name = field
    before = copy.deepcopy(proposal)
    before.setdefault(section, {})[name] = asserted
    after = copy.deepcopy(before)
    after[section][name] = evidenced
    low, high = assess(assessor, before), assess(assessor, after)
    for old, new in zip(low.criteria, high.criteria, strict=True):
        assert old.id == new.id
        assert (old.score is None) == (new.score is None)
        if old.score is not None and new.score is not None:
            assert new.score >= old.score, (section, name, old.id, old.score, new.score)
    assert high.score >= low.score
    assert GRADES.index(high.grade) <= GRADES.index(low.grade)
    assert {r.id for r in high.risks} <= {r.id for r in low.risks}


@SCORER
@given(proposals(), st.sampled_from(CLAIM_FIELDS), ASSERTED)
def test_asserting_a_safeguard_never_scores_below_denying_it(
    assessor: Assessor, proposal: dict[str, Any], field: tuple[str, str], asserted: Any
) -> None:
    section, name = field
    denied = copy.deepcopy(proposal)
    denied.setdefault(section, {})[name] = False
    claimed = copy.deepcopy(denied)
    claimed[section][name] = asserted
    low, high = assess(assessor, denied), assess(assessor, claimed)
    # The score is over what is known, so a new known value can move the mean either way;
    # what asserting can never do is lower what the proposal is guaranteed (the range's low
    # end), nor give an indicator fewer points than denying it.
    for old, new in zip(low.criteria, high.criteria, strict=True):
        if old.low is not None and new.low is not None:
            assert new.low >= old.low - 1e-9, (section, name, old.id, old.low, new.low)
        for a, b in zip(old.indicators, new.indicators, strict=True):
            if a.points is not None and b.points is not None:
                assert b.points >= a.points, (section, name, a.check_id, a.level, b.level)
    assert high.score_low >= low.score_low


def test_the_runs_hypothesis_profile_is_in_force() -> None:
    """Loaded where tests run (each worker, or the one process), as the run's depth asks."""
    from tests.conftest import FULL

    assert settings().max_examples == (100 if FULL else 10)
    assert settings().deadline is None


_IDS = st.sampled_from(["src-1", "src-2", "a", "a.b", "Art", "1", ""])


@given(
    st.lists(_IDS, max_size=4, unique=True),
    st.lists(
        st.one_of(_IDS, st.sampled_from([" ", ", ", ".", "src-10", "xsrc-1", "(", ")", "Art. 4"])),
        max_size=12,
    ),
)
def test_a_note_cites_the_sources_whose_ids_are_whole_tokens_of_it(
    ids: list[str], words: list[str]
) -> None:
    """The quick answer for a note that holds no source id is the tokens' answer."""
    from policycheck.assessment import _TOKEN, Citation, cited_sources

    note = "".join(words)
    sources = tuple(Citation(id=i, title=i) for i in ids)
    tokens = {t.rstrip(".") for t in _TOKEN.findall(note)}
    assert cited_sources(note, sources) == tuple(s for s in sources if s.id and s.id in tokens)


class _Word(enum.StrEnum):
    LOW = "low"
    HIGH = "hi\ufffegh"


class _Rank(enum.IntEnum):
    ONE = 1


#: Texts that XML refuses or JSON escapes, beside plain ones.
_TEXTS = st.text(alphabet=st.sampled_from('ab é\n\t"\\\x00\x1b\ufffe\ud800😀'), max_size=6)
_JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    _TEXTS,
    st.sampled_from([_Word.LOW, _Word.HIGH, _Rank.ONE]),
)
_JSON_VALUES = st.recursive(
    _JSON_LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        st.dictionaries(_TEXTS, inner, max_size=4),
        st.dictionaries(st.one_of(st.integers(), st.floats(), st.booleans()), inner, max_size=2),
    ),
    max_leaves=20,
)


#: Small values, each a fraction of a millisecond: 20 times the profile's examples.
@settings(max_examples=settings().max_examples * 20)
@given(_JSON_VALUES, st.integers(min_value=0, max_value=12))
def test_indented_json_is_the_standard_librarys_text_of_the_sanitised_value(
    value: Any, depth: int
) -> None:
    """SARIF's quick writer gives ``json.dumps(map_text(...), indent=2, sort_keys=True)``'s
    bytes for every JSON value, texts that XML refuses, enumerations and odd keys included."""
    from policycheck.render.indented import indented
    from policycheck.text import map_text, xml_text

    try:
        expected = json.dumps(
            map_text(value, xml_text), indent=2, sort_keys=True, ensure_ascii=False
        ).replace("\n", "\n" + " " * depth)
    except TypeError:  # keys of several kinds cannot be sorted together
        return
    assert indented(value, xml_text, depth) == expected


@SCORER
@given(proposals(), st.booleans())
def test_a_results_json_is_written_in_sorted_key_order_without_sorting(
    assessor: Assessor, proposal: dict[str, Any], waive: bool
) -> None:
    """A result's dict is built with its keys in order, so its text (written without
    ``sort_keys``, by pydantic-core's encoder) is the sorted text ``json.dumps`` writes and
    the JSON document promises; a waived risk and a file that cannot be assessed included."""
    import datetime as dt

    from msgspec import structs

    from policycheck.assessment import Failure, Waiver, WaiverUse
    from policycheck.errors import Problem
    from policycheck.render.json import _result, rendered

    result = assess(assessor, proposal)
    if waive and result.risks:
        waiver = Waiver("RF03", "p", "accepted", "me", dt.date(2030, 1, 1), "w.yaml")
        risk = structs.replace(result.risks[0], waiver=WaiverUse(waiver, True))
        result = structs.replace(result, risks=(risk, *result.risks[1:]))
    failure = Failure(ORIGIN, (Problem(ORIGIN, 2, 1, "invalid YAML"),), "0" * 64)
    for r in (result, failure):
        assert rendered(r).data == json.dumps(
            _result(r), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        ).encode("utf-8")


@settings(max_examples=settings().max_examples * 50)
@given(
    st.lists(st.sampled_from([" ", "  ", "- ", "-", "? ", "?", "\n", "\r", "[", "{", "a: "])).map(
        "".join
    ),
    st.integers(min_value=2, max_value=12),
)
@example("- - - a\n", 3)  # a run of three indicators, single-spaced
@example("b:\n  -   ? c\n", 4)  # a run of two, indented, spaced out
@example("      a\n", 7)  # indentation alone
def test_the_quick_answer_on_nesting_is_the_measured_bound(text: str, depth: int) -> None:
    """Whether a text may nest too deeply for the composer: the two searches answer as the
    bound measured line by line (here with limits small enough to reach; 50 times the
    profile's examples, a few microseconds each)."""
    import re
    from unittest import mock

    from policycheck import loading

    indent = max(map(len, re.findall(r"^ +", text, re.MULTILINE)), default=0)
    runs = re.findall(r"^ *((?:[-?] +)+)", text, re.MULTILINE)
    compact = max((run.count("-") + run.count("?") for run in runs), default=0)
    expected = text.count("[") + text.count("{") > depth or indent + compact + 1 > depth
    with mock.patch.object(loading, "MAX_DEPTH", depth):
        assert loading._may_nest_deeply(text) == expected
