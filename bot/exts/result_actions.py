"""What people make from one file of a result: Vary (subtle/strong), Remix, Edit, Upscale, Cover, Zoom
Out (2x, 1.5x, custom), Pan.

Buttons (`res:<action>:<job>:<file>`) and the selects of a multi-file result (`res:more:<job>`, and
`res:moves:<job>` for Zoom Out and Pan) are
DynamicItems, and the forms they open are answered by a listener on their custom_id (`remix:<job>:<file>`),
so all of them work after any restart. The core decides who may (`ResultRequests`) and reads the result's
stored file; a refusal is private and stores nothing. The new job's message says what it was made from.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import discord
from discord.ext import commands

from bot.client import ComfyBot
from bot.exts._admission import decide_then_defer
from bot.exts._submit import submit_on_interaction
from bot.exts._variants import Variant, most_permutations, submit_variants
from bot.exts.errors import report_error
from bot.locales import words_for
from bot.ui.given_back import given_back
from bot.ui.replies import reply_privately, user_message_of
from bot.ui.requesters import guild_id_of, requester_from_interaction
from bot.ui.result_buttons import read_only_button, result_custom_id
from bot.ui.result_modals import (
    FORM_ID,
    Form,
    answers,
    cover_modal,
    edit_modal,
    remix_modal,
    strength_of,
    text_or_none,
    zoom_modal,
    zoom_of,
)
from core.errors import UserFacingError
from core.jobs.derived import ACTIONS, ResultAction
from core.jobs.presses import AlreadyOnIt
from core.jobs.service import JobRequest
from core.kinds import JobKind
from core.prompts.permutations import expand_permutations
from core.texts import each_once

Handler = Callable[[ComfyBot, discord.Interaction, ResultAction, int, int], Awaitable[None]]


def _bot(interaction: discord.Interaction) -> ComfyBot:
    if not isinstance(interaction.client, ComfyBot):
        raise TypeError("result actions belong to a ComfyBot")
    return interaction.client


class ResultButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"res:(?P<action>[a-z][a-z0-9]*):(?P<job_id>\d+):(?P<index>\d+)",
):
    def __init__(self, action: ResultAction, job_id: int, index: int) -> None:
        super().__init__(read_only_button(result_custom_id(action, job_id, index)))
        self.action, self.job_id, self.index = action, job_id, index

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ResultButton:
        return cls(ResultAction(match["action"]), int(match["job_id"]), int(match["index"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await run_action(interaction, self.action, self.job_id, self.index)


class ResultSelect(
    discord.ui.DynamicItem[discord.ui.Select[discord.ui.View]],
    template=r"res:(?P<which>more|moves):(?P<job_id>\d+)",
):
    def __init__(self, job_id: int, select: discord.ui.Select[discord.ui.View]) -> None:
        super().__init__(select)
        self.job_id = job_id  # either select ("more", or "moves": Zoom Out and Pan): values say the action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ResultSelect:
        if not isinstance(item, discord.ui.Select):
            raise TypeError("res:more and res:moves are selects")
        return cls(int(match["job_id"]), item)

    async def callback(self, interaction: discord.Interaction) -> None:
        chosen = self.item.values[0] if self.item.values else ""
        action, _, index = chosen.partition(":")
        await run_action(interaction, ResultAction(action), self.job_id, int(index))


async def run_action(interaction: discord.Interaction, action: ResultAction, job_id: int, index: int) -> None:
    bot = _bot(interaction)
    try:
        await _HANDLERS.get(action, _submit_now)(bot, interaction, action, job_id, index)
    except Exception as error:
        await report_error(interaction, error, where=f"result {action.value} job_id={job_id} file={index}")


async def submit_from_result(
    bot: ComfyBot,
    interaction: discord.Interaction,
    make: Callable[[], Awaitable[JobRequest | list[JobRequest]]],
) -> None:
    """Decide (a refusal is private and first), then a "thinking…" that becomes the job's message (private
    when made from a private result, or for a member who chose private results). Several requests (a
    permutation prompt typed in a form) each get a message, as /imagine's do."""
    service = bot.runtime.service

    async def decide() -> list[JobRequest]:
        made = await make()
        requests = made if isinstance(made, list) else [made]
        for request in requests:
            await service.precheck(request, count=len(requests))
        return requests

    requests, answer = await decide_then_defer(bot, interaction, decide)
    # How the text was read (Midjourney settings ignored), said once however many prompts it made.
    notes = each_once(note for request in requests for note in request.notes)
    if len(requests) == 1 and not notes:
        request = replace(requests[0], private=answer.private)
        await submit_on_interaction(bot, interaction, answer.message_id, request)
        return
    variants = [Variant.of(request) for request in requests]
    await submit_variants(bot, interaction, answer, variants, inputs=requests[0].inputs, notes=notes)


async def _submit_now(
    bot: ComfyBot, interaction: discord.Interaction, action: ResultAction, job_id: int, index: int
) -> None:
    guild_id, requester = guild_id_of(interaction), requester_from_interaction(interaction)
    await submit_from_result(
        bot,
        interaction,
        lambda: bot.runtime.results.request(action, job_id, index, guild_id=guild_id, requester=requester),
    )


async def _open_form(
    bot: ComfyBot, interaction: discord.Interaction, action: ResultAction, job_id: int, index: int
) -> None:
    """The form of Remix, Edit, Cover or Custom Zoom, pre-filled from the result (refused first if the
    member may not)."""
    results = bot.runtime.results
    job = await results.source_job(
        job_id, guild_id=guild_id_of(interaction), requester=requester_from_interaction(interaction)
    )
    results.check_redraws(job, action)  # a Remix button of an older upscale's message: no form to fill
    params = job.params
    strength = ACTIONS[action].strength or 0.7
    kind = ACTIONS[action].kind or JobKind(job.kind)  # what the form's prompt is read as
    words = words_for(interaction.client, interaction.locale)
    if action is ResultAction.REMIX:
        modal = remix_modal(
            words,
            job_id,
            index,
            kind=kind,
            prompt=str(getattr(params, "prompt", "") or ""),
            negative=getattr(params, "negative_prompt", None),
            strength=strength,
        )
    elif action is ResultAction.COVER:
        modal = cover_modal(
            words,
            job_id,
            index,
            lyrics=str(getattr(params, "lyrics", "") or ""),
            genre=getattr(params, "genre", None),
            mood=getattr(params, "mood", None),
            strength=strength,
        )
    elif action is ResultAction.ZOOM_CUSTOM:
        modal = zoom_modal(words, job_id, index, kind=kind, prompt=str(getattr(params, "prompt", "") or ""))
    else:
        modal = edit_modal(words, job_id, index)
    await interaction.response.send_modal(modal)


_HANDLERS: dict[ResultAction, Handler] = {
    ResultAction.REMIX: _open_form,
    ResultAction.EDIT: _open_form,
    ResultAction.COVER: _open_form,
    ResultAction.ZOOM_CUSTOM: _open_form,
}


async def form_submitted(bot: ComfyBot, interaction: discord.Interaction, match: re.Match[str]) -> None:
    form, job_id, index = Form(match["form"]), int(match["job_id"]), int(match["index"])
    values = answers(interaction.data)
    guild_id, requester = guild_id_of(interaction), requester_from_interaction(interaction)
    results = bot.runtime.results
    numbers: dict[str, Callable[[str | None], float | None]] = {"strength": strength_of}
    if form is Form.REMIX:
        action, text = ResultAction.REMIX, values.get("prompt", "")
        changes: dict[str, Any] = {"negative_prompt": text_or_none(values.get("negative_prompt"))}
    elif form is Form.COVER:
        action, text = ResultAction.COVER, values.get("lyrics", "")
        changes = {"genre": text_or_none(values.get("genre")), "mood": text_or_none(values.get("mood"))}
    elif form is Form.ZOOM:
        action, text, changes = ResultAction.ZOOM_CUSTOM, values.get("prompt", ""), {}
        numbers["zoom"] = zoom_of
    else:
        action, text, changes = ResultAction.EDIT, values.get("instruction", ""), {}

    async def make() -> list[JobRequest]:
        # The numbers typed are read here, so that a refusal of one gives the member's text back too.
        read = {name: parse(values.get(name)) for name, parse in numbers.items()}
        strength = read.pop("strength")
        # A prompt's permutations (`a {red, blue} boat`) are a job each, as in /imagine.
        typed = [text]
        if form in _PROMPT_FORMS and text:
            typed = expand_permutations(text, most=most_permutations(interaction))
        return [
            await results.request(
                action,
                job_id,
                index,
                guild_id=guild_id,
                requester=requester,
                text=each,
                changes={**changes, **read},
                strength=strength,
            )
            for each in typed
        ]

    try:
        await submit_from_result(bot, interaction, make)
    except AlreadyOnIt:
        raise  # the same answers are on their way already: nothing typed is lost, nothing to give back
    except UserFacingError as refusal:
        # What the member typed is not lost: the refusal gives it back, to copy into the form again.
        words = words_for(interaction.client, interaction.locale)
        said, files = given_back(words, user_message_of(refusal, words), text, filename=_KEPT_AS[form])
        await reply_privately(interaction, said, files=files)


# The forms whose text is a prompt, read as /imagine reads one.
_PROMPT_FORMS = frozenset({Form.REMIX, Form.ZOOM})
# What a refused form's text is called when it comes back as a file: a Cover's lyrics.txt goes to /song too.
_KEPT_AS = {
    Form.REMIX: "prompt.txt",
    Form.ZOOM: "prompt.txt",
    Form.EDIT: "instruction.txt",
    Form.COVER: "lyrics.txt",
}


class ResultActions(commands.Cog):
    def __init__(self, bot: ComfyBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(ResultButton, ResultSelect)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(ResultButton, ResultSelect)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        data: dict[str, Any] = dict(interaction.data or {})
        match = FORM_ID.fullmatch(str(data.get("custom_id", "")))
        if match is None:
            return
        try:
            await form_submitted(self.bot, interaction, match)
        except Exception as error:
            await report_error(interaction, error, where=f"{match['form']} form job_id={match['job_id']}")


async def setup(bot: ComfyBot) -> None:
    await bot.add_cog(ResultActions(bot))
