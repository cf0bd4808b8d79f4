"""What a member is told when the server under their job goes away, and the clock of the whole job."""

from __future__ import annotations

import asyncio

from comfy import errors
from core.jobs.setbacks import JobClocks, server_lost
from core.jobs.updates import JobSetback, Setback


async def test_the_clock_counts_the_whole_job_across_attempts() -> None:
    clocks = JobClocks()
    assert clocks.started(7) == 0.0
    first = asyncio.get_running_loop().time()
    await asyncio.sleep(0.05)

    again = clocks.started(7)  # its second attempt

    assert again >= 0.05
    assert clocks.elapsed_s(7) >= again
    assert clocks.elapsed_s(7) <= asyncio.get_running_loop().time() - first + 0.01
    clocks.forget(7)
    assert clocks.elapsed_s(7) == 0.0


def test_a_restart_and_a_server_that_stays_away_are_told_apart() -> None:
    restarted = server_lost(errors.PromptLost("gone"), elapsed_s=5.0, other_server=False)
    away = server_lost(errors.BackendUnavailable("refused"), elapsed_s=9.0, other_server=True)

    assert restarted == JobSetback(Setback.SERVER_RESTARTED, 5.0, other_server=False)
    assert away == JobSetback(Setback.SERVER_GONE, 9.0, other_server=True)
