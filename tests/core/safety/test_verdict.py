"""Scores to a decision, and a guild's safety mode to what is done with a flagged picture."""

from __future__ import annotations

import pytest

from core.safety.policy import action_for, checks_inputs
from core.safety.verdict import Thresholds, Verdict, combined, decide
from db.enums import SafetyAction, SafetyMode


def test_a_counted_label_at_the_threshold_flags_and_is_named() -> None:
    scores = {"BUTTOCKS_EXPOSED": 0.5, "FEMALE_BREAST_EXPOSED": 0.81, "FACE_FEMALE": 0.99}
    verdict = decide("m", scores, Thresholds(threshold=0.5))
    assert verdict.flagged
    assert verdict.reasons == ("FEMALE_BREAST_EXPOSED", "BUTTOCKS_EXPOSED")
    assert verdict.document()["scores"]["FACE_FEMALE"] == 0.99


def test_labels_not_counted_or_under_the_threshold_do_not_flag() -> None:
    scores = {"FACE_FEMALE": 0.99, "FEMALE_BREAST_EXPOSED": 0.49}
    assert not decide("m", scores, Thresholds(threshold=0.5)).flagged
    assert not decide("m", {"FEMALE_BREAST_EXPOSED": 0.9}, Thresholds(labels=frozenset({"X"}))).flagged


def test_frames_combine_to_each_labels_highest_score() -> None:
    frames = [
        Verdict("m", {"A": 0.2, "B": 0.9}, flagged=True, reasons=("B",)),
        Verdict("m", {"A": 0.7}, flagged=False),
    ]
    whole = combined(frames)
    assert whole is not None
    assert (whole.scores, whole.flagged, whole.reasons) == ({"A": 0.7, "B": 0.9}, True, ("B",))
    assert combined([]) is None


@pytest.mark.parametrize(
    ("mode", "nsfw", "expected"),
    [
        (SafetyMode.OFF, False, None),
        (SafetyMode.SPOILER, False, SafetyAction.SPOILERED),
        (SafetyMode.SPOILER, True, None),
        (SafetyMode.WITHHOLD_OUTSIDE_NSFW, False, SafetyAction.WITHHELD),
        (SafetyMode.WITHHOLD_OUTSIDE_NSFW, True, None),
        (SafetyMode.WITHHOLD, True, SafetyAction.WITHHELD),
        (SafetyMode.WITHHOLD, False, SafetyAction.WITHHELD),
    ],
)
def test_each_mode_spoilers_or_withholds_a_flagged_result(
    mode: SafetyMode, nsfw: bool, expected: SafetyAction | None
) -> None:
    assert action_for(mode, flagged=True, channel_is_nsfw=nsfw) is expected
    assert action_for(mode, flagged=False, channel_is_nsfw=nsfw) is None
    assert checks_inputs(mode, channel_is_nsfw=nsfw) is (expected is SafetyAction.WITHHELD)
