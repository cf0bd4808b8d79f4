"""Where the completion ping goes: a followup of the job's interaction while its token lasts (outside the bot
token's global limit), a reply in the channel with the bot token otherwise (the job outlived its token,
Discord refused the followup, or a 🔁 job that has no interaction), and through the token alone where the
app is only installed by a person, under Discord's 5 followups per interaction."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tests.discord_emulator import Message
from tests.discord_emulator.rest.webhooks import USER_INSTALL_FOLLOWUP_CAP
from tests.e2e.harness import FAST_REPORTING, World, is_final, running_world

# The bot-side deadline of a token already passed when the job is shown: every job outlives its token.
TOKEN_GONE_AT_ONCE = replace(FAST_REPORTING, token_lifetime_s=0.0)


def _channel_posts(world: World) -> list[object]:
    """Messages the bot created with its own token (each one of the global 50 requests a second)."""
    return world.emu.calls_matching("POST", r"^/channels/\d+/messages$")


def _replies_to(world: World, result: Message) -> list[Message]:
    return [m for m in world.bot_messages() if m.referenced_message_id == result.id]


def _is_ping(message: Message) -> bool:
    return " is ready (job #" in message.content


async def _delivered_result(world: World, result: Message) -> int:
    job = await world.job_for(result)
    await world.delivered(job.id)
    return job.id


async def test_a_finished_imagine_pings_by_a_followup_of_its_interaction(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        interaction = await world.slash("imagine", {"prompt": "a heron at dawn"})
        result = await world.wait_for_final(interaction)
        job_id = await _delivered_result(world, result)
        followups = world.emu.followups(interaction)

    [ping] = followups
    assert ping.content == f"<@{world.alice.id}> your image is ready (job #{job_id})."
    assert ping.notified_user_ids == [world.alice.id], "the member, and only them"
    assert not ping.ephemeral
    assert ping.interaction_metadata is not None
    assert ping.interaction_metadata["original_response_message_id"] == str(result.id)
    assert _channel_posts(world) == [], "no bot-token message: the ping went through the interaction's token"
    assert _replies_to(world, result) == []


async def test_a_job_that_outlives_its_token_pings_in_the_channel(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path, reporting=TOKEN_GONE_AT_ONCE) as world:
        interaction = await world.slash("imagine", {"prompt": "a slow tide"})
        result = await world.wait_for_final(interaction)
        job_id = await _delivered_result(world, result)
        followups = world.emu.followups(interaction)
        [ping] = _replies_to(world, result)

    assert followups == [], "the token was over: no followup"
    assert ping.notified_user_ids == [world.alice.id]
    assert ping.content == f"<@{world.alice.id}> your image is ready (job #{job_id})."


async def test_a_refused_followup_pings_in_the_channel_instead(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        # Discord forgets the interaction's webhook before the ping (404 Unknown Webhook).
        refused = world.emu.fail_next("POST", r"^/webhooks/\d+/[^/]+$", 404, code=10015)
        interaction = await world.slash("imagine", {"prompt": "a lantern in fog"})
        result = await world.wait_for_final(interaction)
        await _delivered_result(world, result)
        [ping] = _replies_to(world, result)

    assert refused.hits == 1
    assert world.emu.followups(interaction) == []
    assert ping.notified_user_ids == [world.alice.id], "pinged once all the same, in the channel"


async def test_a_regenerate_reaction_job_pings_in_the_channel(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        await world.runtime.guild_policies.update(world.guild.id, {"regenerate_permission": "anyone"})
        first = await world.wait_for_final(await world.slash("imagine", {"prompt": "a kite over dunes"}))
        await _delivered_result(world, first)
        known = {m.id for m in world.bot_messages()}
        await world.emu.add_reaction(first, world.channel, world.bob, "🔁")
        regenerated: Message = await world.emu.wait_for(
            lambda: next((m for m in world.bot_messages() if m.id not in known and is_final(m)), None),
            timeout=10,
        )
        job_id = await _delivered_result(world, regenerated)
        [ping] = _replies_to(world, regenerated)

    assert ping.notified_user_ids == [world.bob.id], "the reacting member, whose job it is"
    assert ping.content == f"<@{world.bob.id}> your image is ready (job #{job_id})."


async def test_a_personal_install_pings_by_followup_under_its_cap(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        await world.bot.tree.sync()  # user installs see global commands only
        elsewhere = world.emu.add_guild(name="Elsewhere", with_bot=False)
        lobby = world.emu.add_channel(elsewhere, "lobby")
        dave = world.emu.add_member(elsewhere, name="dave")
        world.emu.install_for_user(dave)
        interaction = await world.emu.send_slash_command(
            elsewhere, lobby, dave.user, "imagine", {"prompt": "four paper boats --count 4"}
        )
        result = await world.wait_for_final(interaction)
        await world.emu.wait_for(lambda: any(_is_ping(m) for m in world.emu.followups(interaction)))
        followups = world.emu.followups(interaction)
        refused = [c for c in world.emu.calls_matching("POST", r"^/webhooks/") if c.status == 400]

    assert result.attachments
    assert interaction.user_install_only
    [ping] = [m for m in followups if _is_ping(m)]
    assert ping.notified_user_ids == [dave.id]
    assert len(followups) < USER_INSTALL_FOLLOWUP_CAP, "room left under Discord's 5 followups"
    assert refused == []
