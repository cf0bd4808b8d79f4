"""The moderation log (issue 18): refused, withheld and spoilered requests, and a guild's log channel.

``moderation_entries`` keeps who asked, when, which rule and an excerpt, for MODERATION_LOG_DAYS; the
retention sweep deletes older rows by ``at``. ``guild_policies.moderation_log_channel_id`` is the channel
each entry is also posted to (None: none).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 07:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "moderation_entries",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("job_id", sa.BigInteger(), nullable=True),
        sa.Column("rule", sa.String(length=100), nullable=False),
        sa.Column("excerpt", sa.Text(), nullable=False),
        sa.Column("action", sa.String(length=9), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "action IN ('refused', 'withheld', 'spoilered')",
            name=op.f("ck_moderation_entries_moderation_action"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_entries")),
    )
    op.create_index(
        "ix_moderation_entries_guild_id_id", "moderation_entries", ["guild_id", "id"], unique=False
    )
    op.create_index("ix_moderation_entries_at", "moderation_entries", ["at"], unique=False)
    with op.batch_alter_table("guild_policies") as batch:
        batch.add_column(sa.Column("moderation_log_channel_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("guild_policies") as batch:
        batch.drop_column("moderation_log_channel_id")
    op.drop_index("ix_moderation_entries_at", table_name="moderation_entries")
    op.drop_index("ix_moderation_entries_guild_id_id", table_name="moderation_entries")
    op.drop_table("moderation_entries")
