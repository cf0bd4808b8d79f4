"""What a server's safety mode does with a finished result shown again in another channel."""

from __future__ import annotations

import pytest

from core.safety.policy import action_shown_in
from db.enums import SafetyAction, SafetyMode

SPOILERED, WITHHELD = SafetyAction.SPOILERED, SafetyAction.WITHHELD


@pytest.mark.parametrize(
    ("kept", "mode", "flagged", "nsfw_here", "shown"),
    [
        # Made in an age-restricted channel and shown there as it is; elsewhere the mode decides.
        (None, SafetyMode.SPOILER, True, False, SPOILERED),
        (None, SafetyMode.WITHHOLD_OUTSIDE_NSFW, True, False, WITHHELD),
        (None, SafetyMode.SPOILER, True, True, None),
        # A clean result, or a server with safety off, is shown as it is anywhere.
        (None, SafetyMode.WITHHOLD_OUTSIDE_NSFW, False, False, None),
        (None, SafetyMode.OFF, True, False, None),
        # The decision kept on the job never loosens, even where the mode is milder now.
        (SPOILERED, SafetyMode.SPOILER, True, True, SPOILERED),
        (WITHHELD, SafetyMode.SPOILER, True, False, WITHHELD),
        (WITHHELD, SafetyMode.OFF, True, True, WITHHELD),
    ],
)
def test_a_result_shown_again_gets_the_stricter_of_its_kept_decision_and_this_channels(
    kept: SafetyAction | None, mode: SafetyMode, flagged: bool, nsfw_here: bool, shown: SafetyAction | None
) -> None:
    assert action_shown_in(kept, mode, flagged=flagged, channel_is_nsfw=nsfw_here) is shown
