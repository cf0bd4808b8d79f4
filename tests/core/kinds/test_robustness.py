"""Any graph a user drops in either becomes a template that binds, or is rejected with a WorkflowError."""

import copy
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from comfy.workflows.errors import WorkflowError
from comfy.workflows.validation import find_problems
from core.kinds import IMAGE
from core.kinds.image import ImageParams
from core.kinds.song import SongParams
from tests.comfy.workflows.graphs import ace_step_15, load
from tests.comfy.workflows.object_info import object_info
from tests.core.kinds.workflows import bind, make_template

INPUT_NAMES = [
    "text",
    "prompt",
    "tags",
    "lyrics",
    "steps",
    "seed",
    "noise_seed",
    "add_noise",
    "positive",
    "negative",
    "latent_image",
    "samples",
    "conditioning",
    "width",
    "height",
    "batch_size",
    "seconds",
    "bpm",
    "keyscale",
    "timesignature",
    "language",
    "duration",
    "start_at_step",
    "end_at_step",
    "images",
    "audio",
    "filename_prefix",
]
VALUES = st.one_of(
    st.integers(-5, 2000),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-10, max_value=2000),
    st.sampled_from(["", "x", "enable", "disable", "4"]),
    st.booleans(),
    st.none(),
    st.tuples(st.sampled_from(["3", "6", "14", "99"]), st.integers(-1, 3)).map(list),
    st.lists(st.integers(), max_size=3),
)
BASES = [
    load("txt2img_sd15_api.json"),
    load("sdxl_base_refiner_api.json"),
    load("ace_step_v1_song_api.json"),
    ace_step_15(),
]


@st.composite
def graphs(draw: st.DrawFn) -> dict:
    """A real template with a few random changes: nodes dropped, inputs removed or rewired, junk values."""
    graph = copy.deepcopy(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(0, 3))):
        node_id = draw(st.sampled_from(sorted(graph)))
        inputs = graph[node_id]["inputs"]
        change = draw(st.sampled_from(["drop node", "drop input", "set input"]))
        if change == "drop node" and len(graph) > 1:
            del graph[node_id]
        elif change == "drop input" and inputs:
            del inputs[draw(st.sampled_from(sorted(inputs)))]
        else:
            value = draw(
                st.one_of(VALUES, st.tuples(st.sampled_from(sorted(graph)), st.integers(0, 2)).map(list))
            )
            inputs[draw(st.sampled_from(INPUT_NAMES))] = value
    return graph


@settings(max_examples=150)
@given(graphs(), st.sampled_from(["1:1", "16:9", "2:3"]), st.sampled_from(["draft", "standard", "high"]))
def test_random_graphs_bind_or_are_rejected_with_a_workflow_error(
    graph: dict, ratio: str, quality: str
) -> None:
    try:
        template = make_template("random", json.dumps(graph), source="test")
    except WorkflowError as error:
        rejection = error.detail
    else:
        rejection = ""
    if rejection:
        assert rejection.startswith("workflow 'random': ")
        return

    if template.kind == IMAGE:
        bound = bind(template, ImageParams(prompt="a fox", aspect_ratio=ratio, quality=quality, seed=3))
    else:
        bound = bind(template, SongParams(genre="pop", tempo=90, key="C", time_signature="3/4", seed=3))

    assert bound.metadata["seed"] == 3
    assert set(bound.output_node_ids) <= set(bound.graph)
    assert all(isinstance(problem.message, str) for problem in find_problems(bound.graph, object_info()))
