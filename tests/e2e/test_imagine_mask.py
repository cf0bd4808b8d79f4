"""/imagine mask: with an inpainting workflow: the picture and its mask each reach their own loader."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.harness import job_state, running_world
from tests.e2e.media_support import (
    PICTURE,
    assert_nothing_stored,
    inpainting_workflow,
    posted_graph,
    private_answer,
    sha256,
)
from tests.fakes.comfyui import FakeConfig, media

MASK = media.png(64, 48, 0xFFFFFF)
# SetLatentNoiseMask is a core ComfyUI node the fake does not model: a stand-in passing its latent on.
INPAINTING = FakeConfig(step_time_s=0.01, default_steps=6, extra_node_classes={"SetLatentNoiseMask"})


async def test_an_inpainting_workflow_reads_the_picture_and_the_mask_each_from_its_upload(
    database_url: str, tmp_path: Path
) -> None:
    folder = inpainting_workflow(tmp_path / "workflows")
    async with running_world(database_url, tmp_path, fake_config=INPAINTING, workflows_dir=folder) as world:
        interaction = await world.slash(
            "imagine",
            {"prompt": "a red hat", "workflow": "inpaint"},
            attachments={"image": ("cat.png", PICTURE, "image/png"), "mask": ("hat.png", MASK, "image/png")},
        )
        assert job_state(await world.wait_for_final(interaction)) == "done"
        graph = posted_graph(world)
        uploaded = {upload.sha256: f"{upload.subfolder}/{upload.name}" for upload in world.fake.uploads}

    assert set(uploaded) == {sha256(PICTURE), sha256(MASK)}
    assert graph["20"]["inputs"]["image"] == uploaded[sha256(PICTURE)]
    assert graph["21"]["inputs"]["image"] == uploaded[sha256(MASK)]


async def test_a_missing_mask_and_a_mask_nowhere_to_go_are_refused_and_store_nothing(
    database_url: str, tmp_path: Path
) -> None:
    folder = inpainting_workflow(tmp_path / "workflows")
    async with running_world(database_url, tmp_path, fake_config=INPAINTING, workflows_dir=folder) as world:
        without = await world.slash(
            "imagine",
            {"prompt": "a red hat", "workflow": "inpaint"},
            attachments={"image": ("cat.png", PICTURE, "image/png")},
        )
        missing = await private_answer(world, without)
        unused = await world.slash(
            "imagine",
            {"prompt": "a red hat"},
            attachments={"image": ("cat.png", PICTURE, "image/png"), "mask": ("hat.png", MASK, "image/png")},
        )
        nowhere = await private_answer(world, unused)
        not_a_picture = await world.slash(
            "imagine",
            {"prompt": "a red hat", "workflow": "inpaint"},
            attachments={
                "image": ("cat.png", PICTURE, "image/png"),
                "mask": ("hat.png", b"no" * 99, "image/png"),
            },
        )
        unreadable = await private_answer(world, not_a_picture)
        await assert_nothing_stored(world)

    assert missing.content == "The workflow 'inpaint' needs a mask image to work from; please add it."
    assert nowhere.content.startswith("The workflow 'txt2img' doesn't take a mask image.")
    assert "I couldn't read that file as a picture" in unreadable.content


async def test_vary_of_an_inpainted_result_redraws_it_through_the_same_mask(
    database_url: str, tmp_path: Path
) -> None:
    folder = inpainting_workflow(tmp_path / "workflows")
    async with running_world(database_url, tmp_path, fake_config=INPAINTING, workflows_dir=folder) as world:
        attached = {"image": ("cat.png", PICTURE, "image/png"), "mask": ("hat.png", MASK, "image/png")}
        result = await world.wait_for_final(
            await world.slash("imagine", {"prompt": "a red hat", "workflow": "inpaint"}, attachments=attached)
        )
        original, [made] = await world.delivered((await world.job_for(result)).id)
        varied = await world.wait_for_final(
            await world.emu.click_button(result, f"res:subtle:{original.id}:0", world.alice)
        )
        graph = posted_graph(world)
        uploaded = {upload.sha256: f"{upload.subfolder}/{upload.name}" for upload in world.fake.uploads}
        job = await world.job_for(varied)

    assert job_state(varied) == "done"
    assert (job.workflow_name, job.params.strength) == ("inpaint", 0.35)  # type: ignore[attr-defined]
    assert graph["20"]["inputs"]["image"] == uploaded[made.sha256], "the result, redrawn"
    mask = uploaded[sha256(MASK)]  # uploaded again, for the new job
    assert graph["21"]["inputs"]["image"] == mask, "through the mask it was made with"
    assert mask.startswith(f"bot-job-{job.id}/")
