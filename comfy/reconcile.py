"""Finding out what became of prompts whose websocket events we may have missed.

Used after a reconnect (the server may have finished, or forgotten, our prompts while we were away), when
the websocket stays silent about a prompt, and when attaching to a prompt submitted before a restart.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from comfy import errors, events, protocol
from comfy.queue_positions import push_position
from comfy.run import PromptRun
from comfy.transport import HttpTransport

log = logging.getLogger(__name__)


class Reconciler:
    def __init__(self, http: HttpTransport, *, backend: str, history_grace_s: float) -> None:
        self._http = http
        self._backend = backend
        self._grace_s = history_grace_s

    async def outcome_from_history(self, prompt_id: str) -> events.TerminalEvent | None:
        """Read history, waiting up to the grace period for it to be written (it lags the end a little)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._grace_s
        delay = 0.02
        while True:
            entry = await self._http.history(prompt_id)
            outcome = protocol.outcome_from_history(prompt_id, entry) if entry is not None else None
            if outcome is not None or loop.time() >= deadline:
                return outcome
            await asyncio.sleep(min(delay, max(0.0, deadline - loop.time())))
            delay = min(delay * 2, 0.25)

    async def complete(self, run: PromptRun) -> None:
        """Finish a run the websocket said ended, from its history; from its frames if that is unreadable."""
        outcome: events.TerminalEvent | None = None
        try:
            outcome = await self.outcome_from_history(run.prompt_id)
        except errors.ComfyError as exc:
            log.warning("prompt_id=%s finished but history is unreadable: %s", run.prompt_id, exc.detail)
        if outcome is None:
            log.warning("prompt_id=%s: no history, using the websocket outputs", run.prompt_id)
            outcome = events.Completed(run.prompt_id, dict(run.outputs), protocol.output_files(run.outputs))
        run.finish(outcome)

    async def reconcile(self, runs: Sequence[PromptRun], *, after_reconnect: bool) -> None:
        """Settle every run the server no longer has queued: from history, else as lost or removed.

        The queue is read before history: a prompt leaves the queue and enters history together, so a
        prompt absent from both really is gone.
        """
        try:
            snapshot = await self._http.queue()
        except errors.ComfyError as exc:
            log.warning("cannot read the queue of %s, will retry: %s", self._backend, exc.detail)
            return
        gone: list[PromptRun] = []
        for run in runs:
            if run.done or not run.accepted:
                continue
            state = snapshot.state(run.prompt_id)
            if state == "pending":
                push_position(run, snapshot)
            elif state == "absent":
                gone.append(run)
        await asyncio.gather(*(self._settle(run, after_reconnect=after_reconnect) for run in gone))

    async def _settle(self, run: PromptRun, *, after_reconnect: bool) -> None:
        try:
            # One read, no grace: the queue was read first, and the server moves a prompt from its queue to
            # its history in one step, so absent from both means gone (a lost prompt is resubmitted sooner).
            entry = await self._http.history(run.prompt_id)
            outcome = protocol.outcome_from_history(run.prompt_id, entry) if entry is not None else None
        except errors.ComfyError as exc:
            log.warning(
                "prompt_id=%s: history of %s unreadable, will retry: %s", run.prompt_id, self._backend, exc
            )
            return
        if outcome is not None:
            log.info("prompt_id=%s reconciled from history: %s", run.prompt_id, type(outcome).__name__)
            run.finish(outcome)
        elif after_reconnect:
            log.warning("prompt_id=%s unknown to %s after reconnecting: lost", run.prompt_id, self._backend)
            run.finish(errors.PromptLost(f"{self._backend} no longer knows prompt {run.prompt_id}"))
        elif not run.started:
            # Someone else deleted it from the queue (the web UI, another client).
            run.finish(events.Interrupted(run.prompt_id, removed_from_queue=True))


def completed_from_frames(run: PromptRun) -> events.Completed | None:
    """The outcome the websocket told in full, so GET /history need not be read: ``execution_success`` and
    every ``executed`` seen on one unbroken socket. ComfyUI sends ``executed`` for each node that made
    output, cached ones included (with their earlier files), and history's ``outputs`` are those same
    payloads. None when a frame may have been missed, or when no file was named (an unusual graph, or a
    node whose cached output history lists but ``executed`` did not repeat): history decides then."""
    if not run.succeeded or run.frames_missed:
        return None
    outputs = {node: output for node, output in run.outputs.items() if output}
    files = protocol.output_files(outputs)
    return events.Completed(run.prompt_id, outputs, files) if files else None
