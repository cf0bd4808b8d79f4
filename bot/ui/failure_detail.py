"""A failed job's technical detail, as /show gives it to a manager, privately: what the server said (a node's
exception, a refusal) in a code block, with secrets scrubbed as the log scrubs them, cut to fit one message.

The detail is copied from what ComfyUI and the bot's own errors said, so it may hold what must not reach
Discord: a backend's URL with its credentials, a token. It goes through the log's scrubber
(bot.logging_setup.SecretScrubber) with the operator's own secrets, before it is cut, so a cut never leaves
half a secret behind.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.locales import Words
from bot.logging_setup import SecretScrubber

# Of a message's 2000 characters: the sentence above the block and its fences take the rest.
MAX_DETAIL_CHARS = 1500
_FENCE = "```"
# A fence inside the detail would end the block early: its backticks are kept apart by zero-width spaces.
_BROKEN_FENCE = "`\u200b`\u200b`"


def failure_detail_message(words: Words, job_id: int, detail: str, *, secrets: Iterable[str] = ()) -> str:
    """The sentence saying the job failed and that only moderators see what follows, then the detail."""
    return f"{words('show.failure_detail', job_id=job_id)}\n{detail_block(detail, secrets=secrets)}"


def detail_block(detail: str, *, secrets: Iterable[str] = ()) -> str:
    """The detail scrubbed, cut to MAX_DETAIL_CHARS and fenced: what /show and the log channel's notice
    (bot.ui.failure_notice) show under a sentence of their own."""
    shown = SecretScrubber(secrets).scrub(detail.strip()).replace(_FENCE, _BROKEN_FENCE)
    if len(shown) > MAX_DETAIL_CHARS:
        shown = shown[: MAX_DETAIL_CHARS - 1] + "…"
    return f"{_FENCE}\n{shown}\n{_FENCE}"
