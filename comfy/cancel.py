"""Cancelling a prompt whether it is pending or running, despite the race with the server's worker.

A targeted ``POST /interrupt`` is silently ignored unless the prompt runs at that very moment, and
``POST /queue {"delete"}`` only removes pending prompts; so we look, act, and look again until the prompt
has a terminal outcome or is gone.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Literal

from comfy import errors, events, protocol
from comfy.run import PromptRun
from comfy.transport import HttpTransport

log = logging.getLogger(__name__)

CancelOutcome = Literal["removed", "interrupted", "finished", "unknown"]


def describe(outcome: events.TerminalEvent | errors.ComfyError | None) -> CancelOutcome:
    if isinstance(outcome, events.Interrupted):
        return "removed" if outcome.removed_from_queue else "interrupted"
    if outcome is None:
        return "unknown"
    return "finished"


async def cancel_prompt(
    http: HttpTransport,
    prompt_id: str,
    run: PromptRun | None,
    *,
    timeout_s: float,
    recheck_s: float,
) -> CancelOutcome:
    """Remove ``prompt_id`` if pending, interrupt it if running; return once the outcome is known."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    deleted = False
    while True:
        if run is not None and run.done:
            return describe(run.outcome)
        if loop.time() >= deadline:
            raise errors.TimedOut(f"cancel of prompt {prompt_id} not confirmed within {timeout_s} s")
        state = (await http.queue()).state(prompt_id)
        if state == "pending":
            log.info("prompt_id=%s is pending: deleting it from the queue", prompt_id)
            await http.delete_pending([prompt_id])
            deleted = True
            continue  # it may have started between our look and the delete
        if state == "running":
            log.info("prompt_id=%s is running: interrupting it", prompt_id)
            await http.interrupt(prompt_id)
        else:
            entry = await http.history(prompt_id)
            outcome = protocol.outcome_from_history(prompt_id, entry) if entry is not None else None
            if outcome is not None:
                if run is not None:
                    run.finish(outcome)
                return describe(outcome)
            if deleted and not (run is not None and run.started):
                removed = events.Interrupted(prompt_id, removed_from_queue=True)
                if run is not None:
                    run.finish(removed)
                return "removed"
            if run is None:
                return "unknown"
            # Gone from the queue without history yet: it just ended and history is being written.
        if run is not None:
            await run.wait_finished(recheck_s)
        else:
            await asyncio.sleep(recheck_s)
