"""/show posts a job's results again (linking what is too large) and /rerun runs a job again."""

from __future__ import annotations

from pathlib import Path

from db.enums import JobStatus
from tests.discord_emulator.models import EPHEMERAL
from tests.e2e.harness import states_shown
from tests.e2e.test_history_support import answer, browsing_world, imagined, job_shown_by, submit


async def test_show_posts_the_stored_artifacts_again(database_url: str, tmp_path: Path) -> None:
    async with browsing_world(database_url, tmp_path) as world:
        job = await imagined(world, world.bob, "a lighthouse")
        assert job.status is JobStatus.SUCCEEDED
        _, artifacts = await world.runtime.service.get_with_artifacts(job.id, guild_id=world.guild.id)
        shown = await answer(world, await world.slash("show", {"job": job.id}))
        stored = (world.data_dir / artifacts[0].path).read_bytes()
    assert not shown.ephemeral
    assert shown.content == f"🖼️ **#{job.id}** by <@{world.bob.id}> — a lighthouse"
    # Under the names it was first delivered by (the prompt's words, the job's number and, when several, the
    # picture's), not those it has on disk.
    numbers = [f"_{n}" for n in range(1, len(artifacts) + 1)] if len(artifacts) > 1 else [""]
    expected = [
        f"a_lighthouse_{job.id}{n}{Path(a.path).suffix}" for n, a in zip(numbers, artifacts, strict=True)
    ]
    assert [a.filename for a in shown.attachments] == expected
    assert shown.attachments[0].data == stored


async def test_show_says_whose_job_it_is_in_the_askers_language(database_url: str, tmp_path: Path) -> None:
    async with browsing_world(database_url, tmp_path) as world:
        job = await imagined(world, world.bob, "a lighthouse")
        world.alice.user.locale = "de"
        shown = await answer(world, await world.slash("show", {"job": job.id}))
    assert shown.content == f"🖼️ **#{job.id}** von <@{world.bob.id}> — a lighthouse"


async def test_show_in_a_server_that_chose_german_says_it_in_german_to_everyone(
    database_url: str, tmp_path: Path
) -> None:
    async with browsing_world(database_url, tmp_path) as world:
        job = await imagined(world, world.bob, "a lighthouse")
        world.guild.preferred_locale = "de"  # the channel reads German, whoever asks
        shown = await answer(world, await world.slash("show", {"job": job.id}))
    assert shown.content == f"🖼️ **#{job.id}** von <@{world.bob.id}> — a lighthouse"


async def test_show_links_a_file_over_the_upload_limit_instead(database_url: str, tmp_path: Path) -> None:
    async with browsing_world(database_url, tmp_path) as world:
        job = await imagined(world, world.alice)
        # Delivered: the reporter has recorded the upload (the message shows the result a moment before).
        _, (artifact,) = await world.delivered(job.id)
        url = artifact.attachment_url  # recorded when the result was uploaded
        assert url is not None
        world.emu.upload_limit = artifact.size_bytes - 1
        uploads_before = [call for call in world.emu.calls if call.files]
        shown = await answer(world, await world.slash("show", {"job": job.id}))
    assert shown.attachments == []
    # Named as it was downloaded (and as its link ends), not as it is on disk.
    assert shown.content.splitlines()[1] == (
        f"`a_red_fox_{job.id}.png` is larger than this server's upload limit: <{url}>"
    )
    assert url.endswith(f"/a_red_fox_{job.id}.png")
    assert [call for call in world.emu.calls if call.files] == uploads_before  # nothing tried and refused


async def test_show_refuses_privately_for_another_servers_job_and_one_without_results(
    database_url: str, tmp_path: Path
) -> None:
    async with browsing_world(database_url, tmp_path, global_max_running=0) as world:
        queued = (await submit(world, world.alice)).job
        foreign = (await submit(world, world.alice, guild_id=world.guild.id + 1)).job
        not_here = await world.slash("show", {"job": foreign.id})
        refused = await answer(world, not_here)
        not_yet = await world.slash("show", {"job": queued.id})
        pending = await answer(world, not_yet)
    assert refused.ephemeral
    assert refused.content == f"I can't find job #{foreign.id} in this server."
    assert pending.ephemeral
    assert pending.content == f"Job #{queued.id} has no results to show (it is queued)."
    # Refused before anything was answered, or (on a machine too loaded to look the job up within the
    # bot's budget) after a private "thinking…": the channel never saw one.
    for interaction, message in ((not_here, refused), (not_yet, pending)):
        assert interaction.response_type == 4 or (
            interaction.response_type == 5 and message.revisions[0].flags & EPHEMERAL
        )
    assert world.bot_messages() == []


async def test_rerun_runs_the_same_request_with_a_new_seed_in_its_own_message(
    database_url: str, tmp_path: Path
) -> None:
    async with browsing_world(database_url, tmp_path) as world:
        original = await imagined(world, world.alice, "a red fox")
        rerun_request = await world.slash("rerun", {"job": original.id})
        message = await world.wait_for_final(rerun_request)
        rerun = await job_shown_by(world, message)
    assert not message.ephemeral
    assert states_shown(message)[-1] == "done"
    assert message.attachments  # the new result, shown like any other job's
    assert rerun.id != original.id
    assert rerun.parent_id == original.id
    assert rerun.user_id == world.alice.id
    assert rerun.params.prompt == "a red fox"
    assert rerun.seed != original.seed
    assert rerun.response_message_id == message.id


async def test_rerun_of_someone_elses_job_is_refused_by_default(database_url: str, tmp_path: Path) -> None:
    async with browsing_world(database_url, tmp_path, global_max_running=0) as world:
        original = (await submit(world, world.alice)).job
        asked = await world.slash("rerun", {"job": original.id}, member=world.bob)
        refused = await answer(world, asked)
        foreign = (await submit(world, world.alice, guild_id=world.guild.id + 1)).job
        not_here = await world.slash("rerun", {"job": foreign.id}, member=world.bob)
        await answer(world, not_here)
        jobs = await world.runtime.browser.history(world.guild.id)
    assert refused.ephemeral
    assert refused.content == "On this server only the person who asked can regenerate their results."
    # Refused before anything was answered: a private message first, no public "thinking…" (type 5).
    assert (asked.response_type, not_here.response_type) == (4, 4)
    assert [job.id for job in jobs.jobs] == [original.id]


async def test_rerun_of_a_job_in_another_server_is_not_found(database_url: str, tmp_path: Path) -> None:
    async with browsing_world(database_url, tmp_path, global_max_running=0) as world:
        foreign = (await submit(world, world.alice, guild_id=world.guild.id + 1)).job
        refused = await answer(world, await world.slash("rerun", {"job": foreign.id}))
        jobs = await world.runtime.browser.history(world.guild.id)
    assert refused.ephemeral
    assert refused.content == f"I can't find job #{foreign.id} in this server."
    assert jobs.jobs == ()


async def test_show_suggests_this_servers_recent_jobs_matching_what_was_typed(
    database_url: str, tmp_path: Path
) -> None:
    async with browsing_world(database_url, tmp_path, global_max_running=0) as world:
        fox = (await submit(world, world.alice, "a red fox")).job
        await submit(world, world.bob, "an owl")
        await submit(world, world.alice, "a fox elsewhere", guild_id=world.guild.id + 1)
        asked = await world.emu.send_autocomplete(
            world.guild, world.channel, world.bob, "show", {"job": "fox"}, "job"
        )
        choices = await world.emu.wait_for(lambda: asked.autocomplete_choices)
    assert choices == [{"name": f"#{fox.id} image: a red fox", "value": fox.id}]
