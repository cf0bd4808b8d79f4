"""However bad the input, a refusal stays readable: it fits in one Discord message and speaks plainly."""

from __future__ import annotations

import json

import pytest

from core.prompts import PromptError, parse_image_request, parse_song_request


@pytest.mark.parametrize(
    "request_",
    [
        lambda: parse_image_request("a cat " + " ".join(f"--zz{i} 1" for i in range(300))),
        lambda: parse_image_request(
            "x", document=json.dumps({f"field{i}" * 20: 1 for i in range(300)}).encode()
        ),
        lambda: parse_song_request(
            lyrics_text="\n".join(f"[odd section {i:03} {'x' * 30}]\nla" for i in range(200))
        ),
    ],
    ids=["300 unknown flags", "300 unknown document fields", "200 unknown sections"],
)
def test_hundreds_of_problems_still_fit_in_one_message(request_: object) -> None:
    with pytest.raises(PromptError) as caught:
        request_()  # type: ignore[operator]
    message = caught.value.user_message
    assert len(message) <= 2000
    assert message.startswith("Please fix")
    problems = caught.value.problems
    if len(problems) > 10:
        assert message.endswith(f"• …and {len(problems) - 10} more")
    else:
        assert max(len(str(p)) for p in problems) > 2000, "one problem as long as a message, shortened"
        assert "…" in message


@pytest.mark.parametrize("typed", ["--seed ²", "--seed ½", "--count ³"])
def test_digits_int_cannot_read_are_refused_in_plain_words(typed: str) -> None:
    with pytest.raises(PromptError) as caught:
        parse_image_request(f"a cat {typed}")
    assert "invalid literal" not in caught.value.user_message
    assert "is not a" in caught.value.user_message
