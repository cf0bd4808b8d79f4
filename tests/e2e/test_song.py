"""/song through the lyrics form and through an attached file, to two takes of audio."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from core.jobs.admission import Admission, Ask
from tests.e2e.harness import assert_no_repeated_revisions, form_id, running_world

LYRICS = "[verse]\nNeon rain on the window\n[chorus]\nWe run, we run"


async def test_song_opens_a_lyrics_form_and_its_answer_makes_two_takes(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        command = await world.slash("song", {"genre": "synthpop", "tempo": 120, "key": "A minor"})
        await world.wait_acked(command)
        assert command.response_type == 9, "a modal, not a message"
        assert command.modal is not None
        # The options ride in the form's id, so a form outliving the bot's process still makes the song.
        assert command.modal["custom_id"] == f"song:form:{command.id}?t=120&k=A+minor"
        assert world.bot_messages() == []

        answer = await world.emu.submit_modal(
            form_id(command),
            {"song:lyrics": LYRICS, "song:title": "Night Drive", "song:genre": "synthpop", "song:mood": ""},
            world.alice,
            world.channel,
        )
        message = await world.wait_for_final(answer)
        assert answer.deferred
        said = [m.content for m in world.emu.followups(answer) if m.ephemeral]
        assert said == [], "an open form is answered by its own modal alone"
        job = await world.job_for(message)
        assert job.kind == "song"
        assert job.params.lyrics.split() == LYRICS.split()  # cleaned: a blank line between sections
        assert job.params.title == "Night Drive"
        assert job.params.tempo == 120
        assert job.params.count == 2
        assert len(message.attachments) == 2, "two takes per request"
        assert all(not a.filename.endswith(".png") for a in message.attachments)
        assert {a.content_type for a in message.attachments} <= {"audio/mpeg", "audio/flac", "audio/ogg"}, (
            "declared as audio, so every client offers a player"
        )
        _, artifacts = await world.delivered(job.id)
        assert sorted(a.attachment_url or "" for a in artifacts) == sorted(a.url for a in message.attachments)
        # Each take is downloaded under the song's title, as Suno names it; kept on disk as ComfyUI named it.
        suffix = Path(artifacts[0].path).suffix
        assert [a.filename for a in message.attachments] == [f"Night_Drive_{n}{suffix}" for n in (1, 2)]
        assert all((world.data_dir / a.path).is_file() for a in artifacts)
        assert not any(Path(a.path).name.startswith("Night_Drive") for a in artifacts)
        assert_no_repeated_revisions(message)


async def test_song_with_a_lyrics_file_goes_straight_on(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        document = {"title": "Lanterns", "genre": "folk", "lyrics": LYRICS}
        interaction = await world.slash(
            "song",
            {"mood": "warm"},
            attachments={"lyrics_file": ("lanterns.json", json.dumps(document).encode(), "application/json")},
        )
        message = await world.wait_for_final(interaction)
        assert interaction.deferred
        job = await world.job_for(message)
        assert (job.params.title, job.params.genre, job.params.mood) == ("Lanterns", "folk", "warm")
        assert len(message.attachments) == 2

        text = await world.slash(
            "song", {}, attachments={"lyrics_file": ("words.txt", LYRICS.encode(), "text/plain")}
        )
        message = await world.wait_for_final(text)
        assert (await world.job_for(message)).params.lyrics.split() == LYRICS.split()


async def test_unknown_sections_in_the_form_are_named_privately(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        command = await world.slash("song", {})
        await world.wait_acked(command)
        answer = await world.emu.submit_modal(
            form_id(command),
            {"song:lyrics": "[verse]\nla la\n[drop]\nwah"},
            world.alice,
            world.channel,
        )
        await world.wait_acked(answer)
        assert answer.ephemeral
        reply = world.emu.original_response(answer)
        assert "[drop]" in reply.content
        assert world.bot_messages() == []


async def test_bad_song_options_are_refused_before_the_form_opens(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        command = await world.slash("song", {"key": "H major", "duration": "forever"})
        await world.wait_acked(command)
        assert command.response_type == 4
        assert command.ephemeral
        reply = world.emu.original_response(command)
        assert "key" in reply.content
        assert "duration" in reply.content


async def test_the_language_option_names_the_lyrics_language_and_an_unknown_one_is_refused(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        interaction = await world.slash(
            "song",
            {"language": "Japanese"},
            attachments={"lyrics_file": ("words.txt", LYRICS.encode(), "text/plain")},
        )
        message = await world.wait_for_final(interaction)
        assert (await world.job_for(message)).params.language == "ja"

        command = await world.slash("song", {"language": "Klingon"})
        await world.wait_acked(command)
        assert (command.response_type, command.ephemeral) == (4, True), "refused before the form opens"
        assert (
            "'Klingon' is not a language songs are sung in here"
            in world.emu.original_response(command).content
        )
        # A code no backend lists (the built-in workflow's ACE-Step 1.0 lists none: the 23 are the ones
        # taken) is refused before the form opens too.
        command = await world.slash("song", {"language": "xx"})
        await world.wait_acked(command)
        assert (command.response_type, command.ephemeral) == (4, True), "refused before the form opens"
        assert "'xx' is not a language songs are sung in here" in world.emu.original_response(command).content


def _prefilled(modal: dict[str, Any]) -> dict[str, str]:
    """The pre-filled value of every text input in a modal, by custom_id (action rows or labels)."""
    inputs = []
    for top in modal["components"]:
        inputs += [top["component"]] if "component" in top else top.get("components", [])
    return {i["custom_id"]: i.get("value") or "" for i in inputs if i["type"] == 4}  # text inputs


async def test_a_refused_form_keeps_the_lyrics_one_click_from_the_form_filled_in(
    database_url: str, tmp_path: Path
) -> None:
    typed = "[verse]\nNeon rain on the window\n[rap]\nfast words here"
    async with running_world(database_url, tmp_path) as world:
        command = await world.slash("song", {"genre": "synthpop"})
        await world.wait_acked(command)
        answer = await world.emu.submit_modal(
            form_id(command),
            {"song:lyrics": typed, "song:title": "Night Drive", "song:genre": "synthpop", "song:mood": ""},
            world.alice,
            world.channel,
        )
        await world.wait_acked(answer)
        assert (answer.response_type, answer.ephemeral) == (4, True)
        refusal = world.emu.original_response(answer)
        assert "[rap]" in refusal.content
        [kept] = refusal.attachments
        assert kept.filename == "lyrics.txt"
        assert kept.data == typed.encode()
        [button] = refusal.components[0]["components"]
        assert button["label"] == "Edit and try again"

        again = await world.emu.click_button(refusal, button["custom_id"], world.alice)
        await world.wait_acked(again)
        assert again.response_type == 9, "the form again"
        assert again.modal is not None
        assert _prefilled(again.modal) == {
            "song:lyrics": typed,
            "song:title": "Night Drive",
            "song:genre": "synthpop",
            "song:mood": "",
        }

        fixed = typed.replace("[rap]", "[bridge]")
        resubmitted = await world.emu.submit_modal(
            form_id(again),
            {"song:lyrics": fixed, "song:title": "Night Drive", "song:genre": "synthpop", "song:mood": ""},
            world.alice,
            world.channel,
        )
        message = await world.wait_for_final(resubmitted)
        job = await world.job_for(message)
        assert (job.params.title, job.params.lyrics.split()) == ("Night Drive", fixed.split())


async def test_song_in_a_channel_the_server_did_not_allow_is_refused_before_the_form(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        studio = world.emu.add_channel(world.guild, "studio")
        await world.emu.guild_create(world.guild)
        await world.runtime.guild_policies.update(world.guild.id, {"allowed_channel_ids": [studio.id]})
        command = await world.slash("song", {"genre": "synthpop"})
        await world.wait_acked(command)
        assert (command.response_type, command.ephemeral) == (4, True), "refused at once, no form to fill"
        assert command.modal is None
        assert f"<#{studio.id}>" in world.emu.original_response(command).content


async def test_a_refusal_after_the_form_also_keeps_the_lyrics(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        command = await world.slash("song", {})
        await world.wait_acked(command)
        await world.runtime.guild_policies.update(world.guild.id, {"blocked_words": ["neon"]})
        answer = await world.emu.submit_modal(
            form_id(command), {"song:lyrics": LYRICS}, world.alice, world.channel
        )
        await world.wait_acked(answer)
        refusal = world.emu.original_response(answer)
        assert (answer.response_type, refusal.ephemeral) == (4, True)
        assert "(“neon”)" in refusal.content
        assert [a.filename for a in refusal.attachments] == ["lyrics.txt"]
        assert refusal.components, "a button opens the form again"


async def test_a_rules_check_slower_than_discord_allows_still_opens_the_form(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    never = asyncio.Event()

    async def stuck(self: Admission, ask: Ask) -> None:
        await never.wait()  # a database that does not answer: the budget runs out

    async with running_world(database_url, tmp_path) as world:
        monkeypatch.setattr(Admission, "check", stuck)
        command = await world.slash("song", {"genre": "synthpop"})
        await world.wait_acked(command)
        assert command.response_type == 9, "the form opens anyway; submitting it checks again"


async def test_info_on_a_song_with_long_lyrics_gives_them_whole_as_a_file(
    database_url: str, tmp_path: Path
) -> None:
    typed = "[verse]\n" + "neon rain on the window, we run\n" * 70 + "[chorus]\nwe run, we run"
    async with running_world(database_url, tmp_path) as world:
        command = await world.slash("song", {"genre": "synthpop"})
        await world.wait_acked(command)
        answer = await world.emu.submit_modal(
            form_id(command), {"song:lyrics": typed}, world.alice, world.channel
        )
        result = await world.wait_for_final(answer)
        job = await world.job_for(result)
        assert len(job.params.lyrics) > 2000

        click = await world.emu.click_button(result, f"job:info:{job.id}", world.alice)
        await world.emu.wait_for(lambda: click.acked and world.emu.original_response(click).embeds)
        info = world.emu.original_response(click)
        assert info.ephemeral
        assert str(info.embeds[0]["description"]).endswith("…"), "the embed shows the start and says so"
        [whole] = info.attachments
        assert (whole.filename, whole.data) == ("lyrics.txt", job.params.lyrics.encode())
