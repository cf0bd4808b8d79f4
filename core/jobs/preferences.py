"""Personal preferences (/preferences): each user's own defaults, applied under the guild's rules.

Precedence, highest first: what the request itself says (an option, an inline flag, an attached document),
then the user's preference, then the guild's default workflow, then the workflow's own defaults. A guild's
rules still decide afterwards: a preferred workflow that the catalogue no longer has, or that no connected
server can run, is passed over silently (the user did not ask for it in this request), and every request
goes through the guild's admission as usual (kinds switched off, allowed models, caps, words).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from comfy.workflows.catalogue import WorkflowCatalogue
from core.errors import UserFacingError
from core.jobs.capabilities import Capabilities
from core.prompts import fields
from core.texts import Text, reason_of
from db.units.preferences import PreferenceSnapshot as Preferences
from db.units.preferences import PreferenceStore

__all__ = ["PersonalPreferences", "Preferences"]

STYLE_MAX_CHARS = 400


class PersonalPreferences:
    def __init__(
        self, store: PreferenceStore, catalogue: WorkflowCatalogue, capabilities: Capabilities
    ) -> None:
        self._store = store
        self._catalogue = catalogue
        self._capabilities = capabilities

    async def get(self, user_id: int) -> Preferences:
        return await self._store.get(user_id)

    async def change(
        self,
        user_id: int,
        *,
        aspect_ratio: str | None = None,
        quality: str | None = None,
        style: str | None = None,
        private_results: bool | None = None,
        ping_when_done: bool | None = None,
    ) -> Preferences:
        """Set the choices given (the others stay); a value that could never apply is refused, privately."""
        choices: dict[str, Any] = {}
        try:
            if aspect_ratio is not None:
                choices["aspect_ratio"] = fields.aspect_ratio(aspect_ratio)
            if quality is not None:
                choices["quality"] = fields.quality(quality)
        except ValueError as error:
            reason = reason_of(error)
            raise UserFacingError(
                Text("preferences.not_kept", f"That preference can't be kept: {reason}.", {"reason": reason})
            ) from None
        if style is not None:
            choices["style_tags"] = style_tags(style)
        if private_results is not None:
            choices["private_results"] = private_results
        if ping_when_done is not None:
            choices["ping_when_done"] = ping_when_done
        return await self._store.set_choices(user_id, choices)

    async def choose_workflow(self, user_id: int, kind: str, workflow: str | None) -> Preferences:
        """`None` goes back to the guild's (or the kind's) default."""
        if workflow is not None and workflow not in self._catalogue.names(kind):
            choices = ", ".join(self._catalogue.names(kind)) or "none"
            raise UserFacingError(
                Text(
                    "refusal.no_workflow",
                    f"There is no {kind} workflow called “{workflow}”. Available: {choices}.",
                    {"noun": Text(f"kinds.{kind}.noun", kind), "name": workflow, "choices": choices},
                )
            )
        return await self._store.set_workflow(user_id, kind, workflow)

    async def reset(self, user_id: int) -> Preferences:
        """Every choice back to "none made", the ping choice included."""
        return await self._store.set_choices(
            user_id,
            {
                "aspect_ratio": None,
                "quality": None,
                "style_tags": [],
                "workflows": {},
                "private_results": None,
                "ping_when_done": None,
            },
        )

    def workflow_for(self, preferences: Preferences, kind: str, *, scope: int | None = None) -> str | None:
        """The preferred workflow of this kind if it can be used in ``scope`` (None: the guild's default).
        There its name means what it means to everyone in that guild (a guild's own workflow of that name
        comes first), so it is checked as that."""
        name = preferences.workflows.get(kind)
        found = None if name is None else self._catalogue.resolve(name, scope=scope, kind=kind)
        if found is None:
            return None
        return None if self._capabilities.known_incapable(found) else name


def image_defaults(preferences: Preferences) -> dict[str, Any]:
    """The image parameters the user prefers, as `read_image_request(preferred=...)` takes them."""
    chosen: dict[str, Any] = {
        "aspect_ratio": preferences.aspect_ratio,
        "quality": preferences.quality,
        "style_tags": list(preferences.style_tags) or None,
    }
    return {name: value for name, value in chosen.items() if value is not None}


def style_tags(text: str | Sequence[str]) -> list[str]:
    items = text.split(",") if isinstance(text, str) else list(text)
    tags = [" ".join(tag.split()) for tag in items if tag.strip()]
    if len(", ".join(tags)) > STYLE_MAX_CHARS:
        raise UserFacingError(
            Text(
                "preferences.style_too_long",
                f"Style tags can be at most {STYLE_MAX_CHARS} characters together.",
                {"most": STYLE_MAX_CHARS},
            )
        )
    return tags
