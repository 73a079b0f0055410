"""Clean shutdown: a signal ends a parallel run at once, and no worker outlives it."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FULL, PROPOSALS

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

#: Files in the batch: a run of 1,500 lasts well past the signal; the full run's killed-worker
#: test assesses 3,000 to their end.
FILES = 3000 if FULL else 1500


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough proposals for a parallel run that lasts a few seconds."""
    folder = tmp_path_factory.mktemp("batch")
    text = (PROPOSALS / "kosovo-armed-drones-2023.yaml").read_text()
    for n in range(FILES):
        (folder / f"p{n:04}.yaml").write_text(text.replace("id: kosovo", f"id: k{n}-kosovo", 1))
    return folder


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _ignores_sigint(pid: int) -> bool:
    """Whether process ``pid`` ignores SIGINT (``SigIgn`` in ``/proc/PID/status``); one that
    has ended has nothing left to wait for."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    for line in status.splitlines():
        if line.startswith("SigIgn:"):
            return bool(int(line.split()[1], 16) & (1 << (signal.SIGINT - 1)))
    return False


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _start(
    batch: Path, *args: str, settle: float = 0.3
) -> tuple[subprocess.Popen[bytes], list[int]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "policycheck", "assess", str(batch), "-j", "2", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        workers = _children(process.pid)
        if len(workers) == 2:
            time.sleep(settle)  # let them start on their chunks
            return process, workers
        assert process.poll() is None, "the run ended before its workers were seen"
        time.sleep(0.02)
    raise AssertionError("no workers started")


@pytest.mark.parametrize(
    ("signum", "code"),
    [
        (signal.SIGTERM, 143),
        # One handler for the three: the default run sends what CI and `docker stop` send.
        pytest.param(signal.SIGHUP, 129, marks=pytest.mark.full),
        pytest.param(signal.SIGINT, 130, marks=pytest.mark.full),
    ],
)
def test_a_signal_ends_the_run_promptly_with_no_orphan(batch: Path, signum: int, code: int) -> None:
    process, workers = _start(batch, "-f", "json")
    sent = time.monotonic()
    process.send_signal(signum)
    _, err = process.communicate(timeout=10)
    elapsed = time.monotonic() - sent
    assert process.returncode == code, err
    assert elapsed < 1.0
    name = signal.Signals(signum).name
    assert (
        err.decode().splitlines()[-1] == f"policycheck: stopped by {name} before the run finished"
    )
    assert b"Traceback" not in err
    assert not [w for w in workers if _running(w)]


def test_ctrl_c_to_the_whole_group_gives_one_message(batch: Path) -> None:
    """A terminal sends SIGINT to every process of the group, workers included."""
    with _in_session(batch) as (process, workers):
        deadline = time.monotonic() + 30
        while not all(_ignores_sigint(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.01)  # both at work (the moment they start: the test below)
        sent = time.monotonic()
        os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=10)
        assert time.monotonic() - sent < 1.0
        assert process.returncode == 130
        assert err.decode().splitlines() == [
            "policycheck: stopped by SIGINT before the run finished"
        ]
        assert not [w for w in workers if _running(w)]


def _session(pid: int) -> list[int]:
    """The processes of session ``pid`` still running (a run started in a session of its own)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[3]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def _session_ends(pid: int, within: float) -> list[int]:
    """What is left of session ``pid`` once its processes have had ``within`` seconds to end."""
    deadline = time.monotonic() + within
    while (left := _session(pid)) and time.monotonic() < deadline:
        time.sleep(0.02)
    return left


@contextlib.contextmanager
def _in_session(
    batch: Path, *, stdout: int = subprocess.PIPE
) -> Iterator[tuple[subprocess.Popen[bytes], list[int]]]:
    """A parallel run in a session of its own (as from a terminal), once both workers
    exist; whatever is left of the session is killed after."""
    process = subprocess.Popen(
        [sys.executable, "-m", "policycheck", "assess", str(batch), "-j", "2", "-q"],
        stdout=stdout,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while len(workers := _children(process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.001)
        yield process, workers
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


@pytest.mark.parametrize("attempt", range(4 if FULL else 2))
def test_ctrl_c_as_the_workers_start_gives_one_message_and_no_orphan(
    batch: Path, attempt: int
) -> None:
    """Ctrl-C the moment the workers exist, before their first step: a worker between its
    fork and that step once ran the main process's handler (a traceback, and a worker
    left waiting forever on its pipe)."""
    with _in_session(batch) as (process, _):
        os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=10)
        assert process.returncode == 130, err
        assert err.decode().splitlines() == [
            "policycheck: stopped by SIGINT before the run finished"
        ]
        assert _session_ends(process.pid, within=2.0) == []


def test_workers_end_on_their_own_when_the_main_process_is_killed(batch: Path) -> None:
    """SIGKILL (the OOM killer) gives the main process no chance to stop its workers: each
    then reads the end of its pipe, and ends, saying nothing."""
    with _in_session(batch, stdout=subprocess.DEVNULL) as (process, _):
        time.sleep(0.3)  # at work on their chunks
        process.kill()
        process.wait(timeout=10)
        assert _session_ends(process.pid, within=5.0) == []
    _, err = process.communicate(timeout=10)  # the workers held stderr too: now it has ended
    assert err == b""


@pytest.mark.full  # the whole batch of 3000 is assessed to its end: 15 s of CPU
def test_a_killed_workers_files_are_reported_failed_and_the_rest_reported(batch: Path) -> None:
    process, workers = _start(batch, "-f", "json", settle=0)
    assert process.stdout is not None
    seen = b""
    while b'"file"' not in seen:  # streamed: a first chunk of results is in
        part = os.read(process.stdout.fileno(), 4096)  # what has arrived
        assert part, "the run ended early"
        seen += part
    os.kill(workers[0], signal.SIGKILL)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 2, err
    results = json.loads(seen + out)["results"]
    assert len(results) == FILES
    lost = [r for r in results if r.get("status") == "invalid"]
    assert lost
    assert all("worker process" in r["problems"][0]["message"] for r in lost)
    # Only the killed worker's chunk is lost; the other worker and its replacement go on.
    assert len(lost) <= 187
    assert b"Traceback" not in err
    assert not [w for w in workers if _running(w)]
