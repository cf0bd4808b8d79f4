"""Random and mangled bytes never make inspection raise anything but InputRefused (Hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.inputs import InputFacts, InputLimits, InputRefused, inspect_input_sync
from tests.core.inputs.media_samples import mp4_clip, png_bomb
from tests.fakes.comfyui import media

MAGIC = [
    b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF89a", b"RIFF\x00\x00\x00\x00WEBPVP8 ", b"BM", b"ID3\x04\x00",
    b"RIFF\x24\x00\x00\x00WAVEfmt ", b"fLaC", b"OggS\x00\x02", b"\x00\x00\x00\x18ftypmp42", b"\x1aE\xdf\xa3",
    b"FORM\x00\x00\x00\x00AIFF",
]  # fmt: skip
VALID = [
    media.png(16, 16, 0xABCDEF), media.jpeg(16, 16, 0x123456), media.wav(0.2, 1), mp4_clip(16, 16, 3),
    *(media.encoded_audio(codec, 1, 0.3) for codec in ("mp3", "flac", "opus")), png_bomb(),
]  # fmt: skip
LIMITS = InputLimits(max_bytes=256 * 1024, max_pixels=1_000_000, max_seconds=60.0)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def inspect_or_refuse(data: bytes) -> None:
    """Anything but InputFacts or InputRefused (with a message) escaping fails the test."""
    try:
        found: InputFacts | InputRefused = inspect_input_sync(data, "upload.bin", limits=LIMITS)
    except InputRefused as refused:
        found = refused
    if isinstance(found, InputRefused):
        assert found.user_message
    else:
        assert found.size == len(data)


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes_are_either_facts_or_a_refusal(data: bytes) -> None:
    inspect_or_refuse(data)


@FUZZ
@given(st.sampled_from(MAGIC), st.binary(max_size=4096))
def test_bytes_behind_a_real_magic_number_are_either_facts_or_a_refusal(magic: bytes, tail: bytes) -> None:
    inspect_or_refuse(magic + tail)


@FUZZ
@given(st.sampled_from(VALID), st.data())
def test_mangled_real_files_are_either_facts_or_a_refusal(original: bytes, data: st.DataObject) -> None:
    mangled = bytearray(original)
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(mangled) - 1))
        mangled[position] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(mangled)))
    inspect_or_refuse(bytes(mangled[:cut]))
