"""Whole-graph progress: weighted nodes, cached nodes done, never backwards, 100% only when complete."""

from __future__ import annotations

import json
import time
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from comfy import errors, events, protocol
from comfy.progress import ALMOST_DONE, GraphProgress, Stage, stage_of
from comfy.router import EventRouter
from comfy.run import PromptRun
from tests.comfy.traces import load, main_socket_frames

SD15 = load("sd15_random_first_run_legacy_client")["workflow"]


async def replayed(name: str) -> tuple[dict[str, Any], list[events.PromptEvent]]:
    """Every event a recorded run yields, through the real router."""
    trace = load(name)
    prompt_id = trace["post_response"]["prompt_id"]
    run = PromptRun(prompt_id, trace["workflow"], loop_time=time.monotonic)
    router = EventRouter({prompt_id: run}, on_complete=lambda _: None, on_status=lambda _: None)
    for frame in main_socket_frames(trace):
        if isinstance(frame, bytes):
            router.on_binary(frame)
        else:
            message = protocol.parse_text_frame(json.dumps(frame))
            assert message is not None
            router.on_text(message)
    run.finish(events.Completed(prompt_id, {}, ()))
    return trace, [event async for event in run]


def fractions(workflow: dict[str, Any], stream: list[events.PromptEvent]) -> list[tuple[float, Stage]]:
    progress = GraphProgress(workflow)
    seen = []
    for event in stream:
        progress.observe(event)
        seen.append((progress.fraction, progress.stage))
    return seen


async def test_decoding_after_sampling_does_not_empty_the_bar() -> None:
    # The reported case: "67% · step 2/3" followed by an empty bar for VAEDecode.
    trace, stream = await replayed("sd15_random_first_run_legacy_client")
    progress = GraphProgress(trace["workflow"])
    at_decode = None
    sampled = 0.0
    for event in stream:
        progress.observe(event)
        if isinstance(event, events.Progress) and event.value == event.max:
            sampled = progress.fraction
        if isinstance(event, events.NodeExecuting) and event.class_type == "VAEDecode":
            at_decode = (progress.fraction, progress.stage)
    assert at_decode is not None
    assert at_decode[0] >= sampled > 0.5, "sampling is most of the work; decoding starts where it ended"
    assert at_decode[1] is Stage.DECODING


async def test_the_bar_never_goes_back_and_is_full_only_when_complete() -> None:
    for name in ("sd15_random_first_run_legacy_client", "sd15_random_new_seed_model_cached_metadata_client"):
        trace, stream = await replayed(name)
        seen = [fraction for fraction, _ in fractions(trace["workflow"], stream)]
        assert seen == sorted(seen), name
        assert all(f <= ALMOST_DONE for f in seen[:-1])
        assert seen[-1] == 1.0


async def test_cached_nodes_count_as_done_from_the_start() -> None:
    trace, stream = await replayed("sd15_random_new_seed_model_cached_metadata_client")
    cached = next(i for i, e in enumerate(stream) if isinstance(e, events.NodesCached))
    assert set(stream[cached].node_ids) == {"4", "6", "7", "5"}  # type: ignore[union-attr]
    fraction, _ = fractions(trace["workflow"], stream)[cached]
    assert 0.1 < fraction < 0.5, "loader, prompts and latent are done; sampling is still ahead"


async def test_progress_state_becomes_typed_node_states() -> None:
    trace, stream = await replayed("image_emptyimage_saveimage")
    states = [e for e in stream if isinstance(e, events.NodeStates)]
    assert states[0].nodes == (events.NodeState("1", "running", 0.0, 1.0),)
    assert [(n.node_id, n.state) for n in states[-1].nodes] == [("1", "finished"), ("2", "finished")]
    seen = fractions(trace["workflow"], stream)
    assert seen[-2][0] == ALMOST_DONE, "every node finished, but not complete until ComfyUI says so"


async def test_a_fully_cached_run_jumps_to_almost_done() -> None:
    trace, stream = await replayed("image_emptyimage_saveimage_cached_resubmit")
    seen = fractions(trace["workflow"], stream)
    cached = next(i for i, e in enumerate(stream) if isinstance(e, events.NodesCached))
    assert seen[cached][0] == ALMOST_DONE


def test_stages_name_what_nodes_do() -> None:
    assert stage_of("CheckpointLoaderSimple") is Stage.LOADING_MODEL
    assert stage_of("CLIPTextEncode") is Stage.ENCODING
    assert stage_of("EmptyLatentImage") is Stage.PREPARING
    assert stage_of("KSampler") is Stage.SAMPLING
    assert stage_of("KSamplerAdvanced") is Stage.SAMPLING
    assert stage_of("ModelSamplingSD3") is Stage.PREPARING
    assert stage_of("VAEDecode") is Stage.DECODING
    assert stage_of("VAEDecodeAudio") is Stage.DECODING
    assert stage_of("SaveAudioMP3") is Stage.SAVING
    assert stage_of("LoadAudio") is Stage.LOADING_INPUT
    assert stage_of("ImageScaleBy") is Stage.WORKING


def test_sampling_weighs_by_its_steps() -> None:
    short = GraphProgress({**SD15, "3": {**SD15["3"], "inputs": {**SD15["3"]["inputs"], "steps": 3}}})
    long = GraphProgress({**SD15, "3": {**SD15["3"], "inputs": {**SD15["3"]["inputs"], "steps": 60}}})
    for progress in (short, long):
        progress.observe(events.NodesCached("p", ("4", "5", "6", "7")))
    assert long.fraction < short.fraction


_NODE_IDS = st.sampled_from([*SD15, "999", "5.1"])
_VALUES = st.floats(min_value=-5, max_value=50, allow_nan=False)
_STATES = st.sampled_from(["running", "finished", "error"])
_EVENTS = st.one_of(
    st.builds(events.NodesCached, st.just("p"), st.lists(_NODE_IDS, max_size=4).map(tuple)),
    st.builds(events.NodeExecuting, st.just("p"), _NODE_IDS, st.sampled_from(["KSampler", "VAEDecode", ""])),
    st.builds(events.Progress, st.just("p"), _NODE_IDS, _VALUES, _VALUES),
    st.builds(
        events.NodeStates,
        st.just("p"),
        st.lists(
            st.builds(events.NodeState, _NODE_IDS, _STATES, _VALUES, _VALUES),
            max_size=5,
        ).map(tuple),
    ),
    st.builds(events.Started, st.just("p")),
    st.builds(events.Interrupted, st.just("p")),
    st.builds(events.Failed, st.just("p"), st.just(errors.ExecutionFailed("boom"))),
)


@given(st.lists(_EVENTS, max_size=60), st.booleans())
def test_progress_never_decreases_and_is_full_only_when_completed(
    stream: list[events.PromptEvent], completes: bool
) -> None:
    progress = GraphProgress(SD15)
    before = progress.fraction
    for event in stream:
        progress.observe(event)
        assert before <= progress.fraction <= ALMOST_DONE
        before = progress.fraction
    if completes:
        progress.observe(events.Completed("p", {}, ()))
        assert progress.fraction == 1.0
        assert progress.stage is Stage.DONE
