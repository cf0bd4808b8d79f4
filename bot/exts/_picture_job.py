"""The shape of a command that works on one picture (/edit, /upscale): the picture attached or linked (or,
when neither is given, picked in a form: bot/ui/picture_modal.py), the kind's parameters from the options,
then the usual private-refusal-or-job answer."""

from __future__ import annotations

import functools
from typing import Any

import discord

from bot.client import ComfyBot
from bot.exts._admission import admit_and_submit, check_admission, refuse_if_known_in_time
from bot.exts._media import PICTURE, media_input
from bot.exts.errors import report_error
from bot.locales import words_for
from bot.ui.picture_modal import PictureModal
from core.kinds import JobKind, KindParams
from core.prompts.options import params_from_options


async def run_picture_job(
    bot: ComfyBot,
    interaction: discord.Interaction,
    kind: JobKind,
    params: type[KindParams],
    options: dict[str, Any],
    *,
    image: discord.Attachment | None,
    image_link: str | None,
    workflow: str | None,
    raw_input: str,
    form: bool = True,
) -> None:
    """`form`: with no picture given, open the picture form (not when answering that form)."""
    if form and image is None and not image_link:
        await _open_picture_form(
            bot, interaction, kind, params, options, workflow=workflow, raw_input=raw_input
        )
        return

    async def parse() -> KindParams:
        return params_from_options(params, options)

    async with media_input(bot, interaction, PICTURE, image, image_link, required=True) as picture:
        await admit_and_submit(
            bot, interaction, kind, parse, picture, workflow=workflow, raw_input=lambda _: raw_input
        )


async def _open_picture_form(
    bot: ComfyBot,
    interaction: discord.Interaction,
    kind: JobKind,
    params: type[KindParams],
    options: dict[str, Any],
    *,
    workflow: str | None,
    raw_input: str,
) -> None:
    """The options and the rules are checked before the form opens (nobody picks a file to be refused)."""
    chosen = params_from_options(params, options)
    await refuse_if_known_in_time(
        interaction, lambda: check_admission(bot, interaction, kind, workflow=workflow, params=chosen)
    )

    async def submitted(answer: discord.Interaction, modal: PictureModal) -> None:
        await run_picture_job(
            bot,
            answer,
            kind,
            params,
            options,
            image=modal.uploaded(),
            image_link=None,
            workflow=workflow,
            raw_input=raw_input,
            form=False,
        )

    words = words_for(interaction.client, interaction.locale)
    title = words("picture_form.title", command=words.command(kind))
    await interaction.response.send_modal(
        PictureModal(
            title,
            submitted,
            # A refusal of the picture given gives back the command's text (an /edit's instruction).
            functools.partial(report_error, where=f"/{kind} form", typed_in=interaction),
            kind=kind,
            opened_by=interaction.id,
            forms=bot.open_forms,
            words=words,
        )
    )
