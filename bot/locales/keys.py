"""Where each translatable text of the command tree lives in the catalogue.

discord.py asks the tree's translator for every text it sends when commands are synced, with a context
saying what the text is (a command's name, a parameter's description, a choice...). The key is built from
that context, so a text moves with its command, not with its English wording: "imagine.name",
"imagine.options.prompt.name", "imagine.options.prompt.description", "preferences.set.description",
"choices.ping me". Discord sends an interaction with the default (English) option names whatever the
client's language, so the handlers do not change.
"""

from __future__ import annotations

from typing import Any

from discord import app_commands
from discord.app_commands import TranslationContextLocation as Where
from discord.app_commands import TranslationContextTypes

_PARTS = {
    Where.command_name: "name",
    Where.group_name: "name",
    Where.command_description: "description",
    Where.group_description: "description",
}
_PARAMETER_PARTS = {Where.parameter_name: "name", Where.parameter_description: "description"}


def catalogue_key(text: app_commands.locale_str, context: TranslationContextTypes) -> str | None:
    """The key of this text in the catalogue's "commands" section; None for texts not kept there."""
    if not _worth_translating(text.message):
        return None
    where, data = context.location, context.data
    if isinstance(data, app_commands.Parameter):
        part = _PARAMETER_PARTS.get(where)
        return f"{_path(data.command)}.options.{data.name}.{part}" if part is not None else None
    if isinstance(data, app_commands.Command | app_commands.Group):
        part = _PARTS.get(where)
        return f"{_path(data)}.{part}" if part is not None else None
    if isinstance(data, app_commands.Choice):
        # A choice does not know its command: a choice's name reads the same wherever it is offered.
        return f"choices.{text.message}"
    return None


def _worth_translating(message: str) -> bool:
    """Not discord.py's "…" (an option without a description) nor a choice such as "16:9" or "2"."""
    return any(character.isalpha() for character in message)


def _path(command: app_commands.Command[Any, ..., Any] | app_commands.Group) -> str:
    return command.qualified_name.replace(" ", ".")
