"""Generate synthetic, valid policycheck proposals for benchmarks.

Usage::

    python benchmarks/generate.py OUT_DIR [--count N] [--seed S] [--long-form] [--no-verify]

Each file is a fictional initiative of about 100 lines: a varied mix of
participants (Western Balkan six, EU member states, outside powers), activities,
SRAC and non-SRAC equipment (some above the ceilings), regional formats and
claims (evidenced, asserted, explicitly absent or left out), so that every
check of the rubric has real work to do and the grades spread out.

Output is deterministic: file ``i`` depends only on ``(seed, i)``, so the first
1,000 files of a 10,000-file corpus are the 1,000-file corpus.

Claims, participants and format links mix the long (mapping) forms with the
short forms the format allows (``true``/``false``/a sentence for a claim, a
bare country code for a participant or format), as analysts write them.
``--long-form`` writes mappings only, for a JSON Schema that lacks the short
forms. The files are meant to be valid under ``policycheck schema`` too, so
that ``check-jsonschema`` can be timed on the same files (``run.py`` checks).

After writing, the files are assessed with ``policycheck assess --format json``
(unless ``--no-verify``); the script fails if any file is not assessed.

Only the standard library is used.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

# --- vocabulary: the values of the bundled format and reference data ----------------------
WB6 = ("AL", "BA", "ME", "MK", "RS", "XK")
EU_MEMBERS = ("AT", "BG", "CZ", "DE", "ES", "FR", "GR", "HR", "HU", "IT", "NL", "PL", "RO", "SI")
NON_RECOGNISERS = ("CY", "ES", "GR", "RO", "SK")
EXTERNAL = ("CN", "RU", "TR", "US", "GB")
SUPPLIERS = ("FR", "DE", "US", "TR", "CN", "IT", "SE", "IL", "KR")
SRAC_PARTIES = ("BA", "HR", "ME", "RS")
STATUSES = ("idea", "proposed", "negotiating", "signed", "in-force", "suspended", "ended")
ROLES = ("signatory", "member", "partner", "observer", "recipient", "funder", "facilitator")
ACTIVITIES = (
    "joint-exercises",
    "training",
    "military-education",
    "procurement",
    "arms-transfer",
    "industrial-cooperation",
    "raw-materials",
    "hybrid-threats",
    "cyber",
    "information-sharing",
    "intelligence-sharing",
    "capacity-building",
    "crisis-management",
    "mission-participation",
    "border-management",
    "counter-terrorism",
    "demining",
    "research",
    "infrastructure",
)
THREATS = (
    "hybrid",
    "cyber",
    "disinformation",
    "foreign-interference",
    "migration",
    "organised-crime",
    "terrorism",
    "conventional-military",
    "energy-security",
    "supply-chain",
    "natural-disasters",
    "climate",
    "economic",
)
INSTRUMENTS = (
    "bilateral-agreement",
    "csdp-mission",
    "eda",
    "epf",
    "multilateral-declaration",
    "nato",
    "partnership-for-peace",
    "pesco",
    "safe",
    "sdp",
    "strategic-partnership",
)
FORMATS = (
    "belgrade-pristina-dialogue",
    "berlin-process",
    "racviac",
    "sedm",
    "srac-consultative-commission",
    "us-adriatic-charter",
)
# (system, category, typical quantity)
EQUIPMENT = (
    ("Leopard 2A8", "battle-tank", 44),
    ("M1A2 Abrams", "battle-tank", 60),
    ("Patria AMV", "armoured-combat-vehicle", 80),
    ("Lazar 3", "armoured-combat-vehicle", 36),
    ("CAESAR howitzer", "artillery", 18),
    ("Nora B-52", "artillery", 24),
    ("Rafale F3R", "combat-aircraft", 12),
    ("F-16 Block 70", "combat-aircraft", 14),
    ("H145M", "attack-helicopter", 8),
    ("Bayraktar TB2", "armed-drone", 6),
    ("CH-92A", "armed-drone", 9),
    ("Mistral 3", "air-defence", 20),
    ("FK-3", "air-defence", 4),
    ("Javelin", "missile", 150),
    ("Patrol vessel", "naval", 2),
    ("Rifles and sidearms", "small-arms", 5000),
    ("155 mm rounds", "ammunition", 20000),
    ("Jammers", "electronic-warfare", 10),
    ("Body armour", "non-lethal", 3000),
    ("Surveillance drone", "unarmed-drone", 12),
    ("Field hospital", "other", 1),
)
CADENCES = ("none", "ad-hoc", "annual", "semi-annual", "quarterly", "monthly")
AUDIENCES = ("public", "parliament", "neighbours", "eu", "nato", "civil-society")
INVOLVEMENTS = ("supplier", "investor", "trainer", "partner", "political-backer", "other")
THEMES = (
    "civil-military resilience",
    "border security",
    "cyber defence",
    "air policing",
    "demining and disaster response",
    "military mobility",
    "defence-industrial cooperation",
    "critical raw materials",
    "professional military education",
    "counter-disinformation",
)
WORDS = (
    "regional",
    "joint",
    "capability",
    "framework",
    "partnership",
    "programme",
    "resilience",
    "security",
    "cooperation",
    "training",
    "interoperability",
    "oversight",
    "commitment",
    "exchange",
    "infrastructure",
)

ARTICLES = (*(f"Art. {n}" for n in range(1, 41)), *(f"Annex {c}" for c in "ABCDE"))
CLAIMS = {
    "safeguards": (
        "human_security",
        "democratic_conditionality",
        "local_consultation",
        "socio_economic_benefits",
    ),
    "arms_control": (
        "srac_notification",
        "srac_compliance",
        "exercise_notification",
        "observers",
        "dispute_sensitivity",
    ),
}


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


class _Writer:
    def __init__(self, rng: random.Random, shorthand: bool, sources: list[str]) -> None:
        self.rng = rng
        self.shorthand = shorthand
        self.sources = sources
        self.lines: list[str] = []

    def add(self, line: str) -> None:
        self.lines.append(line)

    def section(self, name: str) -> int:
        """Open the mapping ``name:``; ``close`` it with the number this returns."""
        self.add(f"{name}:")
        return len(self.lines)

    def close(self, opened: int) -> None:
        """A section whose every claim was left out is an empty mapping, not a null: the
        format wants a mapping (about one file in ten thousand had none)."""
        if len(self.lines) == opened:
            self.lines[-1] += " {}"

    def claim(self, indent: str, key: str, topic: str) -> None:
        """One claim: evidenced, asserted, bare, explicitly absent or left out."""
        rng = self.rng
        kind = rng.choices(
            ("evidenced", "statement", "true", "false", "omit"), weights=(40, 20, 15, 15, 10)
        )[0]
        if kind == "omit":
            return
        if self.shorthand and kind in ("true", "false", "statement") and rng.random() < 0.6:
            value = kind if kind != "statement" else _q(f"{topic.capitalize()} is foreseen.")
            self.add(f"{indent}{key}: {value}")
            return
        if kind == "true":
            self.add(f"{indent}{key}: {{provided: true}}")
        elif kind == "false":
            self.add(f"{indent}{key}: {{provided: false}}")
        else:
            self.add(f"{indent}{key}:")
            self.add(f"{indent}  statement: {_q(f'{topic.capitalize()}: ' + _sentence(rng, 6))}")
            if kind == "evidenced":
                items = [
                    _q(f"{rng.choice(self.sources)} {where}")
                    for where in rng.sample(ARTICLES, rng.randint(1, 2))
                ]
                if rng.random() < 0.5:
                    self.add(f"{indent}  evidence: [{', '.join(items)}]")
                else:
                    self.add(f"{indent}  evidence:")
                    for item in items:
                        self.add(f"{indent}    - {item}")


def proposal_text(index: int, seed: int = 0, *, shorthand: bool = True) -> str:
    """The YAML text of synthetic proposal ``index`` (deterministic in ``seed`` and ``index``)."""
    rng = random.Random(f"policycheck-bench:{seed}:{index}")
    theme = rng.choice(THEMES)
    sources = [f"src-{k}" for k in range(1, rng.randint(1, 3) + 1)]
    w = _Writer(rng, shorthand, sources)

    # --- who ---------------------------------------------------------------------------
    wb = rng.sample(WB6, rng.choice((1, 1, 2, 3, 4, 6)))
    eu = rng.sample(EU_MEMBERS, rng.randint(0, 3))
    if "XK" in wb and rng.random() < 0.4:
        eu.append(rng.choice([c for c in NON_RECOGNISERS if c not in eu]))
    outside = rng.sample(EXTERNAL, rng.choice((0, 0, 0, 1, 1, 2)))
    eu_led = rng.random() < 0.6
    lead = "EU" if eu_led else (eu[0] if eu else wb[0])
    countries = list(dict.fromkeys([*(["EU"] if eu_led else []), *eu, *wb, *outside]))

    # --- identity ------------------------------------------------------------------------
    year = rng.randint(2015, 2026)
    w.add(f"# Synthetic proposal {index} for policycheck benchmarks (seed {seed}). Fictional.")
    w.add("schema_version: 1")
    w.add(f"id: bench-{index:06d}-{theme.split()[0].replace('-', '')}")
    w.add(f"title: {_q(f'{lead} {theme} initiative no. {index}')}")
    w.add("summary: >-")
    for _ in range(2):
        w.add(f"  {_sentence(rng, rng.randint(6, 10))}")
    w.add(f"status: {rng.choice(STATUSES)}")
    w.add(f"date: {year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
    w.add(f"horizon_years: {rng.choice((1, 2, 3, 5, 7, 10, 15, 20))}")
    w.add("sources:")
    for sid in sources:
        w.add(f"  - id: {sid}")
        w.add(f"    title: {_q(f'Text {sid} of initiative {index} (fictional)')}")
        w.add(f"    url: https://example.org/bench/{index}/{sid}")
        w.add(f"    date: {year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
    w.add(f"lead: {lead}")
    w.add("participants:")
    for code in countries:
        if code == lead:
            role = "lead"
        elif code in outside:
            role = rng.choice(("supplier", "partner", "observer", "funder"))
        else:
            role = rng.choice(ROLES)
        if w.shorthand and role == "member" and rng.random() < 0.7:
            w.add(f"  - {code}")
            continue
        w.add(f"  - country: {code}")
        w.add(f"    role: {role}")
        if rng.random() < 0.25:
            w.add(f"    note: {_q(_sentence(rng, 5))}")

    # --- what ------------------------------------------------------------------------------
    w.add("instruments:")
    for item in rng.sample(INSTRUMENTS, rng.randint(1, 3)):
        w.add(f"  - {item}")
    w.add("activities:")
    for item in rng.sample(ACTIVITIES, rng.randint(2, 7)):
        w.add(f"  - {item}")
    equipment = rng.sample(EQUIPMENT, rng.choice((0, 0, 1, 2, 3, 4)))
    if equipment:
        w.add("equipment:")
    recipients = [c for c in countries if c in WB6 or c in EU_MEMBERS] or wb
    for system, category, typical in equipment:
        w.add(f"  - system: {_q(system)}")
        w.add(f"    category: {category}")
        if rng.random() < 0.85:
            # Sometimes far above an SRAC ceiling, so the ceiling check flags it.
            factor = rng.choice((0.5, 1, 1, 2, 10))
            w.add(f"    quantity: {max(1, int(typical * factor))}")
        w.add(f"    supplier: {rng.choice(SUPPLIERS)}")
        srac_recipients = [c for c in recipients if c in SRAC_PARTIES]
        if srac_recipients and rng.random() < 0.7:
            w.add(f"    recipient: {rng.choice(srac_recipients)}")
        else:
            w.add(f"    recipient: {rng.choice(recipients)}")
        w.add("    evidence:")
        w.add(f"      - {_q(f'{sources[0]} Annex {rng.randint(1, 5)}')}")
    threats = rng.sample(THREATS, rng.randint(1, 5))
    w.add(f"threats: [{', '.join(threats)}]")

    # --- claims ------------------------------------------------------------------------------
    opened = w.section("safeguards")
    for key in CLAIMS["safeguards"]:
        w.claim("  ", key, key.replace("_", " "))
    w.close(opened)
    regional = w.section("regional")
    w.claim("  ", "open_to_join", "open to other regional states")
    formats = rng.sample(FORMATS, rng.randint(0, 3))
    if formats:
        w.add("  formats:")
        for fmt in formats:
            if w.shorthand and rng.random() < 0.3:
                w.add(f"    - {fmt}")
                continue
            w.add(f"    - format: {fmt}")
            w.add(f"      how: {_q(_sentence(rng, 5))}")
            if rng.random() < 0.5:
                w.add(f"      evidence: [{_q(f'{sources[-1]} Art. {rng.randint(1, 30)}')}]")
    for key in ("coordination", "joint_planning", "interoperability"):
        w.claim("  ", key, key.replace("_", " "))
    w.close(regional)
    opened = w.section("arms_control")
    for key in CLAIMS["arms_control"]:
        w.claim("  ", key, key.replace("_", " "))
    w.close(opened)
    transparency = w.section("transparency")
    w.claim("  ", "public_text", "public text")
    if rng.random() < 0.8:
        w.add("  reporting:")
        w.add(f"    cadence: {rng.choice(CADENCES)}")
        w.add(f"    audience: [{', '.join(rng.sample(AUDIENCES, rng.randint(0, 4)))}]")
        if rng.random() < 0.5:
            w.add(f"    evidence: [{_q(f'{sources[0]} Art. {rng.randint(1, 30)}')}]")
    for key in ("progress_indicators", "parliamentary_oversight", "neighbour_information_sharing"):
        w.claim("  ", key, key.replace("_", " "))
    w.close(transparency)

    # --- external actors -------------------------------------------------------------------
    actors = rng.sample([c for c in EXTERNAL if c not in countries], rng.choice((0, 0, 1, 2)))
    if actors:
        w.add("external_actors:")
        for code in actors:
            w.add(f"  - country: {code}")
            w.add(f"    involvement: {rng.choice(INVOLVEMENTS)}")
            w.add(f"    note: {_q(_sentence(rng, 6))}")
    return "\n".join(w.lines) + "\n"


def generate(
    out_dir: Path,
    count: int,
    seed: int = 0,
    *,
    shorthand: bool = True,
    progress: Callable[[int], None] | None = None,
) -> list[Path]:
    """Write ``count`` proposals into ``out_dir`` (created if needed); return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = out_dir / f"p{i:06d}.yaml"
        path.write_text(proposal_text(i, seed, shorthand=shorthand), encoding="utf-8")
        paths.append(path)
        if progress is not None and (i + 1) % 1000 == 0:
            progress(i + 1)
    return paths


def policycheck_command() -> list[str]:
    """How to run the CLI: the ``policycheck`` script beside this Python, else on PATH."""
    beside = Path(sys.executable).with_name("policycheck")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("policycheck")
    return [found] if found else [sys.executable, "-m", "policycheck"]


def verify(target: Path) -> tuple[int, int, list[str]]:
    """Assess ``target`` (a file or folder); return (files, assessed, first problems)."""
    result = subprocess.run(
        [*policycheck_command(), "assess", str(target), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    if not result.stdout.strip():
        return 0, 0, [f"exit {result.returncode}: {result.stderr.strip()[:2000]}"]
    summary = json.loads(result.stdout)["summary"]
    problems = result.stderr.strip().splitlines()[:20]
    if result.returncode != 0 and not problems:
        problems = [f"exit {result.returncode}"]
    return summary["files"], summary["assessed"], problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path, help="folder to write the proposals into")
    parser.add_argument("--count", "-n", type=int, default=100, help="how many (default 100)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--long-form",
        action="store_true",
        help="write claims, participants and formats as mappings only (no short forms)",
    )
    parser.add_argument(
        "--no-verify", action="store_true", help="do not run policycheck assess on the result"
    )
    args = parser.parse_args(argv)
    paths = generate(
        args.out_dir,
        args.count,
        args.seed,
        shorthand=not args.long_form,
        progress=lambda n: print(f"  {n} written", file=sys.stderr),
    )
    lines = [p.read_text(encoding="utf-8").count("\n") for p in paths]
    if lines:
        print(
            f"wrote {len(paths)} proposals to {args.out_dir} "
            f"(lines per file: min {min(lines)}, mean {sum(lines) / len(lines):.0f}, "
            f"max {max(lines)})"
        )
    if args.no_verify or not paths:
        return 0
    files, assessed, problems = verify(args.out_dir)
    if files != len(paths) or assessed != len(paths) or problems:
        print(f"verification FAILED: {assessed} of {len(paths)} assessed", file=sys.stderr)
        for line in problems:
            print(f"  {line}", file=sys.stderr)
        return 1
    print(f"verified: policycheck assessed all {assessed} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
