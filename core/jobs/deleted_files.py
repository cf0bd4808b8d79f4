"""Deleted results leave DATA_DIR after a grace period: a supervised background sweep removes their files,
the results and the inputs the job was given (kept under inputs/ to be uploaded again) alike.

The grace period lets a manager still look at (or restore from a backup) what was deleted by mistake; after
it, the files are gone from this machine, which is what a member who deletes a result expects.
"""

from __future__ import annotations

import asyncio
import collections
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

from background.log_context import log_context
from background.loops import supervise
from background.tasks import BackgroundTasks
from db.units.deleted_results import DeletedResults
from db.units.outages import outage_note

log = logging.getLogger(__name__)

LONGEST_INTERVAL_S = 3600.0
SHORTEST_INTERVAL_S = 0.05
RECENTLY_KEPT = 1000


class DeletedFilesSweep:
    def __init__(self, deletions: DeletedResults, data_dir: Path, *, grace_s: float) -> None:
        self._deletions = deletions
        self._data_dir = data_dir
        self._grace = timedelta(seconds=grace_s)
        # Often enough that a file outlives its grace period by at most half of it (and an hour at most).
        self._interval_s = min(max(grace_s / 2, SHORTEST_INTERVAL_S), LONGEST_INTERVAL_S)
        self._tasks = BackgroundTasks("deleted-files")
        # The event "these jobs' files are gone", for whoever waits on it (tests, an admin command).
        self._recently_removed: collections.deque[int] = collections.deque(maxlen=RECENTLY_KEPT)
        self._changed = asyncio.Condition()

    def start(self) -> None:
        sweeping = supervise("removing deleted results' files", self._loop, expected=outage_note)
        self._tasks.spawn(sweeping, name="deleted-files-sweep")

    async def close(self) -> None:
        await self._tasks.close()

    async def sweep(self) -> list[int]:
        """Remove the files of every deleted result past its grace period; the jobs whose files went."""
        due = await self._deletions.files_due(deleted_before=datetime.now(UTC) - self._grace)
        removed: list[int] = []
        for item in due:
            count = await asyncio.to_thread(_remove_files, self._data_dir, item.paths)
            await self._deletions.files_removed(item.job_id)
            with log_context(job_id=item.job_id):
                log.info("deleted result: %d files removed from the data folder", count)
            removed.append(item.job_id)
        if removed:
            async with self._changed:
                self._recently_removed.extend(removed)
                self._changed.notify_all()
        return removed

    async def wait_removed(self, job_id: int) -> None:
        """Until the sweep has removed this job's files (it must be among the last RECENTLY_KEPT)."""
        async with self._changed:
            await self._changed.wait_for(lambda: job_id in self._recently_removed)

    async def _loop(self) -> None:
        while True:
            await self.sweep()
            await asyncio.sleep(self._interval_s)


def _remove_files(data_dir: Path, paths: tuple[str, ...]) -> int:
    """Blocking: run in a thread. Only files inside DATA_DIR are touched; a folder left empty goes too."""
    root = data_dir.resolve()
    removed = 0
    for relative in paths:
        path = (root / relative).resolve()
        if not path.is_relative_to(root) or path == root:
            log.warning("not removing %s: it is outside the data folder", relative)
            continue
        if path.is_file():
            path.unlink()
            removed += 1
        folder = path.parent
        if folder != root and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return removed
