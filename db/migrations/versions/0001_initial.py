"""Jobs, their events and artifacts, and guild policies.

Revision ID: 0001
Revises:
Create Date: 2026-11-28 23:04:37.767723
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "guild_policies",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column(
            "allowed_channel_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "allowed_role_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("max_running_per_user", sa.Integer(), server_default=sa.text("3"), nullable=False),
        sa.Column("max_queued_per_user", sa.Integer(), server_default=sa.text("10"), nullable=False),
        sa.Column("rate_capacity", sa.Integer(), server_default=sa.text("30"), nullable=False),
        sa.Column("rate_refill_per_minute", sa.Float(), server_default=sa.text("30.0"), nullable=False),
        sa.Column("default_image_workflow", sa.String(length=100), nullable=True),
        sa.Column("default_song_workflow", sa.String(length=100), nullable=True),
        sa.Column(
            "blocked_words",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("nsfw_channels_only", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("regenerate_permission", sa.String(length=9), server_default="requester", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(
            "regenerate_permission IN ('anyone', 'requester')",
            name=op.f("ck_guild_policies_regenerate_permission"),
        ),
        sa.PrimaryKeyConstraint("guild_id", name=op.f("pk_guild_policies")),
    )
    op.create_table(
        "jobs",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=5), nullable=False),
        sa.Column("raw_input", sa.Text(), nullable=False),
        sa.Column(
            "params",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("workflow_name", sa.String(length=100), nullable=False),
        sa.Column("workflow_version", sa.String(length=64), nullable=False),
        sa.Column("seed", sa.Numeric(20, 0).with_variant(sa.String(20), "sqlite"), nullable=True),
        sa.Column("status", sa.String(length=9), server_default="queued", nullable=False),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("error_detail", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("backend_url", sa.String(length=500), nullable=True),
        sa.Column("prompt_id", sa.String(length=36), nullable=True),
        sa.Column("queued_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("response_message_id", sa.BigInteger(), nullable=True),
        sa.Column("channel_message_id", sa.BigInteger(), nullable=True),
        sa.Column("parent_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("delivery_state", sa.String(length=10), server_default="pending", nullable=False),
        sa.Column("lease_owner", sa.String(length=200), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["jobs.id"], name=op.f("fk_jobs_parent_id_jobs"), ondelete="SET NULL"
        ),
        sa.CheckConstraint("kind IN ('image', 'song')", name=op.f("ck_jobs_job_kind")),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')",
            name=op.f("ck_jobs_job_status"),
        ),
        sa.CheckConstraint(
            "delivery_state IN ('pending', 'delivering', 'delivered', 'failed')",
            name=op.f("ck_jobs_delivery_state"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        sa.UniqueConstraint("prompt_id", name=op.f("uq_jobs_prompt_id")),
    )
    op.create_index(
        "ix_jobs_active_by_user",
        "jobs",
        ["user_id", "guild_id", "status"],
        unique=False,
        postgresql_where=sa.text("status IN ('queued', 'running')"),
        sqlite_where=sa.text("status IN ('queued', 'running')"),
    )
    op.create_index(op.f("ix_jobs_channel_message_id"), "jobs", ["channel_message_id"], unique=False)
    op.create_index("ix_jobs_guild_history", "jobs", ["guild_id", "id"], unique=False)
    op.create_index("ix_jobs_guild_user_history", "jobs", ["guild_id", "user_id", "id"], unique=False)
    op.create_index(op.f("ix_jobs_parent_id"), "jobs", ["parent_id"], unique=False)
    op.create_index(
        "ix_jobs_queue_order",
        "jobs",
        ["queued_at", "id"],
        unique=False,
        postgresql_where=sa.text("status = 'queued'"),
        sqlite_where=sa.text("status = 'queued'"),
    )
    op.create_index(op.f("ix_jobs_response_message_id"), "jobs", ["response_message_id"], unique=False)
    op.create_index(
        "ix_jobs_running_leases",
        "jobs",
        ["lease_expires_at"],
        unique=False,
        postgresql_where=sa.text("status = 'running'"),
        sqlite_where=sa.text("status = 'running'"),
    )
    op.create_index(
        "ix_jobs_undelivered",
        "jobs",
        ["id"],
        unique=False,
        postgresql_where=sa.text("delivery_state IN ('pending', 'delivering')"),
        sqlite_where=sa.text("delivery_state IN ('pending', 'delivering')"),
    )
    op.create_table(
        "artifacts",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("job_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("type", sa.String(length=5), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("preview_path", sa.String(length=500), nullable=True),
        sa.Column("mime_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("duration_seconds", sa.Float(), nullable=True),
        sa.Column(
            "metadata",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("discord_message_id", sa.BigInteger(), nullable=True),
        sa.Column("attachment_url", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_artifacts_job_id_jobs"), ondelete="CASCADE"
        ),
        sa.CheckConstraint("type IN ('image', 'audio')", name=op.f("ck_artifacts_artifact_type")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_artifacts")),
    )
    op.create_index(
        op.f("ix_artifacts_discord_message_id"), "artifacts", ["discord_message_id"], unique=False
    )
    op.create_index(op.f("ix_artifacts_job_id"), "artifacts", ["job_id"], unique=False)
    op.create_table(
        "job_events",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("job_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column(
            "detail",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_job_events_job_id_jobs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_events")),
    )
    op.create_index("ix_job_events_job_life", "job_events", ["job_id", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_job_events_job_life", table_name="job_events")
    op.drop_table("job_events")
    op.drop_index(op.f("ix_artifacts_job_id"), table_name="artifacts")
    op.drop_index(op.f("ix_artifacts_discord_message_id"), table_name="artifacts")
    op.drop_table("artifacts")
    op.drop_index(
        "ix_jobs_running_leases",
        table_name="jobs",
        postgresql_where=sa.text("status = 'running'"),
        sqlite_where=sa.text("status = 'running'"),
    )
    op.drop_index(op.f("ix_jobs_response_message_id"), table_name="jobs")
    op.drop_index(
        "ix_jobs_queue_order",
        table_name="jobs",
        postgresql_where=sa.text("status = 'queued'"),
        sqlite_where=sa.text("status = 'queued'"),
    )
    op.drop_index(op.f("ix_jobs_parent_id"), table_name="jobs")
    op.drop_index("ix_jobs_guild_user_history", table_name="jobs")
    op.drop_index("ix_jobs_guild_history", table_name="jobs")
    op.drop_index(op.f("ix_jobs_channel_message_id"), table_name="jobs")
    op.drop_index(
        "ix_jobs_active_by_user",
        table_name="jobs",
        postgresql_where=sa.text("status IN ('queued', 'running')"),
        sqlite_where=sa.text("status IN ('queued', 'running')"),
    )
    op.drop_table("jobs")
    op.drop_table("guild_policies")
