"""The one long-lived websocket to a backend: feature flags, heartbeat, reconnect with backoff."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp

from background.loops import supervise
from comfy import protocol
from comfy.frame_tap import tap
from comfy.read_pacing import ReadPacer, transport_of

log = logging.getLogger(__name__)

FEATURE_FLAGS = {"type": "feature_flags", "data": {"supports_preview_metadata": True}}


@dataclass(frozen=True, slots=True)
class ReconnectPolicy:
    """Back off only on rapid failures: a connection that stayed up ``healthy_after_s`` resets the delay."""

    base_delay_s: float = 0.5
    max_delay_s: float = 30.0
    # While prompts or queued jobs wait on this backend, try at least this often: a restarted ComfyUI
    # answers again after ~7 s and every second of backoff beyond that is a second the user waits.
    urgent_max_delay_s: float = 1.0
    healthy_after_s: float = 30.0
    heartbeat_s: float = 20.0
    connect_timeout_s: float = 10.0
    # Ask for type-4 previews (prompt and node ids attached). Off only to talk like a legacy client.
    preview_metadata: bool = True
    # Mid-sampler, leave the socket unread this long and handle what came meanwhile together
    # (comfy.read_pacing). 0: read every frame as it arrives.
    read_pause_s: float = 0.0

    def delay(self, failures: int, *, urgent: bool = False) -> float:
        if failures <= 0:
            return 0.0
        ceiling = min(self.max_delay_s, self.base_delay_s * 2.0 ** (failures - 1))
        if urgent:
            ceiling = min(ceiling, self.urgent_max_delay_s)
        return ceiling * (0.75 + random.random() / 4)  # noqa: S311 - jitter, not security


def failure_log_level(failures: int) -> int:
    """WARNING for the 1st, 2nd, 4th, 8th... failure in a row, DEBUG between: a ComfyUI that stays down
    (retried every second while jobs wait for it) is told a few times, not once a second."""
    return logging.WARNING if failures & (failures - 1) == 0 else logging.DEBUG


class Backoff:
    """Consecutive failures since the last healthy connection, and the delay they call for."""

    def __init__(self, policy: ReconnectPolicy) -> None:
        self.policy = policy
        self.failures = 0

    def attempt_failed(self) -> int:
        self.failures += 1
        return self.failures

    def connection_lost(self, lived_s: float) -> int:
        """A drop after a healthy run starts counting afresh; a drop right after connecting does not."""
        if lived_s >= self.policy.healthy_after_s:
            self.failures = 0
        return self.attempt_failed()

    def delay(self, *, urgent: bool = False) -> float:
        return self.policy.delay(self.failures, urgent=urgent)


class WebSocketConnection:
    """Keeps ``/ws?clientId=`` open and hands every frame to the client's callbacks.

    ``on_up(reconnected)`` runs after each successful connect; ``on_down(failures)`` after each drop or
    failed attempt, with the number of consecutive failures since the last healthy connection. While
    ``urgent()`` says someone waits on the backend, reconnect attempts are at most
    ``policy.urgent_max_delay_s`` apart; :meth:`hurry` cuts a longer wait short when that becomes true.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        client_id: str,
        *,
        on_text: Callable[[protocol.ServerMessage], None],
        on_binary: Callable[[bytes], None],
        on_up: Callable[[bool], Awaitable[None]],
        on_down: Callable[[int], None],
        policy: ReconnectPolicy,
        urgent: Callable[[], bool] = lambda: False,
    ) -> None:
        self._session = session
        self._url = base_url.rstrip("/") + "/ws"
        self.client_id = client_id
        self._on_text = on_text
        self._on_binary = on_binary
        self._on_up = on_up
        self._on_down = on_down
        self.policy = policy
        self._urgent = urgent
        self.listeners: list[Callable[[bool], None]] = []  # told True on connect, False on each drop
        self._hurry = asyncio.Event()
        self.preview_metadata = False  # the server confirmed supports_preview_metadata
        self._connected = asyncio.Event()
        self._tried = asyncio.Event()  # the first attempt has connected or failed
        self._closing = asyncio.Event()
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._task: asyncio.Task[None] | None = None
        self._pacer = ReadPacer(policy.read_pause_s)

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    async def wait_connected(self, timeout_s: float) -> bool:
        try:
            await asyncio.wait_for(self._connected.wait(), timeout_s)
        except TimeoutError:
            return False
        return True

    async def wait_first_attempt(self, timeout_s: float) -> bool:
        """Wait until the first attempt to connect has succeeded or failed; True if connected."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._tried.wait(), timeout_s)
        return self.connected

    def start(self) -> None:
        if self._task is None:
            loop = asyncio.get_running_loop()
            run = supervise(f"websocket {self._url}", self._run)
            self._task = loop.create_task(run, name=f"comfy-ws-{self.client_id}")
            self._task.add_done_callback(self._log_crash)

    def hurry(self) -> None:
        """Someone now waits on this backend: a reconnect wait longer than the urgent one is cut short."""
        self._hurry.set()

    async def _wait_before_attempt(self, backoff: Backoff) -> None:
        loop = asyncio.get_running_loop()
        began = loop.time()
        until = began + backoff.delay(urgent=self._urgent())
        self._hurry.clear()
        while (left := until - loop.time()) > 0:
            try:
                await asyncio.wait_for(self._hurry.wait(), left)
            except TimeoutError:
                return
            self._hurry.clear()
            until = min(until, began + self.policy.urgent_max_delay_s)

    async def drop(self) -> None:
        """Close the current socket; the loop reconnects (after the usual backoff) and reconciles."""
        if self._ws is not None:
            self._pacer.release()
            await self._ws.close()

    async def close(self) -> None:
        self._closing.set()
        if self._ws is not None:
            self._pacer.release()
            await self._ws.close()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    @staticmethod
    def _log_crash(task: asyncio.Task[None]) -> None:
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.error("websocket loop crashed", exc_info=exc)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        backoff = Backoff(self.policy)
        ever_connected = False
        while not self._closing.is_set():
            await self._wait_before_attempt(backoff)
            try:
                async with asyncio.timeout(self.policy.connect_timeout_s):
                    ws = await self._session.ws_connect(
                        self._url,
                        params={"clientId": self.client_id},
                        heartbeat=self.policy.heartbeat_s,
                        timeout=aiohttp.ClientWSTimeout(ws_receive=None, ws_close=5.0),
                        max_msg_size=64 * 1024 * 1024,
                    )
            except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                failures = backoff.attempt_failed()
                log.log(
                    failure_log_level(failures),
                    "websocket connect to %s failed (%d in a row): %s",
                    self._url,
                    failures,
                    str(exc) or type(exc).__name__,
                )
                self._went_down(failures)
                continue
            connected_at = loop.time()
            try:
                await self._serve(ws, reconnected=ever_connected)
                ever_connected = True
            finally:
                self._connected.clear()
                self._ws = None
                self._pacer.attach(None)
                await ws.close()
            if self._closing.is_set():
                return
            failures = backoff.connection_lost(loop.time() - connected_at)
            log.warning("websocket %s closed (code %s); reconnecting", self._url, ws.close_code)
            self._went_down(failures)

    def _went_down(self, failures: int) -> None:
        self._tried.set()
        self._on_down(failures)
        self._tell_listeners(connected=False)

    def _tell_listeners(self, *, connected: bool) -> None:
        for listener in self.listeners:
            try:
                listener(connected)
            except Exception:
                log.exception("a connection listener of %s failed", self._url)

    async def _serve(self, ws: aiohttp.ClientWebSocketResponse, *, reconnected: bool) -> None:
        self._ws = ws
        self._pacer.attach(transport_of(ws))
        self.preview_metadata = False
        if self.policy.preview_metadata:
            try:
                await ws.send_json(FEATURE_FLAGS)
            except (aiohttp.ClientError, OSError) as exc:
                log.warning("websocket %s dropped while negotiating: %r", self._url, exc)
                return
        self._connected.set()
        self._tried.set()
        log.info("websocket connected to %s as client_id=%s", self._url, self.client_id)
        self._tell_listeners(connected=True)
        await self._on_up(reconnected)
        # Text and binary frames are handled as each read is parsed (comfy.frame_tap); the loop below then
        # sees only what aiohttp itself handles (pings, the close, errors), or every frame without the tap.
        frame_tap = tap(
            ws,
            on_text=self._handle_text,
            on_binary=self._on_binary,
            heartbeat_s=self.policy.heartbeat_s,
            source=self._url,
        )
        try:
            async for message in ws:
                if message.type is aiohttp.WSMsgType.ERROR:
                    log.warning("websocket %s error: %r", self._url, ws.exception())
                    return
                try:
                    if message.type is aiohttp.WSMsgType.TEXT:
                        self._handle_text(message.data)
                    elif message.type is aiohttp.WSMsgType.BINARY:
                        self._on_binary(message.data)
                except Exception:
                    # One frame we cannot handle must not cost every other prompt its events.
                    log.exception("failed to handle a websocket frame from %s", self._url)
        except (aiohttp.ClientError, OSError) as exc:
            log.warning("websocket %s dropped: %r", self._url, exc)
        finally:
            if frame_tap is not None:
                frame_tap.stop()

    def _handle_text(self, text: str) -> None:
        message = protocol.parse_text_frame(text)
        if message is None:
            log.warning("ignoring malformed websocket frame: %.200s", text)
            return
        if message.type == "feature_flags":
            self.preview_metadata = bool(message.data.get("supports_preview_metadata"))
        self._on_text(message)
        if message.type == "progress":
            self._pacer.after_progress(message.data)
