"""The edit and upscale kinds: their built-in workflows are read from the graph and bound like any other."""

import json

import pytest

from comfy.workflows.input_slots import marked_roles
from comfy.workflows.template import WorkflowTemplate
from core.errors import UserFacingError
from core.kinds import EDIT, UPSCALE, EditParams, InputMissing, InputNotTaken, UpscaleParams
from core.kinds.upscale import UPSCALE_KIND, model_factor
from tests.comfy.workflows.graphs import node
from tests.core.kinds.workflows import KINDS, load_workflows, make_template

CATALOGUE = load_workflows()


def _template(name: str) -> WorkflowTemplate:
    return CATALOGUE.get(name)


@pytest.mark.parametrize(("name", "loader", "prompt"), [("edit", "78", "76"), ("edit-kontext", "142", "6")])
def test_edit_templates_are_edit_workflows_reading_an_image(name: str, loader: str, prompt: str) -> None:
    template = _template(name)

    assert template.kind == EDIT
    assert template.binding.input_nodes == {"image": (loader,)}
    assert template.binding.prompt_nodes == (prompt,)
    assert KINDS.input_needs(template) == {"image": "required"}


def test_the_instruction_goes_to_qwens_edit_encoder_and_its_empty_negative_stays() -> None:
    bound = KINDS.bind(_template("edit"), EditParams(instruction="make it night", seed=5), inputs=["image"])

    graph = bound.graph
    assert graph["76"]["inputs"]["prompt"] == "make it night"
    assert graph["77"]["inputs"]["prompt"] == ""
    assert graph["78"]["inputs"]["image"] == "bot-input:image"
    assert graph["3"]["inputs"]["seed"] == 5
    assert graph["3"]["inputs"]["denoise"] == 1  # an edit model redraws from its reference, not from noise
    assert bound.metadata["instruction"] == "make it night"


def test_kontext_takes_the_instruction_on_the_text_encoder_behind_reference_latent_and_guidance() -> None:
    bound = KINDS.bind(
        _template("edit-kontext"), EditParams(instruction="add a hat", seed=5), inputs=["image"]
    )

    assert bound.graph["6"]["inputs"]["text"] == "add a hat"
    assert marked_roles(bound.graph) == {"image"}


def test_an_edit_without_an_image_is_refused() -> None:
    with pytest.raises(InputMissing, match="needs an image"):
        KINDS.bind(_template("edit"), EditParams(instruction="make it night", seed=5))


def test_an_edit_makes_one_picture() -> None:
    with pytest.raises(ValueError, match="count"):
        EditParams(instruction="x", count=2)


@pytest.mark.parametrize(("factor", "scale_by"), [(2, 0.5), (4, 1.0)])
def test_model_upscale_scales_the_models_4x_to_the_factor_asked(factor: int, scale_by: float) -> None:
    bound = KINDS.bind(_template("upscale"), UpscaleParams(factor=factor, seed=1), inputs=["image"])

    assert bound.graph["4"]["inputs"]["scale_by"] == scale_by
    assert bound.graph["1"]["inputs"]["image"] == "bot-input:image"
    assert bound.metadata["models"] == ["RealESRGAN_x4plus.pth"]


def test_a_2x_model_chosen_needs_no_more_scaling_for_2x() -> None:
    params = UpscaleParams(factor=2, model="RealESRGAN_x2plus.pth", seed=1)

    bound = KINDS.bind(_template("upscale"), params, inputs=["image"])

    assert bound.graph["2"]["inputs"]["model_name"] == "RealESRGAN_x2plus.pth"
    assert bound.graph["4"]["inputs"]["scale_by"] == 1.0


@pytest.mark.parametrize("factor", [2, 4])
def test_model_free_upscale_scales_by_the_factor(factor: int) -> None:
    template = _template("upscale-basic")
    assert template.kind == UPSCALE

    bound = KINDS.bind(template, UpscaleParams(factor=factor, seed=1), inputs=["image"])

    assert bound.graph["2"]["inputs"]["scale_by"] == factor
    assert bound.output_node_ids == ("3",)


def test_a_model_asked_of_the_model_free_upscale_is_refused_kindly() -> None:
    with pytest.raises(UserFacingError, match="without a model"):
        KINDS.bind(
            _template("upscale-basic"), UpscaleParams(model="4x-UltraSharp.pth", seed=1), inputs=["image"]
        )


def test_an_upscale_factor_other_than_2_or_4_is_not_a_parameter() -> None:
    with pytest.raises(ValueError, match="factor"):
        UpscaleParams(factor=3)  # type: ignore[arg-type]


def test_an_upscale_workflow_that_only_has_a_fixed_model_refuses_another_factor() -> None:
    graph = json.loads(json.dumps(_template("upscale").graph))
    del graph["4"]
    graph["5"]["inputs"]["images"] = ["3", 0]
    template = make_template("fixed4x", json.dumps(graph), source="test")

    assert KINDS.bind(template, UpscaleParams(factor=4, seed=1), inputs=["image"]).metadata["factor"] == 4
    with pytest.raises(UserFacingError, match=r"only upscales ×4"):
        KINDS.bind(template, UpscaleParams(factor=2, seed=1), inputs=["image"])


@pytest.mark.parametrize(
    ("name", "factor"),
    [("RealESRGAN_x4plus.pth", 4), ("RealESRGAN_x2plus.pth", 2), ("4x-UltraSharp.pth", 4),
     ("2x_NMKD-Upscale.pth", 2), ("8x_NMKD-Superscale.pt", 8), ("some-model.safetensors", 4)],
)  # fmt: skip
def test_an_upscale_models_factor_is_read_from_its_name(name: str, factor: int) -> None:
    assert model_factor(name) == factor


def test_audio_given_to_an_upscale_is_refused_naming_what_it_takes() -> None:
    with pytest.raises(InputNotTaken, match=r"doesn't take an audio file\. It takes an image"):
        KINDS.bind(_template("upscale"), UpscaleParams(seed=1), inputs=["image", "audio"])


def test_an_image_graph_without_samplers_that_only_saves_what_it_loads_is_no_workflow() -> None:
    graph = {
        "1": node("LoadImage", image="a.png"),
        "2": node("SaveImage", images=["1", 0], filename_prefix="x"),
    }

    with pytest.raises(Exception, match="sampler"):
        make_template("copy", json.dumps(graph), source="test")


@pytest.mark.parametrize(
    ("width", "height", "factor", "refused"),
    [
        (4032, 3024, 2, None),  # a phone's photo ×2: 49 megapixels
        (4032, 3024, 4, "Try ×2."),  # ×4: 195
        (10000, 9000, 2, "Please use a smaller picture."),  # ×2 already past the most
        (1024, 1024, 4, None),
    ],
)
def test_an_upscale_past_what_can_be_delivered_is_refused_with_what_to_try(
    width: int, height: int, factor: int, refused: str | None
) -> None:
    params = UpscaleParams(factor=factor)  # type: ignore[arg-type]
    fit = UPSCALE_KIND.fit_to_picture
    assert fit is not None
    if refused is None:
        assert fit(params, width, height) is params
        return
    with pytest.raises(UserFacingError) as error:
        fit(params, width, height)
    assert str(error.value.user_message).endswith(refused)
