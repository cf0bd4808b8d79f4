"""Telling waiting prompts their place in the server's queue, read from GET /queue when it changes."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from background.one_at_a_time import OneAtATime
from background.tasks import BackgroundTasks
from comfy import errors, events, protocol
from comfy.run import PromptRun
from comfy.transport import HttpTransport

log = logging.getLogger(__name__)


def push_position(run: PromptRun, snapshot: protocol.QueueSnapshot) -> None:
    """Tell a waiting run its place in the queue, once per change."""
    position = snapshot.position(run.prompt_id)
    if position is None or run.started or run.done or position == run.position:
        return
    run.position = position
    run.push(events.Queued(run.prompt_id, position, snapshot.remaining))


class QueuePositions:
    """Reads the queue at most once at a time; a change that arrives meanwhile makes it read once more."""

    def __init__(
        self,
        http: HttpTransport,
        runs: Callable[[], Iterable[PromptRun]],
        tasks: BackgroundTasks,
        *,
        backend: str,
    ) -> None:
        self._http = http
        self._runs = runs
        self._backend = backend
        self._reader = OneAtATime(self._update, tasks, name=f"comfy-queue-{backend}")

    def refresh(self) -> None:
        if any(run.accepted and not run.started for run in self._runs()):
            self._reader.ask()

    async def _update(self) -> None:
        try:
            snapshot = await self._http.queue()
        except errors.ComfyError as exc:
            log.warning("%s: cannot read the queue: %s", self._backend, exc.detail)
            return
        for run in list(self._runs()):
            push_position(run, snapshot)
