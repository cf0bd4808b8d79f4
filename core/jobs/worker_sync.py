"""Several workers on one Postgres: each keeps its copy of the queue in step with the others' messages.

A message can be missed (the listening connection was down for a moment), so the copy is also compared with
the database now and then, and at once after the listener reconnects.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection, Coroutine
from typing import Any

from background.loops import supervise
from background.tasks import BackgroundTasks
from core.jobs.scheduler import Scheduler
from db.notify import JobListener
from db.snapshots import QueuedJob
from db.units.backend_news import BackendNews
from db.units.jobs import JobStore
from db.units.outages import outage_note
from db.worker_messages import (
    BackendNodesChangedMessage,
    CancelRequestedMessage,
    JobGoneMessage,
    JobHandedOverMessage,
    JobQueuedMessage,
    PolicyChangedMessage,
    WorkflowsChangedMessage,
    read,
)

log = logging.getLogger(__name__)

LISTEN_WAIT_S = 5.0


class WorkerSync:
    def __init__(
        self,
        *,
        worker_id: str,
        store: JobStore,
        scheduler: Scheduler,
        tasks: BackgroundTasks,
        enqueue: Callable[[QueuedJob], None],
        is_running_here: Callable[[int], bool],
        cancel: Callable[[int, int | None], Coroutine[Any, Any, object]],
        take_over: Callable[[], Coroutine[Any, Any, None]],
        news: BackendNews | None = None,
    ) -> None:
        self._worker_id = worker_id
        self._store = store
        self._scheduler = scheduler
        self._tasks = tasks
        self._enqueue = enqueue
        self._is_running_here = is_running_here
        self._cancel = cancel
        self._take_over = take_over
        self._news = news
        # Reads the workflows added from Discord again; set by the runtime, which builds them afterwards.
        self.reload_workflows: Callable[[], Awaitable[None]] | None = None
        # Reads the named backends' nodes again (None: every backend's), then what each can run.
        self.read_nodes_again: Callable[[Collection[str] | None], Awaitable[None]] | None = None
        # False in a gateway process: it keeps the copy of the queue but never takes a job over.
        self.takes_jobs = True
        # Another worker took a queued job (or ended it): the front-end stops telling its place here.
        self.taken_elsewhere: Callable[[int], None] = lambda job_id: None
        # Another process changed a guild's policy: our copy of it is dropped (set by the runtime).
        self.policy_changed: Callable[[int], None] = lambda guild_id: None

    def on_message(self, received: dict[str, Any]) -> None:
        message = read(received)
        if message is None or message.sender == self._worker_id:
            return
        if isinstance(message, JobQueuedMessage):
            entry = QueuedJob(
                message.job_id,
                message.guild_id,
                message.user_id,
                message.workflow_name,
                tuple(message.model_needs),
            )
            self._enqueue(entry)
        elif isinstance(message, JobGoneMessage):
            if self._scheduler.is_waiting(message.job_id):
                self._scheduler.remove(message.job_id)
            if not self._is_running_here(message.job_id):
                self.taken_elsewhere(message.job_id)
        elif isinstance(message, CancelRequestedMessage) and self._is_running_here(message.job_id):
            self._tasks.spawn(
                self._cancel(message.job_id, message.by_user_id), name=f"cancel-{message.job_id}"
            )
        elif isinstance(message, WorkflowsChangedMessage):
            self.reload_workflows_soon()
        elif isinstance(message, BackendNodesChangedMessage):
            self.read_nodes_again_soon(message.backends)
        elif isinstance(message, PolicyChangedMessage):
            self.policy_changed(message.guild_id)
        elif isinstance(message, JobHandedOverMessage) and self.takes_jobs:
            # Not at the next lease turn (a third of a lease away): the job's prompt is running now.
            self._tasks.spawn(
                supervise("taking over a handed-over job", self._take_over, expected=outage_note),
                name=f"take-over-{message.job_id}",
            )

    def reload_workflows_soon(self) -> None:
        """Another worker added or removed a workflow from Discord: read them all again."""
        if self.reload_workflows is not None:
            self._tasks.spawn(
                supervise("reloading the workflows", self.reload_workflows, expected=outage_note),
                name="dispatcher-workflows-now",
            )

    def read_nodes_again_soon(self, backends: Collection[str] | None) -> None:
        read = self.read_nodes_again
        if read is not None:
            self._tasks.spawn(
                supervise("reading the backends' nodes again", lambda: read(backends)),
                name="dispatcher-nodes-again",
            )

    def tell_nodes_changed(self, backends: list[str]) -> None:
        """We read these backends again and they offer other nodes or models: the other processes are told
        (a gateway would not notice a restart between two of its health checks)."""
        news = self._news
        if news is not None:
            self._tasks.spawn(
                supervise(
                    "telling of the backends' new nodes",
                    lambda: news.nodes_changed(backends),
                    expected=outage_note,
                ),
                name="dispatcher-nodes-news",
            )

    def listener(self, database_url: str, *, lead: bool) -> JobListener:
        """The connection that hears the other workers (and, with `lead`, competes to lead them)."""
        return JobListener(database_url, self.on_message, on_reconnect=self.resync_soon, lead=lead)

    def resync_soon(self) -> None:
        """After the listener reconnects: messages may have been missed while it was away."""
        self.reload_workflows_soon()
        self.read_nodes_again_soon(None)
        self._tasks.spawn(
            supervise("resyncing the queue", self.resync, expected=outage_note), name="dispatcher-resync-now"
        )

    async def resync(self) -> None:
        """Make our copy of the queue (and of the stored workflows) match the database (a message may
        have been missed)."""
        if self.reload_workflows is not None:
            await self.reload_workflows()
        # Only jobs queued before the read may be dropped: one enqueued meanwhile is not in the answer yet.
        known_before = self._scheduler.waiting_ids() | self._scheduler.parked_ids()
        entries = {entry.job_id: entry for entry in await self._store.queued_jobs()}
        for job_id in known_before - entries.keys():
            self._scheduler.remove(job_id)
        for entry in entries.values():
            if not self._scheduler.is_waiting(entry.job_id):
                self._enqueue(entry)


async def until_listening(listener: JobListener) -> None:
    """A started worker hears every message sent after `start` returns (a hand-over from a worker that stops
    right then, say); a database slow to answer only delays that, the resync catches up."""
    try:
        await asyncio.wait_for(listener.connected.wait(), LISTEN_WAIT_S)
    except TimeoutError:
        log.warning("not listening to the other workers yet; the periodic resync covers until then")
