"""History text search: a trigram index on the user's input (PostgreSQL only).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 23:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # A trusted extension since PostgreSQL 13: the database's owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index(
        "ix_jobs_raw_input_trgm",
        "jobs",
        ["raw_input"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"raw_input": "gin_trgm_ops"},
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_jobs_raw_input_trgm", table_name="jobs", postgresql_using="gin")
    # pg_trgm stays: something else in the database may use it.
