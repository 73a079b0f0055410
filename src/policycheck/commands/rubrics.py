"""The `rubric` commands: list the rubrics, show one as a tree, validate a rubric file."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from policycheck.rubric import LoadedRubric


class TextOrJson(StrEnum):
    TEXT = "text"
    JSON = "json"


FormatOpt = Annotated[
    TextOrJson, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
]

#: Where ``rubric list`` looks for the project's own rubrics.
LOCAL_FOLDER = "rubrics"


def load(spec: str | None) -> LoadedRubric:
    """A rubric by bundled name or file; unknown names are usage errors.

    Without one: the rubric of the discovered configuration file, else the bundled default.
    """
    from policycheck.describe import suggest
    from policycheck.errors import UsageError
    from policycheck.rubric import bundled_names, load_rubric

    if spec is None:
        from policycheck import config

        configured = config.load(None, Path.cwd())
        return load_rubric(configured.resolve(configured.settings.rubric))
    names = bundled_names()
    looks_like_name = "/" not in spec and "\\" not in spec and not Path(spec).suffix
    if spec not in names and looks_like_name and not Path(spec).exists():
        near = suggest(spec, names)
        hint = f"; did you mean '{near[0]}'?" if near else ""
        raise UsageError(
            f"unknown rubric '{spec}' (bundled: {', '.join(names)}; or give a file){hint}"
        )
    return load_rubric(spec)


def _dump(document: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def _console() -> Any:
    from policycheck.streams import console

    return console()


def list_rubrics(format: FormatOpt = TextOrJson.TEXT) -> None:
    """List the bundled rubrics and the *.yaml rubrics in ./rubrics/ (marked local)."""
    from policycheck.errors import InputError
    from policycheck.rubric import bundled_names, load_rubric

    rows: list[dict[str, Any]] = []
    for name in bundled_names():
        r = load_rubric(name).rubric
        rows.append(
            {
                "name": name,
                "where": "bundled",
                "id": r.id,
                "version": r.version,
                "title": r.title,
            }
        )
    folder = Path.cwd() / LOCAL_FOLDER
    local = (
        sorted(p for p in folder.glob("*.yaml") if not p.name.endswith(".tests.yaml"))
        if folder.is_dir()
        else []
    )
    for path in local:
        name = f"{LOCAL_FOLDER}/{path.name}"
        try:
            r = load_rubric(Path(name)).rubric
        except (InputError, ValueError) as exc:
            problem = str(exc.problems[0]) if isinstance(exc, InputError) else str(exc)
            rows.append(
                {
                    "name": name,
                    "where": "local",
                    "id": None,
                    "version": None,
                    "title": None,
                    "problem": problem,
                }
            )
            continue
        rows.append(
            {"name": name, "where": "local", "id": r.id, "version": r.version, "title": r.title}
        )
    if format is TextOrJson.JSON:
        _dump({"schema_version": 1, "rubrics": rows})
        return
    header = {"name": "NAME", "where": "WHERE", "id": "ID", "version": "VERSION"}
    cols = list(header)
    width = {c: max(len(str(row[c] or "-")) for row in [header, *rows]) for c in cols}
    lines = [
        "  ".join(str(row[c] or "-").ljust(width[c]) for c in cols)
        + "  "
        + (row["title"] if row.get("title") else f"invalid: {row.get('problem', '')}")
        for row in rows
    ]
    title = "  ".join(header[c].ljust(width[c]) for c in cols) + "  TITLE"
    sys.stdout.write("\n".join([title, *lines]) + "\n")
    sys.stdout.write("Show one with: policycheck rubric show NAME\n")


def show(
    rubric: Annotated[str, typer.Argument(help="A bundled rubric name or a rubric file.")],
    format: FormatOpt = TextOrJson.TEXT,
) -> None:
    """Show a rubric: criteria and indicators with weights, grade bands, caps and risks."""
    from policycheck.describe import rubric_document

    loaded = load(rubric)
    document = rubric_document(loaded, list(loaded.documents))
    if format is TextOrJson.JSON:
        _dump(document)
        return
    from policycheck.text import printable_tree

    # rich writes to the raw stream: the rubric's text is made printable first.
    _show_text(printable_tree(document))


def validate(
    rubric: Annotated[str, typer.Argument(help="The rubric file (or a bundled name).")],
) -> None:
    """Check a rubric file and report every problem as file:line:col: message (exit 2 if any)."""
    from policycheck.describe import plural
    from policycheck.errors import ExitCode, InputError
    from policycheck.lint import lint

    try:
        loaded = load(rubric)
        problems = _run_time_problems(loaded)
    except InputError as exc:
        problems = exc.problems
    if problems:
        _report(problems, [])
        raise typer.Exit(ExitCode.BAD_INPUT) from None
    warnings = lint(loaded, list(loaded.documents))
    _report([], warnings)
    r = loaded.rubric
    indicators = sum(len(c.indicators) for c in r.criteria.values())
    parts = [
        plural(len(r.criteria), "criterion", "criteria"),
        f"{plural(indicators, 'indicator')} ({len(r.checks)} declared)",
        plural(len(r.risks), "risk"),
    ]
    extends = f", extends {', '.join(loaded.chain[1:])}" if len(loaded.chain) > 1 else ""
    sys.stdout.write(
        f"{loaded.origin}: OK: rubric {r.id} {r.version}{extends}: {', '.join(parts)}; "
        f"{plural(len(warnings), 'warning')}\n"
    )


def _run_time_problems(loaded: LoadedRubric) -> list[Any]:
    """What ``assess`` would refuse only when it runs: the rubric's reference data, and its
    declared checks failing or going past their bounds (tried on probe proposals)."""
    from policycheck.declarative import probe
    from policycheck.reference import load_reference

    reference = load_reference(loaded.reference)
    return probe((loaded.registry[cid] for cid in loaded.rubric.checks), reference)


def _report(errors: list[Any], warnings: list[Any]) -> None:
    for p in sorted(errors):
        sys.stderr.write(f"{p}\n")
    for w in sorted(warnings):
        sys.stderr.write(f"{w.file}:{w.line}:{w.column}: warning: {w.message}\n")
    if errors:
        from policycheck.describe import plural

        sys.stderr.write(f"{plural(len(errors), 'problem')}: the rubric cannot be used\n")


def _show_text(doc: dict[str, Any]) -> None:
    from rich.table import Table
    from rich.text import Text
    from rich.tree import Tree

    from policycheck.describe import fmt, pct

    console = _console()
    ref = doc["rubric"]
    head = Text.assemble(
        (f"{ref['id']} {ref['version']}", "bold"), f"  {ref['title']}\n", f"from {ref['origin']}"
    )
    if len(ref["chain"]) > 1:
        head.append(f", extending {', '.join(ref['chain'][1:])}")
    console.print(head)
    total = sum(c["weight"] for c in doc["criteria"])
    tree = Tree(Text(f"Criteria (total weight {fmt(total)})", "bold"))
    for c in doc["criteria"]:
        branch = tree.add(
            Text.assemble(
                (c["title"], "bold"),
                f" [{c['id']}]  weight {fmt(c['weight'])}, {pct(c['share_of_total'])} of the total"
                f"; counters {c['counters']}",
            )
        )
        for ind in c["indicators"]:
            kind = "  (declared)" if ind["kind"] == "declared" else ""
            levels = ", ".join(f"{lv['level']} {fmt(lv['points'])}" for lv in ind["levels"])
            branch.add(
                Text.assemble(
                    (ind["id"], "bold"),
                    f" {ind['title']}  weight {fmt(ind['weight'])}, "
                    f"{pct(ind['share_of_criterion'])} of the criterion "
                    f"({pct(ind['share_of_total'])} of the total){kind}\n",
                    (f"levels: {levels}", "dim"),
                )
            )
    console.print(tree)
    bands = Table(title="Grade bands", title_justify="left", show_edge=False)
    bands.add_column("Grade")
    bands.add_column("Minimum score", justify="right")
    for grade, minimum in doc["grades"].items():
        bands.add_row(grade, fmt(minimum))
    console.print(bands)
    caps = Table(title="Caps", title_justify="left", show_edge=False)
    caps.add_column("Most severe risk")
    caps.add_column("Grade at most")
    for severity, grade in doc["caps"].items():
        caps.add_row(severity, grade)
    if not doc["caps"]:
        caps.add_row("none", "-")
    console.print(caps)
    rule = doc["coverage"]
    console.print(
        Text.assemble(
            ("Unknowns and coverage", "bold"),
            f": minimum coverage {float(rule['minimum']):.0%}. {rule['rule']}",
        )
    )
    risks = Table(title="Risks", title_justify="left", show_edge=False)
    for column in ("ID", "Title", "Family", "Default severity"):
        risks.add_column(column)
    for r in doc["risks"]:
        risks.add_row(r["id"], r["title"], r["family"], r["severity"])
    console.print(risks)
    by_file: dict[str, list[str]] = {}
    for d in doc["disabled"]:
        by_file.setdefault(d["by"], []).append(d["id"])
    disabled = "; ".join(f"{', '.join(ids)} (by {by})" for by, ids in by_file.items()) or "none"
    console.print(Text.assemble(("Disabled checks", "bold"), f": {disabled}"))
    if doc["declared"]:
        declared = Table(title="Declared checks", title_justify="left", show_edge=False)
        for column in ("ID", "Criterion", "Description"):
            declared.add_column(column)
        for d in doc["declared"]:
            declared.add_row(d["id"], d["criterion"], d["description"])
        console.print(declared)
    else:
        console.print(Text.assemble(("Declared checks", "bold"), ": none"))
