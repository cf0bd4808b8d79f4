import pytest

from comfy.workflows.errors import WorkflowError
from comfy.workflows.sidecar import BindingSidecar, parse_sidecar
from core.kinds import IMAGE, SONG
from tests.comfy.workflows.graphs import ace_step_15, custom_nodes_txt2img, load, node
from tests.core.kinds.workflows import KINDS, analyse, make_template


def test_sd15_txt2img_is_read_from_its_links() -> None:
    binding = analyse("txt2img", load("txt2img_sd15_api.json"))

    assert binding.kind == IMAGE
    assert binding.prompt_nodes == ("6",)
    assert binding.negative_nodes == ("7",)
    assert binding.latent_nodes == ("5",)
    assert binding.sampler_nodes == ("3",)
    assert binding.seed_nodes == ("3",)
    assert binding.output_nodes == ("9",)
    assert (binding.base_width, binding.base_height) == (512, 512)
    assert binding.steps == {"draft": 10, "standard": 20, "high": 30}


def test_sdxl_base_and_refiner_seed_only_the_sampler_that_adds_noise() -> None:
    binding = analyse("sdxl", load("sdxl_base_refiner_api.json"))

    assert binding.prompt_nodes == ("6", "15")
    assert binding.negative_nodes == ("7", "16")
    assert binding.sampler_nodes == ("10", "11")  # base first: the refiner's latent comes from it
    assert binding.seed_nodes == ("10",)
    assert binding.latent_nodes == ("5",)
    assert binding.output_nodes == ("19",)
    assert (binding.base_width, binding.base_height) == (1024, 1024)


def test_ace_step_song_negative_is_the_zeroed_positive_so_it_takes_no_text() -> None:
    binding = analyse("song", load("ace_step_v1_song_api.json"))

    assert binding.kind == SONG
    assert binding.prompt_nodes == ("14",)
    assert binding.negative_nodes == ()
    assert binding.latent_nodes == ("17",)
    assert binding.sampler_nodes == ("52",)
    assert binding.seed_nodes == ("52",)
    assert binding.output_nodes == ("59",)
    assert binding.base_width is None
    assert binding.steps["standard"] == 50


def test_ace_step_15_encoder_also_takes_the_seed() -> None:
    binding = analyse("ace15", ace_step_15())

    assert binding.kind == SONG
    assert binding.prompt_nodes == ("94",)
    assert binding.seed_nodes == ("3", "94")
    assert binding.latent_nodes == ("98",)


def test_prompt_is_found_through_controlnet_and_timestep_nodes() -> None:
    graph = load("txt2img_sd15_api.json")
    graph["30"] = node(
        "ControlNetApplyAdvanced",
        positive=["31", 0],
        negative=["7", 0],
        control_net=["32", 0],
        image=["33", 0],
        strength=1.0,
    )
    graph["31"] = node("ConditioningSetTimestepRange", conditioning=["6", 0], start=0.0, end=1.0)
    graph["3"]["inputs"]["positive"] = ["30", 0]
    graph["3"]["inputs"]["negative"] = ["30", 1]

    binding = analyse("controlnet", graph)

    assert binding.prompt_nodes == ("6",)
    assert binding.negative_nodes == ("7",)


def test_graph_without_sampler_is_rejected_naming_what_is_missing() -> None:
    graph = {"1": node("EmptyImage", width=64, height=64, batch_size=1, color=0)}
    graph["2"] = node("SaveImage", images=["1", 0], filename_prefix="x")

    with pytest.raises(WorkflowError) as caught:
        analyse("blank", graph)

    message = caught.value.detail
    assert message.startswith("workflow 'blank': no sampler (a node with steps, positive and latent_image")
    assert "no prompt text encoder" in message
    assert ".binding.json sidecar" in message


def test_prompt_behind_an_unknown_custom_node_needs_a_sidecar() -> None:
    with pytest.raises(WorkflowError, match="no prompt text encoder"):
        analyse("custom", custom_nodes_txt2img())


def test_sidecar_names_the_prompt_node_and_sets_defaults() -> None:
    sidecar = parse_sidecar(
        "custom",
        b'{"nodes": {"prompt": ["6"]}, "defaults": {"width": 768, "height": 768, "steps": {"high": 42}}}',
        kinds=KINDS.kinds,
    )

    binding = analyse("custom", custom_nodes_txt2img(), sidecar)

    assert binding.prompt_nodes == ("6",)
    assert binding.negative_nodes == ("7",)  # still analysed
    assert (binding.base_width, binding.base_height) == (768, 768)
    assert binding.steps == {"draft": 10, "standard": 20, "high": 42}


def test_sidecar_naming_a_missing_or_unfit_node_is_reported_precisely() -> None:
    sidecar = BindingSidecar.model_validate({"nodes": {"prompt": ["99"], "latent": ["6"]}})

    with pytest.raises(WorkflowError) as caught:
        analyse("custom", custom_nodes_txt2img(), sidecar)

    assert "the sidecar names node 99 for 'prompt', but the workflow has no such node" in caught.value.detail
    assert "node 6 (CLIPTextEncode) cannot be the 'latent': it has no width and height numbers" in (
        caught.value.detail
    )


def test_invalid_sidecar_lists_every_bad_field() -> None:
    with pytest.raises(WorkflowError) as caught:
        parse_sidecar(
            "w",
            b'{"kind": "hologram", "defaults": {"width": 100000, "steps": {"draft": 0}}, "x": 1}',
            kinds=KINDS.kinds,
        )

    detail = caught.value.detail
    for field in ("kind:", "defaults.width:", "defaults.steps.draft:", "x:"):
        assert field in detail


def test_ui_format_workflow_is_rejected_with_how_to_export() -> None:
    with pytest.raises(WorkflowError, match=r"UI format; export it with 'Export \(API\)'"):
        make_template("ui", b'{"nodes": [], "links": [], "version": 0.4}', source="test")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (b"{not json", "is not valid JSON"),
        (b"[]", "is not a JSON object of nodes"),
        (b"{}", "has no nodes"),
        (b'{"1": {"inputs": {}}}', "node 1 is not an API-format node with a class_type"),
    ],
)
def test_unreadable_documents_say_why(text: bytes, reason: str) -> None:
    with pytest.raises(WorkflowError, match=reason):
        make_template("broken", text, source="test")


def test_sampler_with_zero_steps_and_latent_without_area_are_reported() -> None:
    graph = load("txt2img_sd15_api.json")
    graph["3"]["inputs"]["steps"] = 0
    graph["5"]["inputs"]["width"] = -8

    with pytest.raises(WorkflowError) as caught:
        analyse("zero", graph)

    assert caught.value.detail == (
        "workflow 'zero': node 3 (KSampler) cannot be the 'samplers': it has no steps number of 1 or more; "
        "node 5 (EmptyLatentImage) cannot be the 'latent': it has no width and height numbers of 1 or more"
    )
