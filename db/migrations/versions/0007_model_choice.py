"""Model and LoRA choice (issue 14): the model files each job needs, and a guild's allow-lists.

``jobs.model_needs`` lists the (node class, input, file name) triples of the model and LoRA files the
job's posted graph loads, so that a queued job read back after a restart still goes only to a backend
offering them. ``guild_policies.allowed_models`` / ``allowed_loras`` restrict what members may choose
(empty: anything a backend offers).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 04:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    empty = sa.text("'[]'")
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("model_needs", _JSON, server_default=empty, nullable=False))
    with op.batch_alter_table("guild_policies") as batch:
        batch.add_column(sa.Column("allowed_models", _JSON, server_default=empty, nullable=False))
        batch.add_column(sa.Column("allowed_loras", _JSON, server_default=empty, nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("guild_policies") as batch:
        batch.drop_column("allowed_loras")
        batch.drop_column("allowed_models")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("model_needs")
