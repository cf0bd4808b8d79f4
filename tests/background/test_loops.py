"""Supervised loops: an unexpected error is logged with its traceback, the loop goes on; cancel stops it."""

from __future__ import annotations

import asyncio
import logging

import pytest

from background.loops import Backoff, every, supervise

NO_WAIT = Backoff(first_s=0.0, longest_s=0.0)


class Boom(Exception):
    pass


async def test_an_unexpected_error_is_logged_with_its_traceback_and_the_loop_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    runs = 0
    second_run = asyncio.Event()

    async def run() -> None:
        nonlocal runs
        runs += 1
        if runs == 1:
            raise Boom("a bug")
        second_run.set()
        await asyncio.Event().wait()

    task = asyncio.create_task(supervise("the position announcer", run, backoff=NO_WAIT))
    await asyncio.wait_for(second_run.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    failures = [r for r in caplog.records if r.name == "background.loops"]
    assert len(failures) == 1
    assert failures[0].levelno == logging.ERROR
    assert "the position announcer failed" in failures[0].getMessage()
    assert failures[0].exc_info is not None
    assert isinstance(failures[0].exc_info[1], Boom)
    assert runs == 2


async def test_an_expected_error_is_one_warning_line_without_a_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    runs = 0

    async def run() -> None:
        nonlocal runs
        runs += 1
        if runs == 1:
            raise ConnectionRefusedError(111, "refused")

    def expected(error: Exception) -> str | None:
        return "the database is unreachable" if isinstance(error, OSError) else None

    await asyncio.wait_for(supervise("lease renewal", run, backoff=NO_WAIT, expected=expected), 5)

    failures = [r for r in caplog.records if r.name == "background.loops"]
    assert [r.levelno for r in failures] == [logging.WARNING]
    assert "lease renewal: the database is unreachable" in failures[0].getMessage()
    assert failures[0].exc_info is None
    assert runs == 2, "the loop ran again after the outage and then ended normally"


async def test_cancelling_stops_the_loop_for_good_even_while_it_backs_off() -> None:
    runs = 0
    failed = asyncio.Event()

    async def run() -> None:
        nonlocal runs
        runs += 1
        failed.set()
        raise Boom("a bug")

    task = asyncio.create_task(supervise("watching backends", run, backoff=Backoff(first_s=3600.0)))
    await asyncio.wait_for(failed.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert task.cancelled()
    assert runs == 1


async def test_cancelling_a_running_loop_is_not_taken_for_a_failure(caplog: pytest.LogCaptureFixture) -> None:
    started = asyncio.Event()

    async def run() -> None:
        started.set()
        await asyncio.Event().wait()

    task = asyncio.create_task(supervise("the dispatcher", run, backoff=NO_WAIT))
    await asyncio.wait_for(started.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not [r for r in caplog.records if r.name == "background.loops"]


def _delays(caplog: pytest.LogCaptureFixture) -> list[float]:
    records = [r for r in caplog.records if r.name == "background.loops"]
    return [r.args[1] for r in records if isinstance(r.args, tuple) and isinstance(r.args[1], float)]


async def test_the_back_off_doubles_while_the_loop_keeps_failing_fast_up_to_its_longest(
    caplog: pytest.LogCaptureFixture,
) -> None:
    runs = 0

    async def run() -> None:
        nonlocal runs
        runs += 1
        if runs <= 4:
            raise Boom("a bug")

    backoff = Backoff(first_s=0.001, longest_s=0.004, healthy_after_s=3600.0)
    await asyncio.wait_for(supervise("spinning", run, backoff=backoff), 5)
    assert _delays(caplog) == [0.001, 0.002, 0.004, 0.004]


async def test_after_a_healthy_run_the_back_off_starts_small_again(caplog: pytest.LogCaptureFixture) -> None:
    runs = 0

    async def run() -> None:
        nonlocal runs
        runs += 1
        if runs <= 3:
            raise Boom("once in a while")

    backoff = Backoff(first_s=0.001, longest_s=1.0, healthy_after_s=0.0)  # every run counts as healthy
    await asyncio.wait_for(supervise("healthy", run, backoff=backoff), 5)
    assert _delays(caplog) == [0.001, 0.001, 0.001]


async def test_every_takes_its_turn_again_and_again() -> None:
    turns = 0
    third = asyncio.Event()

    async def turn() -> None:
        nonlocal turns
        turns += 1
        if turns == 3:
            third.set()

    task = asyncio.create_task(supervise("turns", every(0.0, turn), backoff=NO_WAIT))
    await asyncio.wait_for(third.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert turns >= 3


async def test_a_failing_turn_does_not_end_the_turns(caplog: pytest.LogCaptureFixture) -> None:
    turns = 0
    after_failure = asyncio.Event()

    async def turn() -> None:
        nonlocal turns
        turns += 1
        if turns == 2:
            raise Boom("one bad turn")
        if turns == 3:
            after_failure.set()

    task = asyncio.create_task(supervise("announcing", every(0.0, turn), backoff=NO_WAIT))
    await asyncio.wait_for(after_failure.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len([r for r in caplog.records if r.name == "background.loops" and r.exc_info]) == 1
