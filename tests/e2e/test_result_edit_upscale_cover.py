"""Edit (an instruction, the `edit` kind), Upscale (the real `upscale` kind on that file) and Cover (a
take of a song as the audio input, with new style and lyrics) from a result's buttons."""

from __future__ import annotations

from pathlib import Path

from core.jobs.derived import MadeFrom, ResultAction
from db.units.job_inputs import JobInputStore
from tests.discord_emulator import Interaction
from tests.discord_emulator.layout import texts
from tests.e2e.harness import World, form_id, running_world
from tests.e2e.media_support import private_answer
from tests.e2e.result_support import (
    assert_started_from,
    first_result,
    labels,
    linked,
    made_from_click,
    message_of,
    modal_values,
    new_job_message,
    said_in,
)

LYRICS = "[verse]\nNeon rain on the window\n[chorus]\nWe run, we run"


async def test_edit_asks_what_to_change_and_runs_the_edit_kind_on_that_image(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, original, [artifact] = await first_result(world)
        assert "Edit" in labels(result)
        opened = await world.emu.click_button(result, f"res:edit:{original.id}:0", world.alice)
        await world.wait_acked(opened)
        assert list(modal_values(opened.modal)) == ["instruction"]
        fields: dict[str, str | list[str]] = {"instruction": "make it night"}
        submitted = await world.emu.submit_modal(f"edit:{original.id}:0", fields, world.alice, world.channel)
        message, job = await made_from_click(world, submitted)
        assert job.kind == "edit"
        assert job.params.instruction == "make it night"  # type: ignore[attr-defined]
        await assert_started_from(world, job, original, artifact)
        assert MadeFrom.read(job.seed_document) == MadeFrom(
            original.id, ResultAction.EDIT, message=message_of(result)
        )
        assert f"Edit of {linked(original.id, result)}" in texts(message)[0]


async def test_upscale_runs_the_upscale_kind_on_that_file_not_the_prompt_again(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, original, [artifact] = await first_result(world)
        click = await world.emu.click_button(result, f"res:upscale:{original.id}:0", world.alice)
        message, job = await made_from_click(world, click)
        assert job.kind == "upscale"
        await assert_started_from(world, job, original, artifact)
        _, [upscaled] = await world.delivered(job.id)
        assert upscaled.width is not None
        assert artifact.width is not None
        assert upscaled.width > artifact.width
        # Downloaded under the words of the picture it was made from, not as ComfyUI named it on disk.
        assert [a.filename for a in message.attachments] == [f"a_paper_boat_upscaled_x2_{job.id}.png"]
        assert f"Upscale of {linked(original.id, result)}" in texts(message)[0]


async def test_cover_takes_one_take_as_the_audio_input_with_new_style_and_lyrics(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        command = await world.slash("song", {"genre": "synthpop"})
        await world.wait_acked(command)
        answer = await world.emu.submit_modal(
            form_id(command),
            {"song:lyrics": LYRICS, "song:title": "", "song:genre": "synthpop", "song:mood": "warm"},
            world.alice,
            world.channel,
        )
        song_message = await world.wait_for_final(answer)
        song = await world.job_for(song_message)
        song, takes = await world.delivered(song.id)
        assert {"Cover 1", "Cover 2"} <= set(labels(song_message))

        opened = await world.emu.click_button(song_message, f"res:cover:{song.id}:1", world.alice)
        await world.wait_acked(opened)
        shown = modal_values(opened.modal)
        assert (shown["genre"], shown["mood"], shown["strength"]) == ("synthpop", "warm", "0.6")
        assert str(shown["lyrics"]).split() == LYRICS.split()
        fields: dict[str, str | list[str]] = {
            "genre": "punk",
            "mood": "",
            "lyrics": LYRICS,
            "strength": "0.5",
        }
        submitted = await world.emu.submit_modal(f"cover:{song.id}:1", fields, world.alice, world.channel)
        message, cover = await made_from_click(world, submitted)
        assert cover.kind == "song"
        assert cover.params.genre == "punk"  # type: ignore[attr-defined]
        assert cover.params.mood is None  # type: ignore[attr-defined]
        assert cover.params.strength == 0.5  # type: ignore[attr-defined]
        [given] = await JobInputStore(world.runtime.sessions).for_job(cover.id)
        assert (given.role, given.source_job_id, given.sha256) == ("audio", song.id, takes[1].sha256)
        assert f"Cover of {linked(song.id, song_message)}, take 2" in texts(message)[0]


async def test_a_refused_cover_gives_long_lyrics_back_whole_as_a_file(
    database_url: str, tmp_path: Path
) -> None:
    typed = "[verse]\n" + "neon rain on the window, we run\n" * 80 + "[rap]\nfast words here"
    async with running_world(database_url, tmp_path) as world:
        submitted = await cover_of_a_new_song(world, typed)
        refusal = await private_answer(world, submitted)
        assert "[rap]" in refusal.content
        assert len(typed) > 2000, "more than one message holds"
        [kept] = refusal.attachments
        assert (kept.filename, kept.data) == ("lyrics.txt", typed.encode())
        assert "lyrics.txt" in refusal.content


async def test_a_refused_cover_gives_short_lyrics_back_in_the_message(
    database_url: str, tmp_path: Path
) -> None:
    typed = "[verse]\nneon rain\n[rap]\nfast words here"
    async with running_world(database_url, tmp_path) as world:
        submitted = await cover_of_a_new_song(world, typed)
        refusal = await private_answer(world, submitted)
        assert refusal.content.endswith(f"What you wrote:\n```\n{typed}\n```")
        assert refusal.attachments == []


async def test_a_covers_lyrics_are_read_as_the_song_forms_are(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        typed = "[Verse 1] new words here [Chorus x2] oh oh"  # sections typed on one line, as in /song
        submitted = await cover_of_a_new_song(world, typed)
        _, cover = await made_from_click(world, submitted)
        assert cover.params.lyrics == "[Verse 1]\nnew words here\n\n[Chorus x2]\noh oh"  # type: ignore[attr-defined]


async def cover_of_a_new_song(world: World, lyrics: str) -> Interaction:
    """A song made with LYRICS, then its first take's Cover form sent with `lyrics` (genre punk)."""
    command = await world.slash("song", {"genre": "synthpop"})
    await world.wait_acked(command)
    answer = await world.emu.submit_modal(
        form_id(command), {"song:lyrics": LYRICS}, world.alice, world.channel
    )
    song_message = await world.wait_for_final(answer)
    song = await world.job_for(song_message)
    opened = await world.emu.click_button(song_message, f"res:cover:{song.id}:0", world.alice)
    await world.wait_acked(opened)
    fields: dict[str, str | list[str]] = {"genre": "punk", "mood": "", "lyrics": lyrics, "strength": "0.6"}
    return await world.emu.submit_modal(f"cover:{song.id}:0", fields, world.alice, world.channel)


async def test_an_upscale_and_an_edit_offer_no_vary_or_remix_and_a_reply_to_an_upscale_is_told_why(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        result, original, _ = await first_result(world)
        upscaled, upscale = await made_from_click(
            world, await world.emu.click_button(result, f"res:upscale:{original.id}:0", world.alice)
        )
        opened = await world.emu.click_button(result, f"res:edit:{original.id}:0", world.alice)
        await world.wait_acked(opened)
        edited, edit = await made_from_click(
            world,
            await world.emu.submit_modal(
                f"edit:{original.id}:0", {"instruction": "make it night"}, world.alice, world.channel
            ),
        )
        # Vary of an upscale would only upscale it again; an upscale's Remix form has no prompt to change.
        for made in (upscaled, edited):
            assert {"Upscale", "Edit"} <= set(labels(made))
            assert not {"Vary (subtle)", "Vary (strong)", "Remix"} & set(labels(made))
        jobs = len(world.job_messages())

        mention = world.emu.mention(world.emu.bot_user)
        await world.emu.send_message(world.channel, world.alice, f"{mention} at night", reply_to=upscaled)
        notice = await world.emu.wait_for(  # a notice lives briefly: found once deleted too
            lambda: next((m for m in said_in(world) if "no prompt to redraw" in m.content), None), 5
        )
        assert len(world.job_messages()) == jobs, "no job was made"
        # A reply to an edit is another edit of it, told what to change.
        await world.emu.send_message(world.channel, world.alice, f"{mention} add snow", reply_to=edited)
        again = await world.job_for(await new_job_message(world, jobs))

    assert notice.content.endswith(
        f"Job #{upscale.id} (upscale) has no prompt to redraw, so Remix can't work from it. Upscale or Edit "
        "it, or give its picture to /imagine with a prompt."
    )
    assert (again.kind, again.parent_id, again.params.instruction) == ("edit", edit.id, "add snow")  # type: ignore[attr-defined]
