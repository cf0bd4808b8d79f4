"""What was pressed on a result to make a job, so that the same member's second press makes no second job.

``jobs.press``: the button, reaction or form on the parent's result ("strong:0", "reroll"); a second press
of it by the same member while the first one's job is queued or running (core.jobs.presses) is answered
with that job instead. NULL for jobs asked for otherwise, and for jobs made before it was kept.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 18:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("press", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("press")
