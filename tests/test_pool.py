"""The worker pool helps or steps aside (issue 13).

By default a batch gets a worker per core left free: the cores this process
may run on (``os.sched_getaffinity``: a container's or ``taskset``'s limit)
less the load average; one means no pool. Workers are given a few files at
a time, so results stream back as they are made rather than a sixteenth of
the batch at once.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from policycheck import engine
from policycheck.assessment import Assessment, Failure, Waiver
from policycheck.engine import (
    CHUNK,
    PARALLEL_THRESHOLD,
    Assessor,
    busy,
    fewest_runnable,
    workers_for,
)
from policycheck.loading import read_ahead
from policycheck.render.json import rendered
from tests.conftest import PROPOSALS

#: Assess a folder through ``iter_mapped`` (jobs from argv, "" for the default) and print,
#: for each result, the process that made it and when, and when this process received it.
PROBE = """\
import json, os, sys, time
from pathlib import Path
from policycheck import Assessor

def made(result):
    return os.getpid(), time.monotonic()

if __name__ == "__main__":
    folder, jobs = Path(sys.argv[1]), sys.argv[2]
    files = sorted(folder.glob("*.yaml"))
    got = []
    for pid, when in Assessor().iter_mapped(files, made, jobs=int(jobs) if jobs else None):
        got.append((pid, when, time.monotonic()))
    print(json.dumps({"main": os.getpid(), "got": got}))
"""


@pytest.mark.parametrize(
    ("cores", "load", "workers"),
    [(2, 0.0, 2), (2, 0.4, 2), (2, 1.0, 1), (2, 1.75, 1), (8, 2.2, 6), (1, 0.0, 1), (4, 9.0, 1)],
)
def test_workers_are_the_cores_left_free(cores: int, load: float, workers: int) -> None:
    assert workers_for(cores, load) == workers


@pytest.mark.skipif(not Path("/proc/loadavg").exists(), reason="needs /proc/loadavg")
def test_busy_cores_are_never_more_than_the_load_average_says() -> None:
    """The count of runnable processes now caps the lagging average (a run just ended)."""
    now = busy()
    assert 0 <= now <= os.getloadavg()[0]
    runnable = int(Path("/proc/loadavg").read_text().split()[3].partition("/")[0])
    assert now <= runnable + 2  # the count moves between the two readings; by little


def test_a_process_runnable_for_an_instant_is_not_a_busy_core() -> None:
    """One reading can catch a shell's reader or a sampling monitor running: the fewest of
    several readings counts the processes that keep a core busy."""
    readings = [
        "1.90 1.20 0.80 3/211 4242\n",
        "1.90 1.20 0.80 1/211 4242\n",
        "1.90 1.20 0.80 2/211 4243\n",
    ]
    assert fewest_runnable(readings) == 1
    assert fewest_runnable(readings[:1]) == 3


def test_the_readings_stop_at_this_process_alone() -> None:
    """A reading of one runnable process (this one) cannot be beaten: the readings that
    would follow, each after a wait, are not taken."""
    taken: list[str] = []

    def readings() -> Iterator[str]:
        for text in ["1.90 1.20 0.80 2/211 4242\n", "1.90 1.20 0.80 1/211 4242\n"]:
            taken.append(text)
            yield text
        raise AssertionError("read on after a reading of one")

    assert fewest_runnable(readings()) == 1
    assert len(taken) == 2
    with pytest.raises(ValueError, match="no reading"):
        fewest_runnable([])


@pytest.mark.parametrize(("average", "read"), [(0.0, False), (0.5, False), (0.51, True)])
def test_a_quiet_machine_is_not_read_again(
    monkeypatch: pytest.MonkeyPatch, average: float, read: bool
) -> None:
    """A load average of a half or less leaves every core to the batch whatever the
    readings say (they can only lower it): they are not taken. (The machine's load cannot
    be set from a test: the average and the readings are stood in for.)"""
    taken: list[int] = []

    def readings() -> Iterator[str]:
        taken.append(1)
        yield "0.51 0.20 0.10 1/211 4242\n"

    monkeypatch.setattr(os, "getloadavg", lambda: (average, 0.2, 0.1))
    monkeypatch.setattr(engine, "_loadavg_readings", readings)
    assert engine.busy() == (0.0 if read else average)
    assert bool(taken) is read
    assert workers_for(2, engine.busy()) == 2


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pool")
    samples = sorted(PROPOSALS.glob("*.yaml"))
    for n in range(400):
        shutil.copy(samples[n % len(samples)], folder / f"p{n:04d}.yaml")
    return folder


def _probe(tmp_path: Path, batch: Path, jobs: str, cpus: set[int] | None = None) -> dict:  # type: ignore[type-arg]
    script = tmp_path / "probe.py"
    script.write_text(PROBE, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), str(batch), jobs],
        capture_output=True,
        text=True,
        check=True,
        preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None,
    )
    result: dict = json.loads(done.stdout)  # type: ignore[type-arg]
    return result


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="needs sched_setaffinity")
def test_a_process_held_to_one_core_assesses_without_a_pool(tmp_path: Path) -> None:
    """``taskset -c 0`` (or a one-CPU container) on a machine of many cores: no workers,
    for a batch big enough to have them otherwise."""
    samples = sorted(PROPOSALS.glob("*.yaml"))
    for n in range(PARALLEL_THRESHOLD):
        shutil.copy(samples[n % len(samples)], tmp_path / f"p{n:04d}.yaml")
    one = {min(os.sched_getaffinity(0))}
    probe = _probe(tmp_path, tmp_path, "", one)
    assert {pid for pid, _, _ in probe["got"]} == {probe["main"]}
    assert len(probe["got"]) == PARALLEL_THRESHOLD


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="needs sched_getaffinity")
def test_workers_send_results_a_few_files_at_a_time(tmp_path: Path, batch: Path) -> None:
    """The first results arrive after a chunk of files, not after a sixteenth of the batch.

    Counted in the worker that made the first result: it sends a chunk, and is given the
    next one before the first result is handed on, so it has made at most two chunks by
    then (the pool once sent a sixteenth of the batch at a time: 25 files here). All
    workers together may have made more: on a loaded machine (the test suite's own
    workers), the one holding the first chunk can be kept waiting while another assesses
    several chunks in turn.
    """
    probe = _probe(tmp_path, batch, "2")
    got = probe["got"]
    assert len(got) == 400
    assert probe["main"] not in {pid for pid, _, _ in got}
    first_pid, _, first_received = got[0]
    made_before = sum(pid == first_pid and when <= first_received for pid, when, _ in got)
    assert made_before <= 2 * CHUNK, f"{made_before} results made before the first arrived"
    assert first_received < max(when for _, when, _ in got)


def test_spawned_workers_give_what_one_process_gives(
    batch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where workers are spawned (macOS, Windows), each builds its own assessor from the
    rubric, reference data, waivers and date of the main process's: the same results."""
    files = sorted(batch.glob("*.yaml"))[:PARALLEL_THRESHOLD]
    lapsed = Waiver(  # lapsed on the assessor's date; active on a worker that lost it
        target="CE03",
        proposal="kosovo-armed-drones-2023",
        justification="pending the SRAC review",
        owner="bob",
        expires=dt.date(2026, 1, 10),
        origin="policycheck.toml:22",
    )
    assessor = Assessor(waivers=(lapsed,), today=dt.date(2026, 1, 15))
    alone = [r.data for r in assessor.iter_mapped(files, rendered, jobs=1)]
    monkeypatch.setattr(engine, "START_METHOD", "spawn")
    spawned = [r.data for r in assessor.iter_mapped(files, rendered, jobs=2)]
    assert spawned == alone
    assert not any(b"worker process" in text for text in spawned)  # none lost
    assert sum(b'"active":false' in text for text in spawned) >= 2


def _collect_after(_result: Assessment | Failure) -> int:
    """The first generation's threshold of the process that made the result."""
    import gc

    return gc.get_threshold()[0]


def test_spawned_workers_collect_as_the_main_process_does(
    batch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A forked worker inherits the collector's threshold (the command line's is raised,
    ``pipeline._tune_gc``); a spawned one is told it, and kept Python's 700 before."""
    import gc

    files = sorted(batch.glob("*.yaml"))[:PARALLEL_THRESHOLD]
    monkeypatch.setattr(engine, "START_METHOD", "spawn")
    gc.set_threshold(12_345)  # restored after the test (``conftest._collector_threshold``)
    assert set(Assessor().iter_mapped(files, _collect_after, jobs=2)) == {12_345}


_MAIN = os.getpid()


def _fails_in_a_worker(result: Assessment | Failure) -> str:
    """Whether a result is a file's or a lost one's; in a worker, an OSError for one file
    (a write that failed)."""
    if os.getpid() != _MAIN and result.file.endswith("p0100.yaml"):
        raise OSError("no space left on device")
    lost = isinstance(result, Failure) and "worker process" in result.problems[0].message
    return "lost" if lost else "assessed"


@pytest.mark.skipif(engine.START_METHOD != "fork", reason="a test-local transform: forked workers")
def test_an_error_in_a_workers_work_is_shown_and_its_chunk_reported_lost(
    batch: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """A worker ends quietly only when the main process is gone (its pipe closed); an error
    in the work itself still ends it with its traceback, and its files are reported lost."""
    files = sorted(batch.glob("*.yaml"))[:PARALLEL_THRESHOLD]
    got = list(Assessor().iter_mapped(files, _fails_in_a_worker, jobs=2))
    chunk = 100 // CHUNK * CHUNK
    assert got[chunk : chunk + CHUNK] == ["lost"] * CHUNK
    assert got.count("lost") == CHUNK
    assert "OSError: no space left on device" in capfd.readouterr().err


def test_the_pool_asks_for_each_chunk_once_before_the_one_given_before_it(
    batch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each worker's first chunk before the workers start; then, as a chunk is given, the one
    given two turns later (two workers): every chunk asked for once, and while the chunks
    given before it are assessed, not as it is given."""
    from multiprocessing.connection import Connection

    files = sorted(batch.glob("*.yaml"))[:PARALLEL_THRESHOLD]
    chunks = [files[i : i + CHUNK] for i in range(0, len(files), CHUNK)]
    log: list[tuple[str, int]] = []

    def recorded(paths: list[Path]) -> None:
        log.append(("ask", chunks.index(list(paths))))
        read_ahead(paths)

    send = Connection.send

    def sending(self: Connection, obj: object) -> None:
        if isinstance(obj, tuple):  # (chunk index, its files): a chunk given to a worker
            log.append(("give", obj[0]))
        send(self, obj)

    monkeypatch.setattr(engine, "read_ahead", recorded)
    monkeypatch.setattr(Connection, "send", sending)
    got = list(Assessor().iter_mapped(files, rendered, jobs=2))
    assert len(got) == len(files)
    assert [n for kind, n in log if kind == "ask"] == list(range(len(chunks)))
    assert sorted(n for kind, n in log if kind == "give") == list(range(len(chunks)))
    for n in range(1, len(chunks)):
        assert log.index(("ask", n)) < log.index(("give", n - 1)), log


def test_one_process_asks_for_the_next_files_while_it_assesses(
    batch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = sorted(batch.glob("*.yaml"))[: 3 * CHUNK + 2]
    asked: list[list[Path]] = []

    def recorded(paths: list[Path]) -> None:
        asked.append(list(paths))
        read_ahead(paths)

    monkeypatch.setattr(engine, "read_ahead", recorded)
    for seen, _ in enumerate(Assessor().iter_mapped(files, rendered, jobs=1), start=1):
        # Every file to come within the next run of files has been asked for.
        assert sum(len(a) for a in asked) + 1 >= min(len(files), seen + CHUNK)
    assert [p for a in asked for p in a] == files[1:]  # the first is read at once
