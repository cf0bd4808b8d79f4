"""JSON logs: one document per line, job lines searchable by job, guild and prompt id."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest

from background.log_context import log_context
from bot.logging_setup import configure_logging
from tests.bot.test_logging_redaction import root_logging  # noqa: F401 - a fixture
from tests.core.jobs.harness import image_request, running_core
from tests.fakes.comfyui import FakeComfyUI

pytestmark = pytest.mark.usefixtures("root_logging")


async def test_a_real_jobs_lines_carry_its_ids_as_fields(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    captured = io.StringIO()
    configure_logging("INFO", "json", stream=captured)
    async with running_core(database_url, [fake_comfy.url], tmp_path) as (runtime, observer):
        receipt = await runtime.service.submit(image_request(guild_id=77))
        await observer.final(receipt.job.id)
    documents = [json.loads(line) for line in captured.getvalue().splitlines()]
    assert all({"at", "level", "logger", "message"} <= set(doc) for doc in documents)
    mine = [doc for doc in documents if doc.get("job_id") == receipt.job.id]
    submitted = [doc for doc in mine if "submitted to" in doc["message"]]
    assert len(submitted) == 1
    assert submitted[0]["guild_id"] == 77
    assert submitted[0]["prompt_id"] == fake_comfy.prompts_received[0]["prompt_id"]
    assert any("succeeded" in doc["message"] for doc in mine)


def test_console_format_is_one_readable_line() -> None:
    captured = io.StringIO()
    configure_logging("INFO", "console", stream=captured)
    logging.getLogger("bot.test").warning("job_id=%s guild_id=%s failed", 3, 4)
    line = captured.getvalue()
    assert line.count("\n") == 1
    assert line.rstrip().endswith("WARNING bot.test: job_id=3 guild_id=4 failed")


def test_console_lines_show_the_log_contexts_ids_before_the_message() -> None:
    captured = io.StringIO()
    configure_logging("INFO", "console", stream=captured)
    with log_context(job_id=3, guild_id=4):
        logging.getLogger("bot.test").warning("failed")
    assert captured.getvalue().rstrip().endswith("WARNING bot.test: job_id=3 guild_id=4 failed")


def test_json_fields_come_from_the_log_context_not_from_the_message_text() -> None:
    captured = io.StringIO()
    configure_logging("INFO", "json", stream=captured)
    with log_context(job_id=3, prompt_id="abc"):
        logging.getLogger("bot.test").info("submitted")
    logging.getLogger("bot.test").info("job_id=9 written in the text")
    with_context, without = (json.loads(line) for line in captured.getvalue().splitlines())
    assert (with_context["job_id"], with_context["prompt_id"], with_context["message"]) == (
        3,
        "abc",
        "submitted",
    )
    assert "job_id" not in without
