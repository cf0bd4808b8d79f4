import json
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import UserFacingError
from core.kinds.image import ImageParams
from core.prompts import PromptError, parse_image_request
from core.prompts.image import read_image_request


def test_explicit_options_win_over_flags_and_flags_over_the_document() -> None:
    document = json.dumps(
        {
            "prompt": "from the document",
            "negative_prompt": "doc negative",
            "aspect_ratio": "3:2",
            "quality": "draft",
        }
    ).encode()

    params = parse_image_request(
        "a fox --ar 16:9 --q 2 --no blur", aspect_ratio="1:1", style=["ink"], document=document
    )

    assert params == ImageParams(
        prompt="a fox", negative_prompt="blur", aspect_ratio="1:1", quality="high", style_tags=["ink"]
    )


def test_document_alone_gives_the_whole_request() -> None:
    document = b'\xef\xbb\xbf{"prompt": "a fox", "style_tags": ["ink", "sumi-e"], "quality": 1}'

    params = parse_image_request("", document=document)

    assert (params.prompt, params.style_tags, params.quality) == ("a fox", ["ink", "sumi-e"], "standard")


def test_every_problem_is_reported_at_once_with_its_field() -> None:
    document = b'{"prompt": "' + b"x" * 2001 + b'", "quality": "ultra", "colour": "red"}'

    with pytest.raises(PromptError) as caught:
        parse_image_request("--ar 30:1 --seed x", count=7, negative="fine", document=document)

    fields = [problem.field for problem in caught.value.problems]
    assert fields == [
        "document prompt",
        "document quality",
        "document colour",
        "--ar 30:1",
        "--seed x",
        "count",
    ]
    assert caught.value.user_message.startswith("Please fix these 6 things:\n• document prompt: is too long")
    assert isinstance(caught.value, UserFacingError)
    assert isinstance(caught.value, ValueError)


def test_empty_prompt_asks_for_a_description() -> None:
    with pytest.raises(PromptError) as caught:
        parse_image_request("   --ar 16:9  ")

    assert caught.value.user_message == "Please fix prompt: is empty; describe what to draw"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"{oops", "document: is not valid JSON (line 1, column 2"),
        (b'["a fox"]', "document: must be a JSON object"),
        (b"\xff\x00\xfe", "document: is not UTF-8 text"),
        (b" " * 70_000, "document: is larger than 64 KB"),
    ],
)
def test_unreadable_documents_are_reported(document: bytes, message: str) -> None:
    with pytest.raises(PromptError) as caught:
        parse_image_request("a fox", document=document)

    assert str(caught.value.problems[0]).startswith(message)


def test_control_characters_in_the_prompt_are_dropped() -> None:
    assert parse_image_request("a\x00 fox\x1b[31m").prompt == "a fox [31m"


def test_prompt_over_the_limit_is_refused() -> None:
    with pytest.raises(PromptError, match="at most 2000"):
        parse_image_request("a " * 1001)


FLAG_FRAGMENTS = ["--ar", "--no", "--seed", "--q", "--quality", "--style", "--count", "—ar", "--", "--x", '"']


@given(
    st.lists(
        st.one_of(st.text(max_size=12), st.sampled_from(FLAG_FRAGMENTS), st.from_regex(r"\d{1,3}:\d{1,3}")),
        max_size=14,
    ).map(" ".join),
    st.one_of(st.none(), st.binary(max_size=64), st.text(max_size=40).map(str.encode)),
)
def test_any_input_gives_params_or_a_prompt_error(prompt: str, document: bytes | None) -> None:
    outcome = _attempt(prompt, document)

    if isinstance(outcome, PromptError):
        assert outcome.problems
        assert outcome.user_message.startswith("Please fix")
    else:
        assert outcome.prompt.strip()


def _attempt(prompt: str, document: bytes | None) -> ImageParams | PromptError:
    try:
        return parse_image_request(prompt, document=document)
    except PromptError as error:
        return error


@given(
    negative=st.one_of(st.none(), st.text(max_size=30)),
    aspect_ratio=st.one_of(st.none(), st.text(max_size=8), st.from_regex(r"\d{1,3}:\d{1,3}", fullmatch=True)),
    quality=st.one_of(st.none(), st.text(max_size=6), st.floats(), st.integers()),
    style=st.one_of(st.none(), st.text(max_size=50), st.lists(st.text(max_size=50), max_size=10)),
    seed=st.one_of(st.none(), st.integers(), st.text(max_size=25)),
    count=st.one_of(st.none(), st.integers(-2, 9), st.text(max_size=3)),
)
def test_any_explicit_options_give_params_or_a_prompt_error(
    negative: str | None,
    aspect_ratio: str | None,
    quality: str | float | None,
    style: str | list[str] | None,
    seed: int | str | None,
    count: int | str | None,
) -> None:
    try:
        outcome: object = parse_image_request(
            "a fox",
            negative=negative,
            aspect_ratio=aspect_ratio,
            quality=quality,
            style=style,
            seed=seed,
            count=count,
        )
    except PromptError as error:
        outcome = error

    assert isinstance(outcome, ImageParams) or (isinstance(outcome, PromptError) and outcome.problems)


def test_control_characters_in_a_negative_option_are_dropped() -> None:
    assert parse_image_request("a fox", negative="blur\x00ry,\ttext").negative_prompt == "blur ry, text"


WORD = st.from_regex(r"[a-z]{1,8}", fullmatch=True)
VALID_FLAGS = st.fixed_dictionaries(
    {},
    optional={
        "aspect_ratio": st.sampled_from(["1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3", "21:9"]),
        "quality": st.sampled_from(["draft", "standard", "high"]),
        "seed": st.integers(0, 2**64 - 1),
        "count": st.integers(1, 4),
        "style_tags": st.lists(WORD, min_size=1, max_size=3, unique=True),
    },
)


@given(st.lists(WORD, min_size=1, max_size=8), VALID_FLAGS, st.randoms(use_true_random=False))
def test_flags_may_come_in_any_order_anywhere(words: list[str], flags: dict, rnd: random.Random) -> None:
    spelled = {"aspect_ratio": "--ar", "quality": "--quality", "seed": "--seed", "count": "--count"}
    tokens = [[spelled[name], str(value)] for name, value in flags.items() if name != "style_tags"]
    tokens += [["--style", tag] for tag in flags.get("style_tags", [])]
    rnd.shuffle(tokens)
    pieces: list[list[str]] = [[word] for word in words]
    for token in tokens:
        pieces.insert(rnd.randint(0, len(pieces)), token)
    text = " ".join(" ".join(piece) for piece in pieces) + " --no blur, text"

    params = parse_image_request(text)

    assert params.prompt == " ".join(words)
    assert params.negative_prompt == "blur, text"
    for name, value in flags.items():
        if name == "style_tags":
            assert sorted(params.style_tags) == sorted(value)
        else:
            assert getattr(params, name) == value


@pytest.mark.parametrize(
    ("quality", "expected"), [(2.0, "high"), (0.5, "draft"), (1, "standard"), ("HD", "high")]
)
def test_quality_numbers_from_discord_options(quality: float | str, expected: str) -> None:
    assert parse_image_request("a fox", quality=quality).quality == expected


def test_style_flags_are_named_as_typed_in_notes_and_problems() -> None:
    request = read_image_request("a fox --style ink", style="noir")

    assert [str(note) for note in request.notes] == ["Used style (noir) instead of --style (ink)."]
    with pytest.raises(PromptError) as caught:
        read_image_request("a fox --style a,b,c,d,e,f,g,h,i")
    assert [problem.field for problem in caught.value.problems] == ["--style"]


def test_a_link_at_the_start_of_the_prompt_is_left_out_and_said() -> None:
    request = read_image_request("https://s.mj.run/a.png a cat --v 6")

    assert request.params.prompt == "a cat"
    assert [note.key for note in request.notes] == ["prompt.ignored_flags", "prompt.ignored_links"]
    assert "https://s.mj.run/a.png" in str(request.notes[1])
    with pytest.raises(PromptError) as caught:
        read_image_request("https://s.mj.run/a.png --ar 2:3")
    assert [problem.field for problem in caught.value.problems] == ["prompt"]


def test_a_prompt_swallowed_by_a_leading_no_flag_says_why_it_is_empty() -> None:
    with pytest.raises(PromptError) as caught:
        read_image_request("--ar 16:9 —no text a lighthouse")

    assert caught.value.user_message == (
        "Please fix prompt: is empty; describe what to draw before —no, "
        "which takes every word up to the next flag"
    )
