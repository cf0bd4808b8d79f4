"""How a user's own preferences read in /preferences, in their language."""

from __future__ import annotations

from collections.abc import Mapping

from bot.locales import Words
from core.jobs.preferences import Preferences


def preferences_text(preferences: Preferences, usable_workflows: Mapping[str, str | None], say: Words) -> str:
    """`usable_workflows`: each kind with a preferred workflow -> that workflow if it can be used now."""
    not_set = say("preferences.not_set")
    lines = [
        say("preferences.title"),
        say("preferences.aspect_ratio", value=preferences.aspect_ratio or not_set),
        say("preferences.quality", value=preferences.quality or not_set),
        say("preferences.style", value=", ".join(preferences.style_tags) or not_set),
        say("preferences.ping", value=_ping(preferences.ping_when_done, say)),
        say("preferences.results", value=say(_RESULTS[bool(preferences.private_results)])),
    ]
    for kind, name in sorted(preferences.workflows.items()):
        usable = usable_workflows.get(kind) == name
        key = "preferences.workflow" if usable else "preferences.workflow_unusable"
        lines.append(say(key, kind=kind.capitalize(), name=name))
    if not preferences.workflows:
        lines.append(say("preferences.no_workflows"))
    return "\n".join(lines)


_RESULTS = {True: "preferences.results_private", False: "preferences.results_public"}


def _ping(choice: bool | None, say: Words) -> str:
    if choice is None:
        return say("preferences.ping_server")
    return say("preferences.yes" if choice else "preferences.no")
