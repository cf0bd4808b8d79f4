"""A slash command as its member typed it, so that a refusal gives it back whole (bot.ui.given_back).

A command names the options a member writes text into (a prompt, a negative prompt, an instruction, a title)
with ``extras=gives_back(...)``. When what was written there is long, a refusal ends with the whole command
(`/imagine prompt: …`) in the names the member's client shows, to copy into the message box again. Files
are left out: the member still has them, and a message can't hold one to pick again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import discord
from discord import app_commands

from bot.locales import Words

# The extras key of a command's options a member writes text into.
GIVES_BACK = "gives_back"
# Less than this written, and it is typed again sooner than copied: the refusal is left as it is.
LONG_TEXT_CHARS = 40


def gives_back(*options: str) -> dict[Any, Any]:
    """A command's extras: what was written into these options is given back when the command is refused."""
    return {GIVES_BACK: frozenset(options)}


@dataclass(frozen=True, slots=True)
class TypedCommand:
    """The command as typed (``line``), and the file it comes in when too long to quote (``filename``)."""

    line: str
    filename: str


def typed_command(interaction: discord.Interaction, words: Words) -> TypedCommand | None:
    """The slash command ``interaction`` runs, as typed; None when it is no slash command or nothing long
    was written into the options it gives back."""
    command = interaction.command
    if (
        interaction.type is not discord.InteractionType.application_command
        or not isinstance(command, app_commands.Command)
        or command.parent is not None  # no command that gives text back is a subcommand
    ):
        return None
    written = command.extras.get(GIVES_BACK, frozenset())
    data: Mapping[str, Any] = interaction.data or {}
    options = [
        option
        for option in data.get("options", [])
        if "value" in option and option["type"] != discord.AppCommandOptionType.attachment.value
    ]
    if sum(len(str(option["value"])) for option in options if option["name"] in written) < LONG_TEXT_CHARS:
        return None
    typed = [f"/{words.command(command.name)}"]
    typed += [f"{words.option(command.name, o['name'])}: {_value(words, command, o)}" for o in options]
    return TypedCommand(" ".join(typed), f"{command.name}.txt")


def _value(words: Words, command: app_commands.Command[Any, ..., Any], option: Mapping[str, Any]) -> str:
    """The value as the member picked it: a choice by its shown name, anything else as given."""
    parameter = command.get_parameter(option["name"])
    for choice in parameter.choices if parameter is not None else []:
        if choice.value == option["value"]:
            return words.choice(choice.name)
    return str(option["value"])
