"""The single worker: takes prompts in `number` order and runs them like ComfyUI's executor.

Per prompt (PROTOCOL.md section 3): execution_start, execution_cached, then for each node to run
progress_state(running), executing, [progress_state + (type-4 frame) + progress + (type-1 frame) per tick],
executed (if it has UI output), progress_state(finished); then execution_success | execution_error |
execution_interrupted; history is written, status broadcast, and `executing {node: null}` sent last.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .behaviours import Outputs, Ui
from .cache import CacheEntry, cache_keys
from .catalogue import Catalogue
from .config import FakeConfig
from .execution_list import ExecutionList, is_link
from .hub import Hub
from .input_nodes import BEHAVIOURS
from .node_specs import NodeSpec
from .outputs import FileStore
from .prompt_queue import PromptQueue, QueueItem
from .reporter import RunReporter

log = logging.getLogger(__name__)


class OutOfMemoryError(RuntimeError):
    __module__ = "torch"  # torch.OutOfMemoryError, as execution_error names its type (module and class)


# What ComfyUI says of an OOM: torch's message ("Allocation on device ") and the tips its execution.py adds.
OUT_OF_MEMORY_MESSAGE = (
    "Allocation on device \nThis error means you ran out of memory on your GPU.\n\nTIPS: If the workflow "
    "worked before you might have accidentally set the batch_size to a large number."
)


class InterruptProcessing(Exception):
    """Raised at a node start or progress tick after POST /interrupt."""


@dataclass
class _Run:
    item: QueueItem
    report: RunReporter
    keys: dict[str, str]
    executed: list[str] = field(default_factory=list)
    values: dict[str, Outputs] = field(default_factory=dict)


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
        self.prompt = run.item.prompt
        self.extra_pnginfo = run.item.extra_data.get("extra_pnginfo")

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
        self._executor.check_interrupt()
        self._run.report.tick(self.node_id, value, total, preview)
        await asyncio.sleep(0)  # a real sampler step yields to the server loop, so interrupts get in
        await self._executor.stepping.wait()  # held mid-run by a test: the step told, the next not begun


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
        self._cache: dict[str, CacheEntry] = {}
        self._interrupted = False
        self.busy = False
        self.idle = asyncio.Event()  # set while the queue is empty and nothing runs
        self.idle.set()
        # Cleared by a test to hold the server: the prompt it takes waits here before running (a busy GPU).
        self.going = asyncio.Event()
        self.going.set()
        # Cleared by a test to hold the prompt that is running after its next step, or before it ends if it
        # has none left (a GPU stalled mid-run): it stays running, and none after it starts.
        self.stepping = asyncio.Event()
        self.stepping.set()

    def queue_changed(self) -> None:
        if self.queue.remaining() == 0 and not self.busy:
            self.idle.set()
        else:
            self.idle.clear()

    def interrupt(self) -> None:
        self._interrupted = True

    def check_interrupt(self) -> None:
        if self._interrupted:
            raise InterruptProcessing

    async def run_forever(self) -> None:
        while True:
            item = await self.queue.take()
            self.busy = True
            self.idle.clear()
            try:
                await self.going.wait()
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

    async def _execute(self, item: QueueItem) -> None:
        self._interrupted = False  # an interrupt sent while idle does not reach the next prompt
        client_id = item.extra_data.get("client_id")
        self.hub.client_id = client_id
        catalogue = self._catalogue()
        prompt = item.prompt
        report = RunReporter(self.hub, item.prompt_id, client_id)
        report.add("execution_start", {"prompt_id": item.prompt_id})
        run = _Run(item, report, cache_keys(prompt, catalogue, self.store))
        live = set(run.keys.values())
        self._cache = {k: v for k, v in self._cache.items() if k in live}
        cached_nodes = [node_id for node_id in prompt if run.keys[node_id] in self._cache]
        report.add("execution_cached", {"nodes": cached_nodes, "prompt_id": item.prompt_id})

        def is_output(node_id: str) -> bool:
            spec = catalogue.get(prompt[node_id]["class_type"])
            return spec is not None and spec.output_node

        order = ExecutionList(prompt, lambda n: run.keys[n] in self._cache, is_output)
        for output_id in item.outputs:
            order.add_node(output_id)
        success = True
        while not order.is_empty():
            node_id = order.next_node()
            if not await self._execute_node(run, catalogue, node_id):
                success = False
                break
            order.complete(node_id)
        await self.stepping.wait()  # held mid-run past its last step: it does not finish either
        if success:
            report.add("execution_success", {"prompt_id": item.prompt_id})
        self.hub.last_node_id = None
        if self.config.history_delay_s > 0:
            await asyncio.sleep(self.config.history_delay_s)
        self._write_history(run, success)
        report.finished()

    def _write_history(self, run: _Run, success: bool) -> None:
        status = {"status_str": "success" if success else "error", "completed": success,
                  "messages": run.report.messages}  # fmt: skip
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

    async def _execute_node(self, run: _Run, catalogue: Catalogue, node_id: str) -> bool:
        node = run.item.prompt[node_id]
        spec = catalogue.get(node["class_type"])
        assert spec is not None
        report = run.report
        cached = self._cache.get(run.keys[node_id])
        if cached is not None:
            report.executed(node_id, cached.ui)
            report.node_finished(node_id)
            run.values[node_id] = cached.outputs
            return True

        report.node_started(node_id)
        inputs = self._resolve_inputs(run, node["inputs"])
        try:
            self.check_interrupt()
            if self.config.runtime_error_class == spec.name:
                if self.config.runtime_error_out_of_memory:
                    raise OutOfMemoryError(OUT_OF_MEMORY_MESSAGE)
                raise RuntimeError(f"{spec.name}: simulated failure (FakeConfig.runtime_error_class)")
            outputs, ui = await BEHAVIOURS[spec.kind](_NodeContext(self, run, node_id, spec, inputs))
            if ui is not None and self.config.reported_filename is not None:
                ui = _renamed(ui, self.config.reported_filename)
        except InterruptProcessing:
            report.add("execution_interrupted", self._failure(run, node_id, spec), broadcast=True)
            return False
        except Exception as exc:
            report.add("execution_error", self._error(run, node_id, spec, inputs, exc))
            return False
        run.values[node_id] = outputs
        if ui is not None:
            report.executed(node_id, ui)
        self._cache[run.keys[node_id]] = CacheEntry(outputs, ui)
        report.node_finished(node_id)
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
        return {"prompt_id": run.item.prompt_id, "node_id": node_id, "node_type": spec.name,
                "executed": list(run.executed)}  # fmt: skip

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


def _renamed(ui: Ui, filename: str) -> Ui:
    """FakeConfig.reported_filename: the same UI with every file entry's name replaced."""
    return {
        key: [
            {**item, "filename": filename} if isinstance(item, dict) and "filename" in item else item
            for item in items
        ]
        for key, items in ui.items()
    }


def _describe(value: Any) -> str:
    """How ComfyUI prints an input in execution_error.current_inputs."""
    if isinstance(value, dict) and value.get("kind") == "AUDIO":
        return f"{{'waveform': tensor(...), 'sample_rate': {value['sample_rate']}}}"
    if isinstance(value, dict) and "kind" in value:
        return f"<{value['kind']}>"
    return str(value)
