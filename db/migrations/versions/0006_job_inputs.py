"""Job inputs: the files a job takes in (issue 14), one per workflow slot, with what decoding showed, where
each came from (an attachment, an earlier job's result, a message link) and where its bytes are kept.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 02:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "job_inputs",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("job_id", _ID, nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("media", sa.String(length=5), nullable=False),
        sa.Column("mime_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("duration_seconds", sa.Float(), nullable=True),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("declared_name", sa.String(length=255), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.Column("source_job_id", _ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("media IN ('image', 'audio', 'video')", name=op.f("ck_job_inputs_input_media")),
        sa.CheckConstraint(
            "source IN ('attachment', 'result', 'message')", name=op.f("ck_job_inputs_input_source")
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_job_inputs_job_id_jobs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["source_job_id"], ["jobs.id"], name=op.f("fk_job_inputs_source_job_id_jobs"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_inputs")),
        sa.UniqueConstraint("job_id", "role", name=op.f("uq_job_inputs_job_id")),
    )
    op.create_index(op.f("ix_job_inputs_job_id"), "job_inputs", ["job_id"], unique=False)
    op.create_index(op.f("ix_job_inputs_source_job_id"), "job_inputs", ["source_job_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_job_inputs_source_job_id"), table_name="job_inputs")
    op.drop_index(op.f("ix_job_inputs_job_id"), table_name="job_inputs")
    op.drop_table("job_inputs")
