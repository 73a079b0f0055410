"""The CI gate: waivers, thresholds and the baseline, applied to a finished report.

Pure functions: a ``Report`` in, a ``Report`` carrying a ``GateResult`` out.

* A waiver matches a risk of one proposal by risk id or by the id of the check
  that raised it. While active (until its expiry date, inclusive, in UTC) the
  risk is marked waived: it stays in every report, it does not cap the grade
  and it does not fail the gate. An expired waiver waives nothing and is
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
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policycheck.assessment import (
    Assessment,
    Breach,
    GateResult,
    Report,
    Risk,
    Severity,
    Waiver,
    WaiverUse,
)
from policycheck.errors import InputError, Problem
from policycheck.rubric import GRADES, Rubric
from policycheck.scoring import grade

BASELINE_VERSION = 1


@dataclass(frozen=True)
class Thresholds:
    """What the gate checks; all optional."""

    fail_under: str | float | None = None
    minimums: tuple[tuple[str, float], ...] = ()
    fail_on: Severity | None = None

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


def apply_waivers(
    report: Report, waivers: Iterable[Waiver], today: Any, rubric: Rubric, *, partial: bool = False
) -> tuple[Report, tuple[Waiver, ...], tuple[Waiver, ...]]:
    """Mark waived risks, re-grade without them; return the report, expired and unused waivers.

    A waiver that matches nothing is unused, whether its proposal was assessed
    or not (a renamed proposal id); in a ``partial`` run (``--changed-since``)
    only waivers of the proposals assessed can be judged.
    """
    waivers = tuple(waivers)
    used: set[Waiver] = set()
    expired: set[Waiver] = set()
    results: list[Any] = []
    for result in report.results:
        if not isinstance(result, Assessment):
            results.append(result)
            continue
        risks: list[Risk] = []
        for risk in result.risks:
            matches = [
                w
                for w in waivers
                if w.proposal == result.proposal_id and w.target in (risk.id, risk.check_id)
            ]
            if not matches:
                risks.append(risk)
                continue
            used.update(matches)
            # A renewed waiver wins over the one it replaces: the latest expiry decides.
            match = max(matches, key=lambda w: w.expires)
            active = match.active_on(today)
            if not active:
                expired.add(match)
            risks.append(dataclasses.replace(risk, waiver=WaiverUse(match, active)))
        uncapped, final, cap = grade(rubric, result.score, tuple(r for r in risks if not r.waived))
        results.append(
            dataclasses.replace(
                result, risks=tuple(risks), grade=final, uncapped_grade=uncapped, cap=cap
            )
        )
    assessed = {r.proposal_id for r in report.assessments}
    unused = tuple(w for w in waivers if w not in used and (w.proposal in assessed or not partial))
    # An expired waiver that a newer one replaced is not worth a warning.
    ordered_expired = tuple(w for w in waivers if w in expired)
    return dataclasses.replace(report, results=tuple(results)), ordered_expired, unused


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
        if not isinstance(result, Assessment):
            first = result.problems[0] if result.problems else None
            breaches.append(
                Breach(
                    "invalid",
                    result.file,
                    None,
                    f"cannot be assessed: {len(result.problems)} problem(s)",
                    first.line if first else 1,
                    first.column if first else 1,
                )
            )
            continue
        found = _breaches(result, thresholds)
        kept = [b for b in found if not _absorbed(b, result, baseline)]
        absorbed += len(found) - len(kept)
        breaches.extend(kept)
    gate = GateResult(
        passed=not breaches,
        soft=soft,
        breaches=tuple(breaches),
        expired_waivers=expired,
        unused_waivers=unused,
        absorbed_by_baseline=absorbed,
        thresholds=thresholds.describe(),
    )
    return dataclasses.replace(report, gate=gate)


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
        if criterion is None or criterion.score is None or criterion.score >= minimum:
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


def _absorbed(b: Breach, a: Assessment, baseline: Baseline | None) -> bool:
    if baseline is None:
        return False
    if b.kind == "risk":
        risk = next(r for r in a.risks if r.fingerprint == b.risk_fingerprint)
        recorded = baseline.findings.get(risk.fingerprint)
        return recorded is not None and recorded.rank >= risk.severity.rank
    # A threshold breach is old only if that very measure has not got worse.
    if b.kind == "grade":
        recorded_grade = baseline.grades.get(a.proposal_id)
        grades: tuple[str, ...] = GRADES
        return recorded_grade in grades and grades.index(a.grade) <= grades.index(recorded_grade)
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


def read_baseline(path: Path) -> Baseline:
    """Read a baseline file; a located error when it is not one."""
    try:
        doc = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise InputError([Problem(str(path), 1, 1, "baseline file not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(str(path), 1, 1, f"cannot read baseline: {exc}")]) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            [Problem(str(path), exc.lineno, exc.colno, f"invalid JSON: {exc.msg}")]
        ) from None
    try:
        if doc["schema_version"] != BASELINE_VERSION:
            raise ValueError(f"unsupported baseline schema_version {doc['schema_version']}")
        findings = {f["fingerprint"]: Severity(f["severity"]) for f in doc["findings"]}
        scores = {pid: float(p["score"]) for pid, p in doc["proposals"].items()}
        grades = {pid: str(p["grade"]) for pid, p in doc["proposals"].items()}
        criteria = {
            pid: {cid: float(v) for cid, v in p.get("criteria", {}).items()}
            for pid, p in doc["proposals"].items()
        }
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError([Problem(str(path), 1, 1, f"not a policycheck baseline: {exc}")]) from None
    return Baseline(findings, scores, grades, criteria)
