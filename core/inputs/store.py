"""A job's input files kept under DATA_DIR, so they can be uploaded again after a restart or to another
backend without fetching them from Discord a second time.

Paths are relative to DATA_DIR (the folder can move) and named like the staged upload:
``inputs/<job id>/<role>-<sha256 prefix>.<extension of the decoded type>``. Writes go to a partial file
first and are renamed into place, so a crash never leaves a half-written input under the real name.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from core.inputs.facts import InputFacts
from core.inputs.staging import staged_location


class InputMissing(Exception):
    """A stored input is gone or no longer matches its checksum (the data folder was edited)."""


class InputStore:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    @staticmethod
    def relative_path(job_id: int, role: str, facts: InputFacts) -> PurePosixPath:
        _, name = staged_location(job_id, role, facts)
        return PurePosixPath("inputs", str(job_id), name)

    async def save(self, job_id: int, role: str, data: bytes, facts: InputFacts) -> PurePosixPath:
        """Keep ``data`` (already inspected into ``facts``); returns its path relative to DATA_DIR."""
        relative = self.relative_path(job_id, role, facts)
        await asyncio.to_thread(self._write, self.data_dir / relative, data)
        return relative

    async def load(self, relative: PurePosixPath, sha256: str) -> bytes:
        """The stored bytes, checked against the checksum recorded with them."""
        try:
            data = await asyncio.to_thread((self.data_dir / relative).read_bytes)
        except OSError as exc:
            raise InputMissing(f"input {relative} cannot be read: {exc}") from exc
        if hashlib.sha256(data).hexdigest() != sha256:
            raise InputMissing(f"input {relative} no longer matches its checksum")
        return data

    async def remove(self, paths: Iterable[PurePosixPath]) -> None:
        """Take kept files away again (a job that was not created after all); a folder left empty goes too."""
        await asyncio.to_thread(self._remove, [self.data_dir / relative for relative in paths])

    @staticmethod
    def _remove(targets: list[Path]) -> None:
        for target in targets:
            target.unlink(missing_ok=True)
            target.with_name(target.name + ".partial").unlink(missing_ok=True)
            with contextlib.suppress(OSError):  # not empty: another input of the job is still there
                target.parent.rmdir()

    @staticmethod
    def _write(target: Path, data: bytes) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        with partial.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, target)
