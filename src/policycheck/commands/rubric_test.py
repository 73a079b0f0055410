"""The `rubric test` command: run a rubric's test cases (``NAME.tests.yaml``).

``test_command`` does the work and returns the exit code, so the ``rubric``
command group can mount it as ``rubric test`` too.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from policycheck.errors import ExitCode, InputError

FileArg = Annotated[
    Path | None,
    typer.Argument(
        help="A rubric file (its cases are read from NAME.tests.yaml beside it), a case file "
        "(NAME.tests.yaml), or a bundled rubric's name. Default: the bundled rubric.",
        show_default=False,
    ),
]
ReferenceOpt = Annotated[
    Path | None,
    typer.Option(
        "--reference",
        help="Folder of reference-data files overriding the rubric's (or the bundled) ones.",
        file_okay=False,
    ),
]
SelectOpt = Annotated[
    str | None,
    typer.Option("-k", "--select", help="Only the cases whose name contains this text."),
]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="List the passing cases too.")]


def test_command(
    file: Path | None,
    reference: Path | None = None,  # noqa: PT028 - not a pytest test, despite its name
    select: str | None = None,  # noqa: PT028
    verbose: bool = False,  # noqa: PT028
) -> int:
    """Run the test cases of a rubric; print each failure and a summary; return the exit code.

    0 when every case passes, 1 when any fails, 2 when the rubric or the case
    file cannot be used (every problem printed on stderr as ``file:line:col``).
    """
    from policycheck.rubric_tests import format_results, load_cases, run_cases

    try:
        cases = load_cases(file, reference=reference)
    except InputError as exc:
        for problem in exc.problems:
            sys.stderr.write(f"{problem}\n")
        sys.stderr.write(f"the case file is not valid: {len(exc.problems)} problem(s)\n")
        return ExitCode.BAD_INPUT
    result = run_cases(cases, select)
    if select is not None and not result.results:
        sys.stderr.write(f"no case name contains '{select}' ({len(cases.cases)} cases)\n")
        return ExitCode.BAD_INPUT
    sys.stdout.write(f"rubric {result.rubric_origin}, cases {result.origin}\n")
    sys.stdout.write(format_results(result, verbose=verbose))
    return ExitCode.OK if result.ok else 1  # some case failed


test_command.__test__ = False  # type: ignore[attr-defined]  # pytest must not collect it


def rubric_test(
    file: FileArg = None,
    reference: ReferenceOpt = None,
    select: SelectOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Run a rubric's test cases: exit 0 when all pass, 1 when any fails, 2 when invalid."""
    code = test_command(file, reference=reference, select=select, verbose=verbose)
    if code:
        raise typer.Exit(code)
