"""Benchmark policycheck against check-jsonschema and its own performance targets.

Run by hand (it reports, it never gates: the exit status is always 0)::

    python benchmarks/run.py                        # sizes 1, 1000, 10000
    python benchmarks/run.py --sizes 1,1000         # quicker
    python benchmarks/run.py --jsonschema-large     # also time check-jsonschema on 10,000 files
    python benchmarks/run.py --profile              # also print cProfile summaries

It generates synthetic proposals (``benchmarks/generate.py``) into a temporary
folder, checks that policycheck assesses them all, then measures wall-clock
time (median of a few runs; with ``hyperfine`` when it is installed), peak
memory, import time, and that the ``assess`` path does not import pandas or
openpyxl. See ``benchmarks/README.md`` for what is measured and the targets.

Only the standard library is used.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate, policycheck_command

#: Targets (see README.md).
SINGLE_RATIO = 1.0  # policycheck single file ≤ check-jsonschema single file
BATCH_RATIO = 1 / 3  # policycheck 1,000 files ≤ 1/3 of check-jsonschema's time
LARGE_SECONDS = 10.0  # policycheck 10,000 files < 10 s
LARGE_RSS_MB = 300.0  # ... and peak RSS < 300 MB
HEAVY_MODULES = ("pandas", "openpyxl", "numpy")


# --- running commands ------------------------------------------------------------------


def _tool(name: str) -> list[str] | None:
    beside = Path(sys.executable).with_name(name)
    if beside.exists():
        return [str(beside)]
    found = shutil.which(name)
    return [found] if found else None


@dataclass
class Timing:
    label: str
    median: float | None = None
    runs: list[float] = field(default_factory=list)
    error: str | None = None

    def text(self) -> str:
        if self.median is None:
            return self.error or "n/a"
        return _seconds(self.median)


def _seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def _quote(args: Sequence[str]) -> str:
    import shlex

    return " ".join(shlex.quote(a) for a in args)


class Timer:
    """Median wall-clock time of commands: hyperfine when available, else a perf_counter loop."""

    def __init__(self, use_hyperfine: bool, workdir: Path, verbose: bool) -> None:
        self.hyperfine = shutil.which("hyperfine") if use_hyperfine else None
        self.workdir = workdir
        self.verbose = verbose

    @property
    def method(self) -> str:
        return "hyperfine" if self.hyperfine else "perf_counter loop"

    def compare(self, commands: dict[str, list[str]], runs: int, warmup: int) -> dict[str, Timing]:
        """Time each command ``runs`` times (after ``warmup`` runs), stdout to /dev/null."""
        if self.hyperfine:
            try:
                return self._hyperfine(commands, runs, warmup)
            except (subprocess.CalledProcessError, OSError, ValueError, KeyError) as exc:
                print(f"  hyperfine failed ({exc}); timing with a loop", file=sys.stderr)
        return {label: self._loop(label, args, runs, warmup) for label, args in commands.items()}

    def _hyperfine(
        self, commands: dict[str, list[str]], runs: int, warmup: int
    ) -> dict[str, Timing]:
        export = self.workdir / "hyperfine.json"
        argv = [
            self.hyperfine or "hyperfine",
            "--shell=none",
            "--ignore-failure",
            "--warmup",
            str(warmup),
            "--runs",
            str(max(runs, 2)),  # hyperfine needs at least two runs
            "--export-json",
            str(export),
            "--style",
            "basic" if self.verbose else "none",
        ]
        for label, args in commands.items():
            argv += ["--command-name", label, _quote(args)]
        subprocess.run(
            argv,
            check=True,
            stdout=None if self.verbose else subprocess.DEVNULL,
            stderr=None if self.verbose else subprocess.DEVNULL,
        )
        data = json.loads(export.read_text())
        out = {}
        for label, result in zip(commands, data["results"], strict=True):
            times = [float(t) for t in result["times"]]
            codes = set(result.get("exit_codes", [0]))
            timing = Timing(label, float(result["median"]), times)
            if codes - {0}:
                timing.error = f"exit codes {sorted(codes)}"
            out[label] = timing
        return out

    def _loop(self, label: str, args: list[str], runs: int, warmup: int) -> Timing:
        timing = Timing(label)
        for i in range(warmup + runs):
            start = time.perf_counter()
            result = subprocess.run(
                args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
            )
            elapsed = time.perf_counter() - start
            if result.returncode != 0:
                timing.error = f"exit code {result.returncode}"
            if i >= warmup:
                timing.runs.append(elapsed)
        timing.median = statistics.median(timing.runs)
        return timing


def time_once(args: list[str], timeout: float) -> Timing:
    """One timed run with a time limit (for the optional, slow comparisons)."""
    timing = Timing(_quote(args[:1]))
    start = time.perf_counter()
    try:
        result = subprocess.run(
            args,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        timing.error = f"> {timeout:.0f} s (stopped)"
        return timing
    timing.median = time.perf_counter() - start
    timing.runs = [timing.median]
    if result.returncode != 0:
        timing.error = f"exit code {result.returncode}"
    return timing


# --- memory --------------------------------------------------------------------------------


@dataclass
class Memory:
    wall: float | None = None
    max_rss_mb: float | None = None  # largest single process (parent or a worker)
    tree_rss_mb: float | None = None  # sampled sum over the process tree
    processes: int = 0
    method: str = ""
    error: str | None = None


def children_map() -> dict[int, list[int]]:
    """Each process id's children, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # The command name (2nd field) may hold spaces: split after its closing parenthesis.
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    return children


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _sample_tree(root: int, stop: threading.Event, result: dict[str, int]) -> None:
    """Poll the RSS summed over ``root`` and its descendants until ``stop`` is set."""
    while not stop.is_set():
        children = children_map()
        pids, todo = [], [root]
        while todo:
            pid = todo.pop()
            pids.append(pid)
            todo.extend(children.get(pid, ()))
        total = sum(_rss_kb(p) for p in pids)
        result["peak"] = max(result.get("peak", 0), total)
        result["procs"] = max(result.get("procs", 0), len(pids))
        stop.wait(0.05)


def measure_memory(args: list[str]) -> Memory:
    """Wall time and peak RSS of one run: /usr/bin/time -v, else getrusage in a wrapper."""
    memory = Memory()
    gnu_time = Path("/usr/bin/time")
    if gnu_time.exists():
        argv = [str(gnu_time), "-v", *args]
        memory.method = "/usr/bin/time -v"
    else:
        wrapper = (
            "import resource, subprocess, sys\n"
            "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
            "kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
            "print(f'Maximum resident set size (kbytes): {kb}', file=sys.stderr)\n"
            "sys.exit(code)\n"
        )
        argv = [sys.executable, "-c", wrapper, *args]
        memory.method = "getrusage(RUSAGE_CHILDREN)"
    sampled: dict[str, int] = {}
    stop = threading.Event()
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, bufsize=1
    )
    sampler = None
    if Path("/proc").is_dir():
        sampler = threading.Thread(target=_sample_tree, args=(proc.pid, stop, sampled))
        sampler.start()
    _, err = proc.communicate()
    memory.wall = time.perf_counter() - start
    stop.set()
    if sampler is not None:
        sampler.join()
        memory.tree_rss_mb = sampled.get("peak", 0) / 1024 or None
        memory.processes = max(sampled.get("procs", 1) - 1, 1)  # the time wrapper not counted
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
    if found:
        memory.max_rss_mb = int(found.group(1)) / 1024
    if proc.returncode != 0:
        own = err.split("\tCommand being timed:")[0].strip().splitlines()
        memory.error = f"exit code {proc.returncode}" + (f": {own[-1][:200]}" if own else "")
    return memory


# --- import time and heavy modules ---------------------------------------------------------

_IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


@dataclass
class ImportTime:
    total_ms: float
    cli_ms: float
    heaviest: list[tuple[str, float]]


def import_time(repeats: int) -> ImportTime | str:
    """``python -X importtime -c 'import policycheck.cli'``: medians over ``repeats`` runs."""
    totals, clis = [], []
    heaviest: list[tuple[str, float]] = []
    for _ in range(repeats):
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import policycheck.cli"],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            return f"import failed: {_last_line(result.stderr)}"
        total = 0
        cli = 0
        roots: dict[str, int] = {}
        for line in result.stderr.splitlines():
            found = _IMPORT_LINE.match(line)
            if not found:
                continue
            own, cumulative = int(found.group(1)), int(found.group(2))
            indent, name = found.group(3), found.group(4)
            if len(indent) <= 1:  # top level: one space after the bar
                total += cumulative
            if name == "policycheck.cli":
                cli = cumulative
            root = name.split(".")[0].lstrip("_")
            roots[root] = roots.get(root, 0) + own
        totals.append(total / 1000)
        clis.append(cli / 1000)
        heaviest = sorted(((k, v / 1000) for k, v in roots.items()), key=lambda kv: -kv[1])[:10]
    return ImportTime(statistics.median(totals), statistics.median(clis), heaviest)


_HEAVY_PROBE = """\
import atexit, sys
heavy = {heavy!r}
def report():
    loaded = sorted({{m.split('.')[0] for m in sys.modules}} & set(heavy))
    print('HEAVY:' + ','.join(loaded), file=sys.__stderr__)
atexit.register(report)
from policycheck.cli import main
main({argv!r})
"""


def heavy_modules(target: Path) -> tuple[list[str], list[str]] | str:
    """Heavy modules loaded by ``import policycheck.cli`` and by a whole ``assess`` run."""
    found: list[list[str]] = []
    for argv in (["--version"], ["assess", str(target), "--format", "json"]):
        result = subprocess.run(
            [sys.executable, "-c", _HEAVY_PROBE.format(heavy=HEAVY_MODULES, argv=argv)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
        line = next((x for x in result.stderr.splitlines() if x.startswith("HEAVY:")), None)
        if line is None:
            return f"probe failed: {_last_line(result.stderr)}"
        found.append([m for m in line[len("HEAVY:") :].split(",") if m])
    return found[0], found[1]


# --- profiling (optional) ------------------------------------------------------------------


def profile(single: Path, folder: Path | None, workdir: Path) -> None:
    """Print the top of ``cProfile`` (cumulative) for one file and, if given, a folder (-j 1)."""
    targets = [("single file (startup dominated)", single)]
    if folder is not None:
        targets.append((f"{folder.name} (one process: -j 1)", folder))
    for title, target in targets:
        stats = workdir / "profile.pstats"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "cProfile",
                "-o",
                str(stats),
                "-m",
                "policycheck",
                "assess",
                str(target),
                "-f",
                "json",
                "-j",
                "1",
            ],
            stdout=subprocess.DEVNULL,
            check=False,
        )
        print(f"\n--- cProfile: {title}, top 30 by cumulative time ---")
        import pstats

        pstats.Stats(str(stats)).sort_stats("cumulative").print_stats(30)


# --- the run -------------------------------------------------------------------------------


@dataclass
class Row:
    what: str
    policycheck: str
    other: str = ""
    ratio: str = ""
    target: str = ""
    verdict: str = ""


def _verdict(ok: bool | None, target: str = "yes") -> str:
    if not target:
        return ""
    return "n/a" if ok is None else ("met" if ok else "MISSED")


def _runs_for(size: int, override: int | None) -> int:
    if override is not None:
        return override
    return 10 if size <= 10 else 5 if size <= 1000 else 3


def _check_valid(pc: list[str], target: Path, count: int) -> str | None:
    """None when policycheck assesses every file of ``target``, else what went wrong."""
    result = subprocess.run(
        [*pc, "assess", str(target), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        summary = json.loads(result.stdout)["summary"]
    except (ValueError, KeyError):
        return f"policycheck exit {result.returncode}: {_last_line(result.stderr)}"
    if summary["assessed"] != count or result.returncode != 0:
        first = result.stderr.strip().splitlines()[:1]
        return f"{summary['assessed']} of {count} assessed" + (f": {first[0]}" if first else "")
    return None


def _last_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1][:300] if lines else "(no message)"


def use_git_ref(ref: str, workdir: Path) -> str:
    """Put the ``src`` of git ``ref`` first on PYTHONPATH (for every command run from here)."""
    import io
    import tarfile

    root = Path(__file__).resolve().parent.parent
    commit = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--short", ref],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    archive = subprocess.run(
        ["git", "-C", str(root), "archive", "--format=tar", commit, "src"],
        capture_output=True,
        check=True,
    ).stdout
    snapshot = workdir / f"src-{commit}"
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(snapshot, filter="data")
    paths = [str(snapshot / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
    os.environ["PYTHONPATH"] = os.pathsep.join(paths)
    return commit


def _describe() -> str:
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        ["git", "-C", str(root), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() or "unknown"


def _size_label(size: int) -> str:
    return "1 file" if size == 1 else f"{size:,} files"


def _target(size: int, ratio: float | None, median: float | None) -> tuple[str, bool | None]:
    """The target for ``size`` (text) and whether the figures meet it."""
    if size == 1:
        return f"≤ {SINGLE_RATIO:g}× check-jsonschema", None if ratio is None else (
            ratio <= SINGLE_RATIO
        )
    if size == 1000:
        return "≤ 1/3 of check-jsonschema (0.33×)", None if ratio is None else (
            ratio <= BATCH_RATIO
        )
    if size == 10000:
        return f"< {LARGE_SECONDS:g} s", None if median is None else median < LARGE_SECONDS
    return "", None


def _memory_row(size: int, memory: Memory) -> Row:
    rss = f"{memory.max_rss_mb:.0f} MB" if memory.max_rss_mb else "n/a"
    tree = (
        f"tree sum {memory.tree_rss_mb:.0f} MB, {memory.processes} process(es)"
        if memory.tree_rss_mb
        else ""
    )
    wall = f"; wall {_seconds(memory.wall)}" if memory.wall else ""
    target = f"< {LARGE_RSS_MB:g} MB" if size == 10000 else ""
    ok = None if memory.max_rss_mb is None else memory.max_rss_mb < LARGE_RSS_MB
    return Row(
        f"{_size_label(size)}: peak RSS (largest process)",
        rss if not memory.error else f"{rss} ({memory.error})",
        tree + wall,
        "",
        target,
        _verdict(ok, target),
    )


def _load() -> str:
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return "n/a"
    return f"{one:.2f} (1 min), {five:.2f} (5 min)"


def run(args: argparse.Namespace) -> list[Row]:
    pc = policycheck_command()
    cjs = _tool("check-jsonschema")
    rows: list[Row] = []
    workdir = Path(tempfile.mkdtemp(prefix="pcbench-"))
    if args.keep:
        print(f"files kept in {workdir}")
    else:
        atexit.register(shutil.rmtree, workdir, True)
    timer = Timer(not args.no_hyperfine, workdir, args.verbose)
    if args.git_ref:
        print(f"source: {args.git_ref} ({use_git_ref(args.git_ref, workdir)}), via PYTHONPATH")
    else:
        print(f"source: as imported (git working tree {_describe()})")
    if not args.no_bytecode_cache:
        # As after a pip install: compiled bytecode is reused from the second run on, even
        # where PYTHONDONTWRITEBYTECODE is set; the cache lives in the temporary folder.
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
    print(f"policycheck: {_quote(pc)}")
    print(f"check-jsonschema: {_quote(cjs) if cjs else 'not installed (comparisons skipped)'}")
    print(f"timing: {timer.method}; CPUs: {os.cpu_count()}; Python {sys.version.split()[0]}")
    print(f"load average at start: {_load()}")

    schema = workdir / "schema.json"
    schema.write_text(
        subprocess.run([*pc, "schema"], capture_output=True, text=True, check=True).stdout
    )
    single_file: Path | None = None
    batch_folder: Path | None = None
    for size in args.sizes:
        label = _size_label(size)
        folder = workdir / f"n{size}"
        step(f"generating {size} proposal(s)")
        files = generate(folder, size, args.seed)
        target = files[0] if size == 1 else folder
        if size == 1:
            single_file = files[0]
        elif batch_folder is None or size <= 1000:
            batch_folder = folder
        assess = [*pc, "assess", str(target), "--format", "json"]
        memory: Memory | None = None
        if size <= 1000:
            step(f"checking policycheck assesses all {size}")
            problem = _check_valid(pc, target, size)
        else:
            # Too much JSON to parse here: the exit status says whether all were assessed.
            step(f"peak memory, {size} files (also checks all are assessed)")
            memory = measure_memory(assess)
            problem = memory.error
        if problem:
            rows.append(Row(f"{label}: validity", "INVALID", verdict=problem))
            continue
        runs = _runs_for(size, args.repeats)
        commands = {"policycheck": assess}
        if 1 < size <= 1000:
            commands["policycheck -j 1"] = [*assess, "--jobs", "1"]
        cjs_args = [*(cjs or []), "--schemafile", str(schema), *map(str, files)]
        compare_cjs = cjs is not None and (size <= 1000 or args.jsonschema_large)
        if compare_cjs and size <= 1000:
            check = subprocess.run(cjs_args, capture_output=True, text=True, check=False)
            if check.returncode != 0:
                print(f"  note: check-jsonschema rejects some files: {check.stdout[:300]}")
            commands["check-jsonschema"] = cjs_args
        step(f"timing {size} file(s), {runs} run(s) each")
        timings = timer.compare(commands, runs, warmup=1 if size <= 1000 else 0)
        other = timings.get("check-jsonschema")
        if compare_cjs and other is None:
            step(f"timing check-jsonschema on {size} files once (limit {args.timeout:.0f} s)")
            other = time_once(cjs_args, args.timeout)
        for name, timing in timings.items():
            if name == "check-jsonschema":
                continue
            ratio = (
                timing.median / other.median
                if other is not None and timing.median and other.median
                else None
            )
            target_text, ok = _target(size, ratio, timing.median)
            if name != "policycheck":
                target_text, ok = "", None  # the -j 1 variant is for information
            suffix = name.removeprefix("policycheck")
            rows.append(
                Row(
                    f"{label}: assess --format json{suffix}",
                    timing.text() if not timing.error else f"{timing.text()} ({timing.error})",
                    f"{other.text()} (check-jsonschema)" if other is not None else "",
                    f"{ratio:.2f}×" if ratio is not None else "",
                    target_text,
                    _verdict(ok, target_text),
                )
            )
        if size > 1 or args.memory_single:
            if memory is None:
                step(f"peak memory, {size} file(s)")
                memory = measure_memory(assess)
            rows.append(_memory_row(size, memory))

    step("import time")
    imports = import_time(args.import_repeats)
    if isinstance(imports, str):
        rows.append(Row("import policycheck.cli", imports))
    else:
        rows.append(
            Row(
                "import policycheck.cli (-X importtime)",
                f"{imports.cli_ms:.0f} ms",
                f"all imports {imports.total_ms:.0f} ms",
            )
        )
    step("policycheck --version")
    version = timer.compare(
        {
            "policycheck --version": [*pc, "--version"],
            "python -c pass": [sys.executable, "-c", "pass"],
        },
        10,
        1,
    )
    rows.append(
        Row(
            "policycheck --version (wall)",
            version["policycheck --version"].text(),
            f"bare python {version['python -c pass'].text()}",
        )
    )
    if single_file is not None:
        step("heavy modules on the assess path")
        heavy = heavy_modules(single_file)
        if isinstance(heavy, str):
            rows.append(Row("pandas/openpyxl not imported", heavy))
        else:
            on_import, on_assess = heavy
            rows.append(
                Row(
                    "heavy modules (pandas/openpyxl/numpy)",
                    f"assess: {', '.join(on_assess) or 'none'}",
                    f"import: {', '.join(on_import) or 'none'}",
                    "",
                    "none on the assess path",
                    _verdict(not ({"pandas", "openpyxl"} & set(on_assess))),
                )
            )
    print_table(rows)
    print(f"\nload average at end: {_load()} (other work on the machine inflates the times)")
    if not isinstance(imports, str):
        print("Import time by top-level package (own time of its modules, ms):")
        print("  " + ", ".join(f"{name} {ms:.0f}" for name, ms in imports.heaviest))
    if args.profile and single_file is not None:
        profile(single_file, batch_folder, workdir)
    if args.json:
        args.json.write_text(json.dumps([row.__dict__ for row in rows], indent=2) + "\n")
        print(f"\nwrote {args.json}")
    return rows


def step(message: str) -> None:
    print(f"· {message}", file=sys.stderr, flush=True)


def print_table(rows: list[Row]) -> None:
    headers = Row("measure", "policycheck", "comparison", "ratio", "target", "verdict")
    table = [headers, *rows]
    cols = list(headers.__dict__)
    widths = {c: max(len(str(getattr(r, c))) for r in table) for c in cols}
    print()
    for i, row in enumerate(table):
        print("  ".join(str(getattr(row, c)).ljust(widths[c]) for c in cols).rstrip())
        if i == 0:
            print("  ".join("-" * widths[c] for c in cols))


def _sizes(text: str) -> list[int]:
    sizes = sorted({int(part) for part in text.split(",") if part.strip()})
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("sizes are positive integers, e.g. 1,1000,10000")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=_sizes, default=[1, 1000, 10000], help="default 1,1000,10000"
    )
    parser.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    parser.add_argument(
        "--repeats", type=int, default=None, help="timed runs per command (default 10/5/3)"
    )
    parser.add_argument("--import-repeats", type=int, default=5, help="default 5")
    parser.add_argument(
        "--jsonschema-large",
        action="store_true",
        help="also time check-jsonschema on sizes above 1,000 (one run, see --timeout)",
    )
    parser.add_argument(
        "--timeout", type=float, default=300, help="limit for that run (s, default 300)"
    )
    parser.add_argument(
        "--memory-single", action="store_true", help="also measure peak RSS for one file"
    )
    parser.add_argument("--no-hyperfine", action="store_true", help="time with a Python loop")
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="leave PYTHONDONTWRITEBYTECODE as it is (sources recompiled on every run)",
    )
    parser.add_argument("--profile", action="store_true", help="print cProfile summaries")
    parser.add_argument(
        "--git-ref",
        help="benchmark the src/ of this git ref (e.g. HEAD) instead of the working tree",
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--json", type=Path, help="also write the table as JSON to this file")
    parser.add_argument("--verbose", "-v", action="store_true", help="show hyperfine output")
    args = parser.parse_args(argv)
    try:
        run(args)
    except Exception as exc:  # it reports, it never gates
        print(f"benchmark failed: {type(exc).__name__}: {exc}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
