"""A server's own workflows are named within that server (two servers may each keep a "portrait").

The offered names are unique per scope (every guild, or one guild) instead of in the whole bot. A job
kept the name of the workflow it was bound to; a server's own workflow is now found as ``name@guild``
(core.workflows.library), so the jobs bound to one are renamed to match, told apart by their
guild and the workflow's version.

Downgrading renames them back, and fails if two servers came to share a name meanwhile.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 00:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEX = "uq_stored_workflows_offered_name"
_GUILD_INDEX = "uq_stored_workflows_offered_guild_name"


def _unique_while_offered(name: str, columns: list[str], where: str) -> None:
    op.create_index(
        name,
        "stored_workflows",
        columns,
        unique=True,
        postgresql_where=sa.text(where),
        sqlite_where=sa.text(where),
    )


def upgrade() -> None:
    op.drop_index(_INDEX, table_name="stored_workflows")
    _unique_while_offered(_INDEX, ["name"], "removed_at IS NULL AND guild_id IS NULL")
    _unique_while_offered(_GUILD_INDEX, ["guild_id", "name"], "removed_at IS NULL AND guild_id IS NOT NULL")
    op.execute(
        "UPDATE jobs SET workflow_name = workflow_name || '@' || CAST(guild_id AS VARCHAR(20)) "
        "WHERE EXISTS (SELECT 1 FROM stored_workflows AS sw WHERE sw.guild_id = jobs.guild_id "
        "AND sw.name = jobs.workflow_name AND sw.version = jobs.workflow_version)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        title = "split_part(workflow_name, '@', 1)"
    else:
        title = "substr(workflow_name, 1, instr(workflow_name, '@') - 1)"
    op.execute(f"UPDATE jobs SET workflow_name = {title} WHERE workflow_name LIKE '%@%'")  # noqa: S608
    op.drop_index(_GUILD_INDEX, table_name="stored_workflows")
    op.drop_index(_INDEX, table_name="stored_workflows")
    _unique_while_offered(_INDEX, ["name"], "removed_at IS NULL")
