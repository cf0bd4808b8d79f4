"""SIGTERM and SIGINT ask the running bot to stop gracefully instead of killing it where it stands."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator

log = logging.getLogger(__name__)

_SIGNALS = (signal.SIGTERM, signal.SIGINT)


@contextlib.asynccontextmanager
async def stop_requested() -> AsyncIterator[asyncio.Event]:
    """An event set by the first SIGTERM or SIGINT; a second one stops at once (the operator insists)."""
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()

    def on_signal(number: int) -> None:
        if stopping.is_set():
            log.warning("%s again: stopping now", signal.Signals(number).name)
            raise SystemExit(128 + number)
        log.info("%s: stopping gracefully", signal.Signals(number).name)
        stopping.set()

    for number in _SIGNALS:
        loop.add_signal_handler(number, on_signal, number)
    try:
        yield stopping
    finally:
        for number in _SIGNALS:
            loop.remove_signal_handler(number)
