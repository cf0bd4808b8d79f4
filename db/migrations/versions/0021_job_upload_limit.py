"""The bytes a job's interaction allowed a message, so that a worker uploads as much as the command could.

``jobs.upload_limit`` keeps the interaction's ``attachment_size_limit`` (a boosted server takes more than
Discord's default): a worker process, which never saw the interaction, fits the result's files to it as the
one-process bot fits them to the interaction at hand. NULL for jobs queued before it was kept and for jobs
made without an interaction (a 🔁 reaction): Discord's default then.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 20:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("upload_limit", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("upload_limit")
