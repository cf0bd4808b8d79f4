"""Stored workflows' names: unique in their scope (one guild, or every guild), never across guilds."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from db.engine import create_engine, create_sessionmaker
from db.units.stored_workflows import NameTaken, NewWorkflow, StoredWorkflows

HERE, THERE = 1001, 2002


def new(name: str, guild_id: int | None, version: str = "v1") -> NewWorkflow:
    return NewWorkflow(
        name=name, guild_id=guild_id, kind="image", graph={}, sidecar=None, version=version, added_by=7
    )


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[StoredWorkflows]:
    engine = create_engine(database_url, pool_size=4, max_overflow=0)
    try:
        yield StoredWorkflows(create_sessionmaker(engine))
    finally:
        await engine.dispose()


async def test_one_name_is_kept_once_per_guild_and_once_for_every_guild(store: StoredWorkflows) -> None:
    await store.add(new("portrait", HERE))
    await store.add(new("portrait", THERE))
    await store.add(new("portrait", None))

    for scope in (HERE, THERE, None):
        with pytest.raises(NameTaken):
            await store.add(new("portrait", scope, version="v2"))
    rows = await store.everything()
    assert sorted((row.guild_id or 0, row.version) for row in rows) == [
        (0, "v1"),
        (HERE, "v1"),
        (THERE, "v1"),
    ]


async def test_a_removed_workflows_name_is_free_again_in_its_scope(store: StoredWorkflows) -> None:
    first = await store.add(new("portrait", HERE))
    await store.remove(first.id, by_user_id=7)

    again = await store.add(new("portrait", HERE, version="v2"))

    assert again.active
    assert [row.active for row in await store.everything()] == [False, True]


async def test_two_adds_of_one_name_in_one_guild_at_once_store_one(store: StoredWorkflows) -> None:
    outcomes = await asyncio.gather(
        *(store.add(new("portrait", HERE, version=f"v{i}")) for i in range(4)), return_exceptions=True
    )

    added = [outcome for outcome in outcomes if not isinstance(outcome, BaseException)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, NameTaken)]
    assert (len(added), len(refused)) == (1, 3)
    assert [row.version for row in await store.everything()] == [added[0].version]
