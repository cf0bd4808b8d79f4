"""Graph surgery: a workflow that starts from an empty latent made to start from an uploaded file instead.

Image: ``LoadImage -> ImageScale (to the latent's size, centre crop) -> VAEEncode`` with the VAE the
workflow decodes with; audio (an ACE-Step cover): ``LoadAudio -> VAEEncodeAudio``. A latent batch of more
than one becomes ``RepeatLatentBatch``. Every link that read the empty latent then reads the encoded file,
and the empty latent goes. Works on any graph whose samplers start from an empty latent: KSampler,
an SDXL base + refiner, SamplerCustomAdvanced (Flux), ACE-Step.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from comfy.workflows import graph as g
from comfy.workflows.errors import WorkflowError
from comfy.workflows.input_slots import input_marker

SCALE_METHOD = "lanczos"


def decoder_vae(graph: g.Graph, audio: bool = False) -> list[Any] | None:
    """The ``vae`` link of the decoder that turns the samplers' latent into the result (None: no decoder).

    The encoder reuses it: the latent it makes must be in the space the decoder reads.
    """
    wanted = "VAEDecodeAudio" if audio else None
    for node_id in g.sorted_ids(graph):
        node = graph[node_id]
        inputs = g.inputs_of(node)
        if not (g.is_link(inputs.get("samples")) and g.is_link(inputs.get("vae"))):
            continue
        is_audio = g.class_of(node) == "VAEDecodeAudio"
        if (wanted is not None and is_audio) or (wanted is None and not is_audio):
            return list(inputs["vae"])
    return None


def can_derive_image(graph: Mapping[str, Any], latent_nodes: tuple[str, ...]) -> bool:
    return bool(latent_nodes) and decoder_vae(graph) is not None and _sized(graph, latent_nodes)


def can_derive_audio(graph: Mapping[str, Any], latent_nodes: tuple[str, ...]) -> bool:
    return bool(latent_nodes) and decoder_vae(graph, audio=True) is not None


def derive_image_input(graph: dict[str, Any], latent_nodes: tuple[str, ...], name: str = "") -> str:
    """Replace each empty latent by the encoded, resized image; returns the LoadImage node's id."""
    vae = decoder_vae(graph)
    if vae is None or not latent_nodes or not _sized(graph, latent_nodes):
        raise WorkflowError(name, "cannot start from an image: it has no sized empty latent and VAE decoder")
    ids = g.fresh_ids(graph)
    loader = next(ids)
    graph[loader] = g.new_node("LoadImage", "Image given", image=input_marker("image"))
    for latent_id in latent_nodes:
        latent = graph[latent_id]["inputs"]
        scaled = next(ids)
        graph[scaled] = g.new_node(
            "ImageScale",
            "Image to the latent's size",
            image=[loader, 0],
            upscale_method=SCALE_METHOD,
            width=int(latent["width"]),
            height=int(latent["height"]),
            crop="center",
        )
        encoded = next(ids)
        graph[encoded] = g.new_node("VAEEncode", "Image to latent", pixels=[scaled, 0], vae=vae)
        _replace_latent(graph, latent_id, encoded, ids)
    return loader


def derive_audio_input(graph: dict[str, Any], latent_nodes: tuple[str, ...], name: str = "") -> str:
    """Replace each empty audio latent by the encoded audio (a cover); returns the LoadAudio node's id."""
    vae = decoder_vae(graph, audio=True)
    if vae is None or not latent_nodes:
        raise WorkflowError(name, "cannot start from audio: it has no empty latent and VAEDecodeAudio")
    ids = g.fresh_ids(graph)
    loader = next(ids)
    graph[loader] = g.new_node("LoadAudio", "Audio given", audio=input_marker("audio"))
    for latent_id in latent_nodes:
        encoded = next(ids)
        graph[encoded] = g.new_node("VAEEncodeAudio", "Audio to latent", audio=[loader, 0], vae=vae)
        _replace_latent(graph, latent_id, encoded, ids)
    return loader


def _sized(graph: Mapping[str, Any], latent_nodes: tuple[str, ...]) -> bool:
    return all(
        g.has_number(graph[i], "width", minimum=1) and g.has_number(graph[i], "height", minimum=1)
        for i in latent_nodes
        if i in graph
    )


def _replace_latent(graph: dict[str, Any], latent_id: str, encoded: str, ids: Iterator[str]) -> None:
    """Point every reader of the empty latent at ``encoded`` (repeated to its batch size) and drop it."""
    batch = g.inputs_of(graph[latent_id]).get("batch_size", 1)
    source = encoded
    if isinstance(batch, int) and batch > 1:
        source = next(ids)
        graph[source] = g.new_node(
            "RepeatLatentBatch", "One latent per image", samples=[encoded, 0], amount=batch
        )
    for node in graph.values():
        inputs = node.get("inputs", {})
        for input_name, value in inputs.items():
            if g.is_link(value) and str(value[0]) == latent_id:
                inputs[input_name] = [source, value[1]]
    del graph[latent_id]
