"""Where a command is offered: in servers that installed the app, and to people who installed it to their
own account, in any server, the bot's DM and other DMs and group DMs.

Discord reads this from each global command: `integration_types` (GUILD_INSTALL, USER_INSTALL) and
`contexts` (GUILD, BOT_DM, PRIVATE_CHANNEL), both "only for globally-scoped commands"
(https://discord.com/developers/docs/interactions/application-commands#contexts). Where the app is not
installed in the server (or there is no server), the request belongs to its requester alone
(core.jobs.scopes, bot.ui.requesters.guild_id_of). Server-only commands (/settings) keep guild_only().
"""

from __future__ import annotations

from typing import TypeVar

from discord import app_commands

T = TypeVar("T")


def offered_everywhere(command: T) -> T:
    command = app_commands.allowed_installs(guilds=True, users=True)(command)
    return app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)(command)
