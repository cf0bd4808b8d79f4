"""Counting the trips to aiosqlite's thread: every call of its Connection._execute is one."""

from __future__ import annotations

import aiosqlite
import pytest


def count_sqlite_trips(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """A list that gets the function of every trip to aiosqlite's thread from now on (until the monkeypatch
    is undone)."""
    trips: list[object] = []
    original = aiosqlite.Connection._execute

    async def counted(connection: aiosqlite.Connection, fn: object, *args: object) -> object:
        trips.append(fn)
        return await original(connection, fn, *args)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return trips
