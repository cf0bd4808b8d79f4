"""Who an interaction is authorized by, and what the app may do there: installation and interaction contexts.

From Discord's documentation:
- Interaction context types (receiving-and-responding#interaction-object-interaction-context-types): GUILD 0,
  BOT_DM 1 ("DMs with the app's bot user"), PRIVATE_CHANNEL 2 ("Group DMs and DMs other than the app's bot
  user").
- Authorizing integration owners (…#interaction-object-authorizing-integration-owners-object): a key is
  present only if the app is installed in that installation context, the interaction's context is supported
  for it and, for commands, the command's `integration_types` include it. GUILD_INSTALL ("0") holds the
  guild id, or "0" in the bot's DM; USER_INSTALL ("1") the authorizing user's id.
- Global commands are "available in DMs if that app has a bot that shares a mutual guild with the user"
  (application-commands, "Making a Global Command"); a command whose contexts or installs do not cover the
  place is not offered at all, so the emulator refuses to send it (the test is wrong, not the bot).
- `app_permissions`: the bot's permissions where the bot is; for an app without a bot user there, those of
  @everyone "limited to the permissions that can be used in interaction responses"; fixed sets in (G)DMs.
- A user-installed app's answers in a server are ephemeral where the user may not post them: without
  USE_EXTERNAL_APPS "the responses will be ephemeral", and "if a user invokes a command for a user-installed
  app from a server's channel where they don't have permission to send messages, the app won't be able to
  respond to an interaction with a non-ephemeral message" (application, "User Context").
"""

from __future__ import annotations

from dataclasses import dataclass

from .interaction_models import ApplicationCommand
from .models import (
    BOT_DM_APP_PERMISSIONS,
    BOT_DM_CONTEXT,
    GUILD_CONTEXT,
    GUILD_INSTALL,
    PRIVATE_CHANNEL_APP_PERMISSIONS,
    PRIVATE_CHANNEL_CONTEXT,
    RESPONSE_PERMISSIONS,
    SEND_MESSAGES,
    USE_EXTERNAL_APPS,
    USER_INSTALL,
    VIEW_CHANNEL,
    Channel,
    ChannelType,
    Member,
    User,
)
from .world import World

# An interaction that is not a command (a button, a form) on a message the bot posted by itself.
_NO_COMMAND_INSTALLS = {GUILD_INSTALL}
_UNSYNCED_CONTEXTS = {GUILD_CONTEXT, BOT_DM_CONTEXT}


class CommandNotOffered(AssertionError):
    """Discord would not show this command to this person here (no installation covers the place)."""


@dataclass(frozen=True)
class Authorization:
    context: int
    owners: dict[str, str]
    app_permissions: int
    forced_ephemeral: bool


def context_of(channel: Channel) -> int:
    if channel.guild_id is not None:
        return GUILD_CONTEXT
    return BOT_DM_CONTEXT if channel.type is ChannelType.DM else PRIVATE_CHANNEL_CONTEXT


def owners_for(
    world: World, channel: Channel, user: User, installs: set[int], contexts: set[int]
) -> dict[str, str]:
    context = context_of(channel)
    owners: dict[str, str] = {}
    if context not in contexts:
        return owners
    if GUILD_INSTALL in installs:
        if context == GUILD_CONTEXT and world.has_bot(channel.guild_id):
            owners[str(GUILD_INSTALL)] = str(channel.guild_id)
        elif context == BOT_DM_CONTEXT and world.shares_guild_with_bot(user):
            owners[str(GUILD_INSTALL)] = "0"
    if USER_INSTALL in installs and user.id in world.user_installs:
        owners[str(USER_INSTALL)] = str(user.id)
    return owners


def authorize_command(
    world: World, command: ApplicationCommand | None, channel: Channel, user: User
) -> Authorization:
    """For a slash command or its autocomplete; raises CommandNotOffered where Discord would not offer it."""
    if channel.type is ChannelType.GUILD_FORUM:
        raise CommandNotOffered("a forum has no message box: commands are used in its posts (threads)")
    _require_sight(world, channel, user)
    installs = command.integration_types if command is not None else {GUILD_INSTALL}
    contexts = command.contexts if command is not None else _UNSYNCED_CONTEXTS
    owners = owners_for(world, channel, user, installs, contexts)
    if not owners:
        name = command.name if command is not None else "the command"
        raise CommandNotOffered(
            f"Discord would not offer /{name} to {user.username} here (context {context_of(channel)}, "
            f"installs {sorted(installs)}, contexts {sorted(contexts)}, user installed: "
            f"{user.id in world.user_installs})"
        )
    return _authorization(world, channel, user, owners)


def _require_sight(world: World, channel: Channel, user: User) -> None:
    """A member without View Channel is not shown the channel at all ("Allows guild members to view a
    channel", https://discord.com/developers/docs/topics/permissions#permissions-bitwise-permission-flags):
    nothing can be typed there."""
    guild = world.guilds.get(channel.guild_id) if channel.guild_id is not None else None
    member = guild.members.get(user.id) if guild is not None else None
    if guild is not None and member is not None and not guild.permissions_in(channel, member) & VIEW_CHANNEL:
        raise CommandNotOffered(f"{user.username} cannot see #{channel.name}, nor use a command there")


def authorize_component(
    world: World, channel: Channel, user: User, owners: dict[str, str] | None
) -> Authorization:
    """For a button, select or form: the owners of the interaction that made the message, if one did
    ("it can be used to tell the difference between the authorizing user and the user that triggered an
    interaction (like a message component)"), else the place's own installation."""
    if owners is None:
        owners = owners_for(world, channel, user, _NO_COMMAND_INSTALLS, _UNSYNCED_CONTEXTS)
    return _authorization(world, channel, user, dict(owners))


def _authorization(world: World, channel: Channel, user: User, owners: dict[str, str]) -> Authorization:
    context = context_of(channel)
    forced = False
    if context == BOT_DM_CONTEXT:
        permissions = BOT_DM_APP_PERMISSIONS
    elif context == PRIVATE_CHANNEL_CONTEXT:
        permissions = PRIVATE_CHANNEL_APP_PERMISSIONS
    else:
        guild = world.guilds[channel.guild_id or 0]
        if world.has_bot(guild.id):
            permissions = guild.permissions_in(channel, guild.members[world.bot_user.id])
        else:
            everyone = Member(User(id=0, username="@everyone"), guild.id)
            permissions = guild.permissions_in(channel, everyone) & RESPONSE_PERMISSIONS
        member = guild.members.get(user.id)
        user_may = guild.permissions_in(channel, member) if member is not None else 0
        needed = USE_EXTERNAL_APPS | SEND_MESSAGES
        forced = set(owners) == {str(USER_INSTALL)} and user_may & needed != needed
    return Authorization(context, owners, permissions, forced)
