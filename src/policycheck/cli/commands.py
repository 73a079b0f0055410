"""Every command of ``policycheck``, registered here and only here.

To add a command, write it as a module-level function (its docstring is its
help, its parameters typed with ``Annotated[..., typer.Option(...)]``; import
heavy modules inside it, so ``--help`` stays fast) and add one line below:
``Command(NAME, function)`` in ``COMMANDS``, or in a ``Group``'s commands for
``policycheck GROUP NAME``. ``--help`` lists them in this order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import typer

from policycheck.cli import assess, project
from policycheck.commands import compare, history, rubric_test, rubrics, rules


@dataclass(frozen=True)
class Command:
    name: str
    function: Callable[..., Any]


@dataclass(frozen=True)
class Group:
    name: str
    help: str
    commands: tuple[Command, ...]


COMMANDS = (
    Command("assess", assess.assess),
    Command("schema", project.schema),
    Command("new", project.new),
    Command("config", project.show_config),
    Command("rules", rules.rules),
    Command("explain", rules.explain),
    Command("compare", compare.compare_command),
    Command("history", history.history_command),
)

GROUPS = (
    Group(
        "waivers",
        "Waivers: accepted risks with a justification and an expiry date.",
        (Command("list", project.list_waivers),),
    ),
    Group(
        "baseline",
        "Baselines: record today's findings so only new or worse ones fail.",
        (Command("write", project.write_baseline),),
    ),
    Group(
        "rubric",
        "Rubrics: list the available ones, show one, validate a rubric file.",
        (
            Command("test", rubric_test.rubric_test),
            Command("list", rubrics.list_rubrics),
            Command("show", rubrics.show),
            Command("validate", rubrics.validate),
        ),
    ),
)


def register(app: typer.Typer, *, only: str | None = None) -> None:
    """Add every command and group above to ``app`` (``only``: that top-level command alone)."""
    for command in COMMANDS:
        if only is None or command.name == only:
            app.command(command.name)(command.function)
    if only is not None:
        return
    for group in GROUPS:
        sub = typer.Typer(help=group.help, no_args_is_help=True)
        for command in group.commands:
            sub.command(command.name)(command.function)
        app.add_typer(sub, name=group.name)
