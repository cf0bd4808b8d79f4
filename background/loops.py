"""Every background loop runs under `supervise`: a loop that dies silently stops the service.

An unexpected error is logged with its traceback and the loop starts again after a back-off; an error the
owner expects (a database outage, say) is logged as one warning line. The back-off grows only while the loop
keeps failing quickly and starts small again after a healthy run (so a loop that fails once a day is not made
to wait long, and one that fails at once is not left spinning). Cancelling the task stops the loop for good.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Backoff:
    first_s: float = 0.5
    longest_s: float = 30.0
    healthy_after_s: float = 5.0  # a run this long was healthy: the next failure waits `first_s` again


def _unexpected(_error: Exception) -> str | None:
    return None


async def supervise(
    name: str,
    run: Callable[[], Awaitable[None]],
    *,
    backoff: Backoff = Backoff(),
    expected: Callable[[Exception], str | None] = _unexpected,
) -> None:
    """Await `run()` until it returns, starting it again after each error.

    `expected` describes an error the owner foresees in a few words (logged without a traceback), or
    returns None for a bug, which is logged with its traceback.
    """
    loop = asyncio.get_running_loop()
    delay_s = backoff.first_s
    while True:
        started = loop.time()
        try:
            await run()
            return
        except Exception as error:
            if loop.time() - started >= backoff.healthy_after_s:
                delay_s = backoff.first_s
            note = expected(error)
            if note is not None:
                log.warning("%s: %s; going on in %.1f s", name, note, delay_s)
            else:
                log.error("%s failed; going on in %.1f s", name, delay_s, exc_info=error)
        await asyncio.sleep(delay_s)
        delay_s = min(delay_s * 2, backoff.longest_s)


def every(interval_s: float, turn: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
    """A loop body that takes `turn` every `interval_s` seconds, for `supervise` to run."""

    async def run() -> None:
        while True:
            await asyncio.sleep(interval_s)
            await turn()

    return run
