"""One submitted prompt as the caller sees it: an async stream of typed events ending in a terminal one."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import AsyncGenerator, Callable, Mapping
from typing import Any

from comfy import errors, events

log = logging.getLogger(__name__)


# Events that say how far something has come replace an older one of their kind the consumer has not taken
# yet: progress_state lists every node each time (one key for all), progress and previews only ever move on
# (a key per node). ComfyUI sends them at every sampler step, with ~36 frames a job. Events are told apart
# by their exact type (each is a final class): cheaper than isinstance on the path every frame takes.
_NODE_STATES = (events.NodeStates, "")
# Told to the consumer at once whatever the pace: when the prompt began, and that its server went away.
_URGENT = frozenset({events.Started, events.BackendAway})
_TERMINAL = frozenset(events.TERMINAL_EVENTS)


class PromptRun:
    """Events for one prompt id. Fed by the client, consumed by ``async for event in run``.

    The stream ends after a terminal event (Completed, Failed, Interrupted). If the backend is lost
    the iteration raises BackendUnavailable (or PromptLost), which means the prompt did not finish.

    Events come in order. A progress, node-states or preview event the consumer has not taken yet is
    replaced by a newer one of its kind and node. With ``pace_s`` the consumer is woken at most that often
    (the first event after a quiet spell at once, the rest at the end of the spell, all together), except
    for the terminal event, Started and BackendAway: a consumer that only shows progress then does its
    work a few times a second, not at every sampler step.
    """

    def __init__(
        self,
        prompt_id: str,
        workflow: Mapping[str, Any],
        *,
        loop_time: Callable[[], float],
        max_waiting_previews: int = 8,
        pace_s: float = 0.0,
    ) -> None:
        self.prompt_id = prompt_id
        self.accepted = False  # POST /prompt answered 200
        self.started = False  # the server said so (execution_start)
        self.current_node = ""
        self.position: int | None = None
        self.outputs: dict[str, Mapping[str, Any]] = {}  # from `executed`: the files it made
        self.succeeded = False  # `execution_success` seen
        # The socket dropped since the POST (or the run was attached after a restart): some frames, an
        # `executed` among them, may have been missed, so only history tells the outputs.
        self.frames_missed = False
        # Posted under the quiet client id (comfy.quiet): no frame of it comes, its end is read from history
        # when the server's queue shrinks (so is a run that may have missed frames: it may have been quiet).
        self.quiet = False
        self.outcome: events.TerminalEvent | errors.ComfyError | None = None
        self.workflow = workflow  # the graph as posted
        self._class_types = {
            str(node_id): str(node.get("class_type", ""))
            for node_id, node in workflow.items()
            if isinstance(node, Mapping)
        }
        self._loop_time = loop_time
        self.last_activity = loop_time()
        self._pending: deque[events.PromptEvent | errors.ComfyError] = deque()
        # Progress-like events since the last other one, newest per kind and node, in first-seen order.
        self._latest: dict[tuple[type, str], events.PromptEvent] = {}
        self._ready = asyncio.Event()
        self._pace_s = pace_s
        self._woken_at = float("-inf")
        self._wake_timer: asyncio.TimerHandle | None = None
        self.wakeups = 0  # times the consumer was woken: with pace_s, far fewer than the events
        self._max_waiting_previews = max_waiting_previews
        self._waiting_previews = 0
        self.dropped_previews = 0
        self._finished = asyncio.Event()
        self._on_finish: list[Callable[[PromptRun], None]] = []

    @property
    def done(self) -> bool:
        return self.outcome is not None

    def class_type(self, node_id: str) -> str:
        return self._class_types.get(node_id, "")

    def add_finish_callback(self, callback: Callable[[PromptRun], None]) -> None:
        self._on_finish.append(callback)

    def push(self, event: events.PromptEvent) -> None:
        """Deliver a non-terminal event; ignored once the run has ended."""
        if self.outcome is not None:
            return
        self.last_activity = now = self._loop_time()
        kind = type(event)
        if kind is events.NodeStates:
            self._replace(_NODE_STATES, event)
        elif type(event) is events.Progress or type(event) is events.Preview:  # type(): mypy narrows it
            self._replace((kind, event.node_id), event)
        else:
            if self._latest:
                self._take_latest()
            self._pending.append(event)
        if self._pace_s <= 0 or kind in _URGENT:
            self._wake(now)
        elif self._wake_timer is None:
            wait_s = self._woken_at + self._pace_s - now
            if wait_s <= 0:
                self._wake(now)
            else:
                self._wake_timer = asyncio.get_running_loop().call_later(wait_s, self._wake)

    def _replace(self, key: tuple[type, str], event: events.PromptEvent) -> None:
        # Re-inserted, not overwritten: the newest comes last (a step a node reports in progress_state
        # after its progress frame must not be shown as the older step).
        replaced = self._latest.pop(key, None)
        if type(replaced) is events.Preview:
            self.dropped_previews += 1
        self._latest[key] = event

    def _wake(self, now: float | None = None) -> None:
        if self._wake_timer is not None:
            self._wake_timer.cancel()
            self._wake_timer = None
        self._woken_at = self._loop_time() if now is None else now
        self.wakeups += 1
        self._ready.set()

    def _take_latest(self) -> None:
        """Move the progress-like events into the queue, behind what came before them."""
        if not self._latest:
            return
        for event in self._latest.values():
            if type(event) is events.Preview:
                if self._waiting_previews >= self._max_waiting_previews:
                    self._drop_oldest_preview()
                self._waiting_previews += 1
            self._pending.append(event)
        self._latest.clear()

    def _drop_oldest_preview(self) -> None:
        # A consumer that lags behind (e.g. a rate-limited message edit) only needs the newest images;
        # without this, previews at 200/s would pile up in memory.
        for index, waiting in enumerate(self._pending):
            if type(waiting) is events.Preview:
                del self._pending[index]
                self._waiting_previews -= 1
                self.dropped_previews += 1
                return

    def finish(self, outcome: events.TerminalEvent | errors.ComfyError) -> bool:
        """End the run with a terminal event or an error; the first outcome wins."""
        if self.outcome is not None:
            return False
        self.outcome = outcome
        self._take_latest()
        self._pending.append(outcome)
        self._wake()
        self._finished.set()
        for callback in self._on_finish:
            callback(self)
        log.debug("prompt_id=%s finished with %s", self.prompt_id, type(outcome).__name__)
        return True

    async def wait_finished(self, timeout_s: float | None = None) -> bool:
        try:
            await asyncio.wait_for(self._finished.wait(), timeout_s)
        except TimeoutError:
            return False
        return True

    async def __aiter__(self) -> AsyncGenerator[events.PromptEvent, None]:
        while True:
            while not self._pending:
                if self._latest:
                    self._take_latest()
                    break
                self._ready.clear()
                await self._ready.wait()
            item = self._pending.popleft()
            if isinstance(item, errors.ComfyError):
                raise item
            kind = type(item)
            if kind is events.Preview:
                self._waiting_previews -= 1
            yield item
            if kind in _TERMINAL:
                return

    async def result(self, timeout_s: float | None = None) -> events.Completed:
        """Wait for the end; return Completed or raise ExecutionFailed / Interrupted / BackendUnavailable."""
        if not await self.wait_finished(timeout_s):
            raise errors.TimedOut(f"prompt {self.prompt_id} did not finish within {timeout_s} s")
        outcome = self.outcome
        if isinstance(outcome, errors.ComfyError):
            raise outcome
        if isinstance(outcome, events.Failed):
            raise outcome.error
        if isinstance(outcome, events.Interrupted):
            raise errors.Interrupted(f"prompt {self.prompt_id} was interrupted")
        assert isinstance(outcome, events.Completed)  # noqa: S101 - the only remaining terminal type
        return outcome
