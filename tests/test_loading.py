"""The loader refuses bad input with located problems, and reads YAML 1.2 as YAML 1.2.

Every test names the exact message (or the part of it a user reads) and the
1-based line and column it points at.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from policycheck import Assessor
from policycheck.errors import InputError, Problem
from policycheck.loading import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_EXPANDED,
    MAX_VALUES,
    Document,
    load_yaml_bytes,
    load_yaml_text,
    read_ahead,
    read_bytes,
    read_file,
)
from policycheck.model import parse_proposal
from tests.conftest import MINIMAL, assess_yaml, left_for_the_collector

ORIGIN = "p.yaml"


def problems_of(text: str) -> list[Problem]:
    """The problems ``load_yaml_text`` raises for ``text`` (it must raise)."""
    with pytest.raises(InputError) as info:
        load_yaml_text(textwrap.dedent(text), ORIGIN)
    return info.value.problems


def only_problem(text: str) -> Problem:
    problems = problems_of(text)
    assert len(problems) == 1, problems
    return problems[0]


def bytes_problem(raw: bytes) -> Problem:
    with pytest.raises(InputError) as info:
        load_yaml_bytes(raw, ORIGIN)
    assert len(info.value.problems) == 1, info.value.problems
    return info.value.problems[0]


def load(text: str) -> Document:
    return load_yaml_text(textwrap.dedent(text), ORIGIN)


def load_in_subprocess(expression: str) -> list[list[object]] | str:
    """Load the text ``expression`` builds in a fresh interpreter.

    A stack overflow in the C parser would kill the test run itself, so the
    deep-nesting cases run in a child; a crash shows as a failed assertion.
    Returns the problems as ``[line, column, message]`` lists, or "loaded".
    """
    code = textwrap.dedent(
        f"""
        import json
        from policycheck.errors import InputError
        from policycheck.loading import load_yaml_text
        text = {expression}
        try:
            load_yaml_text(text, "deep.yaml")
        except InputError as exc:
            print(json.dumps([[p.line, p.column, p.message] for p in exc.problems]))
        else:
            print(json.dumps("loaded"))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, (
        f"the interpreter died (exit {done.returncode}) loading {expression}: {done.stderr[-2000:]}"
    )
    result: list[list[object]] | str = json.loads(done.stdout)
    return result


# --- duplicate keys -----------------------------------------------------------


def test_duplicate_key_names_the_first_line() -> None:
    problem = only_problem(
        """\
        id: test
        title: One
        status: proposed
        title: Two
        """
    )
    assert problem == Problem(ORIGIN, 4, 1, "duplicate key 'title' (first defined on line 2)")


def test_duplicate_nested_key_is_located_at_the_repeat() -> None:
    problem = only_problem(
        """\
        safeguards:
          human_security: true
          local_consultation: false
          human_security: false
        """
    )
    assert problem == Problem(
        ORIGIN, 4, 3, "duplicate key 'human_security' (first defined on line 2)"
    )


def test_duplicate_key_in_flow_mapping() -> None:
    problem = only_problem("participant: {country: AL, role: lead, country: BA}\n")
    assert (problem.line, problem.column) == (1, 40)
    assert problem.message == "duplicate key 'country' (first defined on line 1)"


def test_duplicate_key_spelled_as_int_and_string() -> None:
    problem = only_problem("1: a\n'1': b\n")
    assert problem == Problem(ORIGIN, 2, 1, "duplicate key '1' (first defined on line 1)")


# --- tags ---------------------------------------------------------------------


def test_python_object_tag_is_refused() -> None:
    problem = only_problem(
        """\
        id: test
        payload: !!python/object:os.system
          command: rm -rf /
        """
    )
    assert problem == Problem(
        ORIGIN, 2, 10, "YAML tag '!!python/object:os.system' is not allowed here"
    )


def test_python_object_apply_tag_is_refused() -> None:
    problem = only_problem("payload: !!python/object/apply:os.system ['echo hi']\n")
    assert problem == Problem(
        ORIGIN, 1, 10, "YAML tag '!!python/object/apply:os.system' is not allowed here"
    )


def test_python_name_tag_on_scalar_is_refused() -> None:
    problem = only_problem("payload: !!python/name:os.system ''\n")
    assert problem == Problem(
        ORIGIN,
        1,
        10,
        "YAML tag '!!python/name:os.system' is not allowed: tags cannot construct objects",
    )


def test_custom_tag_is_refused() -> None:
    problem = only_problem("id: test\ntitle: !foo bar\n")
    assert problem == Problem(
        ORIGIN, 2, 8, "YAML tag '!foo' is not allowed: tags cannot construct objects"
    )


def test_custom_tag_on_mapping_is_refused() -> None:
    problem = only_problem("safeguards: !foo {human_security: true}\n")
    assert problem == Problem(ORIGIN, 1, 13, "YAML tag '!foo' is not allowed here")


def test_binary_tag_is_refused() -> None:
    problem = only_problem("id: test\nblob: !!binary aGVsbG8=\n")
    assert problem == Problem(
        ORIGIN, 2, 7, "YAML tag '!!binary' is not allowed: tags cannot construct objects"
    )


def test_set_tag_is_refused() -> None:
    problem = only_problem("activities: !!set {training, cyber}\n")
    assert problem == Problem(ORIGIN, 1, 13, "YAML tag '!!set' is not allowed here")


def test_set_tag_in_block_style_is_refused() -> None:
    problem = only_problem("id: test\nactivities: !!set\n  ? training\n  ? cyber\n")
    assert problem == Problem(ORIGIN, 2, 13, "YAML tag '!!set' is not allowed here")


def test_tag_declared_with_a_tag_directive_is_refused() -> None:
    problem = only_problem("%TAG !e! tag:example.com,2000:\n---\nid: !e!widget x\n")
    assert problem == Problem(
        ORIGIN,
        3,
        5,
        "YAML tag 'tag:example.com,2000:widget' is not allowed: tags cannot construct objects",
    )


def test_core_tags_are_allowed() -> None:
    doc = load("a: !!str 12\nb: !!int '7'\nc: !!float 2\nd: !!null ''\ne: !!bool true\n")
    assert doc.data == {"a": "12", "b": 7, "c": 2.0, "d": None, "e": True}


@pytest.mark.parametrize(
    ("tagged", "message"),
    [
        ("!!float soon", "'soon' is not a valid !!float"),
        ("!!int ten", "'ten' is not a valid !!int"),
        ("!!bool maybe", "'maybe' is not a valid !!bool"),
        ("!!null nothing", "'nothing' is not a valid !!null"),
    ],
)
def test_core_tag_on_a_wrong_value_is_located(tagged: str, message: str) -> None:
    problem = only_problem(f"id: test\nhorizon_years: {tagged}\n")
    assert problem == Problem(ORIGIN, 2, 16, message)


@pytest.mark.parametrize("plain", ["1_.5", "1.5_", "._5", ".1_", "1__0.0", "-1_.e1"])
def test_malformed_plain_float_is_located(plain: str) -> None:
    # ruamel's resolver tags these !!float although Python's float() refuses them:
    # a located problem, never a crash.
    problem = only_problem(f"id: test\nhorizon_years: {plain}\n")
    assert problem == Problem(ORIGIN, 2, 16, f"'{plain}' is not a valid !!float")


@pytest.mark.parametrize("plain", ["1__000", "1_2_", "0x_1"])
def test_malformed_plain_int_is_located(plain: str) -> None:
    problem = only_problem(f"id: test\nhorizon_years: {plain}\n")
    assert problem == Problem(ORIGIN, 2, 16, f"'{plain}' is not a valid !!int")


def test_every_problem_of_the_file_is_reported() -> None:
    problems = problems_of(
        """\
        id: test
        blob: !!binary aGVsbG8=
        id: again
        base: &b {x: 1}
        merged:
          <<: *b
        """
    )
    assert problems == [
        Problem(ORIGIN, 2, 7, "YAML tag '!!binary' is not allowed: tags cannot construct objects"),
        Problem(ORIGIN, 3, 1, "duplicate key 'id' (first defined on line 1)"),
        Problem(ORIGIN, 6, 3, "merge keys ('<<') are not supported; write the keys out"),
    ]


def test_lenient_reading_keeps_problems_that_leave_a_usable_tree() -> None:
    doc = load_yaml_text("id: a\nid: b\nblob: !!binary aGk=\n", ORIGIN, lenient=True)
    # The first of duplicate keys wins; a refused tag leaves no value.
    assert doc.data == {"id": "a", "blob": None}
    assert doc.problems == (
        Problem(ORIGIN, 2, 1, "duplicate key 'id' (first defined on line 1)"),
        Problem(ORIGIN, 3, 7, "YAML tag '!!binary' is not allowed: tags cannot construct objects"),
    )


def test_lenient_reading_still_raises_when_the_tree_is_unusable() -> None:
    with pytest.raises(InputError) as info:
        load_yaml_text("a: &x [*x]\n", ORIGIN, lenient=True)
    assert info.value.problems == [
        Problem(ORIGIN, 1, 4, f"nesting deeper than {MAX_DEPTH} levels (recursive alias?)")
    ]


def test_strict_reading_has_no_kept_problems() -> None:
    assert load(MINIMAL).problems == ()


# --- aliases ------------------------------------------------------------------

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_billion_laughs_fails_fast() -> None:
    started = time.perf_counter()
    problem = only_problem(BILLION_LAUGHS)
    elapsed = time.perf_counter() - started
    assert problem.message == f"document expands to more than {MAX_VALUES} values (aliases?)"
    # The 50,001st value is a "lol" of the first list, reached through the aliases.
    assert problem.line == 1
    assert problem.column in range(8, 62)
    assert elapsed < 5.0


def test_an_alias_repeating_a_long_value_is_bounded_by_expanded_size() -> None:
    # Few values (far under MAX_VALUES) but one 100 KB anchor repeated: the
    # expanded text, not the count of values, is what would cost gigabytes.
    long = "x" * 100_000
    repeats = MAX_EXPANDED // len(long) + 10
    text = f"title: &t {long}\nsources:\n" + "  - {title: *t}\n" * repeats
    assert len(text) < MAX_BYTES
    started = time.perf_counter()
    problem = only_problem(text)
    assert time.perf_counter() - started < 5.0
    assert problem == Problem(
        ORIGIN,
        1,
        8,  # the anchored value, where every alias of it points
        f"document expands to more than {MAX_EXPANDED // 1_048_576} MiB of text"
        " (an alias repeats a long value?)",
    )


def test_long_values_without_aliases_stay_within_the_expanded_size() -> None:
    # A file of the largest size, all text and no aliases, is never refused for expansion.
    long = "y" * (MAX_BYTES - 100)
    doc = load(f"title: {long}\n")
    assert doc.data == {"title": long}


def test_a_few_aliases_are_fine() -> None:
    doc = load("lead: &l AL\nparticipants: [*l, BA]\n")
    assert doc.data == {"lead": "AL", "participants": ["AL", "BA"]}
    # An alias is the anchored node itself: it is located where it was defined
    # (the anchor "&l" on line 1).
    assert doc.position(("participants", 0)) == (1, 7)
    assert doc.position(("participants", 1)) == (2, 20)


def test_recursive_alias_is_refused() -> None:
    problem = only_problem("id: test\nloop: &x [1, *x]\n")
    # The first node past the limit is the "1" of the innermost copy of the list.
    assert problem == Problem(
        ORIGIN, 2, 11, f"nesting deeper than {MAX_DEPTH} levels (recursive alias?)"
    )


def test_recursive_alias_in_mapping_is_refused() -> None:
    problem = only_problem("loop: &x\n  self: *x\n")
    # The mapping (anchored on line 1) nested in itself past the limit.
    assert problem == Problem(
        ORIGIN, 1, 7, f"nesting deeper than {MAX_DEPTH} levels (recursive alias?)"
    )


def test_undefined_alias_is_a_syntax_error() -> None:
    problem = only_problem("lead: *nowhere\n")
    assert problem == Problem(ORIGIN, 1, 7, "invalid YAML: found undefined alias")


# --- nesting ------------------------------------------------------------------


def test_very_deep_flow_nesting_does_not_crash() -> None:
    result = load_in_subprocess('"[" * 100_000')
    # The 33rd "[" is the first collection deeper than the limit.
    assert result == [[1, MAX_DEPTH + 1, f"nesting deeper than {MAX_DEPTH} levels"]]


def test_very_deep_closed_flow_mappings_do_not_crash() -> None:
    result = load_in_subprocess('"a: " + "{a: " * 100_000 + "}" * 100_000')
    # The root block mapping is the first level, so the 32nd "{" is one too many.
    assert result == [[1, 4 + 4 * (MAX_DEPTH - 1), f"nesting deeper than {MAX_DEPTH} levels"]]


def test_deep_block_nesting_is_refused() -> None:
    text = "".join("  " * i + f"k{i}:\n" for i in range(40)) + "  " * 40 + "leaf\n"
    problem = only_problem(text)
    # The 33rd mapping is the one that starts with key k32, on line 33.
    assert problem == Problem(ORIGIN, 33, 65, f"nesting deeper than {MAX_DEPTH} levels")


def test_deep_compact_block_sequences_do_not_crash() -> None:
    # "- - - - ... x": block nesting with no brackets and no indentation cost,
    # 200 KB in all (well under the size limit).
    result = load_in_subprocess('"- " * 100_000 + "x\\n"')
    # The 33rd "-" opens the 33rd sequence.
    assert result == [[1, 2 * MAX_DEPTH + 1, f"nesting deeper than {MAX_DEPTH} levels"]]


def test_deep_compact_complex_keys_do_not_crash() -> None:
    result = load_in_subprocess('"? " * 100_000 + "x\\n"')
    assert result == [[1, 2 * MAX_DEPTH + 1, f"nesting deeper than {MAX_DEPTH} levels"]]


def test_deep_sequences_of_mappings_do_not_crash() -> None:
    # "k:\n- k:\n  - k:\n ..." gains two levels per line for two columns of indent.
    result = load_in_subprocess('"k:\\n" + "".join("  " * i + "- k:\\n" for i in range(5_000))')
    assert isinstance(result, list), result
    [[line, column, message]] = result
    assert message == f"nesting deeper than {MAX_DEPTH} levels"
    # Line n opens a sequence (level 2n - 2) at its "-" and a mapping (level 2n - 1)
    # at its "k": level 33 is the mapping whose key is on line 17, column 33.
    assert (line, column) == (17, 33)


def test_many_values_without_aliases_are_refused() -> None:
    problem = only_problem("[" + ",".join(["1"] * (MAX_VALUES + 10)) + "]\n")
    # The root list is value 1; its 50,000th item (column 100,000) is value 50,001.
    assert problem == Problem(
        ORIGIN, 1, 2 * MAX_VALUES, f"document expands to more than {MAX_VALUES} values (aliases?)"
    )


# --- files and bytes ----------------------------------------------------------


def test_oversized_file_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(MINIMAL.encode() + b"# padding\n" * (MAX_BYTES // 10 + 1))
    assert path.stat().st_size > MAX_BYTES
    with pytest.raises(InputError) as info:
        read_file(path)
    assert info.value.problems == [Problem(str(path), 1, 1, "file is larger than 1 MiB; not read")]


def test_file_of_exactly_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "limit.yaml"
    head = MINIMAL.encode()
    path.write_bytes(head + b"#" * (MAX_BYTES - len(head) - 1) + b"\n")
    assert path.stat().st_size == MAX_BYTES
    doc = read_file(path, origin="limit.yaml")
    assert doc.origin == "limit.yaml"
    assert doc.data["participants"] == ["AL"]


def test_a_small_file_is_read_without_a_buffer_of_the_limit(tmp_path: Path) -> None:
    """A batch reads thousands of files: each read asks for what the file holds (a
    buffer of ``MAX_BYTES`` a file was made and freed each time)."""
    import tracemalloc

    path = tmp_path / "small.yaml"
    path.write_text(MINIMAL)
    tracemalloc.start()
    try:
        data = read_bytes(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert data == MINIMAL.encode()
    assert peak < 64 * 1024 < MAX_BYTES


@pytest.mark.skipif(not Path("/proc/self/cmdline").is_file(), reason="needs Linux's /proc")
def test_a_file_longer_than_its_stat_says_is_read_whole() -> None:
    """``/proc`` files report a size of 0: what is read past the size is kept (a file that
    grows between the stat and the read is read the same way)."""
    path = Path("/proc/self/cmdline")
    assert path.stat().st_size == 0
    assert read_bytes(path) == path.read_bytes() != b""


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_file(tmp_path / "nope.yaml", origin="nope.yaml")
    assert info.value.problems == [Problem("nope.yaml", 1, 1, "no such file")]


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_file(tmp_path, origin="dir")
    assert info.value.problems == [Problem("dir", 1, 1, "is a directory, not a file")]


def test_binary_file_is_refused_at_the_first_nul() -> None:
    problem = bytes_problem(b"id: test\ntitle: ab\x00cd\x00\n")
    assert problem == Problem(ORIGIN, 2, 10, "binary file (contains NUL bytes)")


def test_non_utf8_is_located_at_the_bad_byte() -> None:
    problem = bytes_problem(b"id: test\ntitle: caf\xe9 au lait\n")
    assert problem == Problem(ORIGIN, 2, 11, "not valid UTF-8 (byte 0xe9)")


def test_latin1_on_the_first_line() -> None:
    problem = bytes_problem(b"\xff\xfeid: test\n")
    assert problem == Problem(ORIGIN, 1, 1, "not valid UTF-8 (byte 0xff)")


def test_utf8_bom_is_accepted_and_does_not_shift_columns() -> None:
    doc = load_yaml_bytes(b"\xef\xbb\xbf" + MINIMAL.encode(), ORIGIN)
    assert doc.data["schema_version"] == 1
    assert doc.data["id"] == "test"
    assert doc.position(("schema_version",), key=True) == (1, 1)
    assert doc.position(("schema_version",)) == (1, 17)


def test_utf8_bom_proposal_is_assessed(assessor: Assessor) -> None:
    result = assessor.assess_bytes(b"\xef\xbb\xbf" + MINIMAL.encode(), ORIGIN)
    assert result.proposal_id == "test"
    assert result.participants == ("AL",)


def test_non_ascii_text_is_kept() -> None:
    doc = load_yaml_bytes("title: Tiranë – Beograd 🤝\n".encode(), ORIGIN)
    assert doc.data == {"title": "Tiranë – Beograd 🤝"}


@pytest.mark.parametrize("raw", [b"", b"\xef\xbb\xbf"])
def test_empty_file(raw: bytes) -> None:
    assert bytes_problem(raw) == Problem(ORIGIN, 1, 1, "file is empty")


@pytest.mark.parametrize("text", ["   ", "\n\n\n", " \t \n  \r\n"])
def test_whitespace_only_file(text: str) -> None:
    with pytest.raises(InputError) as info:
        load_yaml_text(text, ORIGIN)
    assert info.value.problems == [Problem(ORIGIN, 1, 1, "file is empty")]


def test_comment_only_file() -> None:
    problem = only_problem("# a proposal, some day\n# nothing yet\n")
    assert problem == Problem(ORIGIN, 1, 1, "file holds no YAML document")


def test_document_marker_only_file() -> None:
    doc = load("---\n")
    # An explicit empty document is a null, which a proposal then refuses.
    assert doc.data is None
    with pytest.raises(InputError) as info:
        parse_proposal(doc)
    assert info.value.problems == [
        Problem(ORIGIN, 1, 1, "a proposal must be a mapping of keys to values, not a single value")
    ]


def test_list_file_is_not_a_proposal() -> None:
    doc = load("- AL\n- BA\n")
    assert doc.data == ["AL", "BA"]
    with pytest.raises(InputError) as info:
        parse_proposal(doc)
    assert info.value.problems == [
        Problem(ORIGIN, 1, 1, "a proposal must be a mapping of keys to values, not a list")
    ]


@pytest.mark.parametrize("text", ["just a sentence\n", "42\n", "NO\n"])
def test_scalar_file_is_not_a_proposal(text: str) -> None:
    with pytest.raises(InputError) as info:
        parse_proposal(load(text))
    assert info.value.problems == [
        Problem(ORIGIN, 1, 1, "a proposal must be a mapping of keys to values, not a single value")
    ]


def test_list_file_through_the_assessor(assessor: Assessor) -> None:
    with pytest.raises(InputError) as info:
        assessor.assess_bytes(b"- schema_version: 1\n", ORIGIN)
    assert [str(p) for p in info.value.problems] == [
        "p.yaml:1:1: a proposal must be a mapping of keys to values, not a list"
    ]


# --- syntax errors ------------------------------------------------------------


def test_unclosed_bracket() -> None:
    problem = only_problem("participants: [AL, BA\nstatus: proposed\n")
    assert problem == Problem(ORIGIN, 2, 7, "invalid YAML: did not find expected ',' or ']'")


def test_unclosed_bracket_at_end_of_file() -> None:
    problem = only_problem("participants: [AL, BA\n")
    assert problem == Problem(ORIGIN, 2, 1, "invalid YAML: did not find expected ',' or ']'")


def test_tab_indentation() -> None:
    problem = only_problem("safeguards:\n\thuman_security: true\n")
    assert problem == Problem(
        ORIGIN,
        2,
        1,
        "invalid YAML: found character that cannot start any token"
        " (a tab: YAML is indented with spaces)",
    )


def test_two_documents() -> None:
    problem = only_problem("id: one\n---\nid: two\n")
    assert problem == Problem(ORIGIN, 2, 1, "invalid YAML: but found another document")


def test_unclosed_quote() -> None:
    problem = only_problem('id: test\ntitle: "never closed\n')
    assert problem.message == "invalid YAML: found unexpected end of stream"
    assert (problem.line, problem.column) == (3, 1)


def test_bad_indentation() -> None:
    problem = only_problem("safeguards:\n    human_security: true\n  local_consultation: true\n")
    assert problem == Problem(ORIGIN, 3, 3, "invalid YAML: did not find expected key")


def test_unsupported_yaml_version() -> None:
    problem = only_problem("%YAML 2.0\n---\nid: test\n")
    assert problem == Problem(ORIGIN, 1, 1, "invalid YAML: found incompatible YAML document")


# --- keys ---------------------------------------------------------------------


def test_merge_key_is_refused() -> None:
    problem = only_problem(
        """\
        defaults: &d
          role: member
        participants:
          - <<: *d
            country: AL
        """
    )
    assert problem == Problem(
        ORIGIN, 4, 5, "merge keys ('<<') are not supported; write the keys out"
    )


def test_sequence_key_is_refused() -> None:
    problem = only_problem("id: test\n? [AL, BA]\n: partners\n")
    assert problem == Problem(ORIGIN, 2, 3, "a key must be a plain scalar, not a collection")


def test_mapping_key_in_flow_style_is_refused() -> None:
    problem = only_problem("{{country: AL}: lead}\n")
    assert problem == Problem(ORIGIN, 1, 2, "a key must be a plain scalar, not a collection")


def test_aliased_mapping_as_key_is_refused() -> None:
    problem = only_problem("a: &k {x: 1}\n? *k\n: 1\n")
    # The alias stands for the mapping defined on line 1, so that is where it points.
    assert problem == Problem(ORIGIN, 1, 4, "a key must be a plain scalar, not a collection")


def test_scalar_keys_of_other_types_become_strings() -> None:
    doc = load("1: one\ntrue: yes\n~: nothing\n1.5: half\n")
    assert doc.data == {"1": "one", "true": "yes", "~": "nothing", "1.5": "half"}


# --- YAML 1.2 semantics -------------------------------------------------------


def test_norway_stays_a_string() -> None:
    doc = load("country: NO\nother: [no, No, n, N, off, Off]\n")
    assert doc.data == {"country": "NO", "other": ["no", "No", "n", "N", "off", "Off"]}


def test_norway_participant_validates(assessor: Assessor) -> None:
    result = assess_yaml(
        assessor,
        """\
        schema_version: 1
        id: nordic-balkan
        title: Nordic-Balkan training
        status: proposed
        participants:
          - AL
          - country: NO
            role: partner
        """,
    )
    assert result.participants == ("AL", "NO")


@pytest.mark.parametrize("word", ["yes", "Yes", "YES", "on", "On", "y", "Y"])
def test_yaml11_booleans_stay_strings(word: str) -> None:
    assert load(f"value: {word}\n").data == {"value": word}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("true", True), ("false", False), ("True", True), ("FALSE", False)],
)
def test_yaml12_booleans(text: str, expected: bool) -> None:
    assert load(f"value: {text}\n").data == {"value": expected}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0o17", 15),
        ("-0o17", -15),
        ("012", 12),
        ("0x1F", 31),
        ("+12", 12),
        ("1_000", 1000),
        ("0", 0),
    ],
)
def test_yaml12_integers(text: str, expected: int) -> None:
    value = load(f"value: {text}\n").data["value"]
    assert type(value) is int
    assert value == expected


def test_sexagesimal_stays_a_string() -> None:
    assert load("a: 1:20\nb: 190:20:30\n").data == {"a": "1:20", "b": "190:20:30"}


def test_special_floats() -> None:
    data = load("a: .inf\nb: -.inf\nc: +.INF\nd: .nan\ne: 1e400\nf: 1.5e3\ng: .5\n").data
    assert data["a"] == math.inf
    assert data["b"] == -math.inf
    assert data["c"] == math.inf
    assert math.isnan(data["d"])
    assert data["e"] == math.inf
    assert data["f"] == 1500.0
    assert data["g"] == 0.5


@pytest.mark.parametrize("text", ["~", "null", "Null", "NULL", ""])
def test_nulls(text: str) -> None:
    assert load(f"value: {text}\n").data == {"value": None}


def test_dates_stay_strings() -> None:
    data = load("date: 2025-03-18\nat: 2001-12-14t21:59:43.10-05:00\n").data
    assert data == {"date": "2025-03-18", "at": "2001-12-14t21:59:43.10-05:00"}


def test_yaml11_directive_does_not_bring_back_yaml11_booleans() -> None:
    assert load("%YAML 1.1\n---\ncountry: NO\n").data == {"country": "NO"}


# --- positions ----------------------------------------------------------------

POSITIONS = """\
id: x
safeguards:
  human_security:
    statement: a clause
    evidence:
      - art 5
      - "art 6"
participants: [AL, {country: RS, role: observer}]
"""


def test_position_of_top_level_key_and_value() -> None:
    doc = load(POSITIONS)
    assert doc.position(("id",), key=True) == (1, 1)
    assert doc.position(("id",)) == (1, 5)


def test_position_of_nested_keys() -> None:
    doc = load(POSITIONS)
    assert doc.position(("safeguards",), key=True) == (2, 1)
    assert doc.position(("safeguards", "human_security"), key=True) == (3, 3)
    assert doc.position(("safeguards", "human_security", "evidence"), key=True) == (5, 5)
    # A collection under a key is located at its key (a block collection
    # starts on the next line, which would point past the key).
    assert doc.position(("safeguards",)) == (2, 1)
    assert doc.position(("safeguards", "human_security")) == (3, 3)
    assert doc.position(("safeguards", "human_security", "statement")) == (4, 16)


def test_position_of_block_list_items() -> None:
    doc = load(POSITIONS)
    assert doc.position(("safeguards", "human_security", "evidence")) == (5, 5)
    assert doc.position(("safeguards", "human_security", "evidence", 0)) == (6, 9)
    assert doc.position(("safeguards", "human_security", "evidence", 1)) == (7, 9)


def test_position_of_flow_list_items() -> None:
    doc = load(POSITIONS)
    # A flow collection under a key, too, is located at the key.
    assert doc.position(("participants",)) == (8, 1)
    assert doc.position(("participants", 0)) == (8, 16)
    assert doc.position(("participants", 1)) == (8, 20)
    assert doc.position(("participants", 1, "country")) == (8, 30)
    assert doc.position(("participants", 1, "role")) == (8, 40)
    assert doc.position(("participants", 1, "role"), key=True) == (8, 34)


def test_position_falls_back_to_the_deepest_known_node() -> None:
    doc = load(POSITIONS)
    assert doc.position(("safeguards", "human_security", "evidence", 5)) == (5, 5)
    # Pydantic puts validator names and union branches into locations: skipped.
    assert doc.position(("participants", 1, "function-after[check()]", "country")) == (8, 30)
    assert doc.position(("nowhere",)) == (1, 1)
    assert doc.position(("nowhere",), key=True) == (1, 1)
    assert doc.position(()) == (1, 1)


def test_location_is_origin_line_column() -> None:
    doc = load(POSITIONS)
    assert doc.location(("participants", 1)) == "p.yaml:8:20"
    assert doc.location(("safeguards",), key=True) == "p.yaml:2:1"


def test_positions_after_crlf_line_ends() -> None:
    doc = load_yaml_bytes(b"id: x\r\nlist:\r\n  - a\r\n  - b\r\n", ORIGIN)
    assert doc.data == {"id": "x", "list": ["a", "b"]}
    assert doc.position(("list", 1)) == (4, 5)
    assert doc.position(("list",), key=True) == (2, 1)


def test_positions_count_characters_not_bytes() -> None:
    doc = load_yaml_bytes("title: Tiranë\nnext: [ë, x]\n".encode(), ORIGIN)
    assert doc.position(("next", 1)) == (2, 11)


# --- YAML 1.2 the C parser refuses ---------------------------------------------------------


def test_a_plain_url_in_a_flow_sequence_is_read_as_yaml_1_2() -> None:
    """libyaml refuses it ("found unexpected ':'"); editors and YAML 1.2 read two strings."""
    doc = load("evidence: [Art. 4, https://x.org/a]\nlink: {url: http://a.b/c:d}\n")
    assert doc.data == {
        "evidence": ["Art. 4", "https://x.org/a"],
        "link": {"url": "http://a.b/c:d"},
    }
    assert doc.position(("evidence", 1)) == (1, 20)
    assert doc.position(("link", "url")) == (2, 13)


def test_a_proposal_citing_a_url_in_a_flow_list_is_assessed(assessor: Assessor) -> None:
    result = assess_yaml(
        assessor,
        MINIMAL
        + "transparency:\n  public_text: {statement: S, evidence: [Art. 4, https://x.org/a]}\n",
    )
    (indicator,) = [i for c in result.criteria for i in c.indicators if i.check_id == "TR01"]
    assert indicator.level == "evidenced"


def test_yaml_neither_parser_reads_is_still_located_as_before() -> None:
    assert only_problem("a: [b, c\n") == Problem(
        ORIGIN, 2, 1, "invalid YAML: did not find expected ',' or ']'"
    )


def test_deep_nesting_after_a_url_the_c_parser_refuses_is_still_refused() -> None:
    text = "a: [x, https://y.org/z]\nb: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
    result = load_in_subprocess(repr(text))
    # The top mapping is the first level: the 32nd bracket, at column 3 + 32, is one too many.
    assert result == [[2, 3 + MAX_DEPTH, f"nesting deeper than {MAX_DEPTH} levels"]]


@pytest.mark.parametrize(
    "number", ["1" * 5000, "-" + "9" * 4000, "0x" + "f" * 200, "1." + "5" * 300]
)
def test_a_number_of_thousands_of_digits_is_refused_briefly(number: str) -> None:
    assert only_problem(f"quantity: {number}\n") == Problem(
        ORIGIN, 1, 11, f"a number of more than {MAX_DIGITS} digits"
    )


def test_numbers_of_ordinary_length_still_read() -> None:
    assert load(f"a: {'9' * MAX_DIGITS}\nb: 1.5e300\n").data == {
        "a": int("9" * MAX_DIGITS),
        "b": 1.5e300,
    }


def test_the_yaml_parser_keeps_no_record_of_the_documents_it_composed() -> None:
    """ruamel.yaml appends a record of each document to its parser: a batch of 30,000 files
    kept 30,000; now only the one being read is kept (memory flat in the batch's size)."""
    from policycheck import loading

    for n in range(50):
        loading.load_yaml_text(f"id: p{n}\ntitle: t\n", f"p{n}.yaml")
    assert len(loading._PARSER.doc_infos) <= 1
    assert len(loading._PURE.doc_infos) <= 1


@pytest.mark.parametrize("items", ["[1, 2]", ", ".join(["[1]"] * 80)], ids=["plain", "flow"])
def test_reading_a_document_leaves_nothing_for_the_garbage_collector(items: str) -> None:
    """ruamel.yaml's ``compose`` defined a loader class for every document, and the loader
    referred to itself: each file read left a class and a loader in reference cycles, which
    only the collector frees. Reading now frees everything as it goes, the depth check's walk
    of a file with many flow brackets (``parse``, which did the same) included."""
    from policycheck import loading

    assert items == "[1, 2]" or loading._may_nest_deeply(f"list: [{items}]\n")
    loading.load_yaml_text(f"id: p0\ntitle: t\nlist: [{items}]\n", "p0.yaml")

    def read() -> None:
        for n in range(20):
            loading.load_yaml_text(f"id: p{n}\ntitle: t\nlist: [{items}]\n", f"p{n}.yaml")

    assert left_for_the_collector(read) == []


def test_without_the_c_parser_documents_read_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where ruamel.yaml.clib is not installed (PyPy), the YAML object's own parser composes."""
    from policycheck import loading

    text = "id: p1\ntitle: t\nlist: [1, 2.5, null, 'x']\nnested:\n  a: true\n"
    expected = loading.load_yaml_text(text, "p.yaml")
    monkeypatch.setattr(loading, "_COMPOSER", None)
    monkeypatch.setattr(loading, "_PARSER", loading._yaml(pure=True))
    again = loading.load_yaml_text(text, "p.yaml")
    assert (again.data, again.values, again.keys) == (expected.data, expected.values, expected.keys)


@pytest.mark.parametrize(
    ("kind", "value", "implicit"),
    [
        ("map", None, (True, False)),
        ("seq", None, (True, False)),
        ("scalar", "yes", (False, True)),
        ("scalar", "12", (False, False)),
        ("scalar", "12", (True, False)),
        ("scalar", "~", (True, False)),
        ("scalar", "x" * 41, (True, False)),
        ("scalar", "2024-01-02", (True, False)),
    ],
)
def test_the_resolver_gives_ruamels_tags(
    kind: str, value: str | None, implicit: tuple[bool, bool]
) -> None:
    """The resolver's shortcuts (a collection's or a quoted scalar's default tag, a cache of
    short plain scalars) give the tag ruamel.yaml's YAML 1.2 resolver gives."""
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
    from ruamel.yaml.resolver import VersionedResolver

    from policycheck.loading import _Yaml12Resolver

    node = {"map": MappingNode, "seq": SequenceNode, "scalar": ScalarNode}[kind]
    ours = _Yaml12Resolver().resolve(node, value, implicit)
    theirs = VersionedResolver(version=(1, 2)).resolve(node, value, implicit)
    assert (ours.handle, ours.suffix) == (theirs.handle, theirs.suffix)


def _tree(node: object) -> object:
    """A composed node as plain values: its kind, tag, value, style and marks, recursively."""
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    marks = (node.start_mark.index, node.end_mark.index)  # type: ignore[attr-defined]
    head = (type(node).__name__, node.tag, marks)  # type: ignore[attr-defined]
    if isinstance(node, MappingNode):
        return (*head, [(_tree(k), _tree(v)) for k, v in node.value])
    if isinstance(node, SequenceNode):
        return (*head, [_tree(item) for item in node.value])
    return (*head, node.value, node.style)  # type: ignore[attr-defined]


def test_the_path_resolver_hooks_are_skipped_only_while_none_is_registered() -> None:
    """The composer calls two hooks at every node for path resolvers; with none registered
    they are C callables that do nothing (6 % of composing), and the tree is the one
    ruamel.yaml's own hooks give. Were one registered, its hooks are ruamel.yaml's."""
    from ruamel.yaml.resolver import BaseResolver

    from policycheck import loading

    composer = loading._COMPOSER
    if composer is None:
        pytest.skip("ruamel.yaml.clib is not installed: the pure composer is used")

    class Followed(composer):  # type: ignore[misc,valid-type]
        descend_resolver = BaseResolver.descend_resolver
        ascend_resolver = BaseResolver.ascend_resolver

    def composed(cls: type) -> object:
        made = cls(MINIMAL + "nested:\n  - [1, {a: b}]\n  - &x k\n  - *x\n")
        try:
            return _tree(made.get_single_node())
        finally:
            made.dispose()

    assert composed(composer) == composed(Followed)
    assert composer.descend_resolver is slice
    registered = type("Registered", (composer,), {"yaml_path_resolvers": {("p",): None}})
    made = registered("a: 1\n")
    try:
        assert made.descend_resolver.__func__ is BaseResolver.descend_resolver
        assert made.ascend_resolver.__func__ is BaseResolver.ascend_resolver
    finally:
        made.dispose()


def _cached_pages(path: Path) -> int | None:
    """How many of ``path``'s pages are in the page cache (util-linux ``fincore``)."""
    done = subprocess.run(
        ["fincore", "--raw", "--noheadings", "--output", "PAGES", str(path)],
        capture_output=True,
        text=True,
    )
    return int(done.stdout) if done.returncode == 0 and done.stdout.strip() else None


@pytest.mark.skipif(shutil.which("fincore") is None, reason="needs util-linux's fincore")
@pytest.mark.skipif(not hasattr(os, "posix_fadvise"), reason="needs posix_fadvise")
def test_read_ahead_brings_a_file_into_memory(tmp_path: Path) -> None:
    """Asked ahead, a file's pages are read in the background, before ``read_bytes``."""
    path = tmp_path / "p.yaml"
    path.write_bytes(MINIMAL.encode() * 200)
    with path.open("rb") as handle:
        os.fsync(handle.fileno())
        os.posix_fadvise(handle.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
    if _cached_pages(path) != 0:
        pytest.skip("this file system keeps the file in memory (tmpfs?)")
    read_ahead([path])
    deadline = time.monotonic() + 10
    while not _cached_pages(path) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _cached_pages(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_read_ahead_passes_over_what_it_cannot_ask_for(tmp_path: Path) -> None:
    """A pipe (opening it would wait for a writer), a folder, a missing file, a NUL in a
    name: nothing raised, no file left open; ``read_bytes`` reports each when it comes."""
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    (tmp_path / "folder.yaml").mkdir()
    odd: list[Path | str] = [pipe, tmp_path / "folder.yaml", tmp_path / "missing.yaml"]
    odd.append("nul\x00.yaml")
    opened = _open_files()
    outcome: list[BaseException | None] = []

    def ask() -> None:
        try:
            read_ahead(odd)
        except BaseException as exc:  # reported below, not lost in the thread
            outcome.append(exc)
        else:
            outcome.append(None)

    worker = threading.Thread(target=ask, daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert outcome, "read_ahead waited on the pipe"
    assert outcome == [None]
    assert _open_files() == opened


def _open_files() -> set[str]:
    folder = Path("/proc/self/fd")
    return set(os.listdir(folder)) if folder.is_dir() else set()
