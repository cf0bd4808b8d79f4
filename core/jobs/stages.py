"""Where a live job stands, in the words every view uses (its message, /queue, /cancel's choices).

The database says RUNNING as soon as a job is handed to a ComfyUI server, but the server may still hold it
in its own queue behind another prompt: its message then still says "Queued", and so must /queue. The one
source of truth is whether the server has begun it (the same "started" event that turns its message into
progress), which only the worker that sent it knows.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from db.enums import JobStatus


class JobStage(enum.Enum):
    QUEUED = "queued"  # in the bot's fair queue (its place known) or waiting for a server
    SENT = "sent"  # handed to a ComfyUI server, waiting in that server's own queue
    RUNNING = "running"  # the server has begun it


@dataclass(frozen=True, slots=True)
class JobPlace:
    stage: JobStage
    position: int | None = None  # 0: next to start; only for QUEUED jobs in this worker's queue


def place_of(status: JobStatus, position: int | None, started: bool | None) -> JobPlace:
    """`position` in this worker's queue, and `started` as this worker knows it (None: not on its servers)."""
    if position is not None:
        return JobPlace(JobStage.QUEUED, position)
    if started is not None:
        return JobPlace(JobStage.RUNNING if started else JobStage.SENT)
    # Another worker's job: the database's word is all there is.
    return JobPlace(JobStage.RUNNING if status is JobStatus.RUNNING else JobStage.QUEUED)
