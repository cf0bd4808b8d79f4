"""Files a member hands the bot on Discord: an attachment option, or a link to a message that has one.

A message link is followed only inside the guild the command runs in, and only into a channel the member
can read (View Channel and Read Message History, from the member's own roles and the channel's
overwrites, not the bot's): another guild's link, a channel they cannot see and one that does not exist
all get the same private answer, so a link says nothing about channels the member cannot see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import aiohttp
import discord

from bot.inputs.capped_read import FILE, read_capped
from bot.inputs.message_links import chosen_file, find_message_link, is_file_link
from bot.ui.shown_media import shown_media
from core.errors import UserFacingError
from core.texts import Text

NOT_VISIBLE = Text(
    "links.not_visible",
    "I can only use a message from this server, in a channel you can see. Copy the link of a message "
    "here, or attach the file.",
)

# Used through someone's own install (a DM, a group DM, a server without the bot): no channel to read from.
NOT_IN_REACH = Text(
    "links.not_in_reach",
    "I can't read messages here (you use me through your own install), so I can't follow a message link. "
    "Attach the file instead, or use the buttons under one of my results.",
)


@dataclass(frozen=True, slots=True)
class FetchedFile:
    """Bytes read from Discord and where they came from; the core decides what they are."""

    data: bytes
    declared_name: str
    origin: Literal["attachment", "message"]
    source_url: str
    # The linked message, when it is one of the bot's own (a result whose job the new one comes from).
    own_message_id: int | None = None


class DiscordFiles:
    """Reads attachments and linked messages' files through the process's one aiohttp session."""

    def __init__(self, http: aiohttp.ClientSession, *, max_bytes: int) -> None:
        self._http = http
        self._max_bytes = max_bytes

    async def attachment(self, attachment: discord.Attachment, *, what: Text = FILE) -> FetchedFile:
        data = await read_capped(
            self._http, attachment.url, max_bytes=self._max_bytes, declared_size=attachment.size, what=what
        )
        return FetchedFile(data, attachment.filename, "attachment", attachment.url)

    async def linked(
        self, interaction: discord.Interaction, text: str, *, media: str, what: Text = FILE
    ) -> FetchedFile:
        """The file on the message ``text`` links to; ``media`` ("image", "audio") picks among several."""
        message = await self._linked_message(interaction, text)
        file = _pick(_files_of(message), media, chosen_file(text))
        if file is None:
            raise UserFacingError(
                Text(
                    "links.no_file",
                    "I see no file on that message. Attach the file instead, or link one of my results "
                    "(or a message that mentions me: without that I can't see members' files).",
                )
            )
        data = await read_capped(
            self._http, file.url, max_bytes=self._max_bytes, declared_size=file.size, what=what
        )
        mine = interaction.client.user is not None and message.author.id == interaction.client.user.id
        own = message.id if mine else None
        return FetchedFile(data, file.filename, "message", message.jump_url, own_message_id=own)

    async def _linked_message(self, interaction: discord.Interaction, text: str) -> discord.Message:
        link = find_message_link(text)
        if link is None and is_file_link(text):
            # The file's own address says nothing checkable about where it was posted.
            raise UserFacingError(
                Text(
                    "links.file_link",
                    "That's a link to the file itself; I need the link to its message (the message's "
                    "menu → Copy Message Link) to check where it was posted, or attach the file.",
                )
            )
        if link is None:
            raise UserFacingError(
                Text(
                    "links.not_a_link",
                    "That isn't a message link. Use a message's menu → Copy Message Link, or attach "
                    "the file.",
                )
            )
        if interaction.guild_id is None or not interaction.is_guild_integration():
            raise UserFacingError(NOT_IN_REACH)
        guild = interaction.guild
        member = interaction.user
        if guild is None or link.guild_id != guild.id or not isinstance(member, discord.Member):
            raise UserFacingError(NOT_VISIBLE)
        channel = guild.get_channel_or_thread(link.channel_id)
        if not isinstance(channel, discord.abc.Messageable) or not _member_can_read(channel, member):
            raise UserFacingError(NOT_VISIBLE)
        try:
            return await channel.fetch_message(link.message_id)
        except discord.NotFound as error:
            raise UserFacingError(Text("links.gone", "That message no longer exists.")) from error
        except discord.Forbidden as error:
            raise UserFacingError(
                Text(
                    "links.forbidden",
                    "I'm not allowed to read that channel; attach the file instead, or ask a moderator "
                    "to let me read its message history.",
                )
            ) from error
        except discord.HTTPException as error:
            raise UserFacingError(
                Text("links.failed", "Discord didn't give me that message; please try again.")
            ) from error


def _member_can_read(channel: discord.abc.Messageable, member: discord.Member) -> bool:
    if not isinstance(channel, discord.abc.GuildChannel | discord.Thread):
        return False
    permissions = channel.permissions_for(member)
    return permissions.view_channel and permissions.read_message_history


@dataclass(frozen=True, slots=True)
class _MessageFile:
    url: str
    filename: str
    content_type: str | None
    size: int | None  # None: Discord does not say (a file shown by a component)


def _files_of(message: discord.Message) -> list[_MessageFile]:
    """The message's files: its attachments, then those its components show (a components V2 message,
    such as the bot's results, lists only the others in `attachments`)."""
    files = [_MessageFile(a.url, a.filename, a.content_type, a.size) for a in message.attachments]
    files += [_MessageFile(m.url, m.filename, m.content_type, None) for m in shown_media(message)]
    return files


def _pick(files: list[_MessageFile], media: str, chosen: int | None) -> _MessageFile | None:
    """The file that says it is ``media`` (the one numbered ``chosen`` of several), else the first file
    (what it is gets decoded later). Several and none chosen is refused: a link to a result of four
    images would otherwise start from the first, unsaid."""
    said = [file for file in files if (file.content_type or "").startswith(f"{media}/")]
    count, noun = len(said), Text(f"links.several.{media}", f"{media} files")
    if count <= 1:  # the one file, whatever number was typed
        return said[0] if said else (files[0] if files else None)
    if chosen is not None and not 1 <= chosen <= count:
        raise UserFacingError(
            Text(
                "links.no_such_file",
                f"That message has {count} {noun}; there is no #{chosen}.",
                {"count": count, "noun": noun, "chosen": chosen},
            )
        )
    if chosen is not None:
        return said[chosen - 1]
    raise UserFacingError(
        Text(
            "links.which_file",
            f"That message has {count} {noun}: add which one after the link, like “#2”.",
            {"count": count, "noun": noun},
        )
    )
