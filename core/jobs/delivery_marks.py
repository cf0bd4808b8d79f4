"""Recording that results reached their messages, several jobs to a database trip.

Every job ends with a mark that its result was delivered (or given up). The member has the result by then,
so the mark may wait a moment for others to share its trip: with a result every few milliseconds (eight busy
backends of turbo models), the marks are a third of a worker's transactions, and a trip of SQLite's thread
costs about as much CPU as the mark itself. A crash in that moment leaves the job "delivering": the next
start delivers it again, editing the message it already has (its ids are stored), as after a crash during
the delivery itself.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from db.enums import UNDELIVERED, DeliveryState
from db.units.jobs import JobStore
from db.units.outages import is_outage

log = logging.getLogger(__name__)

_RETRY_MAX_S = 2.0


@dataclass(slots=True)
class _Batch:
    job_ids: list[int] = field(default_factory=list)
    written: asyncio.Future[None] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class DeliveryMarks:
    def __init__(self, store: JobStore, *, window_s: float, backoff_s: float) -> None:
        self._store = store
        self._window_s = window_s  # how long the first mark of a batch waits for others
        self._backoff_s = backoff_s
        self._open: dict[DeliveryState, _Batch] = {}
        self._writing: set[asyncio.Task[None]] = set()

    async def record(self, job_id: int, state: DeliveryState) -> None:
        """Returns once the mark is written, through a database outage; raises any other error."""
        batch = self._open.get(state)
        if batch is None:
            batch = self._open[state] = _Batch()
            # Its own task, not the first caller's: one delivery cancelled must not drop the others' marks.
            task = asyncio.create_task(self._write_soon(state, batch), name=f"delivery-marks-{state.value}")
            self._writing.add(task)
            task.add_done_callback(self._writing.discard)
        batch.job_ids.append(job_id)
        await asyncio.shield(batch.written)

    async def _write_soon(self, state: DeliveryState, batch: _Batch) -> None:
        try:
            await asyncio.sleep(self._window_s)
        except asyncio.CancelledError:  # the process stops: its deliveries are made again at the next start
            batch.written.cancel()
            raise
        finally:
            del self._open[state]  # marks from now on go to the next batch
        try:
            await self._write(batch.job_ids, state)
        except Exception as error:
            batch.written.set_exception(error)
            batch.written.exception()  # retrieved here: the deliveries awaiting it may all have gone
        else:
            batch.written.set_result(None)

    async def _write(self, job_ids: list[int], state: DeliveryState) -> None:
        """Written through a database outage, which would otherwise leave the jobs "delivering" until the
        next start and their members given the results again."""
        delay = self._backoff_s
        while True:
            try:
                await self._store.mark_deliveries(job_ids, UNDELIVERED, state)
                return
            except Exception as error:
                if not is_outage(error):
                    raise
                log.warning(
                    "the database is away; recording %d deliveries again in %.1f s", len(job_ids), delay
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, _RETRY_MAX_S)
