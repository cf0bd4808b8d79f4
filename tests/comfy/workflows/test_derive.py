"""Graph surgery: txt2img (and text-to-music) workflows made to start from an uploaded file."""

from typing import Any

import pytest

from comfy.workflows import graph as g
from comfy.workflows.derive import (
    can_derive_audio,
    can_derive_image,
    derive_audio_input,
    derive_image_input,
)
from comfy.workflows.errors import WorkflowError
from comfy.workflows.input_slots import find_loaders, marked_roles
from tests.comfy.workflows.graphs import ace_step_15, flux_custom_sampler, load


def _source(graph: dict[str, Any], link: Any) -> dict[str, Any]:
    assert g.is_link(link)
    return graph[str(link[0])]


def _image_chain(graph: dict[str, Any], latent_link: Any) -> tuple[dict[str, Any], ...]:
    """The VAEEncode feeding ``latent_link``, its ImageScale and LoadImage."""
    encode = _source(graph, latent_link)
    scale = _source(graph, encode["inputs"]["pixels"])
    loader = _source(graph, scale["inputs"]["image"])
    return encode, scale, loader


def test_sd15_txt2img_starts_from_the_image_scaled_to_its_latent_and_encoded_with_its_vae() -> None:
    graph = load("txt2img_sd15_api.json")
    graph["5"]["inputs"].update(width=768, height=512)

    loader_id = derive_image_input(graph, ("5",))

    assert "5" not in graph  # the empty latent is gone
    encode, scale, loader = _image_chain(graph, graph["3"]["inputs"]["latent_image"])
    assert encode["class_type"] == "VAEEncode"
    assert encode["inputs"]["vae"] == ["4", 2]  # the VAE VAEDecode uses
    assert scale["class_type"] == "ImageScale"
    assert (scale["inputs"]["width"], scale["inputs"]["height"], scale["inputs"]["crop"]) == (
        768,
        512,
        "center",
    )
    assert loader == graph[loader_id]
    assert loader == {
        "class_type": "LoadImage",
        "inputs": {"image": "bot-input:image"},
        "_meta": loader["_meta"],
    }
    assert marked_roles(graph) == {"image"}
    assert find_loaders(graph) == {"image": (loader_id,)}


def test_new_nodes_take_ids_after_the_highest_so_none_is_overwritten() -> None:
    graph = load("txt2img_sd15_api.json")
    before = set(graph) - {"5"}

    derive_image_input(graph, ("5",))

    assert before <= set(graph)
    assert set(graph) - before == {"10", "11", "12"}


def test_a_batch_repeats_the_encoded_image_once_per_image() -> None:
    graph = load("txt2img_sd15_api.json")
    graph["5"]["inputs"]["batch_size"] = 3

    derive_image_input(graph, ("5",))

    repeat = _source(graph, graph["3"]["inputs"]["latent_image"])
    assert repeat["class_type"] == "RepeatLatentBatch"
    assert repeat["inputs"]["amount"] == 3
    assert _source(graph, repeat["inputs"]["samples"])["class_type"] == "VAEEncode"


def test_sdxl_base_gets_the_image_and_the_refiner_still_follows_the_base() -> None:
    graph = load("sdxl_base_refiner_api.json")

    derive_image_input(graph, ("5",))

    encode, _, _ = _image_chain(graph, graph["10"]["inputs"]["latent_image"])
    assert encode["inputs"]["vae"] == ["12", 2]  # the refiner's VAE decodes, so it encodes
    assert graph["11"]["inputs"]["latent_image"] == ["10", 0]


def test_flux_custom_sampler_graph_gets_the_image_on_its_latent_input() -> None:
    graph = flux_custom_sampler()

    derive_image_input(graph, ("27",))

    encode, scale, _ = _image_chain(graph, graph["13"]["inputs"]["latent_image"])
    assert encode["inputs"]["vae"] == ["10", 0]
    assert (scale["inputs"]["width"], scale["inputs"]["height"]) == (1024, 1024)


def test_a_workflow_without_a_vae_decoder_cannot_take_an_image() -> None:
    graph = load("txt2img_sd15_api.json")
    del graph["8"], graph["9"]

    assert not can_derive_image(graph, ("5",))
    with pytest.raises(WorkflowError, match="cannot start from an image"):
        derive_image_input(graph, ("5",), "odd")


def test_an_audio_latent_is_no_image_to_replace() -> None:
    assert not can_derive_image(ace_step_15(), ("98",))


def test_ace_step_cover_encodes_the_song_with_the_vae_that_decodes_the_audio() -> None:
    graph = load("ace_step_v1_song_api.json")
    graph["17"]["inputs"]["batch_size"] = 2
    assert can_derive_audio(graph, ("17",))

    loader_id = derive_audio_input(graph, ("17",))

    repeat = _source(graph, graph["52"]["inputs"]["latent_image"])
    assert repeat["class_type"] == "RepeatLatentBatch"
    encode = _source(graph, repeat["inputs"]["samples"])
    assert encode["class_type"] == "VAEEncodeAudio"
    assert encode["inputs"] == {"audio": [loader_id, 0], "vae": ["40", 2]}
    assert graph[loader_id]["inputs"] == {"audio": "bot-input:audio"}
    assert "17" not in graph


def test_an_image_workflow_cannot_be_covered() -> None:
    assert not can_derive_audio(load("txt2img_sd15_api.json"), ("5",))
