"""Issue 9's list of what was wrong, item by item, where no other test names it.

Each test states the item it answers; the others live beside the checks
(``tests/checks``), the samples (``test_samples.py``), the suggestions
(``test_suggestions.py``), the reference data (``test_reference.py``) and the
casebook (``test_casebook.py``).
"""

from __future__ import annotations

from pathlib import Path

from policycheck import Assessment, Assessor
from tests.conftest import PROPOSALS, assess_yaml

SDPS = ("eu-albania-sdp-2024.yaml", "eu-north-macedonia-sdp-2024.yaml")


def _level(a: Assessment, check_id: str) -> str:
    return next(i.level for c in a.criteria for i in c.indicators if i.check_id == check_id)


def _note(a: Assessment, check_id: str) -> str:
    return " | ".join(
        e.note
        for c in a.criteria
        for i in c.indicators
        if i.check_id == check_id
        for e in i.evidence
    )


def test_item6_the_two_identical_sdps_get_one_verdict(assessor: Assessor) -> None:
    """A one-episode Albania–Serbia tension no longer sets the two partnerships apart."""
    a, b = (assessor.assess_file(PROPOSALS / name) for name in SDPS)
    assert isinstance(a, Assessment)
    assert isinstance(b, Assessment)
    assert (a.grade, a.score, [r.id for r in a.risks]) == (
        b.grade,
        b.score,
        [r.id for r in b.risks],
    )


def test_item6_the_uk_is_of_less_concern_than_turkiye(assessor: Assessor) -> None:
    """Ratings follow the stated criteria: no embargo and not named by the brief is low."""
    base = "schema_version: 1\nid: t\ntitle: T\nstatus: proposed\nparticipants: [AL]\n"
    uk = assess_yaml(assessor, base + "external_actors: [{country: GB, involvement: trainer}]\n")
    tr = assess_yaml(assessor, base + "external_actors: [{country: TR, involvement: trainer}]\n")
    assert (_level(uk, "RI06"), _level(tr, "RI06")) == ("low", "medium")
    assert "RF03" not in {r.id for r in uk.risks}


def test_item7_ac04_no_longer_says_the_brief_asks_for_exercise_notification(
    assessor: Assessor,
) -> None:
    indicator = assessor.loaded.rubric.indicator("AC04")
    assert indicator is not None
    rationale = indicator[1].rationale
    assert "does not name exercise notification" in rationale
    assert "policycheck's choice" in rationale


def test_item7_ri07_names_who_does_not_recognise_kosovo(assessor: Assessor) -> None:
    a = assess_yaml(
        assessor,
        "schema_version: 1\nid: t\ntitle: T\nstatus: proposed\nparticipants: [XK, RS, BA]\n"
        "activities: [training]\n",
    )
    note = _note(a, "RI07")
    assert "RS does not recognise Kosovo" in note
    assert "BA does not recognise Kosovo" in note
    assert "no participant refuses" not in note
    # Bringing them together raises nothing by itself: only a stated absence of
    # status-neutral arrangements would.
    assert "RF05" not in {r.id for r in a.risks}


def test_item8_osce_membership_is_read_where_exercises_need_notification(
    assessor: Assessor,
) -> None:
    a = assess_yaml(
        assessor,
        "schema_version: 1\nid: t\ntitle: T\nstatus: proposed\nparticipants: [AL, XK]\n"
        "activities: [joint-exercises]\n",
    )
    assert "XK not an OSCE participating State" in _note(a, "AC04")


def test_item8_the_nato_dividing_line_is_read(assessor: Assessor, tmp_path: Path) -> None:
    """A grouping of the region's NATO members that leaves the others out follows the line
    the brief names: selective, whatever it says about joining."""
    a = assess_yaml(
        assessor,
        "schema_version: 1\nid: t\ntitle: T\nstatus: proposed\n"
        "participants: [AL, ME, MK, HR]\nactivities: [joint-exercises]\n",
    )
    rf01 = next(r for r in a.risks if r.id == "RF01")
    assert rf01.finding.endswith("along the NATO dividing line")


def test_item10_serbia_hungary_is_not_a_one_year_reactive_track(assessor: Assessor) -> None:
    """It implements a standing 2023 agreement: no horizon is stated, so none is assumed."""
    a = assessor.assess_file(PROPOSALS / "serbia-hungary-2025.yaml")
    assert isinstance(a, Assessment)
    assert _level(a, "RI05") == "insufficient-information"
    assert "RF04" not in {r.id for r in a.risks}
