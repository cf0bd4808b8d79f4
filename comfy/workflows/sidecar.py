"""``<workflow>.binding.json``: the operator's word on a graph the analysis cannot read by itself.

Every field is optional; a field given replaces what the analysis found, the others are still analysed.
Example::

    {"kind": "image",
     "nodes": {"prompt": ["12"], "negative": ["13"], "latent": ["5"], "samplers": ["3"], "seed": ["3"],
               "outputs": ["9"], "image": ["10"], "strength": ["3"]},
     "defaults": {"width": 1024, "height": 1024, "steps": {"draft": 8, "standard": 20, "high": 30}}}
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from comfy.workflows.errors import UnusableReason, WorkflowError

SIDECAR_SUFFIX = ".binding.json"
MAX_SIDECAR_BYTES = 64 * 1024

NodeIds = list[str]


class SidecarNodes(BaseModel):
    """Node ids per parameter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    prompt: NodeIds | None = Field(default=None, description="text or ACE-Step encoders given the prompt")
    negative: NodeIds | None = Field(default=None, description="text encoders given the negative prompt")
    latent: NodeIds | None = Field(default=None, description="empty latent nodes (size / seconds, batch)")
    samplers: NodeIds | None = Field(default=None, description="samplers whose steps follow the quality")
    seed: NodeIds | None = Field(default=None, description="nodes whose seed / noise_seed is set per job")
    outputs: NodeIds | None = Field(default=None, description="nodes whose files are the job's results")
    model: NodeIds | None = Field(default=None, description="checkpoint or diffusion-model loaders to choose")
    loras: NodeIds | None = Field(default=None, description="LoRA loaders a job's LoRAs fill, in order")
    image: NodeIds | None = Field(default=None, description="loaders given the request's image")
    mask: NodeIds | None = Field(default=None, description="loaders given the request's mask")
    audio: NodeIds | None = Field(default=None, description="loaders given the request's audio")
    strength: NodeIds | None = Field(default=None, description="samplers or schedulers whose denoise is set")


class StepsPerQuality(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    draft: int | None = Field(default=None, ge=1, le=1000)
    standard: int | None = Field(default=None, ge=1, le=1000)
    high: int | None = Field(default=None, ge=1, le=1000)


class SidecarDefaults(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # The base resolution whose pixel area every aspect ratio keeps.
    width: int | None = Field(default=None, ge=64, le=8192, multiple_of=8)
    height: int | None = Field(default=None, ge=64, le=8192, multiple_of=8)
    steps: StepsPerQuality = StepsPerQuality()
    # A video's frames per second, where the graph sets none (on CreateVideo, SaveWEBM, ...).
    fps: float | None = Field(default=None, gt=0, le=240)


class BindingSidecar(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # One of the kinds the application runs ("image", "song", ...), given as validation context.
    kind: str | None = None
    nodes: SidecarNodes = SidecarNodes()
    defaults: SidecarDefaults = SidecarDefaults()

    @field_validator("kind")
    @classmethod
    def _kind_is_known(cls, kind: str | None, info: ValidationInfo) -> str | None:
        known: Collection[str] = (info.context or {}).get("kinds", ())
        if kind is not None and kind not in known:
            raise ValueError(f"'{kind}' is not a kind of job this bot runs ({', '.join(known) or 'none'})")
        return kind


def sidecar_path(workflow_path: Path) -> Path:
    return workflow_path.with_name(workflow_path.stem + SIDECAR_SUFFIX)


def parse_sidecar(workflow: str, text: str | bytes, *, kinds: Collection[str]) -> BindingSidecar:
    """The sidecar document, or a WorkflowError listing every problem in it with its field."""
    try:
        return BindingSidecar.model_validate_json(text, context={"kinds": kinds})
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc']) or '(document)'}: {item['msg']}"
            for item in error.errors()
        )
        raise WorkflowError(workflow, UnusableReason.of("bad_sidecar", problems=problems)) from None


def load_sidecar(workflow: str, workflow_path: Path, *, kinds: Collection[str]) -> BindingSidecar | None:
    """The sidecar next to ``workflow_path``, if there is one."""
    path = sidecar_path(workflow_path)
    if not path.is_file():
        return None
    if path.stat().st_size > MAX_SIDECAR_BYTES:
        raise WorkflowError(workflow, f"{path.name} is larger than {MAX_SIDECAR_BYTES} bytes")
    return parse_sidecar(workflow, path.read_bytes(), kinds=kinds)
