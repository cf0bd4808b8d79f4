"""Bad input, generated (Hypothesis): prompts with flags in every order, JSON documents of every wrong shape,
lyrics with odd sections, huge inputs, unicode and control characters. Each gets usable parameters or a clear
message; nothing else escapes; a refused request leaves nothing in the database.

Run in-process against the Discord-free parsing and the JobService (fast); test_bad_input_through_discord.py
sends a few hundred through the running bot. Seeds: see bad_input.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.runtime import CoreRuntime
from core.errors import UserFacingError
from core.jobs.policy import Requester
from core.jobs.service import JobRequest
from core.prompts import PromptError, parse_image_request, parse_song_request
from db.models import Job, JobEvent
from tests.bot.idle_core import idle_core
from tests.faults.bad_input import (
    IMAGE_KEYS,
    IMAGE_OPTIONS,
    LYRICS_FILENAMES,
    SEED,
    SONG_KEYS,
    SONG_OPTIONS,
    assert_clear_refusal,
    assert_sound_image,
    assert_sound_song,
    documents,
    lyrics,
    options_as_typed,
    plain_prompts,
    prompts,
)
from tests.faults.conftest import ReportFigures
from tests.faults.fuzzing import FUZZ, LoopThread

pytestmark = pytest.mark.faults

PROMPT_CASES = 3500
DOCUMENT_CASES = 2500
LYRICS_CASES = 3500
SERVICE_CASES = 600


class Cases:
    """Counts the generated cases a test really ran, for the report."""

    def __init__(self) -> None:
        self.ran = 0
        self.refused = 0


@pytest.fixture
def cases(report_figures: ReportFigures) -> Iterator[Cases]:
    counted = Cases()
    yield counted
    report_figures(generated_cases=counted.ran, refused_cases=counted.refused, hypothesis_seed=SEED)


def image_outcome(cases: Cases, prompt: str, document: bytes | None = None, **options: Any) -> Any:
    cases.ran += 1
    try:
        params = parse_image_request(prompt, document=document, **options_as_typed(options))
    except PromptError as error:
        cases.refused += 1
        assert_clear_refusal(error)
        return None
    assert_sound_image(params)
    return params


def song_outcome(cases: Cases, **arguments: Any) -> Any:
    cases.ran += 1
    try:
        params = parse_song_request(**options_as_typed(arguments))
    except PromptError as error:
        cases.refused += 1
        assert_clear_refusal(error)
        return None
    assert_sound_song(params)
    return params


@seed(SEED)
@settings(FUZZ, max_examples=PROMPT_CASES)
@given(prompt=prompts(), options=IMAGE_OPTIONS)
def test_prompts_with_flags_in_any_order_get_parameters_or_a_clear_message(
    cases: Cases, prompt: str, options: dict[str, Any]
) -> None:
    image_outcome(cases, prompt, **options)


@seed(SEED)
@settings(FUZZ, max_examples=DOCUMENT_CASES)
@given(prompt=prompts(), image_document=documents(IMAGE_KEYS), song_document=documents(SONG_KEYS))
def test_json_documents_of_every_wrong_shape_get_a_clear_message(
    cases: Cases, prompt: str, image_document: bytes, song_document: bytes
) -> None:
    image_outcome(cases, prompt, document=image_document)
    song_outcome(cases, lyrics_file=("song.json", song_document))


@seed(SEED)
@settings(FUZZ, max_examples=LYRICS_CASES)
@given(text=lyrics(), filename=LYRICS_FILENAMES, as_file=st.booleans(), options=SONG_OPTIONS)
def test_lyrics_with_odd_sections_get_a_song_or_a_clear_message(
    cases: Cases, text: str, filename: str, as_file: bool, options: dict[str, Any]
) -> None:
    if as_file:
        song_outcome(cases, lyrics_file=(filename, text.encode("utf-8", "surrogatepass")), **options)
    else:
        song_outcome(cases, lyrics_text=text, **options)


# -- through the JobService: accepted requests are stored whole, refused ones not at all -------------------
OPEN_GUILD, STRICT_GUILD = 1, 2
STRICT = {"blocked_words": ["forbidden", "zz"], "nsfw_channels_only": True, "rate_capacity": 1000}


@pytest.fixture
def service_core(postgres_url: str, tmp_path: Path) -> Iterator[tuple[LoopThread, CoreRuntime]]:
    loop = LoopThread()
    stack = AsyncExitStack()
    try:
        runtime = loop.run(
            stack.enter_async_context(idle_core(postgres_url, ["http://127.0.0.1:9"], tmp_path))
        )
        loop.run(
            runtime.guild_policies.update(OPEN_GUILD, {"rate_capacity": 1000, "max_queued_per_user": 1000})
        )
        loop.run(runtime.guild_policies.update(STRICT_GUILD, {**STRICT, "max_queued_per_user": 1000}))
        yield loop, runtime
    finally:
        loop.run(stack.aclose())
        loop.close()


async def _stored(runtime: CoreRuntime) -> tuple[int, int]:
    async with runtime.sessions() as session:
        jobs = await session.scalar(select(func.count()).select_from(Job))
        events = await session.scalar(select(func.count()).select_from(JobEvent))
        return int(jobs or 0), int(events or 0)


@pytest.mark.postgres
@pytest.mark.timeout(300)
@seed(SEED)
@settings(FUZZ, max_examples=SERVICE_CASES)
@given(
    prompt=st.one_of(prompts(), plain_prompts),
    options=st.one_of(st.just({}), IMAGE_OPTIONS),
    guild=st.sampled_from([OPEN_GUILD, STRICT_GUILD]),
    nsfw_channel=st.booleans(),
    user=st.integers(1, 2**63 - 1),
)
def test_the_job_service_stores_accepted_requests_whole_and_refused_ones_not_at_all(
    cases: Cases,
    service_core: tuple[LoopThread, CoreRuntime],
    prompt: str,
    options: dict[str, Any],
    guild: int,
    nsfw_channel: bool,
    user: int,
) -> None:
    loop, runtime = service_core
    params = image_outcome(cases, prompt, **options)
    if params is None:
        return
    before = loop.run(_stored(runtime))
    request = JobRequest(
        guild_id=guild,
        requester=Requester(user_id=user, channel_id=77, channel_is_nsfw=nsfw_channel),
        raw_input=prompt,
        params=params,
    )
    try:
        receipt = loop.run(runtime.service.submit(request))
    except UserFacingError as error:
        refusal = error.user_message
    else:
        refusal = None
    if refusal is not None:
        cases.refused += 1
        assert refusal.strip()
        assert loop.run(_stored(runtime)) == before, "a refused request left rows behind"
        return
    jobs, events = loop.run(_stored(runtime))
    assert jobs == before[0] + 1
    assert events == before[1] + 1, "one job and its 'queued' event, in one transaction"
    stored = loop.run(runtime.service.get(receipt.job.id, guild_id=guild))
    assert stored is not None
    assert stored.raw_input == prompt.replace("\x00", "")  # PostgreSQL text holds no NUL
    # A job's parameters come back typed (KindSpec): the same document, seed aside.
    assert stored.params.model_dump(mode="json", exclude={"seed"}) == params.model_dump(
        mode="json", exclude={"seed"}
    )
