"""Analysis of a run's verdicts: how sure each grade is and what drives it (issue 14).

This package is light to import: the numbers are worked out by
``policycheck.analysis.uncertainty`` (numpy, the ``analysis`` extra), imported only
when ``--uncertainty`` asks for it; the results are plain values every renderer reads.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from policycheck.errors import UsageError

if TYPE_CHECKING:
    from policycheck.assessment import Report
    from policycheck.rubric import Rubric

#: What ``--draws`` and ``--seed`` default to: enough runs for a share to within about
#: one percentage point, and a fixed seed so a rerun prints the same bytes.
DEFAULT_DRAWS = 10_000
DEFAULT_SEED = 70
INSTALL_HINT = "pip install 'policycheck[analysis]'"


def attach(report: Report, rubric: Rubric, *, draws: int, seed: int) -> Report:
    """``report`` with its uncertainty analysis; a usage error (exit 2) when numpy is missing.

    Its matrices are skinny (runs by a few dozen indicators): BLAS threads only cost there,
    many times over on a busy machine, so unless told otherwise numpy's BLAS runs on one
    thread (this holds when numpy is first imported here, as from the command line).
    """
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    try:
        from policycheck.analysis import uncertainty
    except ModuleNotFoundError as exc:
        if exc.name is not None and exc.name.split(".")[0] == "numpy":
            raise UsageError(
                f"--uncertainty needs numpy, which a plain install leaves out: {INSTALL_HINT}"
            ) from None
        raise
    return uncertainty.attach(report, rubric, draws=draws, seed=seed)


__all__ = ["DEFAULT_DRAWS", "DEFAULT_SEED", "INSTALL_HINT", "attach"]
