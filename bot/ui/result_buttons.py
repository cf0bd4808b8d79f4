"""The buttons under a result. Their custom_id carries the action and the job id (`job:reroll:123`), so a
click is understood after any restart: `bot/exts/results.py` registers the DynamicItem that reads them."""

from __future__ import annotations

import re
from enum import StrEnum

import discord

CUSTOM_ID_PATTERN = r"job:(?P<action>[a-z]+):(?P<job_id>\d+)"
CUSTOM_ID = re.compile(CUSTOM_ID_PATTERN)


class JobAction(StrEnum):
    REROLL = "reroll"
    VARIATIONS = "vary"
    INFO = "info"
    DELETE = "delete"
    UPSCALE = "upscale"


_LOOKS: dict[JobAction, tuple[str, str | None, discord.ButtonStyle]] = {
    JobAction.REROLL: ("Reroll", "🔁", discord.ButtonStyle.secondary),
    JobAction.VARIATIONS: ("Variations", "🎲", discord.ButtonStyle.secondary),
    JobAction.UPSCALE: ("Upscale", "⬆️", discord.ButtonStyle.secondary),
    JobAction.INFO: ("Info", "ℹ️", discord.ButtonStyle.secondary),
    JobAction.DELETE: ("Delete", "🗑️", discord.ButtonStyle.danger),
}


def custom_id(action: JobAction, job_id: int) -> str:
    return f"job:{action.value}:{job_id}"


def result_button(action: JobAction, job_id: int) -> discord.ui.Button[discord.ui.View]:
    label, emoji, style = _LOOKS[action]
    return discord.ui.Button(label=label, emoji=emoji, style=style, custom_id=custom_id(action, job_id))


def result_view(job_id: int, *, upscale: bool) -> discord.ui.View:
    """A components-only view: the clicks are handled by the registered DynamicItem, not by this view."""
    view = discord.ui.View(timeout=None)
    actions = [JobAction.REROLL, JobAction.VARIATIONS]
    if upscale:
        actions.append(JobAction.UPSCALE)
    actions += [JobAction.INFO, JobAction.DELETE]
    for action in actions:
        view.add_item(result_button(action, job_id))
    # A stopped view is never stored by discord.py's view store, so it cannot shadow the DynamicItem.
    view.stop()
    return view
