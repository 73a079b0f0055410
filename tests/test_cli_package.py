"""The command line's shape: one list of commands, a short ``assess``, a light start-up."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main

from policycheck._version import __version__
from policycheck.cli import app, assess
from policycheck.cli.commands import COMMANDS, GROUPS
from tests.conftest import MINIMAL, PROPOSALS, fresh_python, modules_a_run_imports

#: Modules that only running a command may import: ``--help`` and ``--version`` must not.
HEAVY = (
    "policycheck.engine",
    "policycheck.pipeline",
    "policycheck.assessment",  # its classes alone are a fifth of --help's start-up
    "pydantic",
    "msgspec",  # the results' records: 5 ms of --help's start-up, with typing_extensions
    "rich",
    "openpyxl",
)


def test_assess_is_a_short_command() -> None:
    lines = Path(assess.__file__).read_text("utf-8").splitlines()
    assert len(lines) < 80


def test_every_command_is_registered_once_from_the_one_list() -> None:
    group = typer.main.get_group(app)
    listed = [c.name for c in COMMANDS] + [g.name for g in GROUPS]
    assert list(group.commands) == listed
    for g in GROUPS:
        sub = group.commands[g.name]
        assert isinstance(sub, typer.core.TyperGroup)
        assert list(sub.commands) == [c.name for c in g.commands]


@pytest.mark.parametrize("args", [["--version"], ["--help"]])
def test_version_and_help_import_no_engine(args: list[str]) -> None:
    _, code, heavy = modules_a_run_imports(args, HEAVY)
    assert (code, heavy) == (0, [])


def test_an_assessment_without_a_toml_configuration_imports_no_toml_reader(
    tmp_path: Path,
) -> None:
    """Most runs have no ``policycheck.toml`` or ``pyproject.toml`` near their files."""
    proposal = tmp_path / "p.yaml"
    proposal.write_text(MINIMAL, "utf-8")
    done, code, imported = modules_a_run_imports(
        ["assess", str(proposal), "--format", "json"], ("tomllib",), cwd=tmp_path
    )
    assert code == 0, done.stderr
    assert '"grade"' in done.stdout
    assert imported == []


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_the_console_script_answers_version_before_importing_the_parser(flag: str) -> None:
    """``--version`` is what scripts call in a loop: the console script answers it alone."""
    probe = (
        "import sys\n"
        f"sys.argv = ['policycheck', {flag!r}]\n"
        "from policycheck.entry import main\n"
        "main()\n"
        "sys.stderr.write(repr(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('typer', 'click', 'rich', 'pydantic', 'policycheck') and m not in "
        "('policycheck', 'policycheck.entry', 'policycheck._version'))))\n"
    )
    done = fresh_python(probe)
    assert done.stdout == "policycheck " + __version__ + "\n"
    assert done.stderr.strip().splitlines()[-1] == "[]", done.stderr


@pytest.mark.parametrize("code", [0, 2])
def test_the_objects_of_a_finished_command_are_frozen_out_of_the_last_collection(
    code: int,
) -> None:
    """The interpreter's last collection at exit walked every object a run made (a tenth
    of a one-file run) to find nothing: the console script freezes them first, however
    the command ends; exit handlers still run."""
    argv = ["policycheck", "schema"] if code == 0 else ["policycheck", "assess", "/nonexistent"]
    probe = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: sys.stderr.write(f'frozen={gc.get_freeze_count() > 0}\\n'))\n"
        f"sys.argv = {argv!r}\n"
        "from policycheck.entry import main\n"
        "main()\n"
    )
    done = fresh_python(probe)
    assert done.returncode == code, done.stderr
    assert done.stderr.splitlines()[-1] == "frozen=True"


@pytest.mark.parametrize("code", [0, 1, 2])
def test_the_console_script_ends_without_tearing_the_interpreter_down(code: int) -> None:
    """Freeing every module and object at exit took 6 to 10 ms after the work was done:
    the process ends without it (the audit event of the teardown is not raised), after
    its exit handlers and with its output flushed, with the command's exit code."""
    argv = {
        0: ["policycheck", "assess", str(PROPOSALS), "-q"],
        1: ["policycheck", "assess", str(PROPOSALS), "-q", "--fail-under", "A"],
        2: ["policycheck", "assess", "/nonexistent"],
    }[code]
    probe = (
        "import atexit, os, sys\n"
        "def hook(event, args, write=os.write):\n"
        "    if event == 'cpython.PyInterpreterState_Clear':  # the interpreter's teardown\n"
        "        write(2, b'torn down\\n')\n"
        "sys.addaudithook(hook)\n"
        "atexit.register(lambda: sys.stderr.write('handler ran\\n'))\n"
        f"sys.argv = {argv!r}\n"
        "from policycheck.entry import main\n"
        "print('x' * 100_000)\n"
        "main()\n"
    )
    done = fresh_python(probe)
    assert done.returncode == code, done.stderr
    assert done.stdout.startswith("x" * 100_000 + "\n")
    assert "handler ran" in done.stderr
    assert "torn down" not in done.stderr


def test_a_thread_still_running_is_waited_for_as_at_any_exit() -> None:
    """Ending the process at once would cut a thread off: with one running, the
    interpreter's own exit is taken, which waits for it."""
    probe = (
        "import sys, threading, time\n"
        "def late():\n"
        "    time.sleep(0.5)\n"
        "    sys.stderr.write('thread done\\n')\n"
        "threading.Thread(target=late).start()\n"
        "sys.argv = ['policycheck', 'schema']\n"
        "from policycheck.entry import main\n"
        "main()\n"
    )
    done = fresh_python(probe)
    assert done.returncode == 0, done.stderr
    assert "thread done" in done.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_assessment_starts_with_no_garbage_collection_and_collects_while_it_assesses(
    tmp_path: Path, jobs: str
) -> None:
    """Start-up (imports, the rubric, the reference data) makes objects that live as long as
    the run, and the collector's passes over them found nothing (19 ms of a one-file
    run): ``assess`` starts with it off, and turns it on, with start-up frozen, before the
    first proposal is read, in the main process and in its workers."""
    for n in range(250):
        (tmp_path / f"p{n:03d}.yaml").write_text(MINIMAL.replace("id: test", f"id: p{n}"))
    first = tmp_path / "p000.yaml"
    probe = (
        "import gc, os, sys\n"
        "passes = []\n"
        "gc.callbacks.append(lambda phase, info: phase == 'start' and passes.append(1))\n"
        "seen = set()\n"
        "def hook(event, args):\n"
        # A file opened to be read has a mode; one read ahead (os.open, in the main process
        # too) has none.
        f"    if event == 'open' and str(args[0]).startswith({str(tmp_path)!r})\\\n"
        "            and args[1] is not None and os.getpid() not in seen:\n"
        "        seen.add(os.getpid())\n"
        "        os.write(2, f'{os.getpid()} {len(passes)} {gc.isenabled()}\\n'.encode())\n"
        f"sys.argv = ['policycheck', 'assess', {str(first if jobs == '1' else tmp_path)!r},\n"
        f"            '--format', 'json', '-j', {jobs!r}]\n"
        "from policycheck.entry import main\n"
        "passes.clear()\n"
        "sys.addaudithook(hook)\n"
        "main()\n"
    )
    done = fresh_python(probe)
    assert done.returncode == 0, done.stderr
    seen = [line.split() for line in done.stderr.splitlines()]
    assert len(seen) == int(jobs)  # each process that assesses, at its first proposal
    assert all(enabled == "True" for _, _, enabled in seen), seen
    if jobs == "1":  # (a worker counts the passes the main process made before it forked it)
        assert seen[0][1] == "0", seen


def test_unused_arguments_are_linted() -> None:
    """ruff's ARG rules: an argument nobody reads (like --debug's value once was) is an error."""
    import tomllib

    from tests.conftest import ROOT

    lint = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["ruff"]["lint"]
    assert "ARG" in lint["select"]


def test_a_command_runs_in_an_application_of_that_command_alone() -> None:
    """Typer works out every registered command's options before running one: a run
    builds only its own; help and a mistyped name get the whole list."""
    from policycheck.cli.app import _app_for

    assert list(typer.main.get_group(_app_for(["assess", "x.yaml"])).commands) == ["assess"]
    for args in ([], ["--help"], ["asess"], ["rubric", "list"], ["-V"]):
        assert _app_for(args) is app


@pytest.mark.parametrize("name", [c.name for c in COMMANDS])
def test_a_command_alone_parses_and_helps_as_among_all(name: str) -> None:
    from typer.testing import CliRunner

    from policycheck.cli.app import _app_for

    runner = CliRunner()
    alone = runner.invoke(_app_for([name]), [name, "--help"], prog_name="policycheck")
    among = runner.invoke(app, [name, "--help"], prog_name="policycheck")
    assert alone.exit_code == among.exit_code == 0
    assert alone.output == among.output
    wrong = [name, "--no-such-option"]
    assert runner.invoke(_app_for([name]), wrong).output == runner.invoke(app, wrong).output
