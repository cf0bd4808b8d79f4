"""Model and LoRAs asked for in a prompt's flags, /imagine's options or a prompt document."""

import pytest

from core.kinds.model_choice import LoraChoice
from core.prompts.errors import PromptError, PromptProblem
from core.prompts.flags import extract_flags
from core.prompts.image import read_image_request


def test_flags_choose_a_model_and_repeat_for_loras_with_or_without_a_weight() -> None:
    request = read_image_request(
        "a fox --model sdxl/juggernaut.safetensors --lora ink:0.8 in snow --lora grain"
    )
    assert request.params.prompt == "a fox in snow"
    assert request.params.model == "sdxl/juggernaut.safetensors"
    assert request.params.loras == [LoraChoice(name="ink", weight=0.8), LoraChoice(name="grain", weight=1.0)]


def test_a_lora_name_with_a_colon_but_no_weight_keeps_its_colon() -> None:
    request = read_image_request("a fox --lora styles:ink.safetensors")
    assert request.params.loras == [LoraChoice(name="styles:ink.safetensors")]


def test_options_win_over_flags_and_say_so() -> None:
    request = read_image_request("a fox --lora ink:0.8 --model a.safetensors", lora="grain", lora_weight=-0.5,
                                 model="b.safetensors")  # fmt: skip
    assert request.params.model == "b.safetensors"
    assert request.params.loras == [LoraChoice(name="grain", weight=-0.5)]
    assert any("lora" in str(note) and "--lora" in str(note) for note in request.notes)


def test_a_document_names_the_model_and_loras_as_strings_or_objects() -> None:
    document = (
        b'{"prompt": "a fox", "model": "m.safetensors", "loras": ["a:0.5", {"name": "b", "weight": -1}]}'
    )
    params = read_image_request(None, document=document).params
    assert params.model == "m.safetensors"
    assert params.loras == [LoraChoice(name="a", weight=0.5), LoraChoice(name="b", weight=-1.0)]


@pytest.mark.parametrize(
    ("prompt", "options", "problem"),
    [
        ("a fox --lora ink:2.5", {}, PromptProblem("--lora", "must be at most 2.0")),
        ("a fox --lora", {}, PromptProblem("--lora", "needs a value, like `--lora ink.safetensors:0.8`")),
        ("a fox --lora a --lora a", {}, PromptProblem("--lora", "each LoRA may be given once")),
        ("a fox", {"lora_weight": 0.5}, PromptProblem("lora_weight", "needs a lora to apply to")),
        ("a fox", {"lora": "a", "lora_weight": -3.0}, PromptProblem("lora", "must be at least -2.0")),
        (
            "a fox --lora a --lora b --lora c --lora d --lora e",
            {},
            PromptProblem("--lora", "has too many items; at most 4"),
        ),
    ],
)
def test_bad_lora_requests_are_refused_with_the_field_named(
    prompt: str, options: dict[str, object], problem: PromptProblem
) -> None:
    with pytest.raises(PromptError) as caught:
        read_image_request(prompt, **options)  # type: ignore[arg-type]
    assert problem in caught.value.problems


@pytest.mark.parametrize(
    "text",
    [
        'a cat --lora "my ink.safetensors":0.8 on a roof',
        "a cat --lora ‘my ink.safetensors’ : 0.8 on a roof",
        'a cat --lora "my ink.safetensors": .8, on a roof',
    ],
)
def test_a_lora_weight_apart_from_its_quoted_name_is_its_weight(text: str) -> None:
    flags = extract_flags(text)

    assert (flags.prompt, flags.values) == (
        "a cat on a roof",
        {"loras": [{"name": "my ink.safetensors", "weight": 0.8}]},
    )


def test_a_lora_weight_after_a_spaced_colon_is_its_weight_and_a_bare_number_is_not() -> None:
    assert extract_flags("a cat --lora ink: 0.8").values == {"loras": [{"name": "ink", "weight": 0.8}]}
    assert extract_flags("a cat --lora ink :0.8").values == {"loras": [{"name": "ink", "weight": 0.8}]}
    assert extract_flags("a cat --lora ink 2 cats").prompt == "a cat 2 cats"


@pytest.mark.parametrize(
    ("text", "prompt", "loras"),
    [
        ("a fox <lora:ink:0.8>", "a fox", [{"name": "ink", "weight": 0.8}]),
        ("<LoRA:ink> a fox", "a fox", [{"name": "ink"}]),
        (
            "masterpiece, best quality, <lora:ink:0.8>, 1girl, <lyco:grain:-.5>",
            "masterpiece, best quality, 1girl",
            [{"name": "ink", "weight": 0.8}, {"name": "grain", "weight": -0.5}],
        ),
        (
            "a fox,<lora:my ink style: 0.6 > in snow",
            "a fox, in snow",
            [{"name": "my ink style", "weight": 0.6}],
        ),
        ("a fox <lora:ink:0.8:0.4>", "a fox", [{"name": "ink", "weight": 0.8}]),
        ("a, <lora:a>, <lora:b>, c", "a, c", [{"name": "a"}, {"name": "b"}]),
        ('/imagine prompt: "a fox <lora:ink:0.8>"', "a fox", [{"name": "ink", "weight": 0.8}]),
        (
            "a fox <lora:ink:0.5> --lora grain:0.7 --ar 16:9",
            "a fox",
            [{"name": "ink", "weight": 0.5}, {"name": "grain", "weight": 0.7}],
        ),
    ],
)
def test_a1111_lora_tags_become_loras_and_leave_the_drawn_text(
    text: str, prompt: str, loras: list[dict[str, object]]
) -> None:
    flags = extract_flags(text)
    assert (flags.prompt, flags.values["loras"], flags.problems) == (prompt, loras, [])


def test_a_lora_tag_is_a_lora_of_the_request_with_its_weight() -> None:
    request = read_image_request("a cat <lora:ink:0.8> on a roof --lora grain")
    assert request.params.prompt == "a cat on a roof"
    assert request.params.loras == [LoraChoice(name="ink", weight=0.8), LoraChoice(name="grain")]


@pytest.mark.parametrize(
    ("prompt", "problem"),
    [
        ("a fox <lora:ink:2.5>", PromptProblem("<lora:ink:2.5>", "must be at most 2.0")),
        (
            "a fox <lora:ink:strong>",
            PromptProblem(
                "<lora:ink:strong>", "needs its weight as a number after the name, like `<lora:ink:0.8>`"
            ),
        ),
        (
            "a fox <lora::0.5>",
            PromptProblem("<lora::0.5>", "needs a LoRA's name, like `ink.safetensors:0.8`"),
        ),
        ("a fox <lora:ink> --lora ink", PromptProblem("--lora", "each LoRA may be given once")),
        (
            "a fox <lora:a> <lora:b> <lora:c> <lora:d> --lora e",
            PromptProblem("--lora", "has too many items; at most 4"),
        ),
    ],
)
def test_bad_lora_tags_are_refused_as_lora_flags_are(prompt: str, problem: PromptProblem) -> None:
    with pytest.raises(PromptError) as caught:
        read_image_request(prompt)
    assert problem in caught.value.problems


def test_the_lora_option_replaces_a_prompts_lora_tags_and_says_so() -> None:
    request = read_image_request("a fox <lora:ink:0.8>", lora="grain", lora_weight=0.5)
    assert request.params.loras == [LoraChoice(name="grain", weight=0.5)]
    assert "Used lora (grain:0.5) instead of <lora:ink:0.8> (ink:0.8)." in [str(n) for n in request.notes]


def test_a_documents_prompt_may_carry_lora_tags() -> None:
    params = read_image_request(None, document=b'{"prompt": "a fox <lora:ink:0.3>"}').params
    assert (params.prompt, params.loras) == ("a fox", [LoraChoice(name="ink", weight=0.3)])
