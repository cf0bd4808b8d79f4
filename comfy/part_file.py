"""One output file being downloaded: written as ``<name>.part``, renamed once whole and checked.

Its blocking writes run in worker threads, one trip at a time under one lock, so a task cancelled during
a write discards the file only once that write is over, and nothing is written after. A picture costs a
single trip: its bytes wait in memory (up to ``WRITE_BATCH``) and one trip makes the job's directory,
writes them, renames the file and has the caller's check decode them, with no read back from disk. The
check runs outside the lock: a download cancelled while a long one (a video's) runs cleans up at once,
as when the check had a trip of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar

log = logging.getLogger(__name__)

WRITE_BATCH = 1 << 20  # bytes of a download kept in memory before a worker thread writes them

# The caller's proof that a fetched file is whole (decoding it, say): the problem in words, or None.
# Blocking: it runs in the worker thread that wrote the file, after the rename, and is handed the file's
# bytes when the download held them all in memory (None for a file written in parts: read the path).
OutputCheck = Callable[[Path, str, bytes | None], str | None]

_T = TypeVar("_T")


class WritableFile(Protocol):
    def write(self, data: bytes, /) -> int: ...

    def close(self) -> None: ...


# Opens a file for writing (called in a worker thread): the seam where the data dir's bytes are written.
FileOpener = Callable[[Path], WritableFile]


def open_for_writing(path: Path) -> WritableFile:
    return _FileDescriptor(path)


class _FileDescriptor:
    """A file opened for writing as the OS gives it. Python's ``open()`` adds three system calls (an fstat,
    an isatty ioctl, an lseek) and a buffer the pieces written here would bypass anyway (a download's
    64 KiB chunks, a whole file): ~5 us of a worker thread's CPU a file, and three more times it gives
    the GIL up and must take it back from a busy event loop."""

    __slots__ = ("_fd",)

    def __init__(self, path: Path) -> None:
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)

    def write(self, data: bytes, /) -> int:
        view = memoryview(data)
        while view:  # a write can take less than it was given (as a full disk nears): the rest goes next
            view = view[os.write(self._fd, view) :]
        return len(data)

    def close(self) -> None:
        fd, self._fd = self._fd, -1
        if fd >= 0:
            os.close(fd)


class PartFile:
    def __init__(self, open_file: FileOpener, target: Path) -> None:
        self._open_file = open_file
        self.target = target
        self.path = target.with_name(target.name + ".part")
        self._handle: WritableFile | None = None
        self._waiting: list[bytes] = []
        self._waiting_size = 0
        self.size = 0
        self._lock = threading.Lock()
        self._discarded = False
        self._written = False  # some bytes went to disk before the last batch (then the check reads it)
        self._trips = False  # a worker thread was sent: the disk may hold something of it

    def add(self, chunk: bytes) -> None:
        """Keep ``chunk`` for the next write; over WRITE_BATCH bytes waiting, a trip writes them."""
        self._waiting.append(chunk)
        self._waiting_size += len(chunk)
        self.size += len(chunk)

    @property
    def batch_full(self) -> bool:
        return self._waiting_size >= WRITE_BATCH

    async def flush(self) -> None:
        await self._trip(self._flush)

    async def finish(self, mime: str, check: OutputCheck | None) -> str | None:
        """The rest written, the file closed, renamed to its target and checked: what ``check`` found
        wrong with it (the file then removed), or None."""
        return await self._trip(self._finish, mime, check)

    async def discard(self) -> None:
        """No file left, whole or part. Costs no trip when nothing was ever sent to the disk."""
        if self._trips:
            await asyncio.to_thread(self._discard)
        else:
            self._discarded = True

    async def _trip(self, work: Callable[..., _T], *args: object) -> _T:
        self._trips = True
        return await asyncio.to_thread(work, *args)

    def _flush(self) -> None:
        with self._lock:
            self._write()
            self._written = True

    def _write(self) -> None:
        if self._discarded:
            return
        if self._handle is None:
            # The job's directory is made here rather than in a thread trip of its own before.
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self._open_file(self.path)
        waiting, self._waiting, self._waiting_size = self._waiting, [], 0
        for chunk in waiting:
            self._handle.write(chunk)

    def _finish(self, mime: str, check: OutputCheck | None) -> str | None:
        with self._lock:
            whole = None
            if not self._written:  # all of it is here: one write, and the check needs no read back
                # bytes.join returns a lone chunk itself: a picture that came in one piece is not copied.
                whole = b"".join(self._waiting)
                self._waiting = [whole]
            self._write()
            handle, self._handle = self._handle, None
            if handle is None:  # discarded meanwhile
                return None
            handle.close()
            os.replace(self.path, self.target)
        problem = check(self.target, mime, whole) if check is not None else None
        if problem is not None:
            self.target.unlink(missing_ok=True)
        return problem

    def _discard(self) -> None:
        with self._lock:
            self._discarded = True
            handle, self._handle = self._handle, None
            try:
                if handle is not None:
                    handle.close()
            except OSError:  # closing a file on a full disk can fail: it goes all the same
                log.debug("closing %s failed", self.path, exc_info=True)
            # NotADirectoryError: the data dir is a file, so the part file was never made.
            with contextlib.suppress(NotADirectoryError):
                self.path.unlink(missing_ok=True)
