"""Edits of a guild's policy (/settings input) as GuildPolicy column changes.

Pure functions of the policy as it is when the change runs (GuildPolicies.change); the database checks
the values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from core.errors import UserFacingError
from core.jobs.blocked_words import compile_blocked_words
from core.jobs.model_names import files_named
from core.jobs.policy import PolicyView
from core.texts import Text
from db.schemas import MAX_QUEUED_PER_USER as MAX_QUEUED_PER_USER
from db.schemas import MAX_RUNNING_PER_USER as MAX_RUNNING_PER_USER
from db.schemas import RATE_CAPACITY as RATE_CAPACITY
from db.schemas import RATE_PER_MINUTE_MAX as RATE_PER_MINUTE_MAX

# /settings limits offers the ranges the database keeps (above), so Discord refuses what it would; the
# database takes any refill above 0, but one request in 100 minutes is the least worth offering.
RATE_PER_MINUTE_MIN = 0.01

# Shown in the workflow autocomplete; can never be a workflow's name (those start with a letter or digit).
BUILT_IN_DEFAULT = ":default"


def with_id(field: str, current: frozenset[int], added: int) -> dict[str, Any]:
    return {field: sorted(current | {added})}


def without_id(field: str, current: frozenset[int], removed: int, *, what: str) -> dict[str, Any]:
    if removed not in current:
        raise UserFacingError(Text(f"settings.not_listed_{what}", f"That {what} is not on the list."))
    return {field: sorted(current - {removed})}


def words_in(text: str) -> list[str]:
    """Comma- or newline-separated words and phrases, trimmed, without repeats (ignoring case)."""
    words: list[str] = []
    for word in re.split(r"[,\n]", text):
        word = " ".join(word.split())
        if word and word.lower() not in (w.lower() for w in words):
            words.append(word)
    if not words:
        raise UserFacingError(Text("settings.give_words", "Give one or more words, separated by commas."))
    return words


class AlreadyBlocked(UserFacingError):
    """Every word given is already refused by a word on the list: the same once folded ("GORE", "ɡore"),
    or one of the disguises the list sees through ("g0re", "g.o.r.e")."""

    def __init__(self, covered: Mapping[str, str]) -> None:
        self.covered = dict(covered)
        super().__init__(f"Already blocked, so nothing was added: {covered_list(covered)}.")


def covered_list(covered: Mapping[str, str]) -> str:
    """“g0re” (by “gore”), ...: each word given and the listed word that already refuses it."""
    return ", ".join(
        f"“{word}” (by “{by}”)" if word.lower() != by else f"“{word}”" for word, by in covered.items()
    )


def blocked_words_added(policy: PolicyView, text: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The new list, and the words given that a listed one (or one given before them) already covers.

    Covered means the list as it stands would refuse the word itself: storing it too would only make
    the list longer, and removing the listed word later would not unblock what the admin expects.
    """
    kept = list(policy.blocked_words)
    covered: dict[str, str] = {}
    for word in words_in(text):
        by = compile_blocked_words(tuple(kept)).found_in([word])
        if by is None:
            kept.append(word)
        else:
            covered[word] = by
    return {"blocked_words": kept}, covered


def with_blocked_words(
    policy: PolicyView, text: str, *, covered: dict[str, str] | None = None
) -> dict[str, Any]:
    """Add the words not already covered (filled into `covered`, to tell); AlreadyBlocked when none is new."""
    changes, found = blocked_words_added(policy, text)
    if covered is not None:
        covered.clear()  # the change may run again (another admin's change came first)
        covered.update(found)
    if len(changes["blocked_words"]) == len(policy.blocked_words):
        raise AlreadyBlocked(found)
    return changes


def without_blocked_words(policy: PolicyView, text: str) -> dict[str, Any]:
    removed = {w.lower() for w in words_in(text)}
    unknown = sorted(removed - set(policy.blocked_words))
    if unknown:
        listed = ", ".join(unknown)
        raise UserFacingError(
            Text("settings.not_blocked", f"Not blocked, so nothing to remove: {listed}.", {"words": listed})
        )
    return {"blocked_words": [w for w in policy.blocked_words if w not in removed]}


def limit_changes(
    *,
    max_running: int | None,
    max_waiting: int | None,
    burst: int | None,
    per_minute: float | None,
) -> dict[str, Any]:
    given = {
        "max_running_per_user": max_running,
        "max_queued_per_user": max_waiting,
        "rate_capacity": burst,
        "rate_refill_per_minute": per_minute,
    }
    changes = {name: value for name, value in given.items() if value is not None}
    if not changes:
        raise UserFacingError(Text("settings.give_limit", "Give at least one limit to change."))
    return changes


def workflow_changes(
    *, image: str | None, song: str | None, image_names: Iterable[str], song_names: Iterable[str]
) -> dict[str, Any]:
    """A workflow name must be one the bot has; BUILT_IN_DEFAULT goes back to the built-in one."""
    changes: dict[str, Any] = {}
    for field, given, names, kind in (
        ("default_image_workflow", image, list(image_names), "image"),
        ("default_song_workflow", song, list(song_names), "song"),
    ):
        if given is None:
            continue
        if given == BUILT_IN_DEFAULT:
            changes[field] = None
        elif given in names:
            changes[field] = given
        else:
            choices = ", ".join(names) or "none"
            raise UserFacingError(
                Text(
                    "refusal.no_workflow",
                    f"There is no {kind} workflow called “{given}”. Available: {choices}.",
                    {"noun": Text(f"kinds.{kind}.noun", kind), "name": given, "choices": choices},
                )
            )
    if not changes:
        raise UserFacingError(Text("settings.give_workflow", "Give an image or a song workflow to change."))
    return changes


def with_allowed_file(
    field: str, current: tuple[str, ...], name: str, *, offered: Iterable[str]
) -> dict[str, Any]:
    """Allow one more model or LoRA (``allowed_models`` / ``allowed_loras``); it must be one a backend
    offers, so a typo does not become the only thing members may choose. Named as members may name it
    (``ink`` for ``sdxl/ink.safetensors``: core.jobs.model_names), it is listed by its full name."""
    name = name.strip()
    not_offered = Text(
        "settings.not_offered",
        f"No ComfyUI server here offers “{name}”; pick one from the list.",
        {"name": name},
    )
    name = _one_file(name, offered, none=not_offered)
    return {field: list(current) if name in current else [*current, name]}


def without_allowed_file(field: str, current: tuple[str, ...], name: str) -> dict[str, Any]:
    """Stop allowing a model or LoRA, named as it may be allowed (``ink`` for ``sdxl/ink.safetensors``),
    among the listed ones; when the list becomes empty, every offered one is allowed again."""
    name = name.strip()
    not_listed = Text("settings.name_not_listed", f"“{name}” is not on the list.", {"name": name})
    name = _one_file(name, current, none=not_listed)
    return {field: [allowed for allowed in current if allowed != name]}


def _one_file(name: str, among: Iterable[str], *, none: Text) -> str:
    """The one file of ``among`` that ``name`` means; refused with ``none`` when it means none, or listing
    the files it may mean."""
    found = files_named(name, among)
    if len(found) > 1:
        candidates = ", ".join(found)
        raise UserFacingError(
            Text(
                "settings.ambiguous_file",
                f"“{name}” could be any of {candidates}; pick one from the list.",
                {"name": name, "candidates": candidates},
            )
        )
    if not found:
        raise UserFacingError(none)
    return found[0]
