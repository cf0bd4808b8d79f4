"""Errors a user can cause or meet: each carries the friendly sentence we show them."""

from __future__ import annotations

from core.texts import Text


class UserFacingError(Exception):
    """An error whose `user_message` is safe and useful to show to the person who asked.

    Given as a `Text` (a catalogue key and its values, kept as `text`), the front-end says it in the
    asker's language; a plain string is said as it is (English).
    """

    def __init__(self, user_message: str | Text, *, detail: str | None = None) -> None:
        english = str(user_message)
        super().__init__(detail or english)
        self.user_message = english
        self.text = user_message if isinstance(user_message, Text) else None


class LimitReached(UserFacingError):
    """A per-user cap, the guild's rate limit or the global cap refused a new job."""

    def __init__(self, user_message: str | Text, *, retry_after_s: float | None = None) -> None:
        super().__init__(user_message)
        self.retry_after_s = retry_after_s


class NotAllowed(UserFacingError):
    """The guild's policy or the member's permissions refuse this action.

    A refusal by one of the guild's rules names it (`rule`, e.g. "blocked_word:gore") and may say which
    text met it (`excerpt`): the moderation log keeps those (core.moderation.refusals).
    """

    def __init__(
        self,
        user_message: str | Text,
        *,
        detail: str | None = None,
        rule: str | None = None,
        excerpt: str | None = None,
    ) -> None:
        super().__init__(user_message, detail=detail)
        self.rule = rule
        self.excerpt = excerpt


class BlockedWordFound(NotAllowed):
    """The request contains one of the guild's blocked words. `user_message` names the word as the guild
    wrote it: only for the asker's eyes. Where others read the refusal (a reply in the channel), say
    `public` instead, or the channel learns the server's list one word at a time."""

    public = Text(
        "refusal.blocked_word_public",
        "Your request uses a word this server does not allow. Please rephrase it.",
    )

    def __init__(self, word: str, *, excerpt: str) -> None:
        super().__init__(
            Text(
                "refusal.blocked_word",
                f"Your request contains a word this server blocks (“{word}”). Please rephrase it.",
                {"word": word},
            ),
            rule=f"blocked_word:{word}",
            excerpt=excerpt,
        )
        self.word = word


class ChannelNotAllowed(NotAllowed):
    """The guild takes requests only in other channels; the front-end names them in its own markup."""

    def __init__(self, allowed_channel_ids: list[int]) -> None:
        super().__init__("I don't take requests in this channel here.", rule="channel")
        self.allowed_channel_ids = allowed_channel_ids


class JobNotFound(UserFacingError):
    """`personal`: looked for among one person's jobs made outside the servers (core.jobs.scopes), where
    "this server" would mean nothing (a DM, a group DM, a server without the bot)."""

    def __init__(self, job_id: int, *, personal: bool = False) -> None:
        where = "among the ones you made outside my servers" if personal else "in this server"
        super().__init__(f"I can't find job #{job_id} {where}.")
        self.job_id = job_id
        self.personal = personal
