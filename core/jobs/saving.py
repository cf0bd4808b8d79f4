"""A finished job's results fetched from ComfyUI onto disk, waiting in "saving" while the disk is full.

ComfyUI keeps a finished prompt's files, so a full DATA_DIR need not lose the job: it stays running with its
prompt done, its member is told its result waits to be saved, and the fetch is tried again with back-off (at
once when the disk's probe finds room) until it fits. A restart meanwhile re-attaches to the finished prompt
and the job saves from there. ComfyUI away meanwhile is waited for too (its output folder keeps the files);
only ComfyUI no longer serving them fails the job, in plain words.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from comfy import errors, events
from core.jobs.disk_space import DiskSpace
from core.jobs.queue_settings import QueueSettings
from core.jobs.runner import ActiveJob, JobRunner
from core.jobs.updates import JobSetback, Setback
from db.schemas import ArtifactCreate
from db.units.jobs import JobStore

log = logging.getLogger(__name__)

GONE = (
    "Your result was made, but the bot's disk was full, and by the time there was room again ComfyUI no "
    "longer had it. Please try again."
)


class Saving:
    def __init__(
        self, *, runner: JobRunner, disk: DiskSpace, store: JobStore, settings: QueueSettings
    ) -> None:
        self._runner = runner
        self._disk = disk
        self._store = store
        self._settings = settings

    async def collect(self, active: ActiveJob, completed: events.Completed) -> list[ArtifactCreate] | None:
        """The job's results saved and described; None if the job was cancelled while it waited for room.
        Raises the ComfyError of any other failure (ComfyUI lost the files, a damaged file...)."""
        job_id = active.job.id
        attempt = away = 0
        try:
            while True:
                try:
                    records = await self._runner.collect(active, completed)
                except errors.DiskFull as exc:
                    attempt += 1
                    self._disk.ran_out(exc.detail)
                    if attempt == 1:
                        await self._waiting(active, exc)
                    if await self._wait(active, attempt):
                        return None
                    continue
                except (errors.BackendUnavailable, errors.TimedOut) as exc:
                    away += 1
                    if not attempt or away >= self._settings.max_attempts:
                        raise
                    log.warning("its server is away while it waits to be saved: %s", exc.detail)
                    if await self._wait(active, attempt + away):
                        return None
                    continue
                except errors.ComfyError as exc:
                    if attempt and not isinstance(exc, errors.DamagedOutput):
                        raise errors.StorageFailed(exc.detail, user_message=GONE) from exc
                    raise
                self._disk.has_room()
                if attempt:
                    log.info("saved after %d tries while the disk was full", attempt + 1)
                return records
        finally:
            self._disk.saved(job_id)

    async def _waiting(self, active: ActiveJob, exc: errors.DiskFull) -> None:
        """The job enters "saving": recorded in its life, and its member told (both best effort)."""
        job = active.job
        self._disk.saving(job.id)
        log.warning("finished, waiting for room to save its results: %s", exc.detail)
        try:
            await self._store.record_event(job.id, "saving", {"detail": exc.detail[:500]})
        except Exception:
            log.exception("could not record that it waits to be saved")
        update = JobSetback(Setback.DISK_FULL, self._runner.clocks.elapsed_s(job.id))
        try:
            await self._runner.observer.job_updated(job, update)
        except Exception:
            log.exception("saving update failed")

    async def _wait(self, active: ActiveJob, attempt: int) -> bool:
        """Until the next try (the back-off doubles up to its cap, or a nudge comes); True if cancelled."""
        delay = min(self._settings.save_retry_s * 2 ** (attempt - 1), self._settings.save_retry_max_s)
        wake = self._disk.saving(active.job.id)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), delay)
        wake.clear()
        return active.cancel_requested
