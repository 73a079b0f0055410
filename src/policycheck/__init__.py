"""policycheck: score defence-cooperation proposals against a rubric drawn from a policy brief.

The public, typed API (the CLI uses the same)::

    from pathlib import Path
    from policycheck import Assessor

    assessor = Assessor()                      # bundled rubric and reference data
    result = assessor.assess_file(Path("proposal.yaml"))
    print(result.grade, result.score)

In a notebook, ``policycheck.assess("proposals/")`` gives the same results as tables
(``to_frame()``, ``risks_frame()``, ``indicators_frame()``; pandas, from the
``notebook`` extra) and as a rich display.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from policycheck._version import __version__

if TYPE_CHECKING:
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
    from policycheck.notebook import Results, assess

#: Where each public name lives: imported on first use, so ``policycheck --version`` and
#: ``--help`` do not pay for the engine, pydantic and the reference data.
_PUBLIC = {
    "Assessment": "policycheck.assessment",
    "Failure": "policycheck.assessment",
    "Report": "policycheck.assessment",
    "Risk": "policycheck.assessment",
    "RiskFamily": "policycheck.assessment",
    "Severity": "policycheck.assessment",
    "Assessor": "policycheck.engine",
    "expand_paths": "policycheck.engine",
    "ExitCode": "policycheck.errors",
    "InputError": "policycheck.errors",
    "PolicycheckError": "policycheck.errors",
    "Problem": "policycheck.errors",
    "Results": "policycheck.notebook",
    "assess": "policycheck.notebook",
}


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'policycheck' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "Assessment",
    "Assessor",
    "ExitCode",
    "Failure",
    "InputError",
    "PolicycheckError",
    "Problem",
    "Report",
    "Results",
    "Risk",
    "RiskFamily",
    "Severity",
    "__version__",
    "assess",
    "expand_paths",
]
