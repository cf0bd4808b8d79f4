"""Whether a job was made in a private thread (who may see it when the bot has forgotten the thread).

``jobs.in_private_thread``: a private thread "can only be viewed by those who were invited or those with
the MANAGE_THREADS permission" (https://discord.com/developers/docs/topics/threads#private-threads), not by
everyone who reads its channel; the bot forgets archived threads, so the job keeps it (core.jobs.visibility).
False for jobs made before it was kept (what their threads were is not known).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 17:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(
            sa.Column("in_private_thread", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("in_private_thread")
