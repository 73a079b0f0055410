"""Using policycheck from Python (a script or a notebook cell).

Run: python examples/python_api.py
"""

from __future__ import annotations

from pathlib import Path

from policycheck import Assessment, Assessor

HERE = Path(__file__).resolve().parent
PROPOSALS = HERE.parent / "proposals"


def main() -> None:
    assessor = Assessor()
    report = assessor.run(sorted(PROPOSALS.glob("*.yaml")))
    for result in report.results:
        if not isinstance(result, Assessment):
            print(f"{result.file}: cannot be assessed ({len(result.problems)} problems)")
            continue
        risks = ", ".join(f"{r.id} {r.severity}" for r in result.risks) or "none"
        print(f"{result.proposal_id:32} {result.grade} {result.score:5.1f}  risks: {risks}")

    calmer = Assessor(reference=HERE / "reference-override")
    before = assessor.assess_file(PROPOSALS / "kosovo-armed-drones-2023.yaml")
    after = calmer.assess_file(PROPOSALS / "kosovo-armed-drones-2023.yaml")
    assert isinstance(before, Assessment)
    assert isinstance(after, Assessment)
    print(f"with the override: {before.score} -> {after.score}")


if __name__ == "__main__":
    main()
