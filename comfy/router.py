"""Turns websocket frames into typed events for the prompt they belong to.

Synchronous and I/O-free: the websocket reader calls it for every frame, so it must stay cheap.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from functools import partial

from comfy import events, node_messages, protocol
from comfy.run import PromptRun

log = logging.getLogger(__name__)


class EventRouter:
    """Routes frames to runs by prompt id.

    Legacy type-1 previews carry no prompt id; they belong to the prompt this client has running, which
    ``execution_start`` / ``executing`` tell us.
    """

    def __init__(
        self,
        runs: Mapping[str, PromptRun],
        *,
        on_complete: Callable[[PromptRun], None],
        on_status: Callable[[int], None],
    ) -> None:
        self._runs = runs
        self._on_complete = on_complete
        self._on_status = on_status
        self.executing_prompt_id: str | None = None

    def forget_executing(self) -> None:
        """After a disconnect we no longer know what runs; unattributed previews are dropped."""
        self.executing_prompt_id = None

    def on_text(self, message: protocol.ServerMessage) -> None:
        kind = message.type
        if kind == "status":
            remaining = protocol.queue_remaining(message)
            if remaining is not None:
                self._on_status(remaining)
            return
        prompt_id = message.prompt_id
        if prompt_id is None:
            return  # e.g. the bare `executing` a reconnect replays: the stream resumes right after
        if kind == "executing":
            if message.data.get("node") is not None:
                self.executing_prompt_id = prompt_id
            elif self.executing_prompt_id == prompt_id:
                self.executing_prompt_id = None
        elif kind == "execution_start":
            self.executing_prompt_id = prompt_id
        run = self._runs.get(prompt_id)
        if run is None or run.done:
            return
        handler = _HANDLERS.get(kind)
        if handler is not None:
            handler(self, run, message)

    def on_binary(self, frame: bytes) -> None:
        parsed = protocol.parse_binary_frame(frame)
        if not isinstance(parsed, protocol.BinaryPreview):
            return
        prompt_id = parsed.prompt_id or self.executing_prompt_id
        run = self._runs.get(prompt_id) if prompt_id else None
        if run is None:
            return
        run.push(events.Preview(run.prompt_id, parsed.node_id or run.current_node, parsed.mime, parsed.image))

    def _start(self, run: PromptRun, message: protocol.ServerMessage) -> None:
        run.started = True
        run.push(events.Started(run.prompt_id))

    def _executing(self, run: PromptRun, message: protocol.ServerMessage) -> None:
        node = message.data.get("node")
        if node is None:
            # Sent after history is written, for every outcome: the one reliable completion signal.
            self._on_complete(run)
            return
        run.started = True
        run.current_node = str(node)
        run.push(events.NodeExecuting(run.prompt_id, run.current_node, run.class_type(run.current_node)))

    def _progress(self, run: PromptRun, message: protocol.ServerMessage) -> None:
        data = message.data
        node = str(data.get("node") or run.current_node)
        run.current_node = node
        run.push(events.Progress(run.prompt_id, node, _float(data.get("value")), _float(data.get("max"))))

    def _cached(self, run: PromptRun, message: protocol.ServerMessage) -> None:
        run.push(events.NodesCached(run.prompt_id, node_messages.cached_nodes(message.data)))

    def _node_states(self, run: PromptRun, message: protocol.ServerMessage) -> None:
        # Most are replaced by a newer one before the run's consumer takes them: read only if taken.
        run.push(events.NodeStates.unread(run.prompt_id, partial(node_messages.node_states_in, message)))

    def _success(self, run: PromptRun, message: protocol.ServerMessage) -> None:
        run.succeeded = True

    def _executed(self, run: PromptRun, message: protocol.ServerMessage) -> None:
        data = message.data
        node = str(data.get("node") or "")
        output = data.get("output")
        output = output if isinstance(output, Mapping) else {}
        run.outputs[node] = output
        run.push(events.Executed(run.prompt_id, node, output))

    def _error(self, run: PromptRun, message: protocol.ServerMessage) -> None:
        run.finish(events.Failed(run.prompt_id, protocol.execution_failed(message.data)))

    def _interrupted(self, run: PromptRun, message: protocol.ServerMessage) -> None:
        node_id = str(message.data.get("node_id") or "")
        run.finish(events.Interrupted(run.prompt_id, node_id=node_id))


def _float(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


_HANDLERS: dict[str, Callable[[EventRouter, PromptRun, protocol.ServerMessage], None]] = {
    "execution_start": EventRouter._start,
    "executing": EventRouter._executing,
    "execution_cached": EventRouter._cached,
    "progress": EventRouter._progress,
    "progress_state": EventRouter._node_states,
    "executed": EventRouter._executed,
    "execution_success": EventRouter._success,
    "execution_error": EventRouter._error,
    "execution_interrupted": EventRouter._interrupted,
}
