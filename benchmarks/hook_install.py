"""Measure what installing the pre-commit hook costs: the environment's size and install time.

Run by hand (it reports, it never gates: the exit status is 0 unless an install fails)::

    python benchmarks/hook_install.py                 # pip into a fresh venv, once
    python benchmarks/hook_install.py --pre-commit    # also pre-commit's own install
    python benchmarks/hook_install.py --with pandas   # what an extra package would add

pre-commit installs a ``language: python`` hook by making a virtual environment and running
``pip install .`` in a clone of the hook's repository. This script does the same with the
checkout it lives in (copied, so the working tree is measured, not the last commit): a fresh
``python -m venv``, then ``pip install CHECKOUT``, timed, then the size of the environment
on disk, its distributions and the five largest. With ``--pre-commit`` it also commits a copy of the checkout
as a hook repository, points a throwaway repository's ``.pre-commit-config.yaml`` at it and
times ``pre-commit run`` with an empty ``PRE_COMMIT_HOME`` (the first run, which clones the
hook and installs its environment) and again (reused), and reports the size of that home.

pip uses whatever index it is configured with (``pip config list``): with a local mirror or a
warm wheel cache the times are those of unpacking, not downloading. The figures are for one
run on this machine; the issue that asked for this (issue 11) measured 207 MB and 45–60 s
when pandas and numpy came with every install.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "proposals" / "model-regional-initiative.yaml"


def _size(path: Path) -> int:
    """Bytes on disk under ``path`` (file sizes; links not followed)."""
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            item = Path(folder) / name
            if not item.is_symlink():
                total += item.stat().st_size
    return total


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def _copy_checkout(target: Path) -> Path:
    """The package's sources as pip would see them in a clone (no venv, caches or .git)."""
    ignore = shutil.ignore_patterns(".venv", ".git", "__pycache__", "*.egg-info", ".*_cache")
    shutil.copytree(ROOT, target, ignore=ignore)
    return target


def _site_packages(venv: Path) -> Path:
    return next(venv.glob("lib/python3*/site-packages"))


def _distributions(site: Path) -> list[tuple[str, int]]:
    """Each installed distribution with the size of the files its RECORD lists."""
    found = []
    for info in sorted(site.glob("*.dist-info")):
        record = info / "RECORD"
        size = 0
        if record.is_file():
            for line in record.read_text("utf-8").splitlines():
                relative = line.split(",", 1)[0]
                item = (site / relative).resolve()
                if item.is_file():
                    size += item.stat().st_size
        found.append((info.name.split("-")[0], size))
    return found


def pip_install(work: Path, extra: list[str]) -> None:
    checkout = _copy_checkout(work / "checkout")
    venv = work / "venv"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    made = time.perf_counter()
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, str(checkout), *extra], check=True)
    done = time.perf_counter()
    site = _site_packages(venv)
    dists = _distributions(site)
    print(f"pip install {'policycheck ' + ' '.join(extra) if extra else 'policycheck'}")
    print(f"  venv made in       {made - started:6.1f} s")
    print(f"  pip install in     {done - made:6.1f} s")
    print(f"  environment        {_mb(_size(venv))} ({_mb(_size(site))} in site-packages)")
    print(f"  distributions      {len(dists)}")
    for name, size in sorted(dists, key=lambda d: -d[1])[:5]:
        print(f"    {name:<22} {_mb(size)}")
    check = subprocess.run(
        [
            str(venv / "bin" / "policycheck"),
            "assess",
            str(SAMPLE),
            "--quiet",
            "--xlsx",
            str(work / "check.xlsx"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    ok = check.returncode == 0 and (work / "check.xlsx").is_file()
    print(f"  --xlsx works       {'yes' if ok else 'NO: ' + check.stderr.strip()}")
    present = {name.lower() for name, _ in dists}
    print(f"  pandas / numpy     {'installed' if present & {'pandas', 'numpy'} else 'absent'}")


def hook_repository(checkout: Path, env: dict[str, str]) -> str:
    """Commit ``checkout`` as a git repository of its own, as a hook's ``repo:``; its commit."""
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=checkout, check=True, env=env)
    subprocess.run([*git, "add", "-A"], cwd=checkout, check=True, env=env)
    subprocess.run([*git, "commit", "-q", "-m", "hook"], cwd=checkout, check=True, env=env)
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=checkout, capture_output=True, text=True, check=True
    ).stdout.strip()


def pre_commit_install(work: Path) -> None:
    exe = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which(
        "pre-commit"
    )
    if exe is None:
        print("pre-commit: not installed (pip install pre-commit); skipped")
        return
    home = work / "pre-commit-home"
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    hooks = _copy_checkout(work / "hook-repo")
    rev = hook_repository(hooks, env)
    repo = work / "repo"
    (repo / "proposals").mkdir(parents=True)
    shutil.copy(SAMPLE, repo / "proposals" / SAMPLE.name)
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks}\n    rev: {rev}\n    hooks:\n      - id: policycheck\n",
        encoding="utf-8",
    )
    for args in (["init", "-q"], ["add", "-A"]):
        subprocess.run(["git", *args], cwd=repo, check=True, env=env)
    started = time.perf_counter()
    done = subprocess.run(
        [exe, "run", "--files", f"proposals/{SAMPLE.name}"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    took = time.perf_counter() - started
    print("pre-commit run (first run: clones the hook and installs its environment)")
    print(f"  time               {took:6.1f} s (exit {done.returncode})")
    print(f"  PRE_COMMIT_HOME    {_mb(_size(home))}")
    started = time.perf_counter()
    subprocess.run(
        [exe, "run", "--files", f"proposals/{SAMPLE.name}"],
        cwd=repo,
        capture_output=True,
        env=env,
        check=False,
    )
    print(f"  second run         {time.perf_counter() - started:6.1f} s (environment reused)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pre-commit", action="store_true", help="also time pre-commit's install")
    parser.add_argument(
        "--with",
        dest="extra",
        action="append",
        default=[],
        metavar="PKG",
        help="install this package too (repeatable), to compare",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="policycheck-hook-") as tmp:
        pip_install(Path(tmp), args.extra)
        if args.pre_commit:
            pre_commit_install(Path(tmp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
