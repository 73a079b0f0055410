"""The project's commands: ``schema``, ``new``, ``config``, ``waivers list``, ``baseline write``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from policycheck.cli.options import OutputOpt
from policycheck.cli.outputs import emit, exit_if_crashed, note, tell_problems
from policycheck.errors import ExitCode
from policycheck.options import ConfigOpt, ReferenceOpt, RubricOpt


def schema(
    output: OutputOpt = None,
    rubric: RubricOpt = None,
    reference: ReferenceOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Print the JSON Schema of the proposal format (for editors).

    Country codes, format and instrument ids are those of the reference data
    ``assess`` would use with the same options, so an editor flags what it flags.
    """
    from policycheck import config as configuration
    from policycheck.engine import Assessor
    from policycheck.model import json_schema

    loaded = configuration.load(config, Path.cwd())
    data = Assessor.configured(loaded, rubric, reference).reference
    emit(json.dumps(json_schema(data), indent=2, sort_keys=True) + "\n", output, [])


def new(
    file: Annotated[Path, typer.Argument(help="Where to write the template.", dir_okay=False)],
) -> None:
    """Write a commented proposal template to FILE (never overwrites)."""
    from policycheck.output import write_atomic
    from policycheck.template import TEMPLATE

    write_atomic(file, TEMPLATE, overwrite=False)
    sys.stderr.write(f"wrote {file}: fill it in, then run: policycheck assess {file}\n")


def show_config(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Proposal files or folders: show the configuration that applies to them "
            "(default: the working directory's).",
            show_default=False,
        ),
    ] = None,
    config: ConfigOpt = None,
) -> None:
    """Show the effective settings and where each comes from."""
    from policycheck import config as configuration

    loaded = configuration.load(config, Path.cwd(), paths or ())
    where = str(loaded.path) if loaded.path else "no configuration file found (defaults)"
    sys.stdout.write(f"configuration: {where}\n")
    data = loaded.settings.model_dump(mode="json")
    for key in configuration.Settings.model_fields:
        origin = loaded.origins.get(key, "default")
        value = data[key]
        if key == "waivers":
            value = f"{len(value)} waiver(s)"
        sys.stdout.write(
            f"  {key} = {json.dumps(value) if not isinstance(value, str) else value}  ({origin})\n"
        )
    sys.stdout.write("Command-line flags override these; see 'policycheck assess --help'.\n")


def list_waivers(
    config: ConfigOpt = None,
    expiring_in: Annotated[
        int | None,
        typer.Option(
            "--expiring-in", help="Only waivers expiring within DAYS days (or expired).", min=0
        ),
    ] = None,
) -> None:
    """List the configured waivers, their owners and expiry dates (UTC)."""
    import datetime as dt

    from policycheck import config as configuration

    loaded = configuration.load(config, Path.cwd())
    today = dt.datetime.now(dt.UTC).date()
    shown = 0
    for w in loaded.waivers():
        days = (w.expires - today).days
        if expiring_in is not None and days > expiring_in:
            continue
        state = f"expired {-days} day(s) ago" if days < 0 else f"expires in {days} day(s)"
        sys.stdout.write(
            f"{w.origin}: {w.target} for {w.proposal} — {state} ({w.expires}), owner {w.owner}: "
            f"{w.justification}\n"
        )
        shown += 1
    if not shown:
        sys.stdout.write(
            "no waivers"
            + (f" expiring within {expiring_in} days" if expiring_in is not None else "")
            + "\n"
        )


def write_baseline(
    file: Annotated[
        Path, typer.Argument(help="The baseline file to write (JSON).", dir_okay=False)
    ],
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="Proposals (default: the configuration's paths).", show_default=False),
    ] = None,
    config: ConfigOpt = None,
    rubric: RubricOpt = None,
    reference: ReferenceOpt = None,
) -> None:
    """Record the current findings and scores of the proposals in FILE."""
    from policycheck import config as configuration
    from policycheck import gate
    from policycheck.output import write_atomic
    from policycheck.pipeline import Channel, Request, run

    loaded = configuration.load(config, Path.cwd(), paths or ())
    request = Request(
        config=loaded,
        paths=tuple(paths or ()),
        rubric=rubric,
        reference=reference,
        allow_empty=False,
        waivers=False,  # findings are recorded as found, waived or not
        whole=True,
        empty="no proposals to record",
        channel=Channel(note=note),
    )
    outcome = run(request)
    report = outcome.report
    tell_problems(outcome)
    exit_if_crashed(outcome)
    if outcome.failed:
        raise typer.Exit(ExitCode.BAD_INPUT)
    write_atomic(
        file, gate.baseline_document(report), inputs=[Path(r.file) for r in report.results]
    )
    count = sum(len(a.risks) for a in report.assessments)
    sys.stderr.write(f"wrote {file}: {count} finding(s) in {len(report.assessments)} proposal(s)\n")
