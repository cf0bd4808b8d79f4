"""Recorded traces and workflows copied from the real ComfyUI 0.3.64 captures (tests/data/comfyui)."""

from __future__ import annotations

import json
import random
import uuid
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent.parent / "data" / "comfyui"


def load_workflow(name: str) -> dict[str, Any]:
    workflow: dict[str, Any] = json.loads((DATA / "workflows" / f"{name}.json").read_text())
    return workflow


def load_trace(name: str) -> dict[str, Any]:
    trace: dict[str, Any] = json.loads((DATA / "traces" / f"{name}.json").read_text())
    return trace


def long_job() -> dict[str, Any]:
    """A prompt that outlasts every step of a test, so a test never races its end; it ends by interrupt.

    262144 8x8 images through SaveImageWebsocket ("2", as in the recorded long_savews_interruptible), a
    minute of work or more on this machine (65536 of them once took 12 s): the node ticks ComfyUI's
    progress hook once per image and the hook is where an interrupt lands (main.py `hijack_progress` calls
    `throw_exception_if_processing_interrupted`), so POST /interrupt ends it at once. It floods the sockets
    with frames: see quiet_long_job.
    """
    workflow = load_workflow("long_savews_interruptible")
    colour = random.randrange(1 << 24)  # a fresh EmptyImage, never served from the cache
    workflow["1"]["inputs"].update(width=8, height=8, batch_size=4096, color=colour)
    workflow["3"] = {"class_type": "RepeatImageBatch", "inputs": {"image": ["1", 0], "amount": 64}}
    workflow["2"]["inputs"]["images"] = ["3", 0]
    return workflow


QUIET_JOB_NODES = 400


def quiet_long_job(length: int = QUIET_JOB_NODES) -> dict[str, Any]:
    """A prompt that holds the worker for a minute or more while sending only a few messages per node.

    A chain of ImageBlur nodes (a fifth of a second each on this CPU): execution.py checks for an interrupt
    before every node function (`nodes.before_node_execution`), so POST /interrupt ends it within one node.
    A flood of progress frames (long_job) slows the server's event loop and with it every request a test
    makes while the job runs; this one keeps the server responsive.
    """
    colour = random.randrange(1 << 24)  # a fresh chain, never served from the cache
    workflow: dict[str, Any] = {
        "1": {
            "class_type": "EmptyImage",
            "inputs": {"width": 256, "height": 256, "batch_size": 1, "color": colour},
        }
    }
    for node in range(2, length + 2):
        workflow[str(node)] = {
            "class_type": "ImageBlur",
            "inputs": {"image": [str(node - 1), 0], "blur_radius": 15, "sigma": 5.0},
        }
    workflow[str(length + 2)] = {
        "class_type": "PreviewImage",
        "inputs": {"images": [str(length + 1), 0]},
    }
    return workflow


def fresh_sd15_graph(steps: int) -> dict[str, Any]:
    """The recorded 64-pixel SD1.5 graph with `steps` sampler steps and a seed of its own, so ComfyUI's
    cache answers none of it: the sampler really steps."""
    graph = load_workflow("sd15_txt2img_random_ckpt_64px")
    sampler = next(node for node in graph.values() if node["class_type"] == "KSampler")
    sampler["inputs"].update(steps=steps, seed=uuid.uuid4().int % 2**32)
    return graph
