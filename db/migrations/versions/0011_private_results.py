"""Private results (issue 16): a job remembers that it was answered privately, and a guild may forbid it.

``jobs.private``: the job's reply was ephemeral (seen by its requester alone). Only the interaction's token
can edit such a reply, so after a restart, or once the token is over, the result goes by direct message
instead of to the channel, and /history shows the job to its requester and the guild's managers only.
``guild_policies.private_results_allowed``: whether members' "private results" preference applies there
(a guild that moderates what is made turns it off, and every reply is public again).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 07:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("private", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("guild_policies") as batch:
        batch.add_column(
            sa.Column("private_results_allowed", sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("guild_policies") as batch:
        batch.drop_column("private_results_allowed")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("private")
