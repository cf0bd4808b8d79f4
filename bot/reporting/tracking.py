"""What the reporter remembers about one job while it is live: where its message is and what it showed."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from bot.reporting.targets import MessageTarget
from bot.ui.job_messages import ProgressState
from core.jobs.snapshots import JobView
from core.jobs.updates import Hold, JobCancelling, JobSetback


@dataclass
class QueuedState:
    position: int | None
    eta_s: float | None
    held: Hold | None = None
    on_server: bool = False  # its prompt waits in its server's own queue (core.jobs.updates.JobQueued)


@dataclass(eq=False)
class JobTrack:
    job: JobView
    target: MessageTarget | None = None
    queued: QueuedState | None = None
    progress: ProgressState | None = None
    setback: JobSetback | None = None  # its server is away: shown until the job runs again
    # Its cancel was asked: shown until it ends, whatever else is heard of it in between.
    cancelling: JobCancelling | None = None
    last_signature: str | None = None
    last_edit_at: float = float("-inf")
    finished: bool = False
    # The message was found again from the stored ids (after a restart): its result, and the completion
    # ping, may have gone out before.
    restored: bool = False
    # Discord said the message was deleted: nothing edits it again (not even found again from the stored
    # ids); the result gets a new one.
    message_gone: bool = False
    # Set once the message showing the job is known (the command that made it says so).
    placed: asyncio.Event = field(default_factory=asyncio.Event)
    # Set once the message shows the job (its first edit, or its final one).
    shown: asyncio.Event = field(default_factory=asyncio.Event)
    # Set when the final update arrives (the job ended, whatever its message shows yet).
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    # The owner waited for place edits other workers had in flight (db/units/place_edits.py); reset when
    # the job is queued again.
    owner_waited: bool = False
    # Serialises edits of the one message: a progress edit never lands after the final one.
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def job_id(self) -> int:
        return self.job.id

    @property
    def channel_id(self) -> int:
        return self.target.channel_id if self.target is not None else self.job.channel_id

    def place(self, target: MessageTarget) -> None:
        self.target = target
        self.placed.set()
