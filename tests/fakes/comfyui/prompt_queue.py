"""The prompt queue (a heap ordered by `number`), the running item and the in-memory history."""

from __future__ import annotations

import asyncio
import copy
import heapq
import itertools
from dataclasses import dataclass, field
from typing import Any

MAXIMUM_HISTORY_SIZE = 10000
SENSITIVE_EXTRA_DATA_KEYS = ("auth_token_comfy_org", "api_key_comfy_org")


@dataclass(order=True)
class QueueItem:
    number: float  # an int when the server counted it, a float when the client chose it
    seq: int  # tie-breaker for equal numbers; the real heap would compare prompt ids here
    prompt_id: str = field(compare=False)
    prompt: dict[str, Any] = field(compare=False)
    extra_data: dict[str, Any] = field(compare=False)
    outputs: list[str] = field(compare=False)
    sensitive: dict[str, Any] = field(compare=False, default_factory=dict)

    def public(self) -> list[Any]:
        """The 5-element list used by GET /queue and history: sensitive extra data stripped."""
        return [self.number, self.prompt_id, self.prompt, self.extra_data, list(self.outputs)]


class PromptQueue:
    def __init__(self, on_change: Any) -> None:
        self._on_change = on_change
        self._heap: list[QueueItem] = []
        self._seq = itertools.count()
        self.running: QueueItem | None = None
        self.history: dict[str, dict[str, Any]] = {}
        self._wakeup = asyncio.Event()

    def remaining(self) -> int:
        return len(self._heap) + (1 if self.running is not None else 0)

    def put(self, number: float, prompt_id: str, prompt: dict[str, Any], extra_data: dict[str, Any],
            outputs: list[str]) -> None:  # fmt: skip
        sensitive = {k: extra_data.pop(k) for k in SENSITIVE_EXTRA_DATA_KEYS if k in extra_data}
        item = QueueItem(number, next(self._seq), prompt_id, prompt, extra_data, outputs, sensitive)
        heapq.heappush(self._heap, item)
        self._on_change()
        self._wakeup.set()

    async def take(self) -> QueueItem:
        while not self._heap:
            self._wakeup.clear()
            await self._wakeup.wait()
        item = heapq.heappop(self._heap)
        self.running = copy.deepcopy(item)
        self._on_change()
        return item

    def done(self, item: QueueItem, result: dict[str, Any], status: dict[str, Any] | None) -> None:
        self.running = None
        if len(self.history) > MAXIMUM_HISTORY_SIZE:
            self.history.pop(next(iter(self.history)))
        entry: dict[str, Any] = {"prompt": item.public(), "outputs": {}, "status": status}
        entry.update(result)
        self.history[item.prompt_id] = entry
        self._on_change()

    def pending(self) -> list[QueueItem]:
        """In heap (array) order, which is what the real server returns: not sorted."""
        return list(self._heap)

    def delete(self, prompt_id: str) -> None:
        for index, item in enumerate(self._heap):
            if item.prompt_id == prompt_id:
                if len(self._heap) == 1:
                    self.wipe()
                else:
                    self._heap.pop(index)
                    heapq.heapify(self._heap)
                self._on_change()
                return

    def wipe(self) -> None:
        self._heap = []
        self._on_change()

    def get_history(self, max_items: int | None = None, offset: int = -1) -> dict[str, Any]:
        if offset < 0 and max_items is not None:
            offset = len(self.history) - max_items
        out: dict[str, Any] = {}
        for index, (key, entry) in enumerate(self.history.items()):
            if index >= offset:
                out[key] = entry
                if max_items is not None and len(out) >= max_items:
                    break
        return copy.deepcopy(out)
