"""/song through the lyrics form and through an attached file, to two takes of audio."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.harness import assert_no_repeated_revisions, running_world

LYRICS = "[verse]\nNeon rain on the window\n[chorus]\nWe run, we run"


async def test_song_opens_a_lyrics_form_and_its_answer_makes_two_takes(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        command = await world.slash("song", {"genre": "synthpop", "tempo": 120, "key": "A minor"})
        await world.wait_acked(command)
        assert command.response_type == 9, "a modal, not a message"
        assert command.modal is not None
        assert command.modal["custom_id"] == "song:form"
        assert world.bot_messages() == []

        answer = await world.emu.submit_modal(
            "song:form",
            {"song:lyrics": LYRICS, "song:title": "Night Drive", "song:genre": "synthpop", "song:mood": ""},
            world.alice,
            world.channel,
        )
        message = await world.wait_for_final(answer)
        assert answer.deferred
        job = await world.job_for(message)
        assert job.kind.value == "song"
        assert job.params["lyrics"].split() == LYRICS.split()  # cleaned: a blank line between sections
        assert job.params["title"] == "Night Drive"
        assert job.params["tempo"] == 120
        assert job.params["count"] == 2
        assert len(message.attachments) == 2, "two takes per request"
        assert all(not a.filename.endswith(".png") for a in message.attachments)
        assert {a.content_type for a in message.attachments} <= {"audio/mpeg", "audio/flac", "audio/ogg"}, (
            "declared as audio, so every client offers a player"
        )
        _, artifacts = await world.delivered(job.id)
        assert sorted(a.attachment_url or "" for a in artifacts) == sorted(a.url for a in message.attachments)
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
        assert (job.params["title"], job.params["genre"], job.params["mood"]) == ("Lanterns", "folk", "warm")
        assert len(message.attachments) == 2

        text = await world.slash(
            "song", {}, attachments={"lyrics_file": ("words.txt", LYRICS.encode(), "text/plain")}
        )
        message = await world.wait_for_final(text)
        assert (await world.job_for(message)).params["lyrics"].split() == LYRICS.split()


async def test_unknown_sections_in_the_form_are_named_privately(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        command = await world.slash("song", {})
        await world.wait_acked(command)
        answer = await world.emu.submit_modal(
            "song:form", {"song:lyrics": "[verse]\nla la\n[guitar solo]\nwah"}, world.alice, world.channel
        )
        await world.wait_acked(answer)
        assert answer.ephemeral
        reply = world.emu.original_response(answer)
        assert "[guitar solo]" in reply.content
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
