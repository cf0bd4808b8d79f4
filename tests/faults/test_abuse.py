"""Abuse and isolation against the running bot: floods held to their caps, guilds kept apart, permissions,
the guild's rules, hostile file names from ComfyUI, and secrets kept out of the log."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.discord_emulator import Channel, DiscordEmulator, Interaction
from tests.discord_emulator.layout import text_of, texts
from tests.e2e.harness import job_state
from tests.fakes.comfyui import FakeConfig
from tests.faults.conftest import ReportFigures
from tests.faults.world import Place, running_world, shown_job_id

pytestmark = [pytest.mark.faults, pytest.mark.postgres]

FLOOD = 16
STEADY = FakeConfig(step_time_s=0.02, default_steps=8)  # about 0.2 s a job


@pytest.mark.timeout(120)
async def test_a_flooding_user_is_held_to_their_caps_without_slowing_other_guilds(
    postgres_url: str, tmp_path: Path, report_figures: ReportFigures
) -> None:
    async with running_world(postgres_url, tmp_path, fake_config=STEADY) as world:
        flood_place, calm_place = world.places[1], world.places[2]
        flooder = flood_place.users[0]
        # ComfyUI holds its prompts while the flood arrives: the caps are what refuses, not how fast the
        # first jobs happen to finish on a loaded machine.
        world.fake.hold()
        flood = await asyncio.gather(
            *(world.imagine(flood_place, flooder, f"spam {n}") for n in range(FLOOD))
        )
        calm = await world.imagine(calm_place, calm_place.users[0], "one quiet request")

        def refused_at_once(i: Interaction) -> bool:
            return i.response_type == 4  # decided before answering: private from the first byte

        def told_no(i: Interaction) -> bool:
            return refused_at_once(i) or bool(i.followup_message_ids)  # or after "thinking…"

        # Until every request is decided, its job stored or its refusal sent: an accepted one is acknowledged
        # ("thinking…") before its job is stored, and only a stored job counts against the caps. (A job whose
        # prompt ComfyUI holds may show nothing more than "thinking…" yet.)
        await world.wait_for_rows(
            lambda rows: sum(r.user_id == flooder.user.id for r in rows) + sum(map(told_no, flood)) == FLOOD
        )
        world.fake.go()

        most_running = 0
        while True:  # watch the flooder's running jobs until the flood drains
            rows = await world.job_rows()
            mine = [r for r in rows if r.user_id == flooder.user.id]
            # Running as the cap counts it: a place on ComfyUI, from the claim until ComfyUI is done with the
            # prompt. The row says "running" a while longer, as the result is saved, checked and delivered:
            # on a loaded machine seconds, for several of the flood's jobs at once.
            done_on_comfyui = set(world.fake.queue.history)  # read after the rows: it only grows
            on_comfyui = sum(r.status == "running" and r.prompt_id not in done_on_comfyui for r in mine)
            most_running = max(most_running, on_comfyui)
            if all(r.status in ("succeeded", "failed", "cancelled") for r in mine):
                break
            await asyncio.sleep(0.05)
        calm_message = await world.wait_for_final(calm, timeout=60)
        rows = await world.job_rows()  # the calm job's row finished too

        accepted = [r for r in rows if r.user_id == flooder.user.id]
        refused = FLOOD - len(accepted)
        assert 0 < len(accepted) <= 13, "at most 10 queued + 3 running per user (the default caps)"
        assert refused >= FLOOD - 13
        assert most_running <= 3

        def shows_a_job(i: Interaction) -> bool:
            return (
                i.response_message_id is not None and shown_job_id(world.emu.original_response(i)) is not None
            )

        await world.emu.wait_for(
            lambda: all(shows_a_job(i) or i.followup_message_ids or refused_at_once(i) for i in flood), 30
        )
        refusals = [await world.private_reply(i) for i in flood if not shows_a_job(i)]
        assert len(refusals) == refused
        assert all("jobs queued, the most this server allows" in text for text in refusals), refusals
        report_figures(requests=FLOOD, accepted=len(accepted), refused=refused, most_running=most_running)

        # Guilds take turns: the calm guild's job overtook the flood instead of waiting behind it.
        [calm_row] = [r for r in rows if r.guild_id == calm_place.guild.id]
        overtaken_by = [
            r for r in accepted if r.started_at and calm_row.queued_at < r.started_at < calm_row.started_at
        ]
        assert len(overtaken_by) <= 3, f"the calm job waited for {len(overtaken_by)} flood jobs"
        assert job_state(calm_message) == "done"
        last_flood = max(r.finished_at for r in accepted)
        assert calm_row.finished_at < last_flood


@pytest.mark.timeout(120)
async def test_another_guilds_history_and_jobs_are_never_visible_or_reachable(
    postgres_url: str, tmp_path: Path
) -> None:
    async with running_world(postgres_url, tmp_path) as world:
        home, other = world.places[1], world.places[2]
        secret = "a-very-private-garden-1c9e"
        message = await world.wait_for_final(await world.imagine(home, home.users[0], secret))
        job_id = shown_job_id(message)
        await world.wait_for_final(await world.imagine(other, other.users[0], "an ordinary street"))

        async def history(place: Place, **options: object) -> str:
            """What /history shows a member of this place (the page it edits into its answer)."""
            seen = await world.emu.send_slash_command(
                place.guild, place.channel, place.users[0], "history", options
            )
            await world.emu.wait_for(lambda: seen.acked and texts(world.emu.original_response(seen)))
            return text_of(world.emu.original_response(seen))

        assert secret in await history(home), "the guild's own history shows the job"
        for options in ({}, {"search": "private-garden"}, {"public": True}):
            shown = await history(other, **options)
            assert secret not in shown
            assert f"#{job_id}" not in shown

        for command in ("show", "rerun", "cancel"):
            attempt = await world.emu.send_slash_command(
                other.guild, other.channel, other.users[0], command, {"job": job_id}
            )
            text = await world.private_reply(attempt)
            assert secret not in text
            assert "Traceback" not in text
        await asyncio.sleep(0.3)
        rows = await world.job_rows()
        assert [r.raw_input for r in rows if r.guild_id == other.guild.id] == ["an ordinary street"], (
            "nothing was rerun into the other guild"
        )
        assert [r.status for r in rows if r.id == job_id] == ["succeeded"]


@pytest.mark.timeout(120)
async def test_only_the_requester_or_a_manager_can_cancel_or_delete(
    postgres_url: str, tmp_path: Path
) -> None:
    async with running_world(
        postgres_url, tmp_path, fake_config=FakeConfig(step_time_s=0.5, default_steps=40)
    ) as world:
        place = world.places[1]
        owner, stranger = place.users[0], place.users[1]
        slow = await world.imagine(place, owner, "a very slow painting")
        await world.emu.wait_for(lambda: slow.acked)
        message = world.emu.original_response(slow)
        await world.emu.wait_for(lambda: job_state(message) in ("queued", "running"))
        job_id = shown_job_id(message)

        refused = await world.emu.send_slash_command(
            place.guild, place.channel, stranger, "cancel", {"job": job_id}
        )
        assert "Traceback" not in await world.private_reply(refused)
        await asyncio.sleep(0.3)
        assert job_state(message) in ("queued", "running"), "a stranger cannot cancel"

        allowed = await world.emu.send_slash_command(
            place.guild, place.channel, place.mod, "cancel", {"job": job_id}
        )
        await world.private_reply(allowed)
        await world.emu.wait_for(lambda: job_state(message) == "cancelled", 15)

        world.fake.config.step_time_s = 0.01
        done = await world.wait_for_final(await world.imagine(place, owner, "a quick sketch"))
        done_id = shown_job_id(done)
        await world.wait_for_rows(
            lambda rows: any(r.id == done_id and r.delivery_state == "delivered" for r in rows)
        )
        no = await world.emu.click_button(done, f"job:delete:{done_id}", stranger)
        assert "Traceback" not in await world.private_reply(no)
        assert not done.deleted, "a stranger cannot delete"
        await world.emu.click_button(done, f"job:delete:{done_id}", owner)
        await world.emu.wait_for(lambda: done.deleted, 10)


def _nsfw_channel(emu: DiscordEmulator, places: list[Place]) -> None:
    emu.add_channel(places[3].guild, "after-dark", nsfw=True)


@pytest.mark.timeout(120)
async def test_blocked_words_and_nsfw_only_channels_are_enforced(postgres_url: str, tmp_path: Path) -> None:
    rules = {"blocked_words": ["forbidden"], "nsfw_channels_only": True}
    async with running_world(postgres_url, tmp_path, customize=_nsfw_channel, policies={3: rules}) as world:
        place = world.places[3]
        after_dark: Channel = next(c for c in place.guild.channels.values() if c.name == "after-dark")
        member = place.users[0]
        in_gallery = await world.imagine(place, member, "a temple")
        assert "age-restricted" in await world.private_reply(in_gallery)
        for prompt in ("a FORBIDDEN temple", "forbidden"):
            blocked = await world.imagine(place, member, prompt, channel=after_dark)
            text = await world.private_reply(blocked)
            assert "a word this server blocks (“forbidden”)" in text, text
        allowed = await world.wait_for_final(
            await world.imagine(place, member, "a temple", channel=after_dark)
        )
        assert job_state(allowed) == "done"
        # The negative prompt names what is not wanted: a blocked word there keeps it out (issue 12 item 15).
        kept_out = await world.wait_for_final(
            await world.imagine(place, member, "a temple --no Forbidden things", channel=after_dark)
        )
        assert job_state(kept_out) == "done"
        rows = await world.job_rows()
        assert sorted(r.raw_input for r in rows) == sorted(["a temple", "a temple --no Forbidden things"]), (
            "nothing refused was stored"
        )
        other = world.places[4]  # another guild's rules are its own
        await world.wait_for_final(await world.imagine(other, other.users[0], "a forbidden temple"))


@pytest.mark.timeout(120)
async def test_output_file_names_with_dotdot_or_absolute_paths_from_comfyui_are_refused(
    postgres_url: str, tmp_path: Path
) -> None:
    async with running_world(postgres_url, tmp_path) as world:
        place = world.places[0]
        for hostile in (
            "../escape.png",
            "../../../../tmp/escape.png",
            "/etc/passwd",
            "..",
            "sub/../../x.png",
        ):
            world.fake.config.reported_filename = hostile
            message = await world.wait_for_final(await world.imagine(place, place.users[0], "a trap"))
            assert job_state(message) == "failed", hostile
            text = text_of(message)
            assert text.strip()
            assert "Traceback" not in text
            assert not message.attachments
        world.fake.config.reported_filename = None
        fine = await world.wait_for_final(await world.imagine(place, place.users[0], "no trap"))
        assert job_state(fine) == "done"
        artifacts = await world.artifact_rows()
        assert len(artifacts) == 1, "only the honest job stored a file"
        escaped = await asyncio.to_thread(lambda: list(tmp_path.rglob("escape.png")))
        assert not escaped, "nothing was written under the hostile name"


@pytest.mark.timeout(120)
async def test_the_token_and_database_password_never_appear_in_the_log(
    postgres_url: str, tmp_path: Path
) -> None:
    env = {"LOG_LEVEL": "DEBUG"}  # the chattiest the bot gets: discord.py and aiohttp debug lines included
    async with running_world(postgres_url, tmp_path, env=env) as world:
        place = world.places[0]
        done = await world.imagine(place, place.users[0], "a lantern")
        await world.wait_for_final(done)
        expired = await world.imagine(place, place.users[1], "a lantern at dusk")
        await world.emu.wait_for(lambda: expired.acked)
        world.emu.expire_interaction_token(expired, "invalid_token")
        await world.wait_for_final(expired)
        world.fake.config.runtime_error_class = "KSampler"
        await world.wait_for_final(await world.imagine(place, place.users[2], "a broken lantern"))
        world.emu.fail_next("PATCH", r"/messages/", 503, count=2)
        world.fake.config.runtime_error_class = None
        await world.wait_for_final(await world.imagine(place, place.users[3], "a lantern again"))
        interaction_tokens = [i.token for i in world.emu.interactions.values()]
        await world.bot.stop()
        log = world.bot.log_text()
        assert len(log.splitlines()) > 50, "a debug log worth scanning"
        assert "127.0.0.1" in log
        assert world.emu.token not in log
        leaked = [t for t in interaction_tokens if t in log]
        assert not leaked, "interaction tokens are secrets too"
    # running_world also scans the whole log for the token and the database password when it closes.
