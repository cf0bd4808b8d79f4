"""What can be made from a finished result, and with which parameters: the actions its buttons offer, the
parameters of the job an action makes, and why a workflow can't take them (before anything is answered).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from comfy.workflows.errors import UnknownWorkflow
from comfy.workflows.template import WorkflowTemplate
from core.errors import UserFacingError
from core.jobs.derived import ACTIONS, ActionSpec, MadeFrom, ResultAction
from core.jobs.service import JobService
from core.jobs.snapshots import ArtifactView, JobView
from core.kinds import JobKind, KindParams, spec_of, typed_params
from core.prompts import PromptError
from core.prompts.fields import problems_from
from core.prompts.flags import extract_flags
from core.texts import Text


class ResultOffers:
    def __init__(self, service: JobService) -> None:
        self._service = service

    def offered(self, job: JobView, artifacts: Sequence[ArtifactView]) -> tuple[ResultAction, ...]:
        """What a finished result's buttons offer: each action whose kind is on here, some server can run,
        whose workflow takes the media the result is (a picture for Vary, a song for Cover) and the
        parameters the action sets (a zoom: a workflow that draws on a canvas of its own; a pan: a shape
        not yet too long to pan)."""
        made = {role_of(a) for a in artifacts}
        return tuple(
            action
            for action, spec in ACTIONS.items()
            if action is not ResultAction.REPLY
            and spec.takes in made
            and self._takes(job, spec.kind, spec.takes)
            and self.redraws(job, action)
            and (not spec.carries_text or main_text(job))
            and (not spec.changes or self._can_set(job, spec))
        )

    def params(
        self,
        job: JobView,
        kind: JobKind,
        changes: Mapping[str, Any],
        strength: float | None,
        *,
        named: Mapping[str, Any] | None = None,
    ) -> KindParams:
        """The parameters of a job of `kind` made from `job`'s result with `changes`. The same kind keeps
        every parameter of the result (a new seed) but those made once (a zoom); another kind starts
        afresh. `named`: parameters the member typed, set as they are after the kind's own changes (a
        typed shape is a pan's canvas, not widened). PromptError says what is wrong with them."""
        target = self._service.kinds.get(kind)
        document: dict[str, Any] = {}
        if kind == job.kind:
            kept = typed_params(job.params).model_dump(mode="json", exclude=set(target.made_once))
            document = {**kept, "seed": None}
            main = target.main_field
            if main in changes and _words(changes[main]) != _words(kept[main]) and target.new_main_text:
                document = target.new_main_text({**document, **changes}, changes.keys())
        document.update(changes)
        if target.from_result is not None:
            document = target.from_result(document)
        document.update(named or {})
        if strength is not None and "strength" in target.params.model_fields:
            document["strength"] = strength
        try:
            params: KindParams = target.parse(document)
        except ValidationError as error:
            raise PromptError(problems_from(error)) from error
        return params

    def refusal(self, job: JobView, kind: JobKind, changes: Mapping[str, Any]) -> UserFacingError | None:
        """Why the workflow a job made from `job`'s result runs can't take `changes` (None: it can)."""
        spec = self._service.kinds.get(kind)
        if spec.refusal is None or not changes:
            return None
        try:
            return spec.refusal(self.template(job, kind), changes)
        except UnknownWorkflow:
            return None  # said when it is submitted, as for any other action

    def template(self, job: JobView, kind: JobKind) -> WorkflowTemplate:
        """The workflow a job of `kind` made from `job`'s result runs: the result's own (the same model),
        or another kind's default."""
        catalogue = self._service.catalogue
        return catalogue.get(job.workflow_name) if kind == job.kind else catalogue.default(kind)

    def redraws(self, job: JobView, action: ResultAction) -> bool:
        """Whether an action that makes the result's own kind again at a strength (Vary, Remix, a reply, a
        Cover) can: that kind must take one. An upscale or an edit is not redrawn from a prompt: "Vary" of
        an upscale would only upscale it again, and a Remix form has no prompt of theirs to change. A reply
        gives the kind new words: to an edit it is another edit, told what to change (an upscale has no
        words of its own, its ``file_marker`` says, and a reply none to give it)."""
        spec = ACTIONS[action]
        if spec.kind is not None or spec.strength is None:
            return True
        target = self._service.kinds.get(JobKind(job.kind))
        if "strength" in target.params.model_fields:
            return True
        return action is ResultAction.REPLY and target.file_marker is None

    def _can_set(self, job: JobView, spec: ActionSpec) -> bool:
        kind = spec.kind or JobKind(job.kind)
        try:
            self.params(job, kind, spec.changes, spec.strength)
        except PromptError:
            return False  # an edit has no zoom; a 3:1 picture is too long to pan sideways
        return self.refusal(job, kind, spec.changes) is None

    def _takes(self, job: JobView, kind: JobKind | None, role: str) -> bool:
        service = self._service
        target = kind or JobKind(job.kind)
        if (
            target not in service.kinds
            or not service.switch.enabled(target)
            or not service.switch.runnable(target)
        ):
            return False
        try:
            return role in service.kinds.input_needs(self.template(job, target))
        except UnknownWorkflow:
            return False  # the result's workflow is gone, or the kind has no default workflow here


class NotRedrawn(UserFacingError):
    """Vary, Remix or a reply asked of a result that has no prompt to redraw (an upscale, an edit)."""

    def __init__(self, action: ResultAction, job: JobView) -> None:
        label = Text(f"actions.{action.value}", ACTIONS[action].label)
        noun = Text(f"kinds.{job.kind}.noun", str(job.kind))
        super().__init__(
            Text(
                "results.not_redrawn",
                f"Job #{job.id} ({noun}) has no prompt to redraw, so {label} can't work from it. Upscale "
                "or Edit it, or give its picture to /imagine with a prompt.",
                {"job_id": job.id, "noun": noun, "label": label},
            )
        )


def main_text(job: JobView) -> str:
    """The result's own prompt (or lyrics): what its kind shows as the request's main text. A kind with no
    words of its own (an upscale, asked by a factor) has those of the result it was made from, given it
    as its request (ResultRequests.request); made from a file, it has none."""
    spec = spec_of(job.params)
    text = getattr(job.params, spec.main_field, "")
    if isinstance(text, str):
        return text
    if spec.file_marker is None or MadeFrom.read(job.seed_document) is None:
        return ""
    return extract_flags(job.raw_input).prompt


def role_of(artifact: ArtifactView) -> str:
    """The input role a result file fills: an image result is an image, a song an audio input."""
    return str(artifact.type.value)


def _words(text: object) -> list[str]:
    """A main text's words, its layout aside (a form lays lyrics out again: a blank line between sections)."""
    return str(text or "").split()
