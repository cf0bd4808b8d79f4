"""Crash: the bot process is SIGKILLed with 50 jobs from 5 guilds in flight, then started again."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.e2e.harness import is_final, job_state
from tests.fakes.comfyui import FakeConfig
from tests.faults.conftest import ReportFigures
from tests.faults.world import running_world, shown_job_id

pytestmark = [pytest.mark.faults, pytest.mark.postgres]

JOBS_PER_USER = 2
# About 0.3 s a job on the one backend: 50 jobs take long enough to be killed in the middle.
CRASH_FAKE = FakeConfig(step_time_s=0.03, default_steps=10)
CALLBACK = r"^/interactions/\d+/[^/]+/callback$"


@pytest.mark.timeout(240)
async def test_sigkill_mid_run_every_job_delivered_exactly_once(
    postgres_url: str, tmp_path: Path, report_figures: ReportFigures
) -> None:
    # Every job shows its progress (jobs of 0.3 s would be posted quietly): the kill waits for a bar shown.
    loud = {"QUIET_BELOW_S": "0"}
    async with running_world(postgres_url, tmp_path, fake_config=CRASH_FAKE, env=loud) as world:
        # One request after another, each sent once the previous one is answered: 50 in the same instant
        # are answered one by one on one event loop, on a loaded machine the last ones past Discord's 3 s
        # (bench/shards.py measures that); what this test is about is the jobs, all queued within moments.
        interactions = []
        for k in range(JOBS_PER_USER):
            for place in world.places:
                for user in place.users:
                    prompt = f"a lighthouse, take {k} by {user.user.id}"
                    interactions.append(await world.imagine(place, user, prompt))
                    await world.emu.wait_for_calls("POST", CALLBACK, count=len(interactions), timeout=15)
        jobs = len(interactions)
        assert jobs == 50
        # Discord's guarantee, which the emulator enforces: an answer later than 3 s after the interaction's
        # creation is refused (404 Unknown interaction) and the command is lost. So every interaction gets
        # exactly one callback, and the emulator accepted it.
        callbacks = world.emu.calls_matching("POST", CALLBACK)
        assert [c.status for c in callbacks if c.status >= 300] == [], "every /imagine answered within 3 s"
        assert all(i.acked for i in interactions)
        created = {i.id: i.created_at for i in interactions}
        slowest_ack_s = max((c.at - created[int(c.path.split("/")[2])]).total_seconds() for c in callbacks)
        # Every job is stored, some are done, most are still queued or running: kill now ...
        rows = await world.wait_for_rows(
            lambda rows: len(rows) == jobs and sum(r.status == "succeeded" for r in rows) >= 8, timeout=60
        )
        # ... at a moment when a job message shows its progress bar. ComfyUI stops mid-run meanwhile: on a
        # loaded machine that message can take a while, and jobs finishing all along would leave no run to
        # kill the middle of.
        world.fake.hold_mid_run()
        await world.emu.wait_for(
            lambda: any(job_state(world.emu.original_response(i)) == "running" for i in interactions), 30
        )
        await world.bot.kill()
        world.fake.go()  # ComfyUI works on while the bot is dead, as it would
        killed_at = time.monotonic()
        rows = await world.job_rows()
        active_at_kill = sum(r.status in ("queued", "running") for r in rows)
        showing_at_kill = [
            i for i in interactions if not is_final(world.emu.original_response(i))
        ]  # messages left saying "queued" or showing a progress bar
        progress_bars_at_kill = sum(
            job_state(world.emu.original_response(i)) == "running" for i in showing_at_kill
        )
        assert active_at_kill >= 10, "the kill came mid-run"
        assert progress_bars_at_kill, "a message was showing a progress bar when the bot died"

        await world.bot.start()
        await world.wait_all_final(interactions, timeout=120)
        recovered_s = time.monotonic() - killed_at
        rows = await world.wait_for_rows(lambda rows: all(r.delivery_state == "delivered" for r in rows), 60)

        shown = world.job_messages()
        delivered_once = sum(len(shown.get(r.id, [])) == 1 for r in rows)
        duplicates = sum(len(shown.get(r.id, [])) > 1 for r in rows)
        lost = sum(not shown.get(r.id) for r in rows)
        report_figures(
            jobs=jobs,
            active_at_kill=active_at_kill,
            messages_not_final_at_kill=len(showing_at_kill),
            progress_bars_at_kill=progress_bars_at_kill,
            delivered_once=delivered_once,
            duplicates=duplicates,
            lost=lost,
            time_to_recover_s=round(recovered_s, 2),
            slowest_ack_s=round(slowest_ack_s, 2),
            prompts_run_on_comfyui=len(world.fake.prompts_received),
        )
        assert (delivered_once, duplicates, lost) == (jobs, 0, 0)
        assert {r.status for r in rows} == {"succeeded"}

        # Each job's one message is its /imagine response, finished with the result (not a progress bar).
        by_message = {world.emu.original_response(i).id: i for i in interactions}
        artifacts = await world.artifact_rows()
        for row in rows:
            [message] = shown[row.id]
            assert message.id == row.response_message_id
            assert message.id in by_message
            assert job_state(message) == "done"
            assert shown_job_id(message) == row.id
            final = message.revisions[-1]
            assert final.attachments, f"job {row.id}: the final revision carries the result"
            recorded = [a for a in artifacts if a.job_id == row.id]
            assert recorded, f"job {row.id} has no artifact row"
            for artifact in recorded:
                assert artifact.discord_message_id == message.id
                assert artifact.attachment_url in {a.url for a in final.attachments}
                assert (world.data_dir / artifact.path).is_file()
            # A reply to the result, or a followup of its interaction while the token lasted.
            pings = [m.notified_user_ids for m in world.emu.follow_ons(message)]
            assert pings == [[row.user_id]], f"job {row.id}: its requester is pinged once, across the crash"
        # A completion ping in the channel is a reply to a result, not a message showing a job.
        posted = [
            call
            for call in world.emu.calls_matching("POST", r"^/channels/\d+/messages$")
            if not (call.json or {}).get("message_reference")
        ]
        assert posted == [], (
            "after the restart the bot edited the messages it had instead of posting new ones"
        )
        for interaction in showing_at_kill:
            assert job_state(world.emu.original_response(interaction)) == "done"
