"""Jobs: creating them and the queries the product needs. Methods flush but never commit."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, String, and_, bindparam, func, or_, select
from sqlalchemy.orm import selectinload

from db.enums import ACTIVE_STATUSES, JobStatus, SafetyAction
from db.models import Job
from db.repositories._job_states import JobStates
from db.schemas import JobCreate, validated

HISTORY_PAGE_MAX = 100


@dataclass(frozen=True, slots=True)
class HistoryRows:
    jobs: list[Job]
    # Pass as `before_id` for the next page; None on the last page.
    next_before_id: int | None
    # No newer job than these: the first page.
    at_newest: bool = True


@dataclass(frozen=True, slots=True)
class ActiveCounts:
    queued: int = 0
    running: int = 0


class JobRepository(JobStates):
    """Jobs for one unit of work (an AsyncSession); see `JobStates` for the atomic status changes."""

    async def add(self, data: JobCreate | Mapping[str, Any]) -> Job:
        """A new queued job; its id is assigned (flushed) when this returns."""
        job = Job(**validated(JobCreate, data).model_dump(), status=JobStatus.QUEUED)
        self._session.add(job)
        await self._session.flush()
        return job

    async def get(self, job_id: int, *, guild_id: int | None = None) -> Job | None:
        statement = select(Job).where(Job.id == job_id)
        if guild_id is not None:
            statement = statement.where(Job.guild_id == guild_id)
        return await self._session.scalar(statement)

    async def get_with_artifacts(self, job_id: int, *, guild_id: int | None = None) -> Job | None:
        """The job and its files; with `guild_id`, only if it belongs to that guild."""
        statement = select(Job).where(Job.id == job_id).options(selectinload(Job.artifacts))
        if guild_id is not None:
            statement = statement.where(Job.guild_id == guild_id)
        return await self._session.scalar(statement)

    async def error_detail(self, job_id: int, *, guild_id: int) -> str | None:
        """What went wrong, technically (a node's exception, a server's reply): the operator's, kept apart
        from the snapshot every reader of a job gets."""
        statement = select(Job.error_detail).where(Job.id == job_id, Job.guild_id == guild_id)
        return await self._session.scalar(statement)

    async def by_message_id(self, message_id: int) -> Job | None:
        """The job shown by a Discord message (its interaction response or its channel message)."""
        statement = select(Job).where(
            or_(Job.response_message_id == message_id, Job.channel_message_id == message_id)
        )
        return await self._session.scalar(statement.limit(1))

    async def history(
        self,
        guild_id: int,
        *,
        user_id: int | None = None,
        kind: str | None = None,
        status: JobStatus | None = None,
        search: str | None = None,
        before_id: int | None = None,
        after_id: int | None = None,
        limit: int = 10,
        include_deleted: bool = False,
        viewer_id: int | None = None,
        include_private: bool = False,
        include_withheld: bool = False,
        hidden_channel_ids: Collection[int] = (),
        private_threads_read: Collection[int] = (),
        threads_managed_in: Collection[int] = (),
        known_channel_ids: Collection[int] | None = None,
    ) -> HistoryRows:
        """A guild's jobs, newest first, a page at a time (keyset: pass the last page's `next_before_id`;
        or, going back, its newest job's id as `after_id`: the `limit` jobs just newer, or the first page
        where fewer are left, so that pages keep their places).

        Deleted results are left out unless `include_deleted` (for managers). Private jobs are left out but
        the `viewer_id`'s own, unless `include_private` (managers, in a listing only they see). Results held
        back by the guild's content settings are left out unless `include_withheld` (the same). Jobs made in
        `hidden_channel_ids` (channels the viewer cannot read), or in a thread of one, are left out but the
        `viewer_id`'s own; so are those made in a private thread, but in `private_threads_read` or in a
        thread of `threads_managed_in` (where the viewer has Manage Threads), and those made in none of
        `known_channel_ids` nor in a thread of one (a channel deleted since; None: not judged, a manager)."""
        limit = max(1, min(limit, HISTORY_PAGE_MAX))
        statement = select(Job).where(Job.guild_id == guild_id)
        if not include_deleted:
            statement = statement.where(Job.deleted_at.is_(None))
        if not include_private:
            public = Job.private.is_(False)
            statement = statement.where(
                public if viewer_id is None else or_(public, Job.user_id == viewer_id)
            )
        if not include_withheld:
            withheld = Job.safety_action == SafetyAction.WITHHELD
            statement = statement.where(or_(Job.safety_action.is_(None), ~withheld))
        readable = _made_where_readable(hidden_channel_ids, private_threads_read, threads_managed_in)
        if known_channel_ids is not None:
            known = _ids("known_channels", known_channel_ids)
            readable = and_(readable, or_(Job.channel_id.in_(known), Job.parent_channel_id.in_(known)))
        statement = statement.where(
            readable if viewer_id is None else or_(readable, Job.user_id == viewer_id)
        )
        if user_id is not None:
            statement = statement.where(Job.user_id == user_id)
        if kind is not None:
            statement = statement.where(Job.kind == kind)
        if status is not None:
            statement = statement.where(Job.status == status)
        search = (search or "").strip()
        if search:
            # The pattern is written into the SQL text, not sent as a parameter: PostgreSQL then plans with
            # the actual words (trigram index for rare ones, the guild's index for common ones) instead of
            # a generic plan guessing the same for every pattern. The value is still quoted by SQLAlchemy.
            pattern: BindParameter[str] = bindparam(
                "search", f"%{_escape_like(search)}%", type_=String(), literal_execute=True
            )
            statement = statement.where(Job.raw_input.ilike(pattern, escape="\\"))
        if after_id is not None:
            newer = statement.where(Job.id > after_id).order_by(Job.id.asc()).limit(limit + 1)
            jobs = list(await self._session.scalars(newer))
            if len(jobs) > limit:  # more beyond these: a page of its own, not the first
                jobs = jobs[:limit][::-1]
                older = statement.where(Job.id < jobs[-1].id).limit(1)
                more = await self._session.scalar(older.with_only_columns(Job.id))
                return HistoryRows(jobs, None if more is None else jobs[-1].id, at_newest=False)
        elif before_id is not None:
            statement = statement.where(Job.id < before_id)
        jobs = list(await self._session.scalars(statement.order_by(Job.id.desc()).limit(limit + 1)))
        if len(jobs) > limit:
            return HistoryRows(jobs[:limit], jobs[limit - 1].id, at_newest=before_id is None)
        return HistoryRows(jobs, None, at_newest=before_id is None)

    async def active_for_user(self, guild_id: int, user_id: int) -> list[Job]:
        """The user's jobs still queued or running in this guild, oldest first."""
        statement = (
            select(Job)
            .where(Job.user_id == user_id, Job.guild_id == guild_id, Job.status.in_(ACTIVE_STATUSES))
            .order_by(Job.id)
        )
        return list(await self._session.scalars(statement))

    async def hold_user_caps(self, guild_id: int, user_id: int) -> None:
        """Until this transaction ends, another one checking this user's caps waits: two concurrent requests
        cannot both take the last slot. (SQLite's BEGIN IMMEDIATE already serialises writers.)"""
        if self._session.get_bind().dialect.name == "postgresql":
            key = func.hashtextextended(f"user-caps:{guild_id}:{user_id}", 0)
            await self._session.execute(select(func.pg_advisory_xact_lock(key)))

    async def active_counts_for_user(self, guild_id: int, user_id: int) -> ActiveCounts:
        """For the per-user caps."""
        counts = await self._active_counts(Job.user_id == user_id, Job.guild_id == guild_id)
        return counts.get((), ActiveCounts())

    async def active_counts_by_guild(self) -> dict[int, ActiveCounts]:
        counts = await self._active_counts(group_by=(Job.guild_id,))
        return {key[0]: value for key, value in counts.items()}

    async def active_counts_by_user(self, guild_id: int | None = None) -> dict[tuple[int, int], ActiveCounts]:
        """Keyed by (guild_id, user_id); all guilds unless `guild_id` is given."""
        where = () if guild_id is None else (Job.guild_id == guild_id,)
        counts = await self._active_counts(*where, group_by=(Job.guild_id, Job.user_id))
        return {(key[0], key[1]): value for key, value in counts.items()}

    async def _active_counts(
        self, *where: ColumnElement[bool], group_by: tuple[Any, ...] = ()
    ) -> dict[tuple[int, ...], ActiveCounts]:
        statement = (
            select(*group_by, Job.status, func.count())
            .where(Job.status.in_(ACTIVE_STATUSES), *where)
            .group_by(*group_by, Job.status)
        )
        found: dict[tuple[int, ...], dict[str, int]] = {}
        for row in await self._session.execute(statement):
            *key, status, count = row
            found.setdefault(tuple(key), {})[JobStatus(status).value] = count
        return {key: ActiveCounts(**counts) for key, counts in found.items()}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _made_where_readable(
    hidden_channel_ids: Collection[int],
    private_threads_read: Collection[int],
    threads_managed_in: Collection[int],
) -> ColumnElement[bool]:
    """The SQL twin of core.jobs.visibility's rule of places: not made in a hidden channel, nor in a thread
    of one, nor in a private thread the viewer does not read."""
    # A private thread's job, for who reads that thread or manages threads in its channel.
    thread_open = [Job.in_private_thread.is_(False)]
    if private_threads_read:
        thread_open.append(Job.channel_id.in_(_ids("private_threads_read", private_threads_read)))
    if threads_managed_in:
        thread_open.append(Job.parent_channel_id.in_(_ids("threads_managed_in", threads_managed_in)))
    if not hidden_channel_ids:
        return or_(*thread_open)
    hidden = _ids("hidden_channels", hidden_channel_ids)
    # A thread's job is judged by its channel too (NULL: made in a channel, or before it was kept).
    return and_(
        Job.channel_id.not_in(hidden),
        or_(Job.parent_channel_id.is_(None), Job.parent_channel_id.not_in(hidden)),
        or_(*thread_open),
    )


def _ids(name: str, ids: Collection[int]) -> BindParameter[list[int]]:
    """Written into the SQL text like the search: the ids are integers, and a server with many channels
    hidden from someone (one per support ticket) must not meet a driver's parameter cap."""
    return bindparam(name, sorted(ids), expanding=True, literal_execute=True)
