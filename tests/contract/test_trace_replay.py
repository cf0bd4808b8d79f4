"""Replay each recorded single-prompt trace and compare the stream, history and downloads with it."""

from __future__ import annotations

import copy
import random
import uuid
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest

from tests.contract._normalise import (
    by_node,
    history_shape,
    live_shape,
    mask_filename,
    recorded_shape,
    sink_nodes,
)
from tests.contract._recorder import Recorder, is_idle_status
from tests.contract._traces import load_trace
from tests.contract.conftest import RANDOM_SD15, Target
from tests.fakes.comfyui import media

pytestmark = pytest.mark.contract

TONES = {"tone_stereo.wav": 2, "tone_mono.wav": 1}
WARMUP_AUDIO = {
    "1": {"class_type": "LoadAudio", "inputs": {"audio": "tone_stereo.wav"}},
    "2": {"class_type": "SaveAudio", "inputs": {"audio": ["1", 0], "filename_prefix": "audio/warmup"}},
}


def _with(workflow: dict[str, Any], node: str, **inputs: Any) -> dict[str, Any]:
    changed = copy.deepcopy(workflow)
    changed[node]["inputs"].update(inputs)
    return changed


@dataclass
class Replay:
    trace: str
    warmups: list[str] = field(default_factory=list)  # "same", "new_seed", "small", "audio"
    checkpoint: str | None = None  # the checkpoint the workflow loads, if any

    def warmup_workflows(self, workflow: dict[str, Any]) -> list[dict[str, Any]]:
        made = {
            "same": lambda: workflow,
            "new_seed": lambda: _with(workflow, "3", seed=int(workflow["3"]["inputs"]["seed"]) + 1),
            "small": lambda: _with(workflow, "5", width=64, height=64),
            "audio": lambda: WARMUP_AUDIO,
        }
        return [made[name]() for name in self.warmups]


REPLAYS = [
    Replay("image_emptyimage_saveimage"),
    Replay("image_emptyimage_saveimage_cached_resubmit", ["same"]),
    Replay("image_savews_legacy_client"),
    Replay("image_savews_preview_metadata_client", ["same"]),
    Replay("sd15_random_first_run_legacy_client", checkpoint=RANDOM_SD15),
    Replay("sd15_random_new_seed_model_cached_metadata_client", ["new_seed"], checkpoint=RANDOM_SD15),
    Replay("sd15_random_same_seed_fully_cached", ["same"], checkpoint=RANDOM_SD15),
    Replay("sd15_random_256px_10steps", ["small"], checkpoint=RANDOM_SD15),
    Replay("audio_SaveAudio"),
    Replay("audio_SaveAudioMP3_V0", ["audio"]),
    Replay("audio_SaveAudioMP3_128k", ["audio"]),
    Replay("audio_SaveAudioOpus_128k", ["audio"]),
    Replay("audio_PreviewAudio", ["audio"]),
    Replay("runtime_error_execution_error"),
    Replay("video_savers"),
]


async def upload_tones(http: aiohttp.ClientSession, url: str) -> None:
    for name, channels in TONES.items():
        form = aiohttp.FormData()
        form.add_field("image", media.wav(2.0, channels), filename=name, content_type="audio/x-wav")
        form.add_field("overwrite", "true")
        async with http.post(url + "/upload/image", data=form) as response:
            assert response.status == 200


async def run_to_completion(http: aiohttp.ClientSession, url: str, workflow: dict[str, Any]) -> str:
    """Post with a private socket and wait for `executing null`."""
    client_id = f"warm-{uuid.uuid4().hex[:8]}"
    ws = await Recorder.connect(http, url, client_id)
    async with http.post(url + "/prompt", json={"prompt": workflow, "client_id": client_id}) as response:
        assert response.status == 200, await response.text()
        prompt_id = str((await response.json())["prompt_id"])
    await ws.wait_done(prompt_id)
    await ws.close()
    return prompt_id


def _reset_cache_workflow() -> dict[str, Any]:
    """An unrelated prompt: ComfyUI's classic cache keeps only what the latest prompt used."""
    return {
        "1": {"class_type": "EmptyImage",
              "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": random.randrange(1 << 24)}},
        "2": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}},
    }  # fmt: skip


def _main_shapes(trace: dict[str, Any], recorded: list[dict[str, Any]], live: list[Any]) -> tuple[Any, Any]:
    want = [recorded_shape(e) for e in recorded]
    got = [live_shape(f) for f in live]
    if trace.get("progress_state_messages_total") is not None:
        # These captures kept only the first few progress_state messages, plus the total count.
        want = [s for s in want if s[0] != "progress_state"]
        got_total = sum(1 for s in got if s[0] == "progress_state")
        assert got_total == trace["progress_state_messages_total"]
        got = [s for s in got if s[0] != "progress_state"]
    return want, got


def _params(replays: list[Replay]) -> list[Any]:
    return [
        pytest.param(r, id=r.trace, marks=[pytest.mark.checkpoint(r.checkpoint)] if r.checkpoint else [])
        for r in replays
    ]


@pytest.mark.parametrize("replay", _params(REPLAYS))
async def test_replayed_trace_matches_the_recording(
    replay: Replay, comfy_target: Target, http: aiohttp.ClientSession
) -> None:
    trace = load_trace(replay.trace)
    workflow = trace["workflow"]
    url = comfy_target.url
    await upload_tones(http, url)
    await run_to_completion(http, url, _reset_cache_workflow())
    for warmup in replay.warmup_workflows(workflow):
        await run_to_completion(http, url, warmup)

    metadata = any(e["kind"] == "text" and e["msg"]["type"] == "feature_flags" for e in trace["ws_events"])
    client_id = f"main-{uuid.uuid4().hex[:8]}"
    main = await Recorder.connect(http, url, client_id, metadata=metadata)
    observer = await Recorder.connect(http, url, f"obs-{uuid.uuid4().hex[:8]}")
    async with http.post(url + "/prompt", json={"prompt": workflow, "client_id": client_id}) as response:
        assert response.status == trace["post_status"]
        posted = await response.json()
    prompt_id = posted["prompt_id"]
    assert sorted(posted) == sorted(trace["post_response"])
    await main.wait_done(prompt_id)
    await observer.wait_for(is_idle_status, start=1)

    recorded_main = [e for e in trace["ws_events"] if e["ws"] == "main"]
    want, got = _main_shapes(trace, recorded_main, main.frames)
    if len(sink_nodes(workflow)) > 1:  # the outputs may run in either order (see by_node)
        assert by_node(got) == by_node(want)
    else:
        assert got == want
    recorded_observer = [recorded_shape(e) for e in trace["ws_events"] if e["ws"] == "observer"]
    live_observer = [live_shape(f) for f in observer.frames]
    # The observer's on-connect status (the one with a sid) races the POST in the recordings.
    assert [s for s in live_observer if s[1] != ("sid", "status")] == [
        s for s in recorded_observer if s[1] != ("sid", "status")
    ]

    async with http.get(f"{url}/history/{prompt_id}") as response:
        history = await response.json()
    (recorded_history,) = trace["history"].values()
    assert history_shape(history[prompt_id]) == history_shape(recorded_history)

    for view in trace["views"]:
        files = history[prompt_id]["outputs"][view["node"]][view["key"]]
        wanted = [
            f for f in files if mask_filename(f["filename"]) == mask_filename(view["query"]["filename"])
        ]
        query = {k: v for k, v in wanted[0].items()}
        async with http.get(url + "/view", params=query) as response:
            body = await response.read()
            assert response.status == view["status"]
            assert response.content_type == view["content_type"]
            assert response.headers["Content-Disposition"] == f'filename="{query["filename"]}"'
        assert body[: len(bytes.fromhex(view["magic_hex"][:8]))].hex() == view["magic_hex"][:8]
    await main.close()
    await observer.close()
