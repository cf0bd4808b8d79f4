"""What a guild's safety mode does with a flagged picture, where it would be shown."""

from __future__ import annotations

from db.enums import SafetyAction, SafetyMode


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
