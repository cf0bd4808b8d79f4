"""Cancelling, losing the websocket, losing the server: every prompt still gets a definite outcome."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest

from comfy import errors, events
from comfy.client_id import load_or_create_client_id
from comfy.run import PromptRun
from tests.comfy.conftest import ClientFactory, collect, graph, record_history_reads
from tests.fakes.comfyui.config import FakeConfig


def long_sampler(steps: int = 200) -> dict[str, Any]:
    workflow = graph("canonical_txt2img_sd15_api")
    workflow["3"]["inputs"]["steps"] = steps
    return workflow


async def first_progress(run: PromptRun) -> list[events.PromptEvent]:
    got: list[events.PromptEvent] = []
    async with asyncio.timeout(10):
        async for event in run:
            got.append(event)
            if isinstance(event, events.Progress):
                return got
    raise AssertionError(f"run ended before any progress: {got}")


async def test_cancel_of_a_running_prompt_interrupts_it(fake_comfy: Any, make_client: ClientFactory) -> None:
    client = await make_client(fake_comfy.url)
    run = await client.submit(long_sampler(), "job-int-run")
    await first_progress(run)

    outcome = await client.cancel("job-int-run")

    assert outcome == "interrupted"
    assert isinstance(run.outcome, events.Interrupted)
    assert not run.outcome.removed_from_queue
    assert {"prompt_id": "job-int-run"} in fake_comfy.interrupts
    with pytest.raises(errors.Interrupted):
        await run.result(timeout_s=1)


async def test_cancel_of_a_pending_prompt_removes_it_from_the_queue(
    fake_comfy: Any, make_client: ClientFactory
) -> None:
    client = await make_client(fake_comfy.url)
    running = await client.submit(long_sampler(), "job-busy")
    pending = await client.submit(long_sampler(), "job-waiting")
    await first_progress(running)

    outcome = await client.cancel("job-waiting")

    assert outcome == "removed"
    got = await collect(pending, timeout_s=2)
    assert got[-1] == events.Interrupted("job-waiting", removed_from_queue=True)
    assert not any(isinstance(e, events.Started) for e in got)
    assert ["job-waiting"] in fake_comfy.queue_deletes
    assert fake_comfy.running_prompt_id == "job-busy"
    assert await client.cancel("job-busy") == "interrupted"


async def test_pending_prompt_reports_its_queue_position(fake_comfy: Any, make_client: ClientFactory) -> None:
    client = await make_client(fake_comfy.url)
    running = await client.submit(long_sampler(), "job-first")
    await first_progress(running)
    second = await client.submit(long_sampler(), "job-second")
    third = await client.submit(long_sampler(), "job-third")

    async def first_event(run: PromptRun) -> events.PromptEvent:
        async with asyncio.timeout(5):
            async for event in run:
                return event
        raise AssertionError("no event")

    queued_second, queued_third = await first_event(second), await first_event(third)
    assert isinstance(queued_second, events.Queued)
    assert isinstance(queued_third, events.Queued)
    assert (queued_second.position, queued_third.position) == (0, 1)
    assert queued_third.queue_remaining == 3
    for prompt_id in ("job-third", "job-second", "job-first"):
        await client.cancel(prompt_id)


async def test_websocket_dropped_mid_job_is_reconciled_from_history(
    fake_comfy: Any, make_client: ClientFactory
) -> None:
    from dataclasses import replace

    from tests.comfy.conftest import FAST

    # Reconnect slowly enough that the job ends while we are away and its last messages are lost.
    client = await make_client(
        fake_comfy.url, reconnect=replace(FAST.reconnect, base_delay_s=0.5, max_delay_s=0.5)
    )
    run = await client.submit(long_sampler(steps=20), "job-drop")
    await first_progress(run)

    await client.reconnect()
    await fake_comfy.wait_idle()
    assert fake_comfy.history_of("job-drop") is not None
    assert not client.connected  # it ended while we were away: its last messages went nowhere
    assert not run.done

    completed = await run.result(timeout_s=10)

    assert completed.files
    assert client.connected


async def test_server_killed_mid_job_fails_it_as_backend_unavailable(
    fake_comfy: Any, make_client: ClientFactory
) -> None:
    client = await make_client(fake_comfy.url)
    run = await client.submit(long_sampler(), "job-killed")
    await first_progress(run)

    await fake_comfy.kill()

    with pytest.raises(errors.BackendUnavailable) as caught:
        await run.result(timeout_s=10)
    assert not isinstance(caught.value, errors.PromptLost)
    assert client.in_flight == 0
    with pytest.raises(errors.BackendUnavailable):
        await client.system_stats()


async def test_server_restarted_mid_job_reports_the_prompt_lost(
    fake_comfy: Any, make_client: ClientFactory
) -> None:
    client = await make_client(fake_comfy.url, give_up_after_failures=50)
    run = await client.submit(long_sampler(), "job-restarted")
    await first_progress(run)

    await fake_comfy.restart()

    with pytest.raises(errors.PromptLost) as caught:
        await run.result(timeout_s=10)
    assert caught.value.resubmittable
    # The backend itself is usable again.
    again = await client.submit(graph("image_emptyimage_saveimage"), "job-after-restart")
    assert isinstance(await again.result(timeout_s=10), events.Completed)


async def test_silent_websocket_falls_back_to_polling_history(
    fake_comfy_factory: Any, make_client: ClientFactory
) -> None:
    fake = await fake_comfy_factory(FakeConfig(silent_ws=True))
    client = await make_client(fake.url, silence_timeout_s=0.2)

    completed = await (await client.submit(graph("image_emptyimage_saveimage"), "job-silent")).result(
        timeout_s=10
    )

    assert len(completed.files) == 2


async def test_client_id_from_file_is_reused_and_a_restarted_bot_follows_its_prompt(
    fake_comfy: Any, make_client: ClientFactory, tmp_path: Path
) -> None:
    id_file = tmp_path / "client_id"
    before = await make_client(fake_comfy.url, client_id=load_or_create_client_id(id_file))
    workflow = long_sampler(steps=30)
    await first_progress(await before.submit(workflow, "job-across-restart"))
    await before.close()  # the bot goes down; the prompt keeps running on the server

    after = await make_client(fake_comfy.url, client_id=load_or_create_client_id(id_file))
    run = await after.attach("job-across-restart", workflow)
    got = await collect(run)

    assert after.client_id == before.client_id
    assert any(isinstance(e, events.Progress) for e in got)
    assert isinstance(got[-1], events.Completed)
    assert {p["client_id"] for p in fake_comfy.prompts_received} == {before.client_id}


async def test_cancel_racing_the_worker_always_reaches_a_definite_outcome(
    fake_comfy: Any, make_client: ClientFactory
) -> None:
    client = await make_client(fake_comfy.url)
    outcomes = set()
    for i in range(12):
        run = await client.submit(long_sampler(steps=4), f"job-race-{i}")
        await asyncio.sleep(i * 0.003)  # hit it while pending, starting, running and finishing

        outcome = await client.cancel(f"job-race-{i}")

        outcomes.add(outcome)
        assert run.done
        expected = {
            "removed": events.Interrupted,
            "interrupted": events.Interrupted,
            "finished": events.Completed,
        }[outcome]
        assert isinstance(run.outcome, expected)
    await fake_comfy.wait_idle()
    assert fake_comfy.pending_prompt_ids == []
    assert client.in_flight == 0
    assert outcomes & {"removed", "interrupted"}


async def test_a_socket_muted_by_a_second_connection_with_the_same_id_still_learns_the_outcome(
    fake_comfy: Any, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="comfy")
    muted = await make_client(fake_comfy.url, client_id="shared-id", silence_timeout_s=0.2)
    run = await muted.submit(long_sampler(steps=50), "job-muted")
    await first_progress(run)

    await make_client(fake_comfy.url, client_id="shared-id")  # the server now writes only to this one
    completed = await run.result(timeout_s=10)

    assert completed.files
    assert muted.connected  # nothing told it: only the silence fallback found the outcome
    assert "no websocket events for 1 prompts, polling" in caplog.text


async def test_a_run_whose_socket_dropped_reads_its_files_from_history(
    fake_comfy: Any, make_client: ClientFactory
) -> None:
    client = await make_client(fake_comfy.url)
    read = record_history_reads(client)
    run = await client.submit(long_sampler(steps=30), "job-drop-files")
    await first_progress(run)

    await client.reconnect()  # back at once: the run goes on, but a frame may have been lost meanwhile

    completed = await run.result(timeout_s=10)
    assert "job-drop-files" in read
    assert completed.outputs == fake_comfy.history_of("job-drop-files")["outputs"]
