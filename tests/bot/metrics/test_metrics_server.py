"""The metrics endpoint over a real socket: Prometheus text from a running core, and /healthz."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.metrics import MetricsServer, metrics_served, record_discord_error
from bot.metrics.discord_errors import discord_error_counts
from bot.runtime import CoreRuntime
from core.jobs.scopes import personal_scope
from db.migrate import upgrade_to_head
from tests.bot.idle_core import idle_core
from tests.bot.metrics.stalled_database import stalling_relay
from tests.core.jobs.harness import image_request, running_core, song_request
from tests.fakes.comfyui import FakeComfyUI, FakeConfig


@asynccontextmanager
async def serving(runtime: CoreRuntime, connected: list[bool]) -> AsyncIterator[tuple[MetricsServer, str]]:
    server = MetricsServer(runtime, lambda: connected[0], port=0, host="127.0.0.1")
    await server.start()
    try:
        yield server, f"http://127.0.0.1:{server.port}"
    finally:
        await server.stop()


async def scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    async with aiohttp.ClientSession() as http, http.get(url + "/metrics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=")
        text = await response.text()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def healthz(url: str) -> tuple[int, dict[str, object]]:
    async with aiohttp.ClientSession() as http, http.get(url + "/healthz") as response:
        return response.status, await response.json()


async def test_finished_jobs_are_counted_by_kind_and_outcome_with_timings(
    database_url: str, fake_comfy_factory, tmp_path: Path
) -> None:
    fake: FakeComfyUI = await fake_comfy_factory(FakeConfig(default_steps=2, previews=False))
    async with (
        running_core(database_url, [fake.url], tmp_path) as (runtime, observer),
        serving(runtime, [True]) as (_, url),
    ):
        image = await runtime.service.submit(image_request(guild_id=1))
        song = await runtime.service.submit(song_request(guild_id=2))
        await observer.final(image.job.id)
        await observer.final(song.job.id)
        await asyncio.sleep(0.05)  # the wrapper counts right after the front-end returned
        samples = await scrape(url)
    assert samples[("comfybot_jobs_finished_total", (("kind", "image"), ("outcome", "succeeded")))] == 1
    assert samples[("comfybot_jobs_finished_total", (("kind", "song"), ("outcome", "succeeded")))] == 1
    assert samples[("comfybot_job_wait_seconds_count", (("kind", "image"),))] == 1
    assert samples[("comfybot_job_run_seconds_count", (("kind", "song"),))] == 1
    assert samples[("comfybot_job_run_seconds_bucket", (("kind", "image"), ("le", "+Inf")))] == 1
    assert samples[("comfybot_backend_up", (("backend", fake.url),))] == 1
    assert samples[("comfybot_database_up", ())] == 1
    # The front-end's own observer still got every update.
    assert observer.finals[image.job.id]
    assert observer.finals[song.job.id]


async def test_queue_depth_shows_the_top_ten_guilds_and_sums_the_rest(
    database_url: str, tmp_path: Path
) -> None:
    # Nothing runs them, so every job stays queued.
    async with idle_core(database_url, ["http://127.0.0.1:9"], tmp_path) as runtime:
        for guild_id in range(1, 13):  # guild g queues g jobs (users differ to stay under the caps)
            for user in range(guild_id):
                await runtime.service.submit(image_request(guild_id=guild_id, user_id=100 + user))
        # Two people using the app from their own account (core.jobs.scopes): summed, never named.
        for user_id in (424242, 434343):
            request = image_request(guild_id=personal_scope(user_id), user_id=user_id)
            await runtime.service.submit(replace(request, requester=replace(request.requester, channel_id=7)))
        async with serving(runtime, [True]) as (_, url):
            samples = await scrape(url)
    guilds = {
        dict(labels)["guild"]: value
        for (name, labels), value in samples.items()
        if name == "comfybot_guild_queued_jobs"
    }
    # guilds 1 and 2: 1 + 2
    assert guilds == {**{str(g): float(g) for g in range(3, 13)}, "other": 3.0, "personal": 2.0}
    assert samples[("comfybot_queued_jobs", ())] == sum(range(1, 13)) + 2
    assert samples[("comfybot_worker_queued_jobs", ())] == sum(range(1, 13)) + 2
    assert samples[("comfybot_backend_up", (("backend", "http://127.0.0.1:9"),))] == 0


async def test_discord_errors_are_counted_by_code(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    before = discord_error_counts().get("50013", 0)
    record_discord_error(50013)
    record_discord_error(50013)
    async with (
        running_core(database_url, [fake_comfy.url], tmp_path) as (runtime, _),
        serving(runtime, [True]) as (_, url),
    ):
        samples = await scrape(url)
    assert samples[("comfybot_discord_api_errors_total", (("code", "50013"),))] == before + 2


async def test_damaged_outputs_fetched_again_and_given_up_on_are_counted(
    database_url: str, fake_comfy_factory, tmp_path: Path
) -> None:
    # Three cut answers: the first job's file twice (it fails), the second job's once (fetched again, kept).
    fake: FakeComfyUI = await fake_comfy_factory(
        FakeConfig(default_steps=2, previews=False, truncate_outputs=3, truncated_length="short")
    )
    async with (
        running_core(database_url, [fake.url], tmp_path) as (runtime, observer),
        serving(runtime, [True]) as (_, url),
    ):
        failed = await runtime.service.submit(image_request(guild_id=1))
        await observer.final(failed.job.id)
        kept = await runtime.service.submit(image_request(guild_id=1))
        await observer.final(kept.job.id)
        samples = await scrape(url)
    assert samples[("comfybot_output_refetches_total", ())] == 2
    assert samples[("comfybot_output_damaged_total", ())] == 1


async def test_healthz_is_200_only_with_gateway_database_and_a_healthy_backend(
    database_url: str, fake_comfy: FakeComfyUI, tmp_path: Path
) -> None:
    connected = [True]
    async with (
        running_core(database_url, [fake_comfy.url], tmp_path) as (runtime, _),
        serving(runtime, connected) as (_, url),
    ):
        status, body = await healthz(url)
        assert status == 200
        assert body == {
            "gateway_connected": True,
            "database_reachable": True,
            "healthy_backends": 1,
            "backends": {fake_comfy.url: {"healthy": True, "detail": "ok"}},
            "disk": {"full": False, "detail": "", "jobs_saving": 0},
            "healthy": True,
        }
        connected[0] = False
        status, body = await healthz(url)
        assert (status, body["gateway_connected"], body["healthy"]) == (503, False, False)


async def test_healthz_is_503_when_no_backend_is_healthy(database_url: str, tmp_path: Path) -> None:
    """Neither /healthz nor /metrics shows what a backend's URL carries before its host: a password, or an
    API key given as the user name (a ComfyUI behind a proxy)."""
    backends = ["http://user:hunter2@127.0.0.1:9", "http://sk-proxykey42@127.0.0.1:10"]
    async with idle_core(database_url, backends, tmp_path) as runtime, serving(runtime, [True]) as (_, url):
        status, body = await healthz(url)
        samples = await scrape(url)
    assert status == 503
    assert body["healthy_backends"] == 0
    assert body["database_reachable"] is True
    assert "hunter2" not in str(body)
    assert "sk-proxykey42" not in str(body)
    shown = {"http://[credentials]@127.0.0.1:9", "http://[credentials]@127.0.0.1:10"}
    assert set(body["backends"]) == shown  # type: ignore[call-overload]
    labels = {
        dict(labels)["backend"] for (name, labels), _ in samples.items() if name == "comfybot_backend_up"
    }
    assert labels == shown


async def test_healthz_is_503_when_the_database_is_gone(
    fake_comfy: FakeComfyUI, tmp_path: Path, unused_tcp_port: int
) -> None:
    db_file = tmp_path / "bot.db"
    await upgrade_to_head(f"sqlite+aiosqlite:///{db_file}")
    async with (
        running_core(f"sqlite+aiosqlite:///{db_file}", [fake_comfy.url], tmp_path) as (runtime, _),
        serving(runtime, [True]) as (_, url),
    ):
        await runtime.engine.dispose()
        db_file.unlink()
        (tmp_path / "bot.db").mkdir()  # a folder where the file was: no database can be opened
        status, body = await healthz(url)
        samples = await scrape(url)
        (tmp_path / "bot.db").rmdir()
    assert status == 503
    assert body["database_reachable"] is False
    assert samples[("comfybot_database_up", ())] == 0


async def test_a_database_that_stops_answering_is_reported_down_and_the_rest_still_served(
    postgres_url: str, tmp_path: Path
) -> None:
    """Behind a network that drops every packet the database neither answers nor closes: the scrape waited
    for it with no end, so Prometheus saw the whole bot down (its alert, not "the database unreachable")
    and lost every other metric with it."""
    async with (
        stalling_relay(postgres_url) as relay,
        idle_core(relay.url, ["http://127.0.0.1:9"], tmp_path) as runtime,
        serving(runtime, [True]) as (_, url),
    ):
        assert (await scrape(url))[("comfybot_database_up", ())] == 1
        relay.stall()
        samples = await scrape(url)
        relay.resume()
    assert samples[("comfybot_database_up", ())] == 0
    assert samples[("comfybot_backend_up", (("backend", "http://127.0.0.1:9"),))] == 0


async def test_metrics_are_served_only_when_a_port_is_configured(database_url: str, tmp_path: Path) -> None:
    async with idle_core(database_url, ["http://127.0.0.1:9"], tmp_path) as runtime:
        async with metrics_served(None, runtime, lambda: True) as nothing:
            assert nothing is None
        async with metrics_served(0, runtime, lambda: True, host="127.0.0.1") as server:
            assert server is not None
            status, body = await healthz(f"http://127.0.0.1:{server.port}")
            assert status == 503  # an idle core has no healthy backend
            assert body["gateway_connected"] is True
        with pytest.raises(aiohttp.ClientConnectionError):
            await healthz(f"http://127.0.0.1:{server.port}")  # stopped with the block
