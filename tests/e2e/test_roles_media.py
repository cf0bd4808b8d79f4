"""Media in a gateway and worker pair: what a member gives with a request is stored by the gateway in the
shared DATA_DIR and read by the worker that posts the job; a video and a song come back from the worker as
the one-process bot delivers them."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from tests.discord_emulator.layout import files, footers, gallery_items, texts
from tests.e2e.harness import FAST_REPORTING, job_state, running_world
from tests.e2e.media_support import PICTURE, loader_files, posted_graph, sha256
from tests.e2e.result_support import assert_started_from, made_from_click
from tests.e2e.roles_support import worker_running
from tests.e2e.test_song import LYRICS
from tests.e2e.test_video import the_video
from tests.fakes.comfyui import media


async def test_a_picture_given_at_the_gateway_is_the_one_the_worker_gives_comfyui(
    postgres_url: str, tmp_path: Path
) -> None:
    async with (
        running_world(postgres_url, tmp_path, role="gateway") as world,
        worker_running(world, "worker-1"),
    ):
        interaction = await world.slash(
            "imagine",
            {"prompt": "the same cat, as a watercolour", "strength": 0.35},
            attachments={"image": ("cat.png", PICTURE, "image/png")},
        )
        message = await world.wait_for_final(interaction)
        [upload] = world.fake.uploads

    assert job_state(message) == "done"
    assert message.attachments
    assert upload.sha256 == sha256(PICTURE), "the worker uploaded the very file the gateway stored"
    reads = loader_files(posted_graph(world), "LoadImage")
    assert reads == [f"{upload.subfolder}/{upload.name}" if upload.subfolder else upload.name]


async def test_a_video_from_a_photo_comes_from_the_worker_with_its_poster_above_it(
    postgres_url: str, tmp_path: Path
) -> None:
    photo = media.jpeg(1000, 750, 0x3366CC)
    async with (
        running_world(postgres_url, tmp_path, role="gateway") as world,
        worker_running(world, "worker-1"),
    ):
        interaction = await world.slash(
            "video", {"prompt": "the cat wakes up"}, attachments={"image": ("cat.jpg", photo, "image/jpeg")}
        )
        message = await world.wait_for_final(interaction)
        [upload] = world.fake.uploads

    assert job_state(message) == "done"
    assert upload.sha256 == sha256(photo)
    assert the_video(message)[1] == "video/mp4"
    by_name = {a.filename: a for a in message.attachments}
    assert [i["media"]["url"] for i in gallery_items(message)] == [by_name["poster.jpg"].url]
    assert [f["file"]["url"] for f in files(message)] == [by_name[the_video(message)[0]].url]
    assert texts(message)[0].startswith("### Your video is ready")


async def test_a_song_from_a_lyrics_file_comes_from_the_worker_in_two_takes(
    postgres_url: str, tmp_path: Path
) -> None:
    document = {"title": "Lanterns", "genre": "folk", "lyrics": LYRICS}
    async with (
        running_world(postgres_url, tmp_path, role="gateway") as world,
        worker_running(world, "worker-1"),
    ):
        interaction = await world.slash(
            "song",
            {"mood": "warm"},
            attachments={"lyrics_file": ("lanterns.json", json.dumps(document).encode(), "application/json")},
        )
        message = await world.wait_for_final(interaction)
        job = await world.job_for(message)

    assert job_state(message) == "done"
    assert (job.kind, job.params.title) == ("song", "Lanterns")
    assert len(message.attachments) == 2


async def test_a_worker_uploads_as_much_as_the_interaction_allowed_not_discords_default(
    postgres_url: str, tmp_path: Path
) -> None:
    """A boosted server takes larger files than Discord's default (the interaction says how large: its
    attachment_size_limit): a video that fits is posted whole by the worker too, never re-encoded to the
    default. Scaled down: the default here is 34 KB and the server's limit 1 MB."""
    reporting = replace(FAST_REPORTING, default_upload_limit=34 * 1024)
    async with (
        running_world(postgres_url, tmp_path, role="gateway", reporting=reporting) as world,
        worker_running(world, "worker-1") as worker,
    ):
        world.emu.upload_limit = 1024 * 1024
        message = await world.wait_for_final(await world.slash("video", {"prompt": "rain on a window"}), 30)
        job = await world.job_for(message)
        # Saved before the result was shown (its size is the file's as made).
        _, (artifact,) = await worker.runtime.service.get_with_artifacts(job.id, guild_id=world.guild.id)

    assert job_state(message) == "done"
    assert not [line for line in footers(message) if "re-encoded" in line]
    video = next(a for a in message.attachments if a.filename.endswith(".mp4"))
    assert video.size == artifact.size_bytes > 34 * 1024 - 16 * 1024 - 8 * 1024, "posted as made"


async def test_upscale_and_animate_at_the_gateway_start_from_the_file_a_worker_made(
    postgres_url: str, tmp_path: Path
) -> None:
    """The gateway reads the worker's result from the shared DATA_DIR to make the new job's input."""
    async with (
        running_world(postgres_url, tmp_path, role="gateway") as world,
        worker_running(world, "worker-1"),
    ):
        result = await world.wait_for_final(await world.slash("imagine", {"prompt": "a paper boat"}))
        original, artifacts = await world.runtime.service.get_with_artifacts(
            (await world.job_for(result)).id, guild_id=world.guild.id
        )
        upscale_click = await world.emu.click_button(result, f"res:upscale:{original.id}:0", world.alice)
        upscaled, upscale = await made_from_click(world, upscale_click)
        await assert_started_from(world, upscale, original, artifacts[0])
        animate_click = await world.emu.click_button(result, f"res:animate:{original.id}:0", world.alice)
        animated, video = await made_from_click(world, animate_click)
        await assert_started_from(world, video, original, artifacts[0])

    assert (upscale.kind, job_state(upscaled)) == ("upscale", "done")
    assert (video.kind, job_state(animated)) == ("video", "done")
    assert the_video(animated)[1] == "video/mp4"
