"""The one error path of every slash command: a friendly, private sentence; never a traceback.

UserFacingError carries its own sentence. Anything else is a bug: it is logged with an error id, and the
user gets that id to quote. Either way, a long text the member wrote into the command comes back with it.
"""

from __future__ import annotations

import logging
import secrets

import discord
from discord import app_commands
from discord.ext import commands

from bot.locales import Catalogue, Words, words_for
from bot.ui.given_back import given_back
from bot.ui.replies import reply_privately, user_message_of
from bot.ui.typed_command import typed_command
from core.errors import JobNotFound, UserFacingError

log = logging.getLogger(__name__)


def message_for(error: BaseException, *, where: str, words: Words | None = None) -> str:
    """The sentence the user sees for `error` (logging the unexpected ones with an id), in their language
    where the catalogue has it."""
    say = words or Words(Catalogue.shipped())
    if isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        error = error.__cause__ or error
    if isinstance(error, UserFacingError):
        return user_message_of(error, say)
    if isinstance(error, app_commands.CommandOnCooldown):
        return say("error.cooldown", seconds=f"{error.retry_after:.0f}")
    if isinstance(error, app_commands.MissingPermissions):
        return say("error.missing_permissions")
    if isinstance(error, app_commands.BotMissingPermissions):
        missing = ", ".join(p.replace("_", " ") for p in error.missing_permissions)
        return say("error.bot_missing_permissions", missing=missing)
    if isinstance(error, app_commands.NoPrivateMessage):
        return say("error.servers_only")
    if isinstance(error, app_commands.CheckFailure):
        return say("error.not_here")
    error_id = secrets.token_hex(4)
    log.error("error_id=%s in %s", error_id, where, exc_info=error)
    return say("error.unexpected", error_id=error_id)


async def report_error(
    interaction: discord.Interaction,
    error: BaseException,
    *,
    where: str,
    typed_in: discord.Interaction | None = None,
) -> None:
    """Tell the member privately; a slash command's long text (a prompt) is given back to copy again (see
    bot.ui.typed_command). ``typed_in``: the command a form answers, whose text would be lost otherwise."""
    words = words_for(interaction.client, interaction.locale)
    text = message_for(error, where=where, words=words)
    if _on_someone_elses_personal_result(interaction, error):
        text = words("results.someone_elses_personal")
    files: list[discord.File] = []
    typed = typed_command(typed_in or interaction, words)
    if typed is not None:
        text, files = given_back(words, text, typed.line, filename=typed.filename)
    try:
        await reply_privately(interaction, text, files=files)
    except discord.HTTPException as failure:
        log.warning("interaction %s: could not tell the user about an error (%s)", interaction.id, failure)


def _on_someone_elses_personal_result(interaction: discord.Interaction, error: BaseException) -> bool:
    """A button or form on a result another person asked for through their own install (a DM, a group DM,
    a server without the bot): the presser acts in their own scope (bot.ui.requesters.guild_id_of), where
    the job is not found; "no such job" would be untrue. (A result the bot sent by direct message has no
    interaction behind it, and is its reader's.)"""
    message = interaction.message
    made = message.interaction_metadata if message is not None else None
    return (
        isinstance(error, JobNotFound)
        and error.personal
        and interaction.type in (discord.InteractionType.component, discord.InteractionType.modal_submit)
        and made is not None
        and made.user.id != interaction.user.id
    )


class Errors(commands.Cog):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self._previous = bot.tree.on_error
        bot.tree.on_error = self.on_app_command_error  # type: ignore[method-assign]

    async def cog_unload(self) -> None:
        self.bot.tree.on_error = self._previous  # type: ignore[method-assign]

    async def on_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        name = interaction.command.qualified_name if interaction.command else "an interaction"
        await report_error(interaction, error, where=f"/{name}")


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Errors(bot))
