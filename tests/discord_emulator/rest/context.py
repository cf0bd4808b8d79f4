"""What every REST handler can reach, stored on the aiohttp application."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from ..faults import FaultPlan
from ..gateway import Gateway
from ..messaging import Body, Messaging
from ..models import VIEW_CHANNEL, Attachment, Channel, Guild, Message, MessageRevision
from ..recorder import CallRecorder
from ..world import World
from .responses import DiscordError, missing_permissions, unknown_channel, unknown_message
from .validation import validate_components, validate_message


@dataclass
class RestContext:
    world: World
    gateway: Gateway
    messaging: Messaging
    recorder: CallRecorder
    faults: FaultPlan
    notify: Callable[[], Awaitable[None]]
    cdn_downloads: list[int] = field(default_factory=list)
    cdn_bytes_sent: dict[int, int] = field(
        default_factory=dict
    )  # attachment id -> bytes of the last download
    typing: list[int] = field(default_factory=list)  # channel ids, one per POST /typing

    def channel(self, raw_id: str) -> Channel:
        channel = self.world.channels.get(int(raw_id)) if raw_id.isdigit() else None
        if channel is None:
            raise unknown_channel()
        return channel

    def message_in(self, channel: Channel, raw_id: str) -> Message:
        message = self.world.message(int(raw_id)) if raw_id.isdigit() else None
        # Ephemeral messages exist only behind the interaction's webhook, never in the channel: "only
        # visible to the user who invoked the Interaction" (EPHEMERAL flag,
        # https://discord.com/developers/docs/resources/message#message-object-message-flags), edited
        # through /webhooks/{application_id}/{token}/messages/... while the token lives (15 minutes).
        if message is None or message.deleted or message.ephemeral or message.channel_id != channel.id:
            raise unknown_message()
        return message

    def require_bot_permissions(self, channel: Channel, needed: int) -> None:
        """403 Missing Access without VIEW_CHANNEL, 403 Missing Permissions otherwise. A place the bot is not
        in (a server without it, where only a member's own install of the app answered; a group DM) is out
        of reach with the bot token: only the interaction's webhook can post there."""
        if not self.world.bot_can_see(channel):
            raise DiscordError(403, 50001, "Missing Access")
        if channel.guild_id is None:
            return
        guild = self.world.guilds[channel.guild_id]
        granted = guild.permissions_in(channel, guild.members[self.world.bot_user.id])
        if not granted & VIEW_CHANNEL:
            raise DiscordError(403, 50001, "Missing Access")
        if granted & needed != needed:
            raise missing_permissions()

    def guild(self, raw_id: str) -> Guild:
        guild = self.world.guilds.get(int(raw_id)) if raw_id.isdigit() else None
        if guild is None:
            raise DiscordError(404, 10004, "Unknown Guild")
        if not self.world.has_bot(guild.id):
            raise DiscordError(403, 50001, "Missing Access")
        return guild


CONTEXT = web.AppKey("discord_emulator_context", RestContext)
BODY = web.RequestKey("discord_emulator_body", Body)


def context(request: web.Request) -> RestContext:
    return request.app[CONTEXT]


def body(request: web.Request) -> Body:
    return request[BODY]


def message_fields(
    request: web.Request,
    existing: list[Attachment],
    data: dict[str, Any] | None = None,
    *,
    current: MessageRevision | None = None,
) -> dict[str, Any]:
    """The message fields of the request body (or of `data`, an interaction callback's), validated
    against Discord's limits, with uploads turned into stored attachments. `current` is the message an
    edit changes (None for a new message): the components V2 flag rules depend on it."""
    parsed = body(request)
    raw = parsed.fields if data is None else data
    validate_message(raw)
    fields = context(request).messaging.message_fields(raw, parsed.files, existing)
    validate_message(fields)
    validate_components(raw, fields, current, existing)
    return fields
