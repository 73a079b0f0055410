"""TR01-TR05: transparency. None of them raises a risk."""

from __future__ import annotations

import pytest

from policycheck.assessment import IndicatorStatus
from tests.checks.conftest import Run, only_at

SCORED = IndicatorStatus.SCORED
INSUFFICIENT = IndicatorStatus.INSUFFICIENT

CLAIM_CHECKS = [
    ("TR01", "public_text"),
    ("TR03", "progress_indicators"),
    ("TR04", "parliamentary_oversight"),
    ("TR05", "neighbour_information_sharing"),
]
CLAIMS = [
    ('{statement: Published, evidence: ["https://example.org/text"]}', "evidenced", 100.0),
    ("true", "asserted", 50.0),
    ("Said to be so", "asserted", 50.0),
    ("false", "absent", 0.0),
]


@pytest.mark.parametrize(("check_id", "key"), CLAIM_CHECKS)
@pytest.mark.parametrize(("value", "level", "points"), CLAIMS)
def test_claim_levels(
    run: Run, check_id: str, key: str, value: str, level: str, points: float
) -> None:
    case = run(f"activities: [training]\ntransparency:\n  {key}: {value}\n")
    ind = case.indicator(check_id)
    assert (ind.level, ind.status, ind.points) == (level, SCORED, points)
    assert only_at(ind.evidence, f"transparency.{key}") == case.line(f"{key}:")
    assert not [r for r in case.a.risks if r.check_id == check_id]


@pytest.mark.parametrize(("check_id", "key"), CLAIM_CHECKS)
def test_claim_insufficient(run: Run, check_id: str, key: str) -> None:
    case = run("transparency:\n  reporting: {cadence: annual}\n")
    ind = case.indicator(check_id)
    assert (ind.level, ind.status, ind.points) == ("insufficient-information", INSUFFICIENT, 25)
    assert ind.evidence[0].location.path == f"transparency.{key}"
    assert "does not say" in ind.evidence[0].note


def test_tr01_claim_with_several_links(run: Run) -> None:
    case = run(
        """
        transparency:
          public_text:
            statement: Published in both languages
            evidence: ["https://example.org/en", "https://example.org/sq"]
        """
    )
    ind = case.indicator("TR01")
    assert ind.level == "evidenced"
    assert "https://example.org/en, https://example.org/sq" in ind.evidence[0].note
    assert only_at(ind.evidence, "transparency.public_text") in case.span("public_text:")


# --- TR02 reporting --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reporting", "level", "points"),
    [
        ("{cadence: annual, audience: [parliament]}", "regular-public", 100.0),
        ("{cadence: monthly, audience: [eu, public]}", "regular-public", 100.0),
        ("{cadence: semi-annual, audience: [parliament, nato]}", "regular-public", 100.0),
        ("{cadence: quarterly, audience: [eu, nato]}", "regular-restricted", 60.0),
        ("{cadence: annual, audience: [neighbours, civil-society]}", "regular-restricted", 60.0),
        ("{cadence: annual}", "regular-restricted", 60.0),
        ("{cadence: ad-hoc, audience: [public, parliament]}", "ad-hoc", 30.0),
        ("{cadence: ad-hoc}", "ad-hoc", 30.0),
        ("{cadence: none}", "none", 0.0),
        ("{cadence: none, audience: [public]}", "none", 0.0),
    ],
)
def test_tr02_levels(run: Run, reporting: str, level: str, points: float) -> None:
    case = run(f"transparency:\n  reporting: {reporting}\n")
    ind = case.indicator("TR02")
    assert (ind.level, ind.status, ind.points) == (level, SCORED, points)
    assert only_at(ind.evidence, "transparency.reporting") == case.line("reporting:")
    assert not [r for r in case.a.risks if r.check_id == "TR02"]


def test_tr02_note_names_cadence_and_audience(run: Run) -> None:
    case = run(
        """
        transparency:
          reporting:
            cadence: annual
            audience: [parliament, public]
        """
    )
    ind = case.indicator("TR02")
    assert ind.level == "regular-public"
    assert ind.evidence[0].note == "reporting: annual, to parliament, public"
    assert only_at(ind.evidence, "transparency.reporting") in case.span("reporting:")


def test_tr02_insufficient(run: Run) -> None:
    case = run("transparency:\n  public_text: true\n")
    ind = case.indicator("TR02")
    assert (ind.level, ind.status, ind.points) == ("insufficient-information", INSUFFICIENT, 25)
    assert ind.evidence[0].location.path == "transparency.reporting"
