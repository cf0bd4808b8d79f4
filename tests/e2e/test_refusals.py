"""Requests the bot refuses, and how: privately, in plain words, with nothing left in the channel."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from core.errors import NotAllowed
from core.jobs.admission import Admission, Ask
from core.jobs.service import JobService
from tests.discord_emulator import Interaction, Message
from tests.e2e.harness import World, job_state, running_world


async def _refused_at_once(world: World, interaction: Interaction) -> Message:
    """A refusal decided before answering: the first and only answer is a private message (callback
    type 4 CHANNEL_MESSAGE_WITH_SOURCE, EPHEMERAL), never a public "thinking…" (type 5)."""
    await world.wait_acked(interaction)
    assert (interaction.response_type, interaction.ephemeral) == (4, True)
    assert interaction.followup_message_ids == []
    error = world.emu.original_response(interaction)
    assert error.ephemeral
    assert "Traceback" not in error.content
    return error


async def _private_error(world: World, interaction: Interaction) -> Message:
    """The one private message a deferred-then-refused request ends with; its thinking message is gone."""
    await world.emu.wait_for(lambda: interaction.followup_message_ids)
    assert world.emu.original_response(interaction).deleted
    [error] = world.emu.followups(interaction)
    assert error.ephemeral
    assert "Traceback" not in error.content
    return error


async def _shown(world: World, interaction: Interaction, state: str | None = None) -> None:
    """Wait until the job is on its message (it was submitted: the next request sees it)."""
    await world.wait_acked(interaction)
    message = world.emu.original_response(interaction)
    await world.emu.wait_for(lambda: job_state(message) is not None and state in (None, job_state(message)))


async def test_a_member_is_refused_in_a_channel_the_server_did_not_allow(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        studio = world.emu.add_channel(world.guild, "studio")
        await world.emu.guild_create(world.guild)
        await world.runtime.guild_policies.update(world.guild.id, {"allowed_channel_ids": [studio.id]})
        interaction = await world.slash("imagine", {"prompt": "a tram"})
        error = await _refused_at_once(world, interaction)
        assert f"<#{studio.id}>" in error.content
        assert world.bot_messages() == []
        assert (await world.runtime.browser.history(world.guild.id)).jobs == ()


async def test_a_thread_has_the_place_of_its_channel_in_the_servers_rules(
    database_url: str, tmp_path: Path
) -> None:
    """A thread of an allowed channel was refused, told to go to that very channel; a thread of an
    age-restricted channel (a thread has no flag of its own) was refused by nsfw-only."""
    async with running_world(database_url, tmp_path) as world:
        studio = world.emu.add_channel(world.guild, "studio", nsfw=True)
        in_studio = world.emu.add_thread(studio, world.alice, "tram ideas")
        elsewhere = world.emu.add_thread(world.channel, world.alice, "off topic")
        await world.emu.guild_create(world.guild)
        await world.runtime.guild_policies.update(
            world.guild.id, {"allowed_channel_ids": [studio.id], "nsfw_channels_only": True}
        )
        made = await world.wait_for_final(
            await world.slash("imagine", {"prompt": "a tram"}, channel=in_studio)
        )
        error = await _refused_at_once(
            world, await world.slash("imagine", {"prompt": "a tram"}, channel=elsewhere)
        )
    assert job_state(made) == "done"
    assert f"<#{studio.id}>" in error.content


async def test_a_member_without_an_allowed_role_is_refused(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        artists = world.emu.add_role(world.guild, "artists")
        await world.emu.guild_create(world.guild)
        await world.runtime.guild_policies.update(world.guild.id, {"allowed_role_ids": [artists.id]})
        interaction = await world.slash("imagine", {"prompt": "a tram"})
        error = await _refused_at_once(world, interaction)
        assert "allowed roles" in error.content

        world.alice.roles.append(artists.id)
        allowed = await world.slash("imagine", {"prompt": "a tram"})
        await world.wait_for_final(allowed)


async def test_a_member_over_their_queue_limit_is_told_so(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        await world.runtime.guild_policies.update(
            world.guild.id, {"max_queued_per_user": 1, "max_running_per_user": 1}
        )
        world.fake.config.step_time_s = 0.2  # the first job is still running when the others arrive
        first = await world.slash("imagine", {"prompt": "one"})
        await _shown(world, first, "running")
        second = await world.slash("imagine", {"prompt": "two"})
        await _shown(world, second)
        third = await world.slash("imagine", {"prompt": "three"})
        error = await _refused_at_once(world, third)
        assert "queue" in error.content.lower() or "limit" in error.content.lower()
        world.fake.config.step_time_s = 0.01
        await world.wait_for_final(first)


async def test_an_unexpected_error_shows_an_error_id_and_no_details(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(self: JobService, request: object) -> None:
        raise RuntimeError("database password is hunter2")

    async with running_world(database_url, tmp_path) as world:
        monkeypatch.setattr(JobService, "submit", broken)
        interaction = await world.slash("imagine", {"prompt": "a tram"})
        error = await _private_error(world, interaction)
        assert "Something went wrong on my side (error " in error.content
        assert "hunter2" not in error.content
        error_id = error.content.split("(error ")[1].split(")")[0]
        assert any(error_id in record.getMessage() for record in caplog.records)


async def test_a_song_workflow_cannot_be_used_for_images(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        interaction = await world.slash("imagine", {"prompt": "a tram", "workflow": "song"})
        error = await _refused_at_once(world, interaction)
        assert "There is no image workflow called “song”" in error.content


async def test_a_blocked_word_is_refused_in_the_prompt_but_welcome_after_no(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        await world.runtime.guild_policies.update(world.guild.id, {"blocked_words": ["gore"]})
        refused = await world.slash("imagine", {"prompt": "a cute kitten covered in gore"})
        error = await _refused_at_once(world, refused)
        assert "(“gore”)" in error.content

        accepted = await world.slash("imagine", {"prompt": "a cute kitten --no gore"})
        message = await world.wait_for_final(accepted)
        assert (await world.job_for(message)).params.negative_prompt == "gore"


async def test_a_blocked_word_in_disguise_is_refused_without_echoing_the_disguise(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        await world.runtime.guild_policies.update(world.guild.id, {"blocked_words": ["gore", "ass"]})
        refused = await world.slash("imagine", {"prompt": "a cute kitten, G.0.R.Е everywhere"})
        error = await _refused_at_once(world, refused)
        assert "(“gore”)" in error.content
        assert "G.0.R.Е" not in error.content

        accepted = await world.slash("imagine", {"prompt": "a classy assistant in Scunthorpe"})
        message = await world.wait_for_final(accepted)
        assert (await world.job_for(message)).params.prompt == "a classy assistant in Scunthorpe"


async def test_a_decision_slower_than_discord_allows_defers_first_and_refuses_privately_after(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answered = asyncio.Event()

    async def slow_refusal(self: Admission, ask: Ask) -> None:
        await answered.wait()
        raise NotAllowed("I don't take requests in this channel here.")

    async with running_world(database_url, tmp_path) as world:
        monkeypatch.setattr(Admission, "check", slow_refusal)
        interaction = await world.slash("imagine", {"prompt": "a tram"})
        await world.wait_acked(interaction)
        assert interaction.response_type == 5  # the 3-second deadline wins: "thinking…" first
        answered.set()
        error = await _private_error(world, interaction)
        assert "this channel" in error.content
