"""A job's input files kept under DATA_DIR, so they can be uploaded again after a restart or to another
backend without fetching them from Discord a second time.

Paths are relative to DATA_DIR (the folder can move) and named like the staged upload:
``inputs/<job id>/<role>-<sha256 prefix>.<extension of the decoded type>``. Writes go to a partial file
first and are renamed into place, so a crash never leaves a half-written input under the real name.

A request's file can be written before its job exists (``receive``: under ``inputs/incoming/``, while the
file is being decoded) and moved under its job's name once the job is created (``adopt``); what a crash
leaves in ``incoming/`` is cleared at the next start. The bytes of the inputs kept last stay in memory for
a while, so the job's first post uploads them without reading and checksumming them again.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import hashlib
import logging
import os
import time
import uuid
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from comfy.artifacts import FileOpener, open_for_writing
from core.inputs.facts import InputFacts
from core.inputs.staging import staged_location

log = logging.getLogger(__name__)

INCOMING = PurePosixPath("inputs", "incoming")
RECENT_BYTES = 64 * 1024 * 1024  # the memory kept for the inputs' first posts (a few large files)


class InputMissing(Exception):
    """A stored input is gone or no longer matches its checksum (the data folder was edited)."""


class InputStore:
    def __init__(
        self, data_dir: Path, *, recent_bytes: int = RECENT_BYTES, open_file: FileOpener = open_for_writing
    ) -> None:
        self.data_dir = data_dir
        self._open_file = open_file  # where the bytes are written (a test fills the disk through it)
        self._recent: collections.OrderedDict[PurePosixPath, bytes] = collections.OrderedDict()
        self._recent_bytes = recent_bytes

    @staticmethod
    def relative_path(job_id: int, role: str, facts: InputFacts) -> PurePosixPath:
        _, name = staged_location(job_id, role, facts)
        return PurePosixPath("inputs", str(job_id), name)

    async def save(self, job_id: int, role: str, data: bytes, facts: InputFacts) -> PurePosixPath:
        """Keep ``data`` (already inspected into ``facts``); returns its path relative to DATA_DIR."""
        relative = self.relative_path(job_id, role, facts)
        await asyncio.to_thread(_write, self.data_dir / relative, data, self._open_file)
        self._remember(relative, data)
        return relative

    async def receive(self, data: bytes) -> PurePosixPath:
        """Write a file no job owns yet (it is adopted as is); its path relative to DATA_DIR."""
        relative = INCOMING / uuid.uuid4().hex
        await asyncio.to_thread(_write, self.data_dir / relative, data, self._open_file)
        return relative

    async def adopt(
        self, incoming: PurePosixPath, job_id: int, role: str, data: bytes, facts: InputFacts
    ) -> PurePosixPath:
        """Move a received file under its job's name (``data``, its content, is remembered for the first
        post); returns the new path relative to DATA_DIR."""
        relative = self.relative_path(job_id, role, facts)
        await asyncio.to_thread(_move, self.data_dir / incoming, self.data_dir / relative)
        self._remember(relative, data)
        return relative

    async def load(self, relative: PurePosixPath, sha256: str) -> bytes:
        """The stored bytes, checked against the checksum recorded with them (bytes kept in memory since
        they were written are those very bytes, checksummed when they were inspected)."""
        recent = self._recent.pop(relative, None)
        if recent is not None:
            return recent
        return await asyncio.to_thread(_read_checked, self.data_dir / relative, relative, sha256)

    async def remove(self, paths: Iterable[PurePosixPath]) -> None:
        """Take kept files away again (a job that was not created after all); a folder left empty goes too."""
        targets = []
        for relative in paths:
            self._recent.pop(relative, None)
            targets.append(self.data_dir / relative)
        await asyncio.to_thread(_remove, targets, self.data_dir / INCOMING)

    async def clear_incoming(self, *, older_than_s: float) -> int:
        """Remove received files that no job adopted (a crash between writing and creating the job); only
        old ones: another worker sharing DATA_DIR may be creating a job right now."""
        return await asyncio.to_thread(_clear_old, self.data_dir / INCOMING, time.time() - older_than_s)

    def _remember(self, relative: PurePosixPath, data: bytes) -> None:
        if len(data) > self._recent_bytes:
            return
        self._recent[relative] = data
        while sum(len(kept) for kept in self._recent.values()) > self._recent_bytes:
            self._recent.popitem(last=False)


# Blocking helpers: run in a thread.


def _write(target: Path, data: bytes, open_file: FileOpener) -> None:
    # No fsync, as for artifacts (comfy.artifacts): the rename makes a process crash leave the whole file
    # or none. A power cut may still lose a file just written; its job then fails kindly when posted (the
    # checksum no longer matches: InputMissing), instead of every request waiting on the disk (an fsync of
    # 10 MB took 20 to 150 ms on this machine, the longest step of taking a picture in).
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    try:
        handle = open_file(partial)
        try:
            handle.write(data)
        finally:
            handle.close()
        os.replace(partial, target)
    except BaseException:  # a full disk, say: nothing half-written stays behind
        partial.unlink(missing_ok=True)
        raise


def _move(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, target)


def _read_checked(path: Path, relative: PurePosixPath, sha256: str) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputMissing(f"input {relative} cannot be read: {exc}") from exc
    if hashlib.sha256(data).hexdigest() != sha256:
        raise InputMissing(f"input {relative} no longer matches its checksum")
    return data


def _remove(targets: list[Path], incoming: Path) -> None:
    for target in targets:
        target.unlink(missing_ok=True)
        target.with_name(target.name + ".partial").unlink(missing_ok=True)
        if target.parent == incoming:
            # Shared by every request: one being received right now would find its folder gone between
            # making it and writing into it (an AVIF's original removed while its PNG was written).
            continue
        with contextlib.suppress(OSError):  # not empty: another input of the job is still there
            target.parent.rmdir()


def _clear_old(folder: Path, before: float) -> int:
    removed = 0
    for path in folder.glob("*") if folder.is_dir() else ():
        with contextlib.suppress(OSError):  # gone meanwhile: adopted or cleared by another worker
            if path.stat().st_mtime < before:
                path.unlink()
                removed += 1
    if removed:
        log.info("cleared %d input files left by a request that never became a job", removed)
    return removed
