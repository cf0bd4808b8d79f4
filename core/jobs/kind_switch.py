"""Which kinds of job the bot offers: those the operator enabled that some ComfyUI backend can run.

A kind nobody can run (a ComfyUI that only makes images has no song model) is switched off by itself: its
command answers privately that it is not set up here, instead of queueing jobs that can never run.
"""

from __future__ import annotations

from collections.abc import Collection

from comfy.workflows.catalogue import WorkflowCatalogue
from comfy.workflows.template import WorkflowTemplate
from core.errors import UserFacingError
from core.jobs.capabilities import Capabilities
from core.kinds import KindRegistry, UnknownKind
from core.texts import Text


class KindSwitch:
    def __init__(
        self,
        kinds: KindRegistry,
        catalogue: WorkflowCatalogue,
        capabilities: Capabilities,
        enabled: Collection[str] | None = None,
    ) -> None:
        """``enabled``: the ENABLED_KINDS setting (None: every registered kind)."""
        for kind in enabled or ():
            if kind not in kinds:
                raise UnknownKind(kind, kinds.kinds)
        self._kinds = kinds
        self._catalogue = catalogue
        self._capabilities = capabilities
        self._enabled = frozenset(kinds.kinds if enabled is None else enabled)

    def enabled(self, kind: str) -> bool:
        return kind in self._enabled

    def runnable(self, kind: str) -> bool:
        """Some workflow of the kind can run on a backend (or no backend has been heard from yet)."""
        return any(not self._capabilities.known_incapable(n) for n in self._catalogue.names(kind))

    def check(self, kind: str) -> None:
        """Refuse, kindly, a request of a kind the bot does not offer."""
        plural = Text(f"kinds.{kind}.plural_start", self._kinds.get(kind).texts.plural.capitalize())
        if not self.enabled(kind):
            raise UserFacingError(
                Text("refusal.kind_off", f"{plural} are not set up on this server.", {"plural": plural})
            )
        if not self.runnable(kind):
            raise UserFacingError(
                Text(
                    "refusal.kind_unrunnable",
                    f"{plural} are not set up on this server: no connected ComfyUI server can make them. "
                    "An admin can run `python -m bot check` to see why.",
                    {"plural": plural},
                )
            )

    def default_template(self, kind: str) -> WorkflowTemplate:
        """The kind's default workflow, or the first of its fallbacks that a backend can run when none can
        run the default (an upscale model nobody installed: the model-free upscale)."""
        default = self._catalogue.default(kind)
        fallbacks = [n for n in self._kinds.default_workflows(kind)[1:] if n in self._catalogue.names(kind)]
        for template in [default, *map(self._catalogue.get, fallbacks)]:
            if not self._capabilities.known_incapable(template.name):
                return template
        return default
