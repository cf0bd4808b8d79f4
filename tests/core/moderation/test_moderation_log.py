"""The moderation log in the core: what it keeps, what it leaves out, and that it never fails a request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from core.errors import NotAllowed
from core.jobs.policy import PolicyView, Requester, check_request
from core.moderation import EXCERPT_CHARS, ModerationAction, ModerationEntry, RecordingModerationLog
from core.moderation.refusals import record_refusal
from core.moderation.service import ModerationLogService
from db.engine import create_engine, create_sessionmaker
from db.units.moderation_log import LoggedEntry, ModerationStore

GUILD, OTHER_GUILD, ALICE = 500, 600, 101
AT = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[ModerationStore]:
    engine = create_engine(database_url, pool_size=4, max_overflow=0)
    try:
        yield ModerationStore(create_sessionmaker(engine))
    finally:
        await engine.dispose()


def entry(guild_id: int = GUILD, excerpt: str = "a gore scene") -> ModerationEntry:
    return ModerationEntry(guild_id, ALICE, None, "blocked_word:gore", excerpt, ModerationAction.REFUSED)


async def test_an_entry_is_kept_trimmed_stamped_and_announced(store: ModerationStore) -> None:
    service = ModerationLogService(store, clock=lambda: AT)
    heard: list[LoggedEntry] = []
    service.events.subscribe(heard.append)
    await service.record(entry(excerpt="gore " * 100 + "\n\x00end"))
    await service.close()  # waits for the write under way
    page = await service.page(GUILD)
    [kept] = page.entries
    assert heard == [kept]
    assert (kept.user_id, kept.rule, kept.action, kept.at) == (ALICE, "blocked_word:gore", "refused", AT)
    assert len(kept.excerpt) == EXCERPT_CHARS
    assert kept.excerpt.endswith("…")
    assert page.next_before_id is None


async def test_a_personal_scope_has_no_managers_and_is_not_logged(store: ModerationStore) -> None:
    service = ModerationLogService(store)
    await service.record(entry(guild_id=-ALICE))
    await service.record(entry(guild_id=GUILD))
    await service.close()
    assert (await service.page(-ALICE)).entries == ()
    assert len((await service.page(GUILD)).entries) == 1


async def test_a_refusal_repeated_within_a_minute_is_logged_once(store: ModerationStore) -> None:
    now = [AT]
    service = ModerationLogService(store, clock=lambda: now[0])
    for _ in range(5):  # a member sending the same refused request again and again
        await service.record(entry())
        now[0] += timedelta(seconds=10)
    await service.record(replace(entry(), rule="nsfw_channel"))  # another rule
    await service.record(replace(entry(), user_id=ALICE + 1))  # another member
    await service.record(entry(guild_id=OTHER_GUILD))  # another guild
    for _ in range(2):  # about jobs: each its own job, paced by the queue
        await service.record(replace(entry(), job_id=9, action=ModerationAction.WITHHELD))
    now[0] = AT + timedelta(minutes=1)  # a minute after the first one
    await service.record(entry(excerpt="gore once more"))
    await service.close()

    kept = sorted((e.user_id, e.rule, e.job_id or 0, e.excerpt) for e in (await service.page(GUILD)).entries)
    assert kept == sorted(
        [
            (ALICE, "blocked_word:gore", 0, "a gore scene"),
            (ALICE, "nsfw_channel", 0, "a gore scene"),
            (ALICE + 1, "blocked_word:gore", 0, "a gore scene"),
            (ALICE, "blocked_word:gore", 9, "a gore scene"),
            (ALICE, "blocked_word:gore", 9, "a gore scene"),
            (ALICE, "blocked_word:gore", 0, "gore once more"),
        ]
    )
    assert len((await service.page(OTHER_GUILD)).entries) == 1


async def test_pages_hold_one_guilds_entries_newest_first(store: ModerationStore) -> None:
    for number in range(5):
        await store.add(
            guild_id=GUILD if number != 2 else OTHER_GUILD,
            user_id=ALICE,
            job_id=number,
            rule="nsfw_channel",
            excerpt=f"request {number}",
            action=ModerationAction.REFUSED,
            at=AT,
        )
    first = await store.page(GUILD, limit=3)
    rest = await store.page(GUILD, before_id=first.next_before_id, limit=3)
    assert [e.excerpt for e in first.entries] == ["request 4", "request 3", "request 1"]
    assert [e.excerpt for e in rest.entries] == ["request 0"]
    assert rest.next_before_id is None


async def test_a_log_that_cannot_write_leaves_the_request_as_it_was(caplog: pytest.LogCaptureFixture) -> None:
    class Broken(ModerationStore):
        async def add(self, **_: object) -> LoggedEntry:  # type: ignore[override]
            raise RuntimeError("disk full")

    service = ModerationLogService(Broken(create_sessionmaker(create_engine("sqlite+aiosqlite://"))))
    heard: list[LoggedEntry] = []
    service.events.subscribe(heard.append)
    await service.record(entry())  # returns at once; the failure is a log line, not an exception
    await service.close()
    assert heard == []
    [line] = [r for r in caplog.records if r.name == "core.moderation.service"]
    assert line.getMessage() == "moderation log entry (blocked_word:gore) not stored"
    assert line.exc_info is not None


async def test_a_refusal_by_a_rule_is_recorded_with_the_text_that_met_it() -> None:
    policy = replace(PolicyView.defaults(GUILD), blocked_words=("gore",))
    log = RecordingModerationLog()
    texts = ["a calm lake", "ink, g.o.r.e"]
    with pytest.raises(NotAllowed) as refused:
        check_request(policy, Requester(ALICE, channel_id=1), texts)
    await record_refusal(log, refused.value, guild_id=GUILD, user_id=ALICE, texts=texts)
    await record_refusal(log, NotAllowed("not a rule"), guild_id=GUILD, user_id=ALICE, texts=texts)
    assert log.entries == [
        ModerationEntry(GUILD, ALICE, None, "blocked_word:gore", "ink, g.o.r.e", ModerationAction.REFUSED)
    ]
