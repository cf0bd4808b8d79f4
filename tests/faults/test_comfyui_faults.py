"""ComfyUI misbehaves under the running bot: it dies and comes back with an empty memory, or its websocket
goes silent while HTTP still answers. Every job reaches an end its user can read; nothing hangs."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from tests.discord_emulator.layout import text_of
from tests.e2e.harness import job_state
from tests.fakes.comfyui import FakeConfig
from tests.faults.conftest import ReportFigures
from tests.faults.world import running_world, shown_job_id

pytestmark = [pytest.mark.faults, pytest.mark.postgres]

SLOW = FakeConfig(step_time_s=0.05, default_steps=8)
UNFRIENDLY = ("Traceback", "Exception", "Error(", "aiohttp", "prompt_id", "None")


def assert_readable(text: str) -> None:
    assert text.strip(), "a failure must say why"
    assert not any(word in text for word in UNFRIENDLY), text


@pytest.mark.timeout(150)
async def test_comfyui_killed_and_restarted_empty_every_job_resubmitted_or_failed_clearly(
    postgres_url: str, tmp_path: Path, report_figures: ReportFigures
) -> None:
    async with running_world(postgres_url, tmp_path, fake_config=SLOW) as world:
        interactions = await asyncio.gather(
            *(
                world.imagine(place, user, "a harbour at night")
                for place in world.places
                for user in place.users[:2]
            )
        )
        await world.emu.wait_for(lambda: world.fake.running_prompt_id is not None, 20)
        rows_before = await world.job_rows()  # a job's row names its prompt from its claim to its next one
        await world.fake.kill()
        # Lost: the prompts the dead server had received and not finished. A job claimed ("running") whose
        # POST waits for the websocket to come back was never on the dead server, and runs once after it.
        received_before = len(world.fake.prompts_received)
        unfinished = {body.get("prompt_id") for body in world.fake.prompts_received} - set(
            world.fake.queue.history
        )
        rows_after = await world.job_rows()
        affected_ids = {r.id for r in rows_before + rows_after if r.prompt_id in unfinished}
        await asyncio.sleep(1.0)  # down long enough for the bot to notice: connections refused
        await world.fake.restart()  # same port, no history, no queue
        restarted_at = time.monotonic()

        await world.wait_all_final(interactions, timeout=120)
        settled_s = time.monotonic() - restarted_at
        rows = await world.wait_for_rows(
            lambda rows: all(r.delivery_state == "delivered" for r in rows) and len(rows) == len(interactions)
        )
        by_id = {r.id: r for r in rows}
        shown = world.job_messages()
        for interaction in interactions:
            message = world.emu.original_response(interaction)
            job_id = shown_job_id(message)
            assert job_id is not None
            assert shown[job_id] == [message], "one message per job"
            row = by_id[job_id]
            if job_state(message) == "done":
                assert row.status == "succeeded"
                assert message.attachments
            else:
                assert job_state(message) == "failed"
                assert row.status == "failed"
                assert_readable(text_of(message))
                assert_readable(row.error_message or "")
        assert affected_ids, "a job was running on ComfyUI when it died"
        for job_id in affected_ids:
            if by_id[job_id].status == "succeeded":
                assert by_id[job_id].attempts >= 2, f"job {job_id}'s lost prompt was resubmitted"
        assert len(world.fake.prompts_received) > received_before, "ComfyUI got work again after its restart"
        outcomes = sorted((str(by_id[i].status), by_id[i].attempts) for i in affected_ids)
        report_figures(
            jobs=len(rows), settled_after_back_s=round(settled_s, 1), lost_jobs_status_attempts=outcomes
        )


@pytest.mark.timeout(150)
async def test_a_silent_comfyui_websocket_is_detected_and_the_jobs_reconciled(
    postgres_url: str, tmp_path: Path, report_figures: ReportFigures
) -> None:
    async with running_world(postgres_url, tmp_path, fake_config=SLOW) as world:
        world.fake.config.silent_ws = True  # sockets stay open, HTTP answers, no event ever arrives
        silent_since = time.monotonic()
        interactions = [
            await world.imagine(place, place.users[0], "a quiet forest") for place in world.places[:2]
        ]
        await world.assert_delivered_once(interactions, timeout=120)
        took_s = time.monotonic() - silent_since
        report_figures(jobs=len(interactions), reconciled_after_s=round(took_s, 1))
