"""Everything one prompt run tells the websocket clients, in ComfyUI's order and routing.

Lifecycle messages (`add`) go to the submitting client only, or nowhere if the prompt had no client_id
(unless broadcast, like execution_interrupted); progress, progress_state and previews go to the client,
or to everyone when there is no client_id.
"""

from __future__ import annotations

import time
from typing import Any

from . import frames
from .hub import Hub


class RunReporter:
    def __init__(self, hub: Hub, prompt_id: str, client_id: str | None) -> None:
        self._hub = hub
        self.prompt_id = prompt_id
        self.client_id = client_id
        self.messages: list[list[Any]] = []  # what history's status.messages keeps
        self._progress: dict[str, dict[str, Any]] = {}  # every non-pending node of the prompt, in touch order

    def add(self, event: str, data: dict[str, Any], broadcast: bool = False) -> None:
        data = {**data, "timestamp": int(time.time() * 1000)}
        self.messages.append([event, data])
        if self.client_id is not None or broadcast:
            self._hub.send(event, data, self.client_id)

    def node_started(self, node_id: str) -> None:
        self._set_progress(node_id, 0.0, 1.0, "running")
        if self.client_id is not None:
            self._hub.last_node_id = node_id
            data = {"node": node_id, "display_node": node_id, "prompt_id": self.prompt_id}
            self._hub.send("executing", data, self.client_id)

    def executed(self, node_id: str, output: dict[str, Any] | None) -> None:
        if self.client_id is not None:
            data = {"node": node_id, "display_node": node_id, "output": output, "prompt_id": self.prompt_id}
            self._hub.send("executed", data, self.client_id)

    def node_finished(self, node_id: str) -> None:
        current = self._progress.get(node_id)
        total = current["max"] if current is not None else 1
        self._set_progress(node_id, total, total, "finished")

    def tick(self, node_id: str, value: int, total: int, preview: tuple[str, bytes] | None) -> None:
        """ComfyUI's progress hook: progress_state, [type-4 frame], progress, [type-1 frame]."""
        self._set_progress(node_id, value, total, "running")
        metadata_client = self._hub.supports_metadata(self.client_id)
        if preview is not None and metadata_client:
            metadata = frames.preview_metadata(self.prompt_id, node_id, preview[0])
            self._hub.send_binary(frames.preview_image_with_metadata(metadata, preview[1]), self.client_id)
        progress = {"value": value, "max": total, "prompt_id": self.prompt_id, "node": node_id}
        self._hub.send("progress", progress, self.client_id)
        if preview is not None and not metadata_client:
            self._hub.send_binary(frames.preview_image(preview[0], preview[1]), self.client_id)

    def finished(self) -> None:
        """`executing {node: null}`: sent after history is written, the reliable completion signal."""
        self._hub.last_node_id = None
        if self.client_id is not None:
            self._hub.send("executing", {"node": None, "prompt_id": self.prompt_id}, self.client_id)

    def _set_progress(self, node_id: str, value: float, total: float, state: str) -> None:
        self._progress[node_id] = {"value": value, "max": total, "state": state}
        nodes = {
            nid: {**entry, "node_id": nid, "prompt_id": self.prompt_id, "display_node_id": nid,
                  "parent_node_id": None, "real_node_id": nid}
            for nid, entry in self._progress.items()
        }  # fmt: skip
        self._hub.send("progress_state", {"prompt_id": self.prompt_id, "nodes": nodes}, self.client_id)
