"""pydantic's validation errors as located problems, in the words of the file formats.

One translation for every format that is a pydantic model (a proposal, a rubric, the
configuration, a rubric's test cases), so a typo gets the same help in each: an unknown
key is named with a did-you-mean from the keys allowed there, a missing key is located
at the mapping that lacks it, an unknown choice gets a did-you-mean among the choices,
and type errors are said in the words of the file (a mapping, a list), not Python's.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import types
import typing
from collections.abc import Callable
from typing import Annotated, Any, Union

from pydantic import BaseModel, BeforeValidator, ValidationError

from policycheck.errors import Problem


def _not_a_number(value: Any) -> Any:
    """A date is written as text (2025-06-01): pydantic would read ``0`` as 1970-01-01."""
    if isinstance(value, (bool, int, float)):
        raise ValueError(f"write a date as YYYY-MM-DD, not {str(value).lower()}")
    return value


#: A calendar date written as YYYY-MM-DD (YAML gives it as text, TOML as a date).
Date = Annotated[dt.date, BeforeValidator(_not_a_number)]


#: Where a YAML path is written: (file, line, column); ``True`` asks for the key, not its value.
Locate = Callable[[tuple[Any, ...], bool], tuple[str, int, int]]

_PLAIN = {
    "model_type": "expected a mapping of keys to values",
    "model_attributes_type": "expected a mapping of keys to values",
    "dict_type": "expected a mapping of keys to values",
    "tuple_type": "expected a list",
    "list_type": "expected a list",
}


def problems(
    exc: ValidationError,
    locate: Locate,
    model: type[BaseModel] | None = None,
    *,
    prefix: tuple[Any, ...] = (),
    label: str = "",
) -> list[Problem]:
    """Every error of ``exc`` as a located ``Problem``, in error order, each once.

    ``model`` (the validated model) names the keys allowed where one is unknown;
    ``prefix`` is where the validated value sits in its file, and ``label``
    heads every message (``case 'x': ``). A list too short only because its
    items are wrong is not reported twice.
    """
    errors = exc.errors()
    locs = [tuple(e["loc"]) for e in errors]
    found: dict[tuple[str, int, int, str], Problem] = {}
    for err in errors:
        loc = tuple(err["loc"])
        if err["type"] == "too_short" and any(o[: len(loc)] == loc and o != loc for o in locs):
            continue  # an echo of its items' own errors
        problem = _problem(err, locate, model, prefix, label)
        found.setdefault((problem.file, problem.line, problem.column, problem.message), problem)
    return list(found.values())


def _problem(
    err: Any,
    locate: Locate,
    model: type[BaseModel] | None,
    prefix: tuple[Any, ...],
    label: str,
) -> Problem:
    loc: tuple[Any, ...] = tuple(err["loc"])
    kind = err["type"]
    full = (*prefix, *loc)
    # pydantic's own steps ("[key]", a validator's name) are not the file's keys.
    dotted = ".".join(str(p) for p in full if isinstance(p, (str, int)) and p != "[key]")
    if kind == "extra_forbidden":
        allowed = _fields_at(model, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return Problem(*locate(full, True), f"{label}unknown key '{dotted}'{hint}")
    if kind == "missing":
        hint = " (add 'schema_version: 1')" if dotted == "schema_version" else ""
        where = locate(full[:-1], False)
        return Problem(*where, f"{label}missing required key '{dotted}'{hint}")
    message = plain(err)
    return Problem(*locate(full, False), f"{label}{dotted}: {message}" if dotted else message)


def plain(err: Any) -> str:
    """pydantic's message in the words of the file format, with a did-you-mean for choices."""
    kind = err["type"]
    if kind in _PLAIN:
        shorthand = (
            " (or the short form: true, false or a sentence)" if "Claim" in err["msg"] else ""
        )
        return _PLAIN[kind] + shorthand
    if kind == "too_short":
        return "needs at least one item"
    message: str = err["msg"].removeprefix("Value error, ")
    message = re.sub(r" or instance of \w+$", "", message)  # a strict type's Python aside
    if kind in ("literal_error", "enum") and isinstance(err.get("input"), str):
        choices = re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected", "")))
        close = difflib.get_close_matches(err["input"], choices, n=1)
        if close:
            return f"unknown value '{err['input']}'; did you mean '{close[0]}'?"
    return message


def _fields_at(model: type[BaseModel] | None, loc: tuple[Any, ...]) -> list[str]:
    """The field names allowed at ``loc`` under ``model``, for did-you-mean suggestions."""
    for part in loc:
        if model is None:
            return []
        if isinstance(part, int) or part not in model.model_fields:
            continue
        model = _model_in(model.model_fields[part].annotation)
    return sorted(model.model_fields) if model is not None else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType, tuple, list, dict, Annotated):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None
