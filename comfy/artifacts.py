"""Downloading a prompt's output files to disk, refusing any name that could leave the data dir.

Layout: ``<data dir>/artifacts/<kind>/<job id>_<UTC timestamp>/<filename>``; recorded paths are relative to
the data dir so the directory can move.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from comfy import errors
from comfy.events import OutputFile
from comfy.part_file import FileOpener as FileOpener
from comfy.part_file import OutputCheck as OutputCheck
from comfy.part_file import PartFile
from comfy.part_file import WritableFile as WritableFile
from comfy.part_file import open_for_writing as open_for_writing
from comfy.transport import HttpTransport

log = logging.getLogger(__name__)

VIEW_TYPES = frozenset({"output", "temp", "input"})
_SAFE_COMPONENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
FETCHES = 2  # a damaged file is fetched once more before the job gives up on it
# What says a filesystem has no room left: full (ENOSPC), or the user's quota used up (EDQUOT).
NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT})


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
        problem: str | None = ""
        for attempt in range(1, FETCHES + 1):
            try:
                mime, size, problem = await self._stream(http, file, target, check)
                if problem is None:
                    return mime, size
            except errors.DamagedOutput as exc:
                problem = exc.detail
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

    async def _stream(
        self, http: HttpTransport, file: OutputFile, target: Path, check: OutputCheck | None
    ) -> tuple[str, int, str | None]:
        """(mime, size, what is wrong with the file or None): a damaged one is not kept."""
        part = PartFile(self._open_file, target)
        try:
            async with http.view(file) as download:
                async for chunk in download.chunks:
                    part.add(chunk)
                    if part.batch_full:
                        await part.flush()
                mime = download.content_type
                expected = download.expected_size
            if expected is not None and part.size != expected:
                await part.discard()
                return mime, part.size, f"{file.filename}: {part.size} bytes read, Content-Length {expected}"
            return mime, part.size, await part.finish(mime, check)
        except OSError as exc:
            await part.discard()
            raise storage_error(exc, f"cannot write {target}") from exc
        except BaseException:
            await part.discard()
            raise
