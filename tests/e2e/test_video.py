"""/video through the Discord emulator: an MP4 Discord plays inline with a poster frame, from a prompt or a
picture; an oversize video re-encoded (and the message says so); a video job through a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.kinds.workflows import first_frame
from tests.discord_emulator.layout import files, footers, gallery_items, labelled, texts, thumbnails
from tests.discord_emulator.models import Message
from tests.e2e.harness import is_final, job_state, running_world
from tests.e2e.media_support import PICTURE, loader_files, posted_graph
from tests.fakes.comfyui import FakeConfig, media

SLOW = FakeConfig(step_time_s=0.05, default_steps=40)


def footer(message: Message) -> str:
    return footers(message)[-1]


def the_video(message: Message) -> tuple[str, str]:
    (video,) = [a for a in message.attachments if a.filename.endswith(".mp4")]
    return video.filename, str(video.content_type)


async def test_a_video_from_a_prompt_arrives_as_an_mp4_with_its_poster_above_it(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        interaction = await world.slash("video", {"prompt": "a fox running in snow", "seconds": 2})
        message = await world.wait_for_final(interaction)
        job = await world.job_for(message)
        _, artifacts = await world.delivered(job.id)

    assert job.kind == "video"
    assert job.params.seconds == 2
    assert posted_graph(world)["55"]["inputs"]["length"] == 49, "2 s at 24 fps, as 4k+1 frames"
    assert job_state(message) == "done"
    assert the_video(message)[1] == "video/mp4", "declared as video, so Discord offers its player"
    by_name = {a.filename: a for a in message.attachments}
    video_url = by_name[the_video(message)[0]].url
    assert [i["media"]["url"] for i in gallery_items(message)] == [by_name["poster.jpg"].url], "its frame"
    assert [f["file"]["url"] for f in files(message)] == [video_url], "then the video, playable"
    assert texts(message)[0].startswith("### Your video is ready")
    (artifact,) = artifacts
    assert artifact.mime_type == "video/mp4"
    assert artifact.attachment_url is not None
    assert artifact.attachment_url.endswith(".mp4")


async def test_a_photo_becomes_the_first_frame_at_its_shape_on_the_video_grid(
    database_url: str, tmp_path: Path
) -> None:
    photo = media.jpeg(1000, 750, 0x3366CC)
    async with running_world(database_url, tmp_path) as world:
        interaction = await world.slash(
            "video", {"prompt": "the cat wakes up"}, attachments={"image": ("cat.jpg", photo, "image/jpeg")}
        )
        message = await world.wait_for_final(interaction)
        job = await world.job_for(message)
        _, [video] = await world.delivered(job.id)
        graph = posted_graph(world)

    assert job_state(message) == "done"
    assert job.seed_document is not None
    assert job.seed_document["inputs"] == ["image"]
    (uploaded,) = loader_files(graph, "LoadImage")
    (upload,) = world.fake.uploads
    assert uploaded == f"{upload.subfolder}/{upload.name}"
    latent = graph["55"]["inputs"]
    assert (latent["width"], latent["height"]) == (1088, 832), "4:3 at Wan 2.2 5B's 1280x704, 32 px steps"
    scaler, loader = first_frame(graph, "55")
    assert loader["inputs"]["image"] == uploaded
    assert scaler["inputs"] == {
        "image": scaler["inputs"]["image"], "upscale_method": "lanczos", "width": 1088, "height": 832,
        "crop": "center",
    }, "the photo itself brought cleanly to that size"  # fmt: skip
    assert "**Aspect ratio:** 4:3" in texts(message)[0]
    assert f"**Size:** {video.width}×{video.height}" in texts(message)[0], "the size of the video made"


async def test_the_wan_14b_image_to_video_workflow_takes_the_picture_and_every_option(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        interaction = await world.slash(
            "video",
            {
                "prompt": "the boat drifts",
                "workflow": "video_i2v",
                "seconds": 2,
                "quality": "draft",
                "aspect_ratio": "16:9",
                "seed": 4242,
            },
            attachments={"image": ("boat.png", PICTURE, "image/png")},
        )
        message = await world.wait_for_final(interaction)
        job = await world.job_for(message)
        graph = posted_graph(world)

    assert job_state(message) == "done"
    assert (job.kind, job.workflow_name) == ("video", "video_i2v")
    (upload,) = world.fake.uploads
    assert graph["62"]["inputs"]["image"] == f"{upload.subfolder}/{upload.name}", "its own LoadImage"
    latent = graph["50"]["inputs"]
    assert latent["length"] == 33, "2 s at the template's 16 fps, as 4k+1 frames"
    assert (latent["width"], latent["height"]) == (864, 480), "16:9 keeping the template's 640x640 area"
    assert graph["57"]["inputs"]["noise_seed"] == 4242, "the sampler that adds the noise"
    high, low = graph["57"]["inputs"], graph["58"]["inputs"]
    assert (high["steps"], high["end_at_step"], low["start_at_step"]) == (10, 5, 5), (
        "draft: both stages halved"
    )
    assert the_video(message)[1] == "video/mp4"


async def test_an_oversize_video_is_reencoded_at_a_lower_bitrate_and_the_message_says_so(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        # The fake's videos weigh about 16 KB, their posters 7 KB; the request's envelope counts 16 KB.
        world.emu.upload_limit = 34 * 1024
        interaction = await world.slash("video", {"prompt": "rain on a window"})
        message = await world.wait_for_final(interaction, timeout=30)
        job = await world.job_for(message)
        _, (artifact,) = await world.delivered(job.id)

    assert job_state(message) == "done"
    assert "video re-encoded at a lower bitrate to fit Discord's" in footer(message)
    assert sum(a.size for a in message.attachments) <= 34 * 1024
    assert artifact.size_bytes > 34 * 1024 - 16 * 1024 - 8 * 1024, "the stored file keeps its quality"
    assert the_video(message)[1] == "video/mp4"


def progress_shown(message: Message) -> list[tuple[int, str]]:
    """(percent, words) of every revision's progress line: "▰▰▱… 52% · sampling, step 3/10"."""
    shown = []
    for revision in message.revisions:
        line = labelled(revision).get("Progress")
        if line is not None:
            bar, _, words = line.partition("% · ")
            shown.append((int(bar.split(" ")[-1]), words))
    return shown


async def test_a_running_video_shows_its_whole_graph_progress_and_previews(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path, fake_config=SLOW) as world:
        interaction = await world.slash("video", {"prompt": "clouds over a ridge", "quality": "draft"})
        message = await world.wait_for_final(interaction, timeout=60)

    shown = progress_shown(message)
    assert shown, "the running message shows a progress line"
    percents = [percent for percent, _ in shown]
    assert percents == sorted(percents), "the bar never goes back"
    assert any(words.startswith("sampling, step ") for _, words in shown)
    assert any(thumbnails(revision) for revision in message.revisions), (
        "a sampling preview showed while it ran"
    )


@pytest.mark.timeout(120)
async def test_a_video_job_killed_with_its_comfyui_is_resubmitted_and_delivered(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path, fake_config=SLOW) as world:
        interaction = await world.slash("video", {"prompt": "waves at night"})
        await world.wait_acked(interaction)
        message = world.emu.original_response(interaction)
        await world.emu.wait_for(lambda: job_state(message) == "running")
        await world.fake.kill()
        await world.fake.restart()
        await world.wait_for_message_final(message, timeout=60)
        job = await world.job_for(message)

    assert job_state(message) == "done"
    assert is_final(message)
    assert job.kind == "video"
    assert the_video(message)[1] == "video/mp4"


@pytest.mark.timeout(120)
async def test_a_video_job_survives_a_restart_of_the_bot(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path, fake_config=SLOW) as world:
        interaction = await world.slash("video", {"prompt": "a lighthouse in fog"})
        await world.wait_acked(interaction)
        message = world.emu.original_response(interaction)
        await world.emu.wait_for(lambda: job_state(message) == "running")
        await world.restart_bot()
        await world.wait_for_message_final(message, timeout=60)

    assert job_state(message) == "done"
    assert the_video(message)[1] == "video/mp4"
