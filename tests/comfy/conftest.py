"""Clients wired to the fake ComfyUI server on real sockets, with timings shrunk for fast tests."""

from __future__ import annotations

import asyncio
import io
import json
import math
import struct
import wave
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from comfy import events
from comfy.client import ClientSettings, ComfyClient
from comfy.connection import ReconnectPolicy
from comfy.run import PromptRun

GRAPHS = Path(__file__).parent / "graphs"

FAST = ClientSettings(
    request_timeout_s=5.0,
    connect_wait_s=5.0,
    silence_timeout_s=5.0,
    poll_interval_s=0.05,
    history_grace_s=1.0,
    give_up_after_failures=4,
    cancel_timeout_s=5.0,
    cancel_recheck_s=0.05,
    reconnect=ReconnectPolicy(
        base_delay_s=0.02, max_delay_s=0.1, healthy_after_s=0.5, heartbeat_s=5.0, connect_timeout_s=1.0
    ),
)

ClientFactory = Callable[..., Awaitable[ComfyClient]]


def graph(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((GRAPHS / f"{name}.json").read_text(encoding="utf-8"))
    return data


async def collect(run: PromptRun, timeout_s: float = 10.0) -> list[events.PromptEvent]:
    got: list[events.PromptEvent] = []

    async def consume() -> None:
        async for event in run:
            got.append(event)

    await asyncio.wait_for(consume(), timeout_s)
    return got


def record_history_reads(client: ComfyClient) -> list[str]:
    """The prompt ids the client reads GET /history/{id} for, from now on (the real request still made)."""
    read: list[str] = []
    real = client.http.history

    async def history(prompt_id: str) -> Mapping[str, Any] | None:
        read.append(prompt_id)
        return await real(prompt_id)

    client.http.history = history  # type: ignore[method-assign]
    return read


@pytest.fixture
async def http_session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def make_client(http_session: aiohttp.ClientSession) -> AsyncIterator[ClientFactory]:
    clients: list[ComfyClient] = []

    async def factory(url: str, client_id: str = "test-client", **overrides: Any) -> ComfyClient:
        settings = replace(FAST, **overrides)
        client = ComfyClient(http_session, url, client_id, settings=settings)
        clients.append(client)
        await client.start()
        assert await client._ws.wait_connected(5.0)
        return client

    yield factory
    for client in clients:
        await client.close()


def wav_bytes(channels: int, seconds: float = 0.5, rate: int = 44100) -> bytes:
    """A 440 Hz tone as 16-bit PCM WAV, like the recorded tone_stereo.wav / tone_mono.wav inputs."""
    frames = b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate))) * channels
        for i in range(int(seconds * rate))
    )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)
    return buffer.getvalue()


async def audio_graph(client: ComfyClient, name: str, channels: int) -> dict[str, Any]:
    """The named LoadAudio workflow, with its input tone uploaded to the client's backend first."""
    workflow = graph(name)
    uploaded = await client.upload(f"tone_{channels}ch.wav", wav_bytes(channels))
    workflow["1"]["inputs"]["audio"] = uploaded.reference
    return workflow
