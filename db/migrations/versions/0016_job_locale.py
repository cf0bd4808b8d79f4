"""The language a job's messages are written in (issue 16, localisation).

``jobs.locale`` keeps the Discord locale of the person who asked ("de", "en-US"), so a job's messages can be
written in their language through every edit, after a restart too (bot.locales.job_locale says when the
server's own language comes first). NULL for jobs queued before it was kept, for a 🔁 reaction (Discord
sends no locale with it) and for the command line.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 07:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("locale", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("locale")
