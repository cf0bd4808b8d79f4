"""Several worker processes on one PostgreSQL share each server's failure-notice windows (db.units.
failure_windows): a burst failing on every worker is told once at once and once as a count of all of them,
not once per worker; and a database that fails a step leaves this process counting in its own memory."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from core.jobs.failure_notices import FailureNotices, FailureNoticeSettings
from db.engine import create_engine
from db.units.failure_windows import FailureWindows
from tests.core.jobs.test_failure_notices import WINDOW_S, Told, failed
from tests.fakes.manual_clock import ManualClock


class RecordedWindows(FailureWindows):
    """The real shared windows, telling the test when a failure has been opened or counted."""

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine)
        self.heard = 0
        self._changed = asyncio.Event()

    async def open_or_count(self, guild_id: int, reason_key: str, window_s: float) -> bool:
        opened = await super().open_or_count(guild_id, reason_key, window_s)
        self.heard += 1
        self._changed.set()
        return opened

    async def wait(self, heard: int) -> None:
        async with asyncio.timeout(5):
            while self.heard < heard:
                self._changed.clear()
                await self._changed.wait()


class Worker:
    def __init__(self, windows: RecordedWindows, clock: ManualClock, everyone: Told) -> None:
        self.windows = windows
        self.told = Told()
        self.notices = FailureNotices(FailureNoticeSettings(window_s=WINDOW_S, sleep=clock.sleep), windows)
        self.notices.subscribe(self.told)
        self.notices.subscribe(everyone)  # what the server's log channel gets from both


@pytest.fixture
async def two_workers(postgres_url: str) -> AsyncIterator[tuple[Worker, Worker, ManualClock, Told]]:
    """Two processes' worth: each its own engine (connection pool) and notices, on one database."""
    clock = ManualClock()
    everyone = Told()
    engines = [create_engine(postgres_url), create_engine(postgres_url)]
    workers = [Worker(RecordedWindows(engine), clock, everyone) for engine in engines]
    yield workers[0], workers[1], clock, everyone
    for worker in workers:
        await worker.notices.close()
    for engine in engines:
        await engine.dispose()


async def test_a_burst_on_two_workers_is_told_once_at_once_and_once_as_the_count_of_both(
    two_workers: tuple[Worker, Worker, ManualClock, Told],
) -> None:
    first, second, clock, _everyone = two_workers
    first.notices.heard(failed(1))
    await first.told.wait(1)
    second.notices.heard(failed(2))
    second.notices.heard(failed(3))
    first.notices.heard(failed(4))
    await first.windows.wait(2)
    await second.windows.wait(2)
    assert first.told.said() == [(1, 0)]
    assert second.told.said() == [], "the window the first worker opened counts the second's failures"

    await clock.advance(WINDOW_S)
    await first.told.wait(2)
    assert first.told.said() == [(1, 0), (4, 3)], "one count of both workers' failures"
    assert second.told.said() == []

    await clock.advance(WINDOW_S)  # nothing counted in the window the count opened: it ends
    second.notices.heard(failed(5))
    await second.told.wait(1)
    assert second.told.said() == [(5, 0)]
    assert first.told.said() == [(1, 0), (4, 3)]


async def test_failures_on_two_workers_at_the_same_moment_open_one_window(
    two_workers: tuple[Worker, Worker, ManualClock, Told],
) -> None:
    first, second, clock, everyone = two_workers
    first.notices.heard(failed(1))
    second.notices.heard(failed(2))
    first.notices.heard(failed(3, guild_id=9))
    second.notices.heard(failed(4, guild_id=9))
    await first.windows.wait(2)
    await second.windows.wait(2)
    told_at_once = list(everyone.notices)
    assert sorted(n.failure.job.guild_id for n in told_at_once) == [1, 9], "one notice per server"
    assert all(n.more == 0 for n in told_at_once)

    await clock.advance(WINDOW_S)
    await everyone.wait(4)
    counts = everyone.notices[2:]
    assert sorted((n.failure.job.guild_id, n.more) for n in counts) == [(1, 1), (9, 1)]


class BrokenWindows:
    def __init__(self) -> None:
        self.calls = 0

    async def open_or_count(self, guild_id: int, reason_key: str, window_s: float) -> bool:
        self.calls += 1
        raise ConnectionRefusedError("the database is away")

    async def close(self, guild_id: int, reason_key: str) -> int:
        raise AssertionError("no shared window was opened")


async def test_a_database_that_fails_leaves_the_process_counting_on_its_own_and_says_so_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = ManualClock()
    told = Told()
    broken = BrokenWindows()
    notices = FailureNotices(FailureNoticeSettings(window_s=WINDOW_S, sleep=clock.sleep), broken)
    notices.subscribe(told)
    with caplog.at_level(logging.WARNING, logger="core.jobs.failure_notices"):
        notices.heard(failed(1))
        await told.wait(1)
        notices.heard(failed(2))
        notices.heard(failed(3))
        await clock.advance(WINDOW_S)
        await told.wait(2)
    assert told.said() == [(1, 0), (3, 2)]
    assert broken.calls == 1, "once the process counts on its own, its window takes the rest"
    warnings = [r for r in caplog.records if "shared failure windows failed" in r.getMessage()]
    assert len(warnings) == 1
    await notices.close()
