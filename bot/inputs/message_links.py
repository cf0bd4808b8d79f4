"""Message links as Discord's "Copy Message Link" writes them, on any of its hosts.

``https://discord.com/channels/<guild>/<channel>/<message>``; the same on ptb. and canary., and on the
older discordapp.com. A link to a direct message has ``@me`` for the guild: never one we take input from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LINK = re.compile(
    r"https?://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/channels/(?P<guild>\d{15,20}|@me)/"
    r"(?P<channel>\d{15,20})/(?P<message>\d{15,20})(?![\d/])",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class MessageLink:
    guild_id: int | None  # None: a direct message ("@me")
    channel_id: int
    message_id: int


def find_message_link(text: str) -> MessageLink | None:
    """The first message link in ``text`` (pasted alone, in <angle brackets>, or amid words), if any."""
    found = _LINK.search(text)
    if found is None:
        return None
    guild = found["guild"]
    return MessageLink(None if guild == "@me" else int(guild), int(found["channel"]), int(found["message"]))


_FILE_LINK = re.compile(r"https?://(?:cdn\.discordapp\.com|media\.discordapp\.net)/", re.IGNORECASE)


def is_file_link(text: str) -> bool:
    """A link to an attachment itself ("Copy Link" on a picture), not to the message that carries it."""
    return _FILE_LINK.search(text) is not None


# "#3" after a link (or anywhere in the option): which file of a message with several.
_CHOSEN = re.compile(r"(?<![A-Za-z_&])#\s?([1-9][0-9]?)(?![0-9])")


def chosen_file(text: str) -> int | None:
    """The number typed after a link to say which of its message's files (1-based), if any."""
    found = _CHOSEN.search(text)
    return int(found[1]) if found else None
