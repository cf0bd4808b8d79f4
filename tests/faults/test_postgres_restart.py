"""PostgreSQL restarts under the running bot: it reconnects, and no job is lost.

This restarts the machine's real PostgreSQL cluster (`pg_ctlcluster --skip-systemctl-redirect 15 main stop`,
two seconds away, then `start`: a plain `restart` is often too quick to meet a job's write), so every other
connection to it is cut too. The file is named to run last in tests/faults, and the
test waits until `pg_isready` answers again before it goes on (and before anything after it runs).
"""

from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path

import pytest

from tests.fakes.comfyui import FakeConfig
from tests.faults.conftest import ReportFigures
from tests.faults.world import running_world, shown_job_id

pytestmark = [pytest.mark.faults, pytest.mark.postgres]

CLUSTER = ("15", "main")
SLOW = FakeConfig(step_time_s=0.05, default_steps=8)  # about 0.4 s a job
OUTAGE_S = 2.0


async def run(*command: str, timeout: float = 60.0) -> tuple[int, str]:  # noqa: ASYNC109
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout)
    assert process.returncode is not None
    return process.returncode, output.decode(errors="replace")


async def wait_for_postgres(within_s: float = 60.0) -> float:
    began = time.monotonic()
    while True:
        code, _ = await run("pg_isready", "-h", "127.0.0.1", "-q", timeout=10)
        if code == 0:
            return time.monotonic() - began
        assert time.monotonic() - began < within_s, "PostgreSQL did not come back"
        await asyncio.sleep(0.2)


@pytest.mark.skipif(shutil.which("pg_ctlcluster") is None, reason="needs the Debian PostgreSQL cluster tools")
@pytest.mark.timeout(180)
async def test_postgres_restart_mid_run_the_bot_reconnects_and_no_job_is_lost(
    postgres_url: str, tmp_path: Path, report_figures: ReportFigures
) -> None:
    async with running_world(postgres_url, tmp_path, fake_config=SLOW) as world:
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
        stopped_at = time.monotonic()
        try:
            code, output = await run("pg_ctlcluster", "--skip-systemctl-redirect", *CLUSTER, "stop")
            assert code == 0, output
            await asyncio.sleep(OUTAGE_S)
        finally:
            code, output = await run("pg_ctlcluster", "--skip-systemctl-redirect", *CLUSTER, "start")
            await wait_for_postgres()
        assert code == 0, output
        down_s = time.monotonic() - stopped_at
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
