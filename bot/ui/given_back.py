"""What a member typed into a refused form, given back whole: in the refusal when it fits, else as a file.

Discord refuses a message over 2000 characters and the reply is cut to fit, so lyrics or a prompt quoted in
it would lose their end: a Cover form's lyrics may be 4000 characters long. A text with a code fence (```) in
it comes as a file too: Discord ends a code block at the first fence, wherever it is, and a fence broken up
to stay inside would no longer be what the member wrote.
"""

from __future__ import annotations

import io

import discord

from bot.locales import Words
from bot.ui.replies import DISCORD_MESSAGE_LIMIT

FENCE = "```"


def given_back(words: Words, refusal: str, text: str, *, filename: str) -> tuple[str, list[discord.File]]:
    """The refusal with ``text`` quoted under it, or with ``text`` as a file called ``filename``."""
    if not text.strip():
        return refusal, []
    quoted = f"{refusal}\n\n{words('results.what_you_wrote')}\n```\n{text}\n```"
    if FENCE not in text and len(quoted) <= DISCORD_MESSAGE_LIMIT:
        return quoted, []
    attached = words("results.what_you_wrote_attached", file=filename)
    return f"{refusal}\n\n{attached}", [discord.File(io.BytesIO(text.encode()), filename=filename)]
