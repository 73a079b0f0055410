"""The `rules` and `explain` commands: which checks a rubric uses, and what one check or risk means."""

from __future__ import annotations

import json
import sys
import textwrap
from typing import TYPE_CHECKING, Annotated, Any

import typer

from policycheck.commands.rubrics import FormatOpt, TextOrJson

if TYPE_CHECKING:
    from policycheck.checks.examples import Example
    from policycheck.rubric import LoadedRubric

RubricNameOpt = Annotated[
    str | None,
    typer.Option(
        "--rubric", help="Rubric: a bundled name or a file (default: the bundled rubric)."
    ),
]

WIDTH = 100


def rules(rubric: RubricNameOpt = None, format: FormatOpt = TextOrJson.TEXT) -> None:
    """List the checks the rubric uses (built-in and declared) and the built-in ones it does not."""
    from policycheck.commands.rubrics import load
    from policycheck.describe import rules_document

    loaded = load(rubric)
    document = rules_document(loaded)
    if format is TextOrJson.JSON:
        sys.stdout.write(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
        return
    _rules_text(loaded, document)


def explain(
    wanted: Annotated[
        str,
        typer.Argument(metavar="ID", help="A check id (e.g. AC01) or a risk id (e.g. CE01)."),
    ],
    rubric: RubricNameOpt = None,
    format: FormatOpt = TextOrJson.TEXT,
) -> None:
    """Explain a check (what it looks at, why, its levels, examples, its risks) or a risk."""
    from policycheck.commands.rubrics import load
    from policycheck.describe import check_document, known_ids, risk_document, suggest
    from policycheck.errors import UsageError

    loaded = load(rubric)
    known = known_ids(loaded)
    match = next((k for k in known if k.upper() == wanted.strip().upper()), None)
    if match is None:
        near = suggest(wanted.strip(), known)
        hint = f"; did you mean {' or '.join(near)}?" if near else f" (known: {', '.join(known)})"
        raise UsageError(f"unknown check or risk id '{wanted}'{hint}")
    if match in loaded.registry:
        document = check_document(loaded, match, _examples(loaded, match))
    else:
        document = risk_document(loaded, match)
    if format is TextOrJson.JSON:
        sys.stdout.write(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    elif document["type"] == "check":
        sys.stdout.write(_check_text(document))
    else:
        sys.stdout.write(_risk_text(document))


# --- rules ----------------------------------------------------------------------------------


def _table(rows: list[list[str]]) -> list[str]:
    """Left-aligned columns two spaces apart; the last column is not padded."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return [
        "  ".join(
            [*(cell.ljust(w) for cell, w in zip(row, widths, strict=False)), row[-1]]
        ).rstrip()
        for row in rows
    ]


def _risks_cell(risks: list[dict[str, Any]]) -> str:
    return ", ".join(f"{r['id']} {r['severity'] or '(not described)'}" for r in risks) or "-"


def _rules_text(loaded: LoadedRubric, document: dict[str, Any]) -> None:
    from policycheck.describe import fmt, used_checks

    ref = document["rubric"]
    out = [f"Checks of rubric {ref['id']} {ref['version']} ({ref['origin']}): {ref['title']}", ""]
    rows = [["ID", "CRITERION", "WEIGHT", "KIND", "TITLE", "RISKS (DEFAULT SEVERITY)"]]
    for row in used_checks(loaded):
        rows.append(
            [
                row["id"],
                row["criterion"],
                fmt(row["weight"]),
                row["kind"],
                row["title"],
                _risks_cell(row["risks"]),
            ]
        )
    out += _table(rows)
    unused = document["unused"]
    if unused:
        out += ["", f"Built-in checks this rubric does not use ({len(unused)}):"]
        out += _table(
            [["ID", "CRITERION", "KIND", "WHAT IT CHECKS"]]
            + [[u["id"], u["criterion"], "unused", u["summary"]] for u in unused]
        )
    out += [
        "",
        "A check applies only where its question fits the kind of initiative (a national",
        "purchase is not asked to invite its rival in); elsewhere it is not applicable and left",
        "out of the score. What the file leaves unsaid is unknown: left out of the score, shown",
        "in its range and its coverage. Details of one check or risk, with where it applies:",
        "policycheck explain ID",
    ]
    sys.stdout.write("\n".join(out) + "\n")


# --- explain --------------------------------------------------------------------------------


def _examples(loaded: LoadedRubric, check_id: str) -> tuple[Example | None, Example | None]:
    """A passing and a failing example: from the rubric's test cases, else the built-in table."""
    from policycheck.checks import EXAMPLES
    from policycheck.describe import is_declared
    from policycheck.rubric_tests import examples

    where = loaded.rubric.indicator(check_id)
    points = {lv: spec.points for lv, spec in where[1].levels.items()} if where else {}
    passes, fails = examples(loaded, check_id, points)
    if not is_declared(loaded, check_id) and check_id in EXAMPLES:
        builtin = EXAMPLES[check_id]
        passes, fails = passes or builtin[0], fails or builtin[1]
    return passes, fails


def _wrap(text: str, indent: str = "  ") -> list[str]:
    return textwrap.wrap(
        " ".join(text.split()), WIDTH, initial_indent=indent, subsequent_indent=indent
    ) or [indent.rstrip()]


def _example_lines(label: str, example: dict[str, Any] | None, levels: dict[str, Any]) -> list[str]:
    if example is None:
        return [f"{label}: no example recorded"]
    points = levels.get(example["level"])
    score = f", {points} points" if points is not None else ""
    raises = f"; raises {', '.join(example['risks'])}" if example["risks"] else ""
    source = "" if example["source"] == "built-in" else f"  [{example['source']}]"
    lines = [f"{label} (level {example['level']}{score}{raises}){source}"]
    lines += [f"  | {line}" for line in example["yaml"].rstrip("\n").splitlines()]
    return lines


def _check_text(doc: dict[str, Any]) -> str:
    from policycheck.describe import fmt, pct

    out: list[str] = []
    if doc["used"]:
        out.append(f"{doc['id']}  {doc['title']}")
        out.append(
            f"  {doc['kind']} check; criterion {doc['criterion']} ({doc['criterion_title']}); "
            f"weight {fmt(doc['weight'])}, {pct(doc['share_of_criterion'])} of the criterion, "
            f"{pct(doc['share_of_total'])} of the total"
        )
    else:
        out.append(f"{doc['id']}  {doc['doc'].splitlines()[0] if doc['doc'] else ''}")
        out.append(
            f"  built-in check of criterion {doc['criterion']}, unused: this rubric does not score it"
        )
    out += ["", "What it looks at"]
    out += [f"  {path}" for path in doc["looks_at"]]
    out += ["", "Why"]
    if doc["used"]:
        out += _wrap(doc["rationale"])
        out += _wrap(f"Brief: {doc['brief']}")
    else:
        out.append("  (the rubric gives no rationale for a check it does not use)")
    out += ["", "How each level is reached"]
    for paragraph in doc["doc"].split("\n\n") if doc["doc"] else []:
        out += _wrap(paragraph)
    rules = doc.get("rules")
    if rules:
        for rule in rules["levels"]:
            out += _wrap(f"{rule['level']} when {rule['when']}", "    ")
        out += _wrap(f"otherwise {rules['otherwise']}", "    ")
        if rules["insufficient_when"]:
            out += _wrap(f"insufficient information when {rules['insufficient_when']}", "    ")
        if rules["not_applicable_when"]:
            out += _wrap(f"not applicable when {rules['not_applicable_when']}", "    ")
    levels: dict[str, Any] = {}
    if doc["used"]:
        width = max(len(lv["level"]) for lv in doc["levels"])
        for lv in doc["levels"]:
            levels[lv["level"]] = fmt(lv["points"])
            out.append(
                f"  {lv['level'].ljust(width)}  {fmt(lv['points']):>3} points  {lv['means']}"
            )
        out += _wrap(
            f"Applies to {doc['applies_to']}; elsewhere it is not applicable: left out, and the "
            "other indicators share its weight. When the file or the reference data does not "
            "settle it: unknown, left out of the score and shown in its range."
        )
        out += ["", "To improve"]
        out += _wrap(doc["improve"])
    else:
        out.append(f"  levels: {', '.join(lv['level'] for lv in doc['levels'])}")
    out.append("")
    examples = doc["examples"]
    out += _example_lines("Example that passes", examples["passes"], levels)
    out += _example_lines("Example that fails", examples["fails"], levels)
    if any(e and e["minimal"] for e in examples.values()):
        out += _wrap(
            "(An example shows what it adds to a minimal proposal: schema_version: 1, id, title, "
            "status and participants: [AL], which a participants key replaces.)"
        )
    if any(e and not e["minimal"] for e in examples.values()):
        out += _wrap("(Whole proposals are shown without their identity keys: id, title, status.)")
    out += ["", "Risks it can raise"]
    if not doc["risks"]:
        out.append("  none")
    for risk in doc["risks"]:
        if risk["severity"] is None:
            out.append(f"  {risk['id']}  (not described by this rubric)")
            continue
        out.append(
            f"  {risk['id']}  {risk['title']}  (default severity {risk['severity']}; {risk['family']})"
        )
        out += _wrap(f"Mitigation: {risk['mitigation']}", "    ")
        out += _wrap(f"Brief: {risk['brief']}", "    ")
    return "\n".join(out) + "\n"


def _risk_text(doc: dict[str, Any]) -> str:
    out = [
        f"{doc['id']}  {doc['title']}",
        f"  risk; family {doc['family']}; default severity {doc['severity']}",
        "",
        "Mitigation",
        *_wrap(doc["mitigation"]),
        "",
        "Brief",
        *_wrap(doc["brief"]),
        "",
        "Raised by",
    ]
    for check in doc["raised_by"]:
        what = check["title"] or "not used by this rubric"
        out.append(
            f"  {check['id']}  {what} ({check['kind']}{'' if check['used'] else ', unused'})"
        )
    if not doc["raised_by"]:
        out.append("  no check (the rubric describes it, but nothing raises it)")
    return "\n".join(out) + "\n"
