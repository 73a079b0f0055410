"""policycheck: score defence-cooperation proposals against a rubric drawn from a policy brief.

The public, typed API (the CLI uses the same)::

    from pathlib import Path
    from policycheck import Assessor

    assessor = Assessor()                      # bundled rubric and reference data
    result = assessor.assess_file(Path("proposal.yaml"))
    print(result.grade, result.score)
"""

from __future__ import annotations

__version__ = "0.1.0"

from policycheck.assessment import (
    Assessment,
    Failure,
    Report,
    Risk,
    RiskFamily,
    Severity,
)
from policycheck.engine import Assessor, expand_paths
from policycheck.errors import ExitCode, InputError, PolicycheckError, Problem

__all__ = [
    "Assessment",
    "Assessor",
    "ExitCode",
    "Failure",
    "InputError",
    "PolicycheckError",
    "Problem",
    "Report",
    "Risk",
    "RiskFamily",
    "Severity",
    "__version__",
    "expand_paths",
]
