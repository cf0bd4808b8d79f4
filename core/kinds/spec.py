"""A kind of job (image, song, ...) described once: everything else asks this description."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Literal, NewType, TypeVar

from comfy.workflows.node_roles import NodeRoles
from comfy.workflows.shape import WorkflowShape
from comfy.workflows.template import WorkflowTemplate
from core.errors import UserFacingError
from core.kinds.fields import KindParams
from core.texts import Text

# The name a kind is registered, stored and routed by ("image", "song"); any registered name is valid.
JobKind = NewType("JobKind", str)

P = TypeVar("P", bound=KindParams)

# Whether a kind's request must bring a medium (an edit needs its image) or may (image-to-image).
InputNeed = Literal["required", "optional"]


@dataclass(frozen=True)
class InputDerivation:
    """How a workflow without a loader for an optional input is given one (txt2img -> image-to-image).

    ``derive`` edits the graph copy (after the kind's parameters are set on it) so that the input, read by
    a loader holding the role's marker, replaces what the samplers started from; ``default_strength`` is
    the strength used when the request names none.
    """

    derive: Callable[[dict[str, Any], NodeRoles], None]
    default_strength: float
    # Whether this workflow can be derived at all (it has an empty latent and a VAE decoder to reuse).
    fits: Callable[[Mapping[str, Any], NodeRoles], bool]


@dataclass(frozen=True)
class KindTexts:
    """How the kind is spoken of: "There is no {noun} workflow ...", "/{command}", {mark} in lists."""

    noun: str
    plural: str
    command: str
    mark: str


@dataclass(frozen=True)
class KindSpec(Generic[P]):
    kind: JobKind
    # The typed parameters, seed included: parsed once at submit, stored as JSON, read back typed.
    params: type[P]
    # How a workflow of this kind is recognised and what each of its roles must hold.
    shape: WorkflowShape
    # Sets the parameters on a copy of the template's graph; returns what the seed document records.
    apply: Callable[[WorkflowTemplate, dict[str, Any], P], dict[str, Any]]
    # The workflow used when a guild chose none, and the built-in template shipped under that name
    # (a file in core/kinds/templates; None: the operator provides it in WORKFLOWS_DIR).
    default_workflow: str
    builtin_template: str | None
    # Where its artifacts are kept under DATA_DIR.
    artifact_folder: str
    # The wait estimate's guess until a job of this kind has been timed.
    typical_run_s: float
    # The user's own words in a request, screened against a guild's blocked words.
    screened_texts: Callable[[P], list[str]]
    # What was asked in a few words, for the job's messages ("" when the request says nothing to show).
    summary: Callable[[P], str | Text]
    # The same for history lists, which also have what the user typed.
    history_summary: Callable[[P, str], str | Text]
    # The user's main text (a prompt, lyrics): shown on its own, not among the other parameters.
    main_field: str
    texts: KindTexts
    # The main text is long (lyrics): history gives it a field of its own instead of the description.
    long_main_text: bool = False
    # The words its files are named by when they are the work's own title (a song's, as Suno names its
    # downloads); None: the first words of the main text and the job's number, as Midjourney names them
    # (core.jobs.result_names).
    file_title: Callable[[P], str] | None = None
    # What its files are called when its request has no words of its own (an upscale's "upscaled x2"):
    # after the first words of the result it was made from, if any, and the job's number. None: the
    # main text is its words.
    file_marker: Callable[[P], str] | None = None
    # Media a request may or must bring (role "image", "mask", "audio" -> need). A workflow whose graph
    # reads a role itself (a LoadImage) needs it whatever this says.
    inputs: Mapping[str, InputNeed] = field(default_factory=dict)
    # Optional roles a workflow without their loader can still take, and how.
    derivations: Mapping[str, InputDerivation] = field(default_factory=dict)
    # More built-in workflows of the kind (name -> file in core/kinds/templates), and those used, in this
    # order, when no backend can run the default (an upscale without upscale models: ImageScaleBy).
    extra_templates: Mapping[str, str] = field(default_factory=dict)
    fallback_workflows: tuple[str, ...] = ()
    # The request's strength (0..1; None: the workflow's own or the derivation's default), if it has one.
    strength: Callable[[P], float | None] | None = None
    # Edits made once the request's media are in place (derived or the workflow's own loaders): an image
    # zoomed out of or panned (core.kinds.outpaint). It may add to the metadata; True when it set the
    # strength itself where it applies (the request's is then not set on every sampler).
    after_inputs: Callable[[WorkflowTemplate, dict[str, Any], P, dict[str, Any]], bool] | None = None
    # The request's shape from the picture it brings (its width and height), when it named none
    # (core.kinds.picture_shape). None: the kind has no shape, or keeps the one it has.
    fit_to_picture: Callable[[P, int, int], P] | None = None
    # Why a workflow can't take the parameters an action on a result sets (their names), or None: a zoom
    # needs one that starts from an empty picture of its own size. None here: any of the kind's can.
    refusal: Callable[[WorkflowTemplate, Collection[str]], UserFacingError | None] | None = None
    # Parameters a job made from this one's result does not take over (a Vary of a zoomed-out picture is
    # not zoomed out again); the same request again (a reroll) keeps them.
    made_once: frozenset[str] = frozenset()
    # The parameters of a job made from a result, once the action's changes are in (a pan's wider shape).
    from_result: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    # Turns the files its workflow saved into the files delivered (videos: MP4s Discord plays inline), given
    # the job's seed document; blocking, run in a thread. None: the files are delivered as saved.
    deliverables: Callable[[Sequence[Path], Mapping[str, Any]], list[Path]] | None = None
    # How long one of its jobs may run, and how many one member may have running at once (None: the general
    # JOB_TIMEOUT_S and the guild's cap); KIND_JOB_TIMEOUT_S / KIND_MAX_RUNNING_PER_USER override them.
    job_timeout_s: float | None = None
    max_running_per_user: int | None = None
    # Parameters its binding fills in when the request left them open (a song's language, read from its
    # lyrics), as its seed document records them: shown with the job's parameters as the workflow took
    # them, asked for or not (one asked of a workflow that takes none, ACE-Step 1.0's, is not shown).
    bound_fields: tuple[str, ...] = ()
    # What to ask for instead when one of its jobs ran out of time ("a lower quality", "a shorter song");
    # None: nothing a member may lower.
    lighter: Text | None = None
    # The ComfyUI inputs its binding fills from the member's own options (core.kinds.member_inputs), with
    # what to try when ComfyUI refuses one's value as out of range; any other input is the workflow's.
    member_inputs: Mapping[str, Text] = field(default_factory=dict)
    # A job made from a result with a new main text (a Cover's new lyrics): its parameters kept from the
    # result, given those the member set anew, as they suit the new text (a language typed for the old
    # lyrics yields to the new lyrics' own). None: all are kept.
    new_main_text: Callable[[dict[str, Any], Collection[str]], dict[str, Any]] | None = None
    # Why the parameters ask for a value no backend able to run the workflow lists (a song's language
    # among its encoder's choices), by parameter; given the choices those backends all list for an input
    # name (empty: none listed yet). None: nothing is checked.
    offered_values: Callable[[P, Callable[[str], Collection[str]]], dict[str, Text]] | None = None

    def __post_init__(self) -> None:
        # Parameters know their kind: a job's snapshot (made by db/, which knows no kinds) leads to its spec.
        self.params.kind_spec = self

    def parse(self, document: dict[str, Any]) -> P:
        return self.params.model_validate(document)


def typed_params(params: object) -> KindParams:
    """A job's parameters (``job.params``, typed for the database as a protocol) as their kind's model."""
    if not isinstance(params, KindParams):
        raise TypeError(f"{type(params).__name__} are not the parameters of a registered kind")
    return params


def spec_of(params: object) -> KindSpec[Any]:
    """The kind of a job's parameters (``job.params``): what the front-end asks instead of comparing kinds."""
    return typed_params(params).kind_spec
