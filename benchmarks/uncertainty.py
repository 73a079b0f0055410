"""Time ``policycheck assess --uncertainty`` (issue 14's speed targets).

Usage::

    python benchmarks/uncertainty.py [--count N] [--draws D] [--repeats R]

Prints, for the 8 sample proposals and for ``N`` generated ones (``generate.py``,
default 100; the target is stated for 1,000):

* the wall-clock time of the whole command, ``policycheck assess FILES --uncertainty
  --draws D -q`` (start-up, assessment and analysis), median of ``R`` runs;
* the same command without ``--uncertainty``, so the analysis's own share shows;
* the analysis alone, in this process (``policycheck.analysis.uncertainty.analyse``).

Targets: the samples with 10,000 draws under 2 s; 1,000 proposals under 30 s on
2 cores. Measure on a quiet machine; the figures are printed, never checked.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate, policycheck_command  # noqa: E402


def _wall(args: list[str], repeats: int) -> float:
    """The median wall-clock seconds of ``args`` over ``repeats`` runs (after one warm-up)."""
    subprocess.run(args, check=True, capture_output=True, timeout=600)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True, timeout=600)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _analysis_alone(files: list[Path], draws: int) -> float:
    """The seconds the analysis alone takes in this process, for ``files``."""
    from policycheck import Assessor
    from policycheck.analysis import attach

    assessor = Assessor()
    report = assessor.run(files)
    start = time.perf_counter()
    # As the command does: numpy first imported here, with one BLAS thread.
    attach(report, assessor.loaded.rubric, draws=draws, seed=70)
    return time.perf_counter() - start


def _row(label: str, files: list[Path], draws: int, repeats: int, target: str) -> None:
    command = [*policycheck_command(), "assess", *map(str, files), "-q"]
    with_analysis = _wall([*command, "--uncertainty", "--draws", str(draws)], repeats)
    without = _wall(command, repeats)
    analysis = _analysis_alone(files, draws)
    print(
        f"{label:<24} {with_analysis:8.2f} s {without:10.2f} s {analysis:10.2f} s   target {target}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", "-n", type=int, default=100, help="generated proposals")
    parser.add_argument("--draws", type=int, default=10_000, help="runs per proposal")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per command")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"cores: {os.cpu_count()}, load average: {load:.2f}, draws: {args.draws:,}")
    print(f"{'':<24} {'--uncertainty':>10} {'plain assess':>12} {'analysis':>12}")
    samples = sorted((ROOT / "proposals").glob("*.yaml"))
    _row(f"{len(samples)} samples", samples, args.draws, args.repeats, "< 2 s (10,000 draws)")
    with tempfile.TemporaryDirectory() as folder:
        generated = generate(Path(folder), args.count)
        target = f"< {30 * args.count / 1000:g} s (30 s per 1,000)"
        _row(f"{args.count} generated", generated, args.draws, args.repeats, target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
