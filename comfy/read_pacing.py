"""Reading a backend's socket in bursts while a sampler steps, instead of at every frame.

ComfyUI sends up to four frames at every sampler step (progress_state, a preview with its metadata,
progress, a legacy preview). Read as they come, each step wakes the event loop, and on a small virtual
machine a wake from idle costs more CPU than handling the frames it brings. Nothing looks at progress
more often than the run's consumer is paced (50 ms in the worker), so in the middle of a sampler the
socket is left unread for a while and what arrived meanwhile is handled in one go.

A prompt's end must not wait: the hold ends at least one step (at the pace the sampler has kept so far)
before the sampler's last step is due, and nothing is held after the last step, so what follows it
(decoding, saving, `executed`, `execution_success`) is read as it arrives. A sampler's first step is
read as it comes (the pace is counted from it). An error or an interrupt mid-sampler is read at most one
hold late.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any


def transport_of(ws: Any) -> asyncio.Transport | None:
    """The socket transport under an aiohttp websocket, or None where aiohttp does not show it.

    aiohttp keeps the response the websocket was upgraded from; its public ``connection.transport``
    is the socket. Without it (another aiohttp's layout) reads are simply not paced.
    """
    response = getattr(ws, "_response", None)
    connection = getattr(response, "connection", None)
    transport = getattr(connection, "transport", None)
    return transport if isinstance(transport, asyncio.Transport) else None


class ReadPacer:
    """Holds one connection's reads for up to ``pause_s`` while a sampler has steps to go."""

    def __init__(
        self, pause_s: float, *, shortest_hold_s: float = 0.005, clock: Callable[[], float] | None = None
    ) -> None:
        self.pause_s = pause_s
        self._clock = clock  # the loop's time unless a test sets one
        self.shortest_hold_s = shortest_hold_s  # a shorter hold saves no wake
        self.pauses = 0  # how often reading was held, and for how long last: for tests and benchmarks
        self.last_hold_s = 0.0
        self._transport: asyncio.Transport | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._sampler: tuple[object, object] = (None, None)  # (prompt id, node) of the steps below
        self._first_step: tuple[float, float] = (0.0, 0.0)  # (value, loop time) when first read
        self._last_value = 0.0

    def attach(self, transport: asyncio.Transport | None) -> None:
        """A new connection: reads of the previous one are no longer ours to hold."""
        self.release()
        self._transport = transport

    def after_progress(self, data: Mapping[str, Any]) -> None:
        """A `progress` frame was handled: hold reads if this sampler has steps to go."""
        transport = self._transport
        value, total = data.get("value"), data.get("max")
        if self.pause_s <= 0 or transport is None or self._timer is not None:
            return
        if not (isinstance(value, int | float) and isinstance(total, int | float)):
            return  # a step we cannot place might be the last
        loop = asyncio.get_running_loop()
        now = self._clock() if self._clock is not None else loop.time()
        sampler = (data.get("prompt_id"), data.get("node"))
        if sampler != self._sampler or value < self._last_value:  # another sampler, or a new run of it
            self._sampler, self._first_step, self._last_value = sampler, (value, now), value
            return
        self._last_value = value
        first_value, first_at = self._first_step
        if value <= first_value or value >= total or transport.is_closing():
            return
        # Reads after a hold come late, which makes the pace look slower than it is and the hold longer:
        # the spare step covers that.
        step_s = (now - first_at) / (value - first_value)
        hold_s = min(self.pause_s, (total - value - 1) * step_s)
        if hold_s < self.shortest_hold_s:
            return
        transport.pause_reading()
        self.pauses += 1
        self.last_hold_s = hold_s
        self._timer = loop.call_later(hold_s, self._resume)

    def release(self) -> None:
        """Read again now (before closing the socket, whose close handshake must be read)."""
        if self._timer is not None:
            self._timer.cancel()
            self._resume()

    def _resume(self) -> None:
        self._timer = None
        transport = self._transport
        if transport is not None and not transport.is_closing():
            transport.resume_reading()
