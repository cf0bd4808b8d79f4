"""How many trips to aiosqlite's thread the worker made: each one a hand-over to that thread and a wake-up
of the event loop when it answers, which on a small VM cost about as much CPU as the statements run there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiosqlite


def count_database_trips() -> tuple[Callable[[], int], Callable[[], None]]:
    """Start counting (every process's SQLite connection alike); returns the reader and the undo."""
    original = aiosqlite.Connection._execute
    count = [0]

    async def counted(connection: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        count[0] += 1
        return await original(connection, fn, *args, **kwargs)

    aiosqlite.Connection._execute = counted  # type: ignore[method-assign]

    def undo() -> None:
        aiosqlite.Connection._execute = original  # type: ignore[method-assign]

    return lambda: count[0], undo
