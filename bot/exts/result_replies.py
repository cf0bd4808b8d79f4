"""Replying to a result with text that mentions the bot runs that result again, image-to-image, with the
reply as the new prompt (Midjourney's remix by reply); "#3 ..." starts from image 3 of a several-image one.

The bot has no message-content intent: Discord shows it the content of a message only where the bot is
mentioned (https://discord.com/developers/docs/events/gateway#message-content-intent). A reply's own ping
does not count when the result is an interaction response, so the member types the mention ("@bot make it
night"). Without one the bot reads nothing and does nothing. A refusal is a short notice replying to the
member's message that deletes itself (there is no interaction to answer privately), so it names no blocked
word (`_notices`); nothing is stored, unless the queue filled up between the check of a permutation's prompts
and the later ones' turn.
"""

from __future__ import annotations

import logging
import re

import discord
from discord.ext import commands

from background.log_context import log_context
from bot.client import ComfyBot
from bot.exts._notices import brief_notice, refusal_notice, said_in_public
from bot.exts._variants import not_queued_text
from bot.locales import Words, words_for
from bot.ui.requesters import requester_from_member
from core.errors import UserFacingError
from core.jobs.derived import ResultAction
from core.jobs.service import JobRequest
from core.prompts.permutations import MOST_PERMUTATIONS, expand_permutations
from core.texts import Text, each_once

log = logging.getLogger(__name__)

NOTHING_TO_DO = Text(
    "results.reply_needs_prompt", "Write the new prompt after mentioning me, like “@me the same at night”."
)


_CHOSEN_FILE = re.compile(r"^#([1-9])(?:\s*[:,.-]\s*|\s+|$)")


def prompt_of(content: str, bot_id: int) -> str:
    """The reply without the mentions of the bot (`<@id>`, `<@!id>`), wherever they were typed."""
    return " ".join(re.sub(rf"<@!?{bot_id}>", " ", content).split())


def chosen_file(prompt: str) -> tuple[int, str]:
    """(file index, prompt): "#3 the same at night" works from image 3 of a several-image result."""
    match = _CHOSEN_FILE.match(prompt)
    if match is None:
        return 0, prompt
    return int(match[1]) - 1, prompt[match.end() :].strip()


class ResultReplies(commands.Cog):
    def __init__(self, bot: ComfyBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        me = self.bot.user
        reference = message.reference
        if (
            me is None
            or message.author.bot
            or not isinstance(message.author, discord.Member)
            or message.guild is None
            or reference is None
            or reference.message_id is None
            or reference.channel_id != message.channel.id
            or not any(user.id == me.id for user in message.mentions)
        ):
            return
        job = await self.bot.runtime.browser.job_for_message(reference.message_id, guild_id=message.guild.id)
        if job is None:
            return  # a reply to something that is not a result
        member = message.author
        try:
            await self._remix(message, member, job.id, prompt_of(message.content, me.id))
        except UserFacingError as refusal:
            await refusal_notice(self.bot, message.channel.id, member, refusal, reply_to=message.id)
        except discord.HTTPException:
            with log_context(job_id=job.id, guild_id=job.guild_id):
                log.exception("a reply by %s could not be answered", member.id)

    async def _remix(
        self, message: discord.Message, member: discord.Member, job_id: int, prompt: str
    ) -> None:
        channel = message.channel
        guild_channel = channel if isinstance(channel, discord.abc.GuildChannel | discord.Thread) else None
        requester = requester_from_member(member, guild_channel, channel.id)
        # A permutation prompt (`a {red, blue} kite`, `#{1, 2} at night`) is a job each, each on a message,
        # as in /imagine: all read and checked before the first is queued, so a refusal then makes nothing.
        prompts = [chosen_file(each) for each in expand_permutations(prompt, most=MOST_PERMUTATIONS)]
        if not all(text for _, text in prompts):
            raise UserFacingError(NOTHING_TO_DO)
        requests = [
            await self.bot.runtime.results.request(
                ResultAction.REPLY, job_id, index, guild_id=member.guild.id, requester=requester, text=text
            )
            for index, text in prompts
        ]
        for request in requests:
            await self.bot.runtime.service.precheck(request, count=len(requests))
        words = words_for(self.bot, member.guild.preferred_locale)
        said = _notes(words, requests)
        for done, request in enumerate(requests):
            try:
                receipt = await self.bot.runtime.service.submit(request)
            except UserFacingError as refusal:
                if done == 0:
                    raise
                # The queue changed since the check: those queued stay, and the member hears which did not.
                left = [text for _, text in prompts[done:]]
                reason = await said_in_public(channel.id, member, refusal, words)
                said.insert(0, not_queued_text(words, left, reason))
                break
            await self.bot.reporter.show_in_channel(receipt, channel.id)
        if said:
            await brief_notice(self.bot, channel.id, member, "\n".join(said), reply_to=message.id)


def _notes(words: Words, requests: list[JobRequest]) -> list[str]:
    """How the prompts were read (Midjourney settings ignored), each note once."""
    return [words.say(note) for note in each_once(note for request in requests for note in request.notes)]


async def setup(bot: ComfyBot) -> None:
    await bot.add_cog(ResultReplies(bot))
