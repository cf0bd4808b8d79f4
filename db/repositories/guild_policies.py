"""Guild policies: read with defaults filled in, changed only through checked input."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import GuildPolicy
from db.schemas import GuildPolicyUpdate, Snowflake, validated
from db.types import utcnow


class GuildPolicyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, guild_id: int) -> GuildPolicy | None:
        return await self._session.get(GuildPolicy, guild_id)

    async def get_or_create(self, guild_id: Snowflake) -> GuildPolicy:
        """The guild's policy, created with the defaults on first use.

        Two first uses at once: the loser's INSERT hits the primary key; its savepoint is rolled back and
        the winner's row is read, so the caller's transaction survives.
        """
        policy = await self.get(guild_id)
        if policy is not None:
            return policy
        try:
            async with self._session.begin_nested():
                policy = GuildPolicy(guild_id=guild_id)
                self._session.add(policy)
        except IntegrityError:
            policy = await self._session.get(GuildPolicy, guild_id, populate_existing=True)
            if policy is None:
                raise
        return policy

    async def get_for_change(self, guild_id: Snowflake) -> GuildPolicy:
        """The guild's policy as stored now, held until this transaction ends so that changes to it queue up
        instead of overwriting each other (PostgreSQL: a row lock; SQLite's BEGIN IMMEDIATE already
        serialises writers)."""
        await self.get_or_create(guild_id)
        statement = (
            select(GuildPolicy)
            .where(GuildPolicy.guild_id == guild_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return (await self._session.scalars(statement)).one()

    async def update(self, guild_id: int, changes: GuildPolicyUpdate | Mapping[str, Any]) -> GuildPolicy:
        checked = validated(GuildPolicyUpdate, changes).changes()
        policy = await self.get_or_create(guild_id)
        for name, value in checked.items():
            setattr(policy, name, value)
        policy.updated_at = utcnow()
        await self._session.flush()
        return policy
