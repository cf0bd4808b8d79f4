import pytest

from core.prompts.flags import extract_flags


def test_midjourney_style_flags_are_taken_out_of_the_prompt() -> None:
    flags = extract_flags("a lighthouse at dusk --ar 16:9 --q 2 --seed 7 --style anime --no text, watermark")

    assert flags.prompt == "a lighthouse at dusk"
    assert flags.values == {
        "aspect_ratio": "16:9",
        "quality": "high",
        "seed": 7,
        "style_tags": ["anime"],
        "negative_prompt": "text, watermark",
    }
    assert flags.problems == []


def test_flags_in_the_middle_give_their_following_words_back_to_the_prompt() -> None:
    flags = extract_flags('--style "oil painting" a lighthouse --aspect 4:3 at dusk --style noir,moody')

    assert flags.prompt == "a lighthouse at dusk"
    assert flags.values == {"style_tags": ["oil painting", "noir", "moody"], "aspect_ratio": "4:3"}


def test_phone_dashes_work_like_double_hyphens() -> None:
    flags = extract_flags("a cat —ar 9:16 –quality draft")

    assert flags.values == {"aspect_ratio": "9:16", "quality": "draft"}
    assert flags.prompt == "a cat"


def test_dashes_inside_words_and_alone_are_prompt_text() -> None:
    flags = extract_flags("a well-lit room -- cozy, x--y")

    assert flags.prompt == "a well-lit room -- cozy, x--y"
    assert flags.values == {}


def test_repeated_negative_flags_are_joined() -> None:
    assert extract_flags("a cat --no text --no blur").values["negative_prompt"] == "text, blur"


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ("a cat --ar wide", "--ar wide", "'wide' is not an aspect ratio like 16:9"),
        ("a cat --ar 5:1", "--ar 5:1", "too stretched"),
        ("a cat --seed -3", "--seed -3", "is not a seed"),
        ("a cat --q 9", "--q 9", "'9' is not a quality"),
        ("a cat --count 5", "--count 5", "ask for 1 to 4"),
        ("a cat --seed", "--seed", "needs a value, like `--seed 7`"),
        ("a cat --no", "--no", "needs a value"),
        ("a cat --zz 6", "--zz", "is not a flag I know"),
        ("a cat --ar 1:1 --ar 4:3", "--ar", "is given twice (also as --ar)"),
    ],
)
def test_malformed_flags_are_named_in_the_problem(text: str, field: str, message: str) -> None:
    flags = extract_flags(text)

    assert len(flags.problems) == 1
    assert flags.problems[0].field == field
    assert message in flags.problems[0].message


def test_other_sane_ratios_are_accepted_and_reduced() -> None:
    assert extract_flags("x --ar 10:8").values["aspect_ratio"] == "5:4"


def test_midjourney_settings_with_no_meaning_here_are_set_aside_not_refused() -> None:
    flags = extract_flags("a fox --v 6.1 --stylize 250 in snow --chaos 20 --tile --niji --ar 3:2 --s 50 --p")

    assert flags.prompt == "a fox in snow"
    assert flags.values == {"aspect_ratio": "3:2"}
    assert flags.ignored == ["--v 6.1", "--stylize 250", "--chaos 20", "--tile", "--niji", "--s 50", "--p"]
    assert flags.problems == []


def test_an_optional_midjourney_value_is_taken_only_when_it_is_a_number() -> None:
    assert extract_flags("a fox --niji 6 at dawn").ignored == ["--niji 6"]
    assert extract_flags("a fox --niji at dawn").prompt == "a fox at dawn"


@pytest.mark.parametrize(
    ("text", "values", "ignored"),
    [
        ("a cat --ar16:9", {"aspect_ratio": "16:9"}, []),
        ("a cat --AR16:9 --seed7 --q2", {"aspect_ratio": "16:9", "seed": 7, "quality": "high"}, []),
        ("a cat —ar3:2 --v6.1 --niji6 --s750", {"aspect_ratio": "3:2"}, ["--v 6.1", "--niji 6", "--s 750"]),
        (
            "a cat --ar=16:9 --seed=7 --no=text, blur",
            {"aspect_ratio": "16:9", "seed": 7, "negative_prompt": "text, blur"},
            [],
        ),
    ],
)
def test_a_value_typed_against_its_flag_or_after_an_equals_sign_is_read(
    text: str, values: dict[str, object], ignored: list[str]
) -> None:
    flags = extract_flags(text)

    assert (flags.prompt, flags.values, flags.ignored, flags.problems) == ("a cat", values, ignored, [])


def test_a_flag_glued_to_its_value_is_named_as_the_flag_in_problems() -> None:
    assert [problem.field for problem in extract_flags("a cat --seed7x").problems] == ["--seed 7x"]
    assert [problem.field for problem in extract_flags("a cat --zz9 --AR1:9").problems] == [
        "--zz9",
        "--AR 1:9",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "a cat --ar 16: 9 on a roof",
        "a cat --ar 16 : 9 on a roof",
        "a cat --ar 16∶9 on a roof",
        "a cat --ar 16：9 on a roof",
        "a cat --ar 16:9, on a roof",
        "a cat --ar 16 x 9. on a roof",
    ],
)
def test_a_ratio_typed_with_spaces_other_colons_or_a_comma_after_it_is_read(text: str) -> None:
    flags = extract_flags(text)

    assert (flags.prompt, flags.values, flags.problems) == ("a cat on a roof", {"aspect_ratio": "16:9"}, [])


def test_punctuation_after_a_one_word_value_ends_it() -> None:
    flags = extract_flags("a cat --seed 7, --count 2; --q 2. on a roof")

    assert (flags.prompt, flags.values) == ("a cat on a roof", {"seed": 7, "count": 2, "quality": "high"})
    assert extract_flags("a cat --q .5").values == {"quality": "draft"}


def test_single_quotes_hold_a_phrase_as_double_quotes_do() -> None:
    flags = extract_flags("a cat --style 'oil painting' --model ‘My Model.safetensors’ on a roof")

    assert flags.prompt == "a cat on a roof"
    assert flags.values == {"style_tags": ["oil painting"], "model": "My Model.safetensors"}
    assert extract_flags("a cat --style rock'n'roll").values == {"style_tags": ["rock'n'roll"]}


def test_a_wholly_quoted_negative_prompt_loses_its_quotes() -> None:
    assert extract_flags('a cat --no "text, watermark"').values == {"negative_prompt": "text, watermark"}
    assert extract_flags('a cat --no "text" and "logo"').values == {"negative_prompt": '"text" and "logo"'}


@pytest.mark.parametrize(
    ("typed", "quality"),
    [("1.0", "standard"), ("2.0", "high"), ("0.50", "draft"), ("2.", "high"), ("4", "high")],
)
def test_quality_numbers_written_with_decimals_and_midjourney_v7s_4_are_read(
    typed: str, quality: str
) -> None:
    assert extract_flags(f"a cat --q {typed}").values == {"quality": quality}


def test_every_reference_code_or_link_after_a_midjourney_reference_flag_is_set_aside() -> None:
    flags = extract_flags(
        "a fox --sref 123 https://a.png::2 random --p 7ywh4ct --cref <https://b.png> in snow"
    )

    assert flags.prompt == "a fox in snow"
    assert flags.ignored == ["--sref 123 https://a.png::2 random", "--p 7ywh4ct", "--cref <https://b.png>"]
    assert extract_flags("a fox --p in snow").ignored == ["--p"]


def test_newer_midjourney_settings_are_set_aside_not_refused() -> None:
    flags = extract_flags("a fox --sv 4 --motion high --bs 2 --loop --end https://a.png --stealth --public")

    assert (flags.prompt, flags.problems) == ("a fox", [])
    assert flags.ignored == [
        "--sv 4",
        "--motion high",
        "--bs 2",
        "--loop",
        "--end https://a.png",
        "--stealth",
        "--public",
    ]


def test_links_at_the_start_are_taken_out_of_the_prompt_as_midjourney_image_prompts() -> None:
    flags = extract_flags(
        "https://s.mj.run/a.png <https://cdn.example/b.jpg> a cat --ar 2:3 reading https://c.io"
    )

    assert flags.prompt == "a cat reading https://c.io"
    assert flags.links == ["https://s.mj.run/a.png", "<https://cdn.example/b.jpg>"]
    assert extract_flags("--ar 2:3 HTTP://a.png a cat").links == ["HTTP://a.png"]


@pytest.mark.parametrize(
    "text",
    [
        '"a cat --ar 16:9 --v 6"',
        "“a cat --ar 16:9 --v 6”",
        "`a cat --ar 16:9 --v 6`",
        "/imagine prompt: a cat --ar 16:9 --v 6",
        '/imagine prompt: "a cat --ar 16:9 --v 6"',
        '"/imagine prompt: a cat --ar 16:9 --v 6"',
        "Prompt: a cat --ar 16:9 --v 6",
    ],
)
def test_a_prompt_pasted_whole_in_quotes_or_after_imagine_prompt_reads_as_its_words(text: str) -> None:
    flags = extract_flags(text)

    assert (flags.prompt, flags.values, flags.ignored, flags.problems) == (
        "a cat",
        {"aspect_ratio": "16:9"},
        ["--v 6"],
        [],
    )


def test_quotes_that_are_part_of_the_prompt_stay() -> None:
    assert extract_flags('"a cat"').prompt == '"a cat"'
    assert extract_flags('""').prompt == '""'
    assert extract_flags("``").prompt == "``"
    assert extract_flags('"a cat" on a "mat" --ar 1:1').prompt == '"a cat" on a "mat"'


def test_midjourney_style_modes_are_set_aside_not_drawn_as_style_words() -> None:
    flags = extract_flags("a cat --style raw --style RAW --style 4b --style ink")

    assert (flags.prompt, flags.values) == ("a cat", {"style_tags": ["ink"]})
    assert flags.ignored == ["--style raw", "--style RAW", "--style 4b"]
