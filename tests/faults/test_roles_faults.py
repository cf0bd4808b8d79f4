"""Split processes under faults: a worker SIGKILLed while others run, a gateway process killed and restarted.

Real processes (`python -m bot gateway|worker`) on one PostgreSQL, against the emulator (sharded like
Discord) and the fake ComfyUI; see split_world.py.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import JobEvent
from tests.fakes.comfyui import FakeConfig
from tests.faults.conftest import ReportFigures
from tests.faults.split_world import running_split_world

pytestmark = [pytest.mark.faults, pytest.mark.postgres]

# About 0.3 s a job on the one backend: a worker holds running jobs long enough to be killed with them.
SLOW = FakeConfig(step_time_s=0.03, default_steps=10)
LEASE_S = 3.0


@pytest.mark.timeout(240)
async def test_a_killed_workers_jobs_are_taken_over_after_its_lease_and_delivered_once(
    postgres_url: str, tmp_path: Path, report_figures: ReportFigures
) -> None:
    async with running_split_world(
        postgres_url,
        tmp_path,
        gateways=[[0]],
        shard_count=1,
        workers=3,
        fake_config=SLOW,
        env={"WORKER_LEASE_S": str(LEASE_S)},
    ) as world:
        interactions = await asyncio.gather(
            *(
                world.imagine(place, user, f"a harbour at dusk, by {user.user.id}")
                for place in world.places
                for user in place.users[:3]
            )
        )
        rows = await world.wait_for_rows(
            lambda rows: any(r.status == "running" and r.lease_owner == "worker-0" for r in rows), 60
        )
        held = {r.id for r in rows if r.status == "running" and r.lease_owner == "worker-0"}
        await world.processes["worker-0"].kill()
        killed_at = time.monotonic()
        await world.assert_delivered_once(interactions, timeout=120)
        recovered_s = time.monotonic() - killed_at
        async with world.engine.connect() as connection:
            taken = {
                row.job_id: row.detail["worker"]
                for row in await connection.execute(
                    select(JobEvent.__table__).where(JobEvent.kind == "taken_over")
                )
            }
        assert held <= set(taken), "every job the dead worker ran was taken over"
        assert {taken[job_id] for job_id in held} <= {"worker-1", "worker-2"}
        assert len(world.fake.prompts_received) == len(interactions), "no prompt ran twice"
        report_figures(
            jobs=len(interactions), held_by_killed_worker=len(held), all_delivered_s=round(recovered_s, 1)
        )


@pytest.mark.timeout(240)
async def test_a_killed_gateways_shards_come_back_and_the_jobs_it_queued_are_delivered(
    postgres_url: str, tmp_path: Path, report_figures: ReportFigures
) -> None:
    async with running_split_world(
        postgres_url, tmp_path, gateways=[[0], [1]], shard_count=2, workers=1, fake_config=SLOW
    ) as world:
        on_shard = {shard: [p for i, p in enumerate(world.places) if i % 2 == shard] for shard in (0, 1)}
        through_1 = await asyncio.gather(
            *(
                world.imagine(place, user, "a lantern in the fog")
                for place in on_shard[1]
                for user in place.users[:3]
            )
        )
        await world.emu.wait_for(lambda: all(i.acked for i in through_1), 30)
        await world.wait_for_rows(lambda rows: len(rows) == len(through_1), 30)
        gateway = world.processes["gateway-1"]
        await gateway.kill()
        await world.emu.wait_for(lambda: not world.emu.gateway.shard_connected(1), 10)
        # Shard 0's gateway goes on meanwhile, and the worker finishes what gateway-1 queued.
        place = on_shard[0][0]
        while_away = await world.imagine(place, place.users[0], "a kite over the dunes")
        await world.assert_delivered_once([*through_1, while_away], timeout=120)

        restarted_s = await gateway.start()
        assert world.emu.gateway.shard_connected(1)
        place = on_shard[1][0]
        after = await world.imagine(place, place.users[4], "the lantern again")
        await world.assert_delivered_once([after], timeout=60)
        routed = [shard for event, shard in world.emu.gateway.stats.routed if event == "INTERACTION_CREATE"]
        assert routed.count(1) == len(through_1) + 1
        assert routed.count(0) == 1
        report_figures(jobs_queued_before_kill=len(through_1), gateway_restart_s=round(restarted_s, 1))
