"""Each failure notice (core.jobs.failure_notices), posted to its server's log channel if one is set
(/settings log channel:, the moderation log's channel).

Failures happen where the queue runs: in a `worker` process too, which holds no gateway and loads no
extension. So this is not a cog but part of the client, like the reporter, and it reaches Discord over REST
only: a channel by its id (no cache needed), the server's language from the cache or GET /guilds/{id}. Each
post is a kept background task: the job's own failure and its delivery never wait on the log channel.

A channel the bot may no longer post in (a permission taken away, the channel deleted) is one warning per
channel, then quiet (debug) until a post there succeeds again: a broken backend fails many jobs, and the log
should not repeat the same warning for each one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

import discord

from background.log_context import log_context
from background.tasks import BackgroundTasks
from bot.locales import REFERENCE, Catalogue, Words
from bot.runtime import CoreRuntime
from bot.ui.failure_notice import failure_notice_text
from core.jobs.failure_notices import FailureNotice

log = logging.getLogger(__name__)

# Heard once each notice's post is settled: True if it was posted (tests wait on it).
PostListener = Callable[[FailureNotice, bool], None]


class FailurePosts:
    def __init__(
        self, client: discord.Client, runtime: CoreRuntime, catalogue: Catalogue, *, secrets: Iterable[str]
    ) -> None:
        self._client = client
        self._runtime = runtime
        self._catalogue = catalogue
        self._secrets = tuple(secret for secret in secrets if secret)
        self._tasks = BackgroundTasks("failure-posts")
        self._unsubscribe: Callable[[], None] = lambda: None
        self._refused_channels: set[int] = set()  # warned of once; quiet until a post there succeeds
        self._listeners: list[PostListener] = []

    def start(self) -> None:
        self._unsubscribe = self._runtime.failure_notices.subscribe(self._heard)

    async def close(self) -> None:
        self._unsubscribe()
        await self._tasks.drain(within_s=2.0)

    def subscribe(self, listener: PostListener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _heard(self, notice: FailureNotice) -> None:
        self._tasks.spawn(self._post_and_tell(notice), name=f"failure-post-{notice.failure.job.id}")

    async def _post_and_tell(self, notice: FailureNotice) -> None:
        job = notice.failure.job
        with log_context(guild_id=job.guild_id, user_id=job.user_id, job_id=job.id):
            posted = await self._post(notice)
            for listener in list(self._listeners):
                try:
                    listener(notice, posted)
                except Exception:
                    log.exception("a failure post listener failed")

    async def _post(self, notice: FailureNotice) -> bool:
        guild_id = notice.failure.job.guild_id
        channel_id: int | None = None
        try:
            policy = await self._runtime.guild_policies.get(guild_id)
            channel_id = policy.moderation_log_channel_id
            if channel_id is None:
                return False
            words = Words(self._catalogue, await self._server_locale(guild_id))
            text = failure_notice_text(words, notice, secrets=self._secrets)
            channel = self._client.get_partial_messageable(channel_id, guild_id=guild_id)
            await channel.send(text, allowed_mentions=discord.AllowedMentions.none())
        except (discord.Forbidden, discord.NotFound) as error:
            self._refused(channel_id, error)
            return False
        except discord.HTTPException as error:
            log.warning("failure notice not posted in %s: %s", channel_id, error)
            return False
        except Exception:
            log.exception("failure notice not posted in %s", channel_id)
            return False
        self._refused_channels.discard(channel_id)
        log.info("failure notice posted in %s (%d more counted)", channel_id, notice.more)
        return True

    def _refused(self, channel_id: int | None, error: discord.HTTPException) -> None:
        if channel_id is None or channel_id in self._refused_channels:
            log.debug("failure notice not posted in %s: %s", channel_id, error)
            return
        self._refused_channels.add(channel_id)
        log.warning(
            "failure notices cannot be posted in the log channel %s (%s): said once until a post there "
            "succeeds (fix: give the bot View Channel and Send Messages there, or /settings log clear:)",
            channel_id,
            error,
        )

    async def _server_locale(self, guild_id: int) -> str:
        """The server's language: from the gateway's cache, or asked over REST (a worker has no cache)."""
        guild = self._client.get_guild(guild_id)
        if guild is None:
            try:
                guild = await self._client.fetch_guild(guild_id)
            except discord.HTTPException as error:
                log.debug("server's language unknown (%s): in English", error)
                return REFERENCE
        return str(guild.preferred_locale)
