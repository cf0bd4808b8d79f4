"""Gateway and worker processes (issue 17): a job keeps the token of the interaction that asked for it.

A gateway process receives the interaction and a worker process, with no gateway connection, edits its
response; the interaction's token (valid for 15 minutes) is what lets the worker do that through the
interaction webhook, and the only thing that can edit a response where the bot is not in the server.
``interaction_token_expires_at`` is when it stops being used. Both are empty for jobs made without one.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 08:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("interaction_token", sa.String(length=1000), nullable=True))
        batch.add_column(sa.Column("interaction_token_expires_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("interaction_token_expires_at")
        batch.drop_column("interaction_token")
