"""A job's input lands on every backend under the same name of its own, again after a restart (issue 14)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from comfy import errors
from comfy.client import ComfyClient
from core.inputs import inspect_input_sync
from core.inputs.facts import InputFacts, InputKind
from core.inputs.images import IMAGE_MIMES
from core.inputs.recordings import CONTAINERS
from core.inputs.staging import EXTENSIONS, stage_input, staged_location
from tests.fakes.comfyui import FakeComfyUI, FakeConfig, media
from tests.fixtures.comfyui import FakeComfyFactory


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as opened:
        yield opened


def backend(session: aiohttp.ClientSession, fake: FakeComfyUI) -> ComfyClient:
    return ComfyClient(session, fake.url, "staging-test")  # uploads are HTTP only: no websocket needed


async def test_an_input_is_named_after_the_job_and_its_content_not_the_users_file_name(
    fake_comfy: FakeComfyUI, session: aiohttp.ClientSession
) -> None:
    data = media.png(8, 8, 0x00FF00)
    facts = inspect_input_sync(data, "../../etc/passwd.mp3")

    reference = await stage_input(backend(session, fake_comfy), 42, "image", data, facts)

    assert reference == f"bot-job-42/image-{facts.sha256[:16]}.png"
    [record] = fake_comfy.uploads
    assert record.path.read_bytes() == data


async def test_the_same_reference_holds_on_another_backend_and_after_a_restart(
    fake_comfy_factory: FakeComfyFactory, session: aiohttp.ClientSession
) -> None:
    first, second = await fake_comfy_factory(), await fake_comfy_factory()
    data = media.wav(0.2, 1)
    facts = inspect_input_sync(data, "voice memo")

    on_first = await stage_input(backend(session, first), 7, "audio", data, facts)
    on_second = await stage_input(backend(session, second), 7, "audio", data, facts)
    await first.restart()
    again = await stage_input(backend(session, first), 7, "audio", data, facts)

    assert on_first == on_second == again == f"bot-job-7/audio-{facts.sha256[:16]}.wav"
    assert [record.name for record in first.uploads + second.uploads] == [on_first.split("/")[1]] * 3


async def test_a_stale_file_under_the_name_is_replaced(
    fake_comfy: FakeComfyUI, session: aiohttp.ClientSession
) -> None:
    data = media.png(4, 4, 0x0000FF)
    facts = inspect_input_sync(data, "x")
    subfolder, name = staged_location(9, "image", facts)
    stale = fake_comfy.store.input_dir / subfolder / name
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"half an upload from a crash")

    reference = await stage_input(backend(session, fake_comfy), 9, "image", data, facts)

    assert reference == f"{subfolder}/{name}"
    assert stale.read_bytes() == data


async def test_a_backend_that_refuses_the_size_raises_the_clients_error(
    fake_comfy_factory: FakeComfyFactory, session: aiohttp.ClientSession
) -> None:
    fake = await fake_comfy_factory(FakeConfig(max_upload_size=1024))
    data = media.wav(0.2, 1)

    with pytest.raises(errors.UploadRejected) as refused:
        await stage_input(backend(session, fake), 3, "audio", data, inspect_input_sync(data, "x"))

    assert refused.value.status == 413


def test_a_role_that_is_not_a_slot_name_is_refused() -> None:
    facts = InputFacts(InputKind.IMAGE, "image/png", "0" * 64, 1, "x")
    with pytest.raises(ValueError, match="role"):
        staged_location(1, "../image", facts)


def test_every_type_inspection_can_answer_has_an_extension() -> None:
    mimes = set(IMAGE_MIMES.values()) | {mime for pair in CONTAINERS.values() for mime in pair}
    assert mimes <= set(EXTENSIONS)
