"""Which media a workflow takes, and the request's media checked against them before anything is stored.

A workflow needs each role its graph reads (a LoadImage: "image"); a kind may also offer optional roles that
a workflow without their loader takes by derivation (an image given to a txt2img workflow). Anything else a
request brings is refused, kindly and privately, as is a missing required input.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from comfy.workflows.template import WorkflowTemplate
from core.errors import UserFacingError
from core.kinds.spec import InputNeed, KindSpec
from core.texts import Text

# How a role is spoken of in a sentence.
ROLE_NOUNS = {"image": "an image", "mask": "a mask image", "audio": "an audio file", "video": "a video"}


def role_noun(role: str) -> str:
    return ROLE_NOUNS.get(role, f"a '{role}' input")


def _said(role: str) -> Text:
    if role in ROLE_NOUNS:
        return Text(f"inputs.role.{role}", ROLE_NOUNS[role])
    return Text("inputs.role_other", f"a '{role}' input", {"role": role})


def _listed(roles: Collection[str]) -> Text:
    """ "an image", "an audio file and an image", "a, b and c": each noun in the asker's language."""
    first, *others = [_said(role) for role in sorted(roles)]
    for noun in others[:-1]:
        first = Text("inputs.roles_comma", f"{first}, {noun}", {"first": first, "next": noun})
    if not others:
        return first
    last = others[-1]
    return Text("inputs.roles_and", f"{first} and {last}", {"first": first, "last": last})


class InputNotTaken(UserFacingError):
    """The request brings a medium the workflow (and its kind) cannot use."""

    def __init__(self, workflow: str, roles: Collection[str], takes: Collection[str]) -> None:
        given = _listed(roles)
        if takes:
            taken = _listed(takes)
            message = Text(
                "inputs.not_taken_but",
                f"The workflow '{workflow}' doesn't take {given}. It takes {taken}.",
                {"workflow": workflow, "given": given, "taken": taken},
            )
        else:
            message = Text(
                "inputs.not_taken",
                f"The workflow '{workflow}' doesn't take {given}.",
                {"workflow": workflow, "given": given},
            )
        super().__init__(message)
        self.workflow = workflow
        self.roles = frozenset(roles)


class InputMissing(UserFacingError):
    """The workflow reads a medium the request did not bring."""

    def __init__(self, workflow: str, roles: Collection[str]) -> None:
        needed = _listed(roles)
        super().__init__(
            Text(
                "inputs.missing",
                f"The workflow '{workflow}' needs {needed} to work from; please add it.",
                {"workflow": workflow, "needed": needed},
            )
        )
        self.workflow = workflow
        self.roles = frozenset(roles)


class StrengthWithoutInput(UserFacingError):
    def __init__(self) -> None:
        super().__init__(
            Text(
                "refusal.strength_alone",
                "Strength only applies when you give an image (or a song) to start from.",
            )
        )


@dataclass(frozen=True)
class InputPlan:
    """How the request's media reach the graph: by the workflow's own loaders, or by derivation."""

    given: frozenset[str]
    loaders: Mapping[str, tuple[str, ...]]
    derived: tuple[str, ...]


def input_needs(spec: KindSpec[Any], template: WorkflowTemplate) -> dict[str, InputNeed]:
    """Role -> required/optional for this workflow of this kind (what `check` lists)."""
    needs: dict[str, InputNeed] = {role: "required" for role in template.binding.input_nodes}
    for role, need in spec.inputs.items():
        derivation = spec.derivations.get(role)
        if role not in needs and derivation is not None and derivation.fits(template.graph, template.binding):
            needs[role] = need
    return needs


def plan_inputs(spec: KindSpec[Any], template: WorkflowTemplate, given: Collection[str]) -> InputPlan:
    """Check ``given`` (the roles the request brings) against the workflow, or raise the user's refusal."""
    given_roles = frozenset(given)
    needs = input_needs(spec, template)
    not_taken = given_roles - set(needs)
    if not_taken:
        raise InputNotTaken(template.title, not_taken, needs)
    missing = {role for role, need in needs.items() if need == "required"} - given_roles
    if missing:
        raise InputMissing(template.title, missing)
    loaders = template.binding.input_nodes
    derived = tuple(sorted(role for role in given_roles if role not in loaders))
    return InputPlan(given_roles, loaders, derived)
