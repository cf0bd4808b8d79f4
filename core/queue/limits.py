"""The limits that decide whether a new job may be queued and whether a queued job may start."""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import LimitReached
from core.texts import Text
from db.models.guild_policy import (
    DEFAULT_MAX_QUEUED,
    DEFAULT_MAX_RUNNING,
    DEFAULT_RATE_CAPACITY,
    DEFAULT_RATE_REFILL_PER_MINUTE,
)


@dataclass(frozen=True, slots=True)
class GuildLimits:
    """Per-guild limits; the defaults follow Midjourney's (3 running, 10 queued per user).

    `personal`: the limits of one person's own use of the app outside the servers it is installed in
    (core.jobs.scopes), where the rate is theirs alone and refusals say so.
    """

    max_running_per_user: int = DEFAULT_MAX_RUNNING
    max_queued_per_user: int = DEFAULT_MAX_QUEUED
    rate_capacity: int = DEFAULT_RATE_CAPACITY
    rate_per_minute: float = DEFAULT_RATE_REFILL_PER_MINUTE
    personal: bool = False


@dataclass(frozen=True, slots=True)
class UserLoad:
    queued: int
    running: int


def check_can_queue(limits: GuildLimits, load: UserLoad) -> None:
    """Raise LimitReached, with a sentence that says when the next slot opens, if the user is at their cap."""
    if load.queued >= limits.max_queued_per_user:
        raise LimitReached(_at_queue_cap(load.queued, limits.personal))


def check_room(limits: GuildLimits, queued: int, count: int) -> None:
    """Raise LimitReached if `count` new jobs at once (one prompt's permutations) do not fit: in the user's
    queue beside the `queued` they have, or in the rate limit's burst (it never holds more at once)."""
    room = limits.max_queued_per_user - queued
    if count > room:
        raise LimitReached(
            Text(
                "limits.room_for",
                f"This prompt makes {count} jobs, and your queue has room for {room} more. "
                "Give its braces fewer options, or wait until some of your jobs start.",
                {"count": count, "room": room},
            )
        )
    if 0 < limits.rate_capacity < count:
        most = limits.rate_capacity
        if limits.personal:
            raise LimitReached(
                Text(
                    "limits.burst_personal",
                    f"This prompt makes {count} jobs, more than you may ask for at once outside the "
                    f"servers I'm in ({most}). Give its braces fewer options.",
                    {"count": count, "most": most},
                )
            )
        raise LimitReached(
            Text(
                "limits.burst",
                f"This prompt makes {count} jobs, more than this server takes at once ({most}). "
                "Give its braces fewer options.",
                {"count": count, "most": most},
            )
        )


def _at_queue_cap(queued: int, personal: bool) -> Text:
    if personal and queued == 1:
        return Text(
            "limits.queued_one_personal",
            "You have 1 job queued, the most you can have outside the servers I'm in. "
            "The next slot opens when it starts; `/queue` shows where it is.",
        )
    if personal:
        return Text(
            "limits.queued_many_personal",
            f"You have {queued} jobs queued, the most you can have outside the servers I'm in. "
            "The next slot opens when one of them starts; `/queue` shows where they are.",
            {"count": queued},
        )
    if queued == 1:
        return Text(
            "limits.queued_one",
            "You have 1 job queued, the most this server allows. "
            "The next slot opens when it starts; `/queue` shows where it is.",
        )
    return Text(
        "limits.queued_many",
        f"You have {queued} jobs queued, the most this server allows. "
        "The next slot opens when one of them starts; `/queue` shows where they are.",
        {"count": queued},
    )


def rate_limited_message(retry_after_s: float, personal: bool = False) -> Text:
    seconds = max(1, round(retry_after_s)) if retry_after_s != float("inf") else 0
    if personal and not seconds:
        return Text(
            "limits.personal_off", "Requests outside the servers I'm in are switched off on this bot."
        )
    if personal:
        return Text(
            "limits.personal_rate",
            f"You have reached your request rate limit. Try again in {seconds} s.",
            {"seconds": seconds},
        )
    if not seconds:
        return Text(
            "limits.paused",
            "This server has paused new requests. Ask a moderator to raise its rate limit in `/settings`.",
        )
    return Text(
        "limits.rate",
        f"This server is busy: it has reached its request rate limit. Try again in {seconds} s.",
        {"seconds": seconds},
    )
