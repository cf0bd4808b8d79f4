"""Content safety through the real bot and the Discord emulator: a result the classifier flags is spoilered
or held back as the server's /settings safety says, and a flagged input picture is refused privately.

The classifier is a stand-in handed to the runtime as the composition root would hand NudeNet: it flags
the fake ComfyUI's picture for seed 7 (its output colour comes from the seed) and pictures painted with
the marker colour.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import discord

from core.safety.checker import SafetyConfig
from db.enums import DeliveryState, SafetyAction
from tests.core.safety.stand_in import MARKER, MarkerClassifier, seed_colour
from tests.discord_emulator import Channel, DiscordEmulator, Guild, Member, Message
from tests.discord_emulator.layout import files, gallery_items, is_spoiler, text_of, texts
from tests.e2e.harness import World, german_server, is_final, job_state, running_world
from tests.e2e.media_support import assert_nothing_stored, private_answer
from tests.e2e.test_history_support import answer, job_shown_by
from tests.e2e.test_moderation_log import entries_stored
from tests.e2e.test_settings import settings
from tests.fakes.comfyui import FakeConfig, media

FLAGGED_SEED, CLEAN_SEED = 7, 8
MANAGE_GUILD = discord.Permissions(manage_guild=True).value


@contextlib.asynccontextmanager
async def safety_world(
    database_url: str, tmp_path: Path, mode: str, fake_config: FakeConfig | None = None
) -> AsyncIterator[tuple[World, Channel, MarkerClassifier]]:
    """The bot with the stand-in classifier, an age-restricted channel, and `mode` set by an admin."""
    classifier = MarkerClassifier(seed_colour(FLAGGED_SEED), MARKER)
    made: dict[str, Any] = {}

    def customize(emu: DiscordEmulator, guild: Guild) -> None:
        made["nsfw"] = emu.add_channel(guild, "after-dark", nsfw=True)
        made["admin"] = emu.add_member(guild, name="admin", permissions=MANAGE_GUILD)

    async with running_world(
        database_url, tmp_path, customize=customize, safety=SafetyConfig(classifier), fake_config=fake_config
    ) as world:
        admin: Member = made["admin"]
        chosen = await world.emu.send_slash_command(
            world.guild, world.channel, admin, "settings", {"mode": mode}, subcommand="safety"
        )
        said = await answer(world, chosen)
        assert "Settings updated" in str(said.embeds), said.content
        yield world, made["nsfw"], classifier


async def imagined(world: World, seed: int, channel: Channel | None = None) -> Message:
    interaction = await world.slash("imagine", {"prompt": "a lighthouse", "seed": seed}, channel=channel)
    return await world.wait_for_final(interaction)


def listed_ids(message: Message) -> list[int]:
    return [int(i) for i in re.findall(r"\*\*#(\d+)\*\*", "\n".join(texts(message)))]


async def test_a_flagged_result_is_spoilered_and_a_clean_one_is_not(
    database_url: str, tmp_path: Path
) -> None:
    async with safety_world(database_url, tmp_path, "spoiler") as (world, nsfw, classifier):
        flagged = await imagined(world, FLAGGED_SEED)
        clean = await imagined(world, CLEAN_SEED)
        in_nsfw = await imagined(world, FLAGGED_SEED, channel=nsfw)
        job = await job_shown_by(world, flagged)
        _, artifacts = await world.delivered(job.id)
        clean_job = await job_shown_by(world, clean)
        listing = await answer(world, await world.slash("history", {"public": True}))
        reposted = await answer(world, await world.slash("show", {"job": job.id}))
        await world.emu.add_reaction(flagged, world.channel, world.bob, "✉️")  # "send me the files"
        dm = world.emu.dm_channel(world.bob)
        [sent_by_dm] = await world.emu.wait_for(lambda: world.bot_messages(dm))

    assert [job_state(m) for m in (flagged, clean, in_nsfw)] == ["done", "done", "done"]
    [item] = gallery_items(flagged)
    assert is_spoiler(item)
    assert item["media"]["url"].rsplit("/", 1)[-1].startswith("SPOILER_")
    assert [a.filename.startswith("SPOILER_") for a in flagged.attachments] == [True]
    assert not any(is_spoiler(i) for i in gallery_items(clean) + gallery_items(in_nsfw))
    assert not any(a.filename.startswith("SPOILER_") for a in clean.attachments + in_nsfw.attachments)
    # The decision on the job, the scores on its artifact.
    assert job.safety_action is SafetyAction.SPOILERED
    [artifact] = artifacts
    assert artifact.safety is not None
    assert artifact.safety["flagged"] is True
    assert artifact.safety["classifier"] == "marker"
    assert artifact.safety["reasons"] == ["FEMALE_BREAST_EXPOSED"]
    assert artifact.safety["scores"]["FEMALE_BREAST_EXPOSED"] == 0.93
    # Where it is listed or posted again, it stays behind its spoiler.
    spoilered = {item["description"].split(" ")[0]: is_spoiler(item) for item in gallery_items(listing)}
    assert (spoilered[f"#{job.id}"], spoilered[f"#{clean_job.id}"]) == (True, False)
    assert [a.filename.startswith("SPOILER_") for a in reposted.attachments] == [True]
    # Sent by direct message, it stays behind its spoiler too, under the name it has in the channel.
    assert [a.filename for a in sent_by_dm.attachments] == [f"SPOILER_a_lighthouse_{job.id}.png"]
    assert [a.filename for a in flagged.attachments] == [f"SPOILER_a_lighthouse_{job.id}.png"]
    assert len(classifier.seen) == 3  # each result looked at once, off the event loop's thread
    assert "MainThread" not in classifier.threads


async def test_a_withheld_result_is_told_privately_and_listed_for_managers_only(
    database_url: str, tmp_path: Path
) -> None:
    async with safety_world(database_url, tmp_path, "withhold_outside_nsfw") as (world, nsfw, _):
        interaction = await world.slash("imagine", {"prompt": "a lighthouse", "seed": FLAGGED_SEED})
        message = await world.wait_for_final(interaction)
        shown_in_nsfw = await imagined(world, FLAGGED_SEED, channel=nsfw)
        job = await job_shown_by(world, message)
        _, [artifact] = await world.delivered(job.id)
        held_back = (world.data_dir / artifact.path).read_bytes()
        await world.emu.wait_for(lambda: world.emu.followups(interaction))
        [notice] = world.notes(interaction)
        members_list = await answer(world, await world.slash("history"))
        managers_list = await answer(world, await world.slash("history", member=world.mod))
        public_list = await answer(world, await world.slash("history", {"public": True}, member=world.mod))
        await world.emu.add_reaction(message, world.channel, world.bob, "✉️")  # "send me the files"
        refused_dm = await world.emu.wait_for(
            lambda: [m for m in world.emu.messages[world.channel.id] if "held back by this" in m.content]
        )
        shown_again = await private_answer(
            world, await world.slash("show", {"job": job.id}, member=world.mod)
        )

    assert job_state(message) == "withheld"
    assert message.attachments == []
    assert gallery_items(message) + files(message) == []
    assert "held back" in text_of(message)
    assert job.safety_action is SafetyAction.WITHHELD
    assert notice.ephemeral
    assert f"job #{job.id} is done" in notice.content
    assert "hold back results my image checker flags in that channel" in notice.content
    # Shown as it is where the server allows it.
    assert job_state(shown_in_nsfw) == "done"
    assert [is_spoiler(i) for i in gallery_items(shown_in_nsfw)] == [False]
    # In /history: for the manager's own eyes only.
    assert job.id not in listed_ids(members_list)
    assert job.id in listed_ids(managers_list)
    assert "held back" in "\n".join(texts(managers_list))
    assert job.id not in listed_ids(public_list)
    assert "held back by this server's content settings" in shown_again.content
    assert refused_dm[0].attachments == []
    assert world.bot_messages(world.emu.dm_channel(world.bob)) == []  # the files never went by DM
    posted = [a.data for m in world.bot_messages() for revision in m.revisions for a in revision.attachments]
    assert held_back not in posted  # the channel never saw the picture


async def test_a_withheld_result_delivered_again_after_a_restart_tells_the_requester_once(
    database_url: str, tmp_path: Path
) -> None:
    async with safety_world(database_url, tmp_path, "withhold") as (world, _, _):
        interaction = await world.slash("imagine", {"prompt": "a lighthouse", "seed": FLAGGED_SEED})
        message = await world.wait_for_final(interaction)
        await world.emu.wait_for(lambda: world.emu.followups(interaction))
        job = await job_shown_by(world, message)
        await world.delivered(job.id)
        # As if the bot had died after telling the requester but before it recorded the delivery.
        assert await world.runtime.store.mark_delivery(
            job.id, [DeliveryState.DELIVERED], DeliveryState.DELIVERING
        )
        edits_before = len(message.revisions)
        await world.restart_bot()
        await world.delivered(job.id)
        notices = world.emu.followups(interaction) + world.bot_messages(world.emu.dm_channel(world.alice))

    assert len(message.revisions) > edits_before, "the result was delivered again"
    assert job_state(message) == "withheld"
    assert [f"job #{job.id} is done" in text_of(notice) for notice in notices] == [True]


async def test_withheld_everywhere_holds_back_results_in_age_restricted_channels_too(
    database_url: str, tmp_path: Path
) -> None:
    async with safety_world(database_url, tmp_path, "withhold") as (world, nsfw, _):
        message = await imagined(world, FLAGGED_SEED, channel=nsfw)
        clean = await imagined(world, CLEAN_SEED, channel=nsfw)
    assert job_state(message) == "withheld"
    assert message.attachments == []
    assert job_state(clean) == "done"


async def test_a_flagged_input_picture_is_refused_privately_and_nothing_is_stored(
    database_url: str, tmp_path: Path
) -> None:
    marked = media.png(64, 48, (MARKER[0] << 16) | (MARKER[1] << 8) | MARKER[2])
    async with safety_world(database_url, tmp_path, "withhold_outside_nsfw") as (world, _, classifier):
        interaction = await world.slash(
            "imagine", {"prompt": "from this"}, attachments={"image": ("mine.png", marked, "image/png")}
        )
        refusal = await private_answer(world, interaction)
        await assert_nothing_stored(world)
    assert refusal.content.startswith("I can't use that picture here")
    assert classifier.seen == [MARKER]


async def test_input_pictures_are_not_refused_where_results_are_only_spoilered(
    database_url: str, tmp_path: Path
) -> None:
    marked = media.png(64, 48, (MARKER[0] << 16) | (MARKER[1] << 8) | MARKER[2])
    async with safety_world(database_url, tmp_path, "spoiler") as (world, _, _):
        interaction = await world.slash(
            "imagine", {"prompt": "from this"}, attachments={"image": ("mine.png", marked, "image/png")}
        )
        message = await world.wait_for_final(interaction)
    assert job_state(message) == "done"


async def test_spoilered_withheld_and_refused_pictures_are_in_the_moderation_log(
    database_url: str, tmp_path: Path
) -> None:
    marked = media.png(64, 48, (MARKER[0] << 16) | (MARKER[1] << 8) | MARKER[2])
    async with safety_world(database_url, tmp_path, "spoiler") as (world, _, _):
        admin = next(m for m in world.guild.members.values() if m.user.username == "admin")
        with entries_stored(world) as stored:
            spoilered = await job_shown_by(world, await imagined(world, FLAGGED_SEED))
            await stored.wait(1)
            await answer(world, await settings(world, admin, "safety", {"mode": "withhold_outside_nsfw"}))
            withheld = await job_shown_by(world, await imagined(world, FLAGGED_SEED))
            await stored.wait(2)
            refused = await world.slash(
                "imagine", {"prompt": "from this"}, attachments={"image": ("mine.png", marked, "image/png")}
            )
            await private_answer(world, refused)
            entries = await stored.wait(3)
        log = await answer(world, await settings(world, admin, "log"))

    by_action = {entry.action.value: entry for entry in entries}
    assert sorted(by_action) == ["refused", "spoilered", "withheld"]
    assert (by_action["spoilered"].job_id, by_action["withheld"].job_id) == (spoilered.id, withheld.id)
    assert by_action["refused"].job_id is None
    assert by_action["withheld"].rule == "flagged_result:FEMALE_BREAST_EXPOSED"
    assert by_action["refused"].rule == "flagged_input:FEMALE_BREAST_EXPOSED"
    assert by_action["withheld"].excerpt == "a lighthouse"
    assert {entry.user_id for entry in entries} == {world.alice.id}
    line = str(log.embeds[0].get("description", ""))
    assert "**Spoilered** · Result flagged" in line
    assert "**Withheld** · Result flagged" in line
    assert "**Refused** · Input image flagged" in line


class FlagsEveryPicture:
    """A stand-in that flags whatever it is shown (the fake's video frames are noise, no marker)."""

    name = "flags-all"

    def __init__(self) -> None:
        self.seen = 0

    def scores(self, image: Any) -> dict[str, float]:
        self.seen += 1
        return {"BUTTOCKS_EXPOSED": 0.8}


async def test_a_flagged_video_is_judged_on_sampled_frames_and_spoilered_with_its_poster(
    database_url: str, tmp_path: Path
) -> None:
    classifier = FlagsEveryPicture()
    config = SafetyConfig(classifier, video_frames=3)
    async with running_world(database_url, tmp_path, safety=config) as world:
        await world.runtime.guild_policies.change(world.guild.id, lambda _: {"safety_mode": "spoiler"})
        message = await world.wait_for_final(
            await world.slash("video", {"prompt": "a fox running in snow", "seconds": 2})
        )
        job = await job_shown_by(world, message)
        _, [artifact] = await world.delivered(job.id)

    assert job_state(message) == "done"
    assert job.safety_action is SafetyAction.SPOILERED
    assert classifier.seen == 3  # three frames of the one video
    assert artifact.safety is not None
    assert artifact.safety["reasons"] == ["BUTTOCKS_EXPOSED"]
    [video] = files(message)
    [poster] = gallery_items(message)
    assert is_spoiler(video)
    assert is_spoiler(poster)
    assert sorted(a.filename.split("_", 1)[0] for a in message.attachments) == ["SPOILER", "SPOILER"]


async def test_a_withheld_result_of_a_job_without_a_command_is_told_by_direct_message(
    database_url: str, tmp_path: Path
) -> None:
    classifier = FlagsEveryPicture()
    async with running_world(database_url, tmp_path, safety=SafetyConfig(classifier)) as world:
        result = await imagined(world, CLEAN_SEED)  # safety still off: shown
        await world.runtime.guild_policies.change(world.guild.id, lambda _: {"safety_mode": "withhold"})
        known = {m.id for m in world.bot_messages()}
        await world.emu.add_reaction(result, world.channel, world.alice, "🔁")  # no interaction, no token
        regenerated = await world.emu.wait_for(
            lambda: next((m for m in world.bot_messages() if m.id not in known and is_final(m)), None)
        )
        regenerated_job = await job_shown_by(world, regenerated)
        dm = world.emu.dm_channel(world.alice)
        [notice] = await world.emu.wait_for(lambda: world.bot_messages(dm))

    assert job_state(result) == "done"
    assert job_state(regenerated) == "withheld"
    assert regenerated.attachments == []
    assert notice.attachments == []
    assert f"job #{regenerated_job.id} is done" in text_of(notice)
    assert "hold back" in text_of(notice)
    assert job_state(notice) == "withheld"


async def test_a_withheld_result_told_by_direct_message_reads_the_jobs_language_throughout(
    database_url: str, tmp_path: Path
) -> None:
    classifier = FlagsEveryPicture()
    async with running_world(
        database_url, tmp_path, safety=SafetyConfig(classifier), customize=german_server
    ) as world:
        result = await imagined(world, CLEAN_SEED)  # a 🔁 has no locale of its own: the server's is the job's
        await world.runtime.guild_policies.change(world.guild.id, lambda _: {"safety_mode": "withhold"})
        await world.emu.add_reaction(result, world.channel, world.alice, "🔁")
        dm = world.emu.dm_channel(world.alice)
        [notice] = await world.emu.wait_for(lambda: world.bot_messages(dm))

    assert text_of(notice).startswith("Dein Auftrag #"), text_of(notice)
    assert texts(notice)[-1].startswith("-# Auftrag #"), "its footer reads German too"
    assert job_state(notice) == "withheld"


async def test_a_withheld_result_whose_requester_cannot_be_told_privately_says_so_in_the_channel(
    database_url: str, tmp_path: Path
) -> None:
    classifier = FlagsEveryPicture()
    async with running_world(database_url, tmp_path, safety=SafetyConfig(classifier)) as world:
        result = await imagined(world, CLEAN_SEED)
        await world.runtime.guild_policies.change(world.guild.id, lambda _: {"safety_mode": "withhold"})
        world.alice.user.accepts_dms = False  # a reaction has no token, and the direct message is refused
        known = {m.id for m in world.bot_messages()}
        await world.emu.add_reaction(result, world.channel, world.alice, "🔁")
        regenerated = await world.emu.wait_for(
            lambda: next((m for m in world.bot_messages() if m.id not in known and is_final(m)), None)
        )

    assert job_state(regenerated) == "withheld"
    assert world.bot_messages(world.emu.dm_channel(world.alice)) == []
    assert "has been told privately" not in text_of(regenerated)
    assert "I could not tell you privately" in text_of(regenerated)


async def test_a_flagged_input_is_refused_in_the_askers_language(database_url: str, tmp_path: Path) -> None:
    marked = media.png(64, 48, (MARKER[0] << 16) | (MARKER[1] << 8) | MARKER[2])
    async with safety_world(database_url, tmp_path, "withhold") as (world, _, _):
        world.alice.user.locale = "de"
        interaction = await world.slash(
            "imagine", {"prompt": "from this"}, attachments={"image": ("mine.png", marked, "image/png")}
        )
        refusal = await private_answer(world, interaction)
    assert refusal.content.startswith("Dieses Bild kann ich nicht verwenden")
