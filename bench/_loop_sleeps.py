"""How often the event loop went to sleep and was woken, counted at its selector.

On a small virtual machine a wake from idle is the dearest thing a worker does (tens of microseconds of
CPU each, more than handling a websocket frame), so CPU per job follows the number of wakes per job.
A select with a timeout other than 0 is one where the loop had nothing ready and waited.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any


def count_loop_sleeps(loop: asyncio.AbstractEventLoop) -> Callable[[], int]:
    """Start counting the loop's waits; returns a function that reads the count so far."""
    selector: Any = getattr(loop, "_selector", None)
    if selector is None:  # not a selector loop (uvloop, say): nothing to count
        return lambda: 0
    original = selector.select
    count = [0]

    def select(timeout: float | None = None) -> Any:
        if timeout is None or timeout > 0:
            count[0] += 1
        return original(timeout)

    selector.select = select
    return lambda: count[0]
