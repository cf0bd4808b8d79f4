"""The app installed to someone's own account: /imagine in a DM and in a server without the bot, results
through the interaction's token only, a job that outlives the token, per-person limits, and the servers
that installed the bot keeping their own rules."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from core.jobs.policy import Requester
from core.jobs.scopes import personal_scope
from core.jobs.snapshots import JobView
from core.queue.limits import GuildLimits
from db.enums import JobStatus
from tests.discord_emulator import Channel, Guild, Interaction, Message, User
from tests.discord_emulator.layout import buttons, text_of, texts
from tests.e2e.harness import FAST_REPORTING, World, is_final, job_state, running_world
from tests.e2e.media_support import private_answer
from tests.e2e.test_history_support import answer

# The bot-side deadline of a token already passed when the job is shown: every job outlives its token.
TOKEN_GONE_AT_ONCE = replace(FAST_REPORTING, token_lifetime_s=0.0)
DISCORD_TOKEN_LIFETIME_S = 15 * 60


async def _sync_globally(world: World) -> None:
    """As `python -m bot sync` does: user installs see global commands only."""
    await world.bot.tree.sync()


async def _imagine(
    world: World, channel: Channel, who: User, prompt: str, guild: Guild | None = None
) -> Interaction:
    return await world.emu.send_slash_command(guild, channel, who, "imagine", {"prompt": prompt})


async def _personal_job(world: World, message: Message, user: User) -> JobView:
    job = await world.runtime.browser.job_for_message(message.id, guild_id=personal_scope(user.id))
    assert job is not None, f"no job of {user.username}'s shows message {message.id}"
    return job


async def _their_only_job(world: World, user: User) -> JobView:
    [job] = (await world.runtime.browser.history(personal_scope(user.id))).jobs
    return job


def _bot_token_posts(world: World, channel: Channel) -> list[object]:
    """What the bot sent with its own token into the channel (a user install cannot: only its webhook)."""
    path = rf"^/channels/{channel.id}/messages"
    return world.emu.calls_matching("POST", path) + world.emu.calls_matching("PATCH", path)


async def test_imagine_in_a_dm_with_someone_who_only_installed_the_app(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        await _sync_globally(world)
        carol = world.emu.install_for_user(world.emu.add_user("carol"))
        dm = world.emu.dm_channel(carol)
        message = await world.wait_for_final(await _imagine(world, dm, carol, "a lighthouse at dusk"))
        job = await _personal_job(world, message, carol)
        listing = await answer(world, await world.emu.send_slash_command(None, dm, carol, "history"))
        server_history = await world.runtime.browser.history(world.guild.id)
        erin = world.emu.install_for_user(world.emu.add_user("erin"))
        erins_dm = world.emu.dm_channel(erin)
        erins = await answer(world, await world.emu.send_slash_command(None, erins_dm, erin, "history"))

    assert job_state(message) == "done"
    assert message.attachments
    assert (job.user_id, job.guild_id, job.channel_id) == (carol.id, personal_scope(carol.id), dm.id)
    assert _bot_token_posts(world, dm) == []
    assert re.findall(r"\*\*#(\d+)\*\*", texts(listing)[0]) == [str(job.id)]
    assert server_history.jobs == ()
    assert texts(erins)[0] == "## History\nYou have made nothing outside my servers yet."


async def test_imagine_in_a_server_without_the_bot(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        await _sync_globally(world)
        elsewhere = world.emu.add_guild(name="Elsewhere", with_bot=False)
        lobby = world.emu.add_channel(elsewhere, "lobby")
        dave = world.emu.add_member(elsewhere, name="dave")
        world.emu.install_for_user(dave)
        # Elsewhere's @everyone may not use external apps' public answers in #quiet: they become private.
        quiet = world.emu.add_channel(elsewhere, "quiet")
        await world.emu.set_channel_permissions(quiet, elsewhere.everyone, deny=1 << 50)

        interaction = await _imagine(world, lobby, dave.user, "a paper boat", guild=elsewhere)
        message = await world.wait_for_final(interaction)
        job = await _personal_job(world, message, dave.user)
        private = await world.wait_for_final(
            await _imagine(world, quiet, dave.user, "a whisper", guild=elsewhere)
        )

    assert interaction.payload["authorizing_integration_owners"] == {"1": str(dave.id)}
    assert job_state(message) == "done"
    assert not message.ephemeral
    assert message.attachments
    assert job.guild_id == personal_scope(dave.id)
    assert _bot_token_posts(world, lobby) == []
    assert job_state(private) == "done"
    assert private.ephemeral
    # The completion ping could not be a channel message: it is a followup through the token.
    [ping] = world.emu.followups(interaction)
    assert ping.content.startswith(f"<@{dave.id}> your ")
    assert ping.content.endswith(f" is ready (job #{job.id}).")
    assert ping.notified_user_ids == [dave.id]


async def test_deleting_a_result_in_a_server_without_the_bot_removes_its_message(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        await _sync_globally(world)
        elsewhere = world.emu.add_guild(name="Elsewhere", with_bot=False)
        lobby = world.emu.add_channel(elsewhere, "lobby")
        dave = world.emu.add_member(elsewhere, name="dave")
        world.emu.install_for_user(dave)
        message = await world.wait_for_final(
            await _imagine(world, lobby, dave.user, "a boat", guild=elsewhere)
        )
        job = await _personal_job(world, message, dave.user)
        click = await world.emu.click_button(message, f"job:delete:{job.id}", dave)
        # The bot is not in that server: only the interaction's webhook reaches the message.
        await world.emu.wait_for(lambda: message.deleted or world.emu.followups(click))
        marked = await world.runtime.service.get(job.id, guild_id=job.guild_id)

    assert message.deleted
    assert world.emu.followups(click) == [], "no error for the member"
    assert marked.deleted_at is not None
    assert _bot_token_posts(world, lobby) == []


async def test_a_job_that_outlives_its_token_in_a_dm_comes_by_direct_message(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path, reporting=TOKEN_GONE_AT_ONCE) as world:
        await _sync_globally(world)
        world.emu.install_for_user(world.alice)  # she also shares the Art Club with the bot
        dm = world.emu.dm_channel(world.alice)
        interaction = await _imagine(world, dm, world.alice.user, "a slow glacier")
        await world.wait_acked(interaction)
        response = world.emu.original_response(interaction)
        await world.emu.wait_for(lambda: "/history" in text_of(response))
        world.emu.advance_clock(DISCORD_TOKEN_LIFETIME_S + 1)  # and Discord's token is over too
        delivered = await world.emu.wait_for(
            lambda: next((m for m in world.bot_messages(dm) if m.id != response.id and is_final(m)), None)
        )
        job = await _their_only_job(world, world.alice.user)
        job, artifacts = await world.delivered(job.id, guild_id=job.guild_id)

    assert (response.embeds, response.attachments) == ([], []), "no progress, no files: one sentence"
    assert f"Job #{job.id} is still being made" in text_of(response)
    assert f"Job #{job.id} took longer" in text_of(delivered)
    assert job_state(delivered) == "done"
    assert delivered.attachments
    assert [a.message_id for a in artifacts] == [delivered.id] * len(artifacts)
    assert job.status is JobStatus.SUCCEEDED
    # Her own scope's job: its buttons work in her DM, where a click is in that scope.
    assert f"job:reroll:{job.id}" in [b["custom_id"] for b in buttons(delivered)]


async def test_a_job_that_outlives_its_token_is_kept_for_history_when_no_dm_is_allowed(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path, reporting=TOKEN_GONE_AT_ONCE) as world:
        await _sync_globally(world)
        carol = world.emu.install_for_user(world.emu.add_user("carol"))  # shares no server with the bot
        dm = world.emu.dm_channel(carol)
        interaction = await _imagine(world, dm, carol, "a slow comet")
        await world.wait_acked(interaction)
        response = world.emu.original_response(interaction)
        await world.emu.wait_for(lambda: "/history" in text_of(response))
        world.emu.advance_clock(DISCORD_TOKEN_LIFETIME_S + 1)
        job = await _their_only_job(world, carol)
        refused_dm = await world.emu.wait_for(
            lambda: world.emu.calls_matching("POST", rf"^/channels/{dm.id}/messages$")
        )
        settled, artifacts = await world.delivered(job.id, guild_id=job.guild_id)

    assert [c.status for c in refused_dm] == [403]
    assert settled.status is JobStatus.SUCCEEDED
    assert artifacts
    assert (response.embeds, response.attachments) == ([], []), "no progress, no files: one sentence"
    assert f"`/show job:{job.id}`" in text_of(response)
    assert [m.id for m in world.bot_messages(dm)] == [response.id]


async def test_per_person_rate_limit_outside_the_servers(database_url: str, tmp_path: Path) -> None:
    one_per_hour = GuildLimits(rate_capacity=1, rate_per_minute=1 / 60)
    async with running_world(database_url, tmp_path, personal_limits=one_per_hour) as world:
        await _sync_globally(world)
        carol = world.emu.install_for_user(world.emu.add_user("carol"))
        erin = world.emu.install_for_user(world.emu.add_user("erin"))
        first = await world.wait_for_final(await _imagine(world, world.emu.dm_channel(carol), carol, "one"))
        second = await _imagine(world, world.emu.dm_channel(carol), carol, "two")
        await world.wait_acked(second)
        refusal = world.emu.original_response(second)
        others = await world.wait_for_final(await _imagine(world, world.emu.dm_channel(erin), erin, "mine"))
        # The server's own rate is untouched by theirs.
        in_server = await world.wait_for_final(await world.slash("imagine", {"prompt": "three"}))

    assert job_state(first) == "done"
    assert refusal.ephemeral
    assert "You have reached your request rate limit" in refusal.content
    assert job_state(others) == "done"
    assert job_state(in_server) == "done"


async def test_where_the_bot_is_installed_the_servers_rules_still_apply(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        await _sync_globally(world)
        world.emu.install_for_user(world.alice)
        await world.runtime.guild_policies.update(world.guild.id, {"blocked_words": ["castle"]})
        refused = await world.slash("imagine", {"prompt": "a castle in the air"})
        await world.wait_acked(refused)
        error = world.emu.original_response(refused)
        dm = world.emu.dm_channel(world.alice)
        in_dm = await world.wait_for_final(await _imagine(world, dm, world.alice.user, "a castle in the air"))
        job = await _personal_job(world, in_dm, world.alice.user)

    assert refused.payload["authorizing_integration_owners"]["0"] == str(world.guild.id)
    assert error.ephemeral
    assert "(“castle”)" in error.content
    assert job_state(in_dm) == "done"
    assert job.guild_id == personal_scope(world.alice.id)


async def test_a_message_link_where_the_bot_cannot_read_says_so_and_what_to_do_instead(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        await _sync_globally(world)
        carol = world.emu.install_for_user(world.emu.add_user("carol"))
        dm = world.emu.dm_channel(carol)
        made = await world.wait_for_final(await _imagine(world, dm, carol, "a boat"))
        in_dm = await private_answer(
            world,
            await world.emu.send_slash_command(
                None,
                dm,
                carol,
                "upscale",
                {"image_link": f"https://discord.com/channels/@me/{dm.id}/{made.id}"},
            ),
        )
        elsewhere = world.emu.add_guild(name="Elsewhere", with_bot=False)
        lobby = world.emu.add_channel(elsewhere, "lobby")
        dave = world.emu.add_member(elsewhere, name="dave")
        world.emu.install_for_user(dave)
        theirs = await world.wait_for_final(
            await _imagine(world, lobby, dave.user, "a kite", guild=elsewhere)
        )
        link = f"https://discord.com/channels/{elsewhere.id}/{lobby.id}/{theirs.id}"
        in_server = await private_answer(
            world,
            await world.emu.send_slash_command(
                elsewhere, lobby, dave, "edit", {"instruction": "at night", "image_link": link}
            ),
        )

    for refusal in (in_dm, in_server):
        assert "this server" not in refusal.content
        assert "I can't read messages here" in refusal.content
        assert "Attach the file instead" in refusal.content


async def test_a_job_not_found_outside_the_servers_is_not_said_to_be_missing_from_this_server(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        await _sync_globally(world)
        carol = world.emu.install_for_user(world.emu.add_user("carol"))
        erin = world.emu.install_for_user(world.emu.add_user("erin"))
        group = world.emu.add_group_dm(carol, erin)
        made = await world.wait_for_final(await _imagine(world, group, erin, "a kite"))
        job = await _personal_job(world, made, erin)
        # Erin's job is hers alone: in Carol's own scope it is not found.
        asked = await world.emu.send_slash_command(None, group, carol, "show", {"job": job.id})
        refusal = await private_answer(world, asked)

    assert refusal.content == f"I can't find job #{job.id} among the ones you made outside my servers."


async def test_a_button_on_someone_elses_personal_result_says_whose_it_is(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        await _sync_globally(world)
        carol = world.emu.install_for_user(world.emu.add_user("carol"))
        erin = world.emu.install_for_user(world.emu.add_user("erin"))
        group = world.emu.add_group_dm(carol, erin)
        made = await world.wait_for_final(await _imagine(world, group, carol, "a kite"))
        job = await _personal_job(world, made, carol)
        reroll = await private_answer(world, await world.emu.click_button(made, f"job:reroll:{job.id}", erin))
        vary = await private_answer(world, await world.emu.click_button(made, f"res:subtle:{job.id}:0", erin))
        carols = await _their_only_job(world, carol)
        erins = await world.runtime.browser.history(personal_scope(erin.id))

    for refusal in (reroll, vary):
        assert refusal.content == (
            "Only the person who made this result can use its buttons here: "
            "it was made through their own install of me."
        )
    assert (carols.id, erins.jobs) == (job.id, ()), "nothing was made for anyone"


async def test_a_button_on_ones_own_result_sent_by_direct_message_is_not_said_to_be_someone_elses(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path, reporting=TOKEN_GONE_AT_ONCE) as world:
        await _sync_globally(world)
        world.emu.install_for_user(world.alice)
        dm = world.emu.dm_channel(world.alice)
        interaction = await _imagine(world, dm, world.alice.user, "a slow glacier")
        await world.wait_acked(interaction)
        response = world.emu.original_response(interaction)
        await world.emu.wait_for(lambda: "/history" in text_of(response))
        world.emu.advance_clock(DISCORD_TOKEN_LIFETIME_S + 1)
        delivered = await world.emu.wait_for(
            lambda: next((m for m in world.bot_messages(dm) if m.id != response.id and is_final(m)), None)
        )
        job = await _their_only_job(world, world.alice.user)
        await world.delivered(job.id, guild_id=job.guild_id)
        alice = Requester(user_id=world.alice.id, channel_id=dm.id)
        await world.runtime.service.delete_result(job.id, guild_id=job.guild_id, requester=alice)
        click = await world.emu.click_button(delivered, f"job:reroll:{job.id}", world.alice)
        refusal = await private_answer(world, click)

    assert refusal.content == f"I can't find job #{job.id} among the ones you made outside my servers."
