"""A SQL function `slow(x)` that holds aiosqlite's thread until the test lets it go: a statement caught
mid-run, for the tests of what a cancel leaves behind."""

from __future__ import annotations

import threading

from sqlalchemy.ext.asyncio import AsyncEngine


async def install_slow_function(engine: AsyncEngine) -> tuple[threading.Event, threading.Event]:
    """(started, release): `started` is set when a statement calls slow(); it returns once `release` is."""
    started, release = threading.Event(), threading.Event()

    def slow(value: int) -> int:
        started.set()
        release.wait(timeout=30)
        return value

    async with engine.connect() as connection:
        driver = (await connection.get_raw_connection()).driver_connection
        assert driver is not None
        await driver.create_function("slow", 1, slow)
    return started, release
