"""What `generate` does with its job when it stops waiting for it (its --timeout, or Ctrl-C).

The job is cancelled, and the command waits a few seconds at most for ComfyUI to confirm it: a server that
ignores interrupts would otherwise hold the operator for the client's whole cancel window. What is said is
what happened: cancelled, or asked to cancel and not confirmed yet. Such a job keeps its cancel request in
the database; the command hands it over as it stops, and whichever worker takes it (a bot on the same
database, or the next `generate`) asks ComfyUI again and ends it cancelled, never delivered.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from background.log_context import log_context
from bot.cli.terminal_progress import TerminalProgress
from bot.runtime import CoreRuntime
from core.errors import UserFacingError
from core.jobs.policy import Requester
from core.jobs.updates import FinalUpdate, JobCompleted, JobFailed

log = logging.getLogger(__name__)

# How long the command waits for ComfyUI to confirm a cancel before it says so and exits.
CANCEL_GRACE_S = 5.0


@dataclass(frozen=True, slots=True)
class GaveUp:
    """The command stopped waiting for its job and cancelled it."""

    job_id: int
    grace_s: float
    final: FinalUpdate | None  # how the job ended; None: ComfyUI has not confirmed the cancel in time

    @property
    def outcome(self) -> JobCompleted | JobFailed | None:
        """How the job ended if it ended on its own before the cancel reached it (told as usual)."""
        return self.final if isinstance(self.final, JobCompleted | JobFailed) else None

    def said(self, why: str) -> str:
        """What the operator is told after `why` ("No result within 4 s") of a job it did not end."""
        if self.final is None:
            return (
                f"{why}. Job {self.job_id} was asked to cancel, but ComfyUI has not confirmed it within "
                f"{self.grace_s:g} s. The cancel stays with the job: the bot, or the next `generate`, using "
                "this database asks ComfyUI again and records the job as cancelled; its result is never "
                "delivered.\n"
            )
        return f"{why}; the job was cancelled.\n"


async def cancel_within(
    runtime: CoreRuntime,
    progress: TerminalProgress,
    job_id: int,
    *,
    guild_id: int,
    requester: Requester,
    grace_s: float,
) -> GaveUp:
    """Cancel the job and wait up to `grace_s` for its end."""
    try:
        async with asyncio.timeout(grace_s):
            with contextlib.suppress(UserFacingError):  # it ended meanwhile: its final update says how
                await runtime.service.cancel(job_id, guild_id=guild_id, requester=requester)
            return GaveUp(job_id, grace_s, await progress.final(job_id))
    except TimeoutError:
        with log_context(job_id=job_id, guild_id=guild_id):
            log.info("ComfyUI has not confirmed the cancel within %s s: the job keeps its request", grace_s)
        return GaveUp(job_id, grace_s, None)
