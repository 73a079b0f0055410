"""Text from proposal files made safe for where it goes: a terminal, or an XML document.

Proposal text is anyone's text. A terminal acts on control characters (an
escape sequence can clear the screen or forge a hyperlink), and XML 1.0
cannot carry some characters at all (a workbook holding ``U+FFFE`` does not
open). Every renderer that writes XML and every line printed go through the
two functions here, so the rule is written once.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from enum import Enum
from typing import TypeVar, cast

T = TypeVar("T")

#: Characters XML 1.0 cannot carry, even escaped: the complement of its ``Char`` production
#: (#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]) within Unicode,
#: spelled out: as a negated class it took 6 ms to compile, at every start-up.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """``value`` with every character XML 1.0 forbids shown as U+FFFD.

    Each of those is a control, surrogate or non-character, never printable: most text
    ``isprintable`` and is let through without the substitution.
    """
    return value if value.isprintable() else _NOT_XML.sub("\ufffd", value)


def _escapes() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in [*range(0x20), *range(0x7F, 0xA0)]:
        if chr(code) not in "\n\t":
            table[code] = f"\\x{code:02x}"
    # Bidirectional overrides and isolates: text that reads otherwise than it is.
    for code in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]:
        table[code] = f"\\u{code:04x}"
    # Lone surrogates: bytes of a file name that were not UTF-8 (os.fsdecode's escapes).
    for code in range(0xD800, 0xE000):
        table[code] = f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"
    return table


PRINTABLE = _escapes()
#: Every character the escape tables rewrite (the same set in both): a quick test before
#: the (slow, per-character) translation, since almost all text has none of them.
NEEDS_ESCAPE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


#: ``NEEDS_ESCAPE`` for UTF-8 bytes: the controls (one byte each) ...
_CONTROL_BYTES = bytes([*range(0x09), *range(0x0B, 0x20), 0x7F])
#: ... and the rest, encoded, by their first byte (a surrogate only as ``surrogatepass``
#: writes it). One pattern for each: a search for a pattern that starts with a given byte
#: is five times quicker than for their alternation. Compiled when first wanted (``re``
#: keeps them): compiling the three at start-up took 0.2 ms.
_ENCODED = (
    (b"\xc2", rb"\xc2[\x80-\x9f]"),
    (b"\xe2", rb"\xe2(?:\x80[\xaa-\xae]|\x81[\xa6-\xa9])"),
    (b"\xed", rb"\xed[\xa0-\xbf]"),
)


def utf8_needs_escape(data: bytes) -> bool:
    """Whether the text ``data`` encodes holds a character ``NEEDS_ESCAPE`` finds, without
    decoding it: a third of the time of decoding it and testing the text."""
    if len(data.translate(None, _CONTROL_BYTES)) != len(data):
        return True
    if data.isascii():
        return False
    return any(lead in data and re.search(pattern, data) for lead, pattern in _ENCODED)


def escaped(value: str, table: dict[int, str]) -> str:
    """``value`` with ``table`` applied, skipping the translation when nothing needs it.

    Every character ``NEEDS_ESCAPE`` finds is a control, format or surrogate character,
    never printable: text that ``isprintable`` (a result's JSON, a line without its
    newline) is let through without the search, which takes twice as long.
    """
    if value.isprintable() or not NEEDS_ESCAPE.search(value):
        return value
    return value.translate(table)


def printable(value: str) -> str:
    """``value`` as the terminal should show it: control characters written as escapes.

    Newlines and tabs stay; ESC becomes ``\\x1b``, a non-UTF-8 byte of a file
    name ``\\xff``, a bidi override ``\\u202e``.
    """
    return escaped(value, PRINTABLE)


def display_path(path: object) -> str:
    """A file name as reports show it: its non-UTF-8 bytes and control characters escaped."""
    return printable(str(path)).replace("\n", "\\n").replace("\t", "\\t")


def printable_tree(value: T) -> T:
    """``value`` (a report, a result, a JSON-like document) with every text in it ``printable``."""
    return map_text(value, printable)


def map_text(value: T, function: Callable[[str], str]) -> T:
    """``value`` with ``function`` applied to every text in it: in dataclasses, structs, tuples,
    lists and dicts (keys too). Enumerations stay as they are: their values are the
    tool's own words.
    """
    if isinstance(value, Enum):
        return value
    if isinstance(value, str):
        return function(value)  # type: ignore[return-value]
    if isinstance(value, tuple):
        return tuple(map_text(item, function) for item in value)  # type: ignore[return-value]
    if isinstance(value, list):
        return [map_text(item, function) for item in value]  # type: ignore[return-value]
    if isinstance(value, dict):
        return {  # type: ignore[return-value]
            map_text(k, function): map_text(v, function) for k, v in value.items()
        }
    struct_fields: tuple[str, ...] | None = getattr(type(value), "__struct_fields__", None)
    if struct_fields is not None:  # a msgspec Struct (imported only where one exists)
        from msgspec import Struct, structs

        changes = {name: map_text(getattr(value, name), function) for name in struct_fields}
        return cast(T, structs.replace(cast(Struct, value), **changes))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: map_text(getattr(value, f.name), function)
            for f in dataclasses.fields(value)
            if f.init
        }
        return dataclasses.replace(value, **changes)
    return value
