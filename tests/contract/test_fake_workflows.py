"""Every workflow the project ships as test data runs on the fake, with the outputs its save nodes imply."""

from __future__ import annotations

import aiohttp
import pytest

from tests.contract._recorder import Recorder, post_prompt
from tests.contract._traces import DATA, load_workflow
from tests.fakes.comfyui import FakeComfyUI, media

WORKFLOWS = sorted(p.stem for p in (DATA / "workflows").glob("*.json"))
FAILING = {"runtime_error_split_mono": "SplitAudioChannels"}  # mono input: the recorded runtime error


@pytest.mark.parametrize("name", WORKFLOWS)
async def test_shipped_workflow_runs_on_the_fake(
    name: str, fake_comfy: FakeComfyUI, http: aiohttp.ClientSession
) -> None:
    for tone, channels in (("tone_stereo.wav", 2), ("tone_mono.wav", 1)):
        (fake_comfy.store.input_dir / tone).write_bytes(media.wav(0.2, channels))
    fake_comfy.config.node_time_s = 0  # this is about outputs, not timing
    fake_comfy.config.default_steps = 3
    workflow = load_workflow(name)
    ws = await Recorder.connect(http, fake_comfy.url, "main")
    answer = await post_prompt(http, fake_comfy.url, workflow, "main")
    await ws.wait_done(answer["prompt_id"], timeout=10)
    messages = ws.texts(answer["prompt_id"])
    if name in FAILING:
        assert (messages[-2]["type"], messages[-2]["data"]["node_type"]) == ("execution_error", FAILING[name])
        return
    assert messages[-2]["type"] == "execution_success"
    entry = fake_comfy.history_of(answer["prompt_id"])
    assert entry is not None
    saving = {node_id for node_id, node in workflow.items() if node["class_type"] != "SaveImageWebsocket"}
    assert set(entry["outputs"]) == saving & set(entry["prompt"][4])
    for node_output in entry["outputs"].values():
        for files in node_output.values():
            for saved in files:
                folder = fake_comfy.store.directory(saved["type"])
                assert folder is not None
                assert (folder / saved["subfolder"] / saved["filename"]).stat().st_size > 0
