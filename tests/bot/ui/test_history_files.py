"""Which artifacts /show uploads again, in which messages, and which it links instead."""

from __future__ import annotations

from bot.locales import Catalogue, Words
from bot.ui.history_files import plan_repost, unavailable_text
from tests.bot.history_factories import an_artifact


def test_files_that_fit_together_go_in_one_message() -> None:
    artifacts = (an_artifact(1, 100), an_artifact(2, 200))
    plan = plan_repost(artifacts, size_limit=1000)
    assert plan.batches == (artifacts,)
    assert plan.too_large == ()


def test_a_file_over_the_limit_is_left_out_and_the_rest_split_by_size_and_count() -> None:
    big = an_artifact(9, 2000)
    small = tuple(an_artifact(i, 400) for i in range(1, 6))
    plan = plan_repost((small[0], big, *small[1:]), size_limit=1000, per_message=2)
    assert [[a.id for a in batch] for batch in plan.batches] == [[1, 2], [3, 4], [5]]
    assert plan.too_large == (big,)


def test_at_most_ten_files_per_message() -> None:
    plan = plan_repost(tuple(an_artifact(i, 1) for i in range(1, 13)), size_limit=1000)
    assert [len(batch) for batch in plan.batches] == [10, 2]


def test_unavailable_files_are_named_with_their_recorded_link() -> None:
    too_large = (an_artifact(1, attachment_url="https://cdn.example/out_1.png"),)
    missing = (an_artifact(2),)
    english = Words(Catalogue.shipped(), "en")
    assert unavailable_text(english, too_large, missing) == (
        "`out_1.png` is larger than this server's upload limit: <https://cdn.example/out_1.png>\n"
        "`out_2.png` is no longer stored here and was never uploaded."
    )
    assert unavailable_text(english, (), ()) is None


def test_unavailable_files_are_named_in_the_askers_language() -> None:
    german = Words(Catalogue.shipped(), "de")
    too_large = (an_artifact(1),)
    missing = (an_artifact(2, attachment_url="https://cdn.example/out_2.png"),)
    assert unavailable_text(german, too_large, missing) == (
        "`out_1.png` ist größer als die Upload-Grenze dieses Servers und wurde nie hochgeladen.\n"
        "`out_2.png` ist hier nicht mehr gespeichert: <https://cdn.example/out_2.png>"
    )


def test_unavailable_files_are_named_as_they_were_downloaded() -> None:
    english = Words(Catalogue.shipped(), "en")
    names = {1: "a_red_fox_7_1.png", 2: "a_red_fox_7_2.png"}
    assert unavailable_text(english, (an_artifact(1),), (an_artifact(2),), names=names) == (
        "`a_red_fox_7_1.png` is larger than this server's upload limit and was never uploaded.\n"
        "`a_red_fox_7_2.png` is no longer stored here and was never uploaded."
    )
