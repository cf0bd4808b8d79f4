"""A job: one user's request of some kind (an image, a song...), from the queue to the delivered message."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, false, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, postgresql_only, text_enum
from db.enums import DeliveryState, JobStatus, SafetyAction
from db.types import KIND_MAX_CHARS, BigIntegerId, JSONDocument, Seed, UtcDateTime, utcnow

if TYPE_CHECKING:
    from db.models.artifact import Artifact
    from db.models.job_event import JobEvent

_ACTIVE = text("status IN ('queued', 'running')")
_QUEUED = text("status = 'queued'")
_RUNNING = text("status = 'running'")
_UNDELIVERED = text("delivery_state IN ('pending', 'delivering')")
_FILES_TO_REMOVE = text("deleted_at IS NOT NULL AND files_removed_at IS NULL")


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        # A guild's history, newest first, optionally one user's (keyset on id).
        Index("ix_jobs_guild_history", "guild_id", "id"),
        Index("ix_jobs_guild_user_history", "guild_id", "user_id", "id"),
        # Small partial indexes: only live jobs, which are few next to the history.
        Index(
            "ix_jobs_active_by_user",
            "user_id",
            "guild_id",
            "status",
            postgresql_where=_ACTIVE,
            sqlite_where=_ACTIVE,
        ),
        Index("ix_jobs_queue_order", "queued_at", "id", postgresql_where=_QUEUED, sqlite_where=_QUEUED),
        Index("ix_jobs_running_leases", "lease_expires_at", postgresql_where=_RUNNING, sqlite_where=_RUNNING),
        # History's text search (ILIKE '%words%') on PostgreSQL: trigrams find rare words without reading
        # every job of the guild. SQLite reads the guild's jobs, which is fine at its scale.
        postgresql_only(
            Index(
                "ix_jobs_raw_input_trgm",
                "raw_input",
                postgresql_using="gin",
                postgresql_ops={"raw_input": "gin_trgm_ops"},
            )
        ),
        # Jobs whose message may not have reached Discord yet: read at every start.
        Index("ix_jobs_undelivered", "id", postgresql_where=_UNDELIVERED, sqlite_where=_UNDELIVERED),
        # Deleted results whose files are still in DATA_DIR: what the sweep reads.
        Index(
            "ix_jobs_deleted_files",
            "deleted_at",
            postgresql_where=_FILES_TO_REMOVE,
            sqlite_where=_FILES_TO_REMOVE,
        ),
    )

    id: Mapped[int] = mapped_column(BigIntegerId, primary_key=True, autoincrement=True)
    # The job's scope: the server's id, or -user_id for someone's own use of the app where it is not
    # installed (a DM, a group DM, a server without the bot); see core.jobs.scopes.
    guild_id: Mapped[int] = mapped_column(BigInteger)
    channel_id: Mapped[int] = mapped_column(BigInteger)
    # Made in a thread (or a forum's post): the channel it is in. Who may read the thread is who may read
    # that channel, which the bot can tell long after it forgot the thread (core.jobs.visibility). NULL for
    # a job made directly in a channel, and for jobs made before it was kept.
    parent_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    # Made in a private thread, which only its members and those who manage threads in its channel may read
    # (core.jobs.visibility). False for jobs made before it was kept.
    in_private_thread: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The channel was age-restricted when the job was asked for: a guild's safety mode may show a flagged
    # result there (core.safety.policy).
    channel_nsfw: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    user_id: Mapped[int] = mapped_column(BigInteger)
    # Any kind the application registered; no CHECK, so a new kind needs no migration.
    kind: Mapped[str] = mapped_column(String(KIND_MAX_CHARS))
    raw_input: Mapped[str] = mapped_column(Text)
    # The kind's typed parameters as JSON, seed included.
    params: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    workflow_name: Mapped[str] = mapped_column(String(100))
    workflow_version: Mapped[str] = mapped_column(String(64))
    # A copy of params' seed, as its own column for people reading the database.
    seed: Mapped[int | None] = mapped_column(Seed)
    # The exact graph posted to ComfyUI, bound once at submit: a resubmission after a crash or restart
    # posts it again, whatever became of the template since. NULL for jobs queued before it was kept.
    posted_graph: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    # What each artifact records of the request (seed, workflow, size...), made with the graph.
    seed_document: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    # [node class, input, file name] of every model and LoRA file the posted graph loads: a queued job
    # goes only to a backend offering them all. Empty for jobs queued before it was kept.
    model_needs: Mapped[list[list[str]]] = mapped_column(
        JSONDocument, default=list, server_default=text("'[]'")
    )
    status: Mapped[JobStatus] = mapped_column(
        text_enum(JobStatus, "job_status"), default=JobStatus.QUEUED, server_default=JobStatus.QUEUED.value
    )
    # The Discord locale its messages are written in ("de", "en-US"); NULL: English.
    locale: Mapped[str | None] = mapped_column(String(16))
    error_message: Mapped[str | None] = mapped_column(Text)
    error_detail: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    backend_url: Mapped[str | None] = mapped_column(String(500))
    prompt_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    queued_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, server_default=func.now())
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    response_message_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    channel_message_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    # The asking interaction's token (15 minutes), so a worker process can edit its response over REST.
    interaction_token: Mapped[str | None] = mapped_column(String(1000))
    interaction_token_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The bytes the asking interaction allowed a message (its attachment_size_limit); NULL: Discord's default.
    upload_limit: Mapped[int | None] = mapped_column(BigInteger)
    parent_id: Mapped[int | None] = mapped_column(
        BigIntegerId, ForeignKey("jobs.id", ondelete="SET NULL"), index=True
    )
    # What was pressed on the parent's result to make it ("strong:0", "reroll", a form's "remix:0:<digest>"):
    # the same member's same press is answered with this job while it lives (core.jobs.presses). NULL for a
    # job asked for otherwise (a command, a reply).
    press: Mapped[str | None] = mapped_column(String(64))
    delivery_state: Mapped[DeliveryState] = mapped_column(
        text_enum(DeliveryState, "delivery_state"),
        default=DeliveryState.PENDING,
        server_default=DeliveryState.PENDING.value,
    )
    # Answered privately (an ephemeral reply, its requester's preference): only the interaction's token
    # reaches its message, and /history shows it to its requester and managers only.
    private: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # A result its requester or a manager deleted: hidden from /history and /show for everyone but managers;
    # its files leave DATA_DIR after a grace period (files_removed_at says when they did).
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    deleted_by: Mapped[int | None] = mapped_column(BigInteger)
    files_removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # What was done with a result its image classifier flagged (None: shown as it is); a withheld result is
    # shown to managers only, like a deleted one.
    safety_action: Mapped[SafetyAction | None] = mapped_column(text_enum(SafetyAction, "safety_action"))
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime, default=utcnow, onupdate=utcnow, server_default=func.now()
    )

    artifacts: Mapped[list[Artifact]] = relationship(
        back_populates="job", order_by="Artifact.id", cascade="all, delete-orphan", passive_deletes=True
    )
    events: Mapped[list[JobEvent]] = relationship(
        back_populates="job", order_by="JobEvent.id", cascade="all, delete-orphan", passive_deletes=True
    )
    parent: Mapped[Job | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"Job(id={self.id}, guild_id={self.guild_id}, status={self.status})"
