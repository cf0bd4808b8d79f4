"""A /song lyrics form sent back after the bot restarted: discord.py no longer holds it, yet the member is
answered, and what they typed is either made into the song or given back to them."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.harness import form_id, job_state, running_world
from tests.e2e.media_support import SONG, private_answer

LYRICS = "[verse]\nNeon rain on the window\n[chorus]\nWe run, we run"
EXPIRED = (
    "This form was opened before I restarted, or more than 15 minutes ago, so I can't use it. "
    "Please run /song again."
)


async def test_a_song_form_sent_after_a_restart_still_makes_the_song_with_the_commands_options(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        options = {
            "genre": "synthpop",
            "tempo": 96,
            "key": "A minor",
            "time_signature": "3/4",
            "language": "en",
        }
        command = await world.wait_acked(await world.slash("song", options))
        await world.restart_bot()  # discord.py kept the open form in memory only
        answer = await world.emu.submit_modal(
            form_id(command),
            {
                "song:lyrics": LYRICS,
                "song:title": "Night Drive",
                "song:genre": "synthpop",
                "song:mood": "calm",
            },
            world.alice,
            world.channel,
        )
        message = await world.wait_for_final(answer)
        job = await world.job_for(message)

    assert job_state(message) == "done"
    assert not message.ephemeral
    params = job.params
    assert (params.title, params.genre, params.mood) == ("Night Drive", "synthpop", "calm")  # type: ignore[attr-defined]
    assert params.lyrics.split() == LYRICS.split()  # type: ignore[attr-defined]
    assert (params.tempo, params.key, params.time_signature) == (96, "A minor", "3/4")  # type: ignore[attr-defined]
    assert params.language == "en"  # type: ignore[attr-defined]
    assert params.count == 2  # type: ignore[attr-defined]


async def test_a_cover_form_sent_after_a_restart_gives_the_typed_lyrics_back(
    database_url: str, tmp_path: Path
) -> None:
    # The song to cover was read by the process that opened the form: it cannot ride in the form's id.
    async with running_world(database_url, tmp_path) as world:
        song = {"audio": ("o.wav", SONG, "audio/wav")}
        command = await world.wait_acked(await world.slash("song", {"genre": "synthpop"}, attachments=song))
        await world.restart_bot()
        answer = await world.emu.submit_modal(
            form_id(command),
            {"song:lyrics": LYRICS, "song:title": "Cover", "song:genre": "synthpop", "song:mood": ""},
            world.alice,
            world.channel,
        )
        said = await private_answer(world, answer)
        made = world.job_messages()

    assert said.content == f"{EXPIRED}\n\nWhat you wrote:\n```\n{LYRICS}\n```"
    assert made == []


async def test_long_lyrics_from_a_form_that_cannot_be_used_come_back_whole_as_lyrics_txt(
    database_url: str, tmp_path: Path
) -> None:
    typed = "[verse]\n" + "neon rain on the window, we run\n" * 80 + "[chorus]\nwe run"
    async with running_world(database_url, tmp_path) as world:
        song = {"audio": ("o.wav", SONG, "audio/wav")}
        command = await world.wait_acked(await world.slash("song", {"genre": "synthpop"}, attachments=song))
        await world.restart_bot()
        answer = await world.emu.submit_modal(
            form_id(command),
            {"song:lyrics": typed, "song:title": "", "song:genre": "", "song:mood": ""},
            world.alice,
            world.channel,
        )
        said = await private_answer(world, answer)

    assert len(typed) > 2000, "more than one message holds"
    assert said.content == f"{EXPIRED}\n\nWhat you wrote is attached as `lyrics.txt`."
    [kept] = said.attachments
    assert (kept.filename, kept.data) == ("lyrics.txt", typed.encode())


async def test_a_song_form_refused_after_a_restart_gives_the_typed_lyrics_back(
    database_url: str, tmp_path: Path
) -> None:
    typed = "[verse]\nNeon rain on the window\n[rap]\nfast words here"
    async with running_world(database_url, tmp_path) as world:
        command = await world.wait_acked(await world.slash("song", {"genre": "synthpop"}))
        await world.restart_bot()
        answer = await world.emu.submit_modal(
            form_id(command),
            {"song:lyrics": typed, "song:title": "Night Drive", "song:genre": "synthpop", "song:mood": ""},
            world.alice,
            world.channel,
        )
        said = await private_answer(world, answer)
        made = world.job_messages()

    refusal, _, given = said.content.partition("\n\n")
    assert "[rap]" in refusal
    assert given == f"What you wrote:\n```\n{typed}\n```"
    assert made == []


async def test_edit_and_try_again_clicked_after_a_restart_is_answered_privately(
    database_url: str, tmp_path: Path
) -> None:
    typed = "[verse]\nNeon rain on the window\n[rap]\nfast words here"
    async with running_world(database_url, tmp_path) as world:
        command = await world.wait_acked(await world.slash("song", {"genre": "synthpop"}))
        answer = await world.emu.submit_modal(
            form_id(command),
            {"song:lyrics": typed, "song:title": "", "song:genre": "", "song:mood": ""},
            world.alice,
            world.channel,
        )
        refusal = await private_answer(world, answer)
        [button] = refusal.components[0]["components"]
        await world.restart_bot()  # the draft the button would open was kept in memory only
        again = await world.emu.click_button(refusal, button["custom_id"], world.alice)
        said = await private_answer(world, again)

    assert said.content == (
        "This button was made before I restarted, or more than 15 minutes ago, so it can't open the form "
        "again. Please run /song again."
    )
    assert "lyrics.txt" in refusal.content, "the lyrics stay attached to the refusal"
