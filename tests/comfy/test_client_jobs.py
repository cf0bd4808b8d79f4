"""Whole jobs against the fake ComfyUI on real sockets: images, audio, previews, cache, errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from comfy import errors, events
from comfy.artifacts import ArtifactStore
from tests.comfy.conftest import ClientFactory, audio_graph, collect, graph, record_history_reads


def kinds(got: list[events.PromptEvent]) -> list[str]:
    return [type(e).__name__ for e in got]


async def test_image_job_streams_events_and_downloads_its_files(
    fake_comfy: Any, make_client: ClientFactory, tmp_path: Path
) -> None:
    client = await make_client(fake_comfy.url, client_id="bot-images")

    run = await client.submit(graph("image_emptyimage_saveimage"), "job-image-1")
    got = await collect(run)

    assert kinds(got)[0] in {"Queued", "Started"}
    assert events.NodeExecuting("job-image-1", "2", "SaveImage") in got
    completed = got[-1]
    assert isinstance(completed, events.Completed)
    assert [f.kind for f in completed.files] == ["images", "images"]
    assert any(isinstance(e, events.Executed) and e.node_id == "2" for e in got)
    received = fake_comfy.prompts_received[-1]
    assert received["prompt_id"] == "job-image-1"
    assert received["client_id"] == "bot-images"

    artifacts = await ArtifactStore(tmp_path / "data").download(
        client.http, completed.files, kind="image", job_id=42
    )

    assert [a.source for a in artifacts] == list(completed.files)
    for artifact in artifacts:
        assert artifact.path.parts[:2] == ("artifacts", "image")
        assert artifact.path.parts[2].startswith("42_")
        assert not artifact.path.is_absolute()
        data = (tmp_path / "data" / artifact.path).read_bytes()
        assert data.startswith(b"\x89PNG")
        assert artifact.size == len(data)
        assert artifact.mime == "image/png"
    assert client.in_flight == 0


async def test_audio_job_completes_with_an_mp3(
    fake_comfy: Any, make_client: ClientFactory, tmp_path: Path
) -> None:
    client = await make_client(fake_comfy.url)

    workflow = await audio_graph(client, "audio_SaveAudioMP3_V0", channels=2)

    completed = await (await client.submit(workflow, "job-song-1")).result(timeout_s=10)
    artifacts = await ArtifactStore(tmp_path / "data").download(
        client.http, completed.files, kind="audio", job_id="7"
    )

    assert [(f.kind, f.subfolder) for f in completed.files] == [("audio", "audio")]
    assert artifacts[0].path.suffix == ".mp3"
    assert artifacts[0].mime == "audio/mpeg"
    assert (tmp_path / "data" / artifacts[0].path).stat().st_size == artifacts[0].size > 0


async def test_sampler_previews_arrive_as_type_4_with_node_and_prompt(
    fake_comfy: Any, make_client: ClientFactory
) -> None:
    client = await make_client(fake_comfy.url)
    workflow = graph("canonical_txt2img_sd15_api")
    workflow["3"]["inputs"]["steps"] = 4

    got = await collect(await client.submit(workflow, "job-previews-4"))

    assert client.preview_metadata is True
    previews = [e for e in got if isinstance(e, events.Preview)]
    progress = [e for e in got if isinstance(e, events.Progress) and e.node_id == "3"]
    assert len(previews) == 4
    assert {(p.node_id, p.mime, p.prompt_id) for p in previews} == {("3", "image/jpeg", "job-previews-4")}
    assert all(p.image.startswith(b"\xff\xd8") for p in previews)
    assert [p.value for p in progress] == [1, 2, 3, 4]
    assert isinstance(got[-1], events.Completed)


async def test_legacy_type_1_previews_are_attributed_to_the_running_prompt(
    fake_comfy: Any, make_client: ClientFactory
) -> None:
    from dataclasses import replace

    from tests.comfy.conftest import FAST

    client = await make_client(fake_comfy.url, reconnect=replace(FAST.reconnect, preview_metadata=False))
    workflow = graph("canonical_txt2img_sd15_api")
    workflow["3"]["inputs"]["steps"] = 3

    got = await collect(await client.submit(workflow, "job-previews-1"))

    assert client.preview_metadata is False
    previews = [e for e in got if isinstance(e, events.Preview)]
    assert len(previews) == 3
    assert {(p.node_id, p.mime, p.prompt_id) for p in previews} == {("3", "image/jpeg", "job-previews-1")}


async def test_identical_resubmission_is_served_from_cache_with_the_same_files(
    fake_comfy: Any, make_client: ClientFactory
) -> None:
    client = await make_client(fake_comfy.url)
    workflow = graph("image_emptyimage_saveimage")

    first = await (await client.submit(workflow, "job-cache-1")).result(timeout_s=10)
    again = await collect(await client.submit(workflow, "job-cache-2"))

    assert not any(isinstance(e, events.NodeExecuting | events.Progress) for e in again)
    second = again[-1]
    assert isinstance(second, events.Completed)
    assert [f.filename for f in second.files] == [f.filename for f in first.files]


async def test_rejected_workflow_raises_a_readable_error_and_leaves_nothing_in_flight(
    fake_comfy: Any, make_client: ClientFactory
) -> None:
    client = await make_client(fake_comfy.url)
    workflow = graph("image_emptyimage_saveimage")
    del workflow["1"]["inputs"]["width"]

    with pytest.raises(errors.PromptRejected) as caught:
        await client.submit(workflow, "job-bad-1")

    assert "node 1 (EmptyImage), input 'width': Required input is missing" in caught.value.user_message
    assert caught.value.problems[0].input_name == "width"
    assert client.in_flight == 0


async def test_runtime_error_ends_with_failed_and_result_raises(
    fake_comfy: Any, make_client: ClientFactory
) -> None:
    client = await make_client(fake_comfy.url)

    workflow = await audio_graph(client, "runtime_error_split_mono", channels=1)

    got = await collect(await client.submit(workflow, "job-err-1"))

    failed = got[-1]
    assert isinstance(failed, events.Failed)
    assert failed.error.node_type == "SplitAudioChannels"
    assert failed.error.user_message.startswith("The job failed in SplitAudioChannels")

    with pytest.raises(errors.ExecutionFailed):
        await (await client.submit(workflow, "job-err-2")).result(timeout_s=10)


async def test_history_written_late_is_still_read_on_completion(
    fake_comfy_factory: Any, make_client: ClientFactory
) -> None:
    from tests.fakes.comfyui.config import FakeConfig

    fake = await fake_comfy_factory(FakeConfig(history_delay_s=0.3))
    client = await make_client(fake.url)

    run = await client.submit(graph("image_emptyimage_saveimage"), "job-late-1")
    got = await collect(run)

    completed = got[-1]
    assert isinstance(completed, events.Completed)
    # Completion waited for `executing null`, which the server only sends once history is written.
    assert fake.history_of("job-late-1") is not None
    assert len(completed.files) == 2
    assert completed.outputs["2"]["images"][0]["filename"] == completed.files[0].filename


async def test_partly_invalid_workflow_is_rejected_and_not_left_running(
    fake_comfy: Any, make_client: ClientFactory
) -> None:
    client = await make_client(fake_comfy.url)
    workflow = graph("canonical_txt2img_sd15_api")
    workflow["3"]["inputs"]["steps"] = 200  # long enough to be caught running or pending
    workflow["10"] = {"class_type": "SaveImage", "inputs": {"images": ["8", 0]}}  # filename_prefix missing

    with pytest.raises(errors.PromptRejected) as caught:
        await client.submit(workflow, "job-partial")

    assert caught.value.problems[0].node_id == "10"
    assert "filename_prefix" in caught.value.user_message
    await fake_comfy.wait_idle()
    history = fake_comfy.history_of("job-partial")
    assert history is None or history["status"]["status_str"] == "error"  # removed or interrupted
    assert client.in_flight == 0


async def test_a_prompt_id_that_would_break_the_history_url_is_refused_before_posting(
    fake_comfy: Any, make_client: ClientFactory
) -> None:
    client = await make_client(fake_comfy.url)

    with pytest.raises(ValueError, match="prompt id"):
        await client.submit(graph("image_emptyimage_saveimage"), "../history/x")

    assert fake_comfy.prompts_received == []


async def test_a_completed_run_takes_its_files_from_the_websocket_without_reading_history(
    fake_comfy: Any, make_client: ClientFactory
) -> None:
    client = await make_client(fake_comfy.url)
    read = record_history_reads(client)
    workflow = graph("image_emptyimage_saveimage")

    first = await (await client.submit(workflow, "job-ws-1")).result(timeout_s=10)
    cached = await (await client.submit(workflow, "job-ws-2")).result(timeout_s=10)

    assert read == []
    for completed in (first, cached):  # a cached output node's `executed` repeats its earlier files
        history = fake_comfy.history_of(completed.prompt_id)
        assert completed.outputs == history["outputs"]
        assert [f.filename for f in completed.files] == [
            image["filename"] for image in history["outputs"]["2"]["images"]
        ]


async def test_a_paced_client_hands_a_sampler_on_in_bursts_and_keeps_its_steps_in_order(
    fake_comfy: Any, make_client: ClientFactory
) -> None:
    client = await make_client(fake_comfy.url, progress_pace_s=0.05)
    workflow = graph("canonical_txt2img_sd15_api")
    workflow["3"]["inputs"]["steps"] = 40  # 2 ms a step: several steps a pace

    run = await client.submit(workflow, "job-paced")
    got = await collect(run)

    assert isinstance(got[0], events.Started)
    assert isinstance(got[-1], events.Completed)
    assert got[-1].files
    steps = [e.value for e in got if isinstance(e, events.Progress) and e.node_id == "3"]
    assert steps == sorted(steps)
    assert steps[-1] == 40  # older steps replaced, the last one kept
    assert run.wakeups < len(got) < 3 * 40
