"""The shape of a command that works on one picture (/edit, /upscale): the picture attached or linked,
the kind's parameters from the options, then the usual private-refusal-or-job answer."""

from __future__ import annotations

from typing import Any

import discord

from bot.client import ComfyBot
from bot.exts._admission import check_admission, decide_then_defer
from bot.exts._media import PICTURE, media_input
from bot.exts._submit import submit_and_show
from core.jobs.given_input import GivenInput
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
) -> None:
    async with media_input(bot, interaction, PICTURE, image, image_link, required=True) as picture:

        async def decide() -> tuple[KindParams, tuple[GivenInput, ...]]:
            chosen = params_from_options(params, options)
            await check_admission(bot, interaction, kind, workflow=workflow, params=chosen)
            return chosen, await picture.inputs()

        (chosen, inputs), message_id = await decide_then_defer(interaction, decide)
        await submit_and_show(
            bot,
            interaction,
            message_id,
            params=chosen,
            raw_input=raw_input,
            workflow=workflow,
            inputs=inputs,
        )
