"""Shared fixtures and helpers: one assessor per session, the samples, and the CLI in-process.

Two depths of run (CONTRIBUTING.md, "Set up and test"):

- the default (``python -m pytest``): every test but those marked ``full``, with a light
  Hypothesis profile; fast enough to run after every change;
- the full run (``POLICYCHECK_TESTS=full python -m pytest``, what ``.ci/run`` does): the
  ``full`` tests too (batches of hundreds or thousands of proposals, workbooks converted by
  LibreOffice, a real ``pre-commit run``), and the Hypothesis profile that tries more examples."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from policycheck import Assessment, Assessor, Report

ROOT = Path(__file__).resolve().parent.parent
PROPOSALS = ROOT / "proposals"

#: The sample proposals' file names, in order.
SAMPLES = sorted(p.name for p in PROPOSALS.glob("*.yaml"))
#: The date every snapshot was made with.
FIXED_TIME = "2026-01-01T00:00:00Z"

MINIMAL = """\
schema_version: 1
id: test
title: Test initiative
status: proposed
participants: [AL]
"""

# Bytecode for the test modules is cached even where the environment sets
# PYTHONDONTWRITEBYTECODE: otherwise pytest rewrites and compiles every test module again in
# each xdist worker of each run (some 2.5 s of CPU a worker here). The cache goes in the
# ``__pycache__`` folders git ignores, beside the ``.pytest_cache`` and ``.hypothesis`` the
# suite writes anyway; subprocesses the tests start keep the environment's setting.
sys.dont_write_bytecode = False

#: ``POLICYCHECK_TESTS=full`` asks for the full run (``.ci/run`` sets it).
FULL = os.environ.get("POLICYCHECK_TESTS", "") == "full"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "full: runs only in the full run (POLICYCHECK_TESTS=full, as .ci/run sets): "
        "proves something at a scale the default run cannot afford",
    )
    if hasattr(config, "workerinput") or not config.getoption("numprocesses", None):
        _hypothesis_profile()
    # else: pytest-xdist's controller, which runs no test: it starts without importing
    # Hypothesis or policycheck, and its workers start sooner.


def _hypothesis_profile() -> None:
    """The Hypothesis profiles: ``full`` tries as many examples as the property tests were
    written for; the default a tenth of them. ``max_examples`` is the scorer's count, the
    fuzzers take 2.5 times as many (``tests/test_properties.py``)."""
    from hypothesis import HealthCheck, settings

    slow_is_fine = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
    settings.register_profile(
        "full", max_examples=100, deadline=None, suppress_health_check=slow_is_fine
    )
    settings.register_profile(
        "default-run", max_examples=10, deadline=None, suppress_health_check=slow_is_fine
    )
    settings.load_profile("full" if FULL else "default-run")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if FULL:
        return
    skip = pytest.mark.skip(reason="full run only: POLICYCHECK_TESTS=full (as .ci/run sets)")
    for item in items:
        if item.get_closest_marker("full") is not None:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _collector_threshold() -> Iterator[None]:
    """A command line run in the test's process raises the collector's threshold there
    (``pipeline._tune_gc``): each test leaves it as it found it."""
    import gc

    thresholds = gc.get_threshold()
    yield
    gc.set_threshold(*thresholds)


@pytest.fixture(scope="session")
def assessor() -> Assessor:
    from policycheck import Assessor

    return Assessor()


@pytest.fixture(scope="session")
def samples_report(assessor: Assessor) -> Report:
    """The eight samples assessed in one process, dated ``FIXED_TIME``."""
    return assessor.run([PROPOSALS / n for n in SAMPLES], generated_at=FIXED_TIME, jobs=1)


def zip_of(members: dict[str, bytes]) -> bytes:
    """A zip package of ``members`` (name: bytes), in that order."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def assess_yaml(assessor: Assessor, text: str, origin: str = "test.yaml") -> Assessment:
    """Assess a proposal given as (dedented) YAML text; raises InputError when invalid."""
    return assessor.assess_bytes(textwrap.dedent(text).encode(), origin)


def left_for_the_collector(work: Callable[[], object]) -> list[str]:
    """The types of what ``work`` leaves that only the garbage collector would free
    (objects in reference cycles), the collector off meanwhile."""
    import gc

    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        work()
        gc.collect()
        return [type(o).__name__ for o in gc.garbage]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if enabled:
            gc.enable()


def sample_report(assessor: Assessor, names: list[str], monkeypatch: pytest.MonkeyPatch) -> Report:
    """The named samples assessed as the snapshots were made: from the repository root, in
    one process, dated ``FIXED_TIME``."""
    monkeypatch.chdir(ROOT)
    return assessor.run([Path("proposals") / n for n in names], generated_at=FIXED_TIME, jobs=1)


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the CLI in this process through its entry point: (exit code, stdout, stderr).

    A command that returns without ``SystemExit`` exits 0, as ``policycheck`` would.
    """
    from policycheck.cli import main

    try:
        main(list(args))
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    out, err = capsys.readouterr()
    return (code if isinstance(code, int) else 0), out, err


def modules_a_run_imports(
    args: list[str], modules: tuple[str, ...], *, cwd: Path | None = None, first: str = ""
) -> tuple[subprocess.CompletedProcess[str], int, list[str]]:
    """The run of the command line with ``args`` in a fresh interpreter (after the
    statements ``first``), its exit code, and which of ``modules`` it imported.

    Without coverage's start-up in the interpreter: it imports modules of its own
    (``tomllib``, to read its settings from ``pyproject.toml``).
    """
    probe = (
        f"import json, sys\n{first}\n"
        "from policycheck.cli import main\n"
        "code = 0\n"
        "try:\n"
        f"    main({args!r})\n"
        "except SystemExit as exc:\n"
        "    code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1\n"
        f"seen = sorted(m for m in {modules!r} if m in sys.modules)\n"
        "sys.stderr.write('\\n' + json.dumps([code, seen]))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_PROCESS_")}
    done = fresh_python(probe, cwd=cwd, env=env)
    code, seen = json.loads(done.stderr.strip().splitlines()[-1])
    return done, code, seen


def fresh_python(
    code: str, *, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``code`` run by a fresh interpreter (what a console script starts as)."""
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=cwd,
        env=env,
    )


@contextlib.contextmanager
def process_like(cwd: Path, env: dict[str, str]) -> Iterator[None]:
    """This process in ``cwd`` with exactly ``env`` as its environment, both restored after:
    ``run_cli`` inside it runs as a subprocess given that folder and environment would, without
    the cost of starting one."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        with contextlib.chdir(cwd):
            yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def sheet_charts(sheet: object) -> list[Any]:
    """The charts of a worksheet (or those combined into one chart): openpyxl keeps them in a
    private list its type stubs omit."""
    return list(vars(sheet)["_charts"])


def shared_dir(
    tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]
) -> Path:
    """A folder made once per test run by ``make`` and shared by every pytest-xdist worker.

    The first worker to ask makes it under a lock; the others wait, then use what it made.
    Use it for what is costly and only read afterwards (a wheel, a hook repository).
    """
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's folder, above each worker's own
    folder = base / name
    done = base / f"{name}.done"
    with (base / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # a failed attempt's leftovers
            folder.mkdir()
            make(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def built_wheel(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """This checkout built as a wheel and installed (no editable paths, no dependencies) into a
    folder of its own: (the wheel, the folder to put on PYTHONPATH). Built once per run."""

    pip = (sys.executable, "-m", "pip")

    def build(folder: Path) -> None:
        dist = folder / "dist"
        # The project's build backend through its PEP 517 hook, as a frontend calls it (what
        # ``pip wheel --no-build-isolation`` does, without pip's second of start-up).
        hook = f"import hatchling.build as b; b.build_wheel({str(dist)!r})"
        built = subprocess.run(
            [sys.executable, "-c", hook],
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
        )
        assert built.returncode == 0, f"wheel build failed:\n{built.stdout}\n{built.stderr}"
        (wheel,) = dist.glob("policycheck-*.whl")
        installed = subprocess.run(
            [*pip, "install", "--no-deps", "--target", str(folder / "site"), str(wheel)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert installed.returncode == 0, installed.stderr

    folder = shared_dir(tmp_path_factory, "wheel", build)
    (wheel,) = (folder / "dist").glob("policycheck-*.whl")
    return wheel, folder / "site"
