"""A server's failures told to its managers: the first of a reason at once, the rest of its window counted and
told as one when the window ends; each server and each reason on its own; personal scopes and a manager's
/workflows test never."""

from __future__ import annotations

import asyncio

from core.jobs.failure_events import ServerFailure
from core.jobs.failure_notices import FailureNotice, FailureNotices, FailureNoticeSettings
from core.jobs.scopes import personal_scope
from core.texts import Text
from db.enums import JobStatus
from tests.bot.history_factories import a_job
from tests.fakes.manual_clock import ManualClock

BROKEN = Text("failures.server_failed", "Something went wrong on the ComfyUI server while making this.")
SLOW = Text(
    "failures.took_too_long_plain", "This job took longer than 5 min, so I stopped it.", {"minutes": 5}
)
WINDOW_S = 300.0


class Told:
    def __init__(self) -> None:
        self.notices: list[FailureNotice] = []
        self._changed = asyncio.Event()

    def __call__(self, notice: FailureNotice) -> None:
        self.notices.append(notice)
        self._changed.set()

    async def wait(self, count: int) -> list[FailureNotice]:
        async with asyncio.timeout(5):
            while len(self.notices) < count:
                self._changed.clear()
                await self._changed.wait()
        return self.notices

    def said(self) -> list[tuple[int, int]]:
        """(job id, how many more) of each notice, in order."""
        return [(n.failure.job.id, n.more) for n in self.notices]


def failed(job_id: int, reason: Text | str = BROKEN, *, guild_id: int = 1, **job: object) -> ServerFailure:
    view = a_job(job_id, guild_id=guild_id, status=JobStatus.FAILED, **job)
    return ServerFailure(view, reason, f"RuntimeError in job {job_id}")


def notices_for(clock: ManualClock) -> tuple[FailureNotices, Told]:
    told = Told()
    notices = FailureNotices(FailureNoticeSettings(window_s=WINDOW_S, sleep=clock.sleep))
    notices.subscribe(told)
    return notices, told


async def test_the_first_failure_is_told_at_once_and_the_next_ones_counted_until_the_window_ends() -> None:
    clock = ManualClock()
    notices, told = notices_for(clock)
    notices.heard(failed(1))
    notices.heard(failed(2))
    notices.heard(failed(3))
    assert told.said() == [(1, 0)]
    await clock.advance(WINDOW_S - 1)
    assert told.said() == [(1, 0)], "the window has not ended"
    await clock.advance(1)
    await told.wait(2)
    assert told.said() == [(1, 0), (3, 2)]
    assert told.notices[1].failure.detail == "RuntimeError in job 3"
    await notices.close()


async def test_a_window_that_counted_nothing_ends_and_the_next_failure_is_told_at_once() -> None:
    clock = ManualClock()
    notices, told = notices_for(clock)
    notices.heard(failed(1))
    await clock.advance(WINDOW_S)
    notices.heard(failed(2))
    assert told.said() == [(1, 0), (2, 0)]
    await notices.close()


async def test_a_backend_that_stays_broken_is_told_once_per_window() -> None:
    clock = ManualClock()
    notices, told = notices_for(clock)
    notices.heard(failed(1))
    notices.heard(failed(2))
    await clock.advance(WINDOW_S)
    await told.wait(2)
    notices.heard(failed(3))  # within the window the count opened: counted too
    notices.heard(failed(4))
    await clock.advance(WINDOW_S)
    await told.wait(3)
    await clock.advance(WINDOW_S)  # nothing counted in this one: it just ends
    notices.heard(failed(5))
    assert told.said() == [(1, 0), (2, 1), (4, 2), (5, 0)]
    await notices.close()


async def test_each_server_and_each_reason_has_a_window_of_its_own() -> None:
    clock = ManualClock()
    notices, told = notices_for(clock)
    notices.heard(failed(1))
    notices.heard(failed(2, guild_id=9))
    notices.heard(failed(3, SLOW))
    notices.heard(failed(4, "The workflow finished but produced no files."))
    notices.heard(failed(5, SLOW))
    assert told.said() == [(1, 0), (2, 0), (3, 0), (4, 0)]
    await notices.close()


async def test_personal_scopes_and_workflow_tests_are_never_told() -> None:
    clock = ManualClock()
    notices, told = notices_for(clock)
    notices.heard(failed(1, guild_id=personal_scope(3)))
    notices.heard(failed(2, private=True, raw_input="/workflows test txt2img"))
    notices.heard(failed(3))
    assert told.said() == [(3, 0)]
    await notices.close()


async def test_a_listener_that_raises_does_not_keep_the_others_from_hearing() -> None:
    clock = ManualClock()
    notices, told = notices_for(clock)

    def broken(_notice: FailureNotice) -> None:
        raise RuntimeError("listener bug")

    notices.subscribe(broken)
    notices.heard(failed(1))
    told_too = Told()
    stop = notices.subscribe(told_too)
    notices.heard(failed(2, SLOW))
    stop()
    notices.heard(failed(3, "no outputs"))
    assert told.said() == [(1, 0), (2, 0), (3, 0)]
    assert told_too.said() == [(2, 0)]
    await notices.close()


async def test_a_window_whose_clock_failed_once_still_ends_and_tells_its_count() -> None:
    """The window's loop runs supervised: an error in it is logged and the loop goes on, so the server and
    reason are not left counting forever, never told again."""
    clock = ManualClock()
    broke: list[float] = []

    async def sleep_failing_once(seconds: float) -> None:
        if not broke:
            broke.append(seconds)
            raise RuntimeError("the clock broke")
        await clock.sleep(seconds)

    told = Told()
    notices = FailureNotices(FailureNoticeSettings(window_s=WINDOW_S, sleep=sleep_failing_once))
    notices.subscribe(told)
    notices.heard(failed(1))
    notices.heard(failed(2))
    notices.heard(failed(3))
    await clock.advance(WINDOW_S)
    await told.wait(2)
    notices.heard(failed(4))  # the count told opened the next window: counted in it

    assert broke == [WINDOW_S]
    assert told.said() == [(1, 0), (3, 2)]
    await notices.close()
