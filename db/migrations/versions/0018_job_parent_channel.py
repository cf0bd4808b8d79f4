"""The channel a thread's job was made in (channel visibility, threads the bot has forgotten).

``jobs.parent_channel_id`` keeps, for a job made in a thread or a forum's post, the channel it is in: who
may read a thread is who may read that channel, and the bot can judge that channel long after discord.py
forgot the thread (it keeps no archived thread), so another member's job made there stays hidden from
whoever cannot read it (core.jobs.visibility). NULL for a job made directly in a channel, and for jobs made
before it was kept (their threads' channels are not known).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 14:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("parent_channel_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("parent_channel_id")
