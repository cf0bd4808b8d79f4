"""/workflows test: one run of a workflow at draft quality, with a fixed request of its kind."""

from __future__ import annotations

from comfy.workflows.catalogue import WorkflowCatalogue
from comfy.workflows.errors import UnknownWorkflow
from core.jobs.snapshots import JobView
from core.kinds import KindParams, KindRegistry
from core.workflows.refusals import WorkflowRefused

TRIAL_TEXT = "a quick test of this workflow"
TRIAL_COMMAND = "/workflows test"  # what a test run's job records as typed, before the workflow's name


def trial_input(name: str) -> str:
    return f"{TRIAL_COMMAND} {name}"


def is_trial(job: JobView) -> bool:
    """A run of /workflows test: a manager's own, answered privately, who is told what ComfyUI said."""
    return job.private and job.raw_input.startswith(f"{TRIAL_COMMAND} ")


def trial_params(kinds: KindRegistry, catalogue: WorkflowCatalogue, name: str, scope: int) -> KindParams:
    """The parameters of the test run; refused for a workflow not offered here or one that needs a file."""
    found = catalogue.resolve(name, scope=scope)
    if found is None:
        raise WorkflowRefused("unknown_any", "There is no workflow called “{name}” here.", name=name)
    try:
        template = catalogue.get(found)
    except UnknownWorkflow:
        raise WorkflowRefused(
            "unknown_any", "There is no workflow called “{name}” here.", name=name
        ) from None
    needs = kinds.input_needs(template)
    required = sorted(role for role, need in needs.items() if need == "required")
    spec = kinds.get(template.kind)
    if required:
        raise WorkflowRefused(
            "needs_input",
            "“{name}” needs a file ({roles}) to run: try it with /{command} and its workflow option.",
            name=name,
            roles=", ".join(required),
            command=spec.texts.command,
        )
    document: dict[str, object] = {spec.main_field: TRIAL_TEXT}
    if "quality" in spec.params.model_fields:
        document["quality"] = "draft"
    params: KindParams = spec.params.model_validate(document)
    return params
