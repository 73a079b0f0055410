"""Command-line options shared by several commands, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

RubricOpt = Annotated[
    Path | None,
    typer.Option(
        "--rubric",
        help="Rubric: a bundled name (default) or a file (default: the configured rubric).",
        dir_okay=False,
    ),
]
ReferenceOpt = Annotated[
    Path | None,
    typer.Option(
        "--reference",
        help="Folder of reference-data files overriding the bundled ones "
        "(default: $POLICYCHECK_REFERENCE).",
        envvar="POLICYCHECK_REFERENCE",
        file_okay=False,
    ),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config", help="Configuration file (default: discovered; see README).", dir_okay=False
    ),
]
