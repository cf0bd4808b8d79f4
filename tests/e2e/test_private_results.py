"""Private results (issue 16): a member who chose them gets an ephemeral reply from the first answer to the
result, kept in /history for them (and managers) only; a private job that outlives its token comes by
direct message; a server may forbid them; everyone else's replies stay public."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import text

from db.enums import DeliveryState, JobStatus
from tests.discord_emulator import Interaction, Member, Message
from tests.discord_emulator.layout import buttons, text_of, texts
from tests.discord_emulator.models import EPHEMERAL
from tests.e2e.harness import FAST_REPORTING, World, is_final, job_state, running_world
from tests.e2e.media_support import PICTURE
from tests.e2e.test_history_support import answer, field_values
from tests.e2e.test_settings import settings, world_with_admin
from tests.fakes.comfyui import FakeConfig

# The bot-side deadline of a token already passed when the job is shown: every job outlives its token.
TOKEN_GONE_AT_ONCE = replace(FAST_REPORTING, token_lifetime_s=0.0)
DISCORD_TOKEN_LIFETIME_S = 15 * 60
# Two seconds of sampling: a restart begun once the job runs comes well before its end.
SLOW = FakeConfig(step_time_s=0.2, default_steps=10)


async def _prefer(world: World, member: Member, results: str) -> None:
    """/preferences set results:<private|public>, as the member does it."""
    chosen = await world.emu.send_slash_command(
        world.guild, world.channel, member, "preferences", {"results": results}, subcommand="set"
    )
    await answer(world, chosen)


async def _imagine(world: World, member: Member, prompt: str) -> Interaction:
    return await world.slash("imagine", {"prompt": prompt}, member=member)


async def _private_reply(world: World, prompt: str) -> Message:
    """Alice, who prefers private results, asks for `prompt`: the ephemeral reply that shows her job."""
    await _prefer(world, world.alice, "private")
    interaction = await world.wait_acked(await _imagine(world, world.alice, prompt))
    return world.emu.original_response(interaction)


def _listed_ids(listing: Message) -> list[int]:
    return [int(found) for found in re.findall(r"\*\*#(\d+)\*\*", texts(listing)[0])]


def _channel_edits(world: World) -> list[Any]:
    """Edits with the bot's own token: an ephemeral reply must never be tried that way."""
    return world.emu.calls_matching("PATCH", rf"^/channels/{world.channel.id}/messages/")


async def test_a_member_with_private_results_gets_an_ephemeral_reply_that_ends_with_the_result(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        await _prefer(world, world.alice, "private")
        private = await _imagine(world, world.alice, "a secret garden")
        result = await world.wait_for_final(private)
        public = await world.wait_for_final(await _imagine(world, world.bob, "a town square"))
        job = await world.job_for(result)
        theirs = _listed_ids(await answer(world, await world.slash("history", member=world.alice)))
        others = _listed_ids(await answer(world, await world.slash("history", member=world.bob)))
        managers = _listed_ids(await answer(world, await world.slash("history", member=world.mod)))
        shown = _listed_ids(
            await answer(world, await world.slash("history", {"public": True}, member=world.alice))
        )
        bobs_job = await world.job_for(public)

    assert private.response_type == 5
    assert result.revisions[0].flags & EPHEMERAL, "ephemeral from the very first answer"
    assert result.ephemeral
    assert job_state(result) == "done"
    assert result.attachments
    assert (job.private, job.status) == (True, JobStatus.SUCCEEDED)
    assert _channel_edits(world) == []
    # Her completion ping is a private followup too; the channel hears nothing of her job.
    [ping] = world.emu.followups(private)
    assert ping.ephemeral
    assert ping.content == f"<@{world.alice.id}> your image is ready (job #{job.id})."
    assert not [m for m in world.bot_messages() if f"<@{world.alice.id}>" in m.content]
    # Bob chose nothing: his reply is public, as before, and the channel sees only his.
    assert not public.ephemeral
    assert not bobs_job.private
    assert [m.id for m in world.job_messages()] == [public.id]
    # /history: Alice sees hers, a manager too; Bob does not, nor does a listing shown to the channel.
    assert job.id in theirs
    assert job.id in managers
    assert job.id not in others
    assert job.id not in shown
    assert bobs_job.id in others


async def test_a_button_on_a_private_result_makes_a_private_result(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        await _prefer(world, world.alice, "private")
        result = await world.wait_for_final(await _imagine(world, world.alice, "a quiet pond"))
        original = await world.job_for(result)
        await _prefer(world, world.alice, "public")  # the result's privacy is what counts now
        rerolled = await world.wait_for_final(
            await world.emu.click_button(result, f"job:reroll:{original.id}", world.alice)
        )
        again = await world.job_for(rerolled)
        varied = await world.wait_for_final(
            await world.emu.click_button(result, f"res:strong:{original.id}:0", world.alice)
        )
        # Remix opens a form; its answer still knows the private result it came from.
        opened = await world.wait_acked(
            await world.emu.click_button(result, f"res:remix:{original.id}:0", world.alice)
        )
        fields: dict[str, str | list[str]] = {
            "prompt": "a still pond",
            "negative_prompt": "",
            "strength": "0.5",
        }
        remixed = await world.wait_for_final(
            await world.emu.submit_modal(f"remix:{original.id}:0", fields, world.alice, world.channel)
        )
        made = [await world.job_for(message) for message in (varied, remixed)]
        later = await world.wait_for_final(await _imagine(world, world.alice, "an open field"))
        # 🗑 on a private result: only the interaction's webhook reaches it.
        await world.emu.click_button(rerolled, f"job:delete:{again.id}", world.alice)
        await world.emu.wait_for(lambda: rerolled.deleted)

    assert rerolled.id != result.id
    assert rerolled.ephemeral
    assert rerolled.attachments
    assert (again.parent_id, again.private) == (original.id, True)
    assert opened.response_type == 9
    assert [(m.ephemeral, bool(m.attachments)) for m in (varied, remixed)] == [(True, True), (True, True)]
    assert [job.private for job in made] == [True, True]
    # Nobody else could open a private result: the jobs made from it name it without a link.
    assert f"↪ Vary (strong) of #{original.id}\n" in texts(varied)[0]
    assert f"↪ Remix of #{original.id}\n" in texts(remixed)[0]
    assert "discord.com/channels" not in text_of(varied) + text_of(remixed)
    assert not later.ephemeral, "her own commands follow her preference again"
    assert [m.id for m in world.job_messages()] == [later.id]


async def test_a_private_job_that_outlives_its_token_comes_by_direct_message(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path, reporting=TOKEN_GONE_AT_ONCE) as world:
        response = await _private_reply(world, "a slow glacier")
        await world.emu.wait_for(lambda: "/history" in text_of(response))
        world.emu.advance_clock(DISCORD_TOKEN_LIFETIME_S + 1)  # and Discord's token is over too
        dm = world.emu.dm_channel(world.alice)
        delivered = await world.emu.wait_for(
            lambda: next((m for m in world.bot_messages(dm) if is_final(m)), None)
        )
        job = await world.job_for(response)
        settled, artifacts = await world.delivered(job.id)

    assert response.ephemeral
    assert (response.embeds, response.attachments) == ([], []), "no progress, no files: one sentence"
    assert f"Job #{job.id} is still being made" in text_of(response)
    assert f"Job #{job.id} took longer" in text_of(delivered)
    assert job_state(delivered) == "done"
    assert delivered.attachments
    # A click in a DM looks in the member's own scope, where this server's job is not: no dead buttons.
    assert buttons(delivered) == []
    assert [a.message_id for a in artifacts] == [delivered.id] * len(artifacts)
    assert (settled.status, settled.private) == (JobStatus.SUCCEEDED, True)
    assert world.job_messages() == [], "nothing went to the channel"
    assert _channel_edits(world) == []


async def test_a_server_that_forbids_private_results_gets_public_ones(
    database_url: str, tmp_path: Path
) -> None:
    async with world_with_admin(database_url, tmp_path) as (world, admin):
        await _prefer(world, world.alice, "private")
        said = await answer(world, await settings(world, admin, "private-results", {"allowed": False}))
        result = await world.wait_for_final(await _imagine(world, world.alice, "a town fair"))
        job = await world.job_for(result)

    assert field_values(said)["Private results"] == "no"
    assert not result.ephemeral
    assert result.attachments
    assert not job.private
    assert [m.id for m in world.job_messages()] == [result.id]


async def test_a_private_job_caught_by_a_restart_ends_in_its_own_reply_through_the_kept_token(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path, fake_config=SLOW) as world:
        response = await _private_reply(world, "a long night")
        await world.emu.wait_for(lambda: job_state(response) == "running")
        await (
            world.restart_bot()
        )  # the job keeps its interaction's token (15 minutes): the reply is reachable
        await world.wait_for_message_final(response, 20)
        job = await world.job_for(response)
        settled, artifacts = await world.delivered(job.id)
        interaction = next(i for i in world.emu.interactions.values() if i.response_message_id == response.id)
        pings = world.emu.followups(interaction)

    assert response.ephemeral
    assert (settled.status, settled.private) == (JobStatus.SUCCEEDED, True)
    assert settled.delivery_state is DeliveryState.DELIVERED
    assert job_state(response) == "done"
    assert [a.message_id for a in artifacts] == [response.id] * len(artifacts)
    # Pinged through the kept token (an application's webhook: the only kind that sends ephemeral ones).
    assert [(p.content, p.ephemeral) for p in pings] == [
        (f"<@{world.alice.id}> your image is ready (job #{job.id}).", True)
    ]
    assert world.bot_messages(world.emu.dm_channel(world.alice)) == [], "no direct message needed"
    assert world.job_messages() == [], "never posted anew in the channel"
    assert _channel_edits(world) == []


async def test_a_private_job_caught_by_a_restart_without_its_token_comes_by_direct_message(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path, fake_config=SLOW) as world:
        response = await _private_reply(world, "a long night")
        await world.emu.wait_for(lambda: job_state(response) == "running")
        # A job kept without its token (made before tokens were kept): only the ids are left.
        async with world.runtime.engine.begin() as connection:
            await connection.execute(text("UPDATE jobs SET interaction_token = NULL"))
        await world.restart_bot()
        dm = world.emu.dm_channel(world.alice)
        delivered = await world.emu.wait_for(
            lambda: next((m for m in world.bot_messages(dm) if is_final(m)), None), 20
        )
        job = await world.job_for(response)
        settled, artifacts = await world.delivered(job.id)

    assert response.ephemeral
    assert job_state(delivered) == "done"
    assert f"I restarted while making job #{job.id}" in text_of(delivered)
    assert [a.message_id for a in artifacts] == [delivered.id] * len(artifacts)
    assert (settled.status, settled.private) == (JobStatus.SUCCEEDED, True)
    assert world.job_messages() == [], "never posted anew in the channel"
    assert _channel_edits(world) == []


async def test_edit_and_upscale_answer_privately_too(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        await _prefer(world, world.alice, "private")
        picture = {"image": ("day.png", PICTURE, "image/png")}
        edited = await world.wait_for_final(
            await world.slash("edit", {"instruction": "make it night"}, attachments=picture)
        )
        enlarged = await world.wait_for_final(
            await world.slash("upscale", {"factor": 2}, attachments=picture)
        )
        jobs = [await world.job_for(message) for message in (edited, enlarged)]

    assert [(job.kind, job.private) for job in jobs] == [("edit", True), ("upscale", True)]
    assert [(m.ephemeral, job_state(m), bool(m.attachments)) for m in (edited, enlarged)] == [
        (True, "done", True),
        (True, "done", True),
    ]
    assert world.job_messages() == []


async def test_rerun_answers_privately_and_finds_nobody_elses_private_job(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        await _prefer(world, world.alice, "private")
        original = await world.job_for(
            await world.wait_for_final(await _imagine(world, world.alice, "a fox"))
        )
        again = await world.wait_for_final(
            await world.slash("rerun", {"job": original.id}, member=world.alice)
        )
        refused = await answer(world, await world.slash("rerun", {"job": original.id}, member=world.bob))
        shown = await answer(world, await world.slash("show", {"job": original.id}, member=world.bob))
        for_the_mod = await answer(world, await world.slash("show", {"job": original.id}, member=world.mod))
        posted_by_alice = await answer(
            world, await world.slash("show", {"job": original.id}, member=world.alice)
        )
        rerun = await world.job_for(again)

    assert again.ephemeral
    assert (rerun.parent_id, rerun.private) == (original.id, True)
    assert refused.ephemeral
    assert shown.ephemeral
    assert f"I can't find job #{original.id}" in refused.content
    assert f"I can't find job #{original.id}" in shown.content
    # A manager may look at it, but not post it to the channel; its requester may.
    assert for_the_mod.attachments
    assert for_the_mod.ephemeral
    assert posted_by_alice.attachments
    assert not posted_by_alice.ephemeral
