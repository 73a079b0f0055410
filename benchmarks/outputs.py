"""Issue 13's table: every output of a batch, and one file, against check-jsonschema.

Run by hand (it reports, it never gates: the exit status is 0 unless a command fails in a
way its row does not expect)::

    python benchmarks/outputs.py                      # 1 file, and 1,000 files
    python benchmarks/outputs.py --count 200          # a quicker batch
    python benchmarks/outputs.py --runs 3 --json t.json
    python benchmarks/outputs.py --curve 1000,10000,100000   # time per file (slow: hours)

Each row is a ``policycheck`` command timed beside check-jsonschema on the same generated
proposals (``generate.py``), with check-jsonschema's C YAML parser (``ruamel.yaml.clib``)
and without it (the import of ``_ruamel_yaml`` blocked, which is what a plain ``pip
install check-jsonschema`` without the wheel gives). Runs are interleaved (one of each
command, then again) and the median wall time is kept. The peak memory is sampled in runs
of its own, after the timed ones (``--memory-runs``, one of each command by default): from
``/proc`` every 25 ms, summed over the process tree (the command and its workers), PSS
(``smaps_rollup``) where the kernel gives it, else RSS. The sampler is not run while a
command is timed: it reads ``/proc`` on the machine's cores, and on two cores it slowed
policycheck's three processes by 5 to 8 % (medians of 14 runs of each) where a
one-process command such as check-jsonschema leaves it the idle core. The machine, its
cores and its load average (start and end) are printed with the table.

Only the standard library is used. See ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate, policycheck_command
from run import children_map

#: Issue 13's targets: a ratio to check-jsonschema (with its C parser), or seconds.
MEMORY_TARGET_MB = 300.0
#: The batch rows' targets are for this many files.
BATCH_TARGET_FILES = 1000
VERSION_TARGET_S = 0.050
SAMPLE_EVERY_S = 0.025
#: The process tree is looked for again every this many samples.
RESCAN_EVERY = 8

#: Run check-jsonschema in-process, with or without the C YAML parser: the same wrapper
#: both ways, so that the two differ only in the parser.
_CJS = """\
import sys
if {pure!r}:
    sys.modules["_ruamel_yaml"] = None  # ruamel.yaml falls back to its pure-Python parser
sys.argv[0] = "check-jsonschema"
from check_jsonschema import main
sys.exit(main())
"""


@dataclass(frozen=True)
class Case:
    """One row of the table: a policycheck command and what it is compared with."""

    key: str
    label: str
    #: "one" (a single file) or "batch" (the corpus).
    size: str
    #: The arguments after ``policycheck``; ``{file}``, ``{dir}`` and ``{out}`` are filled in.
    args: tuple[str, ...]
    #: The check-jsonschema command it is compared with: "check", "version" or "help".
    against: str = "check"
    #: The target: a ratio to check-jsonschema (C parser), or seconds when ``absolute``.
    target: float | None = None
    absolute: bool = False
    #: Exit codes the command may give (a gate fails on some generated proposals).
    codes: frozenset[int] = frozenset({0})


CASES = (
    Case(
        "one-json",
        "assess F --format json",
        "one",
        ("assess", "{file}", "--format", "json"),
        target=0.8,
    ),
    Case("version", "--version", "one", ("--version",), "version", VERSION_TARGET_S, absolute=True),
    Case("help", "--help", "one", ("--help",), "help", 0.8),
    Case("json", "--format json", "batch", ("assess", "{dir}", "--format", "json"), target=0.25),
    Case(
        "gate",
        "--fail-under C",
        "batch",
        ("assess", "{dir}", "--fail-under", "C"),
        target=0.25,
        codes=frozenset({0, 1}),
    ),
    Case(
        "outputs",
        "-o r.json -o r.md -o r.sarif",
        "batch",
        ("assess", "{dir}", "-o", "{out}/r.json", "-o", "{out}/r.md", "-o", "{out}/r.sarif"),
        target=0.5,
    ),
    Case("terminal", "default terminal output", "batch", ("assess", "{dir}"), target=0.5),
    Case("xlsx", "--xlsx", "batch", ("assess", "{dir}", "--xlsx", "{out}/r.xlsx"), target=0.6),
)


# --- memory: the process tree, PSS where available -----------------------------------------


def _process_kb(pid: int) -> tuple[int, str]:
    """A process's proportional set size (kB), else its resident set size."""
    for name, field_name in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            with open(f"/proc/{pid}/{name}") as handle:
                for line in handle:
                    if line.startswith(field_name):
                        return int(line.split()[1]), field_name.rstrip(":")
        except OSError:
            continue
    return 0, ""


class TreeSampler:
    """The peak memory summed over a process and its descendants, polled until stopped."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.peak_kb = 0
        self.kind = ""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeSampler:
        if Path("/proc").is_dir():
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        # Finding the tree means reading every process's stat: done every tenth sample
        # only, so that the sampler costs the machine little (workers start early and stay).
        pids: list[int] = [self.root]
        for number in itertools.count():
            if self._stop.is_set():
                return
            if number % RESCAN_EVERY == 0:
                children = children_map()
                pids, todo = [], [self.root]
                while todo:
                    pid = todo.pop()
                    pids.append(pid)
                    todo.extend(children.get(pid, ()))
            total = 0
            for pid in pids:
                kb, kind = _process_kb(pid)
                total += kb
                self.kind = self.kind or kind
            self.peak_kb = max(self.peak_kb, total)
            self._stop.wait(SAMPLE_EVERY_S)


# --- timing ----------------------------------------------------------------------------------


@dataclass
class Measure:
    """The runs of one command: wall times (s) and peak memory (MB) of each."""

    command: list[str]
    codes: frozenset[int] = frozenset({0})
    walls: list[float] = field(default_factory=list)
    peaks: list[float] = field(default_factory=list)
    memory_kind: str = ""
    error: str | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.walls) if self.walls and not self.error else None

    @property
    def peak(self) -> float | None:
        return max(self.peaks) if self.peaks and not self.error else None


def run_once(m: Measure, before: Callable[[], None] | None = None, *, sample: bool = False) -> None:
    """One run of ``m.command`` (stdout and stderr to /dev/null): timed, or with ``sample``
    its peak memory sampled (and its time not kept: see the module docstring)."""
    if before is not None:
        before()
    start = time.perf_counter()
    proc = subprocess.Popen(m.command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if sample:
        with TreeSampler(proc.pid) as sampler:
            _, err = proc.communicate()
    else:
        _, err = proc.communicate()
    wall = time.perf_counter() - start
    if proc.returncode not in m.codes:
        last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        m.error = f"exit code {proc.returncode}: {last[0][:200]}"
        return
    if sample:
        m.peaks.append(sampler.peak_kb / 1024)
        m.memory_kind = sampler.kind
    else:
        m.walls.append(wall)


def interleaved(
    measures: dict[str, Measure],
    runs: int,
    warmup: int,
    before: Callable[[], None] | None = None,
    progress: Callable[[str], None] | None = None,
    memory_runs: int = 1,
) -> None:
    """Run each command once in turn, ``warmup + runs`` times, keeping the times of the last
    ``runs``; then ``memory_runs`` times more, sampling the memory."""
    rounds = warmup + runs + memory_runs
    for round_number in range(rounds):
        sample = round_number >= warmup + runs
        for label, m in measures.items():
            if m.error:
                continue
            if progress is not None:
                what = "memory" if sample else "time"
                progress(f"round {round_number + 1}/{rounds} ({what}): {label}")
            run_once(m, before, sample=sample)
            if round_number < warmup and not m.error:
                m.walls.clear()


# --- the table -------------------------------------------------------------------------------


@dataclass
class Row:
    key: str
    label: str
    files: int
    policycheck_s: float | None
    jsonschema_c_s: float | None
    jsonschema_pure_s: float | None
    ratio_c: float | None
    ratio_pure: float | None
    target: str
    met: bool | None
    peak_mb: float | None
    jsonschema_c_peak_mb: float | None
    error: str | None = None


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else a / b


def _cjs(python: str, pure: bool, args: Sequence[str]) -> list[str]:
    return [python, "-c", _CJS.format(pure=pure), *args]


def _fill(args: Sequence[str], file: Path, folder: Path, out: Path) -> list[str]:
    return [a.format(file=file, dir=folder, out=out) for a in args]


def _target(case: Case, median: float | None, ratio: float | None) -> tuple[str, bool | None]:
    if case.target is None:
        return "", None
    if case.absolute:
        met = None if median is None else median < case.target
        return f"< {case.target * 1000:.0f} ms", met
    return f"≤ {case.target:g}×", None if ratio is None else ratio <= case.target


def measure_table(
    cases: Sequence[Case],
    *,
    pc: list[str],
    cjs_python: str,
    schema: Path,
    file: Path,
    folder: Path,
    files: int,
    out: Path,
    runs: int,
    one_runs: int,
    jobs: int | None,
    verbose: bool,
    memory_runs: int = 1,
) -> tuple[list[Row], str]:
    """Time every case and its check-jsonschema counterparts, interleaved; and what the
    memory figures sum ("Pss", or "VmRSS" where the kernel gives no PSS)."""
    corpus = sorted(str(p) for p in folder.glob("*.yaml"))
    jobs_args = ["--jobs", str(jobs)] if jobs else []
    references = {
        ("one", "check"): ["--schemafile", str(schema), str(file)],
        ("one", "version"): ["--version"],
        ("one", "help"): ["--help"],
        ("batch", "check"): ["--schemafile", str(schema), *corpus],
    }

    def progress(message: str) -> None:
        if verbose:
            print(f"  {message}", file=sys.stderr)

    rows = []
    kinds: set[str] = set()
    for size, count, repeats in (("one", 1, one_runs), ("batch", files, runs)):
        chosen = [c for c in cases if c.size == size]
        if not chosen:
            continue
        measures: dict[str, Measure] = {}
        for (kind, against), args in references.items():
            if kind == size and any(c.against == against for c in chosen):
                for pure in (False, True):
                    name = f"check-jsonschema {against} ({'pure' if pure else 'C'})"
                    measures[name] = Measure(_cjs(cjs_python, pure, args))
        if size == "one":
            # What any Python command costs to start, beside ``--version``'s target.
            measures["python"] = Measure([sys.executable, "-c", "pass"])
        for c in chosen:
            extra = jobs_args if c.args[:1] == ("assess",) else []
            command = [*pc, *_fill(c.args, file, folder, out), *extra]
            measures[c.key] = Measure(command, c.codes)
        step(f"{count} file(s): {len(measures)} commands, {repeats} interleaved run(s) each")
        interleaved(measures, repeats, 1, lambda: _empty(out), progress, memory_runs)
        for c in chosen:
            m = measures[c.key]
            c_ref = measures[f"check-jsonschema {c.against} (C)"]
            pure_ref = measures[f"check-jsonschema {c.against} (pure)"]
            ratio = _ratio(m.median, c_ref.median)
            target, met = _target(c, m.median, ratio)
            if size == "batch" and count != BATCH_TARGET_FILES:
                # The batch targets are set at 1,000 files: elsewhere the ratio only informs.
                target, met = f"({target} at {BATCH_TARGET_FILES:,})", None
            rows.append(
                Row(
                    c.key,
                    c.label,
                    count,
                    m.median,
                    c_ref.median,
                    pure_ref.median,
                    ratio,
                    _ratio(m.median, pure_ref.median),
                    target,
                    met,
                    m.peak,
                    c_ref.peak,
                    m.error or c_ref.error or pure_ref.error,
                )
            )
        kinds.update(m.memory_kind for m in measures.values() if m.memory_kind)
        if "python" in measures:
            bare = measures["python"]
            rows.append(
                Row(
                    "python",
                    "(bare python -c pass)",
                    1,
                    bare.median,
                    None,
                    None,
                    None,
                    None,
                    "",
                    None,
                    bare.peak,
                    None,
                    bare.error,
                )
            )
    return rows, "/".join(sorted(kinds))


# --- the time-per-file curve -----------------------------------------------------------------


@dataclass
class Point:
    key: str
    files: int
    seconds: float | None
    ms_per_file: float | None
    linearity: float | None  # ms per file ÷ that of the smallest size
    peak_mb: float | None
    error: str | None = None


def _empty(folder: Path) -> None:
    """Remove the reports of the last run (not timed): each run writes afresh."""
    for path in folder.iterdir():
        path.unlink()


def _subset(source: list[Path], count: int, target: Path) -> Path:
    """A folder of the first ``count`` files of ``source`` (hard links, else copies)."""
    target.mkdir(parents=True, exist_ok=True)
    for path in source[:count]:
        link = target / path.name
        try:
            os.link(path, link)
        except OSError:
            shutil.copyfile(path, link)
    return target


def measure_curve(
    sizes: Sequence[int],
    keys: Sequence[str],
    *,
    pc: list[str],
    work: Path,
    out: Path,
    runs: int,
    jobs: int | None,
    seed: int,
    corpus: Path | None = None,
    memory_runs: int = 1,
) -> list[Point]:
    """Time each ``keys`` case at each size: file ``i`` is the same at every size.

    ``corpus``: a folder ``generate.py`` wrote with at least the largest size (its
    first files), instead of generating one here.
    """
    cases = [c for c in CASES if c.key in keys and c.size == "batch"]
    largest = max(sizes)
    if corpus is not None:
        source = sorted(corpus.glob("*.yaml"))[:largest]
        if len(source) < largest:
            raise SystemExit(f"{corpus} holds {len(source)} proposals, fewer than {largest}")
    else:
        step(f"generating {largest} proposals for the curve")
        source = generate(work / "curve-all", largest, seed)
    points: list[Point] = []
    first: dict[str, float] = {}
    for size in sorted(sizes):
        whole = size == largest and corpus is None
        folder = source[0].parent if whole else _subset(source, size, work / f"n{size}")
        for c in cases:
            extra = ["--jobs", str(jobs)] if jobs else []
            m = Measure([*pc, *_fill(c.args, source[0], folder, out), *extra], c.codes)
            step(f"curve: {c.label} at {size} files ({runs} run(s))")
            interleaved({c.key: m}, runs, 0, lambda: _empty(out), memory_runs=memory_runs)
            seconds = m.median
            per_file = None if seconds is None else seconds * 1000 / size
            if per_file is not None:
                first.setdefault(c.key, per_file)
            linear = None if per_file is None else per_file / first[c.key]
            points.append(Point(c.key, size, seconds, per_file, linear, m.peak, m.error))
        if folder != source[0].parent:
            shutil.rmtree(folder)
    return points


# --- printing --------------------------------------------------------------------------------


def step(message: str) -> None:
    print(f"… {message}", file=sys.stderr, flush=True)


def _time(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value * 1000:.0f} ms" if value < 10 else f"{value:.1f} s"


def _num(value: float | None, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def _verdict(met: bool | None) -> str:
    return {True: "met", False: "MISSED", None: ""}[met]


def machine() -> dict[str, object]:
    """The machine, its cores and its load: the figures mean little without them."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {
        "host": platform.node(),
        "system": f"{platform.system()} {platform.release()}",
        "cpu": model or platform.processor(),
        "cores": os.cpu_count(),
        "cores_usable": affinity,
        "python": platform.python_version(),
        "load_start": _load(),
        "speed_start": speed_ms(),
    }


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def speed_ms() -> float:
    """The time of a fixed piece of pure-Python work on one core, in ms (median of three).

    On a shared virtual machine the same work's time moved up to twofold within a quarter
    of an hour with nothing else running and no steal time reported (README, Speed): the
    load average does not show it, and two runs of the table compare only at one speed.
    """

    def work() -> int:
        seen: dict[int, int] = {}
        total = 0
        for n in range(200_000):
            seen[n & 1023] = n
            total += seen[n & 511] % 7
        return total

    times = []
    for _ in range(3):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1000, 1)


def _version(command: list[str]) -> str:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    return (
        (result.stdout or result.stderr).strip().splitlines()[0] if result.returncode == 0 else "?"
    )


def print_table(
    rows: Sequence[Row], points: Sequence[Point], info: dict[str, object], memory: str
) -> None:
    print()
    print(
        f"machine:  {info['cpu']}, {info['cores']} cores ({info['cores_usable']} usable), "
        f"{info['system']}, Python {info['python']}"
    )
    print(f"tools:    {info['policycheck']}; {info['check_jsonschema']}")
    print(
        f"load:     {info['load_start']} at the start, {info['load_end']} at the end "
        "(1, 5, 15 min averages)"
    )
    print(
        f"speed:    a fixed loop took {info['speed_start']} ms at the start and "
        f"{info['speed_end']} ms at the end (one core; larger is slower)"
    )
    print(
        f"memory:   peak summed over the process tree ({memory or 'n/a'}), "
        f"sampled every {SAMPLE_EVERY_S * 1000:.0f} ms in untimed runs"
    )
    print()
    head = (
        "files",
        "policycheck command",
        "policycheck",
        "cjs (C)",
        "cjs (pure)",
        "÷ C",
        "÷ pure",
        "target",
        "",
        "peak MB",
        "cjs C MB",
    )
    table = [head]
    for r in rows:
        table.append(
            (
                f"{r.files:,}",
                r.label,
                _time(r.policycheck_s),
                _time(r.jsonschema_c_s),
                _time(r.jsonschema_pure_s),
                _num(r.ratio_c, ".2f"),
                _num(r.ratio_pure, ".2f"),
                r.target,
                "ERROR" if r.error else _verdict(r.met),
                _num(r.peak_mb, ".0f"),
                _num(r.jsonschema_c_peak_mb, ".0f"),
            )
        )
    widths = [max(len(str(line[i])) for line in table) for i in range(len(head))]
    for line in table:
        print("  ".join(str(v).ljust(w) for v, w in zip(line, widths, strict=True)).rstrip())
    for r in rows:
        if r.error:
            print(f"error in {r.label}: {r.error}")
    over = [r for r in rows if r.peak_mb is not None and r.peak_mb >= MEMORY_TARGET_MB]
    print(
        f"\nmemory target (< {MEMORY_TARGET_MB:.0f} MB summed, at 10,000 and 30,000 files): "
        + (
            ", ".join(f"{r.label} {r.peak_mb:.0f} MB" for r in over) + " over at this size"
            if over
            else "every row under it at this size"
        )
    )
    if points:
        print("\ntime per file (policycheck):")
        curve = [("command", "files", "time", "ms/file", "÷ first", "peak MB")]
        labels = {c.key: c.label for c in CASES}
        for p in points:
            curve.append(
                (
                    labels[p.key],
                    f"{p.files:,}",
                    _time(p.seconds) if not p.error else p.error,
                    _num(p.ms_per_file, ".2f"),
                    _num(p.linearity, ".2f"),
                    _num(p.peak_mb, ".0f"),
                )
            )
        widths = [max(len(str(point[i])) for point in curve) for i in range(len(curve[0]))]
        for point_line in curve:
            cells = zip(point_line, widths, strict=True)
            print("  ".join(str(v).ljust(w) for v, w in cells).rstrip())


# --- main ------------------------------------------------------------------------------------


def _sizes(text: str) -> list[int]:
    """``1000,10_000,100000`` as sizes."""
    sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes are positive whole numbers")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="files in the batch (default 1000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each batch command")
    parser.add_argument("--one-runs", type=int, default=10, help="timed runs of each 1-file one")
    parser.add_argument(
        "--rows", help="comma-separated row keys (default: all): " + ", ".join(c.key for c in CASES)
    )
    parser.add_argument(
        "--memory-runs",
        type=int,
        default=1,
        help="runs of each command (and curve point) whose memory is sampled, after the timed "
        "ones (default 1; their times are not kept)",
    )
    parser.add_argument("--jobs", "-j", type=int, help="policycheck --jobs (default: its own)")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument("--corpus", type=Path, help="use this folder of proposals as it is")
    parser.add_argument(
        "--jsonschema-python",
        help="the Python whose check-jsonschema to run (default: this one); it needs "
        "ruamel.yaml.clib for the C rows",
    )
    parser.add_argument(
        "--curve",
        type=_sizes,
        help="also time per file at these sizes, e.g. 1000,10000,100000 (slow)",
    )
    parser.add_argument("--curve-rows", default="json", help="rows of the curve (default json)")
    parser.add_argument("--curve-runs", type=int, default=1, help="runs per curve point")
    parser.add_argument(
        "--curve-corpus",
        type=Path,
        help="take the curve's files from this folder (generate.py's, as large as the largest "
        "size) instead of generating them",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--verbose", "-v", action="store_true", help="print each run")
    args = parser.parse_args(argv)

    keys = args.rows.split(",") if args.rows else [c.key for c in CASES]
    unknown = set(keys) - {c.key for c in CASES}
    if unknown:
        parser.error(f"unknown rows: {', '.join(sorted(unknown))}")
    cases = [c for c in CASES if c.key in keys]
    pc = policycheck_command()
    cjs_python = args.jsonschema_python or sys.executable
    probe = subprocess.run(
        [cjs_python, "-c", "import check_jsonschema, _ruamel_yaml"],
        capture_output=True,
        check=False,
    )
    if probe.returncode != 0:
        print(
            "check-jsonschema with ruamel.yaml.clib is not importable by "
            f"{cjs_python}: {probe.stderr.decode().strip().splitlines()[-1:]}",
            file=sys.stderr,
        )
        return 2
    info = machine()
    info["policycheck"] = "policycheck " + _version([*pc, "--version"]).split()[-1]
    info["check_jsonschema"] = _version(_cjs(cjs_python, False, ["--version"]))
    work = Path(tempfile.mkdtemp(prefix="policycheck-outputs-"))
    try:
        out = work / "out"
        out.mkdir()
        folder = args.corpus
        if folder is None:
            step(f"generating {args.count} proposals")
            folder = work / "proposals"
            generate(folder, args.count, args.seed)
        files = sum(1 for _ in folder.glob("*.yaml"))
        first = min(folder.glob("*.yaml"))
        schema = work / "schema.json"
        schema.write_text(
            subprocess.run([*pc, "schema"], capture_output=True, text=True, check=True).stdout,
            encoding="utf-8",
        )
        rows, memory = measure_table(
            cases,
            pc=pc,
            cjs_python=cjs_python,
            schema=schema,
            file=first,
            folder=folder,
            files=files,
            out=out,
            runs=args.runs,
            one_runs=args.one_runs,
            memory_runs=args.memory_runs,
            jobs=args.jobs,
            verbose=args.verbose,
        )
        points: list[Point] = []
        if args.curve:
            points = measure_curve(
                args.curve,
                args.curve_rows.split(","),
                pc=pc,
                work=work,
                out=out,
                runs=args.curve_runs,
                memory_runs=args.memory_runs,
                jobs=args.jobs,
                seed=args.seed,
                corpus=args.curve_corpus,
            )
        info["load_end"] = _load()
        info["speed_end"] = speed_ms()
        print_table(rows, points, info, memory)
        if args.json:
            args.json.write_text(
                json.dumps(
                    {
                        "machine": info,
                        "memory": memory,
                        "rows": [asdict(r) for r in rows],
                        "curve": [asdict(p) for p in points],
                    },
                    indent=2,
                ),
                encoding="utf-8",
            )
        return 1 if any(r.error for r in rows) else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
