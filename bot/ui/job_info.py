"""ℹ Info: everything about one job, for the person who asked to see it (ephemeral, in their language)."""

from __future__ import annotations

import io

import discord

from bot.locales import Words
from bot.ui.job_messages import parameter_fields
from bot.ui.made import file_size
from bot.ui.wording import made_from_text
from core.jobs.derived import MadeFrom
from core.jobs.snapshots import ArtifactView, JobView
from core.kinds import spec_of

_FIELD_MAX = 1024
_DESCRIPTION_MAX = 2000  # an embed holds 6000 characters in all: a song's lyrics may not fit


def render_info(words: Words, job: JobView, artifacts: tuple[ArtifactView, ...]) -> discord.Embed:
    embed = discord.Embed(title=words("info.title", job_id=job.id), colour=discord.Colour.blurple())
    prompt = _main_text(job)
    cut = len(prompt) > _DESCRIPTION_MAX
    embed.description = prompt[: _DESCRIPTION_MAX - 1] + "…" if cut else prompt
    for name, value in parameter_fields(words, job, artifacts):
        embed.add_field(name=name, value=value[:_FIELD_MAX])
    embed.add_field(name=words("info.requested_by"), value=f"<@{job.user_id}>")
    embed.add_field(name=words("info.status"), value=words(f"statuses.{job.status.value}"))
    embed.add_field(name=words("info.queued"), value=discord.utils.format_dt(job.queued_at, "f"))
    made_from = MadeFrom.read(job.seed_document)
    if made_from is not None:
        embed.add_field(
            name=words("info.made_from"),
            value=made_from_text(words, made_from, linked=True, zoom=getattr(job.params, "zoom", None)),
        )
    elif job.parent_id is not None:
        embed.add_field(name=words("info.made_from"), value=words("info.parent", job_id=job.parent_id))
    if artifacts:
        listed = "\n".join(
            f"{a.type.value}: {a.mime_type}, {file_size(words, a.size_bytes)}" for a in artifacts[:10]
        )
        embed.add_field(name=words("info.files"), value=listed[:_FIELD_MAX], inline=False)
    return embed.set_footer(text=words("job.footer", job_id=job.id, state=words("job.state.info")))


def info_files(job: JobView) -> list[discord.File]:
    """The prompt or lyrics whole (``lyrics.txt``), when the embed has room for their start only."""
    text = _main_text(job)
    if len(text) <= _DESCRIPTION_MAX:
        return []
    name = f"{spec_of(job.params).main_field}.txt"
    return [discord.File(io.BytesIO(text.encode()), filename=name)]


def _main_text(job: JobView) -> str:
    return str(getattr(job.params, spec_of(job.params).main_field, "") or job.raw_input or "—")
