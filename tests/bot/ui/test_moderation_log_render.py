"""How a moderation log entry's rule reads in /settings log and the log channel."""

from __future__ import annotations

from bot.locales import Catalogue, Words, english
from bot.ui.moderation_log_render import rule_label


def test_a_known_rule_reads_as_its_label_with_its_detail() -> None:
    assert rule_label("not_allowed_lora:ink.safetensors", english()) == "LoRA not allowed (ink.safetensors)"


def test_an_entry_logged_with_the_old_spelling_of_a_rule_reads_like_a_new_one() -> None:
    # Before rules were written in lower case, a refused LoRA was logged as "not_allowed_LoRA:<name>".
    for say in (english(), Words(Catalogue.shipped(), "de")):
        assert rule_label("not_allowed_LoRA:Ink_v2.safetensors", say) == rule_label(
            "not_allowed_lora:Ink_v2.safetensors", say
        )
    assert (
        rule_label("not_allowed_LoRA:Ink_v2.safetensors", english())
        == "LoRA not allowed (Ink\\_v2.safetensors)"
    )


def test_a_rule_this_front_end_does_not_know_is_shown_as_written() -> None:
    assert rule_label("Some_New_Rule:x", english()) == "Some\\_New\\_Rule:x"
