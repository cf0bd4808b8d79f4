"""The line a job made from a result starts with: which action, of which job."""

from __future__ import annotations

from bot.locales import Catalogue, Words, english
from bot.ui.wording import made_from_text
from core.jobs.derived import MadeFrom, ResultAction


def test_a_custom_zoom_says_how_far_out_it_went_in_the_readers_numbers() -> None:
    made_from = MadeFrom(job_id=12, action=ResultAction.ZOOM_CUSTOM)

    assert made_from_text(english(), made_from, zoom=1.25) == "Zoom Out 1.25x of #12"
    german = Words(Catalogue.shipped(), "de")
    assert made_from_text(german, made_from, zoom=1.3) == "Herauszoomen 1,3x von #12"


def test_a_fixed_zoom_or_another_action_keeps_its_own_name() -> None:
    assert made_from_text(english(), MadeFrom(12, ResultAction.ZOOM_OUT_2X), zoom=2.0) == "Zoom Out 2x of #12"
    assert made_from_text(english(), MadeFrom(12, ResultAction.ZOOM_CUSTOM)) == "Custom Zoom of #12"
