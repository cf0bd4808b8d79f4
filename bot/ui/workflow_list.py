"""/workflows list as an embed: one line per workflow the server is offered."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.locales import Words
from bot.logging_setup import redact_url_credentials
from core.workflows.listing import ListedWorkflow

EMBED_DESCRIPTION_MAX = 4096


def listing_embed(words: Words, listed: Sequence[ListedWorkflow]) -> discord.Embed:
    lines = [_line(words, item) for item in listed]
    description = "\n".join(lines) or words("workflows.none")
    if len(description) > EMBED_DESCRIPTION_MAX:
        description = description[: EMBED_DESCRIPTION_MAX - 1] + "…"
    return discord.Embed(title=words("workflows.list_title"), description=description)


def _line(words: Words, item: ListedWorkflow) -> str:
    inputs = ", ".join(
        words("workflows.input_need", role=role, need=words(f"workflows.need.{need}"))
        for role, need in sorted(item.inputs.items())
    )
    line = words(
        "workflows.list_line",
        name=item.name,
        kind=item.kind,
        origin=words(f"workflows.origin.{item.origin}"),
        inputs=inputs or words("workflows.no_input"),
        # A backend is named by its URL, which may carry a password (a ComfyUI behind basic auth).
        backends=redact_url_credentials(", ".join(sorted(item.backends))) or words("workflows.no_backend"),
        jobs=item.jobs,
    )
    if item.added_by is not None:
        line += "\n" + words("workflows.list_added", user=item.added_by, version=item.version[:12])
    if item.shadowed:
        line += "\n" + words("workflows.shadowed")
    return line
