"""What happens to a job, as the front-end hears it: one observer, typed updates."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from comfy.progress import Stage as Stage  # what a JobProgress says runs; the front-end words it
from core.texts import Text
from db.snapshots import ArtifactView, JobView


class Hold(StrEnum):
    """Why queued jobs are not started although a server could take them."""

    DISK_FULL = "disk_full"  # the bot's disk is full: a result made now could not be saved
    SERVERS_AWAY = "servers_away"  # no ComfyUI server answers: nothing starts until one is back


@dataclass(frozen=True, slots=True)
class JobQueued:
    position: int  # 0: next to start
    eta_s: float | None
    held: Hold | None = None
    # Claimed and its prompt sent to a ComfyUI server that has not begun it (PREQUEUE_DEPTH): `position`
    # counts our prompts waiting there before it. Only the worker that sent it says so.
    on_server: bool = False


@dataclass(frozen=True, slots=True)
class JobStarted:
    elapsed_s: float = 0.0  # since the job first started: more than 0 when it starts again after a setback


@dataclass(frozen=True, slots=True)
class JobProgress:
    step: int | None  # of the running node (a sampler's steps), when it reports them
    steps: int | None
    node: str  # the class type of the node being run
    elapsed_s: float
    preview: bytes | None = field(default=None, repr=False)
    preview_mime: str | None = None
    # The whole graph's progress, 0..1: never smaller than in the update before, 1.0 only when done.
    fraction: float = 0.0
    stage: Stage = Stage.STARTING  # what the running node does (loading, sampling, decoding, ...)


class Setback(StrEnum):
    """What holds up a running job: something that happened to its server, or to the bot's disk."""

    SERVER_AWAY = "server_away"  # its connection dropped; the job resumes when it answers again
    SERVER_RESTARTED = "server_restarted"  # it answered again without the job: the job runs again
    SERVER_GONE = "server_gone"  # it stayed away: the job runs on whichever server answers first
    # Not the server: the job is done there, but the bot's disk is full; its results wait to be saved.
    DISK_FULL = "disk_full"

    @property
    def runs_again(self) -> bool:
        """Its server no longer holds the job's prompt: the job is queued again until it runs again."""
        return self in (Setback.SERVER_RESTARTED, Setback.SERVER_GONE)


@dataclass(frozen=True, slots=True)
class JobSetback:
    """A running job is held up for now; it is not lost (a job that is ends with JobFailed)."""

    setback: Setback
    elapsed_s: float  # since the job first started, across every attempt; 0: its server had not begun it
    other_server: bool = False  # another server that can run it is up: the job moves there


@dataclass(frozen=True, slots=True)
class JobCancelling:
    """The job was asked to stop; its server has yet to confirm (or is away). Nothing it does from now on is
    shown as the job going on: its end (JobCancelled, or a result that came first) follows."""

    by_user_id: int | None


@dataclass(frozen=True, slots=True)
class JobCompleted:
    artifacts: tuple[ArtifactView, ...]
    # Delivered again (after a restart or a dead worker): its message and ping may have gone already.
    again: bool = False
    # How long the whole job took, every attempt counted as its Elapsed time was (a server restarted
    # mid-job); None: its last attempt's times say it.
    took_s: float | None = None


@dataclass(frozen=True, slots=True)
class JobFailed:
    user_message: str
    again: bool = False  # as JobCompleted.again
    # The same in a form the front-end can translate (None after a restart: the stored English is said).
    text: Text | None = None


@dataclass(frozen=True, slots=True)
class JobCancelled:
    by_user_id: int | None
    again: bool = False  # as JobCompleted.again


JobUpdate = (
    JobQueued
    | JobStarted
    | JobProgress
    | JobSetback
    | JobCancelling
    | JobCompleted
    | JobFailed
    | JobCancelled
)
FinalUpdate = JobCompleted | JobFailed | JobCancelled


class JobObserver(Protocol):
    """The front-end. Final updates must be delivered durably: raising means "not delivered, try again"."""

    async def job_updated(self, job: JobView, update: JobUpdate) -> None: ...


class NullObserver:
    """For running jobs with nobody watching (tests, the `generate` command before it attaches one)."""

    async def job_updated(self, job: JobView, update: JobUpdate) -> None:
        return None
