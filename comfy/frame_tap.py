"""Websocket frames handled where their bytes arrive, instead of by a task each read wakes.

aiohttp's protocol hands every read of the socket to its websocket parser, which queues a message per
frame; ``ws.receive()`` takes them one await at a time, in the reading task the read woke. ComfyUI sends
~40 frames a job in ~15 reads, and the loop paid a task step for each read and a chain of coroutines
for each frame before handling any of them.

A :class:`FrameTap` stands between the protocol and aiohttp's own parser, which keeps every check it
makes (frame and message sizes, ``max_msg_size``, UTF-8, fragments, close codes). After each read it
takes the text and binary messages the parser queued, in order, and hands them on at once. Everything
else (pings, pongs, the close frame, a protocol error, the end of the stream, a failed heartbeat) goes
to a second queue that ``ws.receive()`` reads as before, so aiohttp still answers pings, runs the close
handshake and reports errors to the reading task.

aiohttp's heartbeat (a ping after ``heartbeat`` seconds without data, the socket closed if nothing answers
it) is told of data at most every eighth of that: it scheduled a callback, so a loop pass of its own, at
every read. A ping follows a silence as long as the heartbeat, so the answer to it is always told.

This leans on aiohttp's internals (the protocol's parser and payload queue, the websocket's reader).
:func:`tap` checks that they look as it expects and returns None otherwise: the connection then reads
every frame through ``ws.receive()``, as it did before.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import aiohttp

log = logging.getLogger(__name__)

_TEXT = aiohttp.WSMsgType.TEXT
_BINARY = aiohttp.WSMsgType.BINARY
_QUEUE_LIMIT = 2**16  # what aiohttp gives its own queue: only control frames wait in ours


def _data_queue_class() -> Any:
    """aiohttp's websocket message queue, where aiohttp 3.11 and later keep it; None elsewhere."""
    try:
        from aiohttp._websocket.reader import WebSocketDataQueue
    except ImportError:  # pragma: no cover - another aiohttp's layout: frames are read the ordinary way
        return None
    return WebSocketDataQueue


_DataQueue: Any = _data_queue_class()


class FrameTap:
    """Takes a connection's text and binary messages out of aiohttp's queue as each read is parsed."""

    def __init__(
        self,
        parser: Any,
        staging: Any,
        control: Any,
        *,
        on_text: Callable[[str], None],
        on_binary: Callable[[bytes], None],
        source: str = "",
    ) -> None:
        self._source = source  # the socket's address, for the log
        self._parser = parser  # aiohttp's WebSocketReader, fed by the protocol through us
        self._staging = staging  # the queue that parser fills
        self._control = control  # what ws.receive() reads: everything but text and binary
        self._on_text = on_text
        self._on_binary = on_binary
        self._failed = False
        self.reads = 0  # reads handed on: for tests and benchmarks
        self._heartbeat_reset: Callable[[], None] = _nothing
        self._heartbeat_every_s = 0.0
        self._heartbeat_next = float("-inf")
        self._clock: Callable[[], float] = asyncio.get_running_loop().time

    def tell_heartbeat(self, reset: Callable[[], None], heartbeat_s: float) -> Callable[[], None]:
        """What the protocol calls at each read in place of ``reset``: ``reset`` at most every
        ``heartbeat_s / 8``."""
        self._heartbeat_reset = reset
        self._heartbeat_every_s = heartbeat_s / 8
        return self._data_arrived

    def _data_arrived(self) -> None:
        now = self._clock()
        if now >= self._heartbeat_next:
            self._heartbeat_next = now + self._heartbeat_every_s
            self._heartbeat_reset()

    def stop(self) -> None:
        """Hand on no more frames: the reading task has let go of this connection."""
        self._on_text = _ignore
        self._on_binary = _ignore

    # The protocol calls these two as it would the parser's.
    def feed_data(self, data: bytes) -> tuple[bool, bytes]:
        outcome: tuple[bool, bytes] = self._parser.feed_data(data)
        self.reads += 1
        self.hand_on()
        return outcome

    def feed_eof(self) -> None:
        self._parser.feed_eof()
        self.hand_on()
        self._control.feed_eof()

    def hand_on(self) -> None:
        """Everything the parser has queued: frames to the callbacks, the rest to ``ws.receive()``."""
        staging = self._staging
        buffered = staging._buffer
        while buffered:
            message = _take(staging)
            kind = message[0]
            try:
                if kind is _TEXT:
                    self._on_text(message[1])
                elif kind is _BINARY:
                    self._on_binary(message[1])
                else:
                    data = message[1]
                    self._control.feed_data(message, len(data) if isinstance(data, bytes) else 0)
            except Exception:
                # One frame we cannot handle must not cost every other prompt its events (and an
                # error here would reach the transport, which would close the socket).
                log.exception("failed to handle a websocket frame from %s", self._source)
        if not self._failed and (exc := staging.exception()) is not None:
            # A protocol error (too big, not UTF-8...): the reading task learns it as it did before.
            self._failed = True
            self._control.set_exception(exc)


def _take(queue: Any) -> Any:
    """The next message of an aiohttp queue known to hold one: its read() then returns without waiting,
    and keeps the queue's flow control (resuming a paused parser or socket) as a read by receive() does."""
    step = queue.read()
    try:
        step.send(None)
    except StopIteration as done:
        return done.value
    step.close()
    raise RuntimeError("aiohttp's websocket queue waited while it held a message")


def _ignore(frame: object) -> None:
    return None


def _nothing() -> None:
    return None


def tap(
    ws: aiohttp.ClientWebSocketResponse,
    *,
    on_text: Callable[[str], None],
    on_binary: Callable[[bytes], None],
    heartbeat_s: float | None = None,
    source: str = "",
) -> FrameTap | None:
    """Put a FrameTap in front of ``ws``'s parser and hand on what it has queued so far; None (and ``ws``
    left as it was) where aiohttp's insides are not as expected."""
    response = getattr(ws, "_response", None)
    protocol: Any = getattr(getattr(response, "connection", None), "protocol", None)
    parser = getattr(protocol, "_payload_parser", None)
    staging = getattr(protocol, "_payload", None)
    if (
        _DataQueue is None
        or parser is None
        or not isinstance(staging, _DataQueue)
        or getattr(ws, "_reader", None) is not staging
        or not hasattr(protocol, "_data_received_cb")
        or not hasattr(protocol, "set_parser")
    ):
        return None
    control = _DataQueue(protocol, _QUEUE_LIMIT, loop=asyncio.get_running_loop())
    frame_tap = FrameTap(parser, staging, control, on_text=on_text, on_binary=on_binary, source=source)
    told = protocol._data_received_cb  # aiohttp's heartbeat reset, when ws_connect was given one
    if told is not None and heartbeat_s:
        told = frame_tap.tell_heartbeat(told, heartbeat_s)
    protocol.set_parser(frame_tap, control, data_received_cb=told)
    ws._reader = control
    frame_tap.hand_on()  # what came before the tap, first
    return frame_tap
