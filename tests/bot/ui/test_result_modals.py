"""The forms of Remix, Edit and Cover: pre-filled within Discord's limits, and their answers read back."""

from __future__ import annotations

import pytest

from bot.exts.result_replies import chosen_file, prompt_of
from bot.locales import english
from bot.ui.result_modals import answers, remix_modal, strength_of, zoom_modal, zoom_of
from core.errors import UserFacingError
from core.kinds import IMAGE
from core.kinds.fields import PROMPT_MAX_CHARS


async def test_a_remix_form_is_prefilled_and_fits_discords_limits() -> None:
    modal = remix_modal(english(), 4, 1, kind=IMAGE, prompt="x" * 5000, negative="blur", strength=0.7)
    document = modal.to_dict()
    assert document["custom_id"] == "remix:4:1"
    fields = {c["components"][0]["custom_id"]: c["components"][0] for c in document["components"]}
    assert len(fields["prompt"]["value"]) == PROMPT_MAX_CHARS
    assert fields["negative_prompt"]["value"] == "blur"
    assert fields["strength"]["value"] == "0.7"
    assert modal.is_finished(), "never kept in the view store: the listener answers it, even after a restart"


def test_answers_are_read_from_action_rows_and_labels() -> None:
    data = {
        "custom_id": "remix:4:1",
        "components": [
            {"type": 1, "components": [{"type": 4, "custom_id": "prompt", "value": "a fox"}]},
            {"type": 18, "component": {"type": 4, "custom_id": "strength", "value": "0.5"}},
        ],
    }
    assert answers(data) == {"prompt": "a fox", "strength": "0.5"}


def test_strength_is_a_number_from_zero_to_one() -> None:
    assert strength_of("") is None
    assert strength_of(" 0,4 ") == pytest.approx(0.4)
    for bad in ("strong", "1.5", "-0.1"):
        with pytest.raises(UserFacingError, match="from 0 to 1"):
            strength_of(bad)


def test_a_reply_prompt_loses_the_mentions_of_the_bot_only() -> None:
    assert prompt_of("<@42> the same at night <@!42>", 42) == "the same at night"
    assert prompt_of("<@42> with <@7>", 42) == "with <@7>"
    assert prompt_of("<@42>", 42) == ""


def test_a_reply_may_name_one_image_of_several_first() -> None:
    assert chosen_file("#3 the same at night") == (2, "the same at night")
    assert chosen_file("#2: bluer") == (1, "bluer")
    assert chosen_file("the same at night") == (0, "the same at night")
    assert chosen_file("#hashtag art") == (0, "#hashtag art")
    assert chosen_file("#1") == (0, "")


@pytest.mark.parametrize(("typed", "zoom"), [("2", 2.0), ("1,5", 1.5), (" 1.25 ", 1.25), ("2.", 2.0)])
def test_a_custom_zoom_is_a_number_over_one_up_to_two(typed: str, zoom: float) -> None:
    assert zoom_of(typed) == zoom


@pytest.mark.parametrize("typed", ["1", "2,5", "0.5", "inf", "nan", "far", "", "1e0"])
def test_anything_else_is_refused_quoting_what_was_typed(typed: str) -> None:
    with pytest.raises(UserFacingError) as refused:
        zoom_of(typed)

    assert refused.value.user_message == f"Zoom out by a number over 1, up to 2, like 1.5 (not “{typed}”)."


def test_the_custom_zoom_form_starts_from_the_prompt_and_2x() -> None:
    modal = zoom_modal(english(), 12, 0, kind=IMAGE, prompt="a paper boat").to_dict()

    assert modal["custom_id"] == "zoom:12:0"
    fields = {row["components"][0]["custom_id"]: row["components"][0] for row in modal["components"]}
    assert (fields["prompt"]["value"], fields["zoom"]["value"]) == ("a paper boat", "2")
    assert fields["zoom"]["placeholder"] == "1.5"


def test_the_custom_zoom_form_writes_a_flag_spelled_in_the_prompt_as_words() -> None:
    modal = zoom_modal(english(), 12, 0, kind=IMAGE, prompt="a sign saying --ar {x}").to_dict()

    [prompt] = [
        row["components"][0] for row in modal["components"] if row["components"][0]["custom_id"] == "prompt"
    ]
    assert prompt["value"] == r"a sign saying \--ar \{x\}"
