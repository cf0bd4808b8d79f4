"""Model-free videos on ComfyUI: the output is found, fetched and made into what Discord plays inline.

Runs against the fake by default and against a real ComfyUI 0.3.64 with COMFYUI_CONTRACT_URL set: a picture
uploaded and repeated into frames (LoadImage -> RepeatImageBatch -> CreateVideo -> SaveVideo), EmptyImage
frames saved by SaveWEBM / SaveAnimatedWEBP / SaveAnimatedPNG, and a plain batch of PNG frames (SaveImage).
Each file is found among the prompt's outputs, downloaded with the artifact store and delivered by the video
kind as an H.264 MP4 with its index first.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from PIL import Image, ImageStat

from comfy.artifacts import ArtifactStore
from comfy.client import ComfyClient
from core.jobs.deliverables import deliverables
from core.kinds.video import VIDEO_KIND
from core.media.poster import poster_jpeg
from core.media.probe import probe_video
from db.enums import ArtifactType
from tests.contract.conftest import Target
from tests.fakes.comfyui import media

pytestmark = pytest.mark.contract
JOB_TIMEOUT_S = 300.0
FRAMES = 8


@pytest.fixture
async def client(comfy_target: Target, http: aiohttp.ClientSession) -> AsyncIterator[ComfyClient]:
    async with ComfyClient(http, comfy_target.url, f"video-{uuid.uuid4().hex[:8]}") as started:
        yield started


def frames_from(source: dict[str, Any]) -> dict[str, Any]:
    return {
        "1": source,
        "2": {"class_type": "RepeatImageBatch", "inputs": {"image": ["1", 0], "amount": FRAMES}},
    }


def empty_frames(color: int) -> dict[str, Any]:
    """Two pictures alternating: identical frames would be merged into one by Pillow's animated writers."""
    graph = frames_from({"class_type": "ImageBatch", "inputs": {"image1": ["5", 0], "image2": ["6", 0]}})
    graph["2"]["inputs"]["amount"] = FRAMES // 2
    for node, shade in (("5", color), ("6", color ^ 0x3F3F3F)):
        graph[node] = {
            "class_type": "EmptyImage",
            "inputs": {"width": 64, "height": 48, "batch_size": 1, "color": shade},
        }
    return graph


def saver(class_type: str, prefix: str) -> dict[str, Any]:
    inputs: dict[str, Any] = {"images": ["2", 0], "filename_prefix": f"contract/{prefix}"}
    inputs |= {
        "SaveWEBM": {"codec": "vp9", "fps": 8.0, "crf": 32.0},
        "SaveAnimatedWEBP": {"fps": 8.0, "lossless": False, "quality": 80, "method": "default"},
        "SaveAnimatedPNG": {"fps": 8.0, "compress_level": 4},
        "SaveImage": {},
    }[class_type]
    return {"class_type": class_type, "inputs": inputs}


async def delivered(
    client: ComfyClient, graph: dict[str, Any], data_dir: Path, fps: float = 8.0
) -> list[Path]:
    """Run ``graph``, download its outputs as the runner does and deliver them as the video kind does."""
    run = await client.submit(graph, f"video-{uuid.uuid4().hex}")
    completed = await run.result(JOB_TIMEOUT_S)
    store = ArtifactStore(data_dir)
    saved = await store.download(client.http, list(completed.files), kind="videos", job_id=1)
    made = await deliverables(VIDEO_KIND, data_dir, saved, {"fps": fps})
    assert all(item.type is ArtifactType.VIDEO for item in made)
    return [data_dir / item.path for item in made]


def assert_plays_inline(path: Path, frames: int = FRAMES) -> None:
    facts = probe_video(path)
    assert facts is not None
    assert path.suffix == ".mp4"
    assert (facts.codec, facts.pix_fmt, facts.faststart) == ("h264", "yuv420p", True)
    assert facts.frames == frames
    assert (facts.width, facts.height) == (64, 48)


async def test_an_uploaded_picture_repeated_into_a_video_is_found_fetched_and_delivered(
    client: ComfyClient, tmp_path: Path
) -> None:
    uploaded = await client.upload(
        "still.png", media.png(64, 48, 0x3366CC), subfolder=f"job-{uuid.uuid4().hex}"
    )
    graph = frames_from({"class_type": "LoadImage", "inputs": {"image": uploaded.reference}})
    graph["3"] = {"class_type": "CreateVideo", "inputs": {"images": ["2", 0], "fps": 8.0}}
    graph["4"] = {
        "class_type": "SaveVideo",
        "inputs": {"video": ["3", 0], "filename_prefix": "contract/video", "format": "auto", "codec": "auto"},
    }

    (video,) = await delivered(client, graph, tmp_path)

    assert_plays_inline(video)
    poster = poster_jpeg(video)
    assert poster is not None
    with Image.open(io.BytesIO(poster)) as picture:
        red, green, blue = ImageStat.Stat(picture.convert("RGB")).mean
        assert picture.size == (64, 48)
    # The blue-ish picture (0x3366CC): the real server shows it as it is, the fake tints noise with it.
    assert red < green < blue


@pytest.mark.parametrize("class_type", ["SaveWEBM", "SaveAnimatedWEBP", "SaveAnimatedPNG"])
async def test_frames_saved_as_webm_or_animations_are_delivered_as_mp4(
    client: ComfyClient, tmp_path: Path, class_type: str
) -> None:
    graph = empty_frames(0x208040) | {"3": saver(class_type, class_type.lower())}

    (video,) = await delivered(client, graph, tmp_path)

    assert_plays_inline(video)


async def test_a_batch_of_still_frames_becomes_one_video(client: ComfyClient, tmp_path: Path) -> None:
    graph = empty_frames(0x804020) | {"3": saver("SaveImage", "frames")}

    (video,) = await delivered(client, graph, tmp_path, fps=12.0)

    assert_plays_inline(video)
    facts = probe_video(video)
    assert facts is not None
    assert facts.fps == pytest.approx(12.0)
