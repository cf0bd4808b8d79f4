"""Websocket sessions, routing and binary frames of the fake (PROTOCOL.md sections 3 and 4)."""

from __future__ import annotations

import asyncio
import re

import aiohttp

from tests.contract._recorder import Recorder, post_prompt
from tests.contract._traces import load_trace, load_workflow
from tests.fakes.comfyui import FakeComfyUI, FakeConfig, frames
from tests.fixtures.comfyui import FakeComfyFactory


async def test_socket_without_client_id_gets_an_invented_hex_sid(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    ws = await Recorder.connect(http, fake_comfy.url, None)
    first = ws.frames[0].msg
    assert first is not None
    assert re.fullmatch(r"[0-9a-f]{32}", first["data"]["sid"])
    assert first == {
        "type": "status",
        "data": {"status": {"exec_info": {"queue_remaining": 0}}, "sid": first["data"]["sid"]},
    }


async def test_api_prefixed_socket_negotiates_feature_flags_only_on_the_first_message(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    ws = await Recorder.connect(http, fake_comfy.url + "/api", "main", metadata=True)
    assert ws.frames[1].msg == {
        "type": "feature_flags",
        "data": {"supports_preview_metadata": True, "max_upload_size": 104857600},
    }
    await ws.ws.send_json({"type": "feature_flags", "data": {"supports_preview_metadata": False}})
    answer = await post_prompt(http, fake_comfy.url, load_workflow("sd15_txt2img_random_ckpt_64px"), "main")
    await ws.wait_done(answer["prompt_id"])
    assert [f.type for f in ws.frames].count("feature_flags") == 1
    previews = [f.binary for f in ws.frames if f.binary is not None]
    assert [p["event"] for p in previews] == [frames.PREVIEW_IMAGE_WITH_METADATA] * 3


async def test_metadata_frame_precedes_its_progress_and_legacy_frame_follows_it(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    legacy = await Recorder.connect(http, fake_comfy.url, "legacy")
    modern = await Recorder.connect(http, fake_comfy.url, "modern", metadata=True)
    workflow = load_workflow("sd15_txt2img_random_ckpt_64px")
    first = await post_prompt(http, fake_comfy.url, workflow, "legacy")
    workflow["3"]["inputs"]["seed"] = 7
    second = await post_prompt(http, fake_comfy.url, workflow, "modern")
    await legacy.wait_done(first["prompt_id"])
    await modern.wait_done(second["prompt_id"])

    legacy_types = [f.type for f in legacy.frames if f.type in ("progress", "BINARY:1")]
    assert legacy_types == ["progress", "BINARY:1"] * 3
    modern_types = [f.type for f in modern.frames if f.type in ("progress", "BINARY:4")]
    assert modern_types == ["BINARY:4", "progress"] * 3
    legacy_frame = next(f.binary for f in legacy.frames if f.binary is not None)
    assert legacy_frame is not None
    assert legacy_frame["image_format"] == 1
    assert legacy_frame["image"][:3] == b"\xff\xd8\xff"  # JPEG
    modern_frame = next(f.binary for f in modern.frames if f.binary is not None)
    assert modern_frame is not None
    assert modern_frame["metadata"] == frames.preview_metadata(second["prompt_id"], "3", "JPEG")


async def test_same_client_id_mutes_the_old_socket(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    old = await Recorder.connect(http, fake_comfy.url, "bot")
    new = await Recorder.connect(http, fake_comfy.url, "bot")
    before = len(old.frames)
    answer = await post_prompt(http, fake_comfy.url, load_workflow("image_emptyimage_saveimage"), "bot")
    await new.wait_done(answer["prompt_id"])
    await fake_comfy.wait_idle()
    assert len(old.frames) == before
    assert not old.ws.closed
    assert load_trace("ws_clientid_reconnect")["first_socket_after_second_connected_types"] == [[], 0]


async def test_reconnect_mid_job_gets_status_then_the_current_node_without_prompt_id(
    fake_comfy_factory: FakeComfyFactory, http: aiohttp.ClientSession
) -> None:
    fake = await fake_comfy_factory(FakeConfig(step_time_s=0.02))
    first = await Recorder.connect(http, fake.url, "rc")
    answer = await post_prompt(http, fake.url, load_workflow("sd15_txt2img_random_ckpt_64px"), "rc")
    await first.wait_for(lambda f: f.type == "progress")
    await first.close()
    again = await Recorder.connect(http, fake.url, "rc")
    recorded = load_trace("ws_clientid_reconnect")["reconnect_mid_job_first_messages"]
    assert [f.msg for f in again.frames[:2]] == [
        {"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 1}}, "sid": "rc"}},
        {"type": "executing", "data": {"node": "3"}},
    ]
    assert [sorted(m["data"]) for m in recorded] == [sorted(f.msg["data"]) for f in again.frames[:2] if f.msg]
    fake.config.step_time_s = 0
    done = await again.wait_done(answer["prompt_id"])
    assert done.msg is not None


async def test_prompt_without_client_id_broadcasts_progress_but_not_lifecycle(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    observer = await Recorder.connect(http, fake_comfy.url, "obs")
    await post_prompt(http, fake_comfy.url, load_workflow("sd15_txt2img_random_ckpt_64px"))
    await fake_comfy.wait_idle()
    types = [f.type for f in observer.frames[1:]]
    recorded = load_trace("no_client_id_and_prompt_id_options")["observer_received_for_no_client_id_prompt"]
    assert set(types) == {"status", "progress_state", "progress", "BINARY:1"}
    assert types.count("progress") == recorded.count("progress") == 3
    assert types.count("BINARY:1") == recorded.count("BINARY:PREVIEW_IMAGE")


async def test_messages_for_a_client_without_socket_are_dropped(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    observer = await Recorder.connect(http, fake_comfy.url, "obs")
    await post_prompt(http, fake_comfy.url, load_workflow("sd15_txt2img_random_ckpt_64px"), "gone")
    await fake_comfy.wait_idle()
    assert {f.type for f in observer.frames} == {"status"}


async def test_silent_websocket_stays_open_while_http_keeps_answering(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    ws = await Recorder.connect(http, fake_comfy.url, "main")
    fake_comfy.config.silent_ws = True
    answer = await post_prompt(http, fake_comfy.url, load_workflow("image_emptyimage_saveimage"), "main")
    await fake_comfy.wait_idle()
    await asyncio.sleep(0.02)
    assert [f.type for f in ws.frames] == ["status"]
    assert not ws.ws.closed
    assert fake_comfy.history_of(answer["prompt_id"]) is not None


async def test_previews_off_sends_progress_without_binary_frames(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    fake_comfy.config.previews = False
    fake_comfy.config.default_steps = 5
    ws = await Recorder.connect(http, fake_comfy.url, "main")
    answer = await post_prompt(http, fake_comfy.url, load_workflow("sd15_txt2img_random_ckpt_64px"), "main")
    await ws.wait_done(answer["prompt_id"])
    progress = [m["data"] for m in ws.texts() if m["type"] == "progress"]
    assert [(p["value"], p["max"]) for p in progress] == [(i, 5) for i in range(1, 6)]
    assert all(f.binary is None for f in ws.frames)


async def test_save_image_websocket_sends_png_frames_with_progress_from_zero(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    ws = await Recorder.connect(http, fake_comfy.url, "main")
    answer = await post_prompt(http, fake_comfy.url, load_workflow("image_savews_progress"), "main")
    await ws.wait_done(answer["prompt_id"])
    progress = [(m["data"]["value"], m["data"]["max"]) for m in ws.texts() if m["type"] == "progress"]
    assert progress == [(0, 2), (1, 2)]
    pngs = [f.binary for f in ws.frames if f.binary is not None]
    assert all(p is not None and p["image_format"] == 2 and p["image"][:4] == b"\x89PNG" for p in pngs)
    executed_nodes = [m["data"]["node"] for m in ws.texts() if m["type"] == "executed"]
    assert executed_nodes == ["4"]  # the websocket save has no UI output


async def test_closing_a_replaced_socket_also_forgets_its_successor(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    old = await Recorder.connect(http, fake_comfy.url, "bot")
    new = await Recorder.connect(http, fake_comfy.url, "bot")
    await old.close()
    await asyncio.sleep(0.01)  # the server-side handler of the old socket finishes
    answer = await post_prompt(http, fake_comfy.url, load_workflow("image_emptyimage_saveimage"), "bot")
    await fake_comfy.wait_idle()
    assert fake_comfy.history_of(answer["prompt_id"]) is not None
    assert [f.type for f in new.frames] == ["status"]  # only its on-connect status, not even broadcasts
    assert not new.ws.closed
