"""The editor schema (``policycheck schema``) and the tool agree on one probe set (issue 10).

Each probe is a minimal proposal changed in one way. The tool reads it as YAML
1.2 (with the pure parser where the C parser refuses) and validates it; the
schema validates the same data. Both verdicts must be the expected one.

One difference is known and kept: a country listed twice in two different
forms (``AL`` and ``{country: AL, role: lead}``). JSON Schema can say it only
with a ``contains``/``maxContains`` clause per country code, which made
validation over twenty times slower for editors and check-jsonschema; the
schema says ``uniqueItems`` (the same item twice) and the tool says the rest.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from policycheck import Assessor, InputError
from policycheck.loading import load_yaml_text
from tests.conftest import run_cli

BASE = "schema_version: 1\nid: p\ntitle: P\nstatus: idea\nparticipants: [AL]\n"
EQUIPMENT = "equipment: [{{system: S, category: other, recipient: AL, quantity: {}}}]\n"

# name, text added to (or replacing part of) BASE, valid?
PROBES: list[tuple[str, str, bool]] = [
    ("minimal", "", True),
    (
        "url-in-a-flow-list",
        "safeguards: {human_security: {statement: S, evidence: [Art. 4, https://x.org/a]}}\n",
        True,
    ),
    ("unknown-participant-code", "participants: [QQ]\n", False),
    ("unknown-lead", "lead: QQ\n", False),
    ("unknown-external-actor", "external_actors: [{country: QQ}]\n", False),
    (
        "unknown-supplier",
        "equipment: [{system: S, category: other, supplier: QQ, recipient: AL}]\n",
        False,
    ),
    ("known-codes", "lead: EU\nexternal_actors: [{country: CN}]\n", True),
    ("lower-case-code", "participants: [al]\n", False),
    ("unknown-instrument", "instruments: [nope]\n", False),
    ("known-instrument", "instruments: [sdp]\n", True),
    ("unknown-format", "regional: {formats: [nope]}\n", False),
    ("unknown-format-mapping", "regional: {formats: [{format: nope}]}\n", False),
    ("known-format", "regional: {formats: [berlin-process]}\n", True),
    ("empty-title", "title: ''\n", False),
    ("blank-title", "title: '   '\n", False),
    ("empty-claim", "safeguards: {human_security: ''}\n", False),
    ("blank-claim", "safeguards: {human_security: '  '}\n", False),
    ("empty-mapping-claim", "safeguards: {human_security: {}}\n", False),
    ("yes-as-a-claim", "safeguards: {human_security: 'yes'}\n", False),
    ("Off-as-a-claim", "safeguards: {human_security: ' Off '}\n", False),
    ("sentence-claim", "safeguards: {human_security: 'Yes, article 4 says so'}\n", True),
    ("blank-evidence", "safeguards: {human_security: {statement: S, evidence: ' '}}\n", False),
    (
        "blank-evidence-item",
        "transparency: {reporting: {cadence: annual, evidence: ['']}}\n",
        False,
    ),
    (
        "stated-absent-with-evidence",
        "safeguards: {human_security: {provided: false, statement: S, evidence: [x]}}\n",
        True,
    ),
    ("repeated-participant-code", "participants: [AL, AL]\n", False),
    ("repeated-participant-mapping", "participants: [{country: AL}, {country: AL}]\n", False),
    ("distinct-participants", "participants: [AL, {country: RS, role: lead}]\n", True),
    ("quantity-4.0", EQUIPMENT.format("4.0"), True),
    ("quantity-4.5", EQUIPMENT.format("4.5"), False),
    ("quantity-true", EQUIPMENT.format("true"), False),
    ("horizon-5.0", "horizon_years: 5.0\n", True),
    ("date-zero", "date: 0\n", False),
    ("date-month-13", "date: 2025-13-01\n", False),
    ("date", "date: 2025-06-01\n", True),
]


#: Refused by the tool only (see the module's docstring).
TOOL_ONLY = [
    "participants: [AL, {country: AL, role: lead}]\n",
    "participants: [{country: AL, role: lead}, {country: AL}]\n",
]


def _text(change: str) -> str:
    """BASE with the keys ``change`` sets replaced (or added)."""
    changed = {line.split(":", 1)[0] for line in change.splitlines()}
    kept = [line for line in BASE.splitlines() if line.split(":", 1)[0] not in changed]
    return "\n".join(kept) + "\n" + change


def _schema_from_cli(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code, out, err = run_cli(capsys, "schema", *args)
    assert code == 0, err
    document: dict[str, Any] = json.loads(out)
    jsonschema.Draft202012Validator.check_schema(document)
    return document


def _tool_accepts(assessor: Assessor, text: str) -> bool:
    try:
        assessor.assess_bytes(text.encode(), "probe.yaml")
    except InputError:
        return False
    return True


def _schema_accepts(validator: jsonschema.Draft202012Validator, text: str) -> bool:
    try:
        data = load_yaml_text(text, "probe.yaml").data
    except InputError:
        return False
    return not list(validator.iter_errors(data))


def test_the_tool_and_the_schema_agree_on_every_probe(
    assessor: Assessor, capsys: pytest.CaptureFixture[str]
) -> None:
    validator = jsonschema.Draft202012Validator(_schema_from_cli(capsys))
    verdicts = {
        name: (_tool_accepts(assessor, _text(change)), _schema_accepts(validator, _text(change)))
        for name, change, _ in PROBES
    }
    expected = {name: (valid, valid) for name, _, valid in PROBES}
    assert verdicts == expected
    known = [
        (_tool_accepts(assessor, _text(c)), _schema_accepts(validator, _text(c))) for c in TOOL_ONLY
    ]
    assert known == [(False, True)] * len(TOOL_ONLY)


def test_the_schema_hides_nothing_the_tool_accepts_in_the_samples(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``provided: false`` (stated absent, with the reason) is used by samples: it stays, described."""
    claim = _schema_from_cli(capsys)["$defs"]["Claim"]["anyOf"][-1]
    assert "stated absent" in claim["properties"]["provided"]["description"]


def test_the_schema_takes_codes_from_the_reference_data_in_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "ref"
    folder.mkdir()
    (folder / "iso3166.yaml").write_text(
        "reference: 1\ndataset: iso3166\nas_of: 2025-01-01\ncodes: {QQ: Qqland}\n",
        encoding="utf-8",
    )
    assert "QQ" not in _schema_from_cli(capsys)["$defs"]["CountryCode"]["enum"]
    document = _schema_from_cli(capsys, "--reference", str(folder))
    assert "QQ" in document["$defs"]["CountryCode"]["enum"]
    validator = jsonschema.Draft202012Validator(document)
    assert _schema_accepts(validator, _text("participants: [QQ]\n"))
    assert _tool_accepts(Assessor(reference=folder), _text("participants: [QQ]\n"))
