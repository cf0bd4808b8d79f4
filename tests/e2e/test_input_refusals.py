"""Inputs the bot refuses: each gets a private, friendly answer, and nothing is stored or uploaded."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from tests.core.inputs.media_samples import heic
from tests.discord_emulator.models import READ_MESSAGE_HISTORY, VIEW_CHANNEL
from tests.e2e.harness import running_world
from tests.e2e.media_support import (
    BOMB,
    NOT_A_PICTURE,
    NOT_AUDIO,
    PICTURE,
    assert_nothing_stored,
    link_to,
    private_answer,
    resolved_attachment_ids,
)
from tests.fakes.comfyui import FakeConfig

HUNDRED_MB = 100 * 1024 * 1024


@pytest.mark.parametrize(
    ("upload", "expected"),
    [
        (("notes.png", NOT_A_PICTURE, "image/png"), "I couldn't read that file as a picture"),
        (("huge.png", BOMB, "image/png"), "That picture is too big"),
        (("song.wav", b"RIFF" + b"\0" * 2000, "audio/wav"), "I couldn't read that file"),
        # FFmpeg opens one as a video of no length: "That file is a video" would puzzle its sender.
        (("IMG_0001.HEIC", heic(), "image/heic"), "That looks like an HEIC photo, which I can't read."),
    ],
    ids=["not-a-picture", "png-bomb", "broken-wav", "heic-photo"],
)
async def test_a_file_that_is_not_a_usable_picture_is_refused(
    database_url: str, tmp_path: Path, upload: tuple[str, bytes, str], expected: str
) -> None:
    async with running_world(database_url, tmp_path) as world:
        interaction = await world.slash("imagine", {"prompt": "from this"}, attachments={"image": upload})
        answer = await private_answer(world, interaction)

        assert expected in answer.content
        await assert_nothing_stored(world)


async def test_a_100_mb_file_is_refused_before_it_is_downloaded(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        interaction = await world.slash(
            "imagine",
            {"prompt": "from this"},
            attachments={"image": ("big.png", bytes(HUNDRED_MB), "image/png")},
        )
        answer = await private_answer(world, interaction)

        assert "too large (100 MB)" in answer.content
        [attachment_id] = resolved_attachment_ids(interaction)
        assert world.emu.cdn_bytes_sent.get(attachment_id, 0) == 0
        await assert_nothing_stored(world)


async def test_a_song_to_cover_that_is_not_audio_is_refused(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        lyrics = ("lyrics.txt", b"[verse]\nla la la\n", "text/plain")
        interaction = await world.slash(
            "song",
            {"genre": "synthpop"},
            attachments={"lyrics_file": lyrics, "audio": ("song.mp3", NOT_AUDIO, "audio/mpeg")},
        )
        answer = await private_answer(world, interaction)

        assert "I couldn't read that file" in answer.content
        await assert_nothing_stored(world)


async def test_a_picture_where_a_song_is_needed_is_refused(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        lyrics = ("lyrics.txt", b"[verse]\nla la la\n", "text/plain")
        interaction = await world.slash(
            "song", {}, attachments={"lyrics_file": lyrics, "audio": ("cover.png", PICTURE, "image/png")}
        )
        answer = await private_answer(world, interaction)

        assert "That file is a picture, but this needs a sound file." in answer.content
        await assert_nothing_stored(world)


async def test_a_link_to_another_servers_message_is_refused(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        emu = world.emu
        other = emu.add_guild(name="Elsewhere")
        elsewhere = emu.add_channel(other, "gallery")
        emu.add_member(other, world.alice.id, "alice")
        await emu.guild_create(other)
        foreign = await emu.send_message(
            elsewhere, world.alice, emu.mention(emu.bot_user), attachments=[("x.png", PICTURE, "image/png")]
        )
        interaction = await world.slash(
            "imagine", {"prompt": "from there", "image_link": link_to(foreign, other)}
        )
        answer = await private_answer(world, interaction)

        assert "only use a message from this server" in answer.content
        assert emu.cdn_downloads == []
        await assert_nothing_stored(world)


async def test_a_link_into_a_channel_the_member_cannot_see_is_refused_like_a_missing_one(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        emu = world.emu
        hidden = emu.add_channel(world.guild, "mods")
        await emu.guild_create(world.guild)
        await emu.set_channel_permissions(hidden, world.alice, deny=VIEW_CHANNEL)
        secret = await emu.send_message(
            hidden, world.mod, emu.mention(emu.bot_user), attachments=[("x.png", PICTURE, "image/png")]
        )
        invisible = await world.slash(
            "imagine", {"prompt": "peek", "image_link": link_to(secret, world.guild)}
        )
        seen = (await private_answer(world, invisible)).content
        missing_link = f"https://discord.com/channels/{world.guild.id}/{emu.snowflake()}/{secret.id}"
        missing = await world.slash("imagine", {"prompt": "peek", "image_link": missing_link})

        assert seen == (await private_answer(world, missing)).content
        assert "in a channel you can see" in seen
        assert emu.cdn_downloads == []
        await assert_nothing_stored(world)


@pytest.mark.parametrize(
    ("options", "with_picture", "expected"),
    [
        ({"strength": 1.5}, True, "Please fix strength: must be at most 1.0"),
        ({"strength": -0.1}, True, "Please fix strength: must be at least 0.0"),
        ({"strength": 0.5}, False, "Strength says how far to move away from a picture"),
        ({"image_link": "https://example.com/cat.png"}, False, "That isn't a message link"),
        (
            {
                "image_link": "https://cdn.discordapp.com/attachments/1234567890123456789/1234567890123456780/c.png"
            },
            False,
            "That's a link to the file itself; I need the link to its message",
        ),
    ],
    ids=[
        "strength-over-1",
        "strength-under-0",
        "strength-without-picture",
        "not-a-message-link",
        "a-file-link",
    ],
)
async def test_a_request_with_a_wrong_option_is_refused(
    database_url: str, tmp_path: Path, options: dict[str, object], with_picture: bool, expected: str
) -> None:
    async with running_world(database_url, tmp_path) as world:
        files = {"image": ("cat.png", PICTURE, "image/png")} if with_picture else {}
        interaction = await world.slash("imagine", {"prompt": "a cat", **options}, attachments=files)
        answer = await private_answer(world, interaction)

        assert expected in answer.content
        await assert_nothing_stored(world)


async def test_a_picture_given_twice_is_refused(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        first = await world.wait_for_final(await world.slash("imagine", {"prompt": "a lighthouse"}))
        uploads_before = list(world.fake.uploads)
        interaction = await world.slash(
            "imagine",
            {"prompt": "again", "image_link": link_to(first, world.guild)},
            attachments={"image": ("cat.png", PICTURE, "image/png")},
        )
        answer = await private_answer(world, interaction)

        assert (
            "either attach it (`image`) or link a message with it (`image_link`), not both" in answer.content
        )
        assert world.fake.uploads == uploads_before


async def test_a_link_the_bot_cannot_follow_says_why(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        emu = world.emu
        posted = await emu.send_message(
            world.channel, world.bob, emu.mention(emu.bot_user), attachments=[("x.png", PICTURE, "image/png")]
        )
        gone = f"https://discord.com/channels/{world.guild.id}/{world.channel.id}/{emu.snowflake()}"
        missing = await private_answer(
            world, await world.slash("imagine", {"prompt": "x", "image_link": gone})
        )
        await emu.set_channel_permissions(
            world.channel, emu.bot_member(world.guild), deny=READ_MESSAGE_HISTORY
        )
        link = link_to(posted, world.guild)
        unreadable = await private_answer(
            world, await world.slash("imagine", {"prompt": "x", "image_link": link})
        )

        assert missing.content == "That message no longer exists."
        assert unreadable.content.startswith("I'm not allowed to read that channel")
        assert emu.cdn_downloads == []
        await assert_nothing_stored(world)


async def test_a_song_strength_without_a_song_is_refused_before_the_lyrics_form(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        interaction = await world.slash("song", {"genre": "synthpop", "strength": 0.4})
        answer = await private_answer(world, interaction)

        assert interaction.response_type == 4, "a private answer, no form to type into"
        assert "Strength says how far to move away from a song" in answer.content
        await assert_nothing_stored(world)


def _decoded_without_a_vae(folder: Path) -> Path:
    """An image workflow whose latent becomes pixels through a custom decoder taking no VAE (a TAESD-like
    preview decoder): the bot has no VAE to encode a picture with, so the workflow takes none."""
    graph = json.loads(resources.files("core.kinds.templates").joinpath("txt2img.json").read_text())
    [decoder] = [node for node in graph.values() if node["class_type"] == "VAEDecode"]
    decoder["class_type"] = "PreviewLatentDecode"
    del decoder["inputs"]["vae"]
    folder.mkdir()
    (folder / "sketch.json").write_text(json.dumps(graph))
    return folder


async def test_a_picture_for_a_workflow_that_takes_none_is_refused(database_url: str, tmp_path: Path) -> None:
    custom = FakeConfig(step_time_s=0.01, default_steps=6, extra_node_classes={"PreviewLatentDecode"})
    folder = _decoded_without_a_vae(tmp_path / "workflows")
    async with running_world(database_url, tmp_path, fake_config=custom, workflows_dir=folder) as world:
        interaction = await world.slash(
            "imagine",
            {"prompt": "from this", "workflow": "sketch"},
            attachments={"image": ("cat.png", PICTURE, "image/png")},
        )
        answer = await private_answer(world, interaction)

        assert answer.content == "The workflow 'sketch' doesn't take an image."
        await assert_nothing_stored(world)
        # The backend can run the workflow: it was the picture that was refused.
        assert world.runtime.dispatcher.capabilities.backends_for("sketch") == {world.fake.url}
