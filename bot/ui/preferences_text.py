"""How a user's own preferences read in /preferences."""

from __future__ import annotations

from collections.abc import Mapping

from core.jobs.preferences import Preferences

NOT_SET = "not set"


def preferences_text(preferences: Preferences, usable_workflows: Mapping[str, str | None]) -> str:
    """`usable_workflows`: each kind with a preferred workflow -> that workflow if it can be used now."""
    style = ", ".join(preferences.style_tags) or NOT_SET
    lines = [
        "**Your preferences** (in every server; anything you type in a command wins over them)",
        f"Aspect ratio: {preferences.aspect_ratio or NOT_SET}",
        f"Quality: {preferences.quality or NOT_SET}",
        f"Style: {style}",
        f"Ping when a job ends: {_ping(preferences.ping_when_done)}",
    ]
    for kind, name in sorted(preferences.workflows.items()):
        unusable = "" if usable_workflows.get(kind) == name else " (not usable now: the default applies)"
        lines.append(f"{kind.capitalize()} workflow: {name}{unusable}")
    if not preferences.workflows:
        lines.append(f"Workflows: {NOT_SET} (the server's defaults)")
    return "\n".join(lines)


def _ping(choice: bool | None) -> str:
    if choice is None:
        return "as the server says"
    return "yes" if choice else "no"
