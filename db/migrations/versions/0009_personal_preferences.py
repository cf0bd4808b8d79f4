"""Personal preferences (issue 16, /preferences): each user's defaults beside their ping choice.

``user_preferences`` gains the image defaults (aspect ratio, quality, style tags), the workflow chosen per
kind of job (a JSON object, kind -> workflow name) and whether results are private. Every new column is
nullable or empty: a user who chose nothing gets what the guild and the workflow say.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 05:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("user_preferences") as batch:
        batch.add_column(sa.Column("aspect_ratio", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("quality", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("style_tags", _JSON, server_default=sa.text("'[]'"), nullable=False))
        batch.add_column(sa.Column("workflows", _JSON, server_default=sa.text("'{}'"), nullable=False))
        batch.add_column(sa.Column("private_results", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user_preferences") as batch:
        batch.drop_column("private_results")
        batch.drop_column("workflows")
        batch.drop_column("style_tags")
        batch.drop_column("quality")
        batch.drop_column("aspect_ratio")
