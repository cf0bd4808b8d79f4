"""Ping when a job ends: a guild-wide default, and each user's own choice.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 01:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("guild_policies") as batch:
        batch.add_column(sa.Column("ping_when_done", sa.Boolean(), server_default=sa.true(), nullable=False))
    op.create_table(
        "user_preferences",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("ping_when_done", sa.Boolean(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_user_preferences")),
    )


def downgrade() -> None:
    op.drop_table("user_preferences")
    with op.batch_alter_table("guild_policies") as batch:
        batch.drop_column("ping_when_done")
