"""ComfyClient.upload against the fake ComfyUI: typed answers, every failure in the library's own errors."""

from __future__ import annotations

import pytest

from comfy import errors
from comfy.uploads import UploadedFile
from tests.comfy.conftest import ClientFactory, wav_bytes
from tests.fakes.comfyui import FakeComfyUI, FakeConfig, media
from tests.fixtures.comfyui import FakeComfyFactory


async def test_an_upload_answers_where_the_file_was_kept(
    fake_comfy: FakeComfyUI, make_client: ClientFactory
) -> None:
    client = await make_client(fake_comfy.url)
    data = media.png(4, 4, 0x102030)

    uploaded = await client.upload("photo.png", data, subfolder="job-7")

    assert uploaded == UploadedFile("photo.png", "job-7", "input")
    assert uploaded.reference == "job-7/photo.png"
    [record] = fake_comfy.uploads
    assert (record.sent_name, record.subfolder, record.path.read_bytes()) == ("photo.png", "job-7", data)
    assert record.path == fake_comfy.store.input_dir / "job-7" / "photo.png"


async def test_a_taken_name_comes_back_renamed(fake_comfy: FakeComfyUI, make_client: ClientFactory) -> None:
    client = await make_client(fake_comfy.url)
    await client.upload("tone.wav", wav_bytes(1))

    renamed = await client.upload("tone.wav", wav_bytes(2))
    replaced = await client.upload("tone.wav", wav_bytes(2, seconds=0.25), overwrite=True)

    assert renamed.reference == "tone (1).wav"
    assert replaced.reference == "tone.wav"
    assert [r.written for r in fake_comfy.uploads] == [True, True, True]


async def test_a_file_over_the_servers_limit_is_refused_as_too_large(
    fake_comfy_factory: FakeComfyFactory, make_client: ClientFactory
) -> None:
    fake = await fake_comfy_factory(FakeConfig(max_upload_size=64 * 1024))
    client = await make_client(fake.url)

    with pytest.raises(errors.UploadRejected) as refused:
        await client.upload("big.png", bytes(128 * 1024))

    assert refused.value.status == 413
    assert refused.value.user_message == "That file is too large for the ComfyUI server."
    assert fake.uploads == []


@pytest.mark.parametrize(
    ("filename", "subfolder"),
    [("../evil.png", ""), ("a/b.png", ""), ("", ""), ("ok.png", "../up"), ("ok.png", "/abs"), ("é.png", "")],
)
async def test_a_name_the_server_would_misplace_is_refused_before_sending(
    fake_comfy: FakeComfyUI, make_client: ClientFactory, filename: str, subfolder: str
) -> None:
    client = await make_client(fake_comfy.url)

    with pytest.raises(ValueError, match="upload"):
        await client.upload(filename, b"data", subfolder=subfolder)

    assert fake_comfy.uploads == []


async def test_an_unreachable_backend_is_backend_unavailable(
    fake_comfy: FakeComfyUI, make_client: ClientFactory
) -> None:
    client = await make_client(fake_comfy.url)
    await fake_comfy.kill()

    with pytest.raises(errors.BackendUnavailable):
        await client.upload("photo.png", media.png(4, 4, 0))


@pytest.mark.parametrize(
    "answer",
    [
        None,
        [],
        {"subfolder": "", "type": "input"},
        {"name": "", "type": "input"},
        {"name": "x", "type": "attic"},
    ],
)
def test_an_answer_outside_the_protocol_is_unexpected(answer: object) -> None:
    with pytest.raises(errors.UnexpectedResponse):
        UploadedFile.parse(answer)


def test_a_file_outside_input_is_referenced_with_its_folder_annotation() -> None:
    assert UploadedFile("x.png", "", "temp").reference == "x.png [temp]"
    assert UploadedFile("x.png", "a", "output").reference == "a/x.png [output]"
