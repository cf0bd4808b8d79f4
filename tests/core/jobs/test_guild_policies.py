"""/settings changes apply to the policy as stored when they run, not as some admin's bot last read it."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.errors import UserFacingError
from core.jobs.guild_policies import GuildPolicies
from core.jobs.policy import PolicyCache
from core.jobs.policy_edits import with_blocked_words, with_id
from core.texts import Text
from db.units.policies import PolicyStore

GUILD = 42


def guild_policies(sessions: async_sessionmaker[AsyncSession]) -> GuildPolicies:
    return GuildPolicies(PolicyCache(PolicyStore(sessions)))


async def test_two_admins_allowing_channels_at_once_both_keep_their_channel(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    settings = guild_policies(sessionmaker)
    await settings.get(GUILD)  # both admins' /settings start from the same cached policy

    await asyncio.gather(
        settings.change(GUILD, lambda p: with_id("allowed_channel_ids", p.allowed_channel_ids, 1)),
        settings.change(GUILD, lambda p: with_id("allowed_channel_ids", p.allowed_channel_ids, 2)),
    )

    assert (await settings.get(GUILD)).allowed_channel_ids == {1, 2}


async def test_a_worker_with_a_stale_policy_keeps_what_another_worker_changed(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    first, second = guild_policies(sessionmaker), guild_policies(sessionmaker)
    await first.get(GUILD)  # cached for a while: it will not see the next change when reading

    await second.change(GUILD, lambda p: with_blocked_words(p, "gore"))
    await first.change(GUILD, lambda p: with_blocked_words(p, "spam"))
    await first.change(GUILD, lambda p: with_id("allowed_role_ids", p.allowed_role_ids, 9))

    stored = await guild_policies(sessionmaker).get(GUILD)  # as a third worker reads it
    assert stored.blocked_words == ("gore", "spam")
    assert stored.allowed_role_ids == {9}


async def test_an_invalid_setting_is_refused_with_the_reason_as_a_catalogue_text(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    settings = guild_policies(sessionmaker)
    with pytest.raises(UserFacingError) as refused:
        await settings.update(GUILD, {"max_queued_per_user": 5000})
    text = refused.value.text
    assert text is not None
    assert text.key == "settings.not_valid"
    assert text.values["fields"] == "max_queued_per_user"
    assert text.values["reason"] == Text("invalid.at_most", "must be at most 1000", {"high": 1000})
    assert str(text) == "That setting is not valid (max_queued_per_user): must be at most 1000."
    assert (await settings.get(GUILD)).limits.max_queued_per_user == 10  # nothing stored
