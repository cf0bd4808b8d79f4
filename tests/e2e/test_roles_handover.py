"""A worker stopped while it runs a job hands it over: another worker takes it at once, runs it to the end
and shows the result on the same message, through the token kept with the job."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from db.enums import DeliveryState
from db.snapshots import JobView
from tests.e2e.harness import job_state, running_world
from tests.e2e.roles_support import worker_running
from tests.fakes.comfyui import FakeConfig

SLOW = FakeConfig(step_time_s=0.1, default_steps=40)


async def test_a_job_running_in_a_stopped_worker_is_finished_by_another_on_the_same_message(
    postgres_url: str, tmp_path: Path
) -> None:
    async with running_world(postgres_url, tmp_path, role="gateway", fake_config=SLOW) as world:
        first_alive = contextlib.AsyncExitStack()
        async with first_alive:
            first = await first_alive.enter_async_context(worker_running(world, "worker-1"))
            interaction = await world.slash("imagine", {"prompt": "a very long night"})
            await world.wait_acked(interaction)
            message = world.emu.original_response(interaction)
            await world.emu.wait_for(lambda: job_state(message) == "running", 15)
            ran_in_first = first.runtime.dispatcher.running_count()
            async with worker_running(world, "worker-2") as second:
                by_second: list[int] = []
                delivered = asyncio.Event()

                def settled(job: JobView, state: DeliveryState) -> None:
                    if state is DeliveryState.DELIVERED:
                        by_second.append(job.id)
                        delivered.set()

                second.runtime.dispatcher.delivery.events.subscribe(settled)
                await first_alive.aclose()  # worker-1 stops (SIGTERM) while the job runs
                await world.wait_for_message_final(message, 30)
                await asyncio.wait_for(delivered.wait(), 10)
                job = await world.job_for(message)

    assert ran_in_first == 1
    assert job_state(message) == "done"
    assert message.attachments, "worker-2 uploaded the result on the job's own message"
    assert [m.id for m in world.job_messages()] == [message.id], "no second message"
    assert by_second == [job.id], "worker-2 delivered it"
