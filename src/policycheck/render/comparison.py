"""A comparison of two versions of a proposal, in the formats ``compare`` writes.

The same interface as the report's formats: ``render(comparison, fmt, meta)`` gives the
text (JSON, Markdown) or, for the terminal, rich's renderables in order; ``render_invalid``
what is written when a side cannot be assessed. Renderers do no I/O and read no clock:
the same inputs give the same bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from policycheck.render import Format

if TYPE_CHECKING:
    from rich.console import RenderableType

    from policycheck.assessment import Assessment, Location, RubricInfo, Severity
    from policycheck.comparison import Comparison, RiskChange
    from policycheck.errors import Problem
    from policycheck.git import Revision

#: Version of the JSON document of ``compare --format json``.
COMPARISON_SCHEMA_VERSION = 1


def render(c: Comparison, fmt: Format, meta: Meta) -> str | list[RenderableType]:
    """The comparison in ``fmt`` (terminal, JSON or Markdown): text, or the terminal's renderables."""
    match fmt:
        case Format.TERMINAL:
            return render_terminal(c, meta)
        case Format.JSON:
            return render_json(c, meta)
        case Format.MARKDOWN:
            return render_markdown(c, meta)
        case _:
            raise ValueError(f"a comparison is not written as {fmt}")


def render_invalid(problems: list[Problem], fmt: Format, meta: Meta) -> str | None:
    """What ``fmt`` says when a side cannot be assessed (the terminal: nothing; stderr says it)."""
    match fmt:
        case Format.JSON:
            return render_json_invalid(problems, meta)
        case Format.MARKDOWN:
            return render_markdown_invalid(problems, meta)
        case Format.TERMINAL:
            return None
        case _:
            raise ValueError(f"a comparison is not written as {fmt}")


@dataclass(frozen=True, slots=True)
class Meta:
    """What the renderers say about the run besides the comparison itself."""

    tool_version: str
    rubric: RubricInfo
    reference_digest: str
    revision: Revision | None = None


# --- small formatting helpers ----------------------------------------------------------------


def _score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def _signed(value: float | None) -> str:
    if value is None:
        return "n/a"
    return "±0.0" if value == 0 else f"{value:+.1f}"


def _points(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _points_change(old: float | None, new: float | None, delta: float | None) -> str:
    change = "" if delta is None else f" ({'±0' if delta == 0 else f'{delta:+g}'})"
    return f"{_points(old)} → {_points(new)}{change}"


def _steps(steps: int) -> str:
    if steps == 0:
        return "unchanged"
    return f"{'up' if steps > 0 else 'down'} {abs(steps)}"


def _loc(location: Location | None) -> str:
    return "—" if location is None else str(location)


def _level(level: str | None) -> str:
    return "—" if level is None else level


def _severity(change: RiskChange) -> str:
    old, new = change.old_severity, change.new_severity
    if old is not None and new is not None and old is not new:
        return f"{old.value} → {new.value}"
    shown = new or old
    assert shown is not None
    return shown.value


def _cap(a: Assessment) -> str | None:
    if a.cap is None:
        return None
    return (
        f"capped at {a.cap.max_grade} (the score alone gives {a.uncapped_grade}) "
        f"by a {a.cap.severity.value} risk, {a.cap.risk_id}"
    )


# --- JSON ------------------------------------------------------------------------------------


def _location_dict(loc: Location | None) -> dict[str, Any] | None:
    from policycheck.render.json import location

    return None if loc is None else location(loc)


def _num(value: float | None) -> float | None:
    from policycheck.render.json import num

    return num(value)


def _side(a: Assessment) -> dict[str, Any]:
    from policycheck.render.json import cap_dict

    return {
        "file": a.file,
        "file_sha256": a.file_sha256,
        "proposal": {"id": a.proposal_id, "title": a.title, "status": a.status},
        "score": _num(a.score),
        "grade": a.grade,
        "uncapped_grade": a.uncapped_grade,
        "cap": cap_dict(a.cap),
        "risk_count": len(a.risks),
    }


def _risk_dict(r: RiskChange) -> dict[str, Any]:
    def pair(old: Any, new: Any) -> dict[str, Any]:
        return {"old": old, "new": new}

    def sev(s: Severity | None) -> str | None:
        return None if s is None else s.value

    return {
        "id": r.id,
        "title": r.title,
        "family": r.family.value,
        "check_id": r.risk.check_id,
        "change": r.kind.value,
        "match": None if r.match is None else r.match.value,
        "severity": pair(sev(r.old_severity), sev(r.new_severity)),
        "fingerprint": pair(
            None if r.old is None else r.old.fingerprint,
            None if r.new is None else r.new.fingerprint,
        ),
        "finding": pair(
            None if r.old is None else r.old.finding, None if r.new is None else r.new.finding
        ),
        "location": pair(_location_dict(r.old_location), _location_dict(r.new_location)),
    }


def _head(meta: Meta, status: str) -> dict[str, Any]:
    from policycheck.render.json import rubric_dict

    rev = meta.revision
    return {
        "schema_version": COMPARISON_SCHEMA_VERSION,
        "kind": "comparison",
        "status": status,
        "tool": {"name": "policycheck", "version": meta.tool_version},
        "rubric": rubric_dict(meta.rubric),
        "reference_digest": meta.reference_digest,
        "against": None
        if rev is None
        else {"ref": rev.ref, "commit": rev.commit, "path": rev.path},
    }


def comparison_dict(c: Comparison, meta: Meta) -> dict[str, Any]:
    """The JSON document of a comparison (schema version 1); see ``render_json``."""
    from policycheck.comparison import RiskChangeKind

    regressions = c.regressions()
    return {
        **_head(meta, "compared"),
        "old": _side(c.old),
        "new": _side(c.new),
        "changed": c.changed,
        "proposal_id_changed": c.proposal_id_changed,
        "score": {"old": _num(c.old.score), "new": _num(c.new.score), "delta": c.score_delta},
        "grade": {"old": c.old.grade, "new": c.new.grade, "steps": c.grade_steps},
        "criteria": [
            {
                "id": d.id,
                "title": d.title,
                "weight": d.weight,
                "old": _num(d.old),
                "new": _num(d.new),
                "delta": d.delta,
            }
            for d in c.criteria
        ],
        "indicators": [
            {
                "criterion": i.criterion,
                "check_id": i.check_id,
                "title": i.title,
                "old": None
                if i.old_status is None
                else {"status": i.old_status.value, "level": i.old_level, "points": i.old_points},
                "new": None
                if i.new_status is None
                else {"status": i.new_status.value, "level": i.new_level, "points": i.new_points},
                "delta": i.delta,
            }
            for i in c.indicators
        ],
        "risks": {
            key: [_risk_dict(r) for r in c.risks if r.kind is kind]
            for key, kind in (
                ("new", RiskChangeKind.NEW),
                ("resolved", RiskChangeKind.RESOLVED),
                ("severity_changed", RiskChangeKind.SEVERITY_CHANGED),
                ("unchanged", RiskChangeKind.UNCHANGED),
            )
        },
        "regressed": bool(regressions),
        "regressions": [
            {"kind": g.kind, "message": g.message, "location": _location_dict(g.location)}
            for g in regressions
        ],
    }


def render_json(c: Comparison, meta: Meta) -> str:
    """One JSON document, keys sorted, no timestamp: the same inputs give the same bytes.

    Schema version 1: ``schema_version``, ``kind`` ("comparison"), ``status`` ("compared"),
    ``tool``, ``rubric``, ``reference_digest``, ``against`` {ref, commit, path} or null,
    ``old`` and ``new`` {file, file_sha256, proposal, score, grade, uncapped_grade, cap,
    risk_count}, ``changed``, ``proposal_id_changed``, ``score`` {old, new, delta},
    ``grade`` {old, new, steps (positive: better)}, ``criteria`` [{id, title, weight, old,
    new, delta}], ``indicators`` (only those whose level changed) [{criterion, check_id,
    title, old, new ({status, level, points} or null), delta}], ``risks`` {new, resolved,
    severity_changed, unchanged: [{id, title, family, check_id, change, match, severity,
    fingerprint, finding, location: each {old, new}}]}, ``regressed`` and ``regressions``
    [{kind, message, location}].
    """
    return json.dumps(comparison_dict(c, meta), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def render_json_invalid(problems: list[Problem], meta: Meta) -> str:
    """The JSON document when a side cannot be assessed: ``status: "invalid"`` and problems."""
    doc = {
        **_head(meta, "invalid"),
        "problems": [
            {"file": p.file, "line": p.line, "column": p.column, "message": p.message}
            for p in problems
        ],
    }
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# --- Markdown --------------------------------------------------------------------------------

#: A hidden first line, so a bot can find (and update) its own pull-request comment.
MARKDOWN_MARKER = "<!-- policycheck:compare -->"


def _md_table(header: list[tuple[str, str]], rows: list[list[str]]) -> list[str]:
    """A GFM table; ``header`` is (title, alignment ``l`` or ``r``); empty cells read "—"."""
    from policycheck.render.markdown import md_text

    rule = {"l": ":--", "r": "--:"}

    def row(cells: list[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    lines = [row([md_text(h, table=True) for h, _ in header]), row([rule[a] for _, a in header])]
    for cells in rows:
        assert len(cells) == len(header)
        lines.append(row([cell or "—" for cell in cells]))
    return [*lines, ""]


def _md_verdict(c: Comparison) -> str:
    n = len(c.regressions())
    if n:
        return f"❌ {n} regression{'s' if n != 1 else ''}"
    return "✅ no regression" if c.changed else "➖ no change"


def render_markdown(c: Comparison, meta: Meta) -> str:
    """GitHub-flavoured Markdown for a pull-request comment; proposal text is escaped."""
    from policycheck.comparison import RiskChangeKind
    from policycheck.render.markdown import GRADE_EMOJI, SEVERITY_EMOJI, md_code, md_text

    old, new = c.old, c.new

    def grade(g: str) -> str:
        return f"{GRADE_EMOJI.get(g, '')} **{md_text(g)}**".strip()

    def sev(change: RiskChange) -> str:
        o, n = change.old_severity, change.new_severity
        if o is not None and n is not None and o is not n:
            return f"{SEVERITY_EMOJI[o]} {o.value} → {SEVERITY_EMOJI[n]} {n.value}"
        shown = n or o
        assert shown is not None
        return f"{SEVERITY_EMOJI[shown]} {shown.value}"

    def loc(location: Location | None) -> str:
        return "" if location is None else md_code(str(location), table=True)

    ids = md_code(old.proposal_id)
    if c.proposal_id_changed:
        ids += f" → {md_code(new.proposal_id)}"
    where = f"{md_code(old.file)} → {md_code(new.file)} · proposal {ids}"
    if meta.revision is not None:
        where += f" · {md_code(meta.revision.ref)} is commit {md_code(meta.revision.commit[:12])}"
    lines = [
        MARKDOWN_MARKER,
        f"## policycheck comparison: {md_text(new.title)}",
        "",
        f"Grade {grade(old.grade)} → {grade(new.grade)} ({_steps(c.grade_steps)}) · "
        f"score {old.score:.1f} → {new.score:.1f} (**{_signed(c.score_delta)}**) · "
        f"{_md_verdict(c)}",
        "",
        where,
        "",
    ]
    if old.title != new.title:
        lines += [f"Title was: {md_text(old.title)}", ""]
    for side, a in (("Before", old), ("After", new)):
        cap = _cap(a)
        if cap is not None:
            lines += [f"⚠️ {side}: {md_text(cap)}.", ""]
    lines += ["**Criteria**", ""]
    lines += _md_table(
        [("Criterion", "l"), ("Weight", "r"), ("Old", "r"), ("New", "r"), ("Change", "r")],
        [
            [
                md_text(d.title, table=True),
                f"{d.weight:g}",
                _score(d.old),
                _score(d.new),
                _signed(d.delta),
            ]
            for d in c.criteria
        ],
    )
    if c.indicators:
        lines += [f"**Indicators whose level changed ({len(c.indicators)})**", ""]
        lines += _md_table(
            [
                ("Check", "l"),
                ("Indicator", "l"),
                ("Old level", "l"),
                ("New level", "l"),
                ("Points", "r"),
            ],
            [
                [
                    md_text(i.check_id, table=True),
                    md_text(i.title, table=True),
                    md_text(_level(i.old_level), table=True),
                    md_text(_level(i.new_level), table=True),
                    _points_change(i.old_points, i.new_points, i.delta),
                ]
                for i in c.indicators
            ],
        )
    else:
        lines += ["No indicator changed level.", ""]
    counts = (
        f"{len(c.new_risks)} new · {len(c.resolved_risks)} resolved · "
        f"{len(c.changed_risks)} severity changed · {len(c.unchanged_risks)} unchanged"
    )
    lines += [f"**Risks**: {counts}", ""]
    change_label = {
        RiskChangeKind.NEW: "🆕 new",
        RiskChangeKind.RESOLVED: "✅ resolved",
    }
    risk_header = [
        ("Id", "l"),
        ("Risk", "l"),
        ("Severity", "l"),
        ("Finding", "l"),
        ("Old location", "l"),
        ("New location", "l"),
    ]

    def risk_cells(r: RiskChange) -> list[str]:
        return [
            md_text(r.id, table=True),
            md_text(r.title, table=True),
            sev(r),
            md_text(r.risk.finding, table=True),
            loc(r.old_location),
            loc(r.new_location),
        ]

    changed = [r for r in c.risks if r.kind is not RiskChangeKind.UNCHANGED]
    if changed:
        rows = []
        for r in changed:
            change = change_label.get(r.kind) or ("⬆️ worse" if r.worse else "⬇️ milder")
            rows.append([change, *risk_cells(r)])
        lines += _md_table([("Change", "l"), *risk_header], rows)
    if c.unchanged_risks:
        lines += [
            "<details>",
            f"<summary>Unchanged risks ({len(c.unchanged_risks)})</summary>",
            "",
            *_md_table(risk_header, [risk_cells(r) for r in c.unchanged_risks]),
            "</details>",
            "",
        ]
    regressions = c.regressions()
    if regressions:
        lines += [f"**Regressions ({len(regressions)})**", ""]
        lines += [
            f"- {md_text(g.message)}"
            + (f" ({md_code(str(g.location))})" if g.location is not None else "")
            for g in regressions
        ]
        lines.append("")
    lines += ["---", "", _md_footer(meta)]
    return "\n".join(lines).rstrip("\n") + "\n"


def _md_footer(meta: Meta) -> str:
    from policycheck.render.markdown import md_text

    r = meta.rubric
    return (
        f"<sub>policycheck {md_text(meta.tool_version)} · rubric {md_text(r.id)} "
        f"{md_text(r.version)}</sub>"
    )


def render_markdown_invalid(problems: list[Problem], meta: Meta) -> str:
    """Markdown when a side cannot be assessed: its ``file:line:col`` problems."""
    from policycheck.render.markdown import md_code, md_text

    lines = [
        MARKDOWN_MARKER,
        "## policycheck comparison: ❌ cannot compare",
        "",
        *(f"- {md_code(f'{p.file}:{p.line}:{p.column}')}: {md_text(p.message)}" for p in problems),
        "",
        "---",
        "",
        _md_footer(meta),
    ]
    return "\n".join(lines) + "\n"


# --- terminal --------------------------------------------------------------------------------


def render_terminal(c: Comparison, meta: Meta) -> list[RenderableType]:
    """The rich renderables of a comparison, in order; the CLI prints them."""
    from rich.console import Group
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    from policycheck.comparison import RiskChangeKind
    from policycheck.render.terminal import GRADE_STYLE, SEVERITY_STYLE

    old, new = c.old, c.new
    out: list[RenderableType] = []
    ids = old.proposal_id if not c.proposal_id_changed else f"{old.proposal_id} → {new.proposal_id}"
    out.append(Text.assemble((new.title, "bold"), f"  ({ids})"))
    if old.title != new.title:
        out.append(Text(f"was: {old.title}", style="dim"))
    out.append(Text(f"{old.file}  →  {new.file}", style="dim"))
    if meta.revision is not None:
        out.append(Text(f"{meta.revision.ref} is commit {meta.revision.commit[:12]}", style="dim"))
    delta_style = "green" if c.score_delta > 0 else "red" if c.score_delta < 0 else ""
    out.append(
        Text.assemble(
            "Grade ",
            (old.grade, GRADE_STYLE.get(old.grade, "bold")),
            " → ",
            (new.grade, GRADE_STYLE.get(new.grade, "bold")),
            f" ({_steps(c.grade_steps)})  score {old.score:.1f} → {new.score:.1f} ",
            (f"({_signed(c.score_delta)})", delta_style),
        )
    )
    for label, a in (("before", old), ("after", new)):
        cap = _cap(a)
        if cap is not None:
            out.append(Text(f"{label}: {cap}", style="red"))
    out.append(Text(""))

    table = Table(title="Criteria", title_justify="left", show_edge=False)
    table.add_column("Criterion", overflow="fold")
    for name in ("Weight", "Old", "New", "Change"):
        table.add_column(name, justify="right")
    for d in c.criteria:
        table.add_row(
            Text(d.title), f"{d.weight:g}", _score(d.old), _score(d.new), _signed(d.delta)
        )
    out += [table, Text("")]

    if c.indicators:
        table = Table(
            title=f"Indicators whose level changed ({len(c.indicators)})",
            title_justify="left",
            show_edge=False,
        )
        table.add_column("Check")
        table.add_column("Indicator", overflow="fold")
        table.add_column("Old level", overflow="fold")
        table.add_column("New level", overflow="fold")
        table.add_column("Points", justify="right")
        for i in c.indicators:
            table.add_row(
                Text(i.check_id),
                Text(i.title),
                Text(_level(i.old_level)),
                Text(_level(i.new_level)),
                _points_change(i.old_points, i.new_points, i.delta),
            )
        out.append(table)
    else:
        out.append(Text("No indicator changed level."))
    out.append(Text(""))

    out.append(
        Text(
            f"Risks: {len(c.new_risks)} new, {len(c.resolved_risks)} resolved, "
            f"{len(c.changed_risks)} severity changed, {len(c.unchanged_risks)} unchanged",
            style="bold",
        )
    )
    sections = (
        (RiskChangeKind.NEW, "New", "+"),
        (RiskChangeKind.SEVERITY_CHANGED, "Severity changed", "~"),
        (RiskChangeKind.RESOLVED, "Resolved", "-"),
        (RiskChangeKind.UNCHANGED, "Unchanged", "="),
    )
    for kind, title, sign in sections:
        items = [r for r in c.risks if r.kind is kind]
        if not items:
            continue
        out.append(Text(f"{title} ({len(items)})"))
        for r in items:
            shown = r.new_severity or r.old_severity
            assert shown is not None
            line = Text.assemble(
                f"{sign} ",
                (f" {_severity(r).upper()} ", SEVERITY_STYLE[shown]),
                " ",
                (r.id, "bold"),
                f" {r.title} [{r.family.value}]: {r.risk.finding}",
            )
            out.append(Padding(line, (0, 0, 0, 2)))
            where = (
                f"{_loc(r.old_location)} → {_loc(r.new_location)}"
                if r.old is not None and r.new is not None
                else f"was at {_loc(r.old_location)}"
                if r.new is None
                else _loc(r.new_location)
            )
            out.append(Padding(Text(where, style="dim"), (0, 0, 0, 6)))
            if r.finding_changed and r.old is not None:
                out.append(Padding(Text(f"was: {r.old.finding}", style="dim"), (0, 0, 0, 6)))
    if not c.risks:
        out.append(Padding(Text("No risks on either side.", style="green"), (0, 0, 0, 2)))
    out.append(Text(""))

    regressions = c.regressions()
    if regressions:
        lines: list[RenderableType] = [Text(f"Regressions ({len(regressions)})", style="bold red")]
        lines += [
            Padding(
                Text(g.message + (f" ({g.location})" if g.location is not None else "")),
                (0, 0, 0, 2),
            )
            for g in regressions
        ]
        out.append(Group(*lines))
    elif c.changed:
        out.append(Text("No regression.", style="green"))
    else:
        out.append(Text("No change in grade, score, indicators or risks.", style="green"))
    return out
