"""The requester is pinged once when their job ends, as each member and guild choose: a followup of the
interaction while its token lasts, else a reply to the result.

The result is an edit, and Discord notifies nobody of an edit (the emulator records who each new message
notified, applying allowed_mentions as Discord does), so only the ping can tell the requester.
"""

from __future__ import annotations

from pathlib import Path

from db.enums import DeliveryState
from tests.discord_emulator import Member, Message
from tests.e2e.harness import World, german_server, running_world
from tests.e2e.test_history_support import answer, browsing_world, job_shown_by
from tests.e2e.test_settings import settings, world_with_admin
from tests.fakes.comfyui import FakeConfig


def replies_to(world: World, result: Message) -> list[Message]:
    """The bot's messages answering the result: replies to it and followups of its interaction."""
    ids = {m.id for m in world.bot_messages()}
    return [m for m in world.emu.follow_ons(result) if m.id in ids]


async def imagine_and_deliver(world: World, member: Member, prompt: str = "a red fox") -> Message:
    """The result message once the core has marked it delivered (the ping, if any, went out before that)."""
    result = await world.wait_for_final(await world.slash("imagine", {"prompt": prompt}, member=member))
    job = await job_shown_by(world, result)
    await world.delivered(job.id)
    return result


async def _died_before_recording_the_delivery(world: World, job_id: int) -> None:
    """As if the bot had died after delivering (and maybe pinging) but before it recorded the delivery:
    restarted, it delivers again."""
    assert await world.runtime.store.mark_delivery(
        job_id, [DeliveryState.DELIVERED], DeliveryState.DELIVERING
    )
    await world.restart_bot()
    await world.delivered(job_id)


async def test_the_requester_is_pinged_once_after_the_result(database_url: str, tmp_path: Path) -> None:
    async with browsing_world(database_url, tmp_path) as world:
        result = await imagine_and_deliver(world, world.alice)
        job = await job_shown_by(world, result)
        [ping] = replies_to(world, result)

    assert ping.notified_user_ids == [world.alice.id], "only the requester, and the reply notifies them"
    assert ping.content == f"<@{world.alice.id}> your image is ready (job #{job.id})."
    assert result.notified_user_ids == [], "the result is an edit: it notified nobody"
    assert world.bot_messages() == [result, ping]


async def test_a_member_who_turned_pings_off_gets_none(database_url: str, tmp_path: Path) -> None:
    async with browsing_world(database_url, tmp_path) as world:
        chosen = await answer(world, await world.slash("notify", {"when_done": "don't ping me"}))
        result = await imagine_and_deliver(world, world.alice)
        others = await imagine_and_deliver(world, world.bob, "an owl")

    assert chosen.ephemeral
    assert chosen.content.startswith("I don't ping you when your job ends")
    assert replies_to(world, result) == []
    assert [p.notified_user_ids for p in replies_to(world, others)] == [[world.bob.id]], "bob did not opt out"


async def test_a_server_without_pings_pings_only_members_who_opt_in(
    database_url: str, tmp_path: Path
) -> None:
    async with world_with_admin(database_url, tmp_path) as (world, admin):
        changed = await answer(world, await settings(world, admin, "ping-when-done", {"enabled": False}))
        await answer(world, await world.slash("notify", {"when_done": "ping me"}, member=world.bob))
        shown = await answer(world, await world.slash("notify", member=world.alice))
        quiet = await imagine_and_deliver(world, world.alice)
        pinged = await imagine_and_deliver(world, world.bob, "an owl")

    assert "no (members may opt in)" in str(changed.embeds)
    assert shown.content == "I follow the server's choice: this server does not ping you when your job ends."
    assert replies_to(world, quiet) == []
    assert [p.notified_user_ids for p in replies_to(world, pinged)] == [[world.bob.id]]


async def test_a_failed_job_pings_too(database_url: str, tmp_path: Path) -> None:
    failing = FakeConfig(step_time_s=0.01, default_steps=2, runtime_error_class="KSampler")
    async with browsing_world(database_url, tmp_path, fake_config=failing) as world:
        result = await imagine_and_deliver(world, world.alice)
        [ping] = replies_to(world, result)

    assert ping.notified_user_ids == [world.alice.id]
    assert "could not be made" in ping.content


async def test_a_result_delivered_again_after_a_restart_does_not_ping_twice(
    database_url: str, tmp_path: Path
) -> None:
    async with browsing_world(database_url, tmp_path) as world:
        result = await imagine_and_deliver(world, world.alice)
        job = await job_shown_by(world, result)
        await world.delivered(job.id)
        edits_before = len(result.revisions)
        await _died_before_recording_the_delivery(world, job.id)
        pings = replies_to(world, result)

    assert len(result.revisions) > edits_before, "the result was delivered again"
    assert [p.notified_user_ids for p in pings] == [[world.alice.id]], "and the requester pinged once"


async def test_a_result_delivered_again_finds_its_ping_in_the_servers_language(
    database_url: str, tmp_path: Path
) -> None:
    # The server reads German, bob English. A restart delivers again before the gateway has told the bot
    # the server's language, so the ping it would send now is English: the German one is still found.
    async with running_world(database_url, tmp_path, customize=german_server) as world:
        result = await world.wait_for_final(
            await world.slash("imagine", {"prompt": "a fox"}, member=world.bob)
        )
        job = await world.job_for(result)
        await world.delivered(job.id)
        edits_before = len(result.revisions)
        await _died_before_recording_the_delivery(world, job.id)
        pings = [m for m in world.bot_messages() if f"<@{world.bob.id}>" in m.content]

    assert len(result.revisions) > edits_before, "the result was delivered again"
    assert [p.content for p in pings] == [f"<@{world.bob.id}> dein Auftrag #{job.id} ist fertig: Bild."]


async def test_a_result_delivered_again_is_pinged_when_its_ping_never_went_out_whatever_else_names_it(
    database_url: str, tmp_path: Path
) -> None:
    # The crash came before the ping: the redelivery must ping, though a public /show of the job (which
    # mentions the requester and names the job) came after the result.
    async with browsing_world(database_url, tmp_path) as world:
        await answer(world, await world.slash("notify", {"when_done": "don't ping me"}))
        result = await imagine_and_deliver(world, world.alice)
        job = await job_shown_by(world, result)
        shown = await answer(world, await world.slash("show", {"job": job.id}, member=world.bob))
        await answer(world, await world.slash("notify", {"when_done": "ping me"}))
        await _died_before_recording_the_delivery(world, job.id)
        pings = replies_to(world, result)

    assert f"<@{world.alice.id}>" in shown.content
    assert f"#{job.id}" in shown.content
    assert [p.content for p in pings] == [f"<@{world.alice.id}> your image is ready (job #{job.id})."]
