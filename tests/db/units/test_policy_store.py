"""Policy changes read the policy as it is when they run: concurrent changes from two workers all survive."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import create_engine, create_sessionmaker
from db.models import GuildPolicy
from db.schemas import InvalidInput
from db.units.policies import PolicyStore
from tests.db.factories import GUILD_A

CHANNELS_PER_WORKER = 8


@pytest.fixture
async def two_workers(database_url: str) -> AsyncIterator[tuple[PolicyStore, PolicyStore]]:
    # Two engines, as two bot processes have, each with room for all its changes at once.
    engines: list[AsyncEngine] = [
        create_engine(database_url, pool_size=CHANNELS_PER_WORKER, max_overflow=0) for _ in range(2)
    ]
    try:
        first, second = (PolicyStore(create_sessionmaker(engine)) for engine in engines)
        yield first, second
    finally:
        for engine in engines:
            await engine.dispose()


def allowing(channel_id: int) -> Any:
    def edit(policy: GuildPolicy) -> Mapping[str, Any]:
        return {"allowed_channel_ids": sorted({*policy.allowed_channel_ids, channel_id})}

    return edit


async def test_channels_allowed_at_once_by_two_workers_are_all_kept(
    two_workers: tuple[PolicyStore, PolicyStore],
) -> None:
    # The guild has no policy row yet: the first changes also race to create it.
    channel_ids = range(1, 2 * CHANNELS_PER_WORKER + 1)
    await asyncio.gather(
        *(two_workers[channel_id % 2].change(GUILD_A, allowing(channel_id)) for channel_id in channel_ids)
    )

    stored = await two_workers[1].get(GUILD_A)
    assert stored is not None
    assert sorted(stored.allowed_channel_ids) == list(channel_ids)


async def test_a_refused_change_stores_nothing_and_later_changes_go_through(
    two_workers: tuple[PolicyStore, PolicyStore],
) -> None:
    first, second = two_workers
    await first.change(GUILD_A, allowing(7))

    def refusing(_: GuildPolicy) -> Mapping[str, Any]:
        raise LookupError("not on the list")

    with pytest.raises(LookupError):
        await second.change(GUILD_A, refusing)
    with pytest.raises(InvalidInput):
        await second.change(GUILD_A, lambda _: {"max_queued_per_user": -1})
    await second.change(GUILD_A, allowing(8))

    stored = await first.get(GUILD_A)
    assert stored is not None
    assert stored.allowed_channel_ids == [7, 8]
    assert stored.max_queued_per_user == 10
