"""A server's log channel (/settings log channel:), posted in by the client itself: failure notices
(bot.reporting.failure_posts) and moderation log entries (bot.reporting.moderation_posts).

Both can happen where the queue runs: in a `worker` process too, which holds no gateway and loads no
extension. So the channel is reached over REST only: by its id (no cache needed), in the server's language
from the cache or GET /guilds/{id}. Nothing posted there pings anyone.

The stored channel is posted in only if it is one of the server's own (the cache, else GET /channels/{id};
a channel never moves between servers, so each is looked up once): stale or damaged data naming another
server's channel must never carry this server's jobs there.

A channel the bot may no longer post in (a permission taken away, the channel deleted) is one warning per
channel, then quiet (debug) until a post there succeeds again: a broken backend fails many jobs, and the log
should not repeat the same warning for each one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import discord

from bot.locales import REFERENCE, Catalogue, Words
from bot.reporting.server_languages import ServerLanguages
from bot.runtime import CoreRuntime

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LogPost:
    content: str | None = None
    embed: discord.Embed | None = None


class LogChannel:
    def __init__(
        self, client: discord.Client, runtime: CoreRuntime, catalogue: Catalogue, languages: ServerLanguages
    ) -> None:
        self._client = client
        self._languages = languages
        self._runtime = runtime
        self._catalogue = catalogue
        self._refused_channels: set[int] = set()  # warned of once; quiet until a post there succeeds
        self._servers_of: dict[int, int] = {}  # a channel's server, once known: it never changes

    async def post(self, guild_id: int, compose: Callable[[Words], LogPost], *, what: str) -> bool:
        """`compose`d in the server's language and posted in its log channel, if it set one: True if posted.
        Never raises: whatever went wrong is logged, `what` naming the post."""
        channel_id: int | None = None
        try:
            channel_id = (await self._runtime.guild_policies.get(guild_id)).moderation_log_channel_id
            if channel_id is None:
                return False
            if await self._server_of(channel_id) != guild_id:
                self._elsewhere(guild_id, channel_id, what)
                return False
            post = compose(Words(self._catalogue, await self._languages.learn(guild_id) or REFERENCE))
            channel = self._client.get_partial_messageable(channel_id, guild_id=guild_id)
            # No embed is no "embeds" key at all (discord.py would send an empty list for None).
            embed = post.embed if post.embed is not None else discord.utils.MISSING
            await channel.send(post.content, embed=embed, allowed_mentions=discord.AllowedMentions.none())
        except (discord.Forbidden, discord.NotFound) as error:
            self._refused(channel_id, what, error)
            return False
        except discord.HTTPException as error:
            log.warning("%s not posted in %s: %s", what, channel_id, error)
            return False
        except Exception:
            log.exception("%s not posted in %s", what, channel_id)
            return False
        self._refused_channels.discard(channel_id)
        return True

    def _refused(self, channel_id: int | None, what: str, error: discord.HTTPException) -> None:
        if channel_id is None or channel_id in self._refused_channels:
            log.debug("%s not posted in %s: %s", what, channel_id, error)
            return
        self._refused_channels.add(channel_id)
        log.warning(
            "nothing can be posted in the log channel %s (%s, a %s): said once until a post there succeeds "
            "(fix: give the bot View Channel, Send Messages and Embed Links there, or /settings log clear:)",
            channel_id,
            error,
            what,
        )

    async def _server_of(self, channel_id: int) -> int | None:
        """The server a channel is in (None: not a server's); a refusal to look raises as a post's would."""
        if channel_id not in self._servers_of:
            channel = self._client.get_channel(channel_id) or await self._client.fetch_channel(channel_id)
            guild = getattr(channel, "guild", None)  # a DM or group DM has none
            if not isinstance(guild, discord.Guild):
                return None
            self._servers_of[channel_id] = guild.id
        return self._servers_of[channel_id]

    def _elsewhere(self, guild_id: int, channel_id: int, what: str) -> None:
        if channel_id in self._refused_channels:
            log.debug("%s not posted in %s: not one of server %s's channels", what, channel_id, guild_id)
            return
        self._refused_channels.add(channel_id)
        log.warning(
            "the log channel %s set for server %s is in another server: nothing posted there, said once "
            "(a %s; fix: /settings log channel: again in that server)",
            channel_id,
            guild_id,
            what,
        )
