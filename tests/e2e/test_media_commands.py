"""/song covers, /edit and /upscale: the member's file reaches ComfyUI and the job is made from it."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import World, form_id, job_state, running_world
from tests.e2e.media_support import (
    PICTURE,
    SONG,
    assert_nothing_stored,
    link_to,
    loader_files,
    posted_graph,
    private_answer,
    resolved_attachment_ids,
    sha256,
)
from tests.fakes.comfyui import media

LYRICS = "[verse]\nNeon rain on the window\n[chorus]\nWe run, we run"
FORM = {"song:lyrics": LYRICS, "song:title": "Cover", "song:genre": "synthpop", "song:mood": ""}


def _nodes(world: World, class_type: str) -> list[dict[str, Any]]:
    return [n for n in posted_graph(world).values() if n.get("class_type") == class_type]


def _read_from_upload(world: World, data: bytes, loader: str) -> None:
    """The file reached ComfyUI once, and the posted prompt's loader reads that very upload."""
    [upload] = world.fake.uploads
    assert upload.sha256 == sha256(data)
    name = f"{upload.subfolder}/{upload.name}" if upload.subfolder else upload.name
    assert loader_files(posted_graph(world), loader) == [name]


async def test_a_song_cover_encodes_the_uploaded_song_and_makes_two_takes(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        interaction = await world.slash(
            "song",
            {"genre": "synthpop", "strength": 0.7},
            attachments={
                "lyrics_file": ("words.txt", LYRICS.encode(), "text/plain"),
                "audio": ("original.wav", SONG, "audio/wav"),
            },
        )
        message = await world.wait_for_final(interaction)
        assert job_state(message) == "done"
        job = await world.job_for(message)

        assert len(message.attachments) == 2, "two takes, as for any song"
        assert job.params.strength == 0.7  # type: ignore[union-attr]
        _read_from_upload(world, SONG, "LoadAudio")
        assert any(n.get("class_type") == "VAEEncodeAudio" for n in posted_graph(world).values())


async def test_a_song_to_cover_is_read_once_while_the_lyrics_form_is_open(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        command = await world.slash(
            "song", {"genre": "synthpop"}, attachments={"audio": ("o.wav", SONG, "audio/wav")}
        )
        await world.wait_acked(command)
        assert command.response_type == 9, "the lyrics form comes first"
        answer = await world.emu.submit_modal(form_id(command), FORM, world.alice, world.channel)
        assert job_state(await world.wait_for_final(answer)) == "done"

        _read_from_upload(world, SONG, "LoadAudio")
        [attachment_id] = resolved_attachment_ids(command)
        assert world.emu.cdn_downloads.count(attachment_id) == 1


@pytest.mark.parametrize(
    ("workflow", "encoder"),
    [(None, "TextEncodeQwenImageEdit"), ("edit-kontext", "CLIPTextEncode"), ("my-edit", "CLIPTextEncode")],
    ids=["qwen-image-edit", "flux-kontext", "own-edit-workflow"],
)
async def test_edit_applies_the_instruction_to_the_attached_picture(
    database_url: str, tmp_path: Path, workflow: str | None, encoder: str
) -> None:
    # A server's own edit workflow (here Kontext's graph under another name) is read and run the same way.
    own = tmp_path / "workflows"
    own.mkdir()
    kontext = resources.files("core.kinds.templates").joinpath("flux_kontext_edit.json").read_text()
    (own / "my-edit.json").write_text(kontext)
    async with running_world(database_url, tmp_path, workflows_dir=own) as world:
        options = {"instruction": "make it night"} | ({"workflow": workflow} if workflow else {})
        interaction = await world.slash(
            "edit", options, attachments={"image": ("day.png", PICTURE, "image/png")}
        )
        message = await world.wait_for_final(interaction)
        assert job_state(message) == "done"
        job = await world.job_for(message)

        assert (job.kind, job.workflow_name) == ("edit", workflow or "edit")
        assert job.params.instruction == "make it night"  # type: ignore[union-attr]
        _read_from_upload(world, PICTURE, "LoadImage")
        prompts = [n["inputs"].get("prompt", n["inputs"].get("text")) for n in _nodes(world, encoder)]
        assert "make it night" in prompts


@pytest.mark.parametrize(
    ("workflow", "upscaler"),
    [(None, "ImageUpscaleWithModel"), ("upscale-basic", "ImageScaleBy")],
    ids=["upscale-model", "model-free"],
)
async def test_upscale_enlarges_a_linked_result(
    database_url: str, tmp_path: Path, workflow: str | None, upscaler: str
) -> None:
    async with running_world(database_url, tmp_path) as world:
        first = await world.wait_for_final(await world.slash("imagine", {"prompt": "a lighthouse"}))
        options = {"image_link": link_to(first, world.guild), "factor": 4}
        interaction = await world.slash("upscale", options | ({"workflow": workflow} if workflow else {}))
        message = await world.wait_for_final(interaction)
        assert job_state(message) == "done"
        job = await world.job_for(message)
        _, [upscaled] = await world.delivered(job.id)
        _, [source] = await world.delivered((await world.job_for(first)).id)

        assert (job.kind, job.workflow_name) == ("upscale", workflow or "upscale")
        assert job.params.factor == 4  # type: ignore[union-attr]
        _read_from_upload(world, first.attachments[0].data, "LoadImage")
        assert _nodes(world, upscaler)
        assert source.width is not None
        assert source.height is not None
        assert (upscaled.width, upscaled.height) == (4 * source.width, 4 * source.height)


async def test_edit_and_upscale_without_a_picture_open_a_form_to_upload_one(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        edit = await world.wait_acked(await world.slash("edit", {"instruction": "make it night"}))
        upscale = await world.wait_acked(await world.slash("upscale", {}))
        forms = [command.modal or {} for command in (edit, upscale)]
        answer = await world.emu.submit_modal(
            forms[0]["custom_id"],
            {},
            world.alice,
            world.channel,
            files={"picture:file": [("day.png", PICTURE, "image/png")]},
        )
        message = await world.wait_for_final(answer)
        job = await world.job_for(message)

    said = [m.content for m in world.emu.followups(answer) if m.ephemeral]
    assert said == [], "an open form is answered by its own modal alone"
    assert [command.response_type for command in (edit, upscale)] == [9, 9]  # a form, nothing public
    for form in forms:
        [label] = form["components"]
        assert (label["type"], label["component"]["type"], label["component"]["custom_id"]) == (
            18,
            19,
            "picture:file",
        )
    assert forms[0]["custom_id"] != forms[1]["custom_id"]  # each form answers its own command
    assert (job.kind, job.params.instruction) == ("edit", "make it night")  # type: ignore[union-attr]
    _read_from_upload(world, PICTURE, "LoadImage")


async def test_a_picture_form_sent_after_a_restart_is_answered_privately_not_left_to_fail(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        edit = await world.wait_acked(await world.slash("edit", {"instruction": "make it night"}))
        form = edit.modal or {}
        await world.restart_bot()  # discord.py kept the open form in memory only
        answer = await world.emu.submit_modal(
            form["custom_id"],
            {},
            world.alice,
            world.channel,
            files={"picture:file": [("day.png", PICTURE, "image/png")]},
        )
        said = await private_answer(world, answer)

    assert said.content == (
        "This form was opened before I restarted, or more than 15 minutes ago, so I can't use it. "
        "Please run /edit again."
    )
    assert world.fake.uploads == []


async def test_an_upscale_too_large_to_deliver_is_refused_before_it_runs(
    database_url: str, tmp_path: Path
) -> None:
    # A 12-megapixel phone photo ×4 is 195 megapixels: Pillow would take the result for a decompression
    # bomb, and the bot could not fit it to Discord's upload limit. Twice that side (×2) is fine.
    photo = media.png(4000, 3000, 0x3366CC)
    async with running_world(database_url, tmp_path) as world:
        attached = {"image": ("photo.png", photo, "image/png")}
        refused = await world.slash("upscale", {"factor": 4}, attachments=attached)
        answer = await private_answer(world, refused)
        await assert_nothing_stored(world)

    assert answer.content == (
        "×4 of this 4000x3000 picture would be 16000x12000 pixels, more than the 179 megapixels I can "
        "deliver. Try ×2."
    )


async def test_a_song_result_can_be_covered_from_its_link_and_the_take_it_names(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        lyrics = {"lyrics_file": ("words.txt", LYRICS.encode(), "text/plain")}
        first = await world.wait_for_final(await world.slash("song", {"genre": "folk"}, attachments=lyrics))
        link = link_to(first, world.guild)
        unsaid = await world.slash("song", {"genre": "synthpop", "audio_link": link}, attachments=lyrics)
        answer = await private_answer(world, unsaid)
        interaction = await world.slash(
            "song", {"genre": "synthpop", "audio_link": f"{link} #2"}, attachments=lyrics
        )
        message = await world.wait_for_final(interaction)
        assert job_state(message) == "done"

        assert answer.content == "That message has 2 sound files: add which one after the link, like “#2”."
        _read_from_upload(world, first.attachments[1].data, "LoadAudio")
        assert (await world.job_for(message)).parent_id == (await world.job_for(first)).id
