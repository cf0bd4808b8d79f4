"""Media a request brings, checked against the workflow and placed in the graph when it is bound."""

import json

import pytest

from comfy.workflows.errors import WorkflowError
from comfy.workflows.input_slots import marked_roles
from comfy.workflows.sidecar import parse_sidecar
from comfy.workflows.template import WorkflowTemplate
from core.errors import UserFacingError
from core.jobs.derived import ACTIONS, ResultAction
from core.kinds import InputMissing, InputNotTaken, StrengthWithoutInput
from core.kinds.image import IMAGE_TO_IMAGE_STRENGTH, ImageParams
from core.kinds.song import COVER_STRENGTH, SongParams
from tests.comfy.workflows.graphs import load, node
from tests.core.kinds.workflows import KINDS, bind, builtin_templates, make_template


def _builtin(name: str) -> WorkflowTemplate:
    return next(template for template in builtin_templates() if template.name == name)


def _img2img() -> WorkflowTemplate:
    """A user's own image-to-image workflow: it reads an image and has no empty latent."""
    graph = load("txt2img_sd15_api.json")
    del graph["5"]
    graph["10"] = node("LoadImage", image="example.png")
    graph["11"] = node("VAEEncode", pixels=["10", 0], vae=["4", 2])
    graph["3"]["inputs"].update(latent_image=["11", 0], denoise=0.75)
    return make_template("img2img", json.dumps(graph), source="test")


def test_txt2img_takes_an_optional_image_and_the_song_an_optional_audio() -> None:
    assert KINDS.input_needs(_builtin("txt2img")) == {"image": "optional"}
    assert KINDS.input_needs(_builtin("song")) == {"audio": "optional"}


def test_a_workflow_reading_an_image_requires_it_and_is_still_an_image_workflow() -> None:
    template = _img2img()

    assert template.kind == "image"
    assert template.binding.input_nodes == {"image": ("10",)}
    assert template.binding.latent_nodes == ()
    assert KINDS.input_needs(template) == {"image": "required"}


def test_txt2img_without_an_image_is_bound_as_before_with_no_marker() -> None:
    bound = bind(_builtin("txt2img"), ImageParams(prompt="a fox"))

    assert marked_roles(bound.graph) == set()
    assert bound.graph["3"]["inputs"]["denoise"] == 1
    assert "inputs" not in bound.metadata


def test_an_image_given_to_txt2img_derives_image_to_image_at_the_default_strength() -> None:
    bound = KINDS.bind(_builtin("txt2img"), ImageParams(prompt="a fox", seed=1, count=2), inputs=["image"])

    graph = bound.graph
    assert marked_roles(graph) == {"image"}
    assert graph["3"]["inputs"]["denoise"] == IMAGE_TO_IMAGE_STRENGTH
    repeat = graph[graph["3"]["inputs"]["latent_image"][0]]
    assert (repeat["class_type"], repeat["inputs"]["amount"]) == ("RepeatLatentBatch", 2)
    assert bound.metadata["strength"] == IMAGE_TO_IMAGE_STRENGTH
    assert bound.metadata["inputs"] == ["image"]
    assert bound.metadata["count"] == 2


def test_the_requested_strength_is_the_samplers_denoise() -> None:
    params = ImageParams(prompt="a fox", seed=1, strength=0.25)

    bound = KINDS.bind(_builtin("txt2img"), params, inputs={"image"})

    assert bound.graph["3"]["inputs"]["denoise"] == 0.25


def test_a_workflow_reading_an_image_keeps_its_own_denoise_unless_a_strength_is_asked() -> None:
    template = _img2img()

    own = KINDS.bind(template, ImageParams(prompt="a fox", seed=1), inputs=["image"])
    asked = KINDS.bind(template, ImageParams(prompt="a fox", seed=1, strength=0.4), inputs=["image"])

    assert own.graph["10"]["inputs"]["image"] == "bot-input:image"
    assert own.graph["3"]["inputs"]["denoise"] == 0.75
    assert asked.graph["3"]["inputs"]["denoise"] == 0.4
    assert template.graph["10"]["inputs"]["image"] == "example.png"  # the template is untouched


def test_a_picture_given_to_a_hires_fix_workflow_sets_the_first_pass_and_leaves_the_hires_denoise() -> None:
    graph = load("txt2img_sd15_api.json")
    graph["20"] = node("VAEDecode", samples=["3", 0], vae=["4", 2])
    graph["21"] = node("ImageScaleBy", image=["20", 0], upscale_method="lanczos", scale_by=1.5)
    graph["22"] = node("VAEEncode", pixels=["21", 0], vae=["4", 2])
    graph["23"] = json.loads(json.dumps(graph["3"]))
    graph["23"]["inputs"] |= {"latent_image": ["22", 0], "denoise": 0.45}
    graph["8"]["inputs"]["samples"] = ["23", 0]
    template = make_template("hires", json.dumps(graph), source="test")

    bound = KINDS.bind(template, ImageParams(prompt="a fox", seed=1, strength=0.6), inputs=["image"])

    assert bound.graph["3"]["inputs"]["denoise"] == 0.6
    assert bound.graph["23"]["inputs"]["denoise"] == 0.45
    assert bound.graph["22"]["inputs"]["pixels"] == ["21", 0], "the hires pass still refines the first's"


def test_a_workflow_reading_an_image_refuses_a_request_without_one() -> None:
    with pytest.raises(InputMissing) as raised:
        KINDS.bind(_img2img(), ImageParams(prompt="a fox", seed=1))

    assert isinstance(raised.value, UserFacingError)
    assert raised.value.user_message == "The workflow 'img2img' needs an image to work from; please add it."


def test_an_input_the_workflow_cannot_take_is_refused_naming_what_it_takes() -> None:
    with pytest.raises(InputNotTaken) as raised:
        KINDS.bind(_builtin("song"), SongParams(seed=1), inputs=["image"])

    assert raised.value.user_message == "The workflow 'song' doesn't take an image. It takes an audio file."


def test_a_workflow_with_nowhere_to_put_an_image_refuses_it() -> None:
    graph = load("txt2img_sd15_api.json")
    graph["9"] = node("SaveImage", images=["3", 0], filename_prefix="latent-only")  # no VAE decoder to reuse
    del graph["8"]
    template = make_template("odd", json.dumps(graph), source="test")

    with pytest.raises(InputNotTaken, match="doesn't take an image"):
        KINDS.bind(template, ImageParams(prompt="a fox", seed=1), inputs=["image"])


def test_strength_without_an_input_is_refused() -> None:
    with pytest.raises(StrengthWithoutInput):
        KINDS.bind(_builtin("txt2img"), ImageParams(prompt="a fox", seed=1, strength=0.5))


@pytest.mark.parametrize("strength", [-0.01, 1.5, float("nan")])
def test_strength_outside_zero_to_one_is_not_a_valid_parameter(strength: float) -> None:
    with pytest.raises(ValueError, match="strength"):
        ImageParams(prompt="a fox", strength=strength)


def test_a_song_given_to_the_song_workflow_becomes_a_cover() -> None:
    bound = KINDS.bind(_builtin("song"), SongParams(seed=1, lyrics="[verse]\nla"), inputs=["audio"])

    graph = bound.graph
    encode = graph[graph["52"]["inputs"]["latent_image"][0]]
    assert encode["class_type"] == "VAEEncodeAudio"
    assert graph[encode["inputs"]["audio"][0]]["inputs"] == {"audio": "bot-input:audio"}
    assert graph["52"]["inputs"]["denoise"] == COVER_STRENGTH
    assert bound.metadata["strength"] == COVER_STRENGTH


def test_song_audio_and_the_cover_button_start_from_one_strength() -> None:
    """`/song audio:` without a strength and a result's Cover button make the same cover."""
    by_song = KINDS.bind(_builtin("song"), SongParams(seed=1, lyrics="[verse]\nla"), inputs=["audio"])
    by_button = KINDS.bind(
        _builtin("song"),
        SongParams(seed=1, lyrics="[verse]\nla", strength=ACTIONS[ResultAction.COVER].strength),
        inputs=["audio"],
    )

    assert by_song.metadata["strength"] == by_button.metadata["strength"] == 0.6
    assert by_song.graph == by_button.graph


def test_a_sidecar_names_the_loader_and_strength_node_of_a_graph_it_cannot_read() -> None:
    graph = json.loads(json.dumps(_img2img().graph))
    graph["10"] = node("Custom_LoadPicture", image="example.png")
    sidecar = parse_sidecar("custom", '{"nodes": {"image": ["10"], "strength": ["3"]}}', kinds=KINDS.kinds)

    template = make_template("custom", json.dumps(graph), source="test", sidecar=sidecar)

    assert template.binding.input_nodes == {"image": ("10",)}
    bound = KINDS.bind(template, ImageParams(prompt="a fox", seed=1, strength=0.3), inputs=["image"])
    assert bound.graph["10"]["inputs"]["image"] == "bot-input:image"
    assert bound.graph["3"]["inputs"]["denoise"] == 0.3


def test_a_sidecar_naming_a_node_without_a_file_input_as_a_loader_is_rejected() -> None:
    sidecar = parse_sidecar("bad", '{"nodes": {"image": ["3"]}}', kinds=KINDS.kinds)

    with pytest.raises(WorkflowError, match=r"node 3 \(KSampler\) cannot be the 'image'"):
        make_template("bad", json.dumps(load("txt2img_sd15_api.json")), source="test", sidecar=sidecar)
