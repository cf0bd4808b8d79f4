"""A refusal the guild's rules made, as a moderation log entry.

Only refusals that name a rule (`NotAllowed.rule`) are logged: the guild's channels, roles, NSFW-only
channels, blocked words and allowed models. Caps and rate limits are the queue's pacing, not moderation,
and refusals of other kinds (an unknown workflow, a file too large) are the asker's mistakes.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.errors import NotAllowed
from core.moderation.log import ModerationAction, ModerationEntry, ModerationLog


async def record_refusal(
    log: ModerationLog, refusal: NotAllowed, *, guild_id: int, user_id: int, texts: Sequence[str]
) -> None:
    if refusal.rule is None:
        return
    excerpt = refusal.excerpt if refusal.excerpt is not None else " / ".join(t for t in texts if t.strip())
    await log.record(
        ModerationEntry(guild_id, user_id, None, refusal.rule, excerpt, ModerationAction.REFUSED)
    )
