"""/video: a prompt (and optionally a picture as the first frame) becomes a few seconds of video."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ComfyBot
from bot.exts._admission import admit_and_submit
from bot.exts._media import LINK_OPTION_MAX, PICTURE, media_input
from bot.exts._submit import workflow_choices
from bot.ui.requesters import guild_id_of
from bot.ui.typed_command import gives_back
from core.kinds.fields import PROMPT_MAX_CHARS
from core.kinds.video import VIDEO, VideoParams
from core.prompts.video import parse_video_request

VideoShape = Literal["16:9", "9:16", "1:1", "4:3", "3:4"]
Quality = Literal["draft", "standard", "high"]
MAX_OPTION_SEED = 2**53 - 1


class Video(commands.Cog):
    def __init__(self, bot: ComfyBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="video",
        description="Make a short video from a prompt, or animate a picture.",
        extras=gives_back("prompt", "negative"),
    )
    @app_commands.guild_only()
    @app_commands.describe(
        prompt="What happens in the video",
        image="A picture to start from (the first frame)",
        image_link="Or a link to a message with the picture (Copy Message Link)",
        seconds="How long, 1 to 10 seconds (the workflow's own length if left out)",
        aspect_ratio="The video's shape",
        quality="More steps take longer and look better",
        seed="The same seed and prompt make the same video",
        workflow="Which video workflow to use",
        negative="What to keep out of the video",
    )
    async def video(
        self,
        interaction: discord.Interaction,
        prompt: app_commands.Range[str, 1, PROMPT_MAX_CHARS],
        image: discord.Attachment | None = None,
        image_link: app_commands.Range[str, 1, LINK_OPTION_MAX] | None = None,
        # A plain number: a value out of range gets a private explanation rather than a greyed-out form.
        seconds: float | None = None,
        aspect_ratio: VideoShape | None = None,
        quality: Quality | None = None,
        seed: app_commands.Range[int, 0, MAX_OPTION_SEED] | None = None,
        workflow: str | None = None,
        negative: app_commands.Range[str, 1, 1000] | None = None,
    ) -> None:

        async def parse() -> VideoParams:
            return parse_video_request(
                prompt,
                negative=negative,
                seconds_=seconds,
                aspect_ratio_=aspect_ratio,
                quality=quality,
                seed=seed,
            )

        async with media_input(self.bot, interaction, PICTURE, image, image_link) as picture:
            await admit_and_submit(
                self.bot, interaction, VIDEO, parse, picture, workflow=workflow, raw_input=lambda _: prompt
            )

    @video.autocomplete("workflow")
    async def _workflow(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return workflow_choices(self.bot, VIDEO, current, scope=guild_id_of(interaction))


async def setup(bot: ComfyBot) -> None:
    await bot.add_cog(Video(bot))
