r"""Midjourney-style flags inside a prompt: ``a lighthouse --ar 16:9 --no text, watermark --seed 7``.

Flags may come in any order, anywhere in the prompt. ``--no`` takes everything up to the next flag (a
negative prompt is usually a comma list); every other flag takes one word, or a "quoted phrase" for
``--style``, and the words after it go back into the prompt. Phones turn ``--`` into an em dash, so
``—ar`` works too; so do ``--ar16:9`` and ``--ar=16:9``, and a value typed as core.prompts.flag_values reads
it; ``\--ar`` is the text ``--ar`` (core.prompts.flag_escapes). A prompt pasted whole (``/imagine prompt:
"..."``) is read as its words, and links at its start (Midjourney's image prompts) are set aside in
``links``. Unknown or malformed flags become problems naming the flag; nothing is raised here.

Flags:
    ``--ar W:H`` / ``--aspect W:H``   aspect ratio: 1:1 16:9 9:16 4:3 3:4 3:2 2:3 21:9, or any other W:H
                                      of whole numbers up to 64 and no more stretched than 3:1
    ``--no a, b``                     negative prompt
    ``--seed N``                      seed, 0 to 2**64-1
    ``--q .5|1|2|4``, ``--quality draft|standard|high``   quality (sampler steps)
    ``--style word`` (repeatable)     style tags appended to the prompt
    ``--count N``                     how many images, 1 to 4
    ``--model name``                  the checkpoint (or diffusion model) the workflow loads
    ``--lora name[:weight]`` (repeatable)   a LoRA, weight -2 to 2 (1 if left out); A1111's
                                      ``<lora:name:weight>`` in the prompt too (core.prompts.lora_tags)
    ``--zoom N``                      with a picture given: zoom out of it, over 1 to 2 (Midjourney's
                                      Custom Zoom), drawing around it
    ``--pan left|right|up|down``      with a picture given: widen it on that side, drawing what is there

Midjourney settings with no meaning here (``--v 6``, ``--stylize 250``, ``--tile``, ``--style raw``...) are
taken out of the prompt with their value and listed in ``ignored``, so a pasted prompt still works.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.prompts import fields
from core.prompts.errors import PromptProblem
from core.prompts.flag_escapes import free_flags, unescape_flags
from core.prompts.flag_values import first_value, value_of
from core.prompts.lora_tags import has_lora_tags, take_lora_tags
from core.prompts.multi_prompts import read_multi_prompt
from core.texts import Text, reason_of

# Flag name (lower case) → the ImageParams field it sets.
FLAG_FIELDS = {
    "ar": "aspect_ratio",
    "aspect": "aspect_ratio",
    "aspect-ratio": "aspect_ratio",
    "no": "negative_prompt",
    "seed": "seed",
    "q": "quality",
    "quality": "quality",
    "style": "style_tags",
    "count": "count",
    "model": "model",
    "lora": "loras",
    "zoom": "zoom",
    "pan": "pan",
}
_READERS: dict[str, Callable[[str], Any]] = {
    "aspect_ratio": fields.aspect_ratio,
    "seed": fields.seed,
    "quality": fields.quality,
    "count": fields.count,
    "loras": fields.lora,
    "zoom": fields.zoom,
    "pan": fields.pan,
}
_EXAMPLES = {
    "aspect_ratio": "16:9",
    "negative_prompt": "text, watermark",
    "seed": "7",
    "quality": "high",
    "style_tags": "anime",
    "count": "2",
    "model": "sd_xl_base_1.0.safetensors",
    "loras": "ink.safetensors:0.8",
    "zoom": "2",
    "pan": "left",
}
# Midjourney flags we cannot honour, and whether each takes a value; "optional" takes one only if it is a
# number (``--niji`` and ``--niji 6`` both exist); "codes" takes every link or code that follows
# (``--sref 123 https://a.png::2``, ``--p 7ywh4ct``), none for ``--p`` alone.
MIDJOURNEY_ONLY_FLAGS: dict[str, str] = {
    **dict.fromkeys(
        ("v", "version", "stylize", "s", "chaos", "c", "weird", "w", "iw", "stop", "repeat", "r"), "value"
    ),
    **dict.fromkeys(("cw", "sw", "sv", "ow", "exp", "motion", "bs"), "value"),
    **dict.fromkeys(("cref", "sref", "oref", "end", "p", "personalize", "profile"), "codes"),
    "niji": "optional",
    **dict.fromkeys(
        ("tile", "fast", "relax", "turbo", "hd", "test", "testp", "video", "draft", "raw", "loop"), "none"
    ),
    **dict.fromkeys(("upbeta", "uplight", "upanime", "creative", "sameseed", "stealth", "public"), "none"),
}
# Midjourney's --style values that name a mode of its own model, not a look: as a style word they would add
# "raw" or "4b" to the prompt.
MIDJOURNEY_STYLE_MODES = frozenset({"raw", "4a", "4b", "4c"})
_KNOWN = FLAG_FIELDS.keys() | MIDJOURNEY_ONLY_FLAGS.keys()
_GLUED = re.compile(r"^([a-z][a-z-]*?)(\d[a-z0-9_-]*)$")
_PASTED_COMMAND = re.compile(r"^\s*(?:/imagine\s+prompt\s*:|/imagine\b|prompt\s*:)", re.IGNORECASE)
_WRAPPED = re.compile(r'^\s*(?:["“”]([^"“”]*)["“”]|(`{1,3})([^`]*)\2)\s*$')
_LINK = re.compile(r"^<?https?://", re.IGNORECASE)
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
# A reference code or link, maybe weighted: `1234567`, `7ywh4ct`, `<https://a.png>::2`, `random`.
_CODE = re.compile(r"^(?:<?https?://\S+|[a-z0-9]*\d[a-z0-9]*|random)(?:::-?[\d.]+)?$", re.IGNORECASE)
_FLAG = re.compile(r"(?<!\S)(?:--|—|–)([A-Za-z][A-Za-z0-9_-]*)")


@dataclass
class InlineFlags:
    """The prompt with its flags taken out, the values they set, and what was wrong with them."""

    prompt: str
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[PromptProblem] = field(default_factory=list)
    # Which flag set each field, for messages ("--ar" rather than "aspect_ratio").
    spelled: dict[str, str] = field(default_factory=dict)
    # Midjourney settings taken out and not used, as typed ("--v 6", "--tile").
    ignored: list[str] = field(default_factory=list)
    # Links at the start, Midjourney's image prompts: taken out, since no link is read as a picture here.
    links: list[str] = field(default_factory=list)

    def notes(self) -> tuple[Text, ...]:
        """What was taken out of the prompt and not used, for the asker."""
        notes = []
        if self.ignored:
            ignored = ", ".join(self.ignored)
            notes.append(
                Text(
                    "prompt.ignored_flags",
                    f"Ignored {ignored}: Midjourney settings with no meaning here.",
                    {"ignored": ignored},
                )
            )
        if self.links:
            links = ", ".join(self.links)
            notes.append(
                Text(
                    "prompt.ignored_links",
                    f"Left out {links}: a link in a prompt is not read as a picture; attach the picture.",
                    {"links": links},
                )
            )
        return tuple(notes)


def empty_prompt(flags: InlineFlags) -> Text:
    """Why nothing is left to draw; after a --no, that it took the words (``--no text a lighthouse``)."""
    spelled = flags.spelled.get("negative_prompt")
    if spelled is None:
        return Text("prompt.empty", "is empty; describe what to draw")
    return Text(
        "prompt.empty_after_no",
        f"is empty; describe what to draw before {spelled}, which takes every word up to the next flag",
        {"spelled": spelled},
    )


def extract_flags(text: str) -> InlineFlags:
    text, lora_tags = take_lora_tags(_as_meant(free_flags(text)))
    matches = list(_FLAG.finditer(text))
    prompt_parts = [text[: matches[0].start()] if matches else text]
    flags = InlineFlags(prompt="")
    for tag in lora_tags:  # A1111's `<lora:ink:0.8>`: as `--lora ink:0.8`
        _store_lora(flags, tag.spelled, tag.lora, as_typed=tag.spelled)
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        spelled, name, segment = _unglued(match[0], match[1].lower(), text[match.end() : end])
        prompt_parts.append(_apply(flags, spelled, name, segment))
    words = " ".join(prompt_parts).split()
    flags.links = list(itertools.takewhile(_LINK.match, words))
    multi = read_multi_prompt(unescape_flags(" ".join(words[len(flags.links) :])))
    flags.prompt = multi.prompt
    if multi.keep_out:  # Midjourney: `text::-0.5` is what --no means
        keep_out = ", ".join(multi.keep_out)
        before = flags.values.get("negative_prompt")
        flags.values["negative_prompt"] = f"{before}, {keep_out}" if before else keep_out
        flags.spelled.setdefault("negative_prompt", "--no")
    return flags


def _as_meant(text: str) -> str:
    """A prompt pasted whole from a gallery or a chat, as its words: without the ``/imagine prompt:`` in
    front, and out of the quotes or code span around it when flags or LoRA tags are inside (the closing
    quote would stick to the last flag's value)."""
    for _ in range(2):  # `"/imagine prompt: ..."` and `/imagine prompt: "..."`
        text = _PASTED_COMMAND.sub("", text, count=1)
        wrapped = _WRAPPED.match(text)
        inside = None if wrapped is None else wrapped[1] if wrapped[1] is not None else wrapped[3]
        if inside is not None and (_FLAG.search(inside) or has_lora_tags(inside)):
            text = inside
    return text


def _unglued(spelled: str, name: str, segment: str) -> tuple[str, str, str]:
    """A known flag typed against its value (``--ar16:9``, ``--seed7``, ``--v6``) or with an ``=``
    (``--ar=16:9``), as people used to other tools write it, read as if a space stood there."""
    if segment.startswith("="):
        segment = segment[1:]
    glued = _GLUED.match(name)
    if name in _KNOWN or glued is None or glued[1] not in _KNOWN:
        return spelled, name, segment
    value_start = len(spelled) - len(glued[2])
    return spelled[:value_start], glued[1], spelled[value_start:] + segment


def _apply(flags: InlineFlags, spelled: str, name: str, segment: str) -> str:
    """Record one flag's value; returns the words after it that belong to the prompt."""
    field_name = FLAG_FIELDS.get(name)
    if field_name is None and name in MIDJOURNEY_ONLY_FLAGS:
        return _ignore(flags, spelled, MIDJOURNEY_ONLY_FLAGS[name], segment)
    if field_name is None:
        known = ", ".join(f"--{flag}" for flag in FLAG_FIELDS)
        said = Text(
            "prompt.unknown_flag",
            f"is not a flag I know (known: {known}); for the words themselves, write `\\{spelled}`",
            {"known": known, "spelled": spelled},
        )
        flags.problems.append(PromptProblem.of(spelled, said))
        return segment
    value, rest = value_of(field_name, segment)
    value = unescape_flags(value)  # `--no \--ar`: the words "--ar" kept out
    if not value:
        example = f"{spelled} {_EXAMPLES[field_name]}"
        said = Text("prompt.needs_value", f"needs a value, like `{example}`", {"example": example})
        flags.problems.append(PromptProblem.of(spelled, said))
        return rest
    if field_name == "style_tags" and value.lower() in MIDJOURNEY_STYLE_MODES:
        flags.ignored.append(f"{spelled} {value}")
    elif field_name == "style_tags":
        tags = [tag.strip() for tag in value.split(",") if tag.strip()]
        flags.values.setdefault("style_tags", []).extend(tags)
        flags.spelled.setdefault("style_tags", spelled)
    elif field_name == "loras":
        _store_lora(flags, spelled, lambda: fields.lora(value), as_typed=f"{spelled} {value}")
    elif field_name == "negative_prompt" and "negative_prompt" in flags.values:
        flags.values["negative_prompt"] += ", " + value
    elif field_name in flags.values and field_name != "negative_prompt":
        also = flags.spelled[field_name]
        said = Text("prompt.given_twice", f"is given twice (also as {also})", {"also": also})
        flags.problems.append(PromptProblem.of(spelled, said))
    else:
        _store(flags, spelled, field_name, value)
    return rest


def _ignore(flags: InlineFlags, spelled: str, takes: str, segment: str) -> str:
    if takes == "codes":
        words = segment.split()
        codes = list(itertools.takewhile(_CODE.match, words))
        flags.ignored.append(" ".join([spelled, *codes]))
        return " ".join(words[len(codes) :])
    value, rest = ("", segment) if takes == "none" else first_value(segment)
    if takes == "optional" and not _NUMBER.match(value):
        value, rest = "", segment
    flags.ignored.append(f"{spelled} {value}".strip())
    return rest


def _store(flags: InlineFlags, spelled: str, field_name: str, value: str) -> None:
    reader = _READERS.get(field_name)
    try:
        flags.values[field_name] = reader(value) if reader else value
    except ValueError as error:
        flags.problems.append(PromptProblem.of(f"{spelled} {value}", reason_of(error)))
        return
    flags.spelled[field_name] = spelled


def _store_lora(
    flags: InlineFlags, spelled: str, lora: Callable[[], dict[str, Any]], *, as_typed: str
) -> None:
    try:
        flags.values.setdefault("loras", []).append(lora())
    except ValueError as error:
        flags.problems.append(PromptProblem.of(as_typed, reason_of(error)))
        return
    flags.spelled["loras"] = spelled
