"""What every REST handler can reach, stored on the aiohttp application."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from ..faults import FaultPlan
from ..gateway import Gateway
from ..messaging import Body, Messaging
from ..models import Attachment, Channel, Guild, Message
from ..recorder import CallRecorder
from ..world import World
from .responses import DiscordError, unknown_channel, unknown_message


@dataclass
class RestContext:
    world: World
    gateway: Gateway
    messaging: Messaging
    recorder: CallRecorder
    faults: FaultPlan
    notify: Callable[[], Awaitable[None]]
    cdn_downloads: list[int] = field(default_factory=list)

    def channel(self, raw_id: str) -> Channel:
        channel = self.world.channels.get(int(raw_id)) if raw_id.isdigit() else None
        if channel is None:
            raise unknown_channel()
        return channel

    def message_in(self, channel: Channel, raw_id: str) -> Message:
        message = self.world.message(int(raw_id)) if raw_id.isdigit() else None
        # Ephemeral messages exist only behind the interaction's webhook, never in the channel.
        if message is None or message.deleted or message.ephemeral or message.channel_id != channel.id:
            raise unknown_message()
        return message

    def guild(self, raw_id: str) -> Guild:
        guild = self.world.guilds.get(int(raw_id)) if raw_id.isdigit() else None
        if guild is None:
            raise DiscordError(404, 10004, "Unknown Guild")
        return guild


CONTEXT = web.AppKey("discord_emulator_context", RestContext)
BODY = web.RequestKey("discord_emulator_body", Body)


def context(request: web.Request) -> RestContext:
    return request.app[CONTEXT]


def body(request: web.Request) -> Body:
    return request[BODY]


def message_fields(request: web.Request, existing: list[Attachment]) -> dict[str, Any]:
    """The message fields of the request body, with uploads turned into stored attachments."""
    parsed = body(request)
    return context(request).messaging.message_fields(parsed.fields, parsed.files, existing)
