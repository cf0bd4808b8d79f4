"""Changing a guild's policy (the /settings command): validated, stored, and seen at once by the queue."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from core.errors import UserFacingError
from core.jobs.policy import PolicyCache, PolicyView
from db.repositories.guild_policies import GuildPolicyRepository
from db.schemas import InvalidInput


class GuildSettings:
    def __init__(self, policies: PolicyCache) -> None:
        self._policies = policies

    async def get(self, guild_id: int) -> PolicyView:
        return await self._policies.get(guild_id)

    async def update(self, guild_id: int, changes: dict[str, Any]) -> PolicyView:
        """Apply `changes` (GuildPolicy column names); a bad value raises UserFacingError naming the field."""
        try:
            async with self._policies.sessions.begin() as session:
                await GuildPolicyRepository(session).update(guild_id, changes)
        except (InvalidInput, ValidationError) as exc:
            fields = ", ".join(str(e["loc"][0]) for e in exc.errors() if e.get("loc")) or "settings"
            raise UserFacingError(f"That setting is not valid ({fields}): {exc.errors()[0]['msg']}.") from exc
        self._policies.forget(guild_id)
        return await self._policies.get(guild_id)
