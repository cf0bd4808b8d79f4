"""Writing what happened to a job through a short database outage: a PostgreSQL restart takes seconds, and a
result that ComfyUI already produced must not be dropped because one UPDATE found the server away."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

FIRST_WAIT_S = 0.2
LONGEST_WAIT_S = 5.0
PATIENCE_S = 300.0  # then the error propagates (and is logged) as before


def is_outage(error: BaseException) -> bool:
    """The database could not be reached (refused, restarting, connection cut), as opposed to a bad query."""
    if isinstance(error, OSError | TimeoutError):
        return True
    if isinstance(error, DBAPIError) and not isinstance(error, IntegrityError):
        # asyncpg's "the database system is starting up" arrives as a plain DBAPIError.
        return error.connection_invalidated or type(error) in (DBAPIError, OperationalError, InterfaceError)
    return False


def outage_note(error: Exception) -> str | None:
    """For a background loop's supervisor: an outage is expected and said in a few words, not a traceback."""
    if is_outage(error):
        return f"the database is unreachable ({type(error).__name__})"
    return None


def through_outages(write: Callable[P, Coroutine[Any, Any, T]]) -> Callable[P, Coroutine[Any, Any, T]]:
    """Retry `write` (one transaction: all or nothing) while the database is unreachable."""

    @functools.wraps(write)
    async def retrying(*args: P.args, **kwargs: P.kwargs) -> T:
        loop = asyncio.get_running_loop()
        give_up_at = loop.time() + PATIENCE_S
        wait_s = FIRST_WAIT_S
        while True:
            try:
                return await write(*args, **kwargs)
            except Exception as error:
                if not is_outage(error) or loop.time() + wait_s > give_up_at:
                    raise
                log.warning(
                    "database unreachable during %s (%s); retrying in %.1f s", write.__name__, error, wait_s
                )
            await asyncio.sleep(wait_s)
            wait_s = min(wait_s * 2, LONGEST_WAIT_S)

    return retrying
