"""A websocket client that records every frame, for replaying traces and checking the fake."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from tests.fakes.comfyui import frames

# Upper bounds that only end a hang: a real CPU-only ComfyUI shared with other work can take a minute to
# load a checkpoint or answer a socket. Nothing waits for them to pass; the fake answers in milliseconds.
FRAME_TIMEOUT_S = 60.0
JOB_TIMEOUT_S = 600.0


@dataclass
class Frame:
    kind: str  # "text" or "binary"
    msg: dict[str, Any] | None = None
    binary: dict[str, Any] | None = None

    @property
    def type(self) -> str:
        if self.msg is not None:
            return str(self.msg["type"])
        assert self.binary is not None
        return f"BINARY:{self.binary['event']}"


@dataclass
class Recorder:
    ws: aiohttp.ClientWebSocketResponse
    frames: list[Frame] = field(default_factory=list)
    closed_code: int | None = None
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _task: asyncio.Task[None] | None = None

    @classmethod
    async def connect(
        cls, http: aiohttp.ClientSession, base_url: str, client_id: str | None, metadata: bool = False
    ) -> Recorder:
        url = base_url + "/ws" + (f"?clientId={client_id}" if client_id else "")
        recorder = cls(await http.ws_connect(url, autoping=True))
        recorder._task = asyncio.create_task(recorder._pump())
        if metadata:
            await recorder.ws.send_json(
                {"type": "feature_flags", "data": {"supports_preview_metadata": True}}
            )
        await recorder.wait_for(lambda f: f.type == "status")
        if metadata:
            await recorder.wait_for(lambda f: f.type == "feature_flags")
        return recorder

    async def _pump(self) -> None:
        async for message in self.ws:
            if message.type == aiohttp.WSMsgType.TEXT:
                self.frames.append(Frame("text", msg=json.loads(message.data)))
            elif message.type == aiohttp.WSMsgType.BINARY:
                self.frames.append(Frame("binary", binary=frames.decode(message.data)))
            self._changed.set()
        self.closed_code = self.ws.close_code
        self._changed.set()

    async def wait_for(
        self,
        predicate: Any,
        timeout: float = FRAME_TIMEOUT_S,  # noqa: ASYNC109
        start: int = 0,
    ) -> Frame:
        async with asyncio.timeout(timeout):
            while True:
                for frame in self.frames[start:]:
                    if predicate(frame):
                        return frame
                if self._task is not None and self._task.done():
                    raise ConnectionError(f"websocket closed with {self.closed_code}")
                self._changed.clear()
                await self._changed.wait()

    async def wait_closed(self, timeout: float = FRAME_TIMEOUT_S) -> int | None:  # noqa: ASYNC109
        assert self._task is not None
        async with asyncio.timeout(timeout):
            await asyncio.shield(self._task)
        return self.closed_code

    async def wait_done(self, prompt_id: str, timeout: float = JOB_TIMEOUT_S) -> Frame:  # noqa: ASYNC109
        """Until `executing {node: null, prompt_id}`: the real completion signal."""

        def done(frame: Frame) -> bool:
            data = frame.msg["data"] if frame.msg is not None else {}
            return (
                frame.type == "executing" and data.get("node") is None and data.get("prompt_id") == prompt_id
            )

        return await self.wait_for(done, timeout)

    def texts(self, prompt_id: str | None = None) -> list[dict[str, Any]]:
        out = [f.msg for f in self.frames if f.msg is not None]
        if prompt_id is not None:
            out = [m for m in out if m["data"].get("prompt_id") == prompt_id]
        return out

    def statuses(self) -> list[int]:
        """queue_remaining of every `status` received, the on-connect one first."""
        texts = self.texts()
        return [m["data"]["status"]["exec_info"]["queue_remaining"] for m in texts if m["type"] == "status"]

    async def close(self) -> None:
        await self.ws.close()
        if self._task is not None:
            await self._task


async def post_prompt(
    http: aiohttp.ClientSession,
    url: str,
    workflow: dict[str, Any],
    client_id: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """POST /prompt and return the JSON answer (asserting it was accepted)."""
    body: dict[str, Any] = {"prompt": workflow, **extra}
    if client_id is not None:
        body["client_id"] = client_id
    async with http.post(url + "/prompt", json=body) as response:
        answer: dict[str, Any] = await response.json()
        assert response.status == 200, answer
    return answer


async def get_json(http: aiohttp.ClientSession, url: str, **params: Any) -> Any:
    async with http.get(url, params=params) as response:
        assert response.status == 200
        return await response.json()


def is_idle_status(frame: Frame) -> bool:
    """A broadcast `status` saying the queue is empty."""
    return (
        frame.msg is not None
        and frame.type == "status"
        and frame.msg["data"]["status"]["exec_info"]["queue_remaining"] == 0
    )
