"""How far a whole prompt has come, from the events of its run: one number that never goes backwards.

ComfyUI reports progress per node (a sampler's steps, ``progress_state`` for every node it touched), so a
bar fed by ``progress`` alone fills up during sampling and starts again empty for the decoder. Here every
node of the posted graph has a weight (sampling counts by its steps, loading and decoding a few steps'
worth, small nodes little), cached nodes count as done, and the share of weight done is the progress. It
stays below 100% until the run has completed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from comfy import events

# Shown while the prompt is not complete, however much of the graph looks done (a node may still be
# writing its files, or a node of the graph never reports at all).
ALMOST_DONE = 0.99
_DEFAULT_SAMPLER_STEPS = 20
_WEIGHT_PER_STEP = 1.0


class Stage(StrEnum):
    """What a node does, in the words a user understands."""

    STARTING = "starting"
    LOADING_MODEL = "loading_model"
    LOADING_INPUT = "loading_input"
    ENCODING = "encoding"
    PREPARING = "preparing"
    SAMPLING = "sampling"
    DECODING = "decoding"
    UPSCALING = "upscaling"
    SAVING = "saving"
    WORKING = "working"
    DONE = "done"


# Checked in order: the first fragment found in the lower-cased class name decides.
_STAGE_RULES: tuple[tuple[str, Stage], ...] = (
    ("modelsampling", Stage.PREPARING),  # a model patch (ModelSamplingSD3), not sampling itself
    ("upscale", Stage.UPSCALING),
    ("loader", Stage.LOADING_MODEL),  # CheckpointLoaderSimple, UNETLoader, VAELoader, LoraLoader, ...
    ("load", Stage.LOADING_INPUT),  # LoadImage, LoadAudio
    ("sampler", Stage.SAMPLING),
    ("decode", Stage.DECODING),
    ("encode", Stage.ENCODING),
    ("save", Stage.SAVING),
    ("preview", Stage.SAVING),
    ("empty", Stage.PREPARING),
    ("latent", Stage.PREPARING),
)
_STAGE_WEIGHTS = {
    Stage.LOADING_MODEL: 3.0,
    Stage.LOADING_INPUT: 0.5,
    Stage.ENCODING: 0.5,
    Stage.PREPARING: 0.25,
    Stage.DECODING: 2.0,
    Stage.UPSCALING: 3.0,
    Stage.SAVING: 0.5,
    Stage.WORKING: 1.0,
}


def stage_of(class_type: str) -> Stage:
    name = class_type.lower()
    return next((stage for fragment, stage in _STAGE_RULES if fragment in name), Stage.WORKING)


@dataclass(frozen=True, slots=True)
class _Node:
    stage: Stage
    weight: float


def _node(definition: Mapping[str, Any]) -> _Node:
    stage = stage_of(str(definition.get("class_type") or ""))
    if stage is Stage.SAMPLING:
        inputs = definition.get("inputs")
        steps = inputs.get("steps") if isinstance(inputs, Mapping) else None
        count = steps if isinstance(steps, int) and steps > 0 else _DEFAULT_SAMPLER_STEPS
        return _Node(stage, count * _WEIGHT_PER_STEP)
    return _Node(stage, _STAGE_WEIGHTS[stage])


class GraphProgress:
    """Feed it every event of one run (``observe``); read ``fraction``, ``stage``, ``step``/``steps``."""

    def __init__(self, workflow: Mapping[str, Any]) -> None:
        self._nodes = {
            str(node_id): _node(definition)
            for node_id, definition in workflow.items()
            if isinstance(definition, Mapping)
        }
        self._total = sum(node.weight for node in self._nodes.values()) or 1.0
        self._done: dict[str, float] = {}  # node id -> share of that node done, 0..1
        self._moved = False  # a share in _done grew since the fraction was last worked out
        self._running: str | None = None
        self._ticks: tuple[int, int] | None = None  # (value, max) the running node last reported
        self._fraction = 0.0
        self._complete = False

    @property
    def fraction(self) -> float:
        """0..1; never smaller than before; 1.0 only once the run has completed."""
        return self._fraction

    @property
    def stage(self) -> Stage:
        if self._complete:
            return Stage.DONE
        if self._running is None:
            return Stage.STARTING
        node = self._nodes.get(self._running)
        return node.stage if node is not None else Stage.WORKING

    @property
    def step(self) -> int | None:
        return self._ticks[0] if self._ticks is not None else None

    @property
    def steps(self) -> int | None:
        return self._ticks[1] if self._ticks is not None else None

    def observe(self, event: events.PromptEvent) -> None:
        observer = _OBSERVERS.get(type(event))  # by exact type: a job's every event comes here
        if observer is not None:
            observer(self, event)

    def _completed(self, event: events.Completed) -> None:
        self._complete = True
        self._running, self._ticks = None, None
        self._fraction = 1.0

    def _cached(self, event: events.NodesCached) -> None:
        for node_id in event.node_ids:
            self._advance(node_id, 1.0)
        self._update()

    def _executing(self, event: events.NodeExecuting) -> None:
        self._start(event.node_id)
        self._update()

    def _progress(self, event: events.Progress) -> None:
        self._tick(event.node_id, event.value, event.max)
        self._update()

    def _node_states(self, event: events.NodeStates) -> None:
        for state in event.nodes:
            if state.state == "running":
                self._tick(state.node_id, state.value, state.max)
            else:
                self._advance(state.node_id, 1.0)
        self._update()

    def _start(self, node_id: str) -> None:
        # ComfyUI runs one node at a time: the one before has finished.
        if self._running is not None and self._running != node_id:
            self._advance(self._running, 1.0)
        if self._running != node_id:
            self._running, self._ticks = node_id, None

    def _tick(self, node_id: str, value: float, total: float) -> None:
        self._start(node_id)
        if total > 0:
            self._advance(node_id, value / total)
            # A node that merely began (0 of 1) has no steps worth showing.
            if total > 1:
                self._ticks = (int(value), int(total))

    def _advance(self, node_id: str, share: float) -> None:
        if node_id in self._nodes:
            before = self._done.get(node_id, 0.0)
            self._done[node_id] = after = max(before, min(1.0, max(0.0, share)))
            if after != before:
                self._moved = True

    def _update(self) -> None:
        # Most events repeat what the one before said (a step's progress after its progress_state, a node
        # start after the states that finished the node before): then the sum would come out the same.
        if self._moved:
            self._moved = False
            done = sum(self._nodes[node_id].weight * share for node_id, share in self._done.items())
            self._fraction = max(self._fraction, min(ALMOST_DONE, done / self._total))


_OBSERVERS: dict[type, Callable[[GraphProgress, Any], None]] = {
    events.Completed: GraphProgress._completed,
    events.NodesCached: GraphProgress._cached,
    events.NodeExecuting: GraphProgress._executing,
    events.Progress: GraphProgress._progress,
    events.NodeStates: GraphProgress._node_states,
}
