"""Reactions on a result: 🔁 regenerates as the reacting member, ❌ deletes, ✉️ sends the files by DM."""

from __future__ import annotations

from pathlib import Path

from db.enums import JobStatus
from db.units.job_inputs import JobInputStore
from tests.discord_emulator import Message
from tests.discord_emulator.layout import texts
from tests.e2e.harness import World, is_final, job_state, running_world, states_shown
from tests.e2e.media_support import PICTURE, sha256
from tests.e2e.result_support import linked, made_long_ago


async def _result(world: World) -> Message:
    interaction = await world.slash("imagine", {"prompt": "a kite over dunes"})
    return await world.wait_for_final(interaction)


async def _new_final_message(world: World, known: set[int]) -> Message:
    def found() -> Message | None:
        return next((m for m in world.bot_messages() if m.id not in known and is_final(m)), None)

    message: Message = await world.emu.wait_for(found, timeout=10)
    return message


async def test_regenerate_reaction_is_the_reacting_members_job_on_a_new_message(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        await world.runtime.guild_policies.update(world.guild.id, {"regenerate_permission": "anyone"})
        result = await _result(world)
        original = await world.job_for(result)
        known = {m.id for m in world.bot_messages()}
        await world.emu.add_reaction(result, world.channel, world.bob, "🔁")
        regenerated = await _new_final_message(world, known)
        job = await world.job_for(regenerated)
        assert job.user_id == world.bob.id
        assert job.parent_id == original.id
        assert job.seed != original.seed
        assert job.channel_message_id == regenerated.id
        assert regenerated.attachments
        _, artifacts = await world.delivered(job.id)
        assert artifacts[0].message_id == regenerated.id


async def test_own_and_replayed_reactions_are_ignored_but_a_re_added_one_is_a_new_request(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        result = await _result(world)
        known = {m.id for m in world.bot_messages()}
        await world.emu.add_reaction(result, world.channel, world.emu.bot_user, "🔁")
        await world.emu.add_reaction(result, world.channel, world.alice, "🔁")
        session = world.emu.gateway.session
        assert session is not None
        added = next(f for f in reversed(session.sent) if f["t"] == "MESSAGE_REACTION_ADD")
        await world.emu.gateway.dispatch("MESSAGE_REACTION_ADD", added["d"])  # the same event, replayed
        first = await _new_final_message(world, known)
        # Re-added once its job is done (not a double press, which makes one job: test_result_presses.py).
        await made_long_ago(world, (await world.job_for(first)).id)
        await world.emu.remove_reaction(result, world.channel, world.alice, "🔁")
        await world.emu.add_reaction(result, world.channel, world.alice, "🔁")
        second = await _new_final_message(world, known | {first.id})
        jobs = [await world.job_for(message) for message in (first, second)]
        assert [job.user_id for job in jobs] == [world.alice.id, world.alice.id]
        # Events reach the cog in order: a wrongly run replay or bot reaction would have queued its job
        # before the re-added reaction's, which is done.
        page = await world.runtime.browser.history(world.guild.id)
        assert len(page.jobs) == 3, "the original, the reaction's regeneration and the re-added one's"


async def test_a_refused_reaction_gets_a_short_self_deleting_reply(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        result = await _result(world)  # the default policy: only the requester may regenerate
        await world.emu.add_reaction(result, world.channel, world.bob, "🔁")
        notice = await world.emu.wait_for(
            lambda: next((m for m in world.bot_messages() if f"<@{world.bob.id}>" in m.content), None)
        )
        assert "only the person who asked" in notice.content
        await world.emu.wait_for(lambda: notice.deleted, timeout=3)

        await world.emu.add_reaction(result, world.channel, world.bob, "❌")
        await world.emu.wait_for(
            lambda: any(
                "Only the person who asked" in m.content for m in world.emu.messages[world.channel.id]
            )
        )
        assert not result.deleted


async def test_cross_reaction_by_the_requester_deletes_the_result(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        result = await _result(world)
        await world.emu.add_reaction(result, world.channel, world.alice, "❌")
        await world.emu.wait_for(lambda: result.deleted)


async def test_cross_reaction_on_a_job_not_finished_cancels_it_for_its_requester_or_a_moderator(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path, global_max_running=0) as world:
        interaction = await world.slash("imagine", {"prompt": "a kite still waiting"})
        await world.wait_acked(interaction)
        message = world.emu.original_response(interaction)
        await world.emu.wait_for(lambda: job_state(message) == "queued")
        job = await world.job_for(message)

        await world.emu.add_reaction(message, world.channel, world.bob, "❌")
        refusal = await world.emu.wait_for(
            lambda: next((m for m in world.bot_messages() if f"<@{world.bob.id}>" in m.content), None)
        )
        still_queued = await world.runtime.service.get(job.id, guild_id=world.guild.id)

        await world.emu.add_reaction(message, world.channel, world.alice, "❌")
        await world.wait_for_message_final(message)
        cancelled = await world.runtime.service.get(job.id, guild_id=world.guild.id)

    assert "Only the person who asked, or a moderator, can cancel this job." in refusal.content
    assert still_queued.status is JobStatus.QUEUED
    # The job stops instead of running on unseen, and its message says so (a second ❌ deletes it).
    assert cancelled.status is JobStatus.CANCELLED
    assert states_shown(message)[-1] == "cancelled"
    assert not message.deleted
    assert cancelled.deleted_at is None


async def test_envelope_reaction_sends_the_result_by_dm(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        result = await _result(world)
        await world.emu.add_reaction(result, world.channel, world.bob, "✉️")
        dm = world.emu.dm_channel(world.bob)
        sent = await world.emu.wait_for(lambda: world.emu.messages.get(dm.id))
        assert sent[0].attachments[0].data == result.attachments[0].data
        job = await world.job_for(result)
        assert sent[0].attachments[0].filename == f"a_kite_over_dunes_{job.id}.png", "named as in the channel"


async def test_envelope_reaction_explains_closed_dms(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        world.bob.user.accepts_dms = False
        result = await _result(world)
        await world.emu.add_reaction(result, world.channel, world.bob, "✉️")
        notice = await world.emu.wait_for(
            lambda: next((m for m in world.bot_messages() if "direct messages" in m.content), None)
        )
        assert f"<@{world.bob.id}>" in notice.content


async def test_regenerate_reaction_works_after_a_restart(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        result = await _result(world)
        await world.restart_bot()
        known = {m.id for m in world.bot_messages()}
        await world.emu.add_reaction(result, world.channel, world.alice, "🔁")
        regenerated = await _new_final_message(world, known)
        assert (await world.job_for(regenerated)).parent_id == (await world.job_for(result)).id


async def test_regenerate_reaction_on_an_image_to_image_result_starts_from_the_same_picture(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        made = await world.slash(
            "imagine",
            {"prompt": "the cat, in ink", "strength": 0.4},
            attachments={"image": ("cat.png", PICTURE, "image/png")},
        )
        result = await world.wait_for_final(made)
        original = await world.job_for(result)
        known = {m.id for m in world.bot_messages()}
        await world.emu.add_reaction(result, world.channel, world.alice, "🔁")
        job = await world.job_for(await _new_final_message(world, known))
        [given] = await JobInputStore(world.runtime.sessions).for_job(job.id)

        assert (given.role, given.source, given.sha256) == ("image", "attachment", sha256(PICTURE))
        first, again = world.fake.uploads  # once per job, each job under a name of its own
        assert (first.sha256, again.sha256) == (sha256(PICTURE), sha256(PICTURE))
        assert (first.subfolder, first.name) != (again.subfolder, again.name)
        assert job.params.strength == 0.4  # type: ignore[union-attr]
        assert (job.parent_id, job.seed != original.seed) == (original.id, True)


async def test_vary_reactions_start_from_the_results_own_picture(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        result = await _result(world)
        original, [artifact] = await world.delivered((await world.job_for(result)).id)
        made = []
        for emoji, strength in (("🎲", 0.7), ("🌱", 0.35)):
            known = {m.id for m in world.bot_messages()}
            await world.emu.add_reaction(result, world.channel, world.alice, emoji)
            message = await _new_final_message(world, known)
            made.append((await world.job_for(message), strength, texts(message)[0]))

    for job, strength, text in made:
        assert job.params.strength == strength  # type: ignore[union-attr]
        assert (job.parent_id, job.user_id) == (original.id, world.alice.id)
        assert job.seed != original.seed
        assert f"Vary ({'strong' if strength == 0.7 else 'subtle'}) of {linked(original.id, result)}" in text
    assert {upload.sha256 for upload in world.fake.uploads} == {artifact.sha256}


async def test_a_vary_reaction_is_refused_briefly_for_several_images_or_another_member(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        four = await world.wait_for_final(await world.slash("imagine", {"prompt": "kites", "count": 4}))
        one = await _result(world)
        await world.emu.add_reaction(four, world.channel, world.alice, "🎲")
        several = await world.emu.wait_for(lambda: _notice_to(world, world.alice.id, "choose one"))
        await world.emu.add_reaction(one, world.channel, world.bob, "🌱")
        not_theirs = await world.emu.wait_for(lambda: _notice_to(world, world.bob.id, "only the person"))
        made_from = [
            await JobInputStore(world.runtime.sessions).made_from((await world.job_for(m)).id)
            for m in (four, one)
        ]

    assert "made 4 images: choose one with the buttons under it" in several.content
    assert "only the person who asked" in not_theirs.content
    assert made_from == [(), ()]
    assert world.fake.uploads == []


def _notice_to(world: World, user_id: int, saying: str) -> Message | None:
    return next(
        (m for m in world.bot_messages() if f"<@{user_id}>" in m.content and saying in m.content), None
    )
