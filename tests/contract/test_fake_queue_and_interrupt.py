"""Queue ordering, delete/clear and interrupts of the fake (PROTOCOL.md section 6)."""

from __future__ import annotations

import aiohttp

from tests.contract._recorder import Recorder, get_json, post_prompt
from tests.contract._traces import load_workflow
from tests.fakes.comfyui import FakeComfyUI, FakeConfig
from tests.fixtures.comfyui import FakeComfyFactory


def _sd15(seed: int) -> dict[str, object]:
    workflow = load_workflow("sd15_txt2img_random_ckpt_64px")
    workflow["3"]["inputs"]["seed"] = seed  # type: ignore[index]
    return workflow


async def _slow_fake(factory: FakeComfyFactory) -> FakeComfyUI:
    return await factory(FakeConfig(step_time_s=0.05, default_steps=20))


async def test_number_counts_every_post_and_front_or_explicit_numbers_reorder(
    fake_comfy_factory: FakeComfyFactory, http: aiohttp.ClientSession
) -> None:
    fake = await _slow_fake(fake_comfy_factory)
    ws = await Recorder.connect(http, fake.url, "main")
    running = await post_prompt(http, fake.url, _sd15(1), "main")
    await ws.wait_for(lambda f: f.type == "execution_start")
    async with http.post(fake.url + "/prompt", json={"prompt": {}}) as rejected:
        assert rejected.status == 400
    later = await post_prompt(http, fake.url, _sd15(2), "main")
    urgent = await post_prompt(http, fake.url, _sd15(3), "main", front=True)
    explicit = await post_prompt(http, fake.url, _sd15(4), "main", number=2.5)
    assert [running["number"], later["number"], urgent["number"], explicit["number"]] == [0, 2, -3, 2.5]

    queue = await get_json(http, fake.url + "/queue")
    assert [item[1] for item in queue["queue_running"]] == [running["prompt_id"]]
    assert sorted(item[0] for item in queue["queue_pending"]) == [-3, 2, 2.5]
    assert all(len(item) == 5 for item in queue["queue_pending"])
    assert await get_json(http, fake.url + "/prompt") == {"exec_info": {"queue_remaining": 4}}
    assert fake.pending_prompt_ids == [urgent["prompt_id"], later["prompt_id"], explicit["prompt_id"]]
    fake.config.step_time_s = 0
    await fake.wait_idle()
    starts = [m["data"]["prompt_id"] for m in ws.texts() if m["type"] == "execution_start"]
    assert starts == [running["prompt_id"], urgent["prompt_id"], later["prompt_id"], explicit["prompt_id"]]


async def test_delete_removes_pending_only_and_clear_lets_the_running_job_finish(
    fake_comfy_factory: FakeComfyFactory, http: aiohttp.ClientSession
) -> None:
    fake = await _slow_fake(fake_comfy_factory)
    ws = await Recorder.connect(http, fake.url, "main")
    running = await post_prompt(http, fake.url, _sd15(1), "main")
    await ws.wait_for(lambda f: f.type == "execution_start")
    doomed = await post_prompt(http, fake.url, _sd15(2), "main")
    cleared = await post_prompt(http, fake.url, _sd15(3), "main")
    before = len(ws.frames)
    async with http.post(
        fake.url + "/queue", json={"delete": [doomed["prompt_id"], running["prompt_id"]]}
    ) as r:
        assert r.status == 200
    assert fake.queue_deletes == [[doomed["prompt_id"], running["prompt_id"]]]
    assert fake.running_prompt_id == running["prompt_id"]
    assert fake.pending_prompt_ids == [cleared["prompt_id"]]
    async with http.post(fake.url + "/queue", json={"clear": True}) as r:
        assert r.status == 200
    assert fake.pending_prompt_ids == []
    await ws.wait_for(lambda f: f.type == "status", start=before)
    fake.config.step_time_s = 0
    await ws.wait_done(running["prompt_id"])
    await fake.wait_idle()
    assert fake.history_of(running["prompt_id"])["status"]["status_str"] == "success"  # type: ignore[index]
    for gone in (doomed, cleared):
        assert await get_json(http, f"{fake.url}/history/{gone['prompt_id']}") == {}
        assert ws.texts(gone["prompt_id"]) == []


async def test_global_interrupt_stops_the_sampler_and_the_next_prompt_runs(
    fake_comfy_factory: FakeComfyFactory, http: aiohttp.ClientSession
) -> None:
    fake = await _slow_fake(fake_comfy_factory)
    ws = await Recorder.connect(http, fake.url, "main")
    victim = await post_prompt(http, fake.url, _sd15(1), "main")
    survivor = await post_prompt(http, fake.url, load_workflow("image_emptyimage_saveimage"), "main")
    await ws.wait_for(lambda f: f.type == "progress")
    async with http.post(fake.url + "/interrupt") as response:
        assert response.status == 200
    await ws.wait_done(victim["prompt_id"])
    types = [m["type"] for m in ws.texts(victim["prompt_id"])]
    assert types[-2:] == ["execution_interrupted", "executing"]
    interrupted = ws.texts(victim["prompt_id"])[-2]["data"]
    assert (interrupted["node_id"], interrupted["node_type"]) == ("3", "KSampler")
    assert sorted(interrupted["executed"]) == ["4", "5", "6", "7"]
    entry = fake.history_of(victim["prompt_id"])
    assert entry is not None
    assert (entry["status"]["status_str"], entry["status"]["completed"], entry["outputs"]) == (
        "error",
        False,
        {},
    )
    assert entry["status"]["messages"][-1][0] == "execution_interrupted"
    await ws.wait_done(survivor["prompt_id"])
    assert ws.texts(survivor["prompt_id"])[-2]["type"] == "execution_success"


async def test_targeted_interrupt_only_hits_the_running_prompt(
    fake_comfy_factory: FakeComfyFactory, http: aiohttp.ClientSession
) -> None:
    fake = await _slow_fake(fake_comfy_factory)
    ws = await Recorder.connect(http, fake.url, "main")
    running = await post_prompt(http, fake.url, _sd15(1), "main")
    pending = await post_prompt(http, fake.url, _sd15(2), "main")
    await ws.wait_for(lambda f: f.type == "progress")
    async with http.post(fake.url + "/interrupt", json={"prompt_id": pending["prompt_id"]}) as response:
        assert response.status == 200
    assert fake.pending_prompt_ids == [pending["prompt_id"]]  # not removed, not marked
    async with http.post(fake.url + "/interrupt", json={"prompt_id": running["prompt_id"]}) as response:
        assert response.status == 200
    await ws.wait_done(running["prompt_id"])
    assert ws.texts(running["prompt_id"])[-2]["type"] == "execution_interrupted"
    fake.config.step_time_s = 0
    await ws.wait_done(pending["prompt_id"])
    assert ws.texts(pending["prompt_id"])[-2]["type"] == "execution_success"
    assert fake.interrupts == [{"prompt_id": pending["prompt_id"]}, {"prompt_id": running["prompt_id"]}]


async def test_interrupt_while_idle_does_not_affect_the_next_prompt(
    fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    ws = await Recorder.connect(http, fake_comfy.url, "main")
    async with http.post(fake_comfy.url + "/interrupt", json={}) as response:
        assert response.status == 200
    answer = await post_prompt(http, fake_comfy.url, _sd15(1), "main")
    await ws.wait_done(answer["prompt_id"])
    assert ws.texts(answer["prompt_id"])[-2]["type"] == "execution_success"


async def test_interrupt_is_noticed_only_at_node_boundaries_or_progress_ticks(
    fake_comfy_factory: FakeComfyFactory, http: aiohttp.ClientSession
) -> None:
    fake = await fake_comfy_factory(FakeConfig(node_time_s=30))  # node 1 runs until we let it finish
    ws = await Recorder.connect(http, fake.url, "main")
    answer = await post_prompt(http, fake.url, load_workflow("queue_blur_saveimage"), "main")
    await ws.wait_for(lambda f: f.type == "executing" and f.msg["data"]["node"] == "1")
    async with http.post(fake.url + "/interrupt") as response:
        assert response.status == 200
    fake.config.node_time_s = 0
    await ws.wait_done(answer["prompt_id"])
    interrupted = ws.texts(answer["prompt_id"])[-2]
    # The image node (no progress bar) finished; the blur noticed the interrupt before doing anything.
    assert interrupted["type"] == "execution_interrupted"
    assert interrupted["data"]["node_id"] == "2"
    assert interrupted["data"]["executed"] == ["1"]
