"""The Discord REST budget shared by every process on one bot token (UNLOGGED on PostgreSQL).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 08:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rest_budget",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("tat", sa.Double(), nullable=True),
        sa.Column("remaining", sa.Integer(), nullable=True),
        sa.Column("reset_at", sa.Double(), server_default=sa.text("0"), nullable=False),
        sa.Column("window_s", sa.Double(), server_default=sa.text("0"), nullable=False),
        sa.Column("bucket_limit", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("granted", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rest_budget")),
    )
    if op.get_bind().dialect.name == "postgresql":
        # Rate-limit state is worthless after a crash: no write-ahead log for it (a take costs less).
        op.execute("ALTER TABLE rest_budget SET UNLOGGED")


def downgrade() -> None:
    op.drop_table("rest_budget")
