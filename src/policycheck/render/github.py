"""GitHub Actions annotations (``--format github``, the default when ``GITHUB_ACTIONS=true``).

One workflow command a line, in report order:

* ``::error`` for a critical or high risk that is not waived, for any risk the gate counts as a
  breach (whatever its severity), for each grade, score or criterion breach of the gate and
  for each problem of a file that cannot be assessed;
* ``::warning`` for a medium risk, ``::notice`` for a low one;
* ``::notice`` for a waived risk ("waived until … by …: justification"); a risk whose waiver
  has expired is annotated at its own level, saying so;
* ``::warning`` for an expired waiver, ``::notice`` for an unused one, at the configuration line;
* last, a ``::notice::`` summary: each proposal's grade and score, invalid files, the verdict.

Values are escaped as the runner expects: in the message ``%`` ``\\r`` ``\\n`` become ``%25``
``%0D`` ``%0A``; in properties (``file``, ``title`` …) ``:`` and ``,`` also become ``%3A``
and ``%2C``. The CLI separately appends the Markdown report to ``$GITHUB_STEP_SUMMARY``.
Pure and deterministic: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Iterator

from policycheck.assessment import (
    Assessment,
    Failure,
    Report,
    Risk,
    Severity,
    Waiver,
)

#: Gate breaches annotated on their own (risk breaches raise the risk's level to error;
#: an unusable file's problems are annotated one by one).
GATE_KINDS = frozenset({"grade", "score", "criterion"})

LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "notice",
}


def escape_data(value: str) -> str:
    """A workflow command's message, escaped."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """A workflow command's property value, escaped."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(
    level: str,
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    col: int | None = None,
    title: str | None = None,
) -> str:
    """``::level file=F,line=L,col=C,title=T::message`` with the properties given."""
    props: list[str] = []
    if file is not None:
        props.append(f"file={escape_property(file)}")
        if line is not None:
            props.append(f"line={max(1, line)}")
            if col is not None:
                props.append(f"col={max(1, col)}")
    if title is not None:
        props.append(f"title={escape_property(title)}")
    head = f"::{level} {','.join(props)}" if props else f"::{level}"
    return f"{head}::{escape_data(message)}"


def _risk(a: Assessment, risk: Risk, breaching: frozenset[str]) -> str:
    loc = risk.evidence[0].location if risk.evidence else None
    file, line, col = (loc.file, loc.line, loc.column) if loc else (a.file, None, None)
    title = f"{risk.id} {risk.title} ({risk.severity.value})"
    body = f"{a.proposal_id}: {risk.finding}"
    use = risk.waiver
    if use is not None and use.active:
        w = use.waiver
        message = f"waived until {w.expires.isoformat()} by {w.owner}: {w.justification}\n{body}"
        return command("notice", message, file=file, line=line, col=col, title=f"{title}, waived")
    if use is not None:
        w = use.waiver
        body += (
            f"\nThe waiver by {w.owner} expired on {w.expires.isoformat()}: "
            "the risk is no longer waived."
        )
    level = "error" if risk.fingerprint in breaching else LEVELS[risk.severity]
    message = f"{body}\nMitigation: {risk.mitigation}\nBrief: {risk.brief}"
    return command(level, message, file=file, line=line, col=col, title=title)


def _failure(f: Failure) -> Iterator[str]:
    if not f.problems:
        yield command("error", "cannot be assessed", file=f.file, title="Invalid proposal")
    for p in f.problems:
        yield command(
            "error", p.message, file=p.file, line=p.line, col=p.column, title="Invalid proposal"
        )


def _origin(w: Waiver) -> tuple[str, int | None]:
    path, sep, line = w.origin.rpartition(":")
    if sep and line.isdigit() and path:
        return path, int(line)
    return w.origin, None


def _summary(report: Report) -> str:
    parts = [f"{a.proposal_id} {a.grade} ({a.score:.1f})" for a in report.assessments]
    text = f"policycheck: {len(report.assessments)} proposal(s) assessed"
    if parts:
        text += ": " + ", ".join(parts)
    if report.failures:
        text += f"; {len(report.failures)} file(s) cannot be assessed"
    gate = report.gate
    if gate is None:
        text += "; no gate"
    else:
        verdict = "passed" if gate.passed else ("failed (soft)" if gate.soft else "failed")
        text += f"; gate {verdict}: {len(gate.breaches)} breach(es)"
        if gate.absorbed_by_baseline:
            text += f", {gate.absorbed_by_baseline} absorbed by the baseline"
        if gate.thresholds:
            text += f"; requires {'; '.join(gate.thresholds)}"
    return command("notice", text)


def lines(report: Report) -> Iterator[str]:
    """Every annotation of ``report``, the summary last."""
    gate = report.gate
    breaches = gate.breaches if gate is not None else ()
    breaching = frozenset(b.risk_fingerprint for b in breaches if b.risk_fingerprint)
    for result in report.results:
        if isinstance(result, Failure):
            yield from _failure(result)
            continue
        for risk in result.risks:
            yield _risk(result, risk, breaching)
        for b in breaches:
            if b.kind in GATE_KINDS and (b.file, b.proposal_id) == (
                result.file,
                result.proposal_id,
            ):
                yield command(
                    "error",
                    f"{b.proposal_id}: {b.message}",
                    file=b.file,
                    line=b.line,
                    col=b.column,
                    title=f"policycheck gate: {b.kind}",
                )
    if gate is not None:
        for w in gate.expired_waivers:
            file, line = _origin(w)
            yield command(
                "warning",
                f"the waiver of {w.target} for {w.proposal} (owner {w.owner}) expired on "
                f"{w.expires.isoformat()}: {w.justification}",
                file=file,
                line=line,
                title="Expired waiver",
            )
        for w in gate.unused_waivers:
            file, line = _origin(w)
            yield command(
                "notice",
                f"the waiver of {w.target} for {w.proposal} (owner {w.owner}) matches no finding",
                file=file,
                line=line,
                title="Unused waiver",
            )
    yield _summary(report)


def render(report: Report) -> str:
    return "".join(f"{line}\n" for line in lines(report))
