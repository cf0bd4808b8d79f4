"""Artifacts: the files jobs produced and the Discord messages that carry them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CTE, Table, bindparam, insert, select, true, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from db.compiled import Precompiled
from db.driver_units import DriverConnection
from db.enums import ArtifactType
from db.models import Artifact
from db.schemas import ArtifactCreate, validated
from db.snapshots import ArtifactView


class ArtifactRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, data: ArtifactCreate | Mapping[str, Any]) -> Artifact:
        return (await self.add_all([data]))[0]

    async def add_all(self, items: Sequence[ArtifactCreate | Mapping[str, Any]]) -> list[Artifact]:
        """Every item is checked before any is written: one bad item and none is added."""
        checked = [validated(ArtifactCreate, item) for item in items]
        artifacts = [Artifact(**item.model_dump()) for item in checked]
        self._session.add_all(artifacts)
        await self._session.flush()
        return artifacts

    async def for_job(self, job_id: int) -> list[Artifact]:
        statement = select(Artifact).where(Artifact.job_id == job_id).order_by(Artifact.id)
        return list(await self._session.scalars(statement))

    async def first_images(self, job_ids: Sequence[int]) -> dict[int, Artifact]:
        """Each job's first image (jobs without one are left out): what a history page shows of it."""
        if not job_ids:
            return {}
        statement = (
            select(Artifact)
            .where(Artifact.job_id.in_(job_ids), Artifact.type == ArtifactType.IMAGE)
            .order_by(Artifact.job_id, Artifact.id)
        )
        first: dict[int, Artifact] = {}
        for artifact in await self._session.scalars(statement):
            first.setdefault(artifact.job_id, artifact)
        return first

    async def by_message_id(self, message_id: int) -> list[Artifact]:
        """The files posted in one Discord message (reactions arrive with only the message id)."""
        statement = select(Artifact).where(Artifact.discord_message_id == message_id).order_by(Artifact.id)
        return list(await self._session.scalars(statement))


# A finished job's files, on its hot path (SQLite; PostgreSQL adds them with the job's step, `added_with`):
# an INSERT ... RETURNING id each, compiled once, every column given (created_at too, so none is left to a
# default SQLAlchemy would fill at execution).
_TABLE = cast(Table, Artifact.__table__)
_GIVEN = {column.key: bindparam(column.key, type_=column.type) for column in _TABLE.c if column.key != "id"}
_ADD = Precompiled(insert(_TABLE).values(_GIVEN).returning(_TABLE.c.id))


def _row(item: ArtifactCreate) -> dict[str, Any]:
    row = item.model_dump()
    row["metadata"] = row.pop("meta")
    return row


def insert_artifacts(
    connection: DriverConnection, items: Sequence[ArtifactCreate], *, now: datetime
) -> tuple[ArtifactView, ...]:
    """The already-checked `items` added, made at `now`; their views, without reading them back (see
    db.repositories.job_steps)."""
    ids = [connection.rows(_ADD, {**_row(item), "created_at": now})[0][0] for item in items]
    return artifact_views(ids, items)


def added_with(moved: CTE, count: int) -> CTE:
    """`count` artifacts of the job `moved` returned (as `moved_id`), added by the same statement as its
    step (PostgreSQL), their ids returned in the order given; see `added_params` for the values."""
    columns = [column.key for column in _TABLE.c if column.key not in ("id", "job_id", "created_at")]
    given = [
        select(*(bindparam(f"art{i}_{name}", type_=_TABLE.c[name].type).label(name) for name in columns))
        for i in range(count)
    ]
    rows = (union_all(*given) if count > 1 else given[0]).subquery("given")
    chosen = select(moved.c.moved_id, *(rows.c[name] for name in columns)).select_from(
        moved.join(rows, true())
    )
    return insert(_TABLE).from_select(["job_id", *columns], chosen).returning(_TABLE.c.id).cte("added")


def added_params(items: Sequence[ArtifactCreate]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for i, item in enumerate(items):
        for name, value in _row(item).items():
            if name != "job_id":
                params[f"art{i}_{name}"] = value
    return params


def artifact_views(ids: Sequence[int], items: Sequence[ArtifactCreate]) -> tuple[ArtifactView, ...]:
    return tuple(
        ArtifactView(
            id=artifact_id,
            job_id=item.job_id,
            type=item.type,
            path=item.path,
            mime_type=item.mime_type,
            size_bytes=item.size_bytes,
            sha256=item.sha256,
            width=item.width,
            height=item.height,
            duration_s=item.duration_seconds,
            metadata=dict(item.meta),
            message_id=item.discord_message_id,
            attachment_url=item.attachment_url,
            safety=dict(item.safety) if item.safety is not None else None,
        )
        for artifact_id, item in zip(ids, items, strict=True)
    )
