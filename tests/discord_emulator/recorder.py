"""What the bot asked of the REST API, and a way to wait for the emulator's state to change."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RecordedFile:
    field: str
    filename: str
    content_type: str | None
    data: bytes


@dataclass(frozen=True)
class RecordedCall:
    """One REST request and the status the emulator answered with."""

    method: str
    path: str  # without the /api/v10 prefix, e.g. "/channels/1/messages"
    query: dict[str, str]
    json: Any
    files: list[RecordedFile]
    status: int
    at: dt.datetime


class StateWatch:
    """Wakes waiters whenever the emulator's state changes, so tests never poll with sleeps."""

    def __init__(self) -> None:
        self._changed = asyncio.Condition()

    async def notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, predicate: Callable[[], Any], timeout: float) -> Any:  # noqa: ASYNC109
        async def _wait() -> Any:
            async with self._changed:
                while not (result := predicate()):
                    await self._changed.wait()
                return result

        return await asyncio.wait_for(_wait(), timeout)


@dataclass
class CallRecorder:
    calls: list[RecordedCall] = field(default_factory=list)
    unknown_routes: list[RecordedCall] = field(default_factory=list)

    def add(self, call: RecordedCall, *, unknown: bool = False) -> None:
        self.calls.append(call)
        if unknown:
            self.unknown_routes.append(call)

    def matching(self, method: str, path_regex: str) -> list[RecordedCall]:
        pattern = re.compile(path_regex)
        return [c for c in self.calls if c.method == method.upper() and pattern.search(c.path)]
