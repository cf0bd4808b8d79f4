"""Videos among a job's artifacts: the artifact type's CHECK admits 'video'.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 04:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # SQLite cannot drop a constraint in place: batch mode copies the table.
    with op.batch_alter_table("artifacts") as batch:
        batch.drop_constraint(op.f("ck_artifacts_artifact_type"), type_="check")
        batch.create_check_constraint("artifact_type", "type IN ('image', 'audio', 'video')")


def downgrade() -> None:
    artifacts = sa.table("artifacts", sa.column("type", sa.String))
    # The old CHECK admits images and audio only: video artifacts cannot be kept under it.
    op.execute(artifacts.delete().where(artifacts.c.type == "video"))
    with op.batch_alter_table("artifacts") as batch:
        batch.drop_constraint(op.f("ck_artifacts_artifact_type"), type_="check")
        batch.create_check_constraint("artifact_type", "type IN ('image', 'audio')")
