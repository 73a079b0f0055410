"""Project configuration: where it is found, what it may say, and which value wins.

Precedence, highest first:

1. command-line flags;
2. the configuration file: ``--config FILE`` if given, else the first found
   walking up from the files named (else from the working directory), in each
   folder checking
   ``.policycheck.yaml``, then ``policycheck.toml``, then a ``pyproject.toml``
   with a ``[tool.policycheck]`` table; the walk stops after the folder that
   holds ``.git`` (the repository root) or at the file-system root. Files are
   not merged: the first one found is the configuration;
3. built-in defaults.

Relative paths in a file (rubric, reference, paths, baseline) are relative to
the file's folder. Unknown keys are errors, located by line.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from policycheck import validation
from policycheck.assessment import Waiver
from policycheck.errors import InputError, Problem, UsageError
from policycheck.loading import Document, check_structure, read_file, read_text
from policycheck.scale import GRADES, Severity
from policycheck.validation import Date

CONFIG_NAMES = (".policycheck.yaml", "policycheck.toml", "pyproject.toml")


class WaiverEntry(BaseModel):
    """A waiver as written in the configuration file."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, defer_build=True, str_strip_whitespace=True
    )

    risk: str = Field(min_length=1, description="a risk id (CE01) or a check id (AC03)")
    proposal: str = Field(min_length=1)
    justification: str = Field(min_length=1)
    owner: str = Field(min_length=1)
    expires: Date


class Settings(BaseModel):
    """Everything a configuration file may set (all optional)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    rubric: Path | None = None
    reference: Path | None = None
    paths: tuple[str, ...] = ()
    fail_under: str | float | None = None
    minimums: dict[str, Annotated[float, Field(strict=True, allow_inf_nan=False)]] = Field(
        default_factory=dict
    )
    fail_on: Severity | None = None
    #: Least share (0-1) of the applicable weight a file must settle for a threshold to pass.
    min_coverage: float | None = Field(default=None, ge=0, le=1, allow_inf_nan=False, strict=True)
    soft_fail: bool = Field(default=False, strict=True)
    allow_empty: bool = Field(default=False, strict=True)
    baseline: Path | None = None
    waivers: tuple[WaiverEntry, ...] = ()

    @field_validator("fail_under", mode="before")
    @classmethod
    def _threshold(cls, value: Any) -> str | float | None:
        if (value is not None and not isinstance(value, (str, int, float))) or isinstance(
            value, bool
        ):
            raise ValueError(f"{str(value).lower()} is neither a grade (A-F) nor a score (0-100)")
        return parse_threshold(value)

    @field_validator("rubric", "reference", "baseline", "paths", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        """A NUL cannot be in a file name; the operating system would refuse it later, unlocated."""
        names = value if isinstance(value, (list, tuple)) else [value]
        if any(isinstance(name, str) and "\x00" in name for name in names):
            raise ValueError("a path cannot hold a NUL character")
        return value

    @field_validator("minimums")
    @classmethod
    def _minimums(cls, value: dict[str, float]) -> dict[str, float]:
        for name, score in value.items():
            if not 0 <= score <= 100:
                raise ValueError(f"minimum for '{name}' must be between 0 and 100")
        return value


def parse_threshold(value: str | float | None) -> str | float | None:
    """A grade letter (A-F) or a score (0-100)."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip().upper()
        if text in GRADES:
            return text
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"'{value}' is neither a grade (A-F) nor a score (0-100)") from None
    if not 0 <= value <= 100:
        raise ValueError(f"score threshold {value} is not between 0 and 100")
    return float(value)


@dataclass(frozen=True)
class LoadedConfig:
    """The settings of one file (or the defaults), and where each key was set."""

    settings: Settings
    path: Path | None
    origins: dict[str, str] = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        return self.path.parent if self.path is not None else Path.cwd()

    def waivers(self) -> tuple[Waiver, ...]:
        return tuple(
            Waiver(
                target=w.risk,
                proposal=w.proposal,
                justification=w.justification,
                owner=w.owner,
                expires=w.expires,
                origin=_shown(self.origins.get(f"waivers.{i}", str(self.path))),
            )
            for i, w in enumerate(self.settings.waivers)
        )

    def resolve(self, value: Path | None) -> Path | None:
        """A path from the file, made relative to the file's folder."""
        if value is None or value.is_absolute():
            return value
        return self.folder / value


def _shown(origin: str) -> str:
    """``FILE:LINE`` as reports name it: the file relative to the working directory if it can be
    (annotations on a pull request need repository-relative paths)."""
    file, sep, line = origin.rpartition(":")
    if not sep or not line.isdigit():
        file, line = origin, ""
    with contextlib.suppress(ValueError):  # another drive on Windows
        file = os.path.relpath(file)
    return f"{file}:{line}" if line else file


def discover(start: Path) -> Path | None:
    """The configuration file that applies in ``start``, walking up (see module docs)."""
    folder = start.resolve()
    while True:
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_tool_table(candidate)):
                return candidate
        if (folder / ".git").exists() or folder.parent == folder:
            return None
        folder = folder.parent


def _has_tool_table(path: Path) -> bool:
    try:
        _, data = _read_toml(path)
    except InputError:
        return True  # let load() report the problem, located
    return isinstance(data.get("tool"), dict) and "policycheck" in data["tool"]


def _read_toml(path: Path) -> tuple[str, dict[str, Any]]:
    """The text and table of a TOML file, with the size, depth and number limits of a proposal."""
    import tomllib  # only where a TOML file is found (most runs have none)

    text = read_text(path)
    check_structure(text, str(path), toml=True)
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+), column (\d+)", str(exc))
        line, column = (int(match[1]), int(match[2])) if match else (1, 1)
        raise InputError([Problem(str(path), line, column, f"invalid TOML: {exc}")]) from None


def discover_for(arguments: Iterable[str], cwd: Path) -> Path | None:
    """The configuration of the files named, found from where they are (as ruff does).

    Each argument's folder (a file's own folder; a glob's folder before its
    first wildcard) is walked up as ``discover`` does. Arguments under two
    different configurations are a usage error: one run has one gate. When no
    argument is under any, the working directory's configuration applies.
    """
    import glob

    found: dict[Path, str] = {}
    # Folders walked up once each: a shell's glob names a thousand files in a few folders.
    walked: dict[Path, Path | None] = {}
    for arg in arguments:
        if glob.has_magic(arg):
            fixed = itertools.takewhile(lambda part: not glob.has_magic(part), Path(arg).parts)
            start = cwd.joinpath(*fixed)
        else:
            start = cwd / arg
            if not start.is_dir():
                start = start.parent
        if start not in walked:
            walked[start] = discover(start) if start.is_dir() else None
        config = walked[start]
        if config is not None:
            found.setdefault(config, arg)
    if len(found) > 1:
        which = "; ".join(f"{arg} under {config}" for config, arg in found.items())
        raise UsageError(
            f"the files named are under different configurations ({which}): "
            "assess them in separate runs, or choose one with --config"
        )
    return next(iter(found), None) or discover(cwd)


def load(explicit: Path | None, start: Path, paths: Iterable[str] = ()) -> LoadedConfig:
    """Read the explicit file, or the one discovered from ``paths`` (else ``start``), or defaults."""
    names = list(paths)
    if explicit is not None:
        path: Path | None = explicit
    else:
        path = discover_for(names, start) if names else discover(start)
    if path is None:
        # The defaults, as ``Settings()`` makes them (defaults are not validated), without
        # building its validator: a run with no configuration file never needs one.
        return LoadedConfig(Settings.model_construct(), None, {})
    if not path.is_file():
        raise InputError([Problem(str(path), 1, 1, "configuration file not found")])
    if path.suffix in (".yaml", ".yml"):
        return _load_yaml(path)
    return _load_toml(path)


def _load_yaml(path: Path) -> LoadedConfig:
    doc = read_file(path)
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        raise InputError([Problem(str(path), 1, 1, "the configuration must be a mapping")])
    settings = _validate(data, path, lambda loc, key: doc.position(loc, key=key))
    origins = {
        ".".join(str(p) for p in loc): f"{path}:{line}"
        for loc, (line, _) in _positions(doc).items()
    }
    return LoadedConfig(settings, path, origins)


def _positions(doc: Document) -> dict[tuple[str | int, ...], tuple[int, int]]:
    return {**doc.values, **doc.keys}


def _load_toml(path: Path) -> LoadedConfig:
    text, data = _read_toml(path)
    table = "tool.policycheck" if path.name == "pyproject.toml" else ""
    if table:
        data = data.get("tool", {}).get("policycheck", {})
    locator = _TomlLocator(text, table)
    settings = _validate(data, path, lambda loc, _key: locator.position(loc))  # no key spans
    origins = {key: f"{path}:{locator.position((key,))[0]}" for key in data}
    for i, _ in enumerate(data.get("waivers", [])):
        origins[f"waivers.{i}"] = f"{path}:{locator.position(('waivers', i))[0]}"
    return LoadedConfig(settings, path, origins)


class _TomlLocator:
    """Best-effort lines for TOML keys (the standard parser keeps no positions)."""

    def __init__(self, text: str, table: str) -> None:
        self.lines = text.splitlines()
        self.start = 0
        if table:
            for n, line in enumerate(self.lines):
                if line.strip() == f"[{table}]":
                    self.start = n
                    break

    def position(self, loc: tuple[Any, ...]) -> tuple[int, int]:
        keys = [p for p in loc if isinstance(p, str)]
        index = next((p for p in loc if isinstance(p, int)), None)
        best = (self.start + 1, 1)
        end = len(self.lines)
        for key in keys:
            pattern = re.compile(rf"^\s*(\[\[?[\w.]*\b{re.escape(key)}\]\]?|{re.escape(key)}\s*=)")
            hits = [n for n in range(best[0] - 1, end) if pattern.search(self.lines[n])]
            if not hits:
                break
            n = (
                hits[index]
                if index is not None and key == "waivers" and index < len(hits)
                else hits[0]
            )
            best = (n + 1, len(self.lines[n]) - len(self.lines[n].lstrip()) + 1)
            if self.lines[n].lstrip().startswith("["):
                # Keys of a table end where the next table header starts.
                end = next(
                    (
                        m
                        for m in range(n + 1, len(self.lines))
                        if self.lines[m].lstrip().startswith("[")
                    ),
                    len(self.lines),
                )
        return best


def _validate(data: dict[str, Any], path: Path, where: Any) -> Settings:
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:

        def locate(loc: tuple[Any, ...], key: bool) -> tuple[str, int, int]:
            return (str(path), *where(loc, key))

        raise InputError(validation.problems(exc, locate, Settings)) from None
