"""What the media-input end-to-end tests share: sample files, message links, and how a refusal looks."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Any

from tests.core.inputs.media_samples import png_bomb
from tests.core.kinds.workflows import own_image_to_image_graph
from tests.discord_emulator import Guild, Interaction, Message
from tests.e2e.harness import World
from tests.fakes.comfyui import media

PICTURE = media.png(64, 48, 0x3366CC)
SONG = media.wav(1.0, 2)
NOT_A_PICTURE = b"just some words in a file named like a picture\n" * 20
NOT_AUDIO = b"ID3 not really an mp3 " * 40
BOMB = png_bomb(30000, 30000)

__all__ = ["BOMB", "NOT_AUDIO", "NOT_A_PICTURE", "PICTURE", "SONG"]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def link_to(message: Message, guild: Guild, host: str = "discord.com") -> str:
    return f"https://{host}/channels/{guild.id}/{message.channel_id}/{message.id}"


async def private_answer(world: World, interaction: Interaction, timeout: float = 15.0) -> Message:  # noqa: ASYNC109
    """The one private message a refused request ends with: the first answer (type 4, ephemeral), or a
    followup after a "thinking…" that is gone by then. Nothing public is left of the request."""
    emu = world.emu
    await world.wait_acked(interaction, timeout)
    if interaction.response_type == 4:
        answer = emu.original_response(interaction)
    else:
        await emu.wait_for(lambda: interaction.followup_message_ids, timeout)
        assert emu.original_response(interaction).deleted
        [answer] = emu.followups(interaction)
    assert answer.ephemeral
    assert "Traceback" not in answer.content
    assert "Something went wrong on my side" not in answer.content
    return answer


async def assert_nothing_stored(world: World) -> None:
    """A refused request leaves no job, no upload to ComfyUI and no input file."""
    assert (await world.runtime.browser.history(world.guild.id)).jobs == ()
    assert world.fake.uploads == []
    inputs = world.data_dir / "inputs"
    assert not inputs.exists() or not any(path.is_file() for path in inputs.rglob("*"))


def posted_graph(world: World, index: int = -1) -> dict[str, Any]:
    graph: dict[str, Any] = world.fake.prompts_received[index]["prompt"]
    return graph


def loader_files(graph: dict[str, Any], class_type: str) -> list[str]:
    """What each loader of ``class_type`` reads ("LoadImage": its ``image``, "LoadAudio": its ``audio``)."""
    key = {"LoadImage": "image", "LoadAudio": "audio"}[class_type]
    return [str(n["inputs"][key]) for n in graph.values() if n.get("class_type") == class_type]


def resolved_attachment_ids(interaction: Interaction) -> list[int]:
    resolved = interaction.payload["data"].get("resolved", {}).get("attachments", {})
    return [int(key) for key in resolved]


def inpainting_workflow(folder: Path) -> Path:
    """ComfyUI's inpainting pattern: LoadImage → VAEEncode → SetLatentNoiseMask (LoadImageMask) → KSampler."""
    graph = json.loads(resources.files("core.kinds.templates").joinpath("txt2img.json").read_text())
    [latent] = [key for key, node in graph.items() if node["class_type"] == "EmptyLatentImage"]
    [sampler] = [node for node in graph.values() if node["class_type"] == "KSampler"]
    del graph[latent]
    graph["20"] = {"class_type": "LoadImage", "inputs": {"image": "example.png"}}
    graph["21"] = {"class_type": "LoadImageMask", "inputs": {"image": "example.png", "channel": "red"}}
    graph["22"] = {"class_type": "VAEEncode", "inputs": {"pixels": ["20", 0], "vae": ["4", 2]}}
    graph["23"] = {"class_type": "SetLatentNoiseMask", "inputs": {"samples": ["22", 0], "mask": ["21", 0]}}
    sampler["inputs"].update(latent_image=["23", 0], denoise=0.9)
    folder.mkdir()
    (folder / "inpaint.json").write_text(json.dumps(graph))
    return folder


def own_image_to_image(folder: Path, name: str) -> Path:
    """A folder of workflows holding `name`: a server's image-to-image workflow (its own LoadImage)."""
    folder.mkdir()
    (folder / f"{name}.json").write_text(json.dumps(own_image_to_image_graph()))
    return folder
