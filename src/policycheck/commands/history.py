"""The `history` command: a proposal's grade, score, coverage and risks over its git history.

``policycheck history FILE`` reads every committed revision of FILE from git (renames
followed; ``--since DATE`` keeps the later ones), assesses each with the rubric and
reference data of today, and prints one row per revision, oldest first.

Exit codes: 0 when the history is shown (revisions that cannot be assessed are rows marked
``invalid``, not errors); 2 when FILE is not in a git repository, git has no commit of it,
or an option is unusable. The work is in ``policycheck.history`` and its renderers in
``policycheck.render.history``; heavy imports stay inside the command.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from policycheck.errors import UsageError
from policycheck.options import ConfigOpt, ReferenceOpt, RubricOpt


class HistoryFormat(StrEnum):
    TERMINAL = "terminal"
    JSON = "json"
    MARKDOWN = "markdown"
    HTML = "html"
    XLSX = "xlsx"


def history_command(
    file: Annotated[
        Path,
        typer.Argument(
            help="The proposal file (in a git repository).",
            metavar="FILE",
            show_default=False,
            dir_okay=False,
        ),
    ],
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Only revisions authored on or after DATE (YYYY-MM-DD, from midnight UTC, "
            "or an ISO 8601 time).",
            metavar="DATE",
        ),
    ] = None,
    format: Annotated[
        HistoryFormat,
        typer.Option("--format", "-f", help="terminal, json, markdown, html or xlsx (with -o)."),
    ] = HistoryFormat.TERMINAL,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to this file (atomically) instead of stdout.",
            dir_okay=False,
        ),
    ] = None,
    rubric: RubricOpt = None,
    reference: ReferenceOpt = None,
    config: ConfigOpt = None,
    width: Annotated[
        int | None, typer.Option("--width", help="Terminal report width.", min=40)
    ] = None,
) -> None:
    """Show a proposal's grade, score, range, coverage and risks at each git revision.

    Every revision is assessed with today's rubric and reference data, so a change in
    grade is a change in the file. Renames are followed.
    """
    from policycheck import config as configuration
    from policycheck.engine import Assessor
    from policycheck.history import history, parse_since
    from policycheck.output import write_atomic
    from policycheck.render import history as render

    if since is not None:
        parse_since(since)  # a bad date is reported before any work
    if format is HistoryFormat.XLSX and (output is None or str(output) == "-"):
        raise UsageError("--format xlsx writes a binary workbook: give a file with --output")
    assessor = Assessor.configured(configuration.load(config, Path.cwd()), rubric, reference)
    result = history(assessor, file, since=since)
    data: str | bytes
    if format is HistoryFormat.JSON:
        data = render.render_json(result)
    elif format is HistoryFormat.MARKDOWN:
        data = render.render_markdown(result)
    elif format is HistoryFormat.HTML:
        data = render.render_html(result)
    elif format is HistoryFormat.XLSX:
        data = render.render_xlsx(result)
    elif output is not None:
        data = render.render_text(result, width=width or 100)
    else:
        from policycheck.streams import console as make_console
        from policycheck.text import printable_tree

        console = make_console(width=width)
        for part in render.render_terminal(printable_tree(result)):
            console.print(part)
        return
    write_atomic(output or Path("-"), data, inputs=[file])
