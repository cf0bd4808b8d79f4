"""Creating, editing and deleting messages and reactions, with the gateway echo real Discord sends back."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from . import payloads
from .filenames import cleansed
from .gateway import Gateway
from .models import Attachment, Channel, Message, Reaction, User, emoji_key
from .recorder import RecordedFile
from .world import World

GUILDS = 1 << 0
GUILD_MESSAGES, GUILD_MESSAGE_REACTIONS = 1 << 9, 1 << 10
DIRECT_MESSAGES, DIRECT_MESSAGE_REACTIONS = 1 << 12, 1 << 13


@dataclass
class Body:
    """A parsed request body: the JSON (or multipart payload_json) and any uploaded files."""

    json: Any
    files: list[RecordedFile]

    @property
    def fields(self) -> dict[str, Any]:
        return self.json if isinstance(self.json, dict) else {}


def _file_index(upload: RecordedFile) -> int | None:
    # discord.py names uploads "files[0]", "files[1]", ... and refers to them by that index.
    name = upload.field
    if name.startswith("files[") and name.endswith("]") and name[6:-1].isdigit():
        return int(name[6:-1])
    return None


class Messaging:
    def __init__(self, world: World, gateway: Gateway, on_change: Callable[[], Awaitable[None]]) -> None:
        self._world = world
        self._gateway = gateway
        self._on_change = on_change

    # attachments ---------------------------------------------------------------------------------------
    def resolve_attachments(
        self, fields: dict[str, Any], uploads: list[RecordedFile], existing: list[Attachment]
    ) -> list[Attachment] | None:
        """The message's new attachment list, or None when the request leaves attachments unchanged."""
        by_index = {i: u for u in uploads if (i := _file_index(u)) is not None}
        if "attachments" not in fields:
            if not uploads:
                return None
            return existing + [self._store(u, None, None) for u in uploads]
        kept = {a.id: a for a in existing}
        result: list[Attachment] = []
        for entry in fields["attachments"] or []:
            ref = int(entry["id"])
            if ref in by_index:
                upload = by_index.pop(ref)
                result.append(self._store(upload, entry.get("filename"), entry.get("description")))
            elif ref in kept:
                result.append(kept[ref])
        result.extend(self._store(u, None, None) for u in by_index.values())
        return result

    def _store(self, upload: RecordedFile, filename: str | None, description: str | None) -> Attachment:
        return self._world.store_attachment(
            cleansed(filename or upload.filename), upload.data, upload.content_type, description
        )

    def message_fields(
        self, data: dict[str, Any], uploads: list[RecordedFile], existing: list[Attachment]
    ) -> dict[str, Any]:
        """The message fields of a create/edit request body (or an interaction callback's data)."""
        fields = {k: v for k, v in data.items() if k in ("content", "embeds", "components", "flags")}
        attachments = self.resolve_attachments(data, uploads, existing)
        if attachments is not None:
            fields["attachments"] = attachments
        return fields

    # messages ------------------------------------------------------------------------------------------
    def _message_intent(self, message: Message) -> int:
        return GUILD_MESSAGES if message.guild_id is not None else DIRECT_MESSAGES

    def _heard(self, message: Message) -> bool:
        """The bot hears of a message on the gateway: not ephemeral, and in a place the bot is in (an answer
        of a user-installed app in a server without the bot, or in a group DM, sends it nothing)."""
        channel = self._world.channels.get(message.channel_id)
        return not message.ephemeral and channel is not None and self._world.bot_can_see(channel)

    async def post(self, channel: Channel, author: User, fields: dict[str, Any], **extra: Any) -> Message:
        message = self._world.create_message(channel, author, fields, **extra)
        if channel.archived and not message.ephemeral:
            # Sending a message in an archived thread unarchives it (topics/threads#archiving-unarchiving).
            channel.archived = False
            if self._world.bot_can_see(channel):
                await self._gateway.dispatch("THREAD_UPDATE", payloads.thread(channel), intent=GUILDS)
        if self._heard(message):
            data = payloads.message(message, me_id=self._world.bot_user.id)
            if channel.guild_id is not None and author.id in self._world.guilds[channel.guild_id].members:
                member = self._world.guilds[channel.guild_id].members[author.id]
                data["member"] = payloads.member(member, with_user=False)
            await self._gateway.dispatch("MESSAGE_CREATE", data, intent=self._message_intent(message))
        await self._on_change()
        return message

    async def edit(self, message: Message, fields: dict[str, Any]) -> Message:
        self._world.edit_message(message, fields)
        if self._heard(message):
            data = payloads.message(message, me_id=self._world.bot_user.id)
            await self._gateway.dispatch("MESSAGE_UPDATE", data, intent=self._message_intent(message))
        await self._on_change()
        return message

    async def delete(self, message: Message) -> None:
        message.deleted = True
        if self._heard(message):
            data: dict[str, Any] = {"id": str(message.id), "channel_id": str(message.channel_id)}
            if message.guild_id is not None:
                data["guild_id"] = str(message.guild_id)
            await self._gateway.dispatch("MESSAGE_DELETE", data, intent=self._message_intent(message))
        await self._on_change()

    # reactions -----------------------------------------------------------------------------------------
    def _reaction_event(self, message: Message, user: User, emoji: dict[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = {
            "user_id": str(user.id),
            "channel_id": str(message.channel_id),
            "message_id": str(message.id),
            "emoji": emoji,
            "burst": False,
            "type": 0,
        }
        if message.guild_id is not None:
            data["guild_id"] = str(message.guild_id)
        return data

    def _reaction_intent(self, message: Message) -> int:
        return GUILD_MESSAGE_REACTIONS if message.guild_id is not None else DIRECT_MESSAGE_REACTIONS

    async def add_reaction(self, message: Message, user: User, emoji: dict[str, Any]) -> bool:
        """Adds the reaction and dispatches MESSAGE_REACTION_ADD; False if the user had already reacted."""
        reaction = message.reaction(emoji_key(emoji))
        if reaction is None:
            reaction = Reaction(emoji=emoji)
            message.reactions.append(reaction)
        if user.id in reaction.user_ids:
            return False
        reaction.user_ids.append(user.id)
        data = self._reaction_event(message, user, emoji)
        data["message_author_id"] = str(message.author.id)
        data["burst_colors"] = []
        guild = self._world.guilds.get(message.guild_id) if message.guild_id is not None else None
        if guild is not None and user.id in guild.members:
            data["member"] = payloads.member(guild.members[user.id])
        await self._gateway.dispatch("MESSAGE_REACTION_ADD", data, intent=self._reaction_intent(message))
        await self._on_change()
        return True

    async def remove_reaction(self, message: Message, user: User, emoji: dict[str, Any]) -> bool:
        reaction = message.reaction(emoji_key(emoji))
        if reaction is None or user.id not in reaction.user_ids:
            return False
        reaction.user_ids.remove(user.id)
        if not reaction.user_ids:
            message.reactions.remove(reaction)
        data = self._reaction_event(message, user, emoji)
        await self._gateway.dispatch("MESSAGE_REACTION_REMOVE", data, intent=self._reaction_intent(message))
        await self._on_change()
        return True

    async def clear_reactions(self, message: Message, emoji: dict[str, Any] | None) -> None:
        base: dict[str, Any] = {"channel_id": str(message.channel_id), "message_id": str(message.id)}
        if message.guild_id is not None:
            base["guild_id"] = str(message.guild_id)
        if emoji is None:
            message.reactions.clear()
            await self._gateway.dispatch(
                "MESSAGE_REACTION_REMOVE_ALL", base, intent=self._reaction_intent(message)
            )
        else:
            message.reactions = [r for r in message.reactions if r.key != emoji_key(emoji)]
            event = {**base, "emoji": emoji}
            await self._gateway.dispatch(
                "MESSAGE_REACTION_REMOVE_EMOJI", event, intent=self._reaction_intent(message)
            )
        await self._on_change()
