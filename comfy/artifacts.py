"""Downloading a prompt's output files to disk, refusing any name that could leave the data dir.

Layout: ``<data dir>/artifacts/<kind>/<job id>_<UTC timestamp>/<filename>``; recorded paths are relative to
the data dir so the directory can move.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import re
import threading
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Protocol

from comfy import errors
from comfy.events import OutputFile
from comfy.transport import HttpTransport

log = logging.getLogger(__name__)

VIEW_TYPES = frozenset({"output", "temp", "input"})
_SAFE_COMPONENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
FETCHES = 2  # a damaged file is fetched once more before the job gives up on it
WRITE_BATCH = 1 << 20  # bytes of a download kept in memory before a worker thread writes them

# The caller's proof that a saved file is whole (decoding it, say): the problem in words, or None.
OutputCheck = Callable[[Path, str], Awaitable[str | None]]
# What says a filesystem has no room left: full (ENOSPC), or the user's quota used up (EDQUOT).
NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT})


class WritableFile(Protocol):
    def write(self, data: bytes, /) -> int: ...

    def close(self) -> None: ...


# Opens a file for writing (called in a worker thread): the seam where the data dir's bytes are written.
FileOpener = Callable[[Path], WritableFile]


def open_for_writing(path: Path) -> WritableFile:
    return path.open("wb")


def is_out_of_room(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in NO_ROOM


def storage_error(exc: OSError, what: str) -> errors.StorageFailed:
    """DiskFull when the filesystem has no room left (the output can be fetched again later)."""
    if is_out_of_room(exc):
        return errors.DiskFull(f"{what}: {exc}")
    return errors.StorageFailed(f"{what}: {exc}")


@dataclass(frozen=True, slots=True)
class DownloadedOutput:
    """A downloaded output: where it is (relative to the data dir) and what the server said about it."""

    path: PurePosixPath
    mime: str
    size: int
    source: OutputFile


def check_output_name(file: OutputFile) -> None:
    """Refuse names with path separators, ``..``, absolute paths or an unknown type (UnsafeOutputName)."""
    name, subfolder = file.filename, file.subfolder
    reason = ""
    if not name or name in {".", ".."} or "\x00" in name:
        reason = "empty or special filename"
    elif "/" in name or "\\" in name:
        reason = "filename contains a path separator"
    elif ".." in name:
        reason = "filename contains '..'"
    elif re.match(r"^[A-Za-z]:", name):
        reason = "filename is a drive path"
    elif subfolder.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", subfolder) or "\x00" in subfolder:
        reason = "subfolder is absolute"
    elif ".." in re.split(r"[/\\]", subfolder):
        reason = "subfolder contains '..'"
    elif file.type not in VIEW_TYPES:
        reason = f"unknown output type {file.type!r}"
    if reason:
        raise errors.UnsafeOutputName(f"refused output {file.subfolder!r}/{file.filename!r}: {reason}")


def _check_component(value: str, what: str) -> None:
    if not _SAFE_COMPONENT.match(value) or ".." in value:
        raise ValueError(f"{what} {value!r} is not a safe directory name")


def _remove(target_dir: Path) -> None:
    """Every file of a job's own (freshly made, timestamped) directory, then the directory itself."""
    try:
        leftovers = list(target_dir.iterdir())
    except (FileNotFoundError, NotADirectoryError):  # never made: the first file failed before it was
        return
    for leftover in leftovers:
        if leftover.is_file():
            leftover.unlink(missing_ok=True)
    try:
        target_dir.rmdir()
    except OSError:  # something else is in it: leave it
        log.warning("could not remove %s", target_dir)


def remove_job_dir(data_dir: Path, saved: Sequence[DownloadedOutput]) -> None:
    """Everything a job's download left in its directory, and the directory (a failed save keeps nothing).
    Blocking: call it in a worker thread."""
    if saved:
        _remove(data_dir / Path(saved[0].path).parent)


class ArtifactStore:
    def __init__(self, data_dir: Path, *, open_file: FileOpener = open_for_writing) -> None:
        self.data_dir = data_dir
        self._open_file = open_file
        # Since start, for metrics: files fetched again because a copy was damaged, and files given up on.
        self.refetched = 0
        self.given_up = 0

    def job_dir(self, kind: str, job_id: str, now: datetime) -> PurePosixPath:
        _check_component(kind, "artifact kind")
        _check_component(job_id, "job id")
        return PurePosixPath("artifacts", kind, f"{job_id}_{now.astimezone(UTC):%Y%m%dT%H%M%S%fZ}")

    async def download(
        self,
        http: HttpTransport,
        files: Sequence[OutputFile],
        *,
        kind: str,
        job_id: str | int,
        now: datetime | None = None,
        check: OutputCheck | None = None,
    ) -> list[DownloadedOutput]:
        """Stream every file through GET /view into a fresh job directory. A file shorter than its
        Content-Length, or one ``check`` finds damaged, is fetched again once, then DamagedOutput. A job
        that fails keeps nothing: not a file, not its directory (a full disk leaves no empty folder)."""
        for file in files:
            check_output_name(file)  # all of them first: never keep half a job from a hostile server
        relative_dir = self.job_dir(kind, str(job_id), now or datetime.now(UTC))
        target_dir = self.data_dir / relative_dir  # made by the first file's write, in its thread trip
        artifacts: list[DownloadedOutput] = []
        taken: set[str] = set()
        try:
            for file in files:
                name = file.filename
                if name in taken:  # same name in two subfolders
                    name = f"{file.node_id}_{len(taken)}_{name}"
                taken.add(name)
                mime, size = await self._fetch(http, file, target_dir / name, check)
                artifacts.append(DownloadedOutput(relative_dir / name, mime, size, file))
                log.info("job_id=%s saved %s (%d bytes, %s)", job_id, relative_dir / name, size, mime)
        except BaseException:  # damaged, the disk full, the server gone, or the task cancelled
            # A failed job keeps no half result: not a file kept, checked or half-written, not the folder.
            await asyncio.to_thread(_remove, target_dir)
            raise
        return artifacts

    async def _fetch(
        self, http: HttpTransport, file: OutputFile, target: Path, check: OutputCheck | None
    ) -> tuple[str, int]:
        problem = ""
        for attempt in range(1, FETCHES + 1):
            try:
                mime, size = await self._stream(http, file, target)
                found = await check(target, mime) if check is not None else None
                if found is None:
                    return mime, size
                problem = found
            except errors.DamagedOutput as exc:
                problem = exc.detail
            await asyncio.to_thread(target.unlink, missing_ok=True)
            if attempt < FETCHES:
                self.refetched += 1
                log.warning("refetching damaged output %s: %s", file.filename, problem)
        self.given_up += 1
        raise errors.DamagedOutput(
            f"{file.filename} damaged after {FETCHES} fetches: {problem}",
            user_message=(
                f"ComfyUI sent a damaged file ({file.filename}) twice, so this result could not be kept. "
                "Please try again."
            ),
        )

    async def _stream(self, http: HttpTransport, file: OutputFile, target: Path) -> tuple[str, int]:
        part = _PartFile(self._open_file, target.with_name(target.name + ".part"))
        try:
            async with http.view(file) as download:
                async for chunk in download.chunks:
                    if part.add(chunk) >= WRITE_BATCH:
                        await asyncio.to_thread(part.flush)
                mime = download.content_type
                expected = download.expected_size
            await asyncio.to_thread(part.finish, target)
        except OSError as exc:
            await asyncio.to_thread(part.discard)
            raise storage_error(exc, f"cannot write {target}") from exc
        except BaseException:
            await asyncio.to_thread(part.discard)
            raise
        if expected is not None and part.size != expected:  # the caller removes the file
            raise errors.DamagedOutput(f"{file.filename}: {part.size} bytes read, Content-Length {expected}")
        return mime, part.size


class _PartFile:
    """A file being downloaded, written as ``<name>.part`` and renamed once whole. Chunks wait in memory
    until WRITE_BATCH bytes have come, so a picture costs one worker-thread trip (make the job's
    directory, open, write, close, rename) instead of one per step. The blocking methods run in a worker
    thread, one at a time: a task cancelled during a write discards the file only once the write is over,
    and nothing is written after."""

    def __init__(self, open_file: FileOpener, path: Path) -> None:
        self._open_file = open_file
        self.path = path
        self._handle: WritableFile | None = None
        self._waiting: list[bytes] = []
        self._waiting_size = 0
        self.size = 0
        self._lock = threading.Lock()
        self._discarded = False

    def add(self, chunk: bytes) -> int:
        """Keep ``chunk`` for the next write; the bytes now waiting."""
        self._waiting.append(chunk)
        self._waiting_size += len(chunk)
        self.size += len(chunk)
        return self._waiting_size

    def flush(self) -> None:
        with self._lock:
            self._write()

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

    def finish(self, target: Path) -> None:
        """The rest written, the file closed and renamed to ``target``."""
        with self._lock:
            self._write()
            handle, self._handle = self._handle, None
            if handle is None:  # discarded meanwhile
                return
            handle.close()
            os.replace(self.path, target)

    def discard(self) -> None:
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
