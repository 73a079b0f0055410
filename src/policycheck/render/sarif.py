"""SARIF 2.1.0 (``--format sarif``): for GitHub code scanning and other SARIF viewers.

One run. ``tool.driver.rules`` holds one rule per risk the rubric defines, sorted by id (its
title, mitigation, the brief's section, family; its default level and ``security-severity``
from the rubric's severity for the risk, never from a result: a check may raise one proposal's
risk, and a pull-request run and a full run must publish the same metadata for a rule), then
``PC0000`` (a file that cannot be assessed) and ``PCGATE`` (a grade, score or criterion below
the gate's threshold). Risk rules carry the ``security`` tag, without which GitHub code
scanning ignores ``security-severity``.

Results, in report order: one per risk (level from its severity: critical and high →
``error``, medium → ``warning``, low → ``note``), located at its first piece of evidence, the
rest of the evidence as related locations, the YAML path as a logical location and
``partialFingerprints["policycheck/v1"]`` the risk's line-free fingerprint. Given a
``SourceRoot``, file URIs are relative to the repository root (``uriBaseId`` ``%SRCROOT%``)
whatever the working directory, absolute inputs included; only a file outside the repository
gets a ``file://`` URI.

A risk waived by an active waiver is left out (GitHub code scanning does not honour SARIF
``suppressions``: a suppressed result would still open an alert); ``run.properties`` counts
those left out. With ``keep_waived`` it is kept, with an accepted external suppression, for
viewers that honour one. An expired waiver suppresses nothing and is mentioned in the message.
Then one result per problem of each unusable file (PC0000), then one per gate breach of kind
grade, score or criterion (PCGATE); a risk that breaches the gate is its own result, marked
``properties.gateBreach``.

Pure and deterministic: no I/O, no clock; ``json.dumps(indent=2, sort_keys=True)``.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import PureWindowsPath
from typing import Any
from urllib.parse import quote

from policycheck.assessment import (
    Assessment,
    Breach,
    Failure,
    GateResult,
    Location,
    Report,
    Risk,
    RiskRule,
    Severity,
    fingerprint,
)
from policycheck.render.indented import indented
from policycheck.render.parts import Parts, Sealed, Shelf, kept, seal, unseal
from policycheck.render.paths import SourceRoot, absolute_path, is_absolute, repository_path
from policycheck.text import xml_text

__all__ = ["Book", "Piece", "SourceRoot", "artifact_uri", "chunks", "piece", "render", "sarif_dict"]

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
#: Where to read about the tool. The project has no published home page yet.
INFORMATION_URI = "https://policycheck.invalid/"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "policycheck/v1"

INVALID_RULE = "PC0000"
GATE_RULE = "PCGATE"
#: Gate breaches that get a result of their own (risk breaches are the risks' results,
#: invalid-file breaches the PC0000 results).
GATE_KINDS = frozenset({"grade", "score", "criterion"})

LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
}
#: GitHub code scanning's 0-10 scale: critical > 9, high 7-8.9, medium 4-6.9, low < 4.
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "2.0",
}

_FIXED_RULES: tuple[dict[str, Any], ...] = (
    {
        "id": INVALID_RULE,
        "name": "UnusableInput",
        "shortDescription": {"text": "Proposal cannot be assessed"},
        "fullDescription": {
            "text": "The file is not a usable proposal (YAML syntax, unknown keys, wrong types or "
            "values, unknown country codes, size or encoding), so it was not assessed."
        },
        "help": {
            "text": "Fix every problem reported at its file:line:column and run again; "
            "'policycheck new FILE' writes a commented template.",
            "markdown": "Fix every problem reported at its `file:line:column` and run again; "
            "`policycheck new FILE` writes a commented template.",
        },
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["policycheck", "invalid-input"]},
    },
    {
        "id": GATE_RULE,
        "name": "GateThreshold",
        "shortDescription": {"text": "Gate threshold missed"},
        "fullDescription": {
            "text": "The proposal's grade, overall score or a criterion's score is below what "
            "the CI gate requires (--fail-under, --min)."
        },
        "help": {
            "text": "Raise the score with the changes the report lists first, or review the "
            "gate's thresholds.",
            "markdown": "Raise the score with the changes the report lists first (*Changes "
            "that would raise the score most*), or review the gate's thresholds "
            "(`--fail-under`, `--min`).",
        },
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["policycheck", "gate"]},
    },
)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?" else text + "."


def _pascal(title: str) -> str:
    words = re.split(r"[^\w]+", title.replace("'", "").replace("’", ""))
    return "".join(w[:1].upper() + w[1:] for w in words if w) or "Risk"


def _file_uri(posix: str) -> str:
    if PureWindowsPath(posix).drive:
        return "file:///" + quote(posix, safe="/:")
    return "file://" + quote(posix, safe="/")


def artifact_uri(file: str, where: SourceRoot | None = None) -> tuple[str, str | None]:
    """The URI of ``file`` and its base id: forward slashes, percent-encoded.

    Without ``where``, relative paths are taken as they are against ``%SRCROOT%`` and absolute
    paths become ``file://`` URIs. With it, every path (relative to ``where.cwd``, or absolute)
    inside ``where.root`` is made relative to the root, against ``%SRCROOT%``; a path outside
    the repository keeps an absolute ``file://`` URI.
    """
    posix = file.replace("\\", "/")
    if where is None:
        if is_absolute(file):
            return _file_uri(posix), None
        while posix.startswith("./"):
            posix = posix[2:]
        return quote(posix, safe="/"), SRCROOT
    inside = repository_path(file, where)
    if inside is not None:
        return quote(inside, safe="/"), SRCROOT
    return _file_uri(absolute_path(file, where)), None


class _Artifacts:
    """The run's artifacts, indexed in the order they are first referred to: each file and the
    hash it was first given (the items are written from these at the end)."""

    def __init__(self, where: SourceRoot | None = None) -> None:
        self.where = where
        self.files: list[str] = []
        self.hashes: list[str] = []
        self.index: dict[str, int] = {}
        self.relative = False
        #: Each file's URI and base id, worked out once (a result's locations share a file).
        self._uris: dict[str, tuple[str, str | None]] = {}

    def add(self, file: str, sha256: str = "") -> int:
        if file in self.index:
            known = self.index[file]
            if sha256 and not self.hashes[known]:
                self.hashes[known] = sha256
            return known
        self.location(file)
        self.index[file] = len(self.files)
        self.files.append(file)
        self.hashes.append(sha256)
        return self.index[file]

    def item(self, n: int) -> dict[str, Any]:
        """The ``n``-th artifact of the run's ``artifacts``."""
        item: dict[str, Any] = {
            "location": self.location(self.files[n]),
            "roles": ["analysisTarget"],
        }
        if self.hashes[n]:
            item["hashes"] = {"sha-256": self.hashes[n]}
        return item

    def location(self, file: str) -> dict[str, Any]:
        known = self._uris.get(file)
        if known is None:
            known = self._uris[file] = artifact_uri(file, self.where)
        uri, base = known
        loc: dict[str, Any] = {"uri": uri}
        if base is not None:
            loc["uriBaseId"] = base
            self.relative = True
        return loc

    def physical(self, file: str, line: int | None, column: int | None) -> dict[str, Any]:
        loc = self.location(file)
        loc["index"] = self.add(file)
        physical: dict[str, Any] = {"artifactLocation": loc}
        if line is not None:
            region: dict[str, Any] = {"startLine": max(1, line)}
            if column is not None:
                region["startColumn"] = max(1, column)
            physical["region"] = region
        return physical


def _rule(risk: RiskRule | Risk) -> dict[str, Any]:
    """A risk's rule. From the rubric's ``RiskRule``: level and ``security-severity`` from its
    severity. From a ``Risk`` (a report made without the rubric's risks): neither, since a
    result's severity may be one a check raised for one proposal."""
    rule: dict[str, Any] = {
        "id": risk.id,
        "name": _pascal(risk.title),
        "shortDescription": {"text": risk.title},
        "fullDescription": {"text": risk.mitigation},
        "help": {
            "text": f"{_sentence(risk.mitigation)}\n\nBrief: {risk.brief}",
            "markdown": f"**Mitigation.** {_sentence(risk.mitigation)}\n\n**Brief:** {risk.brief}",
        },
        "properties": {
            "family": risk.family.value,
            "tags": ["security", "policycheck", risk.family.value],
        },
    }
    if isinstance(risk, RiskRule):
        rule["defaultConfiguration"] = {"level": LEVELS[risk.severity]}
        rule["properties"]["security-severity"] = SECURITY_SEVERITY[risk.severity]
        rule["properties"]["severity"] = risk.severity.value
    return rule


def _location(artifacts: _Artifacts, loc: Location, note: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"physicalLocation": artifacts.physical(loc.file, loc.line, loc.column)}
    if loc.path:
        out["logicalLocations"] = [
            {"name": loc.path.rsplit(".", 1)[-1], "fullyQualifiedName": loc.path}
        ]
    if note:
        out["message"] = {"text": note}
    return out


def _fingerprint(a: Assessment, risk: Risk) -> str:
    """The risk's own fingerprint; worked out the same way should a risk come without one."""
    if risk.fingerprint:
        return risk.fingerprint
    path = risk.evidence[0].location.path if risk.evidence else ""
    return fingerprint(risk.id, a.proposal_id, path)


def _risk_result(
    artifacts: _Artifacts,
    a: Assessment,
    risk: Risk,
    rule_index: int,
    breaching: frozenset[str],
    keep_waived: bool,
) -> dict[str, Any] | None:
    """The risk's result; ``None`` for a risk under an active waiver unless ``keep_waived``."""
    if risk.waiver is not None and risk.waiver.active and not keep_waived:
        return None
    text = f"{risk.title}: {_sentence(risk.finding)} Mitigation: {_sentence(risk.mitigation)}"
    properties: dict[str, Any] = {
        "proposal": a.proposal_id,
        "severity": risk.severity.value,
        "family": risk.family.value,
        "check": risk.check_id,
    }
    result: dict[str, Any] = {
        "ruleId": risk.id,
        "ruleIndex": rule_index,
        "level": LEVELS[risk.severity],
        "partialFingerprints": {FINGERPRINT_KEY: _fingerprint(a, risk)},
        "properties": properties,
    }
    if risk.evidence:
        first, *rest = risk.evidence
        result["locations"] = [_location(artifacts, first.location, first.note)]
        if rest:
            result["relatedLocations"] = [
                {"id": n, **_location(artifacts, e.location, e.note)}
                for n, e in enumerate(rest, start=1)
            ]
    else:
        result["locations"] = [{"physicalLocation": artifacts.physical(a.file, 1, None)}]
    if risk.fingerprint in breaching:
        properties["gateBreach"] = True
    use = risk.waiver
    if use is not None:
        w = use.waiver
        waiver = {
            "owner": w.owner,
            "expires": w.expires.isoformat(),
            "origin": w.origin,
            "target": w.target,
        }
        if use.active:
            result["suppressions"] = [
                {
                    "kind": "external",
                    "status": "accepted",
                    "justification": f"{w.justification} (waived by {w.owner} until "
                    f"{w.expires.isoformat()}; {w.origin})",
                    "properties": waiver,
                }
            ]
        else:
            text += (
                f" The waiver by {w.owner} expired on {w.expires.isoformat()} "
                f"({w.justification.strip().rstrip('.')}): the risk is no longer waived."
            )
            properties["expiredWaiver"] = waiver
    result["message"] = {"text": text}
    return result


def _failure_results(artifacts: _Artifacts, f: Failure, rule_index: int) -> list[dict[str, Any]]:
    artifacts.add(f.file, f.file_sha256)
    results: list[dict[str, Any]] = []
    for p in f.problems:
        results.append(
            {
                "ruleId": INVALID_RULE,
                "ruleIndex": rule_index,
                "level": "error",
                "message": {"text": _sentence(p.message)},
                "locations": [{"physicalLocation": artifacts.physical(p.file, p.line, p.column)}],
                "partialFingerprints": {
                    FINGERPRINT_KEY: fingerprint(INVALID_RULE, p.file, p.message)
                },
            }
        )
    if not results:
        results.append(
            {
                "ruleId": INVALID_RULE,
                "ruleIndex": rule_index,
                "level": "error",
                "message": {"text": "The file cannot be assessed."},
                "locations": [{"physicalLocation": artifacts.physical(f.file, 1, 1)}],
                "partialFingerprints": {FINGERPRINT_KEY: fingerprint(INVALID_RULE, f.file, "")},
            }
        )
    return results


def _gate_result(artifacts: _Artifacts, b: Breach, rule_index: int) -> dict[str, Any]:
    who = f"{b.proposal_id}: " if b.proposal_id else ""
    key = f"{b.kind}:{b.criterion or ''}"
    properties: dict[str, Any] = {"kind": b.kind}
    if b.proposal_id:
        properties["proposal"] = b.proposal_id
    if b.criterion:
        properties["criterion"] = b.criterion
    return {
        "ruleId": GATE_RULE,
        "ruleIndex": rule_index,
        "level": "error",
        "message": {"text": f"{who}{_sentence(b.message)}"},
        "locations": [{"physicalLocation": artifacts.physical(b.file, b.line, b.column)}],
        "partialFingerprints": {
            FINGERPRINT_KEY: fingerprint(GATE_RULE, b.proposal_id or b.file, key)
        },
        "properties": properties,
    }


def rules(report: Report) -> list[dict[str, Any]]:
    """Every rubric risk's rule by id, then any risk the report has that the rubric list lacks
    (a report made by hand), then the fixed rules."""
    known: dict[str, RiskRule | Risk] = {r.id: r for r in report.risk_rules}
    for a in report.assessments:
        for risk in a.risks:
            known.setdefault(risk.id, risk)
    return [_rule(known[k]) for k in sorted(known)] + [dict(r) for r in _FIXED_RULES]


#: Where the items of the run's ``results`` and ``properties.proposals`` start (spaces) in the
#: document: pieces are written at that depth where their result is.
RESULTS_DEPTH = 8
PROPOSALS_DEPTH = 10

#: Stand for the long lists in the document's frame, replaced by the items written one by one.
_ARTIFACTS, _PROPOSALS, _RESULTS = "\ue000artifacts", "\ue000proposals", "\ue000results"

#: An artifact's index in a piece's results (the indices are the piece's own until it is
#: placed in the run).
_INDEX = re.compile(r'(\n *"index": )(\d+)')


def _dump(item: dict[str, Any], depth: int) -> str:
    """``item`` as the document writes it at ``depth``: the same sanitiser, sorted keys."""
    return indented(item, xml_text, depth)


def _list(items: Iterable[str], depth: int) -> Iterator[str]:
    """A JSON list, as ``json.dumps(indent=2)`` has it, of items written at ``depth``: each
    of ``items`` is one or more of them, joined by ``_joint(depth)``."""
    first = True
    for text in items:
        yield ("[\n" if first else ",\n") + " " * depth + text
        first = False
    yield "[]" if first else "\n" + " " * (depth - 2) + "]"


def _joint(depth: int) -> str:
    return ",\n" + " " * depth


@dataclass(frozen=True, slots=True)
class Piece:
    """One result's part of the log: the files its results refer to, in order, with their
    hashes; its results, written with its own artifact indices (``parts.seal``, or None for
    none); its line of ``properties.proposals`` (sealed, or None for an invalid file) and how
    many waived risks it left out."""

    files: tuple[tuple[str, str], ...]
    results: Sealed | None
    proposal: Sealed | None
    omitted: int


def piece(
    result: Assessment | Failure,
    index: Mapping[str, int],
    breaching: frozenset[str],
    *,
    keep_waived: bool = False,
    where: SourceRoot | None = None,
    compress: bool = False,
) -> Piece:
    """``result``'s part of the log (module-level: a worker process may make it); ``index``
    is each rule's place in the run's rules, ``breaching`` the fingerprints of the risks the
    gate counts as breaches; its texts are compressed with ``compress`` (``parts.seal``)."""
    artifacts = _Artifacts(where)
    made: list[dict[str, Any]] = []
    omitted = 0
    proposal = None
    if isinstance(result, Assessment):
        artifacts.add(result.file, result.file_sha256)
        for risk in result.risks:
            one = _risk_result(artifacts, result, risk, index[risk.id], breaching, keep_waived)
            if one is None:
                omitted += 1
            else:
                made.append(one)
        proposal = seal(_dump(_proposal(result), PROPOSALS_DEPTH), compress)
    else:
        made = _failure_results(artifacts, result, index[INVALID_RULE])
    files = tuple(zip(artifacts.files, artifacts.hashes, strict=True))
    results = _joint(RESULTS_DEPTH).join(_dump(r, RESULTS_DEPTH) for r in made)
    return Piece(files, seal(results, compress) if made else None, proposal, omitted)


def _proposal(a: Assessment) -> dict[str, Any]:
    return {
        "id": a.proposal_id,
        "grade": a.grade,
        "score": round(a.score, 1),
        "scoreRange": [round(a.score_low, 1), round(a.score_high, 1)],
        "coverage": round(a.coverage, 3),
        "provisional": a.provisional,
        "kind": list(a.shapes),
    }


def _breaching(gate: GateResult | None) -> frozenset[str]:
    return frozenset(
        b.risk_fingerprint
        for b in (gate.breaches if gate is not None else ())
        if b.kind == "risk" and b.risk_fingerprint
    )


def _placer(placed: tuple[int, ...]) -> Callable[[re.Match[str]], str]:
    """An artifact index of a piece made the run's."""
    return lambda m: f"{m[1]}{placed[int(m[2])]}"


class Book:
    """A log's pieces as they arrive, placed in the run (their artifacts indexed in the run's
    order), and what its whole-batch parts need."""

    def __init__(
        self, rules: list[dict[str, Any]], where: SourceRoot | None = None, shelf: Shelf = kept
    ) -> None:
        self.rules = rules
        self.index = {rule["id"]: n for n, rule in enumerate(rules)}
        self.where = where
        self.artifacts = _Artifacts(where)
        #: Each piece's results and where its artifacts are in the run (None: where the
        #: piece has them), placed as they are read.
        self.results: Parts[tuple[tuple[int, ...] | None, Sealed]] = shelf()
        self.proposals: Parts[Sealed] = shelf()
        self.omitted = 0

    def add(self, p: Piece) -> None:
        placed = tuple(self.artifacts.add(file, sha256) for file, sha256 in p.files)
        if p.results is not None:
            moved = placed != tuple(range(len(placed)))
            self.results.append((placed if moved else None, p.results))
        if p.proposal is not None:
            self.proposals.append(p.proposal)
        self.omitted += p.omitted

    def _placed(self) -> Iterator[str]:
        """Each piece's results, their artifact indices those of the run."""
        for placed, sealed in self.results:
            text = unseal(sealed)
            yield text if placed is None else _INDEX.sub(_placer(placed), text)

    @classmethod
    def of(
        cls, report: Report, *, keep_waived: bool = False, where: SourceRoot | None = None
    ) -> Book:
        book = cls(rules(report), where)
        breaching = _breaching(report.gate)
        for result in report.results:
            book.add(piece(result, book.index, breaching, keep_waived=keep_waived, where=where))
        return book

    def chunks(self, report: Report) -> Iterator[str]:
        """The log, a piece at a time: ``report`` gives the header and the gate (its results
        are not read), the pieces added the rest."""
        gate = report.gate
        artifacts = self.artifacts
        closing = [
            _dump(_gate_result(artifacts, b, self.index[GATE_RULE]), RESULTS_DEPTH)
            for b in (gate.breaches if gate is not None else ())
            if b.kind in GATE_KINDS
        ]
        frame = indented(self._frame(report), xml_text)
        lists = {
            _ARTIFACTS: (
                (_dump(artifacts.item(n), RESULTS_DEPTH) for n in range(len(artifacts.files))),
                RESULTS_DEPTH,
            ),
            _PROPOSALS: (map(unseal, self.proposals), PROPOSALS_DEPTH),
            _RESULTS: (itertools.chain(self._placed(), closing), RESULTS_DEPTH),
        }
        marks = sorted((frame.index(f'"{mark}"'), mark) for mark in lists)
        done = 0
        for at, mark in marks:
            items, depth = lists[mark]
            line = frame[frame.rfind("\n", 0, at) + 1 : at]
            assert len(line) - len(line.lstrip(" ")) + 2 == depth, f"{mark!r} is not at {depth}"
            yield frame[done:at]
            yield from _list(items, depth)
            done = at + len(mark) + 2
        yield frame[done:] + "\n"

    def _frame(self, report: Report) -> dict[str, Any]:
        """The log with its long lists left as marks."""
        gate = report.gate
        invocation: dict[str, Any] = {"executionSuccessful": True}
        if gate is not None:
            invocation["properties"] = {
                "gate": {
                    "passed": gate.passed,
                    "soft": gate.soft,
                    "thresholds": list(gate.thresholds),
                    "breaches": len(gate.breaches),
                    "absorbedByBaseline": gate.absorbed_by_baseline,
                }
            }
            notifications = [
                {
                    "level": "warning",
                    "message": {
                        "text": f"{w.origin}: the waiver of {w.target} for {w.proposal} "
                        f"(owner {w.owner}) expired on {w.expires.isoformat()}."
                    },
                }
                for w in gate.expired_waivers
            ] + [
                {
                    "level": "note",
                    "message": {
                        "text": f"{w.origin}: the waiver of {w.target} for {w.proposal} "
                        f"(owner {w.owner}) matches no finding."
                    },
                }
                for w in gate.unused_waivers
            ]
            if notifications:
                invocation["toolConfigurationNotifications"] = notifications

        run: dict[str, Any] = {
            "tool": {
                "driver": {
                    "name": "policycheck",
                    "version": report.tool_version,
                    "semanticVersion": report.tool_version,
                    "informationUri": INFORMATION_URI,
                    "rules": self.rules,
                    "properties": {
                        "rubric": {
                            "id": report.rubric.id,
                            "version": report.rubric.version,
                            "title": report.rubric.title,
                            "sha256": report.rubric.sha256,
                        },
                        "referenceDigest": report.reference_digest,
                    },
                }
            },
            "invocations": [invocation],
            "columnKind": "unicodeCodePoints",
            "artifacts": _ARTIFACTS,
            "results": _RESULTS,
            "properties": {
                "generatedAt": report.generated_at,
                "waivedResultsOmitted": self.omitted,
                # The verdicts the results belong to: what is known, and how sure the grade is.
                "proposals": _PROPOSALS,
            },
        }
        if self.artifacts.relative:
            described = (
                "The repository root; proposal paths are relative to it."
                if self.where is not None
                else "The folder policycheck ran in; proposal paths are relative to it."
            )
            run["originalUriBaseIds"] = {SRCROOT: {"description": {"text": described}}}
        return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def chunks(
    report: Report, *, keep_waived: bool = False, where: SourceRoot | None = None
) -> Iterator[str]:
    """The SARIF log of ``report``, a piece at a time.

    ``keep_waived`` keeps waived risks as suppressed results; ``where`` makes URIs relative
    to the repository root. SARIF is JSON, but its viewers put its text into XML and HTML:
    every text goes through the same sanitiser.
    """
    return Book.of(report, keep_waived=keep_waived, where=where).chunks(report)


def sarif_dict(
    report: Report, *, keep_waived: bool = False, where: SourceRoot | None = None
) -> dict[str, Any]:
    """The SARIF log of ``report`` as a dictionary (what ``render`` writes, read back)."""
    log: dict[str, Any] = json.loads(render(report, keep_waived=keep_waived, where=where))
    return log


def render(report: Report, *, keep_waived: bool = False, where: SourceRoot | None = None) -> str:
    return "".join(chunks(report, keep_waived=keep_waived, where=where))
