"""The Discord message that shows a job, and how to edit it.

While the interaction's token lives the message is edited through the interaction webhook (which needs no
channel permissions). Near the token's 15-minute end, or when Discord says the token is gone (401/50027,
404/10015), the same message is edited as a normal channel message with the bot token
(PATCH /channels/{channel_id}/messages/{message_id}): a non-ephemeral interaction response is a message the
bot wrote. After a restart only the stored ids are left, which is enough for the channel route.

A message deleted by hand is gone for both routes: the token's edit answers 404 Unknown Message (10008,
https://discord.com/developers/docs/topics/opcodes-and-status-codes#json) like the channel route's, and the
result goes to a new channel message (or, for a token-only job, by direct message).

Where the channel route cannot work:
- an ephemeral reply exists only behind its interaction's token: Discord answers 404 Unknown Message
  (`MessageGone`), and the result goes to a new channel message. A private job's reply (core.jobs.privacy)
  is ephemeral on purpose, so it is never tried: like a personal scope's, it is edited through the token
  only (`token_only`), and outlives it as bot.reporting.personal says;
- a channel the bot cannot see (its View Channel permission was taken away, or the channel was deleted):
  403 Missing Access or 404 Unknown Channel (`ChannelUnreachable`), and the result goes to the requester by
  direct message.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

import discord

from background.log_context import log_context
from bot.metrics.discord_errors import record_discord_error
from bot.reporting.config import ReportingConfig
from bot.reporting.stored_token import ResponseToken, StoredInteraction
from bot.ui.job_messages import Rendering
from bot.ui.requesters import guild_id_of
from core.jobs.scopes import is_personal
from core.jobs.snapshots import JobView

log = logging.getLogger(__name__)

# (HTTP status, Discord error code) pairs meaning "this interaction token no longer works".
_TOKEN_GONE = {(401, 50027), (404, 10015)}
_SERVER_ERROR = 500
_UNKNOWN_CHANNEL = 10003
# Why a token is given up before Discord refuses it (said in drop_token's log line).
DEADLINE_REASON = "its 15 minutes are nearly over"
# The token still works but its message was deleted (by hand, say): what the channel route would answer too.
_UNKNOWN_MESSAGE = (404, 10008)


class MessageGone(Exception):
    """The job's message was deleted (or cannot be edited without its token); the result needs a new one."""


class ChannelUnreachable(MessageGone):
    """The bot cannot see the job's channel any more; nothing can be posted there either."""


class TokenEnded(MessageGone):
    """A message only the interaction's token can edit (a personal scope), and the token is over."""


class PayloadTooLarge(Exception):
    """Discord refused the upload as too large (413): shrink the files and try again."""


@dataclass
class MessageTarget:
    channel_id: int
    message_id: int
    upload_limit: int
    job_id: int
    interaction: ResponseToken | None = None
    token_deadline: float | None = None  # time.monotonic() after which the token is not used
    # A personal scope (core.jobs.scopes), where the bot's own token cannot reach the channel, or a private
    # job's ephemeral reply, which no channel route reaches: the message is edited through the interaction's
    # token or not at all (bot.reporting.personal). See `token_only_for`.
    token_only: bool = False
    _last_files: tuple[tuple[str, int], ...] | None = None

    def token_usable(self) -> bool:
        if self.interaction is None:
            return False
        return self.token_deadline is None or time.monotonic() < self.token_deadline

    def drop_token(self, reason: str) -> None:
        if self.interaction is not None and self.token_only:
            with log_context(job_id=self.job_id):
                log.info("the interaction token is over (%s); nothing else can edit this message", reason)
        elif self.interaction is not None:
            with log_context(job_id=self.job_id):
                log.info(
                    "the interaction token no longer works (%s); editing through "
                    "PATCH /channels/%s/messages/%s from now on",
                    reason,
                    self.channel_id,
                    self.message_id,
                )
        self.interaction = None


def token_only_for(job: JobView) -> bool:
    """Whether only the interaction's token reaches this job's message: a personal scope's, or a private
    job's (ephemeral) reply."""
    return is_personal(job.guild_id) or job.private


def target_for_interaction(
    interaction: discord.Interaction,
    message_id: int,
    job: JobView,
    config: ReportingConfig,
    *,
    followup: bool = False,
) -> MessageTarget:
    """`followup`: the message is one of the interaction's followups (a permutation prompt's second job...),
    edited by its id through the token, not as the original response."""
    token: ResponseToken = interaction
    if followup:
        application_id = interaction.application_id
        token = StoredInteraction(interaction.client, application_id, interaction.token, message_id)
    return MessageTarget(
        channel_id=interaction.channel_id or 0,
        message_id=message_id,
        upload_limit=interaction.filesize_limit or config.default_upload_limit,
        job_id=job.id,
        interaction=token,
        token_deadline=time.monotonic() + config.token_lifetime_s,
        token_only=is_personal(guild_id_of(interaction)) or job.private,
    )


class MessageEditor:
    """Edits job messages, with 5xx retries and the token → channel fallback."""

    def __init__(self, client: discord.Client, config: ReportingConfig) -> None:
        self._client = client
        self._config = config

    @property
    def client(self) -> discord.Client:
        return self._client

    async def edit(self, target: MessageTarget, rendering: Rendering) -> discord.Message:
        delay = self._config.server_error_backoff_s
        for attempt in range(self._config.server_error_retries + 1):
            try:
                return await self._edit_once(target, rendering)
            except discord.DiscordServerError as error:  # counted where it was raised, in _edit_once
                if attempt == self._config.server_error_retries:
                    raise
                log.warning(
                    "message_id=%s: Discord answered %s; retrying in %.2f s",
                    target.message_id,
                    error.status,
                    delay,
                )
                await asyncio.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")

    async def _edit_once(self, target: MessageTarget, rendering: Rendering) -> discord.Message:
        files_key = tuple((f.filename, hash(f.data)) for f in rendering.files)
        keep_files = files_key == target._last_files
        interaction = target.interaction if target.token_usable() else None
        if interaction is not None:
            try:
                message: discord.Message = await _edit_interaction(interaction, rendering, keep_files)
            except discord.HTTPException as error:
                record_discord_error(error.code or error.status)
                if (error.status, error.code) == _UNKNOWN_MESSAGE:
                    raise _deleted(target, error) from error
                if (error.status, error.code) not in _TOKEN_GONE:
                    _raise_too_large(error)
                    raise
                target.drop_token(f"{error.status}/{error.code}")
            else:
                target._last_files = files_key
                return message
        elif target.interaction is not None and not target.token_only:
            # (a token-only target keeps it: the reporter's last word goes through it, personal.py)
            target.drop_token("token about to expire")
        if target.token_only:
            raise TokenEnded(f"message {target.message_id} can only be edited with its interaction's token")
        partial = self._client.get_partial_messageable(target.channel_id).get_partial_message(
            target.message_id
        )
        try:
            message = await _edit_channel_message(partial, rendering, keep_files)
        except (discord.Forbidden, discord.NotFound) as error:
            record_discord_error(error.code or error.status)
            raise _why_unreachable(target, error) from error
        except discord.HTTPException as error:
            record_discord_error(error.code or error.status)
            _raise_too_large(error)
            raise
        target._last_files = files_key
        return message

    async def post(self, channel_id: int, rendering: Rendering) -> discord.Message:
        """A new channel message (for a job without one, or whose message was deleted)."""
        channel = self._client.get_partial_messageable(channel_id)
        delay = self._config.server_error_backoff_s
        for attempt in range(self._config.server_error_retries + 1):
            try:
                files = [f.to_discord() for f in rendering.files]
                return await channel.send(view=rendering.layout(), files=files)
            except discord.DiscordServerError as error:
                record_discord_error(error.code or error.status)
                if attempt == self._config.server_error_retries:
                    raise
                await asyncio.sleep(delay)
                delay *= 2
            except discord.HTTPException as error:
                record_discord_error(error.code or error.status)
                _raise_too_large(error)
                raise
        raise AssertionError("unreachable")

    async def post_direct(self, user_id: int, rendering: Rendering) -> discord.Message:
        """A direct message to `user_id`; raises discord.Forbidden when they accept none from the bot."""
        user = self._client.get_user(user_id) or await self._client.fetch_user(user_id)
        files = [f.to_discord() for f in rendering.files]
        try:
            return await user.send(view=rendering.layout(), files=files)
        except discord.HTTPException as error:
            record_discord_error(error.code or error.status)
            raise


# Every edit is components V2 (bot/ui/rendering.py says why) and empties `content` and `embeds`, as an edit
# that sets the flag must. Unchanged files (keep_files) are left in place instead of being uploaded again;
# the layout refers to them by name (attachment://).
async def _edit_interaction(
    interaction: ResponseToken, rendering: Rendering, keep_files: bool
) -> discord.Message:
    if keep_files:
        return await interaction.edit_original_response(content=None, embed=None, view=rendering.layout())
    return await interaction.edit_original_response(
        content=None,
        embed=None,
        view=rendering.layout(),
        attachments=[f.to_discord() for f in rendering.files],
    )


async def _edit_channel_message(
    message: discord.PartialMessage, rendering: Rendering, keep_files: bool
) -> discord.Message:
    if keep_files:
        return await message.edit(content=None, embed=None, view=rendering.layout())
    return await message.edit(
        content=None,
        embed=None,
        view=rendering.layout(),
        attachments=[f.to_discord() for f in rendering.files],
    )


def _why_unreachable(target: MessageTarget, error: discord.HTTPException) -> MessageGone:
    if isinstance(error, discord.Forbidden) or error.code == _UNKNOWN_CHANNEL:
        with log_context(job_id=target.job_id):
            log.info(
                "the bot cannot see this channel, %s (%s/%s)", target.channel_id, error.status, error.code
            )
        return ChannelUnreachable(f"channel {target.channel_id} is out of the bot's sight")
    with log_context(job_id=target.job_id):
        log.info(
            "the channel route cannot edit this message, %s (%s/%s: deleted, or an ephemeral reply)",
            target.message_id,
            error.status,
            error.code,
        )
    return MessageGone(f"message {target.message_id} is gone")


def _deleted(target: MessageTarget, error: discord.HTTPException) -> MessageGone:
    with log_context(job_id=target.job_id):
        log.info(
            "the interaction webhook says this message was deleted, %s (%s/%s)",
            target.message_id,
            error.status,
            error.code,
        )
    return MessageGone(f"message {target.message_id} was deleted")


def _raise_too_large(error: discord.HTTPException) -> None:
    if error.status == 413:
        raise PayloadTooLarge(str(error)) from error
