"""Each server's chosen language (its preferred locale), wherever the asking process runs.

A gateway process reads it from its cache. A `worker` holds no gateway and so no cache: it asks Discord
(GET /guilds/{id}, https://discord.com/developers/docs/resources/guild#get-guild, whose guild object carries
`preferred_locale`) and remembers the answer for a while, so that a server's jobs cost one request an hour,
not one per edit. A server that could not be read is taken as having no language of its own (its messages
follow their requesters) and asked again a minute later.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import discord

log = logging.getLogger(__name__)

KEPT_S = 3600.0  # a server changes its language rarely; an hour-old answer is close enough
UNKNOWN_KEPT_S = 60.0  # a failed read (a 5xx, a server just left) is not asked again for each edit


class ServerLanguages:
    def __init__(self, client: discord.Client, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self._clock = clock
        self._read: dict[int, tuple[str | None, float]] = {}  # guild id -> (locale, read until)

    def known(self, guild_id: int) -> str | None:
        """The server's language from the cache or a recent read; None if neither has it."""
        guild = self._client.get_guild(guild_id)
        if guild is not None:
            return guild.preferred_locale.value
        read = self._fresh(guild_id)
        return read[0] if read is not None else None

    async def learn(self, guild_id: int) -> str | None:
        """`known`, asking Discord first when neither the cache nor a recent read has it. Never raises."""
        if self._client.get_guild(guild_id) is not None or self._fresh(guild_id) is not None:
            return self.known(guild_id)
        try:
            guild = await self._client.fetch_guild(guild_id, with_counts=False)  # the locale only
        except discord.HTTPException as error:
            log.debug("server %s's language unknown (%s)", guild_id, error)
            self._read[guild_id] = (None, self._clock() + UNKNOWN_KEPT_S)
            return None
        locale = guild.preferred_locale.value
        self._read[guild_id] = (locale, self._clock() + KEPT_S)
        return locale

    def _fresh(self, guild_id: int) -> tuple[str | None, float] | None:
        read = self._read.get(guild_id)
        return read if read is not None and self._clock() < read[1] else None
