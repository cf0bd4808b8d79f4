"""A job a worker runs reads as it would in the one-process bot: in a server that chose German, every edit
the worker makes (running, the result, the ping) is German whoever asked, though the worker has no gateway
cache to read the server's language from (it asks Discord over REST); what only the requester reads is in
their own language, as the interaction said it, though the worker never saw the interaction."""

from __future__ import annotations

from pathlib import Path

from bot.reporting.server_languages import KEPT_S, UNKNOWN_KEPT_S, ServerLanguages
from tests.discord_emulator.layout import footers, text_of
from tests.e2e.harness import german_server, job_state, running_world
from tests.e2e.roles_support import worker_running
from tests.e2e.test_flagged_result_posts import FLAGGED_SEED, flagging_world


async def test_in_a_german_server_the_worker_edits_every_job_message_in_german(
    postgres_url: str, tmp_path: Path
) -> None:
    async with (
        running_world(postgres_url, tmp_path, role="gateway", customize=german_server) as world,
        worker_running(world, "worker-1") as worker,
    ):
        interaction = await world.slash("imagine", {"prompt": "a fox"}, member=world.bob)
        message = await world.wait_for_final(interaction)
        job = await world.job_for(message)
        [ping] = await world.emu.wait_for(lambda: world.emu.followups(interaction) or None)

    assert worker.ws is None, "the worker never opened a gateway connection"
    assert job.locale == "en-US", "bob's own language is kept all the same"
    assert text_of(message).startswith("### Bild ist fertig"), "the channel reads the server's language"
    every_footer = [line for revision in message.revisions for line in footers(revision)]
    assert every_footer, "the message went through its states"
    english = [line for line in every_footer if line.startswith("Job #")]
    assert english == [], "no edit of the worker's in English"
    assert ping.content.startswith(f"<@{world.bob.id}> dein "), ping.content
    asked = world.emu.calls_matching("GET", rf"/guilds/{world.guild.id}$")
    assert len(asked) == 1, "the server's language is asked once, not at every edit"


async def test_a_german_member_whose_result_a_worker_withholds_is_told_privately_in_german(
    postgres_url: str, tmp_path: Path
) -> None:
    """The worker has no interaction, only its token kept with the job: the member's language is kept too."""
    async with (
        flagging_world(postgres_url, tmp_path, role="gateway") as (world, _, _),
        worker_running(world, "worker-1"),
    ):
        world.alice.user.locale = "de"
        interaction = await world.slash("imagine", {"prompt": "a lighthouse", "seed": FLAGGED_SEED})
        message = await world.wait_for_final(interaction)
        await world.emu.wait_for(lambda: world.emu.followups(interaction))
        [notice] = world.notes(interaction)
        job = await world.job_for(message)

    assert job_state(message) == "withheld"
    assert notice.ephemeral
    assert notice.content.startswith(f"Dein Auftrag #{job.id} ist fertig"), notice.content


async def test_a_worker_asks_a_servers_language_once_an_hour_and_a_server_it_cannot_read_once_a_minute(
    postgres_url: str, tmp_path: Path
) -> None:
    now = [0.0]
    async with (
        running_world(postgres_url, tmp_path, role="gateway", customize=german_server) as world,
        worker_running(world, "worker-1") as worker,
    ):
        languages = ServerLanguages(worker, clock=lambda: now[0])
        unknown = world.guild.id + 1

        def asked(guild_id: int) -> int:
            return len(world.emu.calls_matching("GET", rf"/guilds/{guild_id}$"))

        first = await languages.learn(world.guild.id)
        world.guild.preferred_locale = "fr"
        now[0] = KEPT_S - 1
        within_the_hour = (await languages.learn(world.guild.id), languages.known(world.guild.id))
        lost = await languages.learn(unknown)
        now[0] += UNKNOWN_KEPT_S - 1
        await languages.learn(unknown)
        asked_within = (asked(world.guild.id), asked(unknown))
        now[0] += 2
        again = (await languages.learn(world.guild.id), await languages.learn(unknown))
        asked_after = (asked(world.guild.id), asked(unknown))

    assert first == "de"
    assert within_the_hour == ("de", "de"), "read once, kept for the hour"
    assert lost is None
    assert asked_within == (1, 1)
    assert again == ("fr", None)
    assert asked_after == (2, 2)
