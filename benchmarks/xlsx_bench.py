"""Time the Excel workbook renderer (``policycheck.render.xlsx.render``) on a large report.

Run by hand (it reports, it never gates: the exit status is 0 unless rendering fails)::

    python benchmarks/xlsx_bench.py                     # 1,000 generated proposals, 3 runs
    python benchmarks/xlsx_bench.py --source samples    # the bundled samples, repeated
    python benchmarks/xlsx_bench.py --count 200 --runs 1 --profile
    python benchmarks/xlsx_bench.py --keep report.xlsx  # also write the workbook

It builds a ``Report`` in memory (assessing is not timed): with ``--source
generated`` (default) from the synthetic proposals of ``benchmarks/generate.py``,
with ``--source samples`` from ``proposals/*.yaml`` assessed over and over
under distinct file names. Then it times ``render(report)`` (the whole job:
tables, styles, charts, saving and the reproducible zip) and prints the best
and median wall-clock times, the size of the workbook and the rows of each
sheet. The target is under 10 s for 1,000 proposals.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import io
import os
import pstats
import resource
import statistics
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from policycheck import Assessment, Assessor, Report  # noqa: E402

TARGET_SECONDS = 10.0
GENERATED_AT = "2026-01-01T00:00:00Z"


def build_report(count: int, source: str) -> Report:
    """A report of ``count`` assessed proposals."""
    assessor = Assessor()
    samples = sorted((ROOT / "proposals").glob("*.yaml"))
    base = assessor.run(samples[:1], generated_at=GENERATED_AT, jobs=1)
    results: list[Assessment] = []
    if source == "generated":
        from generate import proposal_text

        for i in range(count):
            raw = proposal_text(i).encode()
            results.append(assessor.assess_bytes(raw, f"generated/p{i:06d}.yaml"))
    else:
        raws = [(path.stem, path.read_bytes()) for path in samples]
        for i in range(count):
            stem, raw = raws[i % len(raws)]
            results.append(assessor.assess_bytes(raw, f"proposals/{i:04d}/{stem}.yaml"))
    return dataclasses.replace(base, results=tuple(results))


def sheet_rows(data: bytes) -> dict[str, int]:
    """Rows per sheet, counted in the package (fast: no workbook is loaded)."""
    import re

    rows: dict[str, int] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        names = re.findall(r'<sheet [^>]*name="([^"]+)"', workbook)
        for number, name in enumerate(names, start=1):
            sheet = archive.read(f"xl/worksheets/sheet{number}.xml").decode()
            rows[name] = sheet.count("<row ")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="proposals (default 1000)")
    parser.add_argument("--runs", type=int, default=3, help="timed renders (default 3)")
    parser.add_argument(
        "--source",
        choices=("generated", "samples"),
        default="generated",
        help="synthetic proposals (default) or the bundled samples repeated",
    )
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary")
    parser.add_argument("--keep", type=Path, help="write the workbook to this file")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    report = build_report(args.count, args.source)
    built = time.perf_counter() - started
    indicators = sum(len(c.indicators) for a in report.assessments for c in a.criteria)
    risks = sum(len(a.risks) for a in report.assessments)
    print(
        f"report: {len(report.results)} proposals ({args.source}), {risks} risks, "
        f"{indicators} indicator rows; built in {built:.1f} s (not timed)"
    )

    started = time.perf_counter()
    from policycheck.render import xlsx

    imported = time.perf_counter() - started
    print(
        f"import policycheck.render.xlsx: {imported * 1000:.0f} ms (pandas, openpyxl load on render)"
    )

    times: list[float] = []
    cpu: list[float] = []
    data = b""
    for run in range(args.runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        data = xlsx.render(report)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        note = " (includes importing pandas and openpyxl)" if run == 0 else ""
        print(f"  run {run + 1}: {times[-1]:.2f} s wall, {cpu[-1]:.2f} s CPU{note}")
    best, median = min(times), statistics.median(times)
    verdict = "within" if median < TARGET_SECONDS else "OVER"
    print(
        f"render: best {best:.2f} s, median {median:.2f} s wall (CPU median "
        f"{statistics.median(cpu):.2f} s) for {args.count} proposals "
        f"({verdict} the {TARGET_SECONDS:.0f} s target)"
    )
    load = os.getloadavg()[0]
    cores = os.cpu_count() or 1
    if load > cores:
        print(
            f"note: load average {load:.1f} on {cores} cores: other work shares the CPU, "
            "so wall-clock times are inflated; CPU time is the steadier figure"
        )
    print(f"workbook: {len(data) / 1e6:.2f} MB; rows per sheet: {sheet_rows(data)}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak RSS: {peak / 1024:.0f} MB")
    if args.runs > 1:
        again = xlsx.render(report)
        print(f"reproducible (same bytes on another render): {again == data}")
    if args.keep is not None:
        args.keep.write_bytes(data)
        print(f"wrote {args.keep}")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(xlsx.render, report)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
