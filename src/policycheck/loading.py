"""Reading YAML safely into plain values that remember where they came from.

The C parser of ruamel.yaml composes a node tree (YAML 1.2: ``NO`` is a
string) carrying a line and column for every node, in about a tenth of the
time of a round-trip load. This module turns that tree into plain values
itself, so it can refuse what a proposal never needs and an attacker might
send: object-constructing tags, duplicate keys, merge keys, aliases that
expand without bound, deep nesting, oversized, binary or non-UTF-8 files.
Every problem is reported with its line and column, all at once.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import json
import math
import os
import re
import stat
import types
import warnings
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, ReusedAnchorWarning, YAMLError
from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import BaseResolver, VersionedResolver

from policycheck.errors import InputError, Problem

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

MAX_BYTES = 1_048_576
MAX_DEPTH = 32
MAX_VALUES = 50_000
#: Characters of text (keys and scalars) a document may expand to through aliases.
#: Without aliases a document never exceeds its file's size; with them, one anchor
#: repeated could make gigabytes of report from a small file.
MAX_EXPANDED = 4 * MAX_BYTES

Path_ = tuple[str | int, ...]

_TAG = "tag:yaml.org,2002:"
_SEQ = _TAG + "seq"
_MERGE = _TAG + "merge"
_MAP = _TAG + "map"
_STR = _TAG + "str"
_CORE_SCALARS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_NUMBERS = {_TAG + "int", _TAG + "float"}
_FLOATS = {".inf": math.inf, "+.inf": math.inf, "-.inf": -math.inf, ".nan": math.nan}


@dataclass(frozen=True)
class Document:
    """A YAML file read into plain values, with the position of every key and value."""

    origin: str
    data: Any
    values: dict[Path_, tuple[int, int]] = field(repr=False)
    keys: dict[Path_, tuple[int, int]] = field(repr=False)
    #: Problems that did not stop the reading (duplicate keys, tags), when read leniently.
    problems: tuple[Problem, ...] = ()

    def locate(self, loc: tuple[Any, ...], key: bool = False) -> tuple[str, int, int]:
        """The file, line and column of ``loc`` (see ``position``): a ``validation.Locate``."""
        return (self.origin, *self.position(loc, key=key))

    def position(self, loc: tuple[Any, ...], *, key: bool = False) -> tuple[int, int]:
        """The 1-based (line, column) of the deepest known node on ``loc``.

        Parts of ``loc`` that are not in the data (validator names, union
        branches) are skipped, so a pydantic error location can be passed as is.
        """
        path: Path_ = ()
        best = (1, 1)
        for part in loc:
            if not isinstance(part, (str, int)):
                continue
            candidate = (*path, part)
            if candidate in self.values or candidate in self.keys:
                path = candidate
                best = self.values.get(path, best)
        if key and path in self.keys:
            return self.keys[path]
        return best

    def place(self, loc: tuple[Any, ...]) -> tuple[int, int]:
        """Where ``loc`` is, or where it would be written: its deepest known ancestor, or, for a
        top-level key the file does not have, its last line (not line 1, which says nothing)."""
        found = self.values.get(loc)
        if found is not None:
            return found  # the usual case: a node the file has (and so its ancestors)
        top = next((p for p in loc if isinstance(p, (str, int))), None)
        if top is not None and (top,) not in self.values and (top,) not in self.keys:
            return (self.last_line, 1)
        return self.position(loc)

    @functools.cached_property
    def last_line(self) -> int:
        """The line of the last key in the file."""
        return max((line for line, _ in self.keys.values()), default=1)

    def location(self, loc: tuple[Any, ...], *, key: bool = False) -> str:
        line, column = self.position(loc, key=key)
        return f"{self.origin}:{line}:{column}"


class _Yaml12Resolver(VersionedResolver):
    """YAML 1.2 resolution, whatever a document's ``%YAML`` directive says.

    ruamel looks the version up again for every scalar; fixing it once makes
    composing about a quarter faster.
    """

    #: The implicit resolvers of YAML 1.2, chosen once for every loader (ruamel chose them
    #: anew for each document).
    _fixed: ClassVar[Any] = None
    _cache: ClassVar[dict[str, Any]] = {}

    @property
    def processing_version(self) -> Any:
        return (1, 2)

    @property
    def versioned_resolver(self) -> Any:
        if _Yaml12Resolver._fixed is None:
            _Yaml12Resolver._fixed = VersionedResolver.versioned_resolver.fget(self)  # type: ignore[attr-defined]
        return _Yaml12Resolver._fixed

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        """Resolve a plain scalar once per distinct short value (keys, codes, levels repeat);
        a collection or a quoted scalar takes its kind's default tag, as ruamel gives it
        when no path resolver is registered (none is)."""
        if kind is not ScalarNode or not implicit[0]:
            if self.yaml_path_resolvers:
                return super().resolve(kind, value, implicit)
            if kind is MappingNode:
                return self.DEFAULT_MAPPING_TAG
            return self.DEFAULT_SEQUENCE_TAG if kind is SequenceNode else self.DEFAULT_SCALAR_TAG
        if len(value) > 40:
            return super().resolve(kind, value, implicit)
        cache = _Yaml12Resolver._cache
        tag = cache.get(value)
        if tag is None:
            if len(cache) > 20_000:
                cache.clear()
            tag = cache[value] = super().resolve(kind, value, implicit)
        return tag


def _yaml(*, pure: bool = False) -> YAML:
    yaml = YAML(typ="safe", pure=pure)
    yaml.Resolver = _Yaml12Resolver
    return yaml


_PARSER = _yaml()


def _c_composer() -> Any:
    """A composer class on ruamel.yaml's C parser, with YAML 1.2 resolution; None where the
    C parser is not installed (PyPy: ``_PARSER`` is then the pure one).

    ``YAML.compose`` defines a new loader class for every document it reads and builds a
    constructor it never uses; the loader refers to itself, so each one was left for the
    garbage collector. This class is made once and holds no cycle.
    """
    try:
        from _ruamel_yaml import CParser  # type: ignore[import-not-found]
    except ImportError:  # pragma: no cover - ruamel.yaml.clib is installed on CPython
        return None

    class Composer(CParser, _Yaml12Resolver):  # type: ignore[misc]
        # The composer calls these two hooks at every node, for path resolvers; none is
        # registered (``resolve`` relies on it too), so they have nothing to do. A C
        # callable that takes their arguments and ignores them saves a Python call a
        # node: 6 % of composing a proposal.
        descend_resolver = staticmethod(slice)  # type: ignore[assignment]  # (parent, index)
        ascend_resolver = staticmethod(tuple)  # type: ignore[assignment]  # ()

        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            _Yaml12Resolver.__init__(self)
            if self.yaml_path_resolvers:  # someone registered one: ruamel's hooks follow it
                self.descend_resolver = types.MethodType(BaseResolver.descend_resolver, self)
                self.ascend_resolver = types.MethodType(BaseResolver.ascend_resolver, self)

    return Composer


_COMPOSER = _c_composer()


def _c_compose(text: str) -> Any:
    if _COMPOSER is None:
        return _PARSER.compose(text)
    composer = _COMPOSER(text)
    try:
        return composer.get_single_node()
    finally:
        composer.dispose()


#: ruamel's pure-Python parser, for the YAML 1.2 the C parser (libyaml, YAML 1.1) refuses:
#: a plain URL in a flow collection, ``[Art. 4, https://x.org/a]``, is the usual case.
_PURE = _yaml(pure=True)


def read_ahead(paths: Iterable[Path | str], limit: int = MAX_BYTES) -> None:
    """Ask the kernel to read ``paths`` (their first ``limit + 1`` bytes, what ``read_bytes``
    reads) in the background. The reads are not waited for; each file's ``stat`` and
    ``open`` are.

    A batch reads its files one after the other. Where they are not in memory
    (a cold cache; a virtual machine that hands its free memory back) each read
    waited on the disk: a thousand files took 12 % longer than from memory.
    Asked ahead, the disk reads the next files while the current one is
    assessed. Only regular files are asked for (opening a pipe or a device
    could wait or do something); a file that cannot be asked for is left to
    ``read_bytes``, which reports it, and nothing here raises. Does nothing
    where the system has no ``posix_fadvise`` (macOS, Windows).
    """
    if not hasattr(os, "posix_fadvise"):
        return
    for path in paths:
        try:
            if not stat.S_ISREG(os.stat(path).st_mode):
                continue
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
        except (OSError, ValueError):  # ValueError: a NUL in the name
            continue
        with contextlib.suppress(OSError):
            try:
                os.posix_fadvise(fd, 0, limit + 1, os.POSIX_FADV_WILLNEED)
            finally:
                os.close(fd)


def read_bytes(path: Path, origin: str | None = None, limit: int = MAX_BYTES) -> bytes:
    """The first ``limit + 1`` bytes of ``path`` (enough to tell it is too large).

    One ``stat`` tells a missing file, a folder, and a pipe or a device (which ``open``
    would wait on) before the file is opened; the read asks for the bytes the file
    holds, not for a buffer of ``limit`` bytes (a batch reads thousands of files).
    """
    name = origin if origin is not None else str(path)
    if "\x00" in str(path):
        raise InputError([Problem(name, 1, 1, "a file name cannot hold a NUL character")])
    try:
        status = os.stat(path)
    except OSError as exc:
        if os.path.islink(path):
            problem = _broken_link(path)
        elif isinstance(exc, FileNotFoundError):
            problem = "no such file"
        else:
            problem = f"cannot read: {exc.strerror}"
        raise InputError([Problem(name, 1, 1, problem)]) from None
    if stat.S_ISDIR(status.st_mode):
        raise InputError([Problem(name, 1, 1, _folder_problem(path))])
    if not stat.S_ISREG(status.st_mode):
        raise InputError([Problem(name, 1, 1, "not a regular file (a pipe or a device?)")])
    wanted = min(status.st_size, limit) + 1
    try:
        with path.open("rb") as handle:
            data = handle.read(wanted)
            if len(data) == wanted and wanted <= limit:  # it grew since the stat
                data += handle.read(limit + 1 - wanted)
            return data
    except FileNotFoundError:
        raise InputError([Problem(name, 1, 1, "no such file")]) from None
    except OSError as exc:
        raise InputError([Problem(name, 1, 1, f"cannot read: {exc.strerror}")]) from None


def decode_text(raw: bytes, origin: str, limit: int = MAX_BYTES) -> str:
    """``raw`` as text, refused (located) when over ``limit`` bytes, binary or not UTF-8."""
    if len(raw) > limit:
        size = f"{limit // 1_048_576} MiB" if limit % 1_048_576 == 0 else f"{limit // 1024} KiB"
        raise InputError([Problem(origin, 1, 1, f"file is larger than {size}; not read")])
    if b"\x00" in raw:
        line, column = _line_col(raw, raw.index(b"\x00"))
        raise InputError([Problem(origin, line, column, "binary file (contains NUL bytes)")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = _line_col(raw, exc.start)
        raise InputError(
            [Problem(origin, line, column, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})")]
        ) from None


def read_text(path: Path, origin: str | None = None, limit: int = MAX_BYTES) -> str:
    """Read a small UTF-8 text file (TOML, JSON) with the limits of a proposal."""
    name = origin if origin is not None else str(path)
    return decode_text(read_bytes(path, name, limit), name, limit)


#: Digits a number in a TOML or JSON file may have (Python refuses over 4,300 as text).
MAX_DIGITS = 100

_TOML_TOKENS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*'
    rf"|[\[\]{{}}]|[0-9][0-9_]{{{MAX_DIGITS},}}"
)
_JSON_TOKENS = re.compile(rf'"(?:[^"\\]|\\.)*"|[\[\]{{}}]|[0-9]{{{MAX_DIGITS + 1},}}')


def check_structure(text: str, origin: str, *, toml: bool) -> None:
    """Refuse, located, a TOML or JSON text nested deeper than ``MAX_DEPTH`` or holding a
    number of more than ``MAX_DIGITS`` digits, before a (recursive) parser sees it.

    Strings and comments are skipped, so brackets and digits in them do not count.
    """
    if text.count("[") + text.count("{") <= MAX_DEPTH and not re.search(
        rf"[0-9]{{{MAX_DIGITS + 1}}}", text
    ):
        return
    depth = 0
    for match in (_TOML_TOKENS if toml else _JSON_TOKENS).finditer(text):
        token = match.group()
        message = None
        if token in ("[", "{"):
            depth += 1
            if depth > MAX_DEPTH:
                message = f"nesting deeper than {MAX_DEPTH} levels"
        elif token in ("]", "}"):
            depth -= 1
        elif token[0].isdigit() and len(token.replace("_", "")) > MAX_DIGITS:
            message = f"a number of more than {MAX_DIGITS} digits"
        if message is not None:
            start = match.start()
            line = text.count("\n", 0, start) + 1
            column = start - (text.rfind("\n", 0, start) + 1) + 1
            raise InputError([Problem(origin, line, column, message)])


def _folder_problem(path: Path) -> str:
    """What is wrong with a folder given where a file was expected (one that cannot be listed)."""
    try:
        os.listdir(path)
    except OSError as exc:
        return f"folder cannot be read ({exc.strerror}): its files are not assessed"
    return "is a directory, not a file"


def _broken_link(path: Path) -> str:
    """Why a symbolic link cannot be followed: a loop, or a target that does not exist."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop; not read"
    try:
        target = os.readlink(path)
    except OSError:
        target = "?"
    return f"dangling symbolic link (to {target}); not read"


def read_file(path: Path, origin: str | None = None) -> Document:
    """Read and parse ``path``; raise ``InputError`` listing every problem."""
    name = origin if origin is not None else str(path)
    return load_yaml_bytes(read_bytes(path, name), name)


def load_yaml_bytes(raw: bytes, origin: str, *, lenient: bool = False) -> Document:
    """Check the bytes are a small UTF-8 text file, then parse them (see ``load_yaml_text``)."""
    return load_yaml_text(decode_text(raw, origin), origin, lenient=lenient)


_INDENT = re.compile(r"^ +", re.MULTILINE)
_COMPACT = re.compile(r"^ *((?:[-?] +)+)", re.MULTILINE)
#: Two indicators in a row, anywhere: what a line's run of more than one needs.
_TWO_INDICATORS = re.compile(r"[-?] +[-?] ")


def _may_nest_deeply(text: str) -> bool:
    """An upper bound on the depth: flow brackets, or the deepest indentation plus the
    longest run of compact indicators starting a line (``- - -``, ``? - ``), plus one.

    Most files have no two indicators in a row anywhere and no line indented by nearly the
    limit: two searches tell so (the bound is then under the limit) before the lines are
    measured one by one.
    """
    if text.count("[") + text.count("{") > MAX_DEPTH:
        return True
    deep = " " * (MAX_DEPTH - 2)
    if not _TWO_INDICATORS.search(text) and "\n" + deep not in text and not text.startswith(deep):
        return False  # indentation under MAX_DEPTH - 2, runs of at most one indicator
    indent = max(map(len, _INDENT.findall(text)), default=0)
    compact = max((run.count("-") + run.count("?") for run in _COMPACT.findall(text)), default=0)
    return indent + compact + 1 > MAX_DEPTH


def _line_col(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    column = offset - (before.rfind(b"\n") + 1) + 1
    return line, column


def load_yaml_text(text: str, origin: str, *, lenient: bool = False) -> Document:
    """Parse YAML text into a ``Document``; raise ``InputError`` on any problem.

    With ``lenient``, problems that leave a usable tree (a duplicate key, a
    refused tag) are kept in ``Document.problems`` instead, so the caller can
    report them together with schema problems: every problem at once.
    """
    if not text.strip():
        raise InputError([Problem(origin, 1, 1, "file is empty")])
    try:
        node = _compose(text, origin)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        message = exc.problem or exc.context or "invalid YAML"
        if mark is not None and text[mark.index : mark.index + 1] == "\t":
            message += " (a tab: YAML is indented with spaces)"
        raise InputError([Problem(origin, line, column, f"invalid YAML: {message}")]) from None
    except YAMLError as exc:
        raise InputError([Problem(origin, 1, 1, f"invalid YAML: {exc}")]) from None
    if node is None:
        raise InputError([Problem(origin, 1, 1, "file holds no YAML document")])
    builder = _Builder(origin)
    data = builder.build(node, (), 0)
    if builder.problems and (builder.stopped or not lenient):
        raise InputError(builder.problems)
    return Document(origin, data, builder.values, builder.keys, tuple(builder.problems))


def _compose(text: str, origin: str) -> Any:
    """The node tree of ``text``: by the fast C parser, else by the pure one, so that only
    what neither reads is an error (reported as the C parser words it)."""
    # ruamel.yaml keeps a record of every document it composed: a batch of 30,000 kept
    # 30,000 of them. Only the one being composed is read (by its parser).
    _PARSER.doc_infos.clear()
    _PURE.doc_infos.clear()
    try:
        _check_depth(text, origin, _PARSER)
        return _c_compose(text)
    except MarkedYAMLError as first:
        try:
            with warnings.catch_warnings():
                # The pure composer only warns of a reused anchor; the C parser refused it.
                warnings.simplefilter("error", ReusedAnchorWarning)
                _check_depth(text, origin, _PURE)
                return _PURE.compose(text)
        except (MarkedYAMLError, RecursionError, ReusedAnchorWarning):
            raise first from None


def _check_depth(text: str, origin: str, parser: YAML) -> None:
    """Refuse nesting deeper than ``MAX_DEPTH`` before the (recursive) composer sees it.

    Walking the event stream (iteratively) costs a second parse, so it is done
    only when a cheap upper bound on the depth could exceed the limit: flow
    brackets anywhere, plus, per line, the indentation and the compact
    indicators (``- - -``, ``? ? ?``) that open a level without a new line.
    """
    if not _may_nest_deeply(text):
        return
    depth = 0
    for event in _events(text, parser):
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise InputError(
                    [
                        Problem(
                            origin,
                            mark.line + 1,
                            mark.column + 1,
                            f"nesting deeper than {MAX_DEPTH} levels",
                        )
                    ]
                )
        elif isinstance(event, CollectionEndEvent):
            depth -= 1


def _events(text: str, parser: YAML) -> Iterator[Any]:
    """The parse events of ``text``. The C parser's come from the composer class made once:
    ``YAML.parse``, like ``compose``, defined a loader class for each document, left in a
    reference cycle for the garbage collector."""
    if parser is not _PARSER or _COMPOSER is None:
        yield from parser.parse(text)
        return
    events = _COMPOSER(text)
    try:
        while events.check_event():
            yield events.get_event()
    finally:
        events.dispose()


class _Builder:
    """Turns a composed node tree into plain values, collecting problems."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.problems: list[Problem] = []
        self.values: dict[Path_, tuple[int, int]] = {}
        self.keys: dict[Path_, tuple[int, int]] = {}
        self.count = 0
        self.chars = 0
        self.stopped = False

    def problem(self, node: Node, message: str) -> None:
        mark = node.start_mark
        self.problems.append(Problem(self.origin, mark.line + 1, mark.column + 1, message))

    def build(self, node: Node, path: Path_, depth: int) -> Any:
        if self.stopped:
            return None
        self.count += 1
        if self.count > MAX_VALUES:
            self.problem(node, f"document expands to more than {MAX_VALUES} values (aliases?)")
            self.stopped = True
            return None
        if depth > MAX_DEPTH:
            self.problem(node, f"nesting deeper than {MAX_DEPTH} levels (recursive alias?)")
            self.stopped = True
            return None
        mark = node.start_mark
        if isinstance(node, ScalarNode):
            # Kept if the path has one already (one lookup: a batch builds millions).
            self.values.setdefault(path, (mark.line + 1, mark.column + 1))
            self.chars += len(node.value)
            if self.chars > MAX_EXPANDED:
                self.problem(
                    node,
                    f"document expands to more than {MAX_EXPANDED // 1_048_576} MiB of text"
                    " (an alias repeats a long value?)",
                )
                self.stopped = True
                return None
            return self.scalar(node)
        if path not in self.values:
            # A block collection starts on the line after its key; point at the key.
            self.values[path] = self.keys.get(path) or (mark.line + 1, mark.column + 1)
        tag = _tag(node)
        if isinstance(node, SequenceNode):
            if tag != _SEQ:
                self.problem(node, f"YAML tag '{_short(tag)}' is not allowed here")
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            if tag != _MAP:
                self.problem(node, f"YAML tag '{_short(tag)}' is not allowed here")
            return self.mapping(node, path, depth)
        self.problem(node, "unsupported YAML node")  # pragma: no cover - parser gives no others
        return None

    def mapping(self, node: MappingNode, path: Path_, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        keys = self.keys
        for key_node, value_node in node.value:
            key_tag = _tag(key_node)
            if key_tag != _STR:
                if key_tag == _MERGE:
                    self.problem(
                        key_node, "merge keys ('<<') are not supported; write the keys out"
                    )
                    continue
                if not isinstance(key_node, ScalarNode):
                    self.problem(key_node, "a key must be a plain scalar, not a collection")
                    continue
                if key_tag not in _CORE_SCALARS:
                    self.problem(key_node, f"YAML tag '{_short(key_tag)}' is not allowed here")
                    continue
            key = str(key_node.value)
            self.chars += len(key)
            child = (*path, key)
            start = key_node.start_mark
            mark = (start.line + 1, start.column + 1)
            duplicate = key in result
            first = keys.get(child, mark) if duplicate else keys.setdefault(child, mark)
            if duplicate or first is not mark:
                self.problem(key_node, f"duplicate key '{key}' (first defined on line {first[0]})")
                continue
            result[key] = self.build(value_node, child, depth + 1)
        return result

    def scalar(self, node: ScalarNode) -> Any:
        tag, text = _tag(node), node.value
        if tag == _STR or tag == _TAG + "timestamp":
            return text
        if (
            tag in _NUMBERS
            and len(text) > MAX_DIGITS
            and sum(c.isalnum() for c in text) > MAX_DIGITS
        ):
            # As in TOML and JSON: no proposal needs one, and its text would fill the message.
            self.problem(node, f"a number of more than {MAX_DIGITS} digits")
            return None
        if tag == _TAG + "null" and text in ("", "~", "null", "Null", "NULL"):
            return None
        if tag == _TAG + "bool" and text.lower() in ("true", "false"):
            return text.lower() == "true"
        if tag == _TAG + "int" and isinstance(number := _to_int(text), int):
            return number
        if tag == _TAG + "float":
            lowered = text.lower()
            if lowered in _FLOATS:
                return _FLOATS[lowered]
            try:
                return float(text)
            except ValueError:
                pass
        if tag in _CORE_SCALARS:
            self.problem(node, f"'{text}' is not a valid {_short(tag)}")
            return None
        self.problem(
            node, f"YAML tag '{_short(tag)}' is not allowed: tags cannot construct objects"
        )
        return None


def _tag(node: Node) -> str:
    """``node.tag`` without building the string anew for every node.

    A resolved tag (no ``!!`` handle, nothing %-escaped) is its suffix; ruamel's
    ``tag`` property re-derives that through URI decoding on each access.
    """
    ctag = node.ctag
    if ctag.handle is None and "%" not in (ctag.suffix or "%"):
        return str(ctag.suffix)
    return str(node.tag)


def _to_int(text: str) -> int | str:
    sign = -1 if text.startswith("-") else 1
    body = text.lstrip("+-").lower()
    try:
        if body.startswith("0x"):
            return sign * int(body[2:], 16)
        if body.startswith("0o"):
            return sign * int(body[2:], 8)
        if body.startswith("0b"):
            return sign * int(body[2:], 2)
        return sign * int(body, 10)
    except ValueError:
        return text


def _short(tag: str | None) -> str:
    if tag is None:
        return "?"
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag


def read_mirror(place: Traversable) -> dict[str, Any]:
    """A JSON mirror of bundled YAML files: what was read from each, by name, with the sha256
    of the text it was read from (``mirrored``). Empty when it cannot be read: the YAML
    files stay the source, the mirror only saves parsing them at every start."""
    try:
        data = json.loads(place.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def mirrored(mirror: Mapping[str, Any], name: str, digest: str) -> dict[str, Any] | None:
    """``name``'s entry in ``mirror`` if it was made from the text whose ``text_digest`` is
    ``digest``, else None (it is stale)."""
    entry = mirror.get(name)
    if isinstance(entry, dict) and entry.get("sha256") == digest:
        return entry
    return None


def text_digest(text: str) -> str:
    """The sha256 of ``text`` as UTF-8, the key a mirror's entry is checked by."""
    return hashlib.sha256(text.encode()).hexdigest()


def document_record(doc: Document) -> dict[str, Any]:
    """``doc`` as JSON values, positions as ``[path, line, column]`` (``document_of_record``).

    ``ValueError`` when JSON cannot hold it exactly (NaN, which comes back unequal to
    itself; problems kept from a lenient reading): a mirror never differs from its YAML.
    """
    record = {
        "data": doc.data,
        "values": [[list(path), *at] for path, at in doc.values.items()],
        "keys": [[list(path), *at] for path, at in doc.keys.items()],
    }
    try:
        again = document_of_record(doc.origin, json.loads(json.dumps(record)))
    except TypeError as exc:
        raise ValueError(f"{doc.origin} cannot be kept as JSON: {exc}") from None
    if again != doc or json.dumps(again.data) != json.dumps(doc.data):  # order included
        raise ValueError(f"{doc.origin} cannot be kept as JSON exactly")
    return record


def document_of_record(origin: str, record: Mapping[str, Any]) -> Document:
    """The ``Document`` a ``document_record`` holds; ``ValueError`` when it holds none."""
    try:
        values = {tuple(path): (line, column) for path, line, column in record["values"]}
        keys = {tuple(path): (line, column) for path, line, column in record["keys"]}
        return Document(origin, record["data"], values, keys)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"not a document record: {exc}") from None


def iter_paths(data: Any, path: Path_ = ()) -> Iterator[Path_]:
    """Every path to a value in ``data``, each parent before its children (the property tests
    check that a document can locate every one)."""
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from iter_paths(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from iter_paths(value, (*path, i))
