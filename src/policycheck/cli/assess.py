"""``policycheck assess``: parse the options, call the pipeline, write, exit."""

from __future__ import annotations

from pathlib import Path

from policycheck.cli import options as o
from policycheck.cli import outputs


def assess(
    paths: o.PathsArg = None,
    format: o.FormatOpt = None,
    report_files: o.OutputsOpt = None,
    xlsx: o.XlsxOpt = None,
    quiet: o.QuietOpt = False,
    explain: o.ExplainOpt = False,
    full: o.FullOpt = False,
    rubric: o.RubricOpt = None,
    reference: o.ReferenceOpt = None,
    config: o.ConfigOpt = None,
    fail_under: o.FailUnderOpt = None,
    minimums: o.MinimumsOpt = None,
    fail_on: o.FailOnOpt = None,
    default_gate: o.DefaultGateOpt = False,
    soft_fail: o.SoftFailOpt = None,
    allow_empty: o.AllowEmptyOpt = None,
    baseline: o.BaselineOpt = None,
    changed_since: o.ChangedSinceOpt = None,
    width: o.WidthOpt = None,
    jobs: o.JobsOpt = None,
    verbose: o.VerboseOpt = False,
    paper: o.PaperOpt = None,
    marking: o.MarkingOpt = None,
    sarif_keep_waived: o.SarifKeepWaivedOpt = False,
    uncertainty: o.UncertaintyOpt = False,
    draws: o.DrawsOpt = o.DEFAULT_DRAWS,
    seed: o.SeedOpt = o.DEFAULT_SEED,
) -> None:
    """Assess proposals and print a graded, explained report for each; optionally gate on it."""
    from policycheck import config as configuration
    from policycheck.pipeline import Analysis, Request, run

    loaded = configuration.load(config, Path.cwd(), paths or ())
    fmt = o.printed_format(format)
    targets = outputs.targets([*(report_files or []), *([f"xlsx={xlsx}"] if xlsx else [])], quiet)
    writing = outputs.Writing(
        fmt=None if quiet else fmt,
        targets=targets,
        explain=explain,
        width=width,
        ci=outputs.ci_options(sarif_keep_waived),
        workbook=outputs.workbook_options(paper, marking),
    )
    request = Request(
        config=loaded,
        paths=tuple(paths or ()),
        rubric=rubric,
        reference=reference,
        thresholds=o.thresholds(loaded.settings, fail_under, minimums, fail_on),
        default_gate=default_gate,
        soft=soft_fail,
        allow_empty=allow_empty,
        baseline=baseline,
        changed_since=changed_since,
        printed=writing.fmt,
        written=tuple(targets),
        summary=writing.summary is not None,
        ci=writing.ci,
        full=full or explain,
        jobs=jobs,
        verbose=verbose,
        channel=outputs.channel(),
        tune_gc=True,
        uncertainty=Analysis(draws, seed) if uncertainty else None,
    )
    outcome = run(request)
    outputs.write(outcome, writing)
    outputs.exit_with_code(outcome)
