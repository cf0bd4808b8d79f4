"""Who hears that a job's delivery settled: its final update reached the front-end, or delivery gave up.

The core says so instead of leaving others to poll the database for `delivery_state`: tests wait on it, and
anything else that cares (metrics, say) can listen. A listener is called on the event loop, right after the
state is written; one that raises is logged and the others still hear.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from db.enums import DeliveryState
from db.snapshots import JobView

log = logging.getLogger(__name__)

DeliveryListener = Callable[[JobView, DeliveryState], None]


class DeliveryEvents:
    def __init__(self) -> None:
        self._listeners: list[DeliveryListener] = []

    def subscribe(self, listener: DeliveryListener) -> Callable[[], None]:
        """Hear every settled delivery from now on; the returned callable stops it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def settled(self, job: JobView, state: DeliveryState) -> None:
        for listener in list(self._listeners):
            try:
                listener(job, state)
            except Exception:
                log.exception("a delivery listener failed")  # called inside the delivery's log context
