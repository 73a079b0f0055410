"""Writing files safely: whole or not at all, and never over an input."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from policycheck.errors import UsageError


def write_atomic(
    path: Path, data: str | bytes, *, inputs: Iterable[Path] = (), overwrite: bool = True
) -> None:
    """Write ``data`` to a temporary file beside ``path``, then move it into place.

    Refuses to write over any of ``inputs`` (or over anything, unless ``overwrite``).
    """
    target = path.resolve()
    for item in inputs:
        if item.exists() and item.resolve() == target:
            raise UsageError(f"{path}: refusing to overwrite an input file")
    if not overwrite and os.path.lexists(path):
        raise UsageError(f"{path}: already exists; not overwritten")
    if path.is_dir():
        raise UsageError(f"{path}: is a directory")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"{path}: folder {parent} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write here: {exc.strerror}") from None
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; a report is an ordinary file
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if not overwrite:
            os.link(tmp, path)
            os.unlink(tmp)
        else:
            os.replace(tmp, path)
    except FileExistsError:
        os.unlink(tmp)
        raise UsageError(f"{path}: already exists; not overwritten") from None
    except OSError as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise UsageError(f"{path}: cannot write: {exc.strerror}") from None
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
