"""Workflows added from Discord (/workflows add): per guild or for every guild, kept after removal.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 07:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "stored_workflows",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("graph", _JSON, nullable=False),
        sa.Column("sidecar", _JSON, nullable=True),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("added_by", sa.BigInteger(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_by", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_workflows")),
    )
    op.create_index("ix_stored_workflows_name", "stored_workflows", ["name"], unique=False)
    op.create_index(
        "uq_stored_workflows_offered_name",
        "stored_workflows",
        ["name"],
        unique=True,
        postgresql_where=sa.text("removed_at IS NULL"),
        sqlite_where=sa.text("removed_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_stored_workflows_offered_name", table_name="stored_workflows")
    op.drop_index("ix_stored_workflows_name", table_name="stored_workflows")
    op.drop_table("stored_workflows")
