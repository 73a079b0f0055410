"""The registry: every check, listed once. The rubric selects, weights and describes them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from policycheck.checks import arms_control, normative, regional, transparency
from policycheck.checks.base import (
    INSUFFICIENT,
    NOT_APPLICABLE,
    Check,
    Context,
    Mark,
    Outcome,
    RiskHit,
)
from policycheck.checks.examples import Example

__all__ = [
    "EXAMPLES",
    "INSUFFICIENT",
    "NOT_APPLICABLE",
    "REGISTRY",
    "Check",
    "Context",
    "Mark",
    "Outcome",
    "Registry",
    "RiskHit",
]


class Registry(Mapping[str, Check]):
    """Checks by stable id; refuses duplicates at construction."""

    def __init__(self, checks: tuple[Check, ...]) -> None:
        self._checks: dict[str, Check] = {}
        for item in checks:
            if item.id in self._checks:
                raise ValueError(f"duplicate check id {item.id}")
            self._checks[item.id] = item

    def __getitem__(self, key: str) -> Check:
        return self._checks[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._checks)

    def __len__(self) -> int:
        return len(self._checks)


REGISTRY = Registry(
    (
        normative.human_security,
        normative.democratic_conditionality,
        normative.local_consultation,
        normative.socio_economic_benefits,
        normative.economic_interdependence,
        regional.coverage,
        regional.rivals_left_out,
        regional.regional_formats,
        regional.coordination,
        regional.horizon,
        regional.external_actors,
        regional.recognition_divide,
        regional.avoids_duplication,
        regional.regional_ownership,
        arms_control.srac_ceilings,
        arms_control.uncovered_capabilities,
        arms_control.srac_commitments,
        arms_control.confidence_building,
        arms_control.dispute_sensitivity,
        arms_control.capability_transparency,
        arms_control.depoliticised,
        transparency.public_text,
        transparency.reporting,
        transparency.progress_indicators,
        transparency.parliamentary_oversight,
        transparency.neighbour_information,
    )
)

#: Every built-in check's examples (each module keeps its own, beside its checks).
EXAMPLES: dict[str, tuple[Example, Example]] = {
    **normative.EXAMPLES,
    **regional.EXAMPLES,
    **arms_control.EXAMPLES,
    **transparency.EXAMPLES,
}
