"""The terminal output of a large batch: one line per proposal, the totals, the gate.

Above ``FULL_UP_TO`` proposals a full report each is neither fast nor readable
(ruff and check-jsonschema print a summary and the problems). The listing is
plain text (no colour, no rich) so it streams: each line is written as its
result arrives, and what is kept is a few counters, not the results.
``--full`` (or a report file: ``-o report.txt``) asks for the full reports.

Each line is grep-able, the file first::

    proposals/x.yaml: C 61.0 (55.5–70.2) risks 0/1/2/0: arms-export high, dual-use medium (+1)
    proposals/y.yaml: invalid (2 problems, on stderr)

``risks`` counts critical/high/medium/low; the worst three follow, a waived one marked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from policycheck.assessment import Assessment, Failure, GateResult, Report, Severity
from policycheck.scale import GRADES

#: Up to this many proposals, the terminal prints each one's full report.
FULL_UP_TO = 20
#: How many of a proposal's worst risks its line names.
WORST = 3
_ORDER = tuple(reversed(Severity))  # critical, high, medium, low


@dataclass(frozen=True, slots=True)
class Brief:
    """What a proposal's line shows: small, so it crosses from a worker cheaply."""

    file: str
    #: None: the file could not be assessed.
    grade: str | None
    score: float = 0.0
    low: float = 0.0
    high: float = 0.0
    #: Risks by severity: critical, high, medium, low.
    counts: tuple[int, ...] = (0, 0, 0, 0)
    worst: tuple[str, ...] = ()
    more: int = 0
    problems: int = 0


def brief(result: Assessment | Failure) -> Brief:
    """A result's line (module-level: a worker process may apply it)."""
    if isinstance(result, Failure):
        return Brief(result.file, None, problems=len(result.problems))
    worst = tuple(
        f"{r.id} {r.severity.value}"
        + (" (waived)" if r.waiver is not None and r.waiver.active else "")
        for r in result.risks[:WORST]
    )
    return Brief(
        result.file,
        result.grade,
        result.score,
        result.score_low,
        result.score_high,
        tuple(sum(r.severity is s for r in result.risks) for s in _ORDER),
        worst,
        max(0, len(result.risks) - WORST),
    )


def line(b: Brief) -> str:
    """One proposal's line (see the module docstring)."""
    if b.grade is None:
        return f"{b.file}: invalid ({b.problems} problem{'s' * (b.problems != 1)}, on stderr)\n"
    counts = "/".join(str(n) for n in b.counts)
    worst = f": {', '.join(b.worst)}" if b.worst else ""
    more = f" (+{b.more})" if b.more else ""
    return f"{b.file}: {b.grade} {b.score:.1f} ({b.low:.1f}–{b.high:.1f}) risks {counts}{worst}{more}\n"


def render(briefs: Iterable[Brief], report: Callable[[], Report]) -> Iterator[str]:
    """The listing, a line at a time; ``report`` is asked for once every line is out (a
    streamed run's gate is known only then)."""
    grades: Counter[str] = Counter()
    risks = [0] * len(_ORDER)
    invalid = 0
    for b in briefs:
        if b.grade is None:
            invalid += 1
        else:
            grades[b.grade] += 1
            risks = [n + m for n, m in zip(risks, b.counts, strict=True)]
        yield line(b)
    yield from totals(grades, invalid, risks)
    verdict = report().gate
    if verdict is not None:
        yield from gate(verdict)


def totals(grades: Counter[str], invalid: int, risks: list[int]) -> Iterator[str]:
    assessed = sum(grades.values())
    by_grade = ", ".join(f"{g} {grades[g]:,}" for g in GRADES if grades[g])
    yield "\n"
    yield (
        f"{assessed + invalid:,} proposals: {assessed:,} assessed"
        + (f" ({by_grade})" if by_grade else "")
        + f", {invalid:,} invalid\n"
    )
    yield f"Risks critical/high/medium/low: {'/'.join(f'{n:,}' for n in risks)}\n"
    yield "Full reports: --full, or a report file (-o report.txt, -o report.md ...)\n"


def gate(result: GateResult) -> Iterator[str]:
    """The gate's verdict and its breaches, as the full terminal report words them."""
    verdict = "passed" if result.passed else "FAILED" + (" (soft: exit 0)" if result.soft else "")
    yield f"Gate {verdict}: requires {'; '.join(result.thresholds)}\n"
    for b in result.breaches:
        yield f"  {b.file}:{b.line}:{b.column}  {b.message}\n"
    if result.absorbed_by_baseline:
        yield f"{result.absorbed_by_baseline} breach(es) already in the baseline\n"
    for w in result.expired_waivers:
        yield f"Expired waiver: {w.target} for {w.proposal}, expired {w.expires} ({w.origin})\n"
    for w in result.unused_waivers:
        yield f"Unused waiver: {w.target} for {w.proposal} matches nothing ({w.origin})\n"
