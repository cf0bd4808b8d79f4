"""The kinds of job this bot knows, asked by everything that treats kinds differently."""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Iterable, Iterator
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

from comfy.workflows.bind import BoundWorkflow, bind
from comfy.workflows.catalogue import BuiltinWorkflow, WorkflowCatalogue
from comfy.workflows.errors import WorkflowError
from comfy.workflows.input_slots import place_markers
from comfy.workflows.shape import WorkflowShape
from comfy.workflows.strength import set_strength
from comfy.workflows.template import WorkflowTemplate
from core.kinds.edit import EDIT_KIND
from core.kinds.fields import KindParams
from core.kinds.image import IMAGE_KIND
from core.kinds.inputs import StrengthWithoutInput, input_needs, plan_inputs
from core.kinds.song import SONG_KIND
from core.kinds.spec import InputNeed, JobKind, KindSpec
from core.kinds.upscale import UPSCALE_KIND
from core.kinds.video import VIDEO_KIND


class UnknownKind(LookupError):
    def __init__(self, kind: str, known: Iterable[str]) -> None:
        super().__init__(f"no kind of job named {kind!r} (known: {', '.join(known) or 'none'})")
        self.kind = kind


class KindRegistry:
    def __init__(self, specs: Iterable[KindSpec[Any]]) -> None:
        self._specs: dict[JobKind, KindSpec[Any]] = {}
        for spec in specs:
            if spec.kind in self._specs:
                raise ValueError(f"kind {spec.kind!r} is registered twice")
            self._specs[spec.kind] = spec

    def with_kinds(self, *specs: KindSpec[Any]) -> KindRegistry:
        """This registry plus ``specs``: how a new kind joins the built-in ones."""
        return KindRegistry([*self._specs.values(), *specs])

    @property
    def kinds(self) -> tuple[JobKind, ...]:
        return tuple(self._specs)

    def __iter__(self) -> Iterator[KindSpec[Any]]:
        return iter(self._specs.values())

    def __contains__(self, kind: object) -> bool:
        return kind in self._specs

    def get(self, kind: str) -> KindSpec[Any]:
        try:
            return self._specs[JobKind(kind)]
        except KeyError:
            raise UnknownKind(kind, self._specs) from None

    def of(self, params: KindParams) -> KindSpec[Any]:
        """The kind whose parameters ``params`` are."""
        for spec in self._specs.values():
            if type(params) is spec.params:
                return spec
        raise UnknownKind(type(params).__name__, self._specs)

    def parse(self, kind: str, document: dict[str, Any]) -> KindParams:
        """Stored parameters back in their typed form."""
        params: KindParams = self.get(kind).parse(document)
        return params

    # -- workflows ---------------------------------------------------------------------------------

    @property
    def shapes(self) -> tuple[WorkflowShape, ...]:
        return tuple(spec.shape for spec in self._specs.values())

    def builtin_workflows(self) -> list[BuiltinWorkflow]:
        """Blocking reads of the templates shipped in core/kinds/templates."""
        folder = resources.files("core.kinds.templates")
        files: dict[str, str] = {}
        for spec in self._specs.values():
            if spec.builtin_template is not None:
                files[spec.default_workflow] = spec.builtin_template
            files.update(spec.extra_templates)
        return [BuiltinWorkflow(name, folder.joinpath(file).read_bytes()) for name, file in files.items()]

    def default_workflows(self, kind: str) -> tuple[str, ...]:
        """The kind's default workflow, then its fallbacks: the first some backend can run is used."""
        spec = self.get(kind)
        return (spec.default_workflow, *spec.fallback_workflows)

    def catalogue(self, workflows_dir: Path | None = None) -> WorkflowCatalogue:
        """Blocking file reads; call from a thread (see :meth:`load_catalogue`) once the loop runs."""
        defaults: dict[str, str] = {spec.kind: spec.default_workflow for spec in self._specs.values()}
        return WorkflowCatalogue.load(self.shapes, defaults, self.builtin_workflows(), workflows_dir)

    async def load_catalogue(self, workflows_dir: Path | None = None) -> WorkflowCatalogue:
        return await asyncio.to_thread(self.catalogue, workflows_dir)

    def fit_to_picture(self, params: KindParams, width: int, height: int) -> KindParams:
        """``params`` in the shape of the ``width`` x ``height`` picture the request brings, where its kind
        takes one and the request named none (KindSpec.fit_to_picture); else ``params`` as they are."""
        fit = self.of(params).fit_to_picture
        return params if fit is None else fit(params, width, height)

    def input_needs(self, template: WorkflowTemplate) -> dict[str, InputNeed]:
        """Role -> "required" / "optional": the media a request may or must bring to ``template``."""
        return input_needs(self.get(template.kind), template)

    def bind(
        self,
        template: WorkflowTemplate,
        params: KindParams,
        *,
        inputs: Collection[str] = (),
        filename_prefix: str | None = None,
        now: datetime | None = None,
    ) -> BoundWorkflow:
        """The graph to post for ``params`` (whose seed the job service has drawn) on ``template``.

        ``inputs`` are the roles of the media the request brings ("image", "audio"): each is checked against
        the workflow (:class:`~core.kinds.inputs.InputNotTaken`, :class:`~core.kinds.inputs.InputMissing`)
        and its loader holds :func:`~comfy.workflows.input_slots.input_marker` until the executor uploads it.
        """
        spec = self.of(params)
        if template.kind != spec.kind:
            raise WorkflowError(
                template.title, f"is a {template.kind} workflow and cannot take {spec.kind} parameters"
            )
        if params.seed is None:
            raise ValueError("the job service draws a seed before a job is bound")
        plan = plan_inputs(spec, template, inputs)
        strength = spec.strength(params) if spec.strength is not None else None
        if strength is not None and not plan.given:
            raise StrengthWithoutInput()

        def apply(graph: dict[str, Any]) -> dict[str, Any]:
            metadata = spec.apply(template, graph, params)
            place_markers(graph, plan.loaders)
            chosen = strength
            for role in plan.derived:
                derivation = spec.derivations[role]
                derivation.derive(graph, template.binding)
                chosen = derivation.default_strength if chosen is None else chosen
            if spec.after_inputs is not None and spec.after_inputs(template, graph, params, metadata):
                chosen = None  # set where the edit needs it, and nowhere else
            if chosen is not None and template.binding.strength_nodes:
                set_strength(graph, template.binding.strength_nodes, chosen)
                metadata["strength"] = chosen
            if plan.given:
                metadata["inputs"] = sorted(plan.given)
            return metadata

        return bind(template, apply, seed=params.seed, filename_prefix=filename_prefix, now=now)


def default_kinds() -> KindRegistry:
    return KindRegistry([IMAGE_KIND, SONG_KIND, EDIT_KIND, UPSCALE_KIND, VIDEO_KIND])
