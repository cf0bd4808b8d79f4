"""Execution cache, history documents and the history-after-success race of the fake."""

from __future__ import annotations

import asyncio
import copy

import aiohttp

from tests.contract._recorder import Recorder, get_json, post_prompt
from tests.contract._traces import load_workflow, quiet_long_job
from tests.fakes.comfyui import FakeComfyUI, FakeConfig
from tests.fakes.comfyui.cache import cache_keys
from tests.fakes.comfyui.catalogue import Catalogue


async def test_identical_resubmission_is_fully_cached_and_reuses_the_old_files(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    workflow = load_workflow("image_emptyimage_saveimage")
    ws = await Recorder.connect(http, fake_comfy.url, "main")
    first = await post_prompt(http, fake_comfy.url, workflow, "main")
    await ws.wait_done(first["prompt_id"])
    second = await post_prompt(http, fake_comfy.url, workflow, "main")
    await ws.wait_done(second["prompt_id"])

    messages = ws.texts(second["prompt_id"])
    assert [m["type"] for m in messages] == [
        "execution_start", "execution_cached", "executed", "progress_state", "execution_success", "executing",
    ]  # fmt: skip
    assert messages[1]["data"]["nodes"] == ["1", "2"]
    old = next(m for m in ws.texts(first["prompt_id"]) if m["type"] == "executed")
    assert messages[2]["data"]["output"] == old["data"]["output"]
    saved = sorted(p.name for p in (fake_comfy.store.output_dir / "bot").iterdir())
    assert saved == ["imagine_00001_.png", "imagine_00002_.png"]


async def test_cache_keeps_only_what_the_previous_prompt_used(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    workflow = load_workflow("image_emptyimage_saveimage")
    other = copy.deepcopy(workflow)
    other["1"]["inputs"]["color"] = 1
    ws = await Recorder.connect(http, fake_comfy.url, "main")
    for graph in (workflow, other, workflow):
        answer = await post_prompt(http, fake_comfy.url, graph, "main")
        await ws.wait_done(answer["prompt_id"])
    cached = next(m for m in ws.texts(answer["prompt_id"]) if m["type"] == "execution_cached")
    assert cached["data"]["nodes"] == []


async def test_save_image_websocket_is_never_cached(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    workflow = load_workflow("image_savews_progress")
    ws = await Recorder.connect(http, fake_comfy.url, "main")
    for _ in range(2):
        answer = await post_prompt(http, fake_comfy.url, workflow, "main")
        await ws.wait_done(answer["prompt_id"])
    messages = ws.texts(answer["prompt_id"])
    assert next(m for m in messages if m["type"] == "execution_cached")["data"]["nodes"] == ["1", "2", "4"]
    assert [m["data"]["node"] for m in messages if m["type"] == "executing"] == ["3", None]
    assert sum(1 for f in ws.frames if f.binary is not None) == 4  # two PNG frames per run


async def test_history_is_empty_while_queued_and_after_success_until_the_delay_passes(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    fake_comfy.config.history_delay_s = 0.15
    url = fake_comfy.url
    ws = await Recorder.connect(http, url, "main")
    answer = await post_prompt(http, url, load_workflow("image_emptyimage_saveimage"), "main")
    prompt_id = answer["prompt_id"]
    assert await get_json(http, f"{url}/history/{prompt_id}") == {}
    await ws.wait_for(lambda f: f.type == "execution_success")
    assert await get_json(http, f"{url}/history/{prompt_id}") == {}  # the race a client must survive
    await ws.wait_done(prompt_id)
    entry = (await get_json(http, f"{url}/history/{prompt_id}"))[prompt_id]
    assert list(entry) == ["prompt", "outputs", "status", "meta"]
    assert entry["prompt"][:2] == [0, prompt_id]
    assert entry["prompt"][3] == {"client_id": "main"}
    assert entry["prompt"][4] == ["2"]
    assert [m[0] for m in entry["status"]["messages"]] == [
        "execution_start",
        "execution_cached",
        "execution_success",
    ]
    assert entry["meta"] == {
        "2": {"node_id": "2", "display_node": "2", "parent_node": None, "real_node_id": "2"}
    }


async def test_history_paging_delete_and_clear(fake_comfy: FakeComfyUI, http: aiohttp.ClientSession) -> None:
    url = fake_comfy.url
    ws = await Recorder.connect(http, url, "main")
    ids = []
    for color in range(4):
        workflow = load_workflow("image_emptyimage_saveimage")
        workflow["1"]["inputs"]["color"] = color
        answer = await post_prompt(http, url, workflow, "main", prompt_id=f"p{color}")
        ids.append(answer["prompt_id"])
    await asyncio.gather(*(ws.wait_done(prompt_id) for prompt_id in ids))
    assert list(await get_json(http, url + "/history", max_items=3)) == ids[1:]
    assert list(await get_json(http, url + "/history", max_items=2, offset=0)) == ids[:2]
    async with http.post(url + "/history", json={"delete": ["p0"]}) as response:
        assert response.status == 200
    assert list(await get_json(http, url + "/history")) == ids[1:]
    async with http.post(url + "/history", json={"clear": True}) as response:
        assert response.status == 200
    assert await get_json(http, url + "/history") == {}


async def test_client_chosen_prompt_id_is_reused_and_the_later_run_wins(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    url = fake_comfy.url
    ws = await Recorder.connect(http, url, "main")
    workflow = load_workflow("image_emptyimage_saveimage")
    first = await post_prompt(http, url, workflow, "main", prompt_id="bot-1", extra_data={"my_key": 1})
    await ws.wait_done("bot-1")
    second = await post_prompt(http, url, workflow, "main", prompt_id="bot-1")
    assert (first["prompt_id"], second["prompt_id"]) == ("bot-1", "bot-1")
    await fake_comfy.wait_idle()
    entry = fake_comfy.history_of("bot-1")
    assert entry is not None
    assert entry["prompt"][0] == second["number"] == 1


def test_a_long_chain_of_nodes_gets_short_cache_keys(fake_comfy: FakeComfyUI) -> None:
    """Keys used to nest each upstream key as escaped JSON, doubling its length at every node: 25 chained
    nodes took a minute to key, 400 all the machine's memory."""
    chain = quiet_long_job(length=16)
    keys = cache_keys(chain, Catalogue(FakeConfig()), fake_comfy.store)
    assert len(keys) == len(chain) == 18
    assert max(len(key) for key in keys.values()) <= 64
    assert len(set(keys.values())) == len(chain)  # every node of the chain is a different computation
