"""The progress bar: the whole graph's share, rounded down, and what the backend does in plain words."""

from __future__ import annotations

from bot.locales import english
from bot.ui.progress import progress_line
from comfy.progress import ALMOST_DONE, Stage

ENGLISH = english()


def test_the_bar_says_what_is_happening_and_the_step() -> None:
    assert progress_line(ENGLISH, 0.52, Stage.SAMPLING, 3, 10) == "▰▰▰▰▰▱▱▱▱▱ 52% · sampling, step 3/10"
    assert progress_line(ENGLISH, 0.0, Stage.LOADING_MODEL) == "▱▱▱▱▱▱▱▱▱▱ 0% · loading the model"
    assert progress_line(ENGLISH, 0.8, Stage.DECODING) == "▰▰▰▰▰▰▰▰▱▱ 80% · decoding"


def test_almost_done_never_reads_as_a_full_bar() -> None:
    line = progress_line(ENGLISH, ALMOST_DONE + 0.0049, Stage.SAVING)
    assert line.startswith("▰▰▰▰▰▰▰▰▰▱ 99%")


def test_every_stage_has_words() -> None:
    for stage in Stage:
        assert progress_line(ENGLISH, 0.5, stage).split(" · ")[1].strip()
