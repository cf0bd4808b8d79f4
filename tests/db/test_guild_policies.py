"""Guild policies: created with defaults on first use, changed field by field."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.enums import RegeneratePermission
from db.repositories import GuildPolicyRepository
from tests.db.factories import GUILD_A, GUILD_B


async def test_first_use_creates_the_default_policy(session: AsyncSession) -> None:
    policies = GuildPolicyRepository(session)
    assert await policies.get(GUILD_A) is None

    policy = await policies.get_or_create(GUILD_A)

    assert policy.guild_id == GUILD_A
    assert (policy.max_running_per_user, policy.max_queued_per_user) == (3, 10)
    assert policy.allowed_channel_ids == []
    assert policy.allowed_role_ids == []
    assert policy.blocked_words == []
    assert policy.nsfw_channels_only is False
    assert policy.regenerate_permission is RegeneratePermission.REQUESTER
    assert policy.rate_capacity > 0
    assert policy.rate_refill_per_minute > 0
    assert policy.default_image_workflow is None
    assert await policies.get_or_create(GUILD_A) is policy


async def test_changes_are_stored_and_other_fields_kept(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker.begin() as session:
        await GuildPolicyRepository(session).update(
            GUILD_A, {"default_image_workflow": "sdxl", "max_queued_per_user": 4}
        )
    async with sessionmaker.begin() as session:
        before = await GuildPolicyRepository(session).get_or_create(GUILD_A)
        created_at = before.created_at
        await GuildPolicyRepository(session).update(
            GUILD_A,
            {
                "allowed_channel_ids": [111, 2**63 - 1],
                "blocked_words": ["gore"],
                "nsfw_channels_only": True,
                "regenerate_permission": "anyone",
                "max_queued_per_user": None,  # means "leave as is"
            },
        )

    async with sessionmaker() as session:
        policy = await GuildPolicyRepository(session).get(GUILD_A)
        other = await GuildPolicyRepository(session).get(GUILD_B)

    assert policy is not None
    assert policy.allowed_channel_ids == [111, 2**63 - 1]
    assert policy.blocked_words == ["gore"]
    assert policy.nsfw_channels_only is True
    assert policy.regenerate_permission is RegeneratePermission.ANYONE
    assert policy.default_image_workflow == "sdxl"
    assert policy.max_queued_per_user == 4
    assert policy.created_at == created_at
    assert policy.updated_at >= created_at
    assert other is None


async def test_a_default_workflow_can_be_cleared(session: AsyncSession) -> None:
    policies = GuildPolicyRepository(session)
    await policies.update(GUILD_A, {"default_song_workflow": "ace-step"})
    policy = await policies.update(GUILD_A, {"default_song_workflow": None})
    assert policy.default_song_workflow is None
