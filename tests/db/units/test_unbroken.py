import asyncio

import pytest

from db.units.unbroken import unbroken


async def test_a_cancelled_caller_lets_the_transaction_finish_then_stops() -> None:
    finished: list[str] = []

    @unbroken
    async def write() -> str:
        await asyncio.sleep(0.05)
        finished.append("committed")
        return "done"

    caller = asyncio.create_task(write())
    await asyncio.sleep(0.01)
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    assert finished == ["committed"]


async def test_an_uncancelled_call_returns_its_result_and_raises_its_errors() -> None:
    @unbroken
    async def ok() -> int:
        return 7

    @unbroken
    async def broken() -> int:
        raise ValueError("bad query")

    assert await ok() == 7
    with pytest.raises(ValueError, match="bad query"):
        await broken()
