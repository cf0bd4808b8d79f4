"""Bad input through Discord: a few hundred generated /imagine and /song requests sent by the emulator to the
running bot process. Each ends as a job or a private, plain refusal; the bot never takes its unexpected-error
path, and only accepted requests are stored."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st

from comfy.workflows.music import TEMPO_RANGE
from tests.discord_emulator import Interaction
from tests.e2e.harness import is_final
from tests.fakes.comfyui import FakeConfig
from tests.faults.bad_input import (
    DISCORD_MESSAGE_LIMIT,
    IMAGE_KEYS,
    INTERNALS,
    LYRICS_FILENAMES,
    SEED,
    SONG_KEYS,
    documents,
    lyrics,
    plain_prompts,
    prompts,
)
from tests.faults.conftest import ReportFigures
from tests.faults.test_bad_input import FUZZ, LoopThread
from tests.faults.world import FaultWorld, running_world, shown_job_id

pytestmark = [pytest.mark.faults, pytest.mark.postgres]

DISCORD_CASES = 300
RELAXED = {"rate_capacity": 1000, "rate_refill_per_minute": 1000, "max_queued_per_user": 1000}
UNEXPECTED = "Something went wrong on my side"


class DiscordFuzz:
    def __init__(self, loop: LoopThread, world: FaultWorld) -> None:
        self.loop = loop
        self.world = world
        self.accepted: list[Interaction] = []
        self.refusals: list[str] = []

    def send(
        self, command: str, place: int, user: int, options: dict[str, Any], files: dict[str, Any]
    ) -> None:
        world = self.world
        where = world.places[place]

        async def run() -> Interaction:
            interaction = await world.emu.send_slash_command(
                where.guild, where.channel, where.users[user], command, options, files or None
            )
            await world.emu.wait_for(lambda: self._settled(interaction), 20)
            return interaction

        interaction = self.loop.run(run())
        if self._shows_job(interaction):
            self.accepted.append(interaction)
            return
        text = self.loop.run(world.private_reply(interaction))
        self.refusals.append(text)
        assert UNEXPECTED not in text, f"the bot's unexpected-error path for {command} {options}"
        assert len(text) <= DISCORD_MESSAGE_LIMIT
        assert not INTERNALS.search(text), text

    def _shows_job(self, interaction: Interaction) -> bool:
        return (
            interaction.response_message_id is not None
            and shown_job_id(self.world.emu.original_response(interaction)) is not None
        )

    def _settled(self, interaction: Interaction) -> bool:
        if not interaction.acked:
            return False
        if self._shows_job(interaction) or interaction.response_type == 4:  # 4: an immediate private answer
            return True
        # Refused after the defer: the "thinking…" deleted, a private followup instead. (A followup alone
        # says nothing: a permutation prompt's come while its response still shows a placeholder.)
        return self.world.emu.original_response(interaction).deleted and bool(
            interaction.followup_message_ids
        )

    async def check_the_end(self) -> None:
        """Every accepted request finished; the database holds exactly those; the log has no traceback."""
        world = self.world
        await world.wait_all_final(self.accepted, timeout=120)
        rows = await world.job_rows()
        shown = {shown_job_id(world.emu.original_response(i)) for i in self.accepted}
        # A permutation prompt's other jobs are on followups of its command.
        answers = {
            m.id for i in self.accepted for m in (world.emu.original_response(i), *world.emu.followups(i))
        }
        assert shown <= {r.id for r in rows}, "every accepted request is stored"
        assert {r.response_message_id for r in rows} <= answers, (
            "stored jobs are exactly the accepted requests"
        )
        assert all(is_final(world.emu.original_response(i)) for i in self.accepted)
        assert "Traceback" not in world.bot.log_text()


@pytest.fixture
def fuzz(postgres_url: str, tmp_path: Path, report_figures: ReportFigures) -> Iterator[DiscordFuzz]:
    loop = LoopThread()
    stack = AsyncExitStack()
    fast = FakeConfig(step_time_s=0.002, default_steps=2)
    relaxed = dict.fromkeys(range(5), RELAXED)
    try:
        world = loop.run(
            stack.enter_async_context(
                running_world(postgres_url, tmp_path, fake_config=fast, policies=relaxed)
            ),
            60,
        )
        driver = DiscordFuzz(loop, world)
        yield driver
        loop.run(driver.check_the_end(), 180)
        report_figures(
            discord_cases=len(driver.accepted) + len(driver.refusals),
            accepted=len(driver.accepted),
            refused=len(driver.refusals),
            hypothesis_seed=SEED,
        )
    finally:
        loop.run(stack.aclose(), 60)
        loop.close()


TEXT = st.text(min_size=1, max_size=100)
IMAGE_CASE = st.fixed_dictionaries(
    {"prompt": st.one_of(prompts(), plain_prompts).map(lambda p: p[:3000] or "x")},
    optional={
        "negative": st.text(min_size=1, max_size=1000),
        "aspect_ratio": st.sampled_from(["1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3", "21:9"]),
        "quality": st.sampled_from(["draft", "standard", "high"]),
        "style": st.text(min_size=1, max_size=400),
        "seed": st.integers(0, 2**53 - 1),
        "count": st.integers(1, 4),
    },
)
SONG_CASE = st.fixed_dictionaries(
    {},
    optional={
        "title": TEXT,
        "genre": TEXT,
        "mood": TEXT,
        "tempo": st.integers(*TEMPO_RANGE),
        "key": st.text(min_size=1, max_size=20),
        "time_signature": st.sampled_from(["4/4", "3/4", "6/8", "2/4"]),
        "duration": st.text(min_size=1, max_size=10),
    },
)


@pytest.mark.timeout(400)
@seed(SEED)
@settings(FUZZ, max_examples=DISCORD_CASES)
@given(
    case=st.one_of(
        st.tuples(
            st.just("imagine"),
            IMAGE_CASE,
            st.none() | documents(IMAGE_KEYS).map(lambda d: ("prompt.json", d)),
        ),
        st.tuples(
            st.just("song"),
            SONG_CASE,
            st.one_of(
                st.tuples(LYRICS_FILENAMES, lyrics().map(lambda t: t.encode("utf-8", "surrogatepass"))),
                st.tuples(st.just("song.json"), documents(SONG_KEYS)),
            ),
        ),
    ),
    place=st.integers(0, 4),
    user=st.integers(0, 4),
)
def test_bad_input_sent_through_discord_gets_a_job_or_a_plain_private_refusal(
    fuzz: DiscordFuzz, case: tuple[str, dict[str, Any], tuple[str, bytes] | None], place: int, user: int
) -> None:
    command, options, attached = case
    files: dict[str, Any] = {}
    if attached is not None:
        name, content = attached
        files["document" if command == "imagine" else "lyrics_file"] = (
            name,
            content,
            "application/octet-stream",
        )
    fuzz.send(command, place, user, options, files)
