"""PostgreSQL restarts under the running bot: it reconnects, and no job is lost; also under a gateway and
three worker processes, where every job is still delivered exactly once and no process dies.

The server restarted is the test's own (`restartable_postgres`, own_postgres.py: initdb into a temporary
folder, a free port), stopped for a few seconds (`pg_ctl stop -m fast`, which cuts every connection as a
restart does; a plain restart is often too quick to meet a job's write) and started again. The machine's
shared PostgreSQL, which the other tests use meanwhile, is never touched.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import JobEvent
from tests.fakes.comfyui import FakeConfig
from tests.faults.conftest import ReportFigures
from tests.faults.own_postgres import OwnPostgres
from tests.faults.split_world import running_split_world
from tests.faults.world import running_world, shown_job_id

pytestmark = [pytest.mark.faults, pytest.mark.postgres]

SLOW = FakeConfig(step_time_s=0.05, default_steps=8)  # about 0.4 s a job
OUTAGE_S = 2.0  # a few seconds away: outcomes, claims, deliveries and lease renewals all meet it
WORKERS = 3


async def outage(server: OwnPostgres, away_s: float = OUTAGE_S) -> float:
    """Stops the server, keeps it away `away_s`, starts it; the seconds it was down."""
    stopped_at = time.monotonic()
    await server.stop()
    try:
        await asyncio.sleep(away_s)
    finally:
        await server.start()
    return time.monotonic() - stopped_at


@pytest.mark.timeout(180)
async def test_postgres_restart_mid_run_the_bot_reconnects_and_no_job_is_lost(
    restartable_postgres: OwnPostgres, tmp_path: Path, report_figures: ReportFigures
) -> None:
    async with running_world(restartable_postgres.url, tmp_path, fake_config=SLOW) as world:
        before = await asyncio.gather(
            *(
                world.imagine(place, user, "a bridge in fog")
                for place in world.places
                for user in place.users[:3]
            )
        )
        await world.wait_for_rows(
            lambda rows: len(rows) == len(before) and any(r.status == "succeeded" for r in rows), timeout=60
        )
        # A restart with a measurable outage: jobs finish on ComfyUI while PostgreSQL is away, so their
        # outcomes, claims and deliveries all meet a database that refuses connections, then one starting up.
        down_s = await outage(restartable_postgres)
        restarted_at = time.monotonic()
        health = await world.bot.wait_healthy(60, database=True)
        assert health["database_reachable"]

        after = await asyncio.gather(
            *(world.imagine(place, place.users[4], "a bridge at dawn") for place in world.places)
        )
        interactions = [*before, *after]
        await world.assert_delivered_once(interactions, timeout=120)
        rows = await world.job_rows()
        assert {r.status for r in rows} == {"succeeded"}, [(r.id, r.status, r.error_message) for r in rows]
        assert len(rows) == len(interactions)
        assert {shown_job_id(world.emu.original_response(i)) for i in interactions} == {r.id for r in rows}
        settled_s = time.monotonic() - restarted_at
        assert "Traceback" not in world.bot.log_text(), "no task of the bot died of the outage"
        report_figures(
            postgres_away_s=round(down_s, 2),
            jobs_delivered_once=len(rows),
            settled_after_back_s=round(settled_s, 2),
        )


@pytest.mark.timeout(240)
async def test_postgres_restart_under_three_workers_every_job_is_delivered_once_and_no_process_dies(
    restartable_postgres: OwnPostgres, tmp_path: Path, report_figures: ReportFigures
) -> None:
    async with running_split_world(
        restartable_postgres.url, tmp_path, gateways=[[0]], shard_count=1, workers=WORKERS, fake_config=SLOW
    ) as world:
        before = await asyncio.gather(
            *(
                world.imagine(place, user, f"a pier in the rain, by {user.user.id}")
                for place in world.places
                for user in place.users[:4]
            )
        )
        # Away while jobs are in every state: some delivered, some running on ComfyUI, some still queued.
        rows = await world.wait_for_rows(
            lambda rows: (
                len(rows) == len(before)
                and any(r.status == "succeeded" for r in rows)
                and any(r.status == "running" for r in rows)
                and any(r.status == "queued" for r in rows)
            ),
            timeout=60,
        )
        in_flight = sum(r.status != "succeeded" for r in rows)
        down_s = await outage(restartable_postgres)
        restarted_at = time.monotonic()
        for name, process in world.processes.items():
            health = await process.wait_healthy(60, database=True)
            assert health["database_reachable"], name

        after = await asyncio.gather(
            *(world.imagine(place, place.users[4], "a pier at dawn") for place in world.places)
        )
        interactions = [*before, *after]
        await world.assert_delivered_once(interactions, timeout=150)
        settled_s = time.monotonic() - restarted_at
        rows = await world.job_rows()
        assert {r.status for r in rows} == {"succeeded"}, [(r.id, r.status, r.error_message) for r in rows]
        assert len(rows) == len(interactions)
        # Each job's prompt id is claimed before it is posted, and 2 s is well inside a worker's lease: no job
        # was taken over nor run a second time.
        assert len(world.fake.prompts_received) == len(interactions), "no prompt ran twice"
        async with world.engine.connect() as connection:
            claims = [
                row.detail["worker"]
                for row in await connection.execute(
                    select(JobEvent.__table__).where(JobEvent.kind == "claimed")
                )
            ]
        exited = {name: p.returncode() for name, p in world.processes.items() if not p.running}
        assert not exited, f"processes died of the outage: {exited}"
        assert all(p.starts == 1 for p in world.processes.values()), "no process was restarted"
        for name, process in world.processes.items():
            assert "Traceback" not in process.log_text(), f"an unhandled exception in {process.log_path}"
            if name.startswith("worker"):
                assert "listener lost its connection" in process.log_text(), f"{name} met the outage"
        report_figures(
            postgres_away_s=round(down_s, 2),
            jobs=len(interactions),
            in_flight_at_stop=in_flight,
            claims_per_worker=dict(sorted(Counter(claims).items())),
            settled_after_back_s=round(settled_s, 2),
        )
