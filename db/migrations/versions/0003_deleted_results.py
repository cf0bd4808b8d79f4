"""Deleted results: when and by whom a result was deleted, and when its files left DATA_DIR.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 01:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FILES_TO_REMOVE = sa.text("deleted_at IS NOT NULL AND files_removed_at IS NULL")


def upgrade() -> None:
    # batch mode: SQLite cannot add columns with every option in place; PostgreSQL alters directly.
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("deleted_by", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("files_removed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_jobs_deleted_files",
        "jobs",
        ["deleted_at"],
        unique=False,
        postgresql_where=_FILES_TO_REMOVE,
        sqlite_where=_FILES_TO_REMOVE,
    )


def downgrade() -> None:
    op.drop_index("ix_jobs_deleted_files", table_name="jobs")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("files_removed_at")
        batch.drop_column("deleted_by")
        batch.drop_column("deleted_at")
