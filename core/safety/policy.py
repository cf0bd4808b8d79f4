"""What a guild's safety mode does with a flagged picture, where it would be shown."""

from __future__ import annotations

from collections.abc import Iterable

from db.enums import SafetyAction, SafetyMode
from db.snapshots import ArtifactView


def action_for(mode: SafetyMode, *, flagged: bool, channel_is_nsfw: bool) -> SafetyAction | None:
    """None: shown as it is. An age-restricted channel shows flagged results unless the mode withholds
    them everywhere."""
    if not flagged or mode is SafetyMode.OFF:
        return None
    if mode is SafetyMode.WITHHOLD:
        return SafetyAction.WITHHELD
    if channel_is_nsfw:
        return None
    return SafetyAction.SPOILERED if mode is SafetyMode.SPOILER else SafetyAction.WITHHELD


def checks_inputs(mode: SafetyMode, *, channel_is_nsfw: bool) -> bool:
    """Input pictures are checked (and a flagged one refused) where this mode would withhold a flagged
    result: a picture the server would not show is not taken to make another from."""
    return action_for(mode, flagged=True, channel_is_nsfw=channel_is_nsfw) is SafetyAction.WITHHELD


_STRICTNESS = {None: 0, SafetyAction.SPOILERED: 1, SafetyAction.WITHHELD: 2}


def action_shown_in(
    kept: SafetyAction | None, mode: SafetyMode, *, flagged: bool, channel_is_nsfw: bool
) -> SafetyAction | None:
    """What showing a finished result again (/show, a /history gallery) does with it in a channel: the
    stricter of the decision kept on the job, made for the channel it was asked in, and the mode's for this
    one. A flagged result made in an age-restricted channel, shown there as it is, is not shown as it is
    outside one."""
    here = action_for(mode, flagged=flagged, channel_is_nsfw=channel_is_nsfw)
    return max(kept, here, key=_STRICTNESS.__getitem__)


def any_flagged(artifacts: Iterable[ArtifactView]) -> bool:
    """Whether the classifier flagged one of these files (their stored verdict)."""
    return any(bool((artifact.safety or {}).get("flagged")) for artifact in artifacts)
