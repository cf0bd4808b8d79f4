"""A model or LoRA named as A1111 and Civitai users write it, found among the files ComfyUI lists."""

import pytest

from core.jobs.model_names import files_named

OFFERED = [
    "sdxl/ink.safetensors",
    "Grain.ckpt",
    "flux\\detail-v2.gguf",
    "styles/ink.v2.safetensors",
    "notes.txt",
]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("ink", "sdxl/ink.safetensors"),
        ("INK", "sdxl/ink.safetensors"),
        ("ink.safetensors", "sdxl/ink.safetensors"),
        ("sdxl/ink", "sdxl/ink.safetensors"),
        ("SDXL\\Ink", "sdxl/ink.safetensors"),
        ("grain", "Grain.ckpt"),
        ("detail-v2", "flux\\detail-v2.gguf"),
        ("flux/detail-v2.gguf", "flux\\detail-v2.gguf"),
        ("ink.v2", "styles/ink.v2.safetensors"),
    ],
)
def test_a_name_without_extension_folder_or_case_means_the_one_file_it_names(typed: str, meant: str) -> None:
    assert files_named(typed, OFFERED) == [meant]


@pytest.mark.parametrize("typed", ["ink.ckpt", "notes", "sdxl", "in", "ink.v2.safetensors.safetensors"])
def test_a_name_that_is_only_part_of_a_file_or_another_extension_names_none(typed: str) -> None:
    assert files_named(typed, OFFERED) == []


def test_a_name_several_files_answer_to_names_them_all() -> None:
    offered = ["ink.safetensors", "sdxl/ink.safetensors", "ink.pt", "grain.pt"]
    assert files_named("ink", offered) == ["ink.pt", "ink.safetensors", "sdxl/ink.safetensors"]
    assert files_named("ink.safetensors", offered) == ["ink.safetensors"]  # the exact name is that file


def test_the_exact_name_wins_over_one_in_another_case() -> None:
    assert files_named("Ink.safetensors", ["ink.safetensors", "Ink.safetensors"]) == ["Ink.safetensors"]
    assert files_named("INK.safetensors", ["ink.safetensors", "Ink.safetensors"]) == [
        "Ink.safetensors",
        "ink.safetensors",
    ]
