"""Durations as a job's message shows them: one reading for one amount of time, in whole units where an
estimate has no finer truth."""

from __future__ import annotations

import pytest

from bot.locales import Catalogue, Words, english
from bot.ui.wording import duration

ENGLISH = english()


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (9.5, "9.5 s"),
        (9.96, "10 s"),  # not "10.0 s": from 10 s on, whole seconds
        (12.0, "12 s"),
        (59.7, "1 min 00 s"),  # not "60 s", a reading no other amount of time gets
        (125.4, "2 min 05 s"),
        (3599.7, "1 h 00 min"),
        (7505.0, "2 h 05 min"),  # not "125 min 05 s"
    ],
)
def test_a_duration_reads_the_same_on_both_sides_of_a_unit(seconds: float, shown: str) -> None:
    assert duration(ENGLISH, seconds) == shown


@pytest.mark.parametrize(("seconds", "shown"), [(0.0, "1 s"), (0.3, "1 s"), (4.4, "4 s"), (41.3, "41 s")])
def test_an_estimate_is_told_in_whole_seconds_and_never_as_nothing(seconds: float, shown: str) -> None:
    assert duration(ENGLISH, seconds, rough=True) == shown


def test_a_negative_time_reads_as_none_yet() -> None:
    assert duration(ENGLISH, -2.0) == "0.0 s"


def test_hours_read_in_german_too() -> None:
    assert duration(Words(Catalogue.shipped(), "de"), 7505.0) == "2 h 05 min"
