"""A job's ids travel with the code that runs it (contextvars), into every line it logs."""

from __future__ import annotations

import asyncio
import logging

from background.log_context import (
    LogContextFilter,
    bind_log_context,
    context_prefix,
    current_log_context,
    log_context,
)


def _record(message: str = "something happened") -> logging.LogRecord:
    record = logging.LogRecord("core.jobs", logging.INFO, __file__, 1, message, None, None)
    LogContextFilter().filter(record)
    return record


def test_ids_hold_inside_the_block_only() -> None:
    with log_context(job_id=7, guild_id=3):
        with log_context(prompt_id="p-1"):
            assert dict(current_log_context()) == {"job_id": 7, "guild_id": 3, "prompt_id": "p-1"}
        assert dict(current_log_context()) == {"job_id": 7, "guild_id": 3}
    assert dict(current_log_context()) == {}


def test_an_id_that_is_none_is_left_out() -> None:
    with log_context(job_id=7, prompt_id=None):
        assert dict(current_log_context()) == {"job_id": 7}


async def test_a_task_created_inside_the_block_carries_the_ids_after_it_ends() -> None:
    seen: dict[str, object] = {}
    go = asyncio.Event()

    async def later() -> None:
        await go.wait()
        seen.update(current_log_context())

    with log_context(job_id=7, guild_id=3):
        task = asyncio.create_task(later())
    go.set()
    await task
    assert seen == {"job_id": 7, "guild_id": 3}


async def test_ids_bound_in_a_task_stay_in_that_task() -> None:
    async def job_task() -> dict[str, object]:
        bind_log_context(job_id=9, user_id=5)
        return dict(current_log_context())

    assert await asyncio.create_task(job_task()) == {"job_id": 9, "user_id": 5}
    assert dict(current_log_context()) == {}


def test_the_filter_puts_the_ids_on_the_record() -> None:
    with log_context(job_id=7, guild_id=3, prompt_id="p-1", user_id=10):
        record = _record()
    assert (record.job_id, record.guild_id, record.prompt_id, record.user_id) == (7, 3, "p-1", 10)  # type: ignore[attr-defined]
    assert context_prefix(record) == "job_id=7 guild_id=3 prompt_id=p-1 user_id=10 "


def test_a_line_outside_any_job_has_no_ids() -> None:
    record = _record()
    assert not hasattr(record, "job_id")
    assert context_prefix(record) == ""
