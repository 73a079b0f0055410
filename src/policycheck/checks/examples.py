"""What a check's examples are made of: a proposal fragment and the level it gives.

Each check module keeps the examples of its checks beside them (``EXAMPLES``);
``policycheck explain`` shows them, and ``tests/test_rules_rubric_cmds.py``
assesses each and asserts the level and risks it gives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: The proposal every built-in example is added to (a ``participants:`` line replaces its own).
MINIMAL = """\
schema_version: 1
id: example
title: Example initiative
status: proposed
participants: [AL]
"""


@dataclass(frozen=True, slots=True)
class Example:
    """A proposal fragment and the level (and risks of the check) it gives."""

    level: str
    yaml: str
    risks: tuple[str, ...] = ()
    #: ``built-in`` or where it comes from (a rubric test case).
    source: str = "built-in"
    #: The fragment is added to ``MINIMAL`` (else it is a whole proposal, identity keys left out).
    minimal: bool = True


def example(level: str, yaml: str, *risks: str) -> Example:
    return Example(level, yaml, tuple(risks))


#: An EU defence partnership with one regional state: where the normative and framework checks apply.
EU = (
    "lead: EU\nparticipants: [{country: EU, role: lead}, {country: AL, role: partner}]\n"
    "activities: [training]\n"
)


def claim(
    section: str, key: str, statement: str, evidence: str, context: str = "", *risks: str
) -> tuple[Example, Example]:
    return (
        example(
            "evidenced",
            f'{context}{section}:\n  {key}: {{statement: {statement}, evidence: ["{evidence}"]}}\n',
        ),
        example("absent", f"{context}{section}:\n  {key}: false\n", *risks),
    )


TANKS = "participants: [ME]\nequipment:\n  - {{system: Tank, category: battle-tank, quantity: {n}, recipient: ME}}\n"


def with_minimal(fragment: str) -> str:
    """``MINIMAL`` plus ``fragment``; a ``participants:`` key in ``fragment`` replaces MINIMAL's."""
    base = MINIMAL
    if re.search(r"^participants:", fragment, re.MULTILINE):
        base = base.replace("participants: [AL]\n", "")
    return base + fragment
