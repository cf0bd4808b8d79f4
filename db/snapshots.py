"""Read-only snapshots of jobs and artifacts, handed out by the units of work instead of rows."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from db.enums import ArtifactType, DeliveryState, JobStatus, SafetyAction
from db.models import Artifact, Job


class StoredParams(Protocol):
    """A job's parameters read back typed by their kind's model (the application's); the seed is inside."""

    @property
    def seed(self) -> int | None: ...

    def model_dump(self, *, mode: str = "python") -> dict[str, Any]: ...


# (node class, input, file name): a model file a job's graph loads.
ModelNeed = tuple[str, str, str]


def model_needs_of(stored: Any) -> tuple[ModelNeed, ...]:
    """The stored JSON list of [class, input, file] triples, as tuples (anything malformed left out)."""
    if not isinstance(stored, list):
        return ()
    return tuple(
        (str(item[0]), str(item[1]), str(item[2]))
        for item in stored
        if isinstance(item, list | tuple) and len(item) == 3
    )


# The application's reader: (kind, stored JSON document) → the kind's typed parameters.
ParamsReader = Callable[[str, dict[str, Any]], StoredParams]


@dataclass(frozen=True, slots=True)
class QueuedJob:
    """A job waiting for a backend: what the fair order and the choice of a backend need, nothing more."""

    job_id: int
    guild_id: int
    user_id: int
    workflow_name: str
    # (node class, input, file name) of the model and LoRA files its graph loads: a backend must offer
    # them all. Empty: only the workflow's own check applies (jobs queued before they were kept).
    model_needs: tuple[ModelNeed, ...] = ()

    @classmethod
    def of(cls, job: JobView) -> QueuedJob:
        return cls(job.id, job.guild_id, job.user_id, job.workflow_name, job.model_needs)


@dataclass(frozen=True, slots=True)
class ArtifactView:
    id: int
    job_id: int
    type: ArtifactType
    path: str  # relative to DATA_DIR
    mime_type: str
    size_bytes: int
    sha256: str
    width: int | None
    height: int | None
    duration_s: float | None
    metadata: dict[str, Any]
    message_id: int | None
    attachment_url: str | None
    safety: dict[str, Any] | None = None  # the classifier's scores and verdict (None: not checked)

    @classmethod
    def of(cls, row: Artifact) -> ArtifactView:
        return cls(
            id=row.id,
            job_id=row.job_id,
            type=row.type,
            path=row.path,
            mime_type=row.mime_type,
            size_bytes=row.size_bytes,
            sha256=row.sha256,
            width=row.width,
            height=row.height,
            duration_s=row.duration_seconds,
            metadata=dict(row.meta or {}),
            message_id=row.discord_message_id,
            attachment_url=row.attachment_url,
            safety=dict(row.safety) if row.safety is not None else None,
        )


@dataclass(frozen=True, slots=True)
class JobView:
    id: int
    guild_id: int
    channel_id: int
    user_id: int
    # A registered kind's name ("image", "song", ...).
    kind: str
    raw_input: str
    # Typed by the kind's model, seed included.
    params: StoredParams
    workflow_name: str
    status: JobStatus
    error_message: str | None
    attempts: int
    prompt_id: str | None
    backend_url: str | None
    queued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    response_message_id: int | None
    channel_message_id: int | None
    parent_id: int | None
    delivery_state: DeliveryState
    deleted_at: datetime | None = None  # deleted results are shown to managers only
    # The graph bound at submit and what its artifacts record; None for jobs queued before they were kept.
    posted_graph: dict[str, Any] | None = None
    seed_document: dict[str, Any] | None = None
    model_needs: tuple[ModelNeed, ...] = ()
    # Answered privately: its message is ephemeral, reached through the interaction's token only.
    private: bool = False
    # The asking interaction's token and when it stops being used (a secret: kept out of reprs and logs).
    interaction_token: str | None = field(default=None, repr=False)
    interaction_token_expires_at: datetime | None = None
    # The bytes its interaction allowed a message; None: Discord's default (a reaction's job, say).
    upload_limit: int | None = None
    channel_nsfw: bool = False  # asked in an age-restricted channel
    safety_action: SafetyAction | None = None  # what was done with a flagged result (None: shown as it is)
    # The Discord locale its messages are written in; None: English (see bot.locales).
    locale: str | None = None
    # Made in a thread: the channel it is in (None: made in a channel, or before it was kept).
    parent_channel_id: int | None = None
    in_private_thread: bool = False  # made in a private thread (False: not, or before it was kept)

    @property
    def seed(self) -> int | None:
        return self.params.seed

    @classmethod
    def of(cls, row: Job, read_params: ParamsReader) -> JobView:
        return cls(
            id=row.id,
            guild_id=row.guild_id,
            channel_id=row.channel_id,
            user_id=row.user_id,
            kind=row.kind,
            raw_input=row.raw_input,
            params=read_params(row.kind, dict(row.params or {})),
            workflow_name=row.workflow_name,
            status=row.status,
            error_message=row.error_message,
            attempts=row.attempts,
            prompt_id=row.prompt_id,
            backend_url=row.backend_url,
            queued_at=row.queued_at,
            started_at=row.started_at,
            finished_at=row.finished_at,
            response_message_id=row.response_message_id,
            channel_message_id=row.channel_message_id,
            parent_id=row.parent_id,
            delivery_state=row.delivery_state,
            deleted_at=row.deleted_at,
            posted_graph=row.posted_graph,
            seed_document=row.seed_document,
            model_needs=model_needs_of(row.model_needs),
            private=bool(row.private),
            interaction_token=row.interaction_token,
            interaction_token_expires_at=row.interaction_token_expires_at,
            upload_limit=row.upload_limit,
            channel_nsfw=row.channel_nsfw,
            safety_action=row.safety_action,
            locale=row.locale,
            parent_channel_id=row.parent_channel_id,
            in_private_thread=row.in_private_thread,
        )


@dataclass(frozen=True, slots=True)
class HistoryPage:
    jobs: tuple[JobView, ...]
    next_before_id: int | None  # pass back as `before_id` for the next page; None on the last page
    images: Mapping[int, ArtifactView] = field(default_factory=dict)  # job id -> its first image
    at_newest: bool = True  # no newer job than these: the first page
