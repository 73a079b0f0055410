"""Text made literal for GitHub-flavoured Markdown: what every Markdown report escapes with.

Markdown-active characters are backslash-escaped; bare URLs, e-mail addresses,
``@mentions`` and ``#references`` are broken with a zero-width space; newlines and control
characters are removed; file names and locations go in code spans, where nothing is active.
"""

from __future__ import annotations

import functools
import re

# Characters that are active somewhere in GitHub-flavoured Markdown (emphasis, code, links,
# raw HTML, entities, tables, strikethrough, math, headings); all are ASCII punctuation, so a
# backslash escape makes each literal.
_ACTIVE = frozenset("\\`*_[]<>|~$&#")
_ZWSP = "&#8203;"
# C0/C1 control characters (tab and newlines are handled apart) and the bidirectional
# overrides that can make text read differently from what it is.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_NEWLINES = re.compile(r"\r\n|[\r\n\u2028\u2029\x85]")
#: Each active character escaped, a newline made a line break (in a table) or a space.
_ESCAPES = {ord(c): "\\" + c for c in _ACTIVE}
_IN_TABLE = str.maketrans({**_ESCAPES, ord("\n"): "<br>"})
_IN_TEXT = str.maketrans({**_ESCAPES, ord("\n"): " "})
#: "@name" mentions and "#123" references: a mark followed by a letter or digit.
_MENTION = re.compile(r"([@#])(?=[^\W_])")
_URL_SCHEME = re.compile(r"(?<=[A-Za-z0-9]):(?=//)")
_WWW = re.compile(r"(?i)\b(www)\.")
_BACKTICKS = re.compile("`+")


def clean(value: str, newline: str = " ") -> str:
    """``value`` without control characters and bidi overrides, its newlines replaced."""
    if value.isprintable():  # no tab, newline, control character or bidi override in it
        return value.strip()
    value = _INVISIBLE.sub("", value.replace("\t", " "))
    return _NEWLINES.sub(newline, value).strip()


@functools.lru_cache(maxsize=8192)
def md_text(value: str, *, table: bool = False) -> str:
    """``value`` as literal Markdown text: nothing in it formats, links, mentions or breaks out.

    In a table cell (``table``), newlines become ``<br>``; elsewhere, spaces. Kept for the
    texts that repeat from proposal to proposal (titles, advice, levels).
    """
    text = clean(value, "\n").translate(_IN_TABLE if table else _IN_TEXT)
    # "@name" mentions, "#123" references and e-mail addresses are linked by GitHub after
    # rendering, whatever the escapes: a zero-width space breaks them. (What follows a mark
    # is as it was unless it was escaped or a newline: then it is no letter or digit.)
    if "@" in text or "#" in text:
        text = _MENTION.sub(r"\1" + _ZWSP, text)
    # GFM links bare URLs ("http://x", "www.x") on its own: break "://" and "www.".
    text = _URL_SCHEME.sub(":" + _ZWSP, text)
    return _WWW.sub(lambda m: m.group(1) + _ZWSP + ".", text)


def md_code(value: str, *, table: bool = False) -> str:
    """``value`` as a code span (nothing is active inside), with a fence longer than any
    run of backticks in it."""
    value = clean(value)
    fence = "`" * (max(map(len, _BACKTICKS.findall(value)), default=0) + 1) if "`" in value else "`"
    pad = " " if value.startswith("`") or value.endswith("`") or not value.strip() else ""
    span = f"{fence}{pad}{value}{pad}{fence}"
    # A pipe ends a table cell even inside a code span; GFM takes "\|" there as a pipe.
    return span.replace("|", "\\|") if table else span
