"""Content safety (issue 18): what a guild does with flagged results, and what the classifier found.

``guild_policies.safety_mode`` (off, spoiler, withhold_outside_nsfw, withhold; off for every guild until a
manager chooses), ``jobs.channel_nsfw`` (asked in an age-restricted channel; false for older jobs),
``jobs.safety_action`` (spoilered or withheld; NULL: shown as it is) and ``artifacts.safety`` (the
classifier's scores and verdict; NULL: not checked).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 07:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_MODES = "safety_mode IN ('off', 'spoiler', 'withhold_outside_nsfw', 'withhold')"
_ACTIONS = "safety_action IN ('spoilered', 'withheld')"


def upgrade() -> None:
    with op.batch_alter_table("guild_policies") as batch:
        batch.add_column(sa.Column("safety_mode", sa.String(length=21), server_default="off", nullable=False))
        batch.create_check_constraint(op.f("ck_guild_policies_safety_mode"), _MODES)
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("channel_nsfw", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column("safety_action", sa.String(length=9), nullable=True))
        batch.create_check_constraint(op.f("ck_jobs_safety_action"), _ACTIONS)
    with op.batch_alter_table("artifacts") as batch:
        batch.add_column(sa.Column("safety", _JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("artifacts") as batch:
        batch.drop_column("safety")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_constraint(op.f("ck_jobs_safety_action"), type_="check")
        batch.drop_column("safety_action")
        batch.drop_column("channel_nsfw")
    with op.batch_alter_table("guild_policies") as batch:
        batch.drop_constraint(op.f("ck_guild_policies_safety_mode"), type_="check")
        batch.drop_column("safety_mode")
