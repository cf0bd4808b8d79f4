"""Frames handed on as their bytes are parsed (comfy.frame_tap), with aiohttp still doing the rest."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from comfy import events
from comfy.frame_tap import FrameTap, tap
from tests.comfy.conftest import ClientFactory, collect, graph
from tests.comfy.raw_ws import BINARY, CLOSE, PING, PONG, TEXT, Peer, close_frame, frame, raw_server

NO_RECEIVE_TIMEOUT = aiohttp.ClientWSTimeout(ws_receive=None, ws_close=2.0)


class Frames:
    """What the tap handed on, and an event once ``expected`` frames are in."""

    def __init__(self, expected: int) -> None:
        self.got: list[str | bytes] = []
        self.expected = expected
        self.all_in = asyncio.Event()

    def text(self, text: str) -> None:
        self._got(text)

    def binary(self, data: bytes) -> None:
        self._got(data)

    def _got(self, item: str | bytes) -> None:
        self.got.append(item)
        if len(self.got) >= self.expected:
            self.all_in.set()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as http:
        yield http


async def tapped(
    session: aiohttp.ClientSession,
    url: str,
    peers: asyncio.Queue[Peer],
    frames: Frames,
    max_msg_size: int = 4 * 1024 * 1024,
) -> tuple[aiohttp.ClientWebSocketResponse, FrameTap, Peer]:
    ws = await session.ws_connect(url, timeout=NO_RECEIVE_TIMEOUT, max_msg_size=max_msg_size)
    frame_tap = tap(ws, on_text=frames.text, on_binary=frames.binary)
    assert frame_tap is not None  # the aiohttp this project runs has the insides the tap needs
    return ws, frame_tap, await peers.get()


async def closed_by(peer: Peer, ws: aiohttp.ClientWebSocketResponse) -> None:
    await peer.send(close_frame(1000))
    assert (await ws.receive()).type is aiohttp.WSMsgType.CLOSE


async def test_frames_come_in_order_with_no_task_reading_even_those_sent_with_the_handshake(
    session: aiohttp.ClientSession,
) -> None:
    cut = frame(TEXT, "c" * 300)
    # The handshake's answer, two frames and the first bytes of a third in one write: aiohttp's parser
    # reads them before the tap is in place, and keeps the cut frame's start for the tap's reads.
    first = frame(TEXT, "a") + frame(BINARY, b"b") + cut[:40]
    frames = Frames(4)
    async with raw_server(first) as (url, peers):
        ws, frame_tap, peer = await tapped(session, url, peers, frames)
        assert frames.got == ["a", b"b"]  # handed on as the tap was put in place
        await peer.send(cut[40:] + frame(TEXT, "d"))
        await frames.all_in.wait()  # nothing calls ws.receive(): the frames came as the bytes did
        assert frames.got == ["a", b"b", "c" * 300, "d"]
        assert frame_tap.reads >= 1
        await closed_by(peer, ws)


async def test_pings_are_answered_and_the_close_ends_the_reading(session: aiohttp.ClientSession) -> None:
    frames = Frames(1)
    async with raw_server() as (url, peers):
        ws, _, peer = await tapped(session, url, peers, frames)
        receiving = asyncio.create_task(ws.receive())
        await peer.send(frame(TEXT, "x") + frame(PING, b"hi"))
        assert await peer.read_frame() == (PONG, b"hi")
        await peer.send(close_frame(1000))
        message = await receiving
        assert message.type is aiohttp.WSMsgType.CLOSE
        assert await peer.read_frame() == (CLOSE, b"\x03\xe8")  # aiohttp's answer to the close
        assert frames.got == ["x"]  # the text frame went to the tap, not to receive()


async def test_a_message_over_max_msg_size_fails_the_reading_after_the_frames_before_it(
    session: aiohttp.ClientSession,
) -> None:
    frames = Frames(1)
    async with raw_server() as (url, peers):
        ws, _, peer = await tapped(session, url, peers, frames, max_msg_size=64)
        await peer.send(frame(TEXT, "ok") + frame(TEXT, "x" * 100))
        message = await ws.receive()
        assert message.type is aiohttp.WSMsgType.ERROR
        assert ws.close_code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG
        assert frames.got == ["ok"]


async def test_a_frame_its_callback_fails_on_costs_only_that_frame(
    session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    frames = Frames(1)

    def text(value: str) -> None:
        if value == "bad":
            raise ValueError("cannot handle it")
        frames.text(value)

    async with raw_server() as (url, peers):
        ws = await session.ws_connect(url, timeout=NO_RECEIVE_TIMEOUT)
        assert tap(ws, on_text=text, on_binary=frames.binary, source=url) is not None
        peer = await peers.get()
        await peer.send(frame(TEXT, "bad") + frame(TEXT, "good"))
        await frames.all_in.wait()
        assert frames.got == ["good"]
        assert not ws.closed
        assert f"failed to handle a websocket frame from {url}" in caplog.text
        await closed_by(peer, ws)


async def test_frames_after_stop_are_dropped(session: aiohttp.ClientSession) -> None:
    frames = Frames(1)
    async with raw_server() as (url, peers):
        ws, frame_tap, peer = await tapped(session, url, peers, frames)
        await peer.send(frame(TEXT, "kept"))
        await frames.all_in.wait()
        frame_tap.stop()
        receiving = asyncio.create_task(ws.receive())
        await peer.send(frame(TEXT, "late") + frame(PING, b"after"))
        assert await peer.read_frame() == (PONG, b"after")  # the late frame was read before the ping
        assert frames.got == ["kept"]
        receiving.cancel()
        await asyncio.gather(receiving, return_exceptions=True)


async def test_a_server_that_stops_answering_pings_fails_the_reading(session: aiohttp.ClientSession) -> None:
    frames = Frames(20)
    async with raw_server() as (url, peers):
        ws = await session.ws_connect(url, timeout=NO_RECEIVE_TIMEOUT, heartbeat=0.2)
        assert tap(ws, on_text=frames.text, on_binary=frames.binary, heartbeat_s=0.2) is not None
        peer = await peers.get()
        receiving = asyncio.create_task(ws.receive())
        for index in range(20):  # reads that tell the heartbeat of data, at most every 25 ms
            await peer.send(frame(TEXT, str(index)))
        await frames.all_in.wait()
        assert await peer.read_frame() == (PING, b"")  # after 0.2 s without data; never answered
        message = await receiving
        assert message.type is aiohttp.WSMsgType.ERROR
        assert isinstance(message.data, aiohttp.ServerTimeoutError)


async def test_without_the_tap_a_job_is_followed_through_ws_receive(
    fake_comfy: Any, make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An aiohttp whose insides the tap does not know: the connection reads every frame itself.
    monkeypatch.setattr("comfy.frame_tap._DataQueue", None)
    fake_comfy.config.step_time_s = 0.01
    client = await make_client(fake_comfy.url)

    got = await collect(await client.submit(graph("canonical_txt2img_sd15_api"), "untapped-1"))

    assert isinstance(got[-1], events.Completed)
    assert any(isinstance(event, events.Progress) for event in got)
