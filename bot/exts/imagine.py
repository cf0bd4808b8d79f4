"""/imagine: a prompt (with Midjourney-style flags, options or an attached JSON document) becomes images."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ComfyBot
from bot.exts._admission import check_admission, decide_then_defer
from bot.exts._installs import offered_everywhere
from bot.exts._media import (
    LINK_OPTION_MAX,
    MASK,
    PICTURE,
    PendingInput,
    media_input,
    move_without_input,
    strength_without_input,
)
from bot.exts._model_choices import model_choices
from bot.exts._submit import (
    PROMPT_DOCUMENT,
    preferences_of,
    read_attachment,
    workflow_choices,
)
from bot.exts._variants import Variant, most_permutations, submit_variants
from bot.ui.requesters import guild_id_of
from bot.ui.styles import style_suggestions
from bot.ui.typed_command import gives_back
from core.jobs.given_input import GivenInput
from core.jobs.preferences import image_defaults
from core.kinds.fields import MAX_COUNT
from core.kinds.image import IMAGE
from core.kinds.model_choice import LORA_WEIGHT_LIMIT, MODEL_NAME_MAX_CHARS
from core.prompts.image import RAW_PROMPT_MAX_CHARS, ImageRequest, read_image_request
from core.prompts.permutations import expand_permutations
from core.texts import each_once

log = logging.getLogger(__name__)

AspectRatio = Literal["1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3", "21:9"]
Quality = Literal["draft", "standard", "high"]
# Discord's integer options stop at 2**53; larger seeds can still be given with --seed.
MAX_OPTION_SEED = 2**53 - 1
PROMPT_OPTION_MAX = min(RAW_PROMPT_MAX_CHARS, 6000)


class Imagine(commands.Cog):
    def __init__(self, bot: ComfyBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="imagine",
        description="Make images from a prompt.",
        extras=gives_back("prompt", "negative", "style"),
    )
    @offered_everywhere
    @app_commands.describe(
        prompt="What to draw. Flags work too: --ar 16:9 --no text --seed 7. {red, blue} makes a job for each",
        negative="What to keep out of the picture",
        aspect_ratio="The picture's shape",
        quality="More steps take longer and look better",
        style="Style tags, comma-separated (e.g. anime, watercolor)",
        seed="The same seed and prompt make the same picture",
        count="How many pictures (1 to 4)",
        workflow="Which image workflow to use",
        document="A JSON prompt document: prompt, negative_prompt, aspect_ratio, seed, count... (see README)",
        image="A picture to start from (image-to-image)",
        image_link="Or a link to a message with the picture (Copy Message Link)",
        mask="For an inpainting workflow: the mask saying which part of the picture to redraw",
        strength="How far to move away from the picture: 0 keeps it, 1 ignores it",
        model="The checkpoint (model) to draw with; the workflow's own if left out",
        lora="A LoRA to apply (more with --lora name:weight in the prompt)",
        lora_weight="How strongly the LoRA applies, -2 to 2 (1 if left out)",
    )
    async def imagine(
        self,
        interaction: discord.Interaction,
        prompt: app_commands.Range[str, 1, PROMPT_OPTION_MAX] | None = None,
        negative: app_commands.Range[str, 1, 1000] | None = None,
        aspect_ratio: AspectRatio | None = None,
        quality: Quality | None = None,
        style: app_commands.Range[str, 1, 400] | None = None,
        seed: app_commands.Range[int, 0, MAX_OPTION_SEED] | None = None,
        count: app_commands.Range[int, 1, MAX_COUNT] | None = None,
        workflow: str | None = None,
        document: discord.Attachment | None = None,
        image: discord.Attachment | None = None,
        image_link: app_commands.Range[str, 1, LINK_OPTION_MAX] | None = None,
        mask: discord.Attachment | None = None,
        strength: app_commands.Range[float, 0.0, 1.0] | None = None,
        model: app_commands.Range[str, 1, MODEL_NAME_MAX_CHARS] | None = None,
        lora: app_commands.Range[str, 1, MODEL_NAME_MAX_CHARS] | None = None,
        lora_weight: app_commands.Range[float, -LORA_WEIGHT_LIMIT, LORA_WEIGHT_LIMIT] | None = None,
    ) -> None:
        options = {
            "negative": negative,
            "aspect_ratio": aspect_ratio,
            "quality": quality,
            "style": style,
            "seed": seed,
            "count": count,
            "workflow": workflow,
            "model": model,
            "lora": lora,
            "lora_weight": lora_weight,
        }
        async with (
            media_input(self.bot, interaction, PICTURE, image, image_link) as picture,
            media_input(self.bot, interaction, MASK, mask, None) as painted,
        ):
            await self._imagine(interaction, (picture, painted), prompt, strength, document, options)

    async def _imagine(
        self,
        interaction: discord.Interaction,
        files: tuple[PendingInput, PendingInput],
        prompt: str | None,
        strength: float | None,
        document: discord.Attachment | None,
        options: dict[str, Any],
    ) -> None:
        picture, mask = files

        async def decide() -> tuple[list[tuple[str, ImageRequest]], tuple[GivenInput, ...]]:
            if strength is not None and not picture.given_any:
                raise strength_without_input(interaction, PICTURE)
            content = (
                await read_attachment(self.bot, document, PROMPT_DOCUMENT) if document is not None else None
            )
            preferences = await preferences_of(self.bot, interaction)
            preferred = image_defaults(preferences)
            if picture.given_any:  # a given picture's own shape comes before a preferred one
                preferred.pop("aspect_ratio", None)
            # A permutation prompt (`a {red, blue} bird`) is a request, each checked, for each of its prompts.
            typed = expand_permutations(prompt, most=most_permutations(interaction)) if prompt else [prompt]
            requests = []
            for text in typed:
                request = read_image_request(
                    text,
                    strength=strength,
                    document=content,
                    preferred=preferred,
                    **options,
                )
                workflow = request.workflow or self.bot.runtime.preferences.workflow_for(
                    preferences, IMAGE, scope=guild_id_of(interaction)
                )
                request = replace(request, workflow=workflow)
                if request.params.outpaints and not picture.given_any:
                    raise move_without_input(interaction, PICTURE)
                await check_admission(
                    self.bot, interaction, IMAGE, workflow=workflow, params=request.params, count=len(typed)
                )
                requests.append((text or request.params.prompt, request))
            return requests, (*await picture.inputs(), *await mask.inputs())

        (requests, inputs), answer = await decide_then_defer(self.bot, interaction, decide)
        notes = each_once(note for _, each in requests for note in each.notes)
        variants = [Variant(text, each.params, each.workflow) for text, each in requests]
        await submit_variants(self.bot, interaction, answer, variants, inputs=inputs, notes=notes)

    @imagine.autocomplete("style")
    async def _style(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=s, value=s) for s in style_suggestions(current)]

    @imagine.autocomplete("workflow")
    async def _workflow(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return workflow_choices(self.bot, IMAGE, current, scope=guild_id_of(interaction))

    @imagine.autocomplete("model")
    async def _model(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await model_choices(self.bot, interaction, IMAGE, current, "model")

    @imagine.autocomplete("lora")
    async def _lora(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await model_choices(self.bot, interaction, IMAGE, current, "lora")


async def setup(bot: ComfyBot) -> None:
    await bot.add_cog(Imagine(bot))
