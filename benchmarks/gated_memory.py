"""Peak memory of a large gated run that also writes a workbook and a JSON report.

Run by hand (it reports, it never gates: the exit status is 0 unless the run itself fails
in a way a gate does not explain)::

    python benchmarks/gated_memory.py                 # 1,000 generated proposals
    python benchmarks/gated_memory.py --count 10000   # the target size (slow: run it rarely)
    python benchmarks/gated_memory.py --format json   # also print a report on stdout

It writes ``--count`` proposals with ``generate.py`` into a temporary folder
(removed afterwards; ``--corpus DIR`` reuses a folder made earlier), then runs::

    policycheck assess DIR --fail-under C --fail-on high --xlsx OUT.xlsx -o json=OUT.json -q

and prints the wall time, the peak RSS summed over the process tree (the main
process and its workers, sampled from ``/proc`` every 50 ms, so a lower bound),
the largest single process (``/usr/bin/time -v`` or ``getrusage``), the exit code
(1 is expected: some generated proposals fail the gate) and the sizes of the two
reports. The target is a summed peak under 500 MB at 10,000 proposals.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import measure_memory

TARGET_MB = 500.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="proposals (default 1000)")
    parser.add_argument("--corpus", type=Path, help="use this folder of proposals as it is")
    parser.add_argument("--jobs", "-j", type=int, help="worker processes (default: all cores)")
    parser.add_argument(
        "--format", help="also print this format on stdout (to /dev/null) instead of --quiet"
    )
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="policycheck-gated-memory-"))
    try:
        corpus = args.corpus
        if corpus is None:
            corpus = work / "proposals"
            subprocess.run(
                [
                    sys.executable,
                    str(Path(__file__).with_name("generate.py")),
                    str(corpus),
                    "--count",
                    str(args.count),
                    "--no-verify",
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        xlsx, json_out = work / "report.xlsx", work / "report.json"
        command = [
            sys.executable,
            "-m",
            "policycheck",
            "assess",
            str(corpus),
            "--fail-under",
            "C",
            "--fail-on",
            "high",
            "--xlsx",
            str(xlsx),
            "-o",
            f"json={json_out}",
            *(["--format", args.format] if args.format else ["--quiet"]),
            *(["--jobs", str(args.jobs)] if args.jobs else []),
        ]
        files = sum(1 for _ in corpus.glob("*.yaml"))
        memory = measure_memory(command)
        print(f"proposals:            {files}")
        print(f"command:              policycheck {' '.join(command[3:])}")
        print(f"wall time:            {memory.wall:.1f} s")
        tree = memory.tree_rss_mb
        verdict = "" if tree is None else (" (target met)" if tree < TARGET_MB else " (over)")
        print(f"peak RSS, tree (sum): {tree or 0:.0f} MB{verdict}; target < {TARGET_MB:.0f} MB")
        print(f"peak RSS, one process: {memory.max_rss_mb or 0:.0f} MB ({memory.method})")
        print(f"processes:            {memory.processes}")
        for path in (xlsx, json_out):
            size = path.stat().st_size / 1_048_576 if path.exists() else 0
            print(f"{path.name + ':':<22}{size:.1f} MB")
        # Exit 1 is the gate failing on some generated proposals: expected, not an error.
        if memory.error and not memory.error.startswith("exit code 1"):
            print(f"error: {memory.error}", file=sys.stderr)
            return 1
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
