"""A job a worker runs reads as it would in the one-process bot: in a server that chose German, every edit
the worker makes (running, the result, the ping) is German whoever asked, though the worker has no gateway
cache to read the server's language from (it asks Discord over REST)."""

from __future__ import annotations

from pathlib import Path

from tests.discord_emulator.layout import footers, text_of
from tests.e2e.harness import german_server, running_world
from tests.e2e.roles_support import worker_running


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
