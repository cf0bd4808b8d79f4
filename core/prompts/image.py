"""Turn what a user typed (prompt with flags, options, an attached JSON document) into an ImageRequest.

Precedence: explicit options > inline flags > the attached document > the user's preferences (/preferences,
applied silently: the request did not mention them) > the template's defaults. The one
exception is the prompt: a typed prompt that only points at the document ("see attached document") or is
empty gives way to the document's. Every value a later source overrides is reported as a note, so nothing
the user wrote is dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from core.kinds.fields import CONTROL_CHARACTERS, PROMPT_MAX_CHARS
from core.kinds.image import ImageParams
from core.prompts import fields
from core.prompts.documents import ImagePromptData, document_field, read_json_document, validate_document
from core.prompts.errors import PromptError, PromptProblem
from core.prompts.flags import InlineFlags, empty_prompt, extract_flags
from core.prompts.layers import Layers
from core.prompts.placeholders import is_placeholder
from core.texts import Text, each_once

# Flags are removed before the prompt's own limit applies, so the raw text may be a little longer.
RAW_PROMPT_MAX_CHARS = PROMPT_MAX_CHARS + 1000


@dataclass(frozen=True, slots=True)
class ImageRequest:
    """What to draw, the workflow asked for (by option or document), and notes for the asker."""

    params: ImageParams
    workflow: str | None = None
    notes: tuple[Text, ...] = ()


def parse_image_request(prompt: str, **options: Any) -> ImageParams:
    """The request's ImageParams only (see :func:`read_image_request`)."""
    return read_image_request(prompt, **options).params


def read_image_request(
    prompt: str | None,
    *,
    negative: str | None = None,
    aspect_ratio: str | None = None,
    quality: str | float | None = None,
    style: str | Sequence[str] | None = None,
    seed: int | str | None = None,
    count: int | str | None = None,
    workflow: str | None = None,
    document: bytes | None = None,
    model: str | None = None,
    lora: str | None = None,
    lora_weight: float | None = None,
    strength: float | None = None,
    preferred: Mapping[str, Any] | None = None,
) -> ImageRequest:
    """The request, or a PromptError listing every problem, each with its field."""
    prompt = prompt or ""
    if len(prompt) > RAW_PROMPT_MAX_CHARS:
        too_long = Text(
            "invalid.too_long",
            f"is too long; at most {PROMPT_MAX_CHARS} characters",
            {"most": PROMPT_MAX_CHARS},
        )
        raise PromptError([PromptProblem.of("prompt", too_long)])
    layers = Layers()
    document_prompt = _take_document(document, layers) if document is not None else None
    flags = extract_flags(CONTROL_CHARACTERS.sub(" ", prompt))
    layers.problems += flags.problems
    _take_prompt(layers, flags, document_prompt, has_document=document is not None)
    for name, value in flags.values.items():
        layers.set(name, value, flags.spelled.get(name, f"--{name}"))
    explicit: dict[str, tuple[Any, Callable[[Any], Any]]] = {
        "negative_prompt": (negative, _clean_text),
        "aspect_ratio": (aspect_ratio, fields.aspect_ratio),
        "quality": (quality, fields.quality),
        "style_tags": (style, _style_tags),
        "seed": (seed, fields.seed),
        "count": (count, fields.count),
        "workflow": (workflow, _clean_text),
        "model": (model, _clean_text),
        "loras": (lora, lambda name: [_lora_option(name, lora_weight)]),
        "strength": (strength, float),
    }
    for name, (value, read) in explicit.items():
        if value is not None:
            layers.set_read(name, value, read, _OPTION_NAMES.get(name, name))
    if lora_weight is not None and lora is None:
        alone = Text("prompt.weight_without_lora", "needs a lora to apply to")
        layers.problems.append(PromptProblem.of("lora_weight", alone))
    for name, value in (preferred or {}).items():
        if name not in layers.values:
            option = _OPTION_NAMES.get(name, name)
            layers.set(
                name, value, Text("prompt.origin.preferred", f"your preferred {option}", {"option": option})
            )
    layers.notes += flags.notes()
    _one_move(layers)
    chosen_workflow = layers.values.pop("workflow", None)
    params = _image_params(layers)
    return ImageRequest(params, chosen_workflow or None, each_once(layers.notes))


_OPTION_NAMES = {"negative_prompt": "negative", "style_tags": "style", "loras": "lora"}


def _take_document(content: bytes, layers: Layers) -> str | None:
    """The document's fields as the lowest layer; returns its prompt, which is chosen separately."""
    try:
        raw = read_json_document(content, document_field())
    except PromptError as error:
        layers.problems += error.problems
        return None
    data, document_problems = validate_document(ImagePromptData, raw, document_field())
    layers.problems += document_problems
    if data is None:
        return None
    for name, value in data.model_dump(exclude_none=True, exclude_defaults=True).items():
        if name != "prompt":
            layers.set(name, value, _from_document(name))
    if data.prompt is None:
        return None
    # A Midjourney prompt pasted into the document keeps its flags: they are the document's too.
    flags = extract_flags(CONTROL_CHARACTERS.sub(" ", data.prompt))
    layers.problems += [_in_document(problem) for problem in flags.problems]
    for name, value in flags.values.items():
        layers.set(name, value, _from_document(flags.spelled.get(name, f"--{name}")))
    layers.notes += flags.notes()
    return flags.prompt


def _take_prompt(
    layers: Layers, flags: InlineFlags, document_prompt: str | None, *, has_document: bool
) -> None:
    typed = flags.prompt
    stand_in = has_document and is_placeholder(typed)
    if document_prompt is not None and (stand_in or not typed):
        layers.set("prompt", document_prompt, _from_document("prompt"))
    elif document_prompt is not None:
        layers.set("prompt", document_prompt, _from_document("prompt"))
        layers.set("prompt", typed, Text("prompt.origin.typed", "the typed prompt"))
    elif typed and stand_in:
        said = Text(
            "prompt.only_points_at_document",
            f"is missing, and the typed prompt “{typed}” only points at it",
            {"typed": typed},
        )
        field = Text("prompt.field.document_prompt", "document prompt")
        layers.problems.append(PromptProblem.of(field, said))
    elif typed:
        layers.set("prompt", typed, "prompt")
    if not layers.values.get("prompt"):
        # A broken document is reported already; its prompt may be fine once the rest is fixed.
        if not any(problem.field.startswith("document") for problem in layers.problems):
            layers.problems.append(PromptProblem.of("prompt", empty_prompt(flags)))
        # A stand-in, so the other fields are still checked and reported together.
        layers.values["prompt"] = "-"


def _one_move(layers: Layers) -> None:
    """A zoom out and a pan are refused together, or with a strength (the border they add is drawn from
    nothing), naming the flag or option as typed; the model's own check could only say "document"."""
    moves = [name for name in ("zoom", "pan") if name in layers.values]
    if len(moves) == 2:
        said = Text("value.zoom_and_pan", "zoom out or pan, not both at once")
        layers.problems.append(PromptProblem.of(str(layers.origin["pan"]), said))
        del layers.values["pan"]
    if moves and "strength" in layers.values:
        said = Text(
            "prompt.strength_with_move",
            "doesn't go with a zoom out or a pan: the border they add is drawn from nothing",
        )
        layers.problems.append(PromptProblem.of(str(layers.origin["strength"]), said))


def _in_document(problem: PromptProblem) -> PromptProblem:
    outer, inner = document_field(), problem.field
    field = Text("prompt.field.within", f"{outer} {inner}", {"outer": outer, "inner": inner})
    return PromptProblem(str(field), problem.message, problem.text, field)


def _from_document(name: str) -> Text:
    return Text("prompt.origin.document", f"the document's {name}", {"name": name})


def _clean_text(value: str) -> str:
    return " ".join(CONTROL_CHARACTERS.sub(" ", value).split())


def _lora_option(name: str, weight: float | None) -> dict[str, Any]:
    return {"name": _clean_text(name)} | ({"weight": weight} if weight is not None else {})


def _style_tags(value: str | Sequence[str]) -> list[str]:
    items = value.split(",") if isinstance(value, str) else list(value)
    return [tag.strip() for tag in items if tag.strip()]


def _image_params(layers: Layers) -> ImageParams:
    params: ImageParams | None = None
    problems = layers.problems
    try:
        params = ImageParams.model_validate(layers.values)
    except ValidationError as error:
        for problem in fields.problems_from(error):
            name = problem.field.split(".", 1)[0]
            origin = layers.origin.get(name, name)
            label = origin if isinstance(origin, Text) else None
            problems.append(PromptProblem(str(origin), problem.message, problem.text, label))
    if problems or params is None:
        raise PromptError(list(dict.fromkeys(problems)))
    return params
