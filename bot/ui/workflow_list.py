"""/workflows list as embeds: one line per workflow the server is offered, as many lines a page as an embed's
description holds (bot.ui.workflow_list_view turns the pages)."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.locales import Words
from bot.logging_setup import redact_url_credentials
from core.workflows.listing import ListedWorkflow

EMBED_DESCRIPTION_MAX = 4096


def listing_pages(words: Words, listed: Sequence[ListedWorkflow]) -> list[discord.Embed]:
    """Every workflow on some page, none cut: a page ends before the line that would not fit."""
    pages = _paged([_line(words, item) for item in listed]) or [words("workflows.none")]
    embeds = [discord.Embed(title=words("workflows.list_title"), description=page) for page in pages]
    if len(embeds) > 1:
        for number, embed in enumerate(embeds, start=1):
            embed.set_footer(
                text=words("workflows.list_footer", page=number, pages=len(embeds), count=len(listed))
            )
    return embeds


def _paged(lines: Sequence[str]) -> list[str]:
    pages: list[str] = []
    page = ""
    for line in lines:
        if len(line) > EMBED_DESCRIPTION_MAX:  # one workflow with very many backends: its line is cut
            line = line[: EMBED_DESCRIPTION_MAX - 1] + "…"
        if page and len(page) + 1 + len(line) > EMBED_DESCRIPTION_MAX:
            pages.append(page)
            page = ""
        page = f"{page}\n{line}" if page else line
    return [*pages, page] if page else pages


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
