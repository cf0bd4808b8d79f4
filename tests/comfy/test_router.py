"""Recorded websocket streams replayed through the router become the right typed events."""

from __future__ import annotations

import json
import time
from typing import Any

from comfy import events, protocol
from comfy.router import EventRouter
from comfy.run import PromptRun
from tests.comfy.traces import load, main_socket_frames


class RecordingRun(PromptRun):
    """A run that also keeps every event the router pushed (its consumer would only get the newest of a
    progress-like kind it had not taken yet: the router's output is what is checked here)."""

    def __init__(self, prompt_id: str, workflow: dict[str, Any]) -> None:
        super().__init__(prompt_id, workflow, loop_time=time.monotonic)
        self.pushed: list[events.PromptEvent] = []

    def push(self, event: events.PromptEvent) -> None:
        if not self.done:
            self.pushed.append(event)
        super().push(event)


def replay(
    trace: dict[str, Any], prompt_id: str, workflow: dict[str, Any]
) -> tuple[RecordingRun, list[PromptRun]]:
    run = RecordingRun(prompt_id, workflow)
    completed: list[PromptRun] = []
    router = EventRouter({prompt_id: run}, on_complete=completed.append, on_status=lambda _: None)
    for frame in main_socket_frames(trace):
        if isinstance(frame, bytes):
            router.on_binary(frame)
        else:
            message = protocol.parse_text_frame(json.dumps(frame))
            assert message is not None
            router.on_text(message)
    return run, completed


async def drain(run: RecordingRun) -> list[events.PromptEvent]:
    """Every event the router pushed, and the outcome (a run still open is closed with a marker that is
    left out)."""
    marker = events.Interrupted(run.prompt_id, node_id="test-marker")
    run.finish(marker)
    delivered = [event async for event in run if event is not marker]
    return run.pushed + [e for e in delivered if isinstance(e, events.TERMINAL_EVENTS)]


async def test_metadata_client_stream_yields_previews_with_node_and_completion_signal() -> None:
    trace = load("image_savews_preview_metadata_client")
    prompt_id = trace["post_response"]["prompt_id"]

    run, completed = replay(trace, prompt_id, trace["workflow"])
    got = await drain(run)

    assert completed == [run]
    # progress_state (NodeStates) comes before each node starts, at each tick and after each node.
    assert [type(e).__name__ for e in got] == [
        "Started",
        "NodesCached",
        "NodeStates",
        "NodeExecuting",
        "NodeStates",
        "Preview",
        "Progress",
        "NodeStates",
        "Preview",
        "Progress",
        "NodeStates",
        "Executed",
        "NodeStates",
    ]
    assert got[1] == events.NodesCached(prompt_id, ("1", "2", "4"))
    assert got[3] == events.NodeExecuting(prompt_id, "3", "SaveImageWebsocket")
    preview = got[5]
    assert isinstance(preview, events.Preview)
    assert (preview.node_id, preview.mime) == ("3", "image/png")
    assert preview.image.startswith(b"\x89PNG")
    assert got[6] == events.Progress(prompt_id, "3", 0.0, 2.0)
    assert run.outputs["4"]["images"][0]["filename"] == "ComfyUI_temp_fdcmt_00001_.png"


async def test_legacy_previews_are_attributed_to_the_running_prompt() -> None:
    trace = load("image_savews_legacy_client")
    prompt_id = trace["post_response"]["prompt_id"]

    run, completed = replay(trace, prompt_id, trace["workflow"])
    previews = [e for e in await drain(run) if isinstance(e, events.Preview)]

    assert completed == [run]
    assert len(previews) == 2
    assert all(p.node_id == "3" and p.prompt_id == prompt_id for p in previews)


async def test_runtime_error_ends_the_run_with_failed_before_the_completion_signal() -> None:
    trace = load("runtime_error_execution_error")
    prompt_id = trace["post_response"]["prompt_id"]

    run, completed = replay(trace, prompt_id, trace["workflow"])

    assert completed == []  # the terminal message already ended it; `executing null` is ignored
    assert isinstance(run.outcome, events.Failed)
    assert run.outcome.error.node_id == "2"
    assert (await drain(run))[-1] == run.outcome


async def test_events_of_other_prompts_are_not_delivered() -> None:
    trace = load("image_savews_preview_metadata_client")

    run, completed = replay(trace, "someone-else", trace["workflow"])

    assert completed == []
    assert await drain(run) == []
