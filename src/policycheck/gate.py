"""The CI gate: waivers, thresholds and the baseline, applied to a finished report.

Pure functions: a ``Report`` in, a ``Report`` carrying a ``GateResult`` out.

* A waiver matches a risk of one proposal by risk id or by the id of the check
  that raised it. While active (until its expiry date, inclusive, in UTC) the
  risk is marked waived (by the engine, before it grades: ``mark_waived``): it
  stays in every report, it does not cap the grade and it does not fail the gate. An expired waiver waives nothing and is
  reported as expired. A waiver for an assessed proposal that matches nothing
  is reported as unused.
* Thresholds: ``fail_under`` (a grade or a score), per-criterion minimums and
  ``fail_on`` (a risk severity). Any miss is a breach.
* Baseline: a breach already recorded (a risk with the same fingerprint and
  at least the same severity; a proposal whose score has not dropped) is
  absorbed, so only new or worse findings fail.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from msgspec import structs
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from policycheck import validation
from policycheck.assessment import (
    Assessment,
    Breach,
    Failure,
    GateResult,
    Report,
    Risk,
    Severity,
    Waiver,
    WaiverUse,
)
from policycheck.errors import InputError, Problem
from policycheck.loading import check_structure, read_text
from policycheck.scale import GRADES, Grade

BASELINE_VERSION = 1
#: A baseline grows with the batch (about 300 bytes a proposal, more with findings),
#: so it may be larger than the other inputs; still bounded.
MAX_BASELINE_BYTES = 64 * 1_048_576


@dataclass(frozen=True)
class Thresholds:
    """What the gate checks; all optional."""

    fail_under: str | float | None = None
    minimums: tuple[tuple[str, float], ...] = ()
    fail_on: Severity | None = None
    #: Least share of the applicable weight that must be known for a grade or score threshold
    #: to pass; None means the rubric's minimum.
    min_coverage: float | None = None

    @property
    def active(self) -> bool:
        return self.fail_under is not None or bool(self.minimums) or self.fail_on is not None

    def describe(self) -> tuple[str, ...]:
        parts = []
        if self.fail_under is not None:
            kind = "grade" if isinstance(self.fail_under, str) else "score"
            parts.append(f"{kind} at least {self.fail_under}")
        parts.extend(f"{name} at least {score:g}" for name, score in self.minimums)
        if self.fail_on is not None:
            parts.append(f"no unwaived risk of severity {self.fail_on.value} or above")
        if self.min_coverage is not None and self.min_coverage > 0:
            parts.append(f"coverage at least {self.min_coverage:.0%}")
        return tuple(parts)


#: The gate of ``--default-gate`` (the pre-commit hook's): the bar the brief sets and the
#: example repository's configuration uses: grade C or better, and no unwaived risk of high
#: severity or above. Any threshold from the configuration or the command line replaces it whole.
DEFAULT_GATE = Thresholds(fail_under="C", fail_on=Severity.HIGH)


@dataclass(frozen=True)
class Baseline:
    """Findings, scores and grades recorded earlier by ``policycheck baseline write``."""

    findings: dict[str, Severity]
    scores: dict[str, float]
    grades: dict[str, str]
    criteria: dict[str, dict[str, float]]


def mark_waived(
    risks: Iterable[Risk], proposal_id: str, waivers: tuple[Waiver, ...], today: dt.date
) -> tuple[Risk, ...]:
    """``risks`` of one proposal, each that a waiver names marked with its ``WaiverUse``.

    The engine calls this before it grades, so a waived risk never caps the grade and the
    grade is computed once. A renewed waiver wins over the one it replaces: the latest
    expiry decides whether the risk is still waived.
    """
    marked: list[Risk] = []
    for risk in risks:
        matches = _matches(waivers, proposal_id, risk)
        if not matches:
            marked.append(risk)
            continue
        match = max(matches, key=lambda w: w.expires)
        marked.append(structs.replace(risk, waiver=WaiverUse(match, match.active_on(today))))
    return tuple(marked)


def waivers_met(
    result: Assessment | Failure, waivers: tuple[Waiver, ...]
) -> tuple[set[Waiver], set[Waiver]]:
    """The waivers that matched a risk of ``result``, and the expired ones among those applied.

    Read back from the marked result, so a worker process need send nothing else.
    """
    if not isinstance(result, Assessment):
        return set(), set()
    used = {w for risk in result.risks for w in _matches(waivers, result.proposal_id, risk)}
    expired = {
        risk.waiver.waiver
        for risk in result.risks
        if risk.waiver is not None and not risk.waiver.active
    }
    return used, expired


def _matches(waivers: tuple[Waiver, ...], proposal_id: str, risk: Risk) -> list[Waiver]:
    """A waiver matches a risk of its proposal by the risk's id or by its check's id."""
    return [
        w for w in waivers if w.proposal == proposal_id and w.target in (risk.id, risk.check_id)
    ]


def waiver_verdicts(
    waivers: tuple[Waiver, ...], used: set[Waiver], expired: set[Waiver], assessed: set[str]
) -> tuple[tuple[Waiver, ...], tuple[Waiver, ...]]:
    """The unused waivers and the expired ones, in file order.

    A waiver is unused when its proposal was assessed and the risk did not
    occur. A waiver of a proposal this run did not assess (the pre-commit
    hook passes only the changed files) cannot be judged, so it is not unused.
    """
    unused = tuple(w for w in waivers if w not in used and w.proposal in assessed)
    # An expired waiver that a newer one replaced is not worth a warning.
    return unused, tuple(w for w in waivers if w in expired)


def report_waiver_verdicts(
    results: Iterable[Assessment | Failure], waivers: tuple[Waiver, ...]
) -> tuple[tuple[Waiver, ...], tuple[Waiver, ...]]:
    """``waiver_verdicts`` of whole results: the unused waivers and the expired ones."""
    used: set[Waiver] = set()
    expired: set[Waiver] = set()
    assessed: set[str] = set()
    for result in results:
        met, lapsed = waivers_met(result, waivers)
        used |= met
        expired |= lapsed
        if isinstance(result, Assessment):
            assessed.add(result.proposal_id)
    return waiver_verdicts(waivers, used, expired, assessed)


def evaluate(
    report: Report,
    thresholds: Thresholds,
    *,
    soft: bool,
    expired: tuple[Waiver, ...] = (),
    unused: tuple[Waiver, ...] = (),
    baseline: Baseline | None = None,
) -> Report:
    """Check every assessment against the thresholds; attach the verdict to the report."""
    breaches: list[Breach] = []
    absorbed = 0
    for result in report.results:
        found, skipped = result_breaches(result, thresholds, baseline)
        breaches.extend(found)
        absorbed += skipped
    gate = verdict(breaches, absorbed, thresholds, soft=soft, expired=expired, unused=unused)
    return dataclasses.replace(report, gate=gate)


def result_breaches(
    result: Assessment | Failure, thresholds: Thresholds, baseline: Baseline | None
) -> tuple[list[Breach], int]:
    """The breaches of one result, and how many more the baseline absorbed."""
    if not isinstance(result, Assessment):
        first = result.problems[0] if result.problems else None
        invalid = Breach(
            "invalid",
            result.file,
            None,
            f"cannot be assessed: {len(result.problems)} problem(s)",
            first.line if first else 1,
            first.column if first else 1,
        )
        return [invalid], 0
    found = _breaches(result, thresholds)
    found.extend(_coverage_breach(result, thresholds))
    kept = [_fell(b, result, baseline) for b in found if not _absorbed(b, result, baseline)]
    return kept, len(found) - len(kept)


def verdict(
    breaches: Iterable[Breach],
    absorbed: int,
    thresholds: Thresholds,
    *,
    soft: bool,
    expired: tuple[Waiver, ...] = (),
    unused: tuple[Waiver, ...] = (),
) -> GateResult:
    """The gate's verdict on the breaches of a whole batch."""
    found = tuple(breaches)
    return GateResult(
        passed=not found,
        soft=soft,
        breaches=found,
        expired_waivers=expired,
        unused_waivers=unused,
        absorbed_by_baseline=absorbed,
        thresholds=thresholds.describe(),
    )


def _breaches(a: Assessment, t: Thresholds) -> list[Breach]:
    found: list[Breach] = []
    where = a.improvements[0].location if a.improvements else None
    line, column = (where.line, where.column) if where else (1, 1)
    if isinstance(t.fail_under, str) and GRADES.index(a.grade) > GRADES.index(t.fail_under):
        found.append(
            Breach(
                "grade",
                a.file,
                a.proposal_id,
                f"grade {a.grade} is below the required {t.fail_under}",
                line,
                column,
            )
        )
    elif isinstance(t.fail_under, float) and a.score < t.fail_under:
        found.append(
            Breach(
                "score",
                a.file,
                a.proposal_id,
                f"score {a.score:.1f} is below the required {t.fail_under:g}",
                line,
                column,
            )
        )
    for name, minimum in t.minimums:
        criterion = next((c for c in a.criteria if name in (c.id, c.title)), None)
        if criterion is None or criterion.low is None:
            continue  # not in this rubric, or not applicable to this kind of initiative
        if criterion.score is None:
            # Applicable but wholly unknown: a minimum cannot pass on silence.
            loc = criterion.indicators[0].evidence[0].location
            found.append(
                Breach(
                    "criterion",
                    a.file,
                    a.proposal_id,
                    f"{criterion.title}: nothing applicable is known, so the required "
                    f"{minimum:g} cannot be shown",
                    loc.line,
                    loc.column,
                    criterion=criterion.id,
                )
            )
            continue
        if criterion.score >= minimum:
            continue
        weakest = min(
            (i for i in criterion.indicators if i.points is not None),
            key=lambda i: (i.points, i.check_id),
        )
        loc = weakest.evidence[0].location
        found.append(
            Breach(
                "criterion",
                a.file,
                a.proposal_id,
                f"{criterion.title} scores {criterion.score:.1f}, below the required {minimum:g} "
                f"(weakest: {weakest.check_id} {weakest.title}, {weakest.level})",
                loc.line,
                loc.column,
                criterion=criterion.id,
            )
        )
    if t.fail_on is not None:
        for risk in a.risks:
            if risk.waived or risk.severity.rank < t.fail_on.rank:
                continue
            loc = risk.evidence[0].location
            found.append(
                Breach(
                    "risk",
                    a.file,
                    a.proposal_id,
                    f"{risk.severity.value} risk {risk.id} {risk.title}: {risk.finding}",
                    loc.line,
                    loc.column,
                    risk_fingerprint=risk.fingerprint,
                )
            )
    return found


def _coverage_breach(a: Assessment, t: Thresholds) -> list[Breach]:
    """A grade or score threshold cannot pass on a file that leaves too much unknown.

    ``fail_under`` F (or a score of 0) asks for nothing, so it asks for no coverage either.
    """
    asks = t.fail_under not in (None, "F", 0.0) or bool(t.minimums)
    if not asks:
        return []
    minimum = t.min_coverage or 0.0
    if a.coverage >= minimum:
        return []
    unknown = [
        i for c in a.criteria for i in c.indicators if i.status.value == "insufficient-information"
    ]
    loc = unknown[0].evidence[0].location if unknown else None
    listed = ", ".join(i.check_id for i in unknown[:6]) + (" ..." if len(unknown) > 6 else "")
    return [
        Breach(
            "coverage",
            a.file,
            a.proposal_id,
            f"only {a.coverage:.0%} of the applicable weight is known, below the required "
            f"{minimum:.0%}: state what is unknown ({listed})",
            loc.line if loc else 1,
            loc.column if loc else 1,
        )
    ]


def _fell(b: Breach, a: Assessment, baseline: Baseline | None) -> Breach:
    """``b``, saying so when the score fell since the baseline (why it was not absorbed)."""
    recorded = baseline.scores.get(a.proposal_id) if baseline is not None else None
    if b.kind not in ("grade", "score") or recorded is None or a.score >= recorded:
        return b
    return dataclasses.replace(
        b, message=f"{b.message}; the score fell from {recorded:.1f} in the baseline"
    )


def _absorbed(b: Breach, a: Assessment, baseline: Baseline | None) -> bool:
    if baseline is None:
        return False
    if b.kind == "risk":
        risk = next(r for r in a.risks if r.fingerprint == b.risk_fingerprint)
        recorded = baseline.findings.get(risk.fingerprint)
        return recorded is not None and recorded.rank >= risk.severity.rank
    # A threshold breach is old only if that very measure has not got worse.
    if b.kind == "grade":
        # Not worse means the same grade or better *and* no lower score: a fall within F fails.
        recorded_grade = baseline.grades.get(a.proposal_id)
        recorded_score = baseline.scores.get(a.proposal_id)
        grades: tuple[str, ...] = GRADES
        return (
            recorded_grade in grades
            and grades.index(a.grade) <= grades.index(recorded_grade)
            and (recorded_score is None or a.score >= recorded_score)
        )
    if b.kind == "criterion":
        old = baseline.criteria.get(a.proposal_id, {}).get(b.criterion or "")
        current = next((c.score for c in a.criteria if c.id == b.criterion), None)
        return old is not None and current is not None and current >= old
    recorded_score = baseline.scores.get(a.proposal_id)
    return recorded_score is not None and a.score >= recorded_score


def baseline_document(report: Report) -> str:
    """The baseline file for ``report``: every risk's fingerprint and every proposal's score."""
    findings = [
        {
            "fingerprint": r.fingerprint,
            "risk": r.id,
            "proposal": a.proposal_id,
            "path": r.evidence[0].location.path if r.evidence else "",
            "severity": r.severity.value,
            "file": a.file,
        }
        for a in report.assessments
        for r in a.risks
    ]
    doc = {
        "schema_version": BASELINE_VERSION,
        "tool": f"policycheck {report.tool_version}",
        "generated_at": report.generated_at,
        "rubric": {"id": report.rubric.id, "sha256": report.rubric.sha256},
        "proposals": {
            a.proposal_id: {
                "file": a.file,
                "score": a.score,
                "grade": a.grade,
                "criteria": {c.id: c.score for c in a.criteria if c.score is not None},
            }
            for a in report.assessments
        },
        "findings": sorted(findings, key=lambda f: (f["proposal"], f["risk"], f["fingerprint"])),
    }
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class _Strict(BaseModel):
    # Extra keys (tool, rubric, generated_at, file, path) are notes for people: ignored.
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)


_Score = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=0, le=100)]


class _RecordedFinding(_Strict):
    fingerprint: str = Field(strict=True)
    severity: Severity


class _RecordedProposal(_Strict):
    score: _Score
    grade: Grade
    criteria: dict[str, _Score] = Field(default_factory=dict)


class _BaselineFile(_Strict):
    schema_version: Literal[1]
    findings: list[_RecordedFinding]
    proposals: dict[str, _RecordedProposal]


def read_baseline(path: Path) -> Baseline:
    """Read a baseline file; a located error for each problem when it is not one."""
    if not path.exists():
        raise InputError([Problem(str(path), 1, 1, "baseline file not found")])
    text = read_text(path, limit=MAX_BASELINE_BYTES)
    check_structure(text, str(path), toml=False)
    try:
        doc = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise InputError(
            [Problem(str(path), exc.lineno, exc.colno, f"invalid JSON: {exc.msg}")]
        ) from None
    except ValueError as exc:
        raise InputError([Problem(str(path), 1, 1, f"invalid JSON: {exc}")]) from None
    try:
        parsed = _BaselineFile.model_validate(doc)
    except ValidationError as exc:

        def locate(loc: tuple[Any, ...], _key: bool) -> tuple[str, int, int]:
            return (str(path), *_json_position(text, loc))

        label = "not a policycheck baseline: "
        raise InputError(validation.problems(exc, locate, _BaselineFile, label=label)) from None
    findings = {f.fingerprint: f.severity for f in parsed.findings}
    scores = {pid: p.score for pid, p in parsed.proposals.items()}
    grades = {pid: str(p.grade) for pid, p in parsed.proposals.items()}
    criteria = {pid: dict(p.criteria) for pid, p in parsed.proposals.items()}
    return Baseline(findings, scores, grades, criteria)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a baseline holds")


def _json_position(text: str, loc: tuple[Any, ...]) -> tuple[int, int]:
    """Best-effort line and column of ``loc`` in JSON text (the parser keeps no positions):
    each key of the path searched for after the previous one, as a written baseline has them."""
    offset = 0
    for part in loc:
        if not isinstance(part, str):
            continue
        found = text.find(json.dumps(part, ensure_ascii=False) + ":", offset)
        if found < 0:
            break
        offset = found
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
