"""Database transactions that run to their end even when the task that started them is cancelled.

Shutting the queue down cancels its tasks. A task cancelled in the middle of a transaction leaves its
connection behind mid-transaction; on SQLite (where even a read holds the write lock, since every transaction
begins IMMEDIATE) that connection keeps the lock until it is collected, and the next process or test finds
the database locked. A transaction is short: let it finish, then stop.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

GRACE_S = 10.0


def unbroken(write: Callable[P, Coroutine[Any, Any, T]]) -> Callable[P, Coroutine[Any, Any, T]]:
    @functools.wraps(write)
    async def finishing(*args: P.args, **kwargs: P.kwargs) -> T:
        task = asyncio.ensure_future(write(*args, **kwargs))
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            # Wait for the transaction to commit or roll back, then let the cancellation go on.
            await asyncio.wait([task], timeout=GRACE_S)
            if not task.done():
                task.cancel()
            elif not task.cancelled():
                task.exception()  # retrieved: its outcome no longer matters to anyone
            raise

    return finishing
