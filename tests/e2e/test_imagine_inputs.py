"""/imagine with a picture to start from: attached, or linked from a message the member can see."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from tests.core.inputs.media_samples import avif
from tests.discord_emulator.models import VIEW_CHANNEL
from tests.e2e.harness import World, job_state, running_world
from tests.e2e.media_support import (
    PICTURE,
    assert_nothing_stored,
    link_to,
    loader_files,
    own_image_to_image,
    posted_graph,
    private_answer,
    sha256,
)
from tests.fakes.comfyui import FakeConfig, media


def _denoise(graph: dict[str, object]) -> list[float]:
    return [
        float(node["inputs"]["denoise"])  # type: ignore[index]
        for node in graph.values()
        if isinstance(node, dict) and node.get("class_type") == "KSampler"
    ]


async def _uploaded_and_read(world: World, data: bytes) -> None:
    """The picture reached ComfyUI, and the prompt's LoadImage reads exactly that upload."""
    [upload] = world.fake.uploads
    assert upload.sha256 == sha256(data)
    reads = loader_files(posted_graph(world), "LoadImage")
    assert reads == [f"{upload.subfolder}/{upload.name}" if upload.subfolder else upload.name]


async def test_an_attached_picture_is_uploaded_and_the_image_is_made_from_it_at_the_strength_asked(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        interaction = await world.slash(
            "imagine",
            {"prompt": "the same cat, as a watercolour", "strength": 0.35},
            attachments={"image": ("cat.png", PICTURE, "image/png")},
        )
        message = await world.wait_for_final(interaction)
        assert job_state(message) == "done"
        job, artifacts = await world.delivered((await world.job_for(message)).id)

        assert artifacts
        assert job.params.strength == 0.35  # type: ignore[union-attr]
        await _uploaded_and_read(world, PICTURE)
        assert _denoise(posted_graph(world)) == [0.35]


async def test_a_link_to_an_earlier_result_starts_from_that_result(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        first = await world.wait_for_final(await world.slash("imagine", {"prompt": "a lighthouse"}))
        result_file = first.attachments[0].data
        interaction = await world.slash(
            "imagine",
            {
                "prompt": "the lighthouse at night",
                "image_link": link_to(first, world.guild, "ptb.discord.com"),
            },
        )
        made = await world.wait_for_final(interaction)
        assert job_state(made) == "done"

        await _uploaded_and_read(world, result_file)
        assert (await world.job_for(made)).parent_id == (await world.job_for(first)).id


async def test_the_picture_on_a_members_message_is_used_when_it_mentions_the_bot(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        emu = world.emu
        shared = await emu.send_message(
            world.channel,
            world.bob,
            f"{emu.mention(emu.bot_user)} my sketch",
            attachments=[("notes.txt", b"colours: blue", "text/plain"), ("s.png", PICTURE, "image/png")],
        )
        unmentioned = await emu.send_message(
            world.channel, world.bob, "another sketch", attachments=[("t.png", PICTURE, "image/png")]
        )
        interaction = await world.slash(
            "imagine", {"prompt": "finish it", "image_link": link_to(shared, world.guild)}
        )
        assert job_state(await world.wait_for_final(interaction)) == "done"
        await _uploaded_and_read(world, PICTURE)

        # Without the Message Content intent Discord shows the bot no file on other members' messages.
        hidden = await world.slash(
            "imagine", {"prompt": "finish it", "image_link": link_to(unmentioned, world.guild)}
        )
        answer = await private_answer(world, hidden)
        assert "I see no file on that message" in answer.content


async def test_a_link_into_a_staff_channel_works_for_staff_only(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        emu = world.emu
        staff = emu.add_role(world.guild, "staff")
        world.mod.roles.append(staff.id)
        backroom = emu.add_channel(world.guild, "backroom")
        await emu.guild_create(world.guild)
        await emu.set_channel_permissions(backroom, world.guild.everyone, deny=VIEW_CHANNEL)
        await emu.set_channel_permissions(backroom, staff, allow=VIEW_CHANNEL)
        await emu.set_channel_permissions(backroom, emu.bot_member(world.guild), allow=VIEW_CHANNEL)
        posted = await world.wait_for_final(
            await world.slash("imagine", {"prompt": "a secret plan"}, member=world.mod, channel=backroom)
        )

        used = await world.slash(
            "imagine",
            {"prompt": "the plan, redrawn", "image_link": link_to(posted, world.guild)},
            member=world.mod,
        )
        assert job_state(await world.wait_for_final(used)) == "done"
        refused = await world.slash("imagine", {"prompt": "peek", "image_link": link_to(posted, world.guild)})
        answer = await private_answer(world, refused)

        assert "in a channel you can see" in answer.content
        assert len(world.fake.uploads) == 1  # the staff member's request only


async def test_a_workflow_with_its_own_loader_needs_the_picture_and_reads_the_upload(
    database_url: str, tmp_path: Path
) -> None:
    folder = own_image_to_image(tmp_path / "workflows", "redraw")
    async with running_world(database_url, tmp_path, workflows_dir=folder) as world:
        refused = await world.slash("imagine", {"prompt": "redrawn", "workflow": "redraw"})
        answer = await private_answer(world, refused)
        await assert_nothing_stored(world)

        made = await world.slash(
            "imagine",
            {"prompt": "redrawn", "workflow": "redraw"},
            attachments={"image": ("cat.png", PICTURE, "image/png")},
        )
        assert job_state(await world.wait_for_final(made)) == "done"
        await _uploaded_and_read(world, PICTURE)
        graph = posted_graph(world)

    assert answer.content == "The workflow 'redraw' needs an image to work from; please add it."
    assert graph["20"]["class_type"] == "LoadImage"  # its own loader, not one the bot added
    assert _denoise(graph) == [0.75]  # the workflow's own strength when none is asked


@pytest.mark.timeout(120)
async def test_a_comfyui_restart_with_an_emptied_input_folder_gets_the_picture_again(
    database_url: str, tmp_path: Path
) -> None:
    slow = FakeConfig(step_time_s=0.05, default_steps=40)
    async with running_world(database_url, tmp_path, fake_config=slow) as world:
        interaction = await world.slash(
            "imagine", {"prompt": "the cat, in ink"}, attachments={"image": ("cat.png", PICTURE, "image/png")}
        )
        await world.wait_acked(interaction)
        message = world.emu.original_response(interaction)
        await world.emu.wait_for(lambda: job_state(message) == "running")
        await world.fake.kill()
        world.fake.uploads[0].path.unlink()  # a new container: ComfyUI's input folder starts empty
        await world.fake.restart()
        assert job_state(await world.wait_for_message_final(message, timeout=30)) == "done"

        first, again = world.fake.uploads
        assert (again.subfolder, again.name, again.sha256) == (first.subfolder, first.name, sha256(PICTURE))
        assert again.path.read_bytes() == PICTURE
        resubmitted = loader_files(posted_graph(world), "LoadImage")
        assert resubmitted == loader_files(posted_graph(world, 0), "LoadImage")


async def test_a_picture_keeps_its_shape_unless_the_request_names_one_and_a_preferred_shape_gives_way(
    database_url: str, tmp_path: Path
) -> None:
    portrait = media.png(48, 72, 0x3366CC)  # 2:3
    attached = {"image": ("portrait.png", portrait, "image/png")}
    async with running_world(database_url, tmp_path) as world:
        await world.emu.send_slash_command(
            world.guild, world.channel, world.alice, "preferences", {"aspect_ratio": "16:9"}, subcommand="set"
        )
        own = await world.wait_for_final(
            await world.slash("imagine", {"prompt": "a heron"}, attachments=attached)
        )
        flagged = await world.wait_for_final(
            await world.slash("imagine", {"prompt": "a heron --ar 1:1"}, attachments=attached)
        )
        plain = await world.wait_for_final(await world.slash("imagine", {"prompt": "a heron"}))

        shapes = [(await world.job_for(m)).params.aspect_ratio for m in (own, flagged, plain)]  # type: ignore[attr-defined]
        _, [made] = await world.delivered((await world.job_for(own)).id)

    assert shapes == ["2:3", "1:1", "16:9"], "the picture's, the flag's, then the preferred shape"
    assert (made.width, made.height) == (448, 640), "the workflow's 512x512 pixels in the picture's 2:3"


async def test_zoom_flag_draws_around_the_whole_picture_in_its_own_shape(
    database_url: str, tmp_path: Path
) -> None:
    photo = media.png(96, 72, 0x3366CC)  # 4:3
    async with running_world(database_url, tmp_path) as world:
        made = await world.wait_for_final(
            await world.slash(
                "imagine",
                {"prompt": "a harbour at dusk --zoom 2"},
                attachments={"image": ("harbour.png", photo, "image/png")},
            )
        )
        assert job_state(made) == "done"
        job, [zoomed] = await world.delivered((await world.job_for(made)).id)

    graph = posted_graph(world)
    [pad] = [node for node in graph.values() if node["class_type"] == "ImagePadForOutpaint"]
    [scale] = [node for node in graph.values() if node["class_type"] == "ImageScale"]
    assert (job.params.zoom, job.params.aspect_ratio) == (2.0, "4:3")  # type: ignore[attr-defined]
    assert (zoomed.width, zoomed.height) == (576, 448)  # the canvas: 4:3 at the workflow's pixels
    # The picture whole (4:3 too, to the 8-pixel grid) in the middle, half the canvas's size.
    assert (scale["inputs"]["width"], scale["inputs"]["height"]) == (288, 224)
    assert pad["inputs"]["left"] == pad["inputs"]["right"] == 144


async def test_zoom_or_pan_without_a_picture_or_with_a_strength_is_refused_privately(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        alone = await private_answer(world, await world.slash("imagine", {"prompt": "a harbour --pan left"}))
        with_strength = await private_answer(
            world,
            await world.slash(
                "imagine",
                {"prompt": "a harbour --zoom 1.5", "strength": 0.4},
                attachments={"image": ("harbour.png", PICTURE, "image/png")},
            ),
        )
        await assert_nothing_stored(world)

    assert "Zoom out and pan start from a picture" in alone.content
    assert "drawn from nothing" in with_strength.content


def _animated_gif(*colors: int) -> bytes:
    frames = [Image.new("RGB", (48, 32), media.rgb(color)) for color in colors]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return out.getvalue()


async def test_an_animated_gif_is_drawn_from_its_first_frame_alone(database_url: str, tmp_path: Path) -> None:
    # ComfyUI's LoadImage makes a batch of every frame: each would be drawn, a picture per frame.
    gif = _animated_gif(0xCC3333, 0x33CC33, 0x3333CC, 0xCCCC33)
    async with running_world(database_url, tmp_path) as world:
        attached = {"image": ("dance.gif", gif, "image/gif")}
        interaction = await world.slash("imagine", {"prompt": "the dancer, in oils"}, attachments=attached)
        message = await world.wait_for_final(interaction)
        _, made = await world.delivered((await world.job_for(message)).id)
        [upload] = world.fake.uploads
        with Image.open(upload.path) as uploaded:
            first = uploaded.convert("RGB").getpixel((0, 0))
            sent = (uploaded.format, getattr(uploaded, "n_frames", 1), first)

    assert job_state(message) == "done"
    assert len(made) == 1, "one picture, as asked"
    assert sent == ("PNG", 1, media.rgb(0xCC3333)), "the first frame, as a still picture"


async def test_an_avif_photo_is_used_and_given_to_comfyui_as_a_png(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        attached = {"image": ("photo.avif", avif(48, 72), "image/avif")}
        message = await world.wait_for_final(
            await world.slash("imagine", {"prompt": "the photo, as a watercolour"}, attachments=attached)
        )
        job = await world.job_for(message)
        [upload] = world.fake.uploads
        with Image.open(upload.path) as uploaded:
            sent = (uploaded.format, uploaded.size)

    assert job_state(message) == "done"
    assert sent == ("PNG", (48, 72))
    assert job.params.aspect_ratio == "2:3"  # type: ignore[attr-defined]


async def test_a_link_to_a_result_of_several_images_says_which_one_with_its_number(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        four = await world.wait_for_final(await world.slash("imagine", {"prompt": "boats", "count": 4}))
        link = link_to(four, world.guild)
        unsaid = await world.slash("imagine", {"prompt": "at night", "image_link": link})
        answer = await private_answer(world, unsaid)
        too_far = await world.slash("imagine", {"prompt": "at night", "image_link": f"{link} #5"})
        beyond = await private_answer(world, too_far)
        made = await world.wait_for_final(
            await world.slash("imagine", {"prompt": "at night", "image_link": f"{link} #3"})
        )

        assert job_state(made) == "done"
        await _uploaded_and_read(world, four.attachments[2].data)

    assert answer.content == ("That message has 4 pictures: add which one after the link, like “#2”.")
    assert beyond.content == "That message has 4 pictures; there is no #5."
