"""The small words a job's messages share, in the reader's language: a kind's noun, a duration, a
parameter's name, where a job came from ("Vary (strong) of #123, image 2", "#123" a link to its message).

A kind or a parameter registered without catalogue entries still reads well: its own English words are
used (tests/bot/locales checks that every kind the bot ships has its entries).
"""

from __future__ import annotations

from typing import Any

from bot.locales import Words
from core.jobs.derived import ACTIONS, MadeFrom, ResultAction, ResultMessage
from core.kinds.spec import KindSpec


def kind_noun(words: Words, spec: KindSpec[Any]) -> str:
    return words.optional(f"kinds.{spec.kind}.noun") or spec.texts.noun


def kind_plural(words: Words, spec: KindSpec[Any]) -> str:
    return words.optional(f"kinds.{spec.kind}.plural") or spec.texts.plural


def duration(words: Words, seconds: float, *, rough: bool = False) -> str:
    """9.5 s, 12 s, 2 min 05 s, 1 h 05 min: rounded once, so each amount reads one way ("10 s", never
    "10.0 s"; "1 min 00 s", never "60 s"). `rough`: an estimate, in whole seconds and at least 1 s (a
    wait told as "0.3 s" or "0 s" promises what no estimate knows)."""
    seconds = max(1.0, float(round(seconds))) if rough else max(0.0, seconds)
    if round(seconds, 1) < 10 and not rough:
        return words("duration.seconds", seconds=words.number(seconds, 1))
    whole = round(seconds)
    if whole < 60:
        return words("duration.seconds", seconds=str(whole))
    if whole < 3600:
        minutes, rest = divmod(whole, 60)
        return words("duration.minutes", minutes=minutes, seconds=f"{rest:02d}")
    hours, rest = divmod(round(whole / 60), 60)
    return words("duration.hours", hours=hours, minutes=f"{rest:02d}")


def parameter_name(words: Words, field: str) -> str:
    return words.optional(f"params.{field}") or field.replace("_", " ").capitalize()


def parameter_value(words: Words, field: str, value: object) -> str:
    """A parameter's value as shown: in the reader's words where it is a word the bot chose (a pan's
    "left"), not one they typed (a quality, a prompt), which is shown as it is; a song's tempo and length
    with their units ("120 bpm", "1 min 30 s", not "120" and "90.0")."""
    if field == "tempo" and isinstance(value, int):
        return words("values.tempo", tempo=value)
    if field == "duration" and isinstance(value, int | float):
        return duration(words, float(value))
    return words.optional(f"values.{field}.{value}") or str(value)


def action_label(words: Words, action: ResultAction) -> str:
    return words.optional(f"actions.{action.value}") or ACTIONS[action].label


def file_noun(words: Words, role: str) -> str:
    """One file of a result, as people say it: "image 2", "take 2" (of a song)."""
    return words(f"files.{role}" if role in ("image", "audio") else "files.other")


def made_from_text(
    words: Words, made_from: MadeFrom, *, linked: bool = False, zoom: float | None = None
) -> str:
    """ "Vary (strong) of #123", and which file ("image 2") when the source made several.

    `linked`: "#123" is a link to the source's message when everyone may open it (markdown, for a message's
    text or an embed; alt texts and direct messages' captions stay plain). `zoom`: how far out the job
    went, which a Custom Zoom's own name does not say ("Zoom Out 1.25x of #123").
    """
    spec = ACTIONS[made_from.action]
    job = words("made_from.job", job_id=made_from.job_id)
    if linked and made_from.message is not None:
        job = f"[{job}]({message_url(made_from.message)})"
    action = action_label(words, made_from.action)
    if made_from.action is ResultAction.ZOOM_CUSTOM and zoom is not None:
        shown = f"{round(zoom, 2):g}".replace(".", words("number.decimal_mark"))
        action = words("actions.zoomcustom_by", zoom=shown)
    text = words("made_from.of", action=action, job=job)
    if made_from.out_of > 1:
        which = file_noun(words, spec.takes)
        text = words("made_from.file", text=text, file=which, number=made_from.index + 1)
    return text


def message_url(message: ResultMessage) -> str:
    """Discord's link to a message in a server's channel, as "Copy Message Link" writes it."""
    return f"https://discord.com/channels/{message.guild_id}/{message.channel_id}/{message.message_id}"
