"""What users do: run slash commands, click buttons, pick options, submit modals, react and talk.

Each action builds the gateway payload real Discord would send and dispatches it to the bot.
"""

from __future__ import annotations

import secrets
from typing import Any

from . import payloads
from .command_data import Upload, command_data
from .gateway import Gateway
from .installs import Authorization, authorize_command, authorize_component
from .interaction_models import Interaction, InteractionType
from .mentions import hide_content, notified_user_ids
from .messaging import Messaging
from .modal_answers import NotSubmittable, check_uploads, modal_components
from .models import Channel, Guild, Member, Message, User
from .world import World

BUTTON, STRING_SELECT = 2, 3
MESSAGE_CONTENT = 1 << 15
REPLY = 19  # the message type of a reply


class Actions:
    def __init__(self, world: World, gateway: Gateway, messaging: Messaging) -> None:
        self._world = world
        self._gateway = gateway
        self._messaging = messaging

    # the common part of every interaction --------------------------------------------------------------
    def _new_interaction(
        self,
        kind: InteractionType,
        channel: Channel,
        who: Member | User,
        data: dict[str, Any],
        auth: Authorization,
    ) -> Interaction:
        world = self._world
        user = who.user if isinstance(who, Member) else who
        interaction_id = world.snowflakes.next()
        token = "aW50ZXJhY3Rpb24" + secrets.token_urlsafe(96)
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(world.application_id),
            "type": int(kind),
            "token": token,
            "version": 1,
            "data": data,
            "channel_id": str(channel.id),
            "channel": payloads.channel(channel),
            "locale": user.locale,
            "entitlements": [],
            "attachment_size_limit": world.upload_limit,
            "app_permissions": str(auth.app_permissions),
            "authorizing_integration_owners": auth.owners,
            "context": auth.context,
        }
        guild = world.guilds.get(channel.guild_id) if channel.guild_id is not None else None
        if guild is not None:
            member = who if isinstance(who, Member) else guild.members[user.id]
            payload.update(
                {
                    "guild_id": str(guild.id),
                    "guild": {"id": str(guild.id), "locale": guild.preferred_locale, "features": []},
                    "guild_locale": guild.preferred_locale,
                    "member": payloads.member(member, permissions=guild.permissions_in(channel, member)),
                }
            )
        else:
            payload["user"] = payloads.user(user)
        interaction = Interaction(
            id=interaction_id,
            token=token,
            type=kind,
            guild_id=guild.id if guild is not None else None,
            channel_id=channel.id,
            user=user,
            payload=payload,
            created_at=world.now(),
            context=auth.context,
            owners=auth.owners,
            forced_ephemeral=auth.forced_ephemeral,
        )
        world.add_interaction(interaction)
        return interaction

    def _authorize(
        self, guild: Guild | None, channel: Channel, who: Member | User, name: str
    ) -> Authorization:
        command = self._world.find_command(name, guild.id if guild is not None else None)
        return authorize_command(self._world, command, channel, _user(who))

    async def _dispatch(self, interaction: Interaction) -> Interaction:
        await self._gateway.dispatch("INTERACTION_CREATE", interaction.payload)
        return interaction

    async def slash_command(
        self,
        guild: Guild | None,
        channel: Channel,
        member: Member | User,
        name: str,
        options: dict[str, Any] | None,
        attachments: dict[str, Upload] | None,
        path: list[str],
        guild_command: bool | None,
    ) -> Interaction:
        auth = self._authorize(guild, channel, member, name)
        data = command_data(self._world, guild, name, options or {}, attachments or {}, path, guild_command)
        interaction = self._new_interaction(InteractionType.APPLICATION_COMMAND, channel, member, data, auth)
        return await self._dispatch(interaction)

    async def autocomplete(
        self,
        guild: Guild | None,
        channel: Channel,
        member: Member | User,
        name: str,
        options: dict[str, Any],
        focused: str,
        path: list[str],
        guild_command: bool | None,
    ) -> Interaction:
        auth = self._authorize(guild, channel, member, name)
        data = command_data(self._world, guild, name, options, {}, path, guild_command, focused=focused)
        interaction = self._new_interaction(InteractionType.AUTOCOMPLETE, channel, member, data, auth)
        return await self._dispatch(interaction)

    # components ----------------------------------------------------------------------------------------
    async def component(
        self,
        message: Message,
        member: Member | User,
        custom_id: str,
        component_type: int,
        values: list[str] | None,
    ) -> Interaction:
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component_type}
        if values is not None:
            data["values"] = values
        channel = self._world.channels[message.channel_id]
        made_by = message.interaction_metadata or {}
        # An ephemeral message is "only visible to the user who invoked the Interaction" (EPHEMERAL flag,
        # resources/message#message-object-message-flags): nobody else sees its buttons to click them.
        if message.ephemeral and str(_user(member).id) != str((made_by.get("user") or {}).get("id")):
            raise ValueError(f"message {message.id} is ephemeral: only its invoking user sees it")
        owners = made_by.get("authorizing_integration_owners") if made_by else None
        auth = authorize_component(self._world, channel, _user(member), owners)
        interaction = self._new_interaction(InteractionType.MESSAGE_COMPONENT, channel, member, data, auth)
        interaction.payload["message"] = payloads.message(message, me_id=self._world.bot_user.id)
        interaction.source_message_id = message.id
        return await self._dispatch(interaction)

    async def modal_submit(
        self,
        custom_id: str,
        fields: dict[str, str | list[str]],
        member: Member | User,
        channel: Channel,
        files: dict[str, list[Upload]] | None = None,
    ) -> Interaction:
        shown = next(
            (
                i
                for i in reversed(self._world.interactions.values())
                if i.modal and i.modal.get("custom_id") == custom_id
            ),
            None,
        )
        layout = (shown.modal or {}).get("components", []) if shown is not None else []
        files = files or {}
        check_uploads(layout, {key: len(given) for key, given in files.items()})
        uploads, resolved = self._uploaded(files)
        data: dict[str, Any] = {
            "custom_id": custom_id,
            "components": modal_components(layout, fields, uploads),
        }
        if resolved:
            data["resolved"] = {"attachments": resolved}
        owners = shown.owners if shown is not None else None
        auth = authorize_component(self._world, channel, _user(member), owners)
        interaction = self._new_interaction(InteractionType.MODAL_SUBMIT, channel, member, data, auth)
        if shown is not None and shown.source_message_id is not None:
            source = self._world.message(shown.source_message_id)
            if source is not None:
                interaction.payload["message"] = payloads.message(source, me_id=self._world.bot_user.id)
                interaction.source_message_id = source.id
        return await self._dispatch(interaction)

    def _uploaded(
        self, files: dict[str, list[Upload]]
    ) -> tuple[dict[str, list[str]], dict[str, dict[str, Any]]]:
        """Files put in a modal's uploads: stored as ephemeral attachments on the CDN ("The max file size
        a user can upload is based on the user's upload limit in that channel")."""
        uploads: dict[str, list[str]] = {}
        resolved: dict[str, dict[str, Any]] = {}
        for key, given in files.items():
            for filename, content, content_type in given:
                if len(content) > self._world.upload_limit:
                    raise NotSubmittable(f"{filename} is over the upload limit")
                stored = self._world.store_attachment(filename, content, content_type)
                stored.ephemeral = True
                uploads.setdefault(key, []).append(str(stored.id))
                resolved[str(stored.id)] = payloads.attachment(stored)
        return uploads, resolved

    # messages ------------------------------------------------------------------------------------------
    async def user_message(
        self,
        channel: Channel,
        member: Member | User,
        content: str,
        *,
        reply_to: Message | None = None,
        ping_replied: bool = True,
        uploads: list[Upload] | None = None,
    ) -> Message:
        user = member.user if isinstance(member, Member) else member
        world = self._world
        files = [world.store_attachment(name, data, kind) for name, data, kind in uploads or []]
        extra: dict[str, Any] = {}
        replied_author_id = None
        if reply_to is not None:
            assert reply_to.channel_id == channel.id, "a reply is in the channel of the message it answers"
            extra.update(referenced_message_id=reply_to.id, type=REPLY)
            replied_author_id = reply_to.author.id
        # What Discord's client sends: every mention typed in the content pings, and the reply pings its
        # author unless the member turned "@ON" off.
        allowed = {"parse": ["users", "roles", "everyone"], "replied_user": ping_replied}
        if reply_to is not None and reply_to.interaction_metadata is not None:
            # A reply to an interaction response does not count as mentioning the app
            # (https://github.com/discord/discord-api-docs/issues/5395): only a typed @mention does.
            allowed["replied_user"] = False
        extra["notified_user_ids"] = notified_user_ids(content, allowed, replied_author_id)
        message = world.create_message(channel, user, {"content": content, "attachments": files}, **extra)
        data = payloads.message(message, me_id=world.bot_user.id, users=world.users)
        if reply_to is not None:
            replied = payloads.message(reply_to, me_id=world.bot_user.id, users=world.users)
            data["referenced_message"] = replied
        session = self._gateway.session_for(channel.guild_id)
        if session is not None and not session.intents & MESSAGE_CONTENT:
            hide_content(data, world.bot_user.id, message.notified_user_ids, is_dm=channel.guild_id is None)
        if channel.guild_id is not None and isinstance(member, Member):
            data["member"] = payloads.member(member, with_user=False)
        intent = (1 << 9) if channel.guild_id is not None else (1 << 12)
        await self._gateway.dispatch("MESSAGE_CREATE", data, intent=intent)
        return message


def _user(who: Member | User) -> User:
    return who.user if isinstance(who, Member) else who
