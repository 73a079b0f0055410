"""Renderers: each takes the same immutable ``Report`` and returns text or bytes.

Adding a format adds one module with ``render(report) -> str`` (or bytes) and a
line in ``render`` below. Renderers do no I/O and read no clock.

The report files a large batch writes (Markdown, HTML, JUnit, SARIF) are each
written from per-result pieces (a module's ``piece``, made in the worker that
assessed the result) and a ``Book`` of them that keeps the tallies the
whole-batch parts need (counts, the first assessment's criteria, SARIF's
artifacts) and writes the document a piece at a time; ``render(report)`` goes
through the same pieces and book, so both give the same bytes. The pieces wait
in memory or spilled to temporary files (``parts``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, assert_never

if TYPE_CHECKING:
    from policycheck.assessment import Report
    from policycheck.render.paper import Paper
    from policycheck.render.paths import SourceRoot


class Format(StrEnum):
    TERMINAL = "terminal"
    JSON = "json"
    MARKDOWN = "markdown"
    HTML = "html"
    XLSX = "xlsx"
    SARIF = "sarif"
    JUNIT = "junit"
    GITHUB = "github"


#: Formats whose output is binary: they need a file, not stdout.
BINARY = frozenset({Format.XLSX})

#: The format a file suffix implies, for ``--output PATH``.
SUFFIXES = {
    ".txt": Format.TERMINAL,
    ".json": Format.JSON,
    ".md": Format.MARKDOWN,
    ".html": Format.HTML,
    ".htm": Format.HTML,
    ".xlsx": Format.XLSX,
    ".sarif": Format.SARIF,
    ".xml": Format.JUNIT,
}


def render(
    report: Report,
    fmt: Format,
    *,
    explain: bool = False,
    width: int = 100,
    keep_waived: bool = False,
    where: SourceRoot | None = None,
    paper: Paper = "a4",
    marking: str | None = None,
) -> str | bytes:
    """The report in ``fmt``; heavy libraries are imported only for the format that needs them.

    ``keep_waived`` concerns SARIF; ``where`` (the repository root) SARIF's URIs and the
    GitHub annotations' files, which GitHub reads relative to the repository root;
    ``paper`` and ``marking`` (a protective marking for every printed page) the workbook.
    """
    match fmt:
        case Format.TERMINAL:
            from policycheck.render import terminal

            return terminal.render_text(report, explain=explain, width=width)
        case Format.JSON:
            from policycheck.render import json

            return json.render(report)
        case Format.MARKDOWN:
            from policycheck.render import markdown

            return markdown.render(report)
        case Format.HTML:
            from policycheck.render import html

            return html.render(report)
        case Format.XLSX:
            from policycheck.render import xlsx

            return xlsx.render(report, paper=paper, marking=marking)
        case Format.SARIF:
            from policycheck.render import sarif

            return sarif.render(report, keep_waived=keep_waived, where=where)
        case Format.JUNIT:
            from policycheck.render import junit

            return junit.render(report)
        case Format.GITHUB:
            from policycheck.render import github

            return github.render(report, where=where)
        case _:
            assert_never(fmt)


__all__ = ["BINARY", "SUFFIXES", "Format", "render"]
