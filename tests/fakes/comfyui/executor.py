"""The single worker: takes prompts in `number` order and emits ComfyUI's message stream for each.

Per prompt (PROTOCOL.md section 3): execution_start, execution_cached, then for each node to run
progress_state(running), executing, [progress_state + (type-4 frame) + progress + (type-1 frame) per tick],
executed (if it has UI output), progress_state(finished); then execution_success | execution_error |
execution_interrupted; history is written, status broadcast, and `executing {node: null}` sent last.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import frames
from .behaviours import BEHAVIOURS, Outputs, Ui
from .catalogue import Catalogue, NodeSpec
from .config import FakeConfig
from .execution_list import ExecutionList, is_link
from .hub import Hub
from .outputs import FileStore
from .prompt_queue import PromptQueue, QueueItem

log = logging.getLogger(__name__)


class InterruptProcessing(Exception):
    """Raised at a node boundary or progress tick after POST /interrupt."""


@dataclass
class _CacheEntry:
    outputs: Outputs
    ui: Ui | None


@dataclass
class _Run:
    item: QueueItem
    client_id: str | None
    messages: list[list[Any]] = field(default_factory=list)
    progress: dict[str, dict[str, Any]] = field(default_factory=dict)
    executed: list[str] = field(default_factory=list)
    values: dict[str, Outputs] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)

    @property
    def prompt_id(self) -> str:
        return self.item.prompt_id


class _NodeContext:
    """What a behaviour sees while it runs; `progress` is ComfyUI's ProgressBar hook."""

    def __init__(self, executor: Executor, run: _Run, node_id: str, spec: NodeSpec, inputs: dict[str, Any]):
        self._executor = executor
        self._run = run
        self._config = executor.config
        self.node_id = node_id
        self.spec = spec
        self.inputs = inputs
        self.store = executor.store

    # Read live, so a test can speed up or slow down a node that is already running.
    @property
    def step_time_s(self) -> float:
        return self._config.step_time_s

    @property
    def node_time_s(self) -> float:
        return self._config.node_time_s

    @property
    def default_steps(self) -> int | None:
        return self._config.default_steps

    @property
    def previews(self) -> bool:
        return self._config.previews

    async def progress(self, value: int, total: int, preview: tuple[str, bytes] | None) -> None:
        await self._executor.progress_tick(self._run, self.node_id, value, total, preview)


class Executor:
    def __init__(
        self,
        config: FakeConfig,
        hub: Hub,
        queue: PromptQueue,
        store: FileStore,
        catalogue: Callable[[], Catalogue],
    ) -> None:
        self.config = config
        self.hub = hub
        self.queue = queue
        self.store = store
        self._catalogue = catalogue
        self._cache: dict[str, _CacheEntry] = {}
        self._interrupted = False
        self.busy = False
        self.idle = asyncio.Event()  # set while the queue is empty and nothing runs
        self.idle.set()

    def queue_changed(self) -> None:
        if self.queue.remaining() == 0 and not self.busy:
            self.idle.set()
        else:
            self.idle.clear()

    def interrupt(self) -> None:
        self._interrupted = True

    async def run_forever(self) -> None:
        while True:
            item = await self.queue.take()
            self.busy = True
            self.idle.clear()
            try:
                await self._execute(item)
            except Exception:
                # A bug in the fake, not a simulated failure: record it so waiting tests end, and say so.
                log.exception("fake ComfyUI failed while running prompt_id=%s", item.prompt_id)
                if self.queue.running is not None:
                    failed = {"status_str": "error", "completed": False, "messages": []}
                    self.queue.done(item, {"outputs": {}, "meta": {}}, failed)
            finally:
                self.busy = False
                self.queue_changed()

    # --- messages --------------------------------------------------------------------------------------
    def _add_message(self, run: _Run, event: str, data: dict[str, Any], broadcast: bool = False) -> None:
        data = {**data, "timestamp": int(time.time() * 1000)}
        run.messages.append([event, data])
        if run.client_id is not None or broadcast:
            self.hub.send(event, data, run.client_id)

    def _send_progress_state(self, run: _Run) -> None:
        nodes = {
            node_id: {
                **state,
                "node_id": node_id,
                "prompt_id": run.prompt_id,
                "display_node_id": node_id,
                "parent_node_id": None,
                "real_node_id": node_id,
            }
            for node_id, state in run.progress.items()
        }
        self.hub.send("progress_state", {"prompt_id": run.prompt_id, "nodes": nodes}, run.client_id)

    def _progress(self, run: _Run, node_id: str, value: float, total: float, state: str) -> None:
        run.progress[node_id] = {"value": value, "max": total, "state": state}
        self._send_progress_state(run)

    def _finish_progress(self, run: _Run, node_id: str) -> None:
        current = run.progress.get(node_id)
        total = current["max"] if current is not None else 1
        self._progress(run, node_id, total, total, "finished")

    async def progress_tick(
        self, run: _Run, node_id: str, value: int, total: int, preview: tuple[str, bytes] | None
    ) -> None:
        if self._interrupted:
            raise InterruptProcessing
        run.progress[node_id] = {"value": value, "max": total, "state": "running"}
        self._send_progress_state(run)
        metadata_client = self.hub.supports_metadata(run.client_id)
        if preview is not None and metadata_client:
            metadata = frames.preview_metadata(run.prompt_id, node_id, preview[0])
            self.hub.send_binary(frames.preview_image_with_metadata(metadata, preview[1]), run.client_id)
        progress = {"value": value, "max": total, "prompt_id": run.prompt_id, "node": node_id}
        self.hub.send("progress", progress, run.client_id)
        if preview is not None and not metadata_client:
            self.hub.send_binary(frames.preview_image(preview[0], preview[1]), run.client_id)
        await asyncio.sleep(0)  # a real sampler step yields to the server loop, so interrupts get in

    # --- one prompt ------------------------------------------------------------------------------------
    async def _execute(self, item: QueueItem) -> None:
        self._interrupted = False
        run = _Run(item, item.extra_data.get("client_id"))
        self.hub.client_id = run.client_id
        catalogue = self._catalogue()
        prompt = item.prompt
        self._add_message(run, "execution_start", {"prompt_id": run.prompt_id})
        signatures = _Signatures(prompt, catalogue, self.store)
        keys = run.keys = {node_id: signatures.of(node_id) for node_id in prompt}
        live = set(keys.values())
        self._cache = {k: v for k, v in self._cache.items() if k in live}
        cached_nodes = [node_id for node_id in prompt if keys[node_id] in self._cache]
        self._add_message(run, "execution_cached", {"nodes": cached_nodes, "prompt_id": run.prompt_id})

        def is_output(node_id: str) -> bool:
            spec = catalogue.get(prompt[node_id]["class_type"])
            return spec is not None and spec.output_node

        order = ExecutionList(prompt, lambda n: keys[n] in self._cache, is_output)
        for output_id in item.outputs:
            order.add_node(output_id)
        success = True
        while not order.is_empty():
            node_id = order.next_node()
            ok = await self._execute_node(run, catalogue, node_id, keys[node_id])
            if not ok:
                success = False
                break
            order.complete(node_id)
        if success:
            self._add_message(run, "execution_success", {"prompt_id": run.prompt_id})
        self.hub.last_node_id = None
        await self._finish(run, success)

    async def _finish(self, run: _Run, success: bool) -> None:
        if self.config.history_delay_s > 0:
            await asyncio.sleep(self.config.history_delay_s)
        status = {
            "status_str": "success" if success else "error",
            "completed": success,
            "messages": run.messages,
        }
        # Like ComfyUI, history lists the UI of every node of this prompt found in the UI cache, whether it
        # ran now, was staged from cache, or was merely cached from an earlier prompt.
        outputs: dict[str, Ui] = {}
        for node_id, key in run.keys.items():
            entry = self._cache.get(key)
            if entry is not None and entry.ui is not None:
                outputs[node_id] = entry.ui
        meta = {
            node_id: {
                "node_id": node_id,
                "display_node": node_id,
                "parent_node": None,
                "real_node_id": node_id,
            }
            for node_id in outputs
        }
        self.queue.done(run.item, {"outputs": outputs, "meta": meta}, status)
        if run.client_id is not None:
            self.hub.send("executing", {"node": None, "prompt_id": run.prompt_id}, run.client_id)

    async def _execute_node(self, run: _Run, catalogue: Catalogue, node_id: str, key: str) -> bool:
        node = run.item.prompt[node_id]
        spec = catalogue.get(node["class_type"])
        assert spec is not None
        cached = self._cache.get(key)
        if cached is not None:
            if run.client_id is not None:
                executed = {
                    "node": node_id,
                    "display_node": node_id,
                    "output": cached.ui,
                    "prompt_id": run.prompt_id,
                }
                self.hub.send("executed", executed, run.client_id)
            self._finish_progress(run, node_id)
            run.values[node_id] = cached.outputs
            return True

        self._progress(run, node_id, 0.0, 1.0, "running")
        if run.client_id is not None:
            self.hub.last_node_id = node_id
            self.hub.send("executing", {"node": node_id, "display_node": node_id, "prompt_id": run.prompt_id},
                          run.client_id)  # fmt: skip
        inputs = self._resolve_inputs(run, node["inputs"])
        try:
            if self._interrupted:
                raise InterruptProcessing
            if self.config.runtime_error_class == spec.name:
                raise RuntimeError(f"{spec.name}: simulated failure (FakeConfig.runtime_error_class)")
            outputs, ui = await BEHAVIOURS[spec.kind](_NodeContext(self, run, node_id, spec, inputs))
        except InterruptProcessing:
            self._add_message(run, "execution_interrupted", self._failure(run, node_id, spec), broadcast=True)
            return False
        except Exception as exc:
            self._add_message(run, "execution_error", self._error(run, node_id, spec, inputs, exc))
            return False
        run.values[node_id] = outputs
        if ui is not None and run.client_id is not None:
            executed = {
                "node": node_id,
                "display_node": node_id,
                "output": ui,
                "prompt_id": run.prompt_id,
            }
            self.hub.send("executed", executed, run.client_id)
        self._cache[key] = _CacheEntry(outputs, ui)
        self._finish_progress(run, node_id)
        run.executed.append(node_id)
        return True

    def _resolve_inputs(self, run: _Run, raw: dict[str, Any]) -> dict[str, Any]:
        resolved: dict[str, Any] = {}
        for name, value in raw.items():
            if is_link(value):
                source = run.values.get(value[0])
                if source is None:  # a cached ancestor that never had to be staged
                    source = self._cache[run.keys[value[0]]].outputs
                resolved[name] = source[value[1]]
            else:
                resolved[name] = value
        return resolved

    def _failure(self, run: _Run, node_id: str, spec: NodeSpec) -> dict[str, Any]:
        return {
            "prompt_id": run.prompt_id,
            "node_id": node_id,
            "node_type": spec.name,
            "executed": list(run.executed),
        }

    def _error(
        self, run: _Run, node_id: str, spec: NodeSpec, inputs: dict[str, Any], exc: Exception
    ) -> dict[str, Any]:
        exc_type = type(exc)
        type_name = exc_type.__qualname__
        if exc_type.__module__ != "builtins":
            type_name = f"{exc_type.__module__}.{type_name}"
        return {
            **self._failure(run, node_id, spec),
            "exception_message": f"{exc}\n",
            "exception_type": type_name,
            "traceback": traceback.format_tb(sys.exc_info()[2]),
            "current_inputs": {name: [_describe(value)] for name, value in inputs.items()},
            "current_outputs": list(run.item.prompt),
        }


def _describe(value: Any) -> str:
    if isinstance(value, dict) and value.get("kind") == "AUDIO":
        return f"{{'waveform': tensor(...), 'sample_rate': {value['sample_rate']}}}"
    if isinstance(value, dict) and "kind" in value:
        return f"<{value['kind']}>"
    return str(value)


class _Signatures:
    """Cache keys like ComfyUI's input signatures: class, inputs and the signatures of linked ancestors.

    Node ids are not part of the key, so an identical sub-graph under other ids is still a cache hit;
    classes whose IS_CHANGED always differs (SaveImageWebsocket) get a key that never repeats.
    """

    def __init__(self, prompt: dict[str, Any], catalogue: Catalogue, store: FileStore) -> None:
        self._prompt = prompt
        self._catalogue = catalogue
        self._store = store
        self._memo: dict[str, str] = {}
        self._store_marker = time.monotonic_ns()

    def of(self, node_id: str) -> str:
        if node_id in self._memo:
            return self._memo[node_id]
        node = self._prompt[node_id]
        spec = self._catalogue.get(node["class_type"])
        changed: Any = None
        if spec is not None and spec.always_changed:
            changed = [self._store_marker, node_id]
        elif spec is not None and spec.kind == "load_audio":  # IS_CHANGED hashes the file
            path = self._store.input_dir / str(node["inputs"].get("audio", ""))
            changed = [path.stat().st_size, path.stat().st_mtime_ns] if path.is_file() else None
        inputs = {
            name: ["LINK", self.of(value[0]), value[1]] if is_link(value) else value
            for name, value in sorted(node["inputs"].items())
        }
        key = json.dumps([node["class_type"], changed, inputs], sort_keys=True, default=str)
        self._memo[node_id] = key
        return key
