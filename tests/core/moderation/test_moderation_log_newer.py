"""Going back through a guild's moderation log by keyset (`after_id`): the page just newer than one shown,
in the same places as going forward, the first page where fewer are left, and never another guild's."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from core.moderation import ModerationAction
from db.engine import create_engine, create_sessionmaker
from db.units.moderation_log import LogPage, ModerationStore
from tests.core.moderation.test_moderation_log import ALICE, AT, GUILD, OTHER_GUILD


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[ModerationStore]:
    engine = create_engine(database_url, pool_size=4, max_overflow=0)
    try:
        yield ModerationStore(create_sessionmaker(engine))
    finally:
        await engine.dispose()


async def logged(store: ModerationStore, count: int) -> None:
    """`count` entries in GUILD, each followed by one in OTHER_GUILD."""
    for number in range(count):
        for guild_id in (GUILD, OTHER_GUILD):
            await store.add(
                guild_id=guild_id,
                user_id=ALICE,
                job_id=number,
                rule="nsfw_channel",
                excerpt=f"{guild_id} {number}",
                action=ModerationAction.REFUSED,
                at=AT,
            )


def excerpts(page: LogPage) -> list[str]:
    return [entry.excerpt for entry in page.entries]


async def test_going_back_from_the_third_page_shows_the_second_then_the_first(store: ModerationStore) -> None:
    await logged(store, 7)
    first = await store.page(GUILD, limit=3)
    second = await store.page(GUILD, before_id=first.next_before_id, limit=3)
    third = await store.page(GUILD, before_id=second.next_before_id, limit=3)

    back_to_second = await store.page(GUILD, after_id=third.entries[0].id, limit=3)
    back_to_first = await store.page(GUILD, after_id=second.entries[0].id, limit=3)

    assert excerpts(back_to_second) == excerpts(second) == [f"{GUILD} {n}" for n in (3, 2, 1)]
    assert back_to_second.next_before_id == second.next_before_id
    assert not back_to_second.at_newest
    assert excerpts(back_to_first) == excerpts(first)
    assert back_to_first.at_newest
    assert [first.at_newest, second.at_newest, third.at_newest] == [True, False, False]


async def test_fewer_newer_entries_than_a_page_show_the_whole_first_page(store: ModerationStore) -> None:
    await logged(store, 5)
    first = await store.page(GUILD, limit=3)

    back = await store.page(GUILD, after_id=first.entries[1].id, limit=3)  # only one is newer

    assert excerpts(back) == excerpts(first)
    assert back.at_newest
    assert back.next_before_id == first.next_before_id


async def test_a_page_gone_back_to_with_nothing_older_says_it_is_the_last(store: ModerationStore) -> None:
    await logged(store, 4)
    first = await store.page(GUILD, limit=3)

    back = await store.page(GUILD, after_id=0, limit=3)  # older than every entry: the oldest three

    assert excerpts(back) == [f"{GUILD} {n}" for n in (2, 1, 0)]
    assert back.next_before_id is None
    assert not back.at_newest
    assert first.at_newest
