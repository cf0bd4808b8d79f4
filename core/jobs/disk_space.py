"""Whether DATA_DIR has room for results: learned from the artifact writer, reported once, then probed.

A full disk loses nothing: a finished job's outputs stay on ComfyUI while the job waits in "saving"
(core/jobs/saving.py) and its fetch is retried; new jobs stay queued instead of running for nothing. The
operator hears of it once, when it fills (an error line; the metrics, `/healthz` and `check` show it while
it lasts), and once more when there is room again.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from comfy.artifacts import FileOpener, is_out_of_room, open_for_writing

log = logging.getLogger(__name__)

PROBE_NAME = ".room-probe"
PROBE_BYTES = 1 << 20  # room for this much, at least, before anything is fetched again


def probe_room(data_dir: Path, open_file: FileOpener = open_for_writing) -> OSError | None:
    """Write (and remove) a small file in `data_dir`: the error that stopped it, or None if it fitted.
    Blocking: call it in a worker thread."""
    probe = data_dir / PROBE_NAME
    try:
        handle = open_file(probe)
        try:
            handle.write(bytes(PROBE_BYTES))
        finally:
            handle.close()
    except OSError as exc:
        return exc
    finally:
        probe.unlink(missing_ok=True)
    return None


class DiskSpace:
    def __init__(self, data_dir: Path, *, open_file: FileOpener = open_for_writing) -> None:
        self._data_dir = data_dir
        self._open_file = open_file
        self.full = False
        self.detail = ""  # what the writer said when it ran out of room
        self.since: datetime | None = None
        self._saving: dict[int, asyncio.Event] = {}  # the jobs waiting to save, and what wakes each
        # Free bytes when the probe last woke them: it wakes them again only once more is free, so a result
        # bigger than the room a probe file finds waits on its back-off instead of being fetched every turn.
        self._free_when_nudged: int | None = None
        self._listeners: list[Callable[[], None]] = []

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call `listener` whenever the disk becomes full or has room again (the dispatcher wakes)."""
        self._listeners.append(listener)

    def ran_out(self, detail: str) -> None:
        """A write found no room. Reported the first time only: every retry after it says the same."""
        if self.full:
            return
        self.full, self.detail, self.since = True, detail, datetime.now(UTC)
        log.error(
            "DATA_DIR %s is full (%s): finished jobs wait to be saved and new jobs wait in the queue until "
            "there is room (fix: free space on that filesystem, or give it more)",
            self._data_dir,
            detail,
        )
        self._changed()

    def has_room(self) -> None:
        """A result was saved (or the probe fitted while no job waits): new jobs may run again."""
        if not self.full:
            return
        log.info("DATA_DIR %s has room again: saving and running jobs", self._data_dir)
        self.full, self.detail, self.since = False, "", None
        self._free_when_nudged = None
        self._changed()

    def _changed(self) -> None:
        for listener in self._listeners:
            listener()

    # -- the jobs waiting to save --------------------------------------------------------------------

    @property
    def saving_count(self) -> int:
        return len(self._saving)

    def is_saving(self, job_id: int) -> bool:
        return job_id in self._saving

    def saving(self, job_id: int) -> asyncio.Event:
        """The job waits for room to save its results; the event is set when it should try again early."""
        return self._saving.setdefault(job_id, asyncio.Event())

    def saved(self, job_id: int) -> None:
        """The job no longer waits (saved, failed or cancelled)."""
        self._saving.pop(job_id, None)

    def nudge(self, job_id: int | None = None) -> None:
        """Wake one waiting job (cancelled, say), or all of them (the probe found room)."""
        for waiting, wake in self._saving.items():
            if job_id is None or waiting == job_id:
                wake.set()

    async def probe(self) -> None:
        """One turn of the watch while the disk is full: when a small file fits again, the waiting jobs try
        at once (the first one saved says there is room); with none waiting, new jobs may run."""
        if not self.full:
            return
        problem = await asyncio.to_thread(probe_room, self._data_dir, self._open_file)
        if problem is not None:
            if not is_out_of_room(problem):
                log.warning("cannot probe DATA_DIR %s for room: %s", self._data_dir, problem)
            return
        if not self._saving:
            self.has_room()
            return
        free = (await asyncio.to_thread(shutil.disk_usage, self._data_dir)).free
        if self._free_when_nudged is None or free > self._free_when_nudged:
            self._free_when_nudged = free
            self.nudge()
