"""Two fake backends: work goes to the least-loaded one that has the workflow's nodes and models."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import aiohttp
import pytest

from comfy import errors, events
from comfy.client import ComfyClient
from comfy.pool import ComfyPool
from tests.comfy.conftest import FAST, ClientFactory, audio_graph, graph, wav_bytes
from tests.comfy.test_client_recovery import first_progress, long_sampler
from tests.fakes.comfyui.config import FakeConfig, default_models


async def test_pool_routes_by_capability_and_then_by_load(
    fake_comfy_factory: Any, make_client: ClientFactory
) -> None:
    no_audio = await fake_comfy_factory(FakeConfig(missing_node_classes={"SaveAudioMP3"}))
    full = await fake_comfy_factory(FakeConfig())
    clients = [await make_client(no_audio.url), await make_client(full.url)]
    pool = ComfyPool(clients, health_interval_s=60)
    song = await audio_graph(clients[1], "audio_SaveAudioMP3_V0", channels=2)
    await clients[0].upload("tone_2ch.wav", wav_bytes(2))  # same input file: only the save node differs
    await pool.check_health()

    audio_client, audio_run = await pool.submit(song, "pool-song")
    assert audio_client.http.base_url == full.url.rstrip("/")
    await audio_run.result(timeout_s=10)

    first_client, first_run = await pool.submit(long_sampler(), "pool-img-1")
    await first_progress(first_run)
    second_client, _ = await pool.submit(long_sampler(), "pool-img-2")

    assert first_client is not second_client
    for client, prompt_id in ((first_client, "pool-img-1"), (second_client, "pool-img-2")):
        await client.cancel(prompt_id)


async def test_pool_refuses_a_workflow_no_backend_can_run(
    fake_comfy_factory: Any, make_client: ClientFactory
) -> None:
    models = default_models()
    models["CheckpointLoaderSimple.ckpt_name"] = ["other.safetensors"]
    fake = await fake_comfy_factory(FakeConfig(models=models))
    pool = ComfyPool([await make_client(fake.url)], health_interval_s=60)
    await pool.check_health()

    with pytest.raises(errors.NoCapableBackend) as caught:
        await pool.submit(graph("canonical_txt2img_sd15_api"), "pool-no-model")

    assert "v1-5-pruned-emaonly-fp16.safetensors" in caught.value.detail
    assert fake.prompts_received == []


async def test_pool_skips_a_dead_backend(fake_comfy_factory: Any, make_client: ClientFactory) -> None:
    dead = await fake_comfy_factory(FakeConfig())
    alive = await fake_comfy_factory(FakeConfig())
    pool = ComfyPool([await make_client(dead.url), await make_client(alive.url)], health_interval_s=60)
    await dead.kill()
    await pool.check_health()

    client, run = await pool.submit(graph("image_emptyimage_saveimage"), "pool-alive")

    assert client.http.base_url == alive.url.rstrip("/")
    assert isinstance(await asyncio.wait_for(run.result(), 10), events.Completed)
    assert not pool.health[pool.clients[0].name].healthy


async def test_a_failing_health_check_is_logged_and_the_checks_go_on(
    fake_comfy_factory: Any, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    fake = await fake_comfy_factory(FakeConfig())
    pool = ComfyPool([await make_client(fake.url)], health_interval_s=0.01)
    calls = 0
    checked_again = asyncio.Event()

    async def check_health() -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("a bug in one check")
        if calls == 3:
            checked_again.set()

    pool.check_health = check_health  # type: ignore[method-assign]
    await pool.start()
    try:
        await asyncio.wait_for(checked_again.wait(), 10)
    finally:
        await pool.close()
    failures = [r for r in caplog.records if r.name == "background.loops"]
    assert [r.getMessage().split(";")[0] for r in failures] == ["checking backend health failed"]
    assert failures[0].exc_info is not None


async def test_a_pool_without_events_opens_no_websocket_and_tells_health_over_http(
    fake_comfy_factory: Any, http_session: aiohttp.ClientSession
) -> None:
    up = await fake_comfy_factory(FakeConfig())
    down = await fake_comfy_factory(FakeConfig())
    clients = [ComfyClient(http_session, fake.url, "gateway-client") for fake in (up, down)]
    pool = ComfyPool(clients, health_interval_s=60)
    await down.kill()
    await pool.start(events=False)
    try:
        health = {client.http.base_url: pool.health[client.name].healthy for client in pool.clients}
        assert health == {up.url.rstrip("/"): True, down.url.rstrip("/"): False}
        assert up.hub.sockets == {}, "no websocket was opened"
        assert not pool.clients[0].connected
        assert "SaveImage" in await pool.clients[0].object_info(), "what it can run is read all the same"
    finally:
        await pool.close()


@pytest.mark.timeout(60)
async def test_a_start_waits_for_no_backend_that_refuses_and_it_joins_once_it_answers(
    fake_comfy_factory: Any, http_session: aiohttp.ClientSession
) -> None:
    away = await fake_comfy_factory(FakeConfig())
    up = await fake_comfy_factory(FakeConfig())
    await away.kill()  # its port refuses connections
    clients = [
        ComfyClient(http_session, fake.url, f"start-{i}", settings=FAST) for i, fake in enumerate((away, up))
    ]
    # Were a start to wait for every socket to connect, it would wait all of connect_wait_s here.
    pool = ComfyPool(clients, health_interval_s=60, connect_wait_s=3600)
    try:
        await asyncio.wait_for(pool.start(), timeout=30)
        assert [pool.health[client.name].healthy for client in clients] == [False, True]

        await away.restart()
        while not pool.health[clients[0].name].healthy:
            await pool.health_changed()
        run = await clients[0].submit(graph("image_emptyimage_saveimage"), "joined-later")
        assert isinstance(await asyncio.wait_for(run.result(), 10), events.Completed)
    finally:
        await pool.close()


@pytest.mark.timeout(60)
async def test_a_start_waits_for_no_backend_slow_to_describe_its_nodes_and_it_joins_once_it_has(
    fake_comfy_factory: Any, http_session: aiohttp.ClientSession
) -> None:
    """A server with many custom nodes takes seconds to answer /object_info (ComfyUI builds every node's
    description on each call): the others take jobs meanwhile, and it joins them once it has answered."""
    slow = await fake_comfy_factory(FakeConfig())
    up = await fake_comfy_factory(FakeConfig())
    slow.hold_object_info()
    patient = replace(FAST, request_timeout_s=3600.0)  # no request gives up on it meanwhile
    clients = [
        ComfyClient(http_session, fake.url, f"start-{i}", settings=patient)
        for i, fake in enumerate((slow, up))
    ]
    pool = ComfyPool(clients, health_interval_s=60, connect_wait_s=0.2)
    try:
        # Held, it never answers: a start that waited for it would never return.
        await asyncio.wait_for(pool.start(), timeout=30)
        assert slow.object_info_waiting.is_set(), "its description was asked for"
        assert [pool.health[client.name].healthy for client in clients] == [False, True]
        client, run = await pool.submit(graph("image_emptyimage_saveimage"), "while-it-reads")
        assert client is clients[1]
        assert isinstance(await asyncio.wait_for(run.result(), 10), events.Completed)

        slow.release_object_info()
        while not pool.health[clients[0].name].healthy:
            await pool.health_changed()
        run = await clients[0].submit(graph("image_emptyimage_saveimage"), "joined-later")
        assert isinstance(await asyncio.wait_for(run.result(), 10), events.Completed)
    finally:
        await pool.close()
