"""Writing files safely: whole or not at all, never over an input, never over a device.

What is at the path decides how it is written:

* ``-``: standard output;
* a regular file (or nothing yet): a temporary file beside it, moved into
  place, so a reader never sees half a report; an existing file keeps its mode;
* a symbolic link: the file it points to, by the rules above (the link stays);
* a character device, a FIFO or an open descriptor (``/dev/stdout``, a named
  pipe): written straight through, never replaced by a regular file;
* anything else (a directory, a socket, a block device): refused.

Temporary files are named ``.NAME.<random>.<pid>.policycheck-tmp``: a run
killed mid-write (``kill -9``) leaves one behind, and the next write to the
same place removes those whose process is gone, so they cannot pile up.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from policycheck.errors import UsageError

STDOUT = "-"
TMP_SUFFIX = ".policycheck-tmp"


def is_stdout(path: Path | str) -> bool:
    """Whether ``path`` is ``-``, the conventional name of standard output."""
    return str(path) == STDOUT


#: A payload that writes itself into a binary file as it is made (a workbook, compressed as
#: its rows are made): never held whole. The file it is given can seek.
Writer = Callable[[BinaryIO], None]


def write_atomic(
    path: Path,
    data: str | bytes | Iterable[str] | Iterable[bytes] | Writer,
    *,
    inputs: Iterable[Path] = (),
    overwrite: bool = True,
) -> None:
    """Write ``data`` to ``path`` whole or not at all (see the module docstring).

    ``data`` may be an iterable of text chunks, written as they come, or a ``Writer``:
    a large report is then never held whole.
    Refuses to write over any of ``inputs`` (or over anything, unless ``overwrite``).
    """
    write = _writer(data)
    if is_stdout(path):
        sys.stdout.flush()
        _through(write, sys.stdout.buffer)
        sys.stdout.flush()
        return
    target = Path(os.path.realpath(path))
    if _is_an_input(target, inputs):
        raise UsageError(f"{path}: refusing to overwrite an input file")
    if not overwrite and os.path.lexists(path):
        raise UsageError(f"{path}: already exists; not overwritten")
    try:
        # Followed as open() follows it: /dev/stdout is whatever standard output is.
        info: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise UsageError(f"{path}: cannot write: {exc.strerror}") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise UsageError(f"{path}: is a directory")
    if info is not None and (
        stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode) or _open_descriptor(target)
    ):
        _write_through(path, write)
        return
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise UsageError(f"{path}: not a regular file, a character device or a FIFO; not written")
    _replace(path, target, write, info, overwrite=overwrite)


def _is_an_input(target: Path, inputs: Iterable[Path]) -> bool:
    """Whether ``target`` (a resolved path) is where one of ``inputs`` leads."""
    return bool(written_over([target], inputs))


def written_over(targets: Iterable[Path], inputs: Iterable[Path]) -> set[Path]:
    """Those of ``targets`` (files to write) that one of ``inputs`` leads to: the same file by
    the same resolved path. Only a file that exists can be: each input's identity is compared
    with the targets' before its path is resolved, and each input is looked at once however
    many targets there are (a batch's thousands of inputs were resolved once a report file:
    3,000 resolutions before the first worker started, for three report files of 1,000
    proposals)."""
    held: dict[tuple[int, int], list[Path]] = {}
    for target in targets:
        if is_stdout(target):
            continue
        try:
            info = os.stat(target)
        except OSError:
            continue
        held.setdefault((info.st_dev, info.st_ino), []).append(target)
    found: set[Path] = set()
    if not held:
        return found
    for item in inputs:
        try:
            info = os.stat(item)
        except OSError:
            continue
        for target in held.get((info.st_dev, info.st_ino), ()):
            if item.resolve() == Path(os.path.realpath(target)):
                found.add(target)
    return found


def _writer(data: str | bytes | Iterable[str] | Iterable[bytes] | Writer) -> Writer:
    """``data`` as what writes it into a binary file (text chunks in UTF-8)."""
    if callable(data):
        return data
    payload: Iterable[bytes] = (
        [data.encode("utf-8")]
        if isinstance(data, str)
        else [data]
        if isinstance(data, bytes)
        else (chunk if isinstance(chunk, bytes) else chunk.encode("utf-8") for chunk in data)
    )
    return lambda handle: handle.writelines(payload)


def _through(write: Writer, stream: BinaryIO) -> None:
    """``write`` into a stream that may not seek (a pipe, a terminal): by way of a temporary
    file, so that what it receives is the bytes a file would hold."""
    with tempfile.TemporaryFile() as spool:
        write(spool)
        spool.seek(0)
        shutil.copyfileobj(spool, stream, 1 << 20)


def _open_descriptor(target: Path) -> bool:
    """Whether ``target`` is a descriptor a process holds open (``/dev/stdout`` → /proc/…/fd/1).

    Replacing the file behind it would leave the holder writing to a deleted file.
    """
    return target.parts[:2] == ("/", "proc") and "fd" in target.parts


def _write_through(path: Path, write: Writer) -> None:
    """A device or pipe is written as it is: replacing it would break whatever reads it."""
    try:
        with open(path, "wb") as handle:
            _through(write, handle)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write: {exc.strerror}") from None


def _replace(
    path: Path,
    target: Path,
    write: Writer,
    info: os.stat_result | None,
    *,
    overwrite: bool,
) -> None:
    parent = target.parent
    if not parent.is_dir():
        raise UsageError(f"{path}: folder {path.parent} does not exist")
    remove_stale_temporaries(target)
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=f".{os.getpid()}{TMP_SUFFIX}", dir=parent
        )
    except OSError as exc:
        raise UsageError(f"{path}: cannot write here: {exc.strerror}") from None
    _PENDING.add(tmp)
    try:
        # mkstemp makes 0600: an existing file keeps its mode, a new one is an ordinary file.
        mode = stat.S_IMODE(info.st_mode) if info is not None else 0o666 & ~_umask()
        os.fchmod(fd, mode)
        if info is not None and hasattr(os, "geteuid") and os.geteuid() == 0:
            os.fchown(fd, info.st_uid, info.st_gid)
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        if not overwrite:
            os.link(tmp, target)
            os.unlink(tmp)
        else:
            os.replace(tmp, target)
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
    finally:
        _PENDING.discard(tmp)


#: Temporary files being written now: a signal handler removes them before the process ends.
_PENDING: set[str] = set()


def remove_pending_temporaries() -> None:
    """Remove the temporaries of writes in progress (called when a signal ends the run)."""
    for tmp in list(_PENDING):
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Remove the temporaries a killed run left beside ``target``; return what was removed.

    A temporary whose process is still running is another run's work in progress: kept.
    """
    removed: list[Path] = []
    try:
        candidates = list(target.parent.glob(f".{_glob_escape(target.name)}.*{TMP_SUFFIX}"))
    except OSError:
        return removed
    for candidate in candidates:
        pid_text = candidate.name[: -len(TMP_SUFFIX)].rpartition(".")[2]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            candidate.unlink()
            removed.append(candidate)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process: leave its file alone
    return True


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
