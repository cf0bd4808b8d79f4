"""What the analysis of a graph found: which nodes take which parameter, and the template's defaults."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from comfy.workflows.params import Quality

# Relative to the template's own step count when no sidecar says otherwise.
QUALITY_STEP_FACTORS: dict[Quality, float] = {"draft": 0.5, "standard": 1.0, "high": 1.5}


class NodeRoles(BaseModel):
    """Node ids per parameter; ``sampler_nodes`` runs upstream first (an SDXL base before its refiner)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # The kind of job the workflow makes, as named by the shape that recognised it.
    kind: str
    prompt_nodes: tuple[str, ...]
    negative_nodes: tuple[str, ...]
    latent_nodes: tuple[str, ...]
    sampler_nodes: tuple[str, ...]
    seed_nodes: tuple[str, ...]
    output_nodes: tuple[str, ...]
    # Sized shapes (images): the pixel area aspect ratios keep. Others: None.
    base_width: int | None
    base_height: int | None
    # Timed shapes (videos): frames per second, from the graph or the sidecar. Others: None.
    fps: float | None = None
    # Steps of the first sampler for each quality; the other samplers are scaled alike (empty: no sampler).
    steps: dict[Quality, int]
    # The loader giving the first sampler its model (checkpoint or diffusion model), and the LoRA loaders
    # on the way, upstream first (comfy.workflows.models).
    model_nodes: tuple[str, ...] = ()
    lora_nodes: tuple[str, ...] = ()
    # Media the workflow reads (role "image", "mask", "audio" -> loader nodes): a request must bring them.
    input_nodes: dict[str, tuple[str, ...]] = {}
    # Samplers and schedulers whose denoise (or KSamplerAdvanced's start step) the strength sets.
    strength_nodes: tuple[str, ...] = ()
