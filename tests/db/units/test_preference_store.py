"""Preferences as stored: kept per user, cleared by None; one kind's workflow never loses another's."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from db.engine import create_engine, create_sessionmaker
from db.units.preferences import PreferenceSnapshot, PreferenceStore

ALICE, BOB = 101, 202


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[PreferenceStore]:
    engine = create_engine(database_url, pool_size=4, max_overflow=0)
    try:
        yield PreferenceStore(create_sessionmaker(engine))
    finally:
        await engine.dispose()


async def test_a_user_without_a_row_has_chosen_nothing(store: PreferenceStore) -> None:
    assert await store.get(ALICE) == PreferenceSnapshot()
    assert await store.ping_when_done(ALICE) is None


async def test_choices_are_kept_per_user_and_none_clears_one(store: PreferenceStore) -> None:
    await store.set_choices(ALICE, {"aspect_ratio": "16:9", "style_tags": ["ink"], "ping_when_done": False})
    await store.set_choices(BOB, {"quality": "high"})
    after = await store.set_choices(ALICE, {"aspect_ratio": None})

    assert (after.aspect_ratio, after.style_tags, after.ping_when_done) == (None, ("ink",), False)
    assert await store.get(ALICE) == after
    assert (await store.get(BOB)).quality == "high"
    assert (await store.get(BOB)).style_tags == ()


async def test_workflows_of_two_kinds_chosen_at_once_are_both_kept(store: PreferenceStore) -> None:
    await asyncio.gather(
        store.set_workflow(ALICE, "image", "portrait"), store.set_workflow(ALICE, "song", "ace")
    )
    both = await store.get(ALICE)
    cleared = await store.set_workflow(ALICE, "image", None)

    assert dict(both.workflows) == {"image": "portrait", "song": "ace"}
    assert dict(cleared.workflows) == {"song": "ace"}


async def test_an_unknown_column_is_refused(store: PreferenceStore) -> None:
    with pytest.raises(ValueError, match="not a preference"):
        await store.set_choices(ALICE, {"user_id": 7})
