"""Guild policies: read, and changed one transaction at a time so that concurrent changes all survive."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.compiled import Precompiled
from db.driver_units import run_driver_unit
from db.models import GuildPolicy
from db.repositories.guild_policies import GuildPolicyRepository
from db.units.unbroken import unbroken
from db.worker_messages import PolicyChangedMessage, tell

# Given the policy as stored now, the columns to change (GuildPolicy names); may raise to refuse the change.
PolicyEdit = Callable[[GuildPolicy], Mapping[str, Any]]

_POLICIES = cast(Table, GuildPolicy.__table__)
_READ = Precompiled(select(_POLICIES).where(_POLICIES.c.guild_id == bindparam("guild_id")))
_NAMES = [column.key for column in _POLICIES.c]  # the order _READ returns them in


class PolicyStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, worker_id: str = "") -> None:
        self._sessions = sessions
        self._worker_id = worker_id  # the sender of PolicyChangedMessage (the others hear of each change)

    @unbroken
    async def get(self, guild_id: int) -> GuildPolicy | None:
        """The stored policy (None: nobody configured this guild), in no session. One statement on the
        driver's connection (db.driver_units): the front end reads it for a guild's first request (then
        every 30 s, PolicyCache)."""
        engine: AsyncEngine = self._sessions.kw["bind"]
        rows = await run_driver_unit(
            engine, lambda connection: connection.rows(_READ, {"guild_id": guild_id}), scope="statement"
        )
        return GuildPolicy(**dict(zip(_NAMES, rows[0], strict=True))) if rows else None

    @unbroken
    async def change(self, guild_id: int, edit: PolicyEdit) -> GuildPolicy:
        """Apply `edit` to the policy as it is when the change runs, not as it was when someone looked.

        Two admins (or two workers) adding a channel at once both see their channel kept: the second edit
        waits for the first to commit, then reads its result. InvalidInput if a value is not valid.
        """
        async with self._sessions.begin() as session:
            policies = GuildPolicyRepository(session)
            current = await policies.get_for_change(guild_id)
            changed = await policies.update(guild_id, edit(current))
            await tell(session, PolicyChangedMessage(sender=self._worker_id, guild_id=guild_id))
            return changed
