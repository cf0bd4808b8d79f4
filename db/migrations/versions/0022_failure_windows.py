"""Failure-notice windows shared by every process on one database.

``failure_windows`` holds, per server and failure reason, when the open window began and how many failures
were counted in it and not told yet, so that several worker processes tell a server's log channel once per
window between them instead of once each.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 21:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "failure_windows",
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("reason_key", sa.Text(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pending", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "reason_key", name=op.f("pk_failure_windows")),
    )


def downgrade() -> None:
    op.drop_table("failure_windows")
