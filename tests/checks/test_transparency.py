"""TR01-TR05: transparency. None of them raises a risk."""

from __future__ import annotations

import pytest

from policycheck.assessment import IndicatorStatus
from tests.checks.conftest import Run, only_at

SCORED = IndicatorStatus.SCORED
INSUFFICIENT = IndicatorStatus.INSUFFICIENT
NOT_APPLICABLE = IndicatorStatus.NOT_APPLICABLE
#: Two states training together: a military framework, where every transparency check applies.
GROUPING = "participants: [AL, MK]\nactivities: [training]\n"
#: A state's own radios, given without a military activity: not a framework, not military.
PURCHASE = (
    "participants: [MK]\nequipment:\n"
    "  - {system: Radios, category: non-lethal, supplier: DE, recipient: MK}\n"
)

CLAIM_CHECKS = [
    ("TR01", "public_text"),
    ("TR03", "progress_indicators"),
    ("TR04", "parliamentary_oversight"),
    ("TR05", "neighbour_information_sharing"),
]
CLAIMS = [
    ('{statement: Published, evidence: ["https://example.org/text"]}', "evidenced", 100.0),
    ("true", "asserted", 80.0),
    ("Said to be so", "asserted", 80.0),
    ("false", "absent", 0.0),
]


@pytest.mark.parametrize(("check_id", "key"), CLAIM_CHECKS)
@pytest.mark.parametrize(("value", "level", "points"), CLAIMS)
def test_claim_levels(
    run: Run, check_id: str, key: str, value: str, level: str, points: float
) -> None:
    case = run(GROUPING + f"transparency:\n  {key}: {value}\n")
    ind = case.indicator(check_id)
    assert (ind.level, ind.status, ind.points) == (level, SCORED, points)
    assert only_at(ind.evidence, f"transparency.{key}") == case.line(f"{key}:")
    assert not [r for r in case.a.risks if r.check_id == check_id]


@pytest.mark.parametrize(("check_id", "key"), CLAIM_CHECKS)
def test_claim_unknown(run: Run, check_id: str, key: str) -> None:
    case = run(GROUPING + "transparency:\n  reporting: {cadence: annual}\n")
    ind = case.indicator(check_id)
    assert (ind.level, ind.status, ind.points) == ("insufficient-information", INSUFFICIENT, None)
    assert ind.evidence[0].location.path == f"transparency.{key}"
    assert "does not say" in ind.evidence[0].note


@pytest.mark.parametrize(("check_id", "key"), CLAIM_CHECKS)
@pytest.mark.parametrize("value", ["TBD", "N/A", "'-'", '"false"', "pending"])
def test_claim_placeholder_is_unknown_with_a_warning(
    run: Run, check_id: str, key: str, value: str
) -> None:
    case = run(GROUPING + f"transparency:\n  {key}: {value}\n")
    ind = case.indicator(check_id)
    assert (ind.level, ind.status, ind.points) == ("insufficient-information", INSUFFICIENT, None)
    assert "is a placeholder" in ind.evidence[0].note
    warned = [w for w in case.a.warnings if w.location.path == f"transparency.{key}"]
    assert [w.location.line for w in warned] == [case.line(f"{key}:")]


def test_tr01_tr02_tr04_apply_to_a_national_purchase(run: Run) -> None:
    case = run(
        PURCHASE
        + "transparency:\n  public_text: false\n  reporting: {cadence: none}\n"
        + "  parliamentary_oversight: true\n"
    )
    levels = {cid: case.indicator(cid).level for cid in ("TR01", "TR02", "TR04")}
    assert levels == {"TR01": "absent", "TR02": "none", "TR04": "asserted"}


def test_tr03_not_applicable_to_a_national_purchase(run: Run) -> None:
    case = run(PURCHASE + "transparency:\n  progress_indicators: false\n")
    ind = case.indicator("TR03")
    assert (ind.status, ind.points) == (NOT_APPLICABLE, None)
    assert ind.evidence[0].note == (
        "applies to cooperation among parties (a grouping or an EU partnership), not a purchase "
        "alone; this initiative is a national acquisition"
    )


@pytest.mark.parametrize(
    "body",
    [PURCHASE, "lead: EU\nparticipants: [RS]\nactivities: [raw-materials, research]\n"],
)
def test_tr05_not_applicable_without_military_activity(run: Run, body: str) -> None:
    case = run(body + "transparency:\n  neighbour_information_sharing: false\n")
    ind = case.indicator("TR05")
    assert (ind.status, ind.points) == (NOT_APPLICABLE, None)
    assert ind.evidence[0].note.startswith(
        "applies to military cooperation or lethal equipment; this initiative is"
    )


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


def test_tr02_unknown(run: Run) -> None:
    case = run("transparency:\n  public_text: true\n")
    ind = case.indicator("TR02")
    assert (ind.level, ind.status, ind.points) == ("insufficient-information", INSUFFICIENT, None)
    assert ind.evidence[0].location.path == "transparency.reporting"
