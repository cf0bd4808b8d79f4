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
