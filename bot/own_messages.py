"""The gateway's events about the bot's own messages, dropped before discord.py parses them.

With the guild messages intent (replies to results need it) Discord sends every message the bot posts or
edits back to the shard holding its server: a job's "thinking…" reply, each of its edits (queued, progress,
the result, wherever a worker made them) and its completion ping. discord.py builds a full `Message` from
each (its author, embeds, components, attachments) to dispatch `on_message` or a raw edit event; nothing
in this bot listens for its own messages (`ResultReplies` ignores bots, reactions come as raw events), so
that work is dropped. An edit of a message whose view discord.py follows (a view sent with a message that
keeps its components in step) is still parsed.

This reaches into discord.py's `ConnectionState.parsers` (the table the gateway reads each event's parser
from): there is no public hook before the parse.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from discord.ext import commands

Parser = Callable[[Any], None]


def skip_own_messages(bot: commands.Bot) -> None:
    state = bot._connection
    parsers: dict[str, Parser] = state.parsers

    def mine(data: Any) -> bool:
        me = bot.user
        author = data.get("author")
        return me is not None and isinstance(author, dict) and author.get("id") == str(me.id)

    def followed(data: Any) -> bool:
        interaction = data.get("interaction")
        entity: Any = interaction.get("id") if isinstance(interaction, dict) else data.get("id")
        try:
            return state._view_store.is_message_tracked(int(entity))
        except (TypeError, ValueError):
            return True  # not ours to judge: let discord.py read it

    created, updated = parsers["MESSAGE_CREATE"], parsers["MESSAGE_UPDATE"]

    def on_create(data: Any) -> None:
        if not mine(data):
            created(data)

    def on_update(data: Any) -> None:
        if not mine(data) or followed(data):
            updated(data)

    parsers["MESSAGE_CREATE"] = on_create
    parsers["MESSAGE_UPDATE"] = on_update
