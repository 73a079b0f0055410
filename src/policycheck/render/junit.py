"""JUnit XML (``--format junit``): for GitLab, Jenkins and other CI test reports.

``<testsuites name="policycheck">`` holds one ``<testsuite>`` per file, in report order:

* an assessed proposal's suite is named by its id and has one ``<testcase>`` per criterion
  (``classname`` the proposal id, ``name`` the criterion title), plus a ``gate thresholds``
  case when a gate ran. A criterion's case holds the risks of the family it answers
  (``CriterionResult.counters``); risks of a family no criterion answers go to the
  ``gate thresholds`` case, with the grade and score breaches.
* A case gets a ``<failure>`` when the gate flags something for it: a criterion-minimum
  breach, or an unwaived risk at or above the gate's ``fail_on`` (the gate's own risk
  breaches, so a baseline's absorptions are honoured). With no gate nothing fails.
* A case whose only risks are waived is ``<skipped message="waived: …">``.
* Every case lists its score and risks (``file:line:col``, waivers) in ``<system-out>``.
* A file that cannot be assessed gets a suite named by its path with one ``<error>`` case
  listing its problems.

Counts (tests, failures, errors, skipped) are given on every suite and on the root; times are
``0``. Pure and deterministic: built with ElementTree in a fixed order, no I/O, no clock.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from policycheck.assessment import (
    Assessment,
    Breach,
    CriterionResult,
    Failure,
    GateResult,
    Report,
    Risk,
)
from policycheck.render.markdown import criterion_score
from policycheck.render.parts import Parts, Sealed, Shelf, kept, seal, unseal
from policycheck.text import xml_text

GATE_CASE = "gate thresholds"
INVALID_CASE = "proposal can be assessed"


def _x(text: str) -> str:
    """Characters XML 1.0 cannot carry at all (even escaped) shown as U+FFFD."""
    return xml_text(text)


@dataclass
class _Case:
    """A testcase being built: its risks, the gate's breaches for it and what it says."""

    name: str
    out: list[str] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)
    breaches: list[Breach] = field(default_factory=list)


def _where(risk: Risk, file: str) -> str:
    if not risk.evidence:
        return file
    loc = risk.evidence[0].location
    path = f" ({loc.path})" if loc.path else ""
    return f"{loc.file}:{loc.line}:{loc.column}{path}"


def _risk_lines(risk: Risk, file: str) -> list[str]:
    state = ""
    if risk.waiver is not None:
        w = risk.waiver.waiver
        if risk.waiver.active:
            state = f" [waived until {w.expires.isoformat()} by {w.owner}: {w.justification}]"
        else:
            state = f" [waiver by {w.owner} expired on {w.expires.isoformat()}]"
    return [
        f"{risk.id} {risk.severity.value} {risk.title}{state}",
        f"  {_where(risk, file)}: {risk.finding}",
        f"  Mitigation: {risk.mitigation}",
    ]


def _breach_line(b: Breach) -> str:
    return f"{b.file}:{b.line}:{b.column}: {b.message}"


def _short(b: Breach, by_fingerprint: dict[str, Risk]) -> str:
    risk = by_fingerprint.get(b.risk_fingerprint or "")
    if b.kind == "risk" and risk is not None:
        return f"{risk.severity.value} risk {risk.id} {risk.title}"
    return b.message.split(" (weakest:", 1)[0]


def _waived_message(risks: Sequence[Risk]) -> str:
    parts = []
    for r in risks:
        assert r.waiver is not None
        w = r.waiver.waiver
        parts.append(f"{r.id} until {w.expires.isoformat()} by {w.owner}: {w.justification}")
    return "waived: " + "; ".join(parts)


def _cases(a: Assessment, gate: GateResult | None) -> list[_Case]:
    by_family: dict[str, _Case] = {}
    cases: dict[str, _Case] = {}
    for c in a.criteria:
        case = _Case(c.title, out=[_score_line(c)])
        cases[c.id] = case
        by_family.setdefault(c.counters, case)
    rest = _Case(GATE_CASE)
    for risk in a.risks:
        by_family.get(risk.family.value, rest).risks.append(risk)
    by_fingerprint = {r.fingerprint: r for r in a.risks}
    if gate is not None:
        rest.out.append(f"Grade {a.grade}, score {a.score:.1f}/100")
        rest.out.append("The gate requires: " + "; ".join(gate.thresholds))
        for b in gate.breaches:
            if b.kind == "invalid" or b.file != a.file or b.proposal_id != a.proposal_id:
                continue
            flagged = by_fingerprint.get(b.risk_fingerprint or "")
            if b.kind == "risk" and flagged is not None:
                by_family.get(flagged.family.value, rest).breaches.append(b)
            elif b.kind == "criterion" and b.criterion in cases:
                cases[b.criterion].breaches.append(b)
            else:
                rest.breaches.append(b)
    ordered = list(cases.values())
    if gate is not None or rest.risks:
        ordered.append(rest)
    return ordered


def _score_line(c: CriterionResult) -> str:
    score = criterion_score(c) if c.score is None else f"{c.score:.1f}/100"
    return f"Score {score} (weight {c.weight:g}; answers {c.counters})"


def _testcase(
    suite: ET.Element, classname: str, file: str, case: _Case, by_fp: dict[str, Risk]
) -> str:
    """Add the case; return its outcome: passed, failure, skipped."""
    el = ET.SubElement(
        suite, "testcase", {"classname": _x(classname), "name": _x(case.name), "file": _x(file)}
    )
    el.set("time", "0")
    outcome = "passed"
    if case.breaches:
        message = "gate: " + "; ".join(_short(b, by_fp) for b in case.breaches)
        lines: list[str] = []
        for b in case.breaches:
            lines.append(_breach_line(b))
            risk = by_fp.get(b.risk_fingerprint or "")
            if b.kind == "risk" and risk is not None:
                lines.append(f"  Mitigation: {risk.mitigation}")
        failure = ET.SubElement(el, "failure", {"message": _x(message), "type": "gate"})
        failure.text = _x("\n".join(lines))
        outcome = "failure"
    elif case.risks and all(r.waived for r in case.risks):
        ET.SubElement(el, "skipped", {"message": _x(_waived_message(case.risks))})
        outcome = "skipped"
    out = list(case.out)
    if case.risks:
        out.append(f"Risks ({len(case.risks)}):")
        for risk in case.risks:
            out.extend(_risk_lines(risk, file))
    elif case.name != GATE_CASE:
        out.append("No risk flagged.")
    if out:
        ET.SubElement(el, "system-out").text = _x("\n".join(out))
    return outcome


def _suite(name: str, file: str) -> ET.Element:
    suite = ET.Element("testsuite", {"name": _x(name)})
    for key in ("tests", "failures", "errors", "skipped"):
        suite.set(key, "0")
    suite.set("time", "0")
    suite.set("file", _x(file))
    return suite


def _count(el: ET.Element, outcomes: list[str]) -> None:
    el.set("tests", str(len(outcomes)))
    el.set("failures", str(outcomes.count("failure")))
    el.set("errors", str(outcomes.count("error")))
    el.set("skipped", str(outcomes.count("skipped")))


def _properties(suite: ET.Element, items: list[tuple[str, str]]) -> None:
    props = ET.SubElement(suite, "properties")
    for name, value in items:
        ET.SubElement(props, "property", {"name": name, "value": _x(value)})


def _assessment_suite(a: Assessment, gate: GateResult | None) -> tuple[ET.Element, list[str]]:
    suite = _suite(a.proposal_id, a.file)
    _properties(
        suite,
        [
            ("file", a.file),
            ("title", a.title),
            ("grade", a.grade),
            ("score", f"{a.score:.1f}"),
            ("score range", f"{a.score_low:.1f}-{a.score_high:.1f}"),
            ("coverage", f"{a.coverage:.0%}"),
            ("cited", f"{a.cited:.0%}"),
            ("provisional", "yes" if a.provisional else "no"),
            ("kind", ", ".join(a.shapes)),
            ("status", a.status),
        ],
    )
    by_fp = {r.fingerprint: r for r in a.risks}
    outcomes = [_testcase(suite, a.proposal_id, a.file, c, by_fp) for c in _cases(a, gate)]
    _count(suite, outcomes)
    return suite, outcomes


def _failure_suite(f: Failure) -> tuple[ET.Element, list[str]]:
    suite = _suite(f.file, f.file)
    _properties(suite, [("file", f.file)])
    el = ET.SubElement(
        suite, "testcase", {"classname": _x(f.file), "name": INVALID_CASE, "file": _x(f.file)}
    )
    el.set("time", "0")
    error = ET.SubElement(
        el,
        "error",
        {"message": _x(f"cannot be assessed: {len(f.problems)} problem(s)"), "type": "invalid"},
    )
    error.text = _x("\n".join(str(p) for p in f.problems) or f"{f.file}: cannot be assessed")
    _count(suite, ["error"])
    return suite, ["error"]


@dataclass(frozen=True, slots=True)
class Piece:
    """One result's test suite, written, and how its cases came out."""

    #: The ``<testsuite>`` element indented as a child of the root, without its tail
    #: (``parts.seal``).
    text: Sealed
    outcomes: tuple[str, ...]


def piece(
    result: Assessment | Failure, gate: GateResult | None, *, compress: bool = False
) -> Piece:
    """``result``'s suite (module-level: a worker process may make it). ``gate`` is the
    gate's verdict, of which only the thresholds and ``result``'s breaches are read; the
    suite's text is compressed with ``compress`` (``parts.seal``)."""
    if isinstance(result, Assessment):
        suite, outcomes = _assessment_suite(result, gate)
    else:
        suite, outcomes = _failure_suite(result)
    ET.indent(suite, space=_INDENT, level=1)
    suite.tail = None
    return Piece(seal(ET.tostring(suite, encoding="unicode"), compress), tuple(outcomes))


_INDENT = "  "


class Book:
    """A report's suites as they arrive, and the counts of their cases."""

    def __init__(self, shelf: Shelf = kept) -> None:
        self.suites: Parts[Sealed] = shelf()
        self.counts: Counter[str] = Counter()
        self.tests = 0

    def add(self, p: Piece) -> None:
        self.suites.append(p.text)
        self.counts.update(p.outcomes)
        self.tests += len(p.outcomes)

    @classmethod
    def of(cls, report: Report) -> Book:
        book = cls()
        for result in report.results:
            book.add(piece(result, report.gate))
        return book

    def chunks(self) -> Iterator[str]:
        """The document, a suite at a time."""
        root = ET.Element("testsuites", {"name": "policycheck"})
        for key in ("tests", "failures", "errors", "skipped"):
            root.set(key, "0")
        root.set("time", "0")
        root.set("tests", str(self.tests))
        for key, outcome in (("failures", "failure"), ("errors", "error"), ("skipped", "skipped")):
            root.set(key, str(self.counts[outcome]))
        yield '<?xml version="1.0" encoding="UTF-8"?>\n'
        if not self.suites:
            yield ET.tostring(root, encoding="unicode") + "\n"
            return
        root.text = "@"
        start, end = ET.tostring(root, encoding="unicode").split("@")
        yield start
        for suite in self.suites:
            yield "\n" + _INDENT + unseal(suite)
        yield "\n" + end + "\n"


def chunks(report: Report) -> Iterator[str]:
    return Book.of(report).chunks()


def render(report: Report) -> str:
    return "".join(chunks(report))
