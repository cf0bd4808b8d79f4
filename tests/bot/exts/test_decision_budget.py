"""The time a command may spend deciding before its first answer counts from the interaction's creation
(Discord refuses an answer later than 3 s after it), not from when the handler happened to start."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass

import discord

from bot.exts._admission import (
    DECIDE_BEFORE_ANSWERING_S,
    PRIVACY_KNOWN_BY_S,
    _decision_budget,
    private_by_deadline,
)


@dataclass
class Created:
    """The one attribute the budget reads (a discord.Interaction's creation time, from its id)."""

    created_at: dt.datetime


def budget_bounds(age_s: float) -> tuple[float, float]:
    """The time the budget leaves, seen from just before it was made and from just after (no clock
    reading between them decides anything: the budget lies between the two)."""
    clock = asyncio.get_running_loop().time
    before = clock()
    created = discord.utils.utcnow() - dt.timedelta(seconds=age_s)
    when = _decision_budget(Created(created)).when()  # type: ignore[arg-type] - a stand-in
    after = clock()
    assert when is not None
    return when - after, when - before


async def test_an_interaction_that_reached_us_late_leaves_less_time_to_decide() -> None:
    at_most, _ = budget_bounds(1.0)
    assert at_most <= DECIDE_BEFORE_ANSWERING_S - 1.0


async def test_an_interaction_older_than_the_budget_is_answered_at_once() -> None:
    at_most, _ = budget_bounds(DECIDE_BEFORE_ANSWERING_S + 0.5)
    assert at_most <= 0


async def test_a_clock_behind_discords_gives_the_whole_budget_and_no_more() -> None:
    at_most, at_least = budget_bounds(-3600)
    assert at_most <= DECIDE_BEFORE_ANSWERING_S <= at_least


@dataclass
class Late:
    """An interaction as the privacy deadline reads it: its creation time and id."""

    created_at: dt.datetime
    id: int = 1


async def test_privacy_is_read_even_when_no_decision_time_is_left() -> None:
    created = discord.utils.utcnow() - dt.timedelta(seconds=DECIDE_BEFORE_ANSWERING_S + 0.1)

    async def public() -> bool:
        await asyncio.sleep(0)  # a real read gives the loop a turn
        return False

    assert await private_by_deadline(Late(created), public) is False  # type: ignore[arg-type] - a stand-in


async def test_a_privacy_read_not_done_in_time_answers_privately() -> None:
    created = discord.utils.utcnow() - dt.timedelta(seconds=PRIVACY_KNOWN_BY_S + 0.1)
    never = asyncio.Event()

    async def stuck() -> bool:
        await never.wait()
        return False

    assert await private_by_deadline(Late(created), stuck) is True  # type: ignore[arg-type] - a stand-in
