"""The ``policycheck`` application and its entry point, ``main``.

Commands are registered in one place, ``cli.commands``. Start-up stays light:
``--version`` and ``--help`` import no engine, pydantic or reference data, since
each command imports what it needs when it runs.
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from typing import TYPE_CHECKING, Annotated

import typer

from policycheck._version import __version__
from policycheck.cli import plugin_loader
from policycheck.errors import ExitCode, PolicycheckError

if TYPE_CHECKING:
    from collections.abc import Iterator


def _typer() -> typer.Typer:
    return typer.Typer(
        name="policycheck",
        help="Score defence-cooperation proposals (YAML) against a rubric drawn from a policy brief.",
        no_args_is_help=True,
        add_completion=True,
        context_settings={"help_option_names": ["-h", "--help"]},
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )


app = _typer()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"policycheck {__version__}")
        raise typer.Exit()


def _root(
    _show_version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
    _debug: Annotated[
        bool,
        typer.Option(
            "--debug", help="Show the traceback of an internal error (also after a command)."
        ),
    ] = False,
) -> None:
    """The global options, declared here so that --help lists them; neither value is read here.

    ``--version`` acts in its callback. ``--debug`` is taken out of the arguments by
    ``main`` wherever it stands (``assess ... --debug`` too), before typer parses them.
    """


app.callback()(_root)


def main(argv: list[str] | None = None) -> None:
    """Entry point: user errors exit 2 with a message; bugs exit 3, traceback only with --debug.

    Usage errors (unknown options, bad values) are reported by typer itself, exit 2.
    """
    from policycheck.streams import install

    # The command line uses no pydantic plugin, and looking for them reads the metadata of
    # every installed package at start-up (a tenth of a one-file run); a user can still
    # set the variable to have them.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if os.environ["PYDANTIC_DISABLE_PLUGINS"] in plugin_loader.DISABLED:
        plugin_loader.install()  # pydantic's loader would import importlib.metadata to load none
    # openpyxl writes its XML with lxml when lxml happens to be installed, and the workbook's
    # bytes then differ (its declarations are quoted otherwise): the same input must give the
    # same workbook wherever it is run. Its own writer is also what a plain install has, and
    # importing lxml cost a workbook run a tenth of a second.
    os.environ["OPENPYXL_LXML"] = "False"
    args = sys.argv[1:] if argv is None else argv
    # --debug is read wherever it stands (``assess … --debug``), not only before the command.
    end = args.index("--") if "--" in args else len(args)
    debug = "--debug" in args[:end]
    args = [a for i, a in enumerate(args) if i >= end or a != "--debug"]
    with install(), _signals():
        _main(args, debug=debug)


@contextlib.contextmanager
def _signals() -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP stop the run: workers are stopped, one line, 128 + signal.

    What CI cancels and ``docker stop`` send (SIGTERM), a closed terminal
    (SIGHUP) and Ctrl-C (SIGINT) all end the run the same way: the worker
    processes are ended and reaped, a half-written temporary file is removed,
    one line goes to stderr and the exit code is 128 + the signal number
    (130, 143, 129). A second signal during that cleanup is ignored.
    """
    import signal
    import threading

    from policycheck.forks import STOPPING as wanted

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: object) -> None:
        # An exception raised here would surface anywhere (half-way through a lock, a pipe
        # half-read) and the exit could then wait on it: the handler does the cleanup
        # itself, which needs no lock, and ends the process.
        for number in wanted:
            signal.signal(number, signal.SIG_IGN)
        from policycheck.engine import kill_workers
        from policycheck.output import remove_pending_temporaries

        kill_workers()
        remove_pending_temporaries()
        name = signal.Signals(signum).name
        with contextlib.suppress(OSError):
            os.write(2, f"policycheck: stopped by {name} before the run finished\n".encode())
        os._exit(128 + signum)

    previous = {number: signal.signal(number, stop) for number in wanted}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _app_for(args: list[str]) -> typer.Typer:
    """The application that runs ``args``: one with only the command named first, when
    the first argument names one, else every command.

    Typer works out the options of every registered command before it runs one (a
    tenth of a one-file ``assess``); a run needs only its own, as with click's lazily
    loaded subcommands. Help, completion and mistyped commands get the whole list.
    """
    from policycheck.cli.commands import COMMANDS, register

    if not args or args[0] not in {c.name for c in COMMANDS}:
        return app
    single = _typer()
    single.callback()(_root)
    register(single, only=args[0])
    return single


def _main(args: list[str], *, debug: bool) -> None:
    try:
        _app_for(args)(args=args, prog_name="policycheck")
    except PolicycheckError as exc:
        sys.stderr.write(f"error: {exc}\n")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("policycheck: stopped by SIGINT before the run finished\n")
        sys.exit(130)
    except Exception as exc:
        if debug:
            traceback.print_exc()
        sys.stderr.write(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in policycheck; please report it with the command you ran.\n"
            "Run again with --debug for the traceback.\n"
        )
        sys.exit(ExitCode.INTERNAL_ERROR)


def _register() -> None:
    from policycheck.cli.commands import register

    register(app)


_register()
