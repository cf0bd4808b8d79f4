"""/queue and /cancel through the real discord.py against the emulator."""

from __future__ import annotations

from pathlib import Path

from db.enums import JobStatus
from tests.e2e.harness import job_state, states_shown
from tests.e2e.test_history_support import answer, browsing_world, field_values, finished, submit


async def test_queue_shows_the_servers_counts_and_my_jobs_with_their_places(
    database_url: str, tmp_path: Path
) -> None:
    async with browsing_world(database_url, tmp_path, global_max_running=0) as world:
        bobs = await submit(world, world.bob, "bob's owl")
        mine = [await submit(world, world.alice, f"fox {i}") for i in range(2)]
        interaction = await world.slash("queue")
        reply = await answer(world, interaction)
    assert reply.ephemeral
    fields = field_values(reply)
    assert fields["This server"] == "0 running · 3 waiting"
    assert fields["Your jobs"].splitlines() == [
        f"**#{mine[0].job.id}** 🖼️ #2 in the queue — fox 0",
        f"**#{mine[1].job.id}** 🖼️ #3 in the queue — fox 1",
    ]
    assert f"#{bobs.job.id}" not in fields["Your jobs"]


async def test_cancel_without_a_job_cancels_my_newest_live_one(database_url: str, tmp_path: Path) -> None:
    async with browsing_world(database_url, tmp_path, global_max_running=0) as world:
        older = await submit(world, world.alice, "older")
        request = await world.slash("imagine", {"prompt": "newer"})
        await world.wait_acked(request)
        job_message = world.emu.original_response(request)
        await world.emu.wait_for(lambda: job_state(job_message) == "queued")
        reply = await answer(world, await world.slash("cancel"))
        await world.wait_for_final(request)
        newer_job = (await world.runtime.browser.history(world.guild.id, limit=1)).jobs[0]
        still_queued = await world.runtime.service.get(older.job.id, guild_id=world.guild.id)
    assert newer_job.raw_input == "newer"
    assert reply.ephemeral
    assert reply.content == f"Cancelling job #{newer_job.id}. Its message will say so in a moment."
    assert states_shown(job_message)[-1] == "cancelled"  # as promised
    assert newer_job.status is JobStatus.CANCELLED
    assert still_queued.status is JobStatus.QUEUED


async def test_cancelling_someone_elses_job_is_refused_but_a_moderator_may(
    database_url: str, tmp_path: Path
) -> None:
    async with browsing_world(database_url, tmp_path, global_max_running=0) as world:
        alices = await submit(world, world.alice)
        refused = await answer(world, await world.slash("cancel", {"job": alices.job.id}, member=world.bob))
        after_refusal = await world.runtime.service.get(alices.job.id, guild_id=world.guild.id)
        allowed = await answer(world, await world.slash("cancel", {"job": alices.job.id}, member=world.mod))
        cancelled = await finished(world, alices.job.id)
    assert refused.ephemeral
    assert refused.content == "Only the person who asked, or a moderator, can cancel this job."
    assert after_refusal.status is JobStatus.QUEUED
    assert allowed.content == (
        f"Cancelling job #{alices.job.id} (requested by <@{world.alice.id}>). "
        "Its message will say so in a moment."
    )
    assert cancelled.status is JobStatus.CANCELLED


async def test_cancel_with_nothing_live_or_a_job_of_another_server_says_so(
    database_url: str, tmp_path: Path
) -> None:
    async with browsing_world(database_url, tmp_path, global_max_running=0) as world:
        elsewhere = await submit(world, world.alice, guild_id=world.guild.id + 1)
        nothing = await answer(world, await world.slash("cancel"))
        foreign = await answer(
            world, await world.slash("cancel", {"job": elsewhere.job.id}, member=world.mod)
        )
        untouched = await world.runtime.service.get(elsewhere.job.id, guild_id=world.guild.id + 1)
    assert nothing.content == "You have nothing queued or running to cancel."
    assert foreign.content == f"I can't find job #{elsewhere.job.id} in this server."
    assert untouched.status is JobStatus.QUEUED


async def test_cancel_suggests_my_live_jobs_newest_first(database_url: str, tmp_path: Path) -> None:
    async with browsing_world(database_url, tmp_path, global_max_running=0) as world:
        first = await submit(world, world.alice, "first fox")
        second = await submit(world, world.alice, "second fox")
        await submit(world, world.bob, "bob's owl")
        asked = await world.emu.send_autocomplete(
            world.guild, world.channel, world.alice, "cancel", {"job": ""}, "job"
        )
        choices = await world.emu.wait_for(lambda: asked.autocomplete_choices)
    # Alice's second job was told "1 ahead" before Bob's owl came: a told place near the front is kept
    # (issue 12 item 5), so the owl waits behind it instead of pushing it back to #3.
    assert choices == [
        {"name": f"#{second.job.id} (#2 in the queue): second fox", "value": second.job.id},
        {"name": f"#{first.job.id} (next to start): first fox", "value": first.job.id},
    ]


async def test_cancelling_a_cancelled_job_says_it_was_already_cancelled(
    database_url: str, tmp_path: Path
) -> None:
    async with browsing_world(database_url, tmp_path, global_max_running=0) as world:
        alices = await submit(world, world.alice)
        await answer(world, await world.slash("cancel", {"job": alices.job.id}))
        await finished(world, alices.job.id)
        again = await answer(world, await world.slash("cancel", {"job": alices.job.id}))
    assert again.ephemeral
    assert again.content == f"Job #{alices.job.id} was already cancelled; there is nothing to cancel."
