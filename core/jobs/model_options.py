"""The models and LoRAs a member may choose for a workflow, and the refusal of those they may not.

What may be chosen: the files that the backends able to run the workflow list for its model loader (or
for the LoRA loader the binding would use), read from their /object_info, narrowed by the guild's
allow-lists (/settings). A name no backend offers, or one the guild does not allow, is refused privately
before anything is queued.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from typing import Literal, TypeVar

from comfy.workflows.catalogue import WorkflowCatalogue
from comfy.workflows.graph import Graph
from comfy.workflows.models import lora_slot, model_needs, model_slot
from comfy.workflows.template import WorkflowTemplate
from core.errors import NotAllowed, UserFacingError
from core.jobs.capabilities import Capabilities
from core.jobs.model_names import files_named, is_file_name
from core.jobs.offered_values import OfferedValues
from core.jobs.policy import PolicyCache, PolicyView
from core.kinds import JobKind, KindParams
from core.kinds.model_choice import LoraChoice, ModelChoiceFields, apply_models, chosen_models
from core.texts import Text

_LISTED = 10


Choosing = Literal["model", "lora"]


# The job service's resolution of a kind and workflow name (None: the default) for a guild's policy.
TemplateFor = Callable[[JobKind, str | None, PolicyView], WorkflowTemplate]
Params = TypeVar("Params")


class ModelOptions:
    def __init__(
        self,
        capabilities: Capabilities,
        catalogue: WorkflowCatalogue,
        policies: PolicyCache,
        template_for: TemplateFor,
    ) -> None:
        self._capabilities = capabilities
        self._catalogue = catalogue
        self._policies = policies
        self._template_for = template_for
        self._values = OfferedValues(capabilities)

    async def for_guild(
        self, what: Choosing, guild_id: int, kind: JobKind, workflow: str | None
    ) -> list[str]:
        """What a member of this guild may choose for that workflow (or the default): autocomplete."""
        policy = await self._policies.get(guild_id)
        try:
            template = self._template_for(kind, workflow, policy)
        except UserFacingError:
            return []
        return self.options(what, template, policy)

    def options(self, what: Choosing, template: WorkflowTemplate, policy: PolicyView | None) -> list[str]:
        return self.models(template, policy) if what == "model" else self.loras(template, policy)

    def anywhere(self, what: Choosing) -> list[str]:
        """Every model (or LoRA) some workflow could be given: what /settings may allow."""
        names = self._catalogue.names()
        return sorted({name for wf in names for name in self.options(what, self._catalogue.get(wf), None)})

    def models(self, template: WorkflowTemplate, policy: PolicyView | None = None) -> list[str]:
        """Models the workflow can be given here (sorted); [] when it has no model loader."""
        slot = model_slot(template.graph, template.binding.model_nodes)
        offered = self._offered(template, slot)
        return _allowed(offered, policy.allowed_models if policy is not None else ())

    def loras(self, template: WorkflowTemplate, policy: PolicyView | None = None) -> list[str]:
        """LoRAs the workflow can take here (sorted); [] when it has nowhere to put one."""
        slot = lora_slot(template.graph, template.binding.model_nodes, template.binding.lora_nodes)
        offered = self._offered(template, slot)
        return _allowed(offered, policy.allowed_loras if policy is not None else ())

    def check(self, template: WorkflowTemplate, params: Params, policy: PolicyView) -> Params:
        """The request with its model and LoRAs named as a server offers them (see `named`); or refuse one
        the guild does not allow or no backend able to run the workflow offers, or any other value those
        backends do not list (a song's language: core.jobs.offered_values)."""
        if isinstance(params, KindParams):
            self._values.check(template, params)
        params = self.named(template, params, policy)
        model, loras = chosen_models(params)
        if not isinstance(params, ModelChoiceFields) or (model is None and not loras):
            return params
        # The graph as binding will make it (no seed needed); a workflow without a model loader says so.
        graph = copy.deepcopy(dict(template.graph))
        apply_models(template, graph, params)
        if model is not None:
            self._check_one("model", model, policy.allowed_models, self.models(template), template)
        for lora in loras:
            self._check_one("LoRA", lora.name, policy.allowed_loras, self.loras(template), template)
        self._check_together(template, graph, params)
        return params

    def named(self, template: WorkflowTemplate, params: Params, policy: PolicyView) -> Params:
        """The request with each model and LoRA named by the file it means among those offered (``ink`` is
        ``sdxl/ink.safetensors``: core.jobs.model_names); a name that means several is refused."""
        model, loras = chosen_models(params)
        if not isinstance(params, ModelChoiceFields) or (model is None and not loras):
            return params
        if model is not None:
            model = self._file_named("model", model, self.models(template), policy.allowed_models)
        offered = self.loras(template)
        named = [
            lora.model_copy(
                update={"name": self._file_named("LoRA", lora.name, offered, policy.allowed_loras)}
            )
            for lora in loras
        ]
        _each_once(loras, named)
        return params.model_copy(update={"model": model, "loras": named})

    def _file_named(self, what: str, typed: str, offered: list[str], allowed: Sequence[str]) -> str:
        """The one file meant among those the member may choose; else among all offered, so that a refusal
        of one the guild does not allow names it in full; else the name as typed, for its refusal."""
        if typed in offered or typed in allowed:
            return typed
        choosable = _allowed(set(offered), allowed) if self._capabilities.known else sorted(allowed)
        found = files_named(typed, choosable)
        if len(found) > 1:
            candidates = _listed(found)
            raise UserFacingError(
                Text(
                    f"models.ambiguous_{what.lower()}",
                    f"“{typed}” could be any of these {what}s: {candidates}. Give the one you mean in full.",
                    {"name": typed, "candidates": candidates},
                )
            )
        found = found or files_named(typed, offered)
        if not found and not allowed and not self._capabilities.known and not is_file_name(typed):
            # Kept as typed, the job would wait for a server offering a file called "ink": forever.
            raise UserFacingError(
                Text(
                    f"models.not_known_yet_{what.lower()}",
                    f"No ComfyUI server has answered yet, so I can't tell which {what} “{typed}” is. "
                    "Try again in a moment, or give its file name as ComfyUI lists it "
                    "(like sdxl/ink.safetensors).",
                    {"name": typed},
                )
            )
        return found[0] if len(found) == 1 else typed

    def _check_together(self, template: WorkflowTemplate, graph: Graph, params: object) -> None:
        """Every file the graph loads must be on one backend: each offered somewhere is not enough."""
        model, loras = chosen_models(params)
        if not self._capabilities.known:
            return
        if not self._capabilities.offering(template.name, model_needs(graph)):
            chosen = ", ".join(
                f"“{name}”" for name in [*([model] if model else []), *(x.name for x in loras)]
            )
            raise UserFacingError(
                Text(
                    "models.no_server_has_all",
                    f"No single ComfyUI server here has all of {chosen} for the “{template.title}” workflow. "
                    "Choose fewer, or others.",
                    {"chosen": chosen, "workflow": template.title},
                )
            )

    def _offered(self, template: WorkflowTemplate, slot: tuple[str, str] | None) -> set[str]:
        if slot is None:
            return set()
        class_type, input_name = slot
        return {
            name
            for backend in self._capabilities.able_any_models(template.name)
            for name in self._capabilities.choices(backend, class_type, input_name)
        }

    def _check_one(
        self, what: str, name: str, allowed: Iterable[str], offered: list[str], template: WorkflowTemplate
    ) -> None:
        allowed = tuple(allowed)
        if allowed and name not in allowed:
            listed = _listed(allowed)
            raise NotAllowed(
                Text(
                    f"models.not_allowed_{what.lower()}",
                    f"This server doesn't allow the {what} “{name}”. Allowed: {listed}.",
                    {"name": name, "allowed": listed},
                ),
                rule=f"not_allowed_{what.lower()}:{name}",
            )
        if self._capabilities.known and name not in offered:
            choices = _allowed(set(offered), allowed)
            if choices:
                listed = _listed(choices)
                raise UserFacingError(
                    Text(
                        f"models.not_offered_{what.lower()}",
                        f"No ComfyUI server here has the {what} “{name}” for the “{template.title}” "
                        f"workflow. Available: {listed}.",
                        {"name": name, "workflow": template.title, "available": listed},
                    )
                )
            raise UserFacingError(
                Text(
                    f"models.none_offered_{what.lower()}",
                    f"No ComfyUI server here has the {what} “{name}” for the “{template.title}” workflow. "
                    f"None offers any {what} for it.",
                    {"name": name, "workflow": template.title},
                )
            )


def _each_once(typed: Iterable[LoraChoice], named: Iterable[LoraChoice]) -> None:
    """Two LoRAs typed differently (``ink``, ``ink.safetensors``) may be one file: it is loaded once."""
    first_typed: dict[str, str] = {}
    for given, lora in zip(typed, named, strict=True):
        first = first_typed.setdefault(lora.name, given.name)
        if first != given.name:
            raise UserFacingError(
                Text(
                    "models.lora_twice",
                    f"“{first}” and “{given.name}” are both the LoRA “{lora.name}”; give it once.",
                    {"first": first, "second": given.name, "name": lora.name},
                )
            )


def _allowed(offered: set[str], allowed: Iterable[str]) -> list[str]:
    allowed = set(allowed)
    return sorted(offered & allowed if allowed else offered)


def _listed(names: Iterable[str]) -> str | Text:
    names = list(names)
    shown = ", ".join(names[:_LISTED])
    if len(names) <= _LISTED:
        return shown
    more = len(names) - _LISTED
    return Text("models.listed_and_more", f"{shown} and {more} more", {"shown": shown, "more": more})
