"""/settings input becomes GuildPolicy changes; mistakes are refused with a sentence."""

from __future__ import annotations

import pytest

from core.errors import UserFacingError
from core.jobs.policy import PolicyView
from core.jobs.policy_edits import (
    BUILT_IN_DEFAULT,
    AlreadyBlocked,
    limit_changes,
    with_allowed_file,
    with_blocked_words,
    with_id,
    without_allowed_file,
    without_blocked_words,
    without_id,
    words_in,
    workflow_changes,
)
from core.queue.limits import GuildLimits
from db.enums import RegeneratePermission


def policy(blocked: tuple[str, ...] = ()) -> PolicyView:
    return PolicyView(
        guild_id=1,
        allowed_channel_ids=frozenset(),
        allowed_role_ids=frozenset(),
        limits=GuildLimits(),
        default_image_workflow=None,
        default_song_workflow=None,
        blocked_words=blocked,
        nsfw_channels_only=False,
        regenerate_permission=RegeneratePermission.ANYONE,
    )


def test_ids_are_added_once_and_removed_only_when_listed() -> None:
    assert with_id("allowed_channel_ids", frozenset({5}), 3) == {"allowed_channel_ids": [3, 5]}
    assert with_id("allowed_channel_ids", frozenset({5}), 5) == {"allowed_channel_ids": [5]}
    assert without_id("allowed_role_ids", frozenset({3, 5}), 3, what="role") == {"allowed_role_ids": [5]}
    with pytest.raises(UserFacingError, match="That role is not on the list"):
        without_id("allowed_role_ids", frozenset({5}), 3, what="role")


def test_blocked_words_are_split_on_commas_trimmed_and_not_repeated() -> None:
    assert words_in(" gore,  Spam\nspam , big   word,") == ["gore", "Spam", "big word"]
    assert with_blocked_words(policy(("gore",)), "GORE, spam") == {"blocked_words": ["gore", "spam"]}
    assert without_blocked_words(policy(("gore", "spam")), "Spam") == {"blocked_words": ["gore"]}
    with pytest.raises(UserFacingError, match="Not blocked, so nothing to remove: fox"):
        without_blocked_words(policy(("gore",)), "fox")
    with pytest.raises(UserFacingError, match="one or more words"):
        words_in(" , ")


def test_a_blocked_word_the_list_already_covers_is_not_stored_twice_and_is_named() -> None:
    covered: dict[str, str] = {}
    changes = with_blocked_words(policy(("gore",)), "ɡоrе, g0re, spam, sp4m, gory", covered=covered)
    assert changes == {"blocked_words": ["gore", "spam", "gory"]}
    assert covered == {"ɡоrе": "gore", "g0re": "gore", "sp4m": "spam"}  # spam came first in the same call
    with pytest.raises(AlreadyBlocked) as refused:
        with_blocked_words(policy(("gore", "big word")), "GORE, g.o.r.e, big  WORD")
    assert refused.value.covered == {"GORE": "gore", "g.o.r.e": "gore", "big WORD": "big word"}
    assert refused.value.user_message.startswith("Already blocked, so nothing was added: “GORE”, “g.o.r.e”")


def test_only_the_limits_given_change() -> None:
    assert limit_changes(max_running=2, max_waiting=None, burst=None, per_minute=0.5) == {
        "max_running_per_user": 2,
        "rate_refill_per_minute": 0.5,
    }
    with pytest.raises(UserFacingError, match="at least one limit"):
        limit_changes(max_running=None, max_waiting=None, burst=None, per_minute=None)


def test_a_default_workflow_must_exist_and_can_go_back_to_the_built_in_one() -> None:
    names = {"image_names": ["sdxl", "txt2img"], "song_names": ["song"]}
    assert workflow_changes(image="sdxl", song=None, **names) == {"default_image_workflow": "sdxl"}
    assert workflow_changes(image=None, song=BUILT_IN_DEFAULT, **names) == {"default_song_workflow": None}
    with pytest.raises(UserFacingError, match=r"no image workflow called “flux”\. Available: sdxl, txt2img"):
        workflow_changes(image="flux", song=None, **names)
    with pytest.raises(UserFacingError, match="Give an image or a song workflow"):
        workflow_changes(image=None, song=None, **names)


OFFERED_LORAS = ["sdxl/ink.safetensors", "grain.safetensors", "styles/grain.safetensors"]


def test_a_file_is_allowed_by_its_full_name_when_named_as_members_may_name_it() -> None:
    assert with_allowed_file("allowed_loras", (), "Ink", offered=OFFERED_LORAS) == {
        "allowed_loras": ["sdxl/ink.safetensors"]
    }
    assert with_allowed_file(
        "allowed_loras", ("sdxl/ink.safetensors",), "sdxl/ink", offered=OFFERED_LORAS
    ) == {"allowed_loras": ["sdxl/ink.safetensors"]}


def test_a_file_name_several_files_answer_to_or_none_is_refused() -> None:
    with pytest.raises(UserFacingError) as ambiguous:
        with_allowed_file("allowed_loras", (), "grain", offered=OFFERED_LORAS)
    with pytest.raises(UserFacingError) as typo:
        with_allowed_file("allowed_loras", (), "grian", offered=OFFERED_LORAS)
    assert ambiguous.value.user_message == (
        "“grain” could be any of grain.safetensors, styles/grain.safetensors; pick one from the list."
    )
    assert typo.value.user_message == "No ComfyUI server here offers “grian”; pick one from the list."


ALLOWED_LORAS = ("sdxl/ink.safetensors", "grain.safetensors", "styles/grain.safetensors")


def test_a_listed_file_is_removed_when_named_as_it_may_be_allowed() -> None:
    for typed in ("ink", "Ink", "sdxl/ink", "ink.safetensors", " sdxl/ink.safetensors "):
        assert without_allowed_file("allowed_loras", ALLOWED_LORAS, typed) == {
            "allowed_loras": ["grain.safetensors", "styles/grain.safetensors"]
        }
    assert without_allowed_file("allowed_loras", ALLOWED_LORAS, "grain.safetensors") == {
        "allowed_loras": ["sdxl/ink.safetensors", "styles/grain.safetensors"]
    }


def test_a_name_several_listed_files_answer_to_or_none_is_refused_for_removal() -> None:
    with pytest.raises(UserFacingError) as ambiguous:
        without_allowed_file("allowed_loras", ALLOWED_LORAS, "grain")
    with pytest.raises(UserFacingError) as unknown:
        # Offered by a backend, maybe, but not on this guild's list: nothing to remove.
        without_allowed_file("allowed_loras", ("grain.safetensors",), "ink")
    assert ambiguous.value.user_message == (
        "“grain” could be any of grain.safetensors, styles/grain.safetensors; pick one from the list."
    )
    assert unknown.value.user_message == "“ink” is not on the list."
