"""Whether a member is pinged when their job ends: their own choice if they made one, else their guild's."""

from __future__ import annotations

from core.jobs.policy import PolicyCache
from db.units.preferences import PreferenceStore


class CompletionPings:
    def __init__(self, policies: PolicyCache, preferences: PreferenceStore) -> None:
        self._policies = policies
        self._preferences = preferences

    async def wanted(self, guild_id: int, user_id: int) -> bool:
        own = await self._preferences.ping_when_done(user_id)
        if own is not None:
            return own
        return (await self._policies.get(guild_id)).ping_when_done

    async def own_choice(self, user_id: int) -> bool | None:
        return await self._preferences.ping_when_done(user_id)

    async def choose(self, user_id: int, ping: bool | None) -> None:
        """`None` goes back to the guild's setting."""
        await self._preferences.set_ping_when_done(user_id, ping)
