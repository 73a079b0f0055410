"""Provenance in every report: the file's sources, evidence ids resolved to them, and the
reference facts (with source and as-of date) each flagged risk rests on (issue 11)."""

from __future__ import annotations

import json

from policycheck import Assessment, Assessor
from policycheck.assessment import Risk
from policycheck.render import json as json_render
from policycheck.render import markdown
from tests.conftest import PROPOSALS, assess_yaml

SOURCED = """\
schema_version: 1
id: sourced
title: Sourced initiative
status: proposed
sources:
  - id: pact-2024
    title: The pact's text
    url: https://example.org/pact
    date: 2024-05-01
  - title: A source with no id
participants: [AL, ME]
transparency:
  public_text:
    provided: true
    evidence: [pact-2024]
"""


def test_assessment_lists_the_files_sources_and_resolves_evidence_ids(assessor: Assessor) -> None:
    a = assess_yaml(assessor, SOURCED)
    assert [(c.id, c.title, c.url, c.date) for c in a.sources] == [
        ("pact-2024", "The pact's text", "https://example.org/pact", "2024-05-01"),
        ("source-2", "A source with no id", None, None),
    ]
    notes = [e.note for c in a.criteria for i in c.indicators for e in i.evidence]
    citing = [n for n in notes if "pact-2024" in n]
    assert citing
    assert [c.id for c in a.sources_in(citing[0])] == ["pact-2024"]
    # an id is a whole token: a longer id containing it does not match
    assert a.sources_in("evidence: pact-2024-annex") == ()


def test_json_carries_sources_evidence_ids_and_reference_facts(assessor: Assessor) -> None:
    a = assess_yaml(assessor, SOURCED)
    result = json_render.assessment_dict(a)
    assert result["sources"][0] == {
        "id": "pact-2024",
        "title": "The pact's text",
        "url": "https://example.org/pact",
        "date": "2024-05-01",
    }
    evidence = [
        e
        for c in result["criteria"]
        for i in c["indicators"]
        for e in i["evidence"]
        if e["sources"]
    ]
    assert evidence
    assert all(e["sources"] == ["pact-2024"] for e in evidence)


def _risk(assessor: Assessor, sample: str, risk_id: str) -> Risk:
    a = assessor.assess_file(PROPOSALS / sample)
    assert isinstance(a, Assessment)
    return next(r for r in a.risks if r.id == risk_id)


def test_build_up_risk_cites_the_ceiling_and_the_dyad_with_dates(assessor: Assessor) -> None:
    ce05 = _risk(assessor, "serbia-rafale-2024.yaml", "CE05")
    by_dataset = {f.dataset: f for f in ce05.references}
    assert set(by_dataset) == {"srac", "dyads"}
    assert "RS combat aircraft: ceiling" in by_dataset["srac"].fact
    assert "HR–RS rivalry, high" in by_dataset["dyads"].fact
    for fact in ce05.references:
        assert fact.as_of[:2] == "20"
        assert fact.sources
        assert all(c.title and c.title != c.id for c in fact.sources)


def test_external_actor_risk_cites_the_country_record(assessor: Assessor) -> None:
    rf03 = _risk(assessor, "kosovo-armed-drones-2023.yaml", "RF03")
    assert [f.dataset for f in rf03.references] == ["countries"]
    assert rf03.references[0].fact.startswith("TR (Türkiye): medium concern")


def test_markdown_and_html_list_sources_and_reference_facts(assessor: Assessor) -> None:
    from policycheck.render import html

    report = assessor.run([PROPOSALS / "serbia-rafale-2024.yaml"], jobs=1)
    for text in (markdown.render(report), html.render(report)):
        assert "Sources (2)" in text
        assert "War on the Rocks, Dec 2021" in text
        assert "RS combat aircraft: ceiling at most 155" in text
        assert "as of 2025-12-15" in text
        assert "Reference-data sources behind the risks" in text
        assert "Arms Control Today" in text  # a reference source id resolved to its title
    data = json.loads(json_render.render(report))
    ce05 = next(r for r in data["results"][0]["risks"] if r["id"] == "CE05")
    assert {f["dataset"] for f in ce05["references"]} == {"srac", "dyads"}
