"""Any registered kind of job, and the exact graph posted to ComfyUI kept with each job.

The kind column was VARCHAR(5) with CHECK (kind IN ('image', 'song')): every new kind needed a migration.
It becomes VARCHAR(32) without the CHECK. ``posted_graph`` and ``seed_document`` keep what a job was bound
to at submit, so a resubmission after a crash or restart posts the same graph. Each job's parameters now
carry their seed, copied in here for the jobs stored before.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 01:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    # SQLite cannot drop a constraint or alter a column in place: batch mode copies the table.
    with op.batch_alter_table("jobs") as batch:
        batch.drop_constraint(op.f("ck_jobs_job_kind"), type_="check")
        batch.alter_column("kind", existing_type=sa.String(length=5), type_=sa.String(length=32))
        batch.add_column(sa.Column("posted_graph", _JSON, nullable=True))
        batch.add_column(sa.Column("seed_document", _JSON, nullable=True))
    _seeds_into_params()


def _seeds_into_params() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "UPDATE jobs SET params = jsonb_set(params, '{seed}', to_jsonb(seed)) "
            "WHERE seed IS NOT NULL AND params -> 'seed' IS NULL"
        )
    else:
        # SQLite keeps the seed as its decimal digits; json() reads them as a JSON number, exactly.
        op.execute(
            "UPDATE jobs SET params = json_set(params, '$.seed', json(seed)) "
            "WHERE seed IS NOT NULL AND json_type(params, '$.seed') IS NULL"
        )


def downgrade() -> None:
    kinds = sa.table("jobs", sa.column("kind", sa.String))
    # The old CHECK holds only the two first kinds: jobs of other kinds cannot be kept under it.
    op.execute(kinds.delete().where(kinds.c.kind.not_in(["image", "song"])))
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("seed_document")
        batch.drop_column("posted_graph")
        batch.alter_column("kind", existing_type=sa.String(length=32), type_=sa.String(length=5))
        batch.create_check_constraint("job_kind", "kind IN ('image', 'song')")
