"""The emulator's part that acts as the members: slash commands, autocomplete, clicks, forms, messages and
reactions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import payloads
from .actions import BUTTON, STRING_SELECT, Actions
from .command_data import Upload
from .interaction_models import Interaction
from .messaging import Messaging
from .models import MANAGE_MESSAGES, READ_MESSAGE_HISTORY, VIEW_CHANNEL, Channel, Guild, Member, Message, User
from .world import World

# Reacting needs the message in sight: the channel, and its history ("Create Reaction": "This endpoint
# requires the READ_MESSAGE_HISTORY permission to be present on the current user",
# https://discord.com/developers/docs/resources/message#create-reaction).
_READ = VIEW_CHANNEL | READ_MESSAGE_HISTORY


class Acting:
    """Mixed into DiscordEmulator, which sets these up."""

    world: World
    messaging: Messaging
    _actions: Actions
    # Observing's: the message with this id.
    message: Callable[[int], Message]

    async def send_slash_command(
        self,
        guild: Guild | None,
        channel: Channel,
        member: Member | User,
        name: str,
        options: dict[str, Any] | None = None,
        attachments: dict[str, Upload] | None = None,
        subcommand: str | None = None,
        subcommand_group: str | None = None,
        guild_command: bool | None = None,
    ) -> Interaction:
        """Runs /name. Option types come from the synced command when there is one, else from the values.

        attachments maps option name to (filename, bytes, content_type); the bot can download them from
        the resolved attachment's url. guild_command=None adds data.guild_id only when the command was
        synced to that guild.
        """
        path = [p for p in (subcommand_group, subcommand) if p]
        return await self._actions.slash_command(
            guild, channel, member, name, options, attachments, path, guild_command
        )

    async def send_autocomplete(
        self,
        guild: Guild | None,
        channel: Channel,
        member: Member | User,
        name: str,
        options: dict[str, Any],
        focused: str,
        subcommand: str | None = None,
        subcommand_group: str | None = None,
        guild_command: bool | None = None,
    ) -> Interaction:
        """Asks for choices for option `focused`; the answer lands in interaction.autocomplete_choices."""
        path = [p for p in (subcommand_group, subcommand) if p]
        return await self._actions.autocomplete(
            guild, channel, member, name, options, focused, path, guild_command
        )

    async def click_button(
        self, message: Message | int, custom_id: str, member: Member | User
    ) -> Interaction:
        return await self._actions.component(self._message(message), member, custom_id, BUTTON, None)

    async def select_option(
        self, message: Message | int, custom_id: str, values: list[str], member: Member | User
    ) -> Interaction:
        return await self._actions.component(self._message(message), member, custom_id, STRING_SELECT, values)

    async def submit_modal(
        self,
        custom_id: str,
        fields: dict[str, str | list[str]],
        member: Member | User,
        channel: Channel,
        files: dict[str, list[Upload]] | None = None,
    ) -> Interaction:
        """Submits the modal; answers follow the layout of the last modal shown with that custom_id.

        `files`: (filename, bytes, content_type) put in each File Upload, by its custom_id."""
        return await self._actions.modal_submit(custom_id, fields, member, channel, files)

    async def send_message(
        self,
        channel: Channel,
        member: Member | User,
        content: str,
        *,
        reply_to: Message | None = None,
        ping_replied: bool = True,
        attachments: list[Upload] | None = None,
    ) -> Message:
        """A user posts in a channel, or replies to `reply_to` (a REPLY, type 19, pinging its author unless
        `ping_replied` is off or it is an interaction response), with files if given ((filename, bytes,
        content_type) each, served by the CDN). A bot without the message-content intent gets empty
        content, embeds, attachments and components unless the message mentions it or is in a DM (see
        mentions.hide_content); over REST the application's flag decides (rest/channels.py)."""
        return await self._actions.user_message(
            channel, member, content, reply_to=reply_to, ping_replied=ping_replied, uploads=attachments
        )

    def mention(self, who: Member | User) -> str:
        """How a member types a mention of `who` (the bot: `emu.mention(emu.bot_user)`)."""
        return f"<@{who.id}>"

    async def add_reaction(
        self, message_id: Message | int, channel: Channel, member: Member | User, emoji: str
    ) -> None:
        message = self._message(message_id)
        assert message.channel_id == channel.id, "the message is not in that channel"
        # An ephemeral message is "only visible to the user who invoked the Interaction" (EPHEMERAL flag,
        # https://discord.com/developers/docs/resources/message#message-object-message-flags) and not part of
        # the channel: the client offers it no reactions (and the reaction routes answer 10008 for it).
        assert not message.ephemeral, "nobody can react to an ephemeral message"
        guild = self.world.guilds.get(channel.guild_id) if channel.guild_id is not None else None
        if guild is not None and isinstance(member, Member):
            may = guild.permissions_in(channel, member)
            assert may & _READ == _READ, (
                f"{member.user.username} cannot read #{channel.name}, nor react there"
            )
        user = member.user if isinstance(member, Member) else member
        await self.messaging.add_reaction(message, user, payloads.emoji_from_path(emoji))

    async def remove_reaction(
        self, message_id: Message | int, channel: Channel, member: Member | User, emoji: str
    ) -> None:
        message = self._message(message_id)
        assert message.channel_id == channel.id, "the message is not in that channel"
        user = member.user if isinstance(member, Member) else member
        await self.messaging.remove_reaction(message, user, payloads.emoji_from_path(emoji))

    async def delete_message(self, message_id: Message | int, member: Member) -> None:
        """A member deletes a server message from the client: their own, or anyone's (the bot's too) with
        Manage Messages in its channel. Every later edit of it answers 404 Unknown Message (10008), through
        the channel route and the interaction webhook alike. An ephemeral message is not the channel's: its
        invoker can only dismiss it."""
        message = self._message(message_id)
        assert not message.ephemeral, "an ephemeral message is dismissed, not deleted"
        assert not message.deleted, "the message is already deleted"
        assert message.guild_id == member.guild_id, "the member is not in the message's server"
        if message.author.id != member.id:
            guild = self.world.guilds[member.guild_id]
            allowed = guild.permissions_in(self.world.channels[message.channel_id], member)
            assert allowed & MANAGE_MESSAGES, "deleting another's message needs Manage Messages"
        await self.messaging.delete(message)

    def _message(self, message: Message | int) -> Message:
        return message if isinstance(message, Message) else self.message(message)
