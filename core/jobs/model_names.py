"""A model or LoRA named as people used to A1111 or Civitai write it, found among the files a server offers.

ComfyUI lists each file by its path under the model folder, extension included (``sdxl/ink.safetensors``,
with ``\\`` on Windows); people type ``ink``, ``Ink``, ``ink.safetensors`` or ``sdxl/ink``. A name means the
file of that exact name if there is one; otherwise the files it names in another case; otherwise those it
names without their extension or without their folder. More than one file is for the caller to refuse.
"""

from __future__ import annotations

from collections.abc import Iterable

# The extensions of model files ComfyUI loads, which people leave out as A1111's `<lora:ink:0.8>` does.
MODEL_FILE_EXTENSIONS = (".safetensors", ".ckpt", ".pt", ".pth", ".bin", ".gguf", ".sft")


def files_named(typed: str, offered: Iterable[str]) -> list[str]:
    """The offered files `typed` may mean (sorted): one, several, or none."""
    offered = sorted(set(offered))
    if typed in offered:
        return [typed]
    key = _folded(typed)
    same = [name for name in offered if _folded(name) == key]
    return same or [name for name in offered if key in _short_forms(name)]


def is_file_name(name: str) -> bool:
    """Whether the name ends as a model file's does (``ink.safetensors``, not ``ink``)."""
    return _folded(name).endswith(MODEL_FILE_EXTENSIONS)


def _folded(name: str) -> str:
    return name.strip().replace("\\", "/").casefold()


def _short_forms(name: str) -> set[str]:
    """How the file may be named: its path or its own name, each with or without its extension."""
    path = _folded(name)
    own_name = path.rsplit("/", 1)[-1]
    return {form for whole in (path, own_name) for form in (whole, _without_extension(whole))}


def _without_extension(name: str) -> str:
    for extension in MODEL_FILE_EXTENSIONS:
        if name.endswith(extension) and len(name) > len(extension):
            return name.removesuffix(extension)
    return name
