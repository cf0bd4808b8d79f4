"""The moderation log: every refused, withheld or spoilered request of a guild, for its managers.

Anything in the core that refuses or hides a request for a guild's rules (blocked words, NSFW-only
channels, allowed channels, roles and models, the image classifier) hands a `ModerationEntry` to the
`ModerationLog` it was given. The front-end lists a guild's entries (/settings log) and posts each one to
the guild's log channel, if it set one, by listening to `ModerationEvents`.
"""

from core.moderation.log import (
    EXCERPT_CHARS,
    ModerationAction,
    ModerationEntry,
    ModerationLog,
    NullModerationLog,
    RecordingModerationLog,
)

__all__ = [
    "EXCERPT_CHARS",
    "ModerationAction",
    "ModerationEntry",
    "ModerationLog",
    "NullModerationLog",
    "RecordingModerationLog",
]
