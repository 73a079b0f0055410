"""Where a report's per-result parts wait until the report is written: in memory, or spilled.

A report file is assembled from the parts each result contributes (its
Markdown section, its SARIF results, its JUnit suite ...) and from what needs
the whole batch (headers, counts, the gate's verdict), worked out from small
tallies kept as the results arrive. The parts are kept in ``Parts``: a list
for a report kept whole (``kept``), or an anonymous temporary file for a
large batch (``spilled``), so that memory does not grow with the batch: only
an offset a part stays in memory.

Both hold any picklable value and give them back in order, or by position.
"""

from __future__ import annotations

import pickle
import tempfile
import weakref
import zlib
from abc import abstractmethod
from array import array
from collections.abc import Iterator, Sequence
from typing import IO, Any, Generic, Protocol, TypeVar, overload

T = TypeVar("T")


class Parts(Sequence[T], Generic[T]):
    """The parts of one kind, in the order they were added."""

    @abstractmethod
    def append(self, item: T) -> None:
        """Add ``item`` after the others."""


class Kept(Parts[T]):
    """Parts kept as they are, in memory."""

    def __init__(self) -> None:
        self._items: list[T] = []

    def append(self, item: T) -> None:
        self._items.append(item)

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...
    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        return self._items[index]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[T]:
        return iter(self._items)


class Spilled(Parts[T]):
    """Parts written, pickled (and compressed, when asked), to an anonymous temporary file as
    they are added; only each one's offset stays in memory. Read back one part at a time."""

    def __init__(self, *, compress: bool = False) -> None:
        #: Whether parts are compressed: large ones in a large batch. A report's pieces come
        #: compressed already where that pays (``seal``), and a small part (a listing line, a
        #: summary row: a few hundred bytes) shrank by 5 to 20 bytes for the 20 microseconds
        #: a call to zlib takes to set itself up.
        self._level = 1 if compress else 0
        self._file: IO[bytes] | None = None
        #: Where each part starts, and (last) where the file ends.
        self._offsets = array("q", [0])

    def _handle(self) -> IO[bytes]:
        if self._file is None:
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed with the store
            # Closed (and so removed) when the store is dropped, however the run ends.
            weakref.finalize(self, self._file.close)
        return self._file

    def append(self, item: T) -> None:
        data = pickle.dumps(item, pickle.HIGHEST_PROTOCOL)
        if self._level:
            data = zlib.compress(data, self._level)
        handle = self._handle()
        handle.seek(self._offsets[-1])
        handle.write(data)
        self._offsets.append(self._offsets[-1] + len(data))

    def _read(self, index: int) -> T:
        handle = self._handle()
        start, end = self._offsets[index], self._offsets[index + 1]
        handle.seek(start)
        item: T = pickle.loads(self._decompress(handle.read(end - start)))
        return item

    def _decompress(self, data: bytes) -> bytes:
        return zlib.decompress(data) if self._level else data

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...
    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        if isinstance(index, slice):
            return _Slice(self, range(len(self))[index])
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._read(index)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __iter__(self) -> Iterator[T]:
        # Read in blocks: one seek and one read for many parts.
        count = len(self)
        index = 0
        while index < count:
            stop = min(count, index + 256)
            handle = self._handle()
            base = self._offsets[index]
            handle.seek(base)
            block = handle.read(self._offsets[stop] - base)
            for n in range(index, stop):
                start, end = self._offsets[n] - base, self._offsets[n + 1] - base
                yield pickle.loads(self._decompress(block[start:end]))
            index = stop

    def close(self) -> None:
        """Remove the file now (the parts are gone)."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self._offsets = array("q", [0])


class _Slice(Sequence[T]):
    """A range of a spilled store's parts, read at each access."""

    def __init__(self, parts: Spilled[T], positions: range) -> None:
        self._parts = parts
        self._positions = positions

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...
    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        if isinstance(index, slice):
            return _Slice(self._parts, self._positions[index])
        return self._parts[self._positions[index]]

    def __len__(self) -> int:
        return len(self._positions)


def kept(*, compress: bool = False) -> Parts[Any]:  # noqa: ARG001 - for spilled stores
    """An empty store in memory."""
    return Kept()


def spilled(*, compress: bool = False) -> Parts[Any]:
    """An empty store on disk; ``compress`` for large parts not compressed already."""
    return Spilled(compress=compress)


class Shelf(Protocol):
    """Makes an empty store of parts: ``kept`` or ``spilled``."""

    def __call__(self, *, compress: bool = False) -> Parts[Any]: ...


def newline_joined(lines: list[str]) -> str:
    """``lines`` as one piece of text, each ending in a newline."""
    return "".join(line + "\n" for line in lines)


#: A piece's text as it crosses from where it is made to where it is written: compressed
#: (bytes) in a large batch, whose spilled pieces would otherwise fill the temporary
#: folder, else the text itself (``seal``).
Sealed = bytes | str


def seal(text: str, compress: bool = False) -> Sealed:
    """A piece's text, compressed where it is made (in a worker) when ``compress``, so that it
    crosses to the main process, and is spilled there, as it is.

    Compressing costs the workers about a sixth of the time they take to render a result:
    a batch does it only when its spilled pieces would be large (``batch.COMPRESSED_FROM``).
    """
    return zlib.compress(text.encode("utf-8"), 1) if compress else text


def unseal(data: Sealed) -> str:
    """The text of a sealed piece, compressed or not."""
    return data if isinstance(data, str) else zlib.decompress(data).decode("utf-8")


def seal_utf8(data: bytes, compress: bool = False) -> bytes:
    """A piece already in UTF-8 (a result's JSON), sealed as ``seal`` seals text."""
    return zlib.compress(data, 1) if compress else data


def unseal_utf8(data: bytes, compressed: bool) -> bytes:
    """The UTF-8 of a piece ``seal_utf8`` sealed, ``compressed`` or not."""
    return zlib.decompress(data) if compressed else data
