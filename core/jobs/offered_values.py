"""Values a request names that the backends must list for its workflow (a song's language among its
encoder's choices), checked before anything is queued, as model files are (core.jobs.model_options)."""

from __future__ import annotations

from collections.abc import Collection

from comfy.workflows import graph as g
from comfy.workflows.template import WorkflowTemplate
from core.jobs.capabilities import Capabilities
from core.kinds import spec_of
from core.kinds.fields import KindParams
from core.prompts.errors import PromptError, PromptProblem


class OfferedValues:
    def __init__(self, capabilities: Capabilities) -> None:
        self._capabilities = capabilities

    def check(self, template: WorkflowTemplate, params: KindParams) -> None:
        """Refuse (PromptError, by parameter) a value the kind says no backend able to run it lists."""
        check = spec_of(params).offered_values
        if check is None:
            return
        refused = check(params, lambda input_name: self.listed(template, input_name))
        if refused:
            raise PromptError([PromptProblem.of(name, why) for name, why in refused.items()])

    def listed(self, template: WorkflowTemplate, input_name: str) -> Collection[str]:
        """The choices every backend able to run the workflow lists for the input named so on its nodes
        (whichever runs the job takes them), sorted; empty while none has answered."""
        classes = {g.class_of(node) for node in template.graph.values() if g.has_value(node, input_name)}
        lists = [
            frozenset().union(*(self._capabilities.choices(backend, c, input_name) for c in classes))
            for backend in self._capabilities.backends_for(template.name)
        ]
        lists = [choices for choices in lists if choices]
        return sorted(frozenset.intersection(*lists)) if lists else ()
