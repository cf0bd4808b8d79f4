"""The header look answers the common refusals exactly as the full inspection would, without decoding."""

from __future__ import annotations

import pytest

from core.inputs import InputKind, InputLimits, InputRefused, RefusalReason, inspect_input_sync
from core.inputs.sniffing import sniff_input
from tests.core.inputs.media_samples import mp4_clip, png_bomb
from tests.fakes.comfyui import media

AUDIO = {InputKind.AUDIO}
IMAGE = {InputKind.IMAGE}


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (media.png(16, 8, 0x123456), InputKind.IMAGE),
        (media.jpeg(16, 8, 0x123456), InputKind.IMAGE),
        (media.wav(0.5, 2), InputKind.AUDIO),
        (media.encoded_audio("mp3", 2, 0.5), InputKind.AUDIO),
        (mp4_clip(32, 16, frames=3), InputKind.VIDEO),
    ],
    ids=["png", "jpeg", "wav", "mp3", "mp4"],
)
def test_media_is_known_by_its_header(data: bytes, kind: InputKind) -> None:
    assert sniff_input(data, "named.txt") is kind
    assert inspect_input_sync(data, "named.txt").kind is kind


@pytest.mark.parametrize(
    ("data", "accepted", "limits", "reason"),
    [
        (b"", None, InputLimits(), RefusalReason.EMPTY),
        (b"hello " * 100, None, InputLimits(), RefusalReason.NOT_MEDIA),
        (b"ID3 not really an mp3 " * 40, AUDIO, InputLimits(), RefusalReason.NOT_MEDIA),
        (png_bomb(30000, 30000), IMAGE, InputLimits(), RefusalReason.TOO_MANY_PIXELS),
        (media.png(8, 8, 0), AUDIO, InputLimits(), RefusalReason.WRONG_KIND),
        (media.wav(0.5, 1), IMAGE, InputLimits(), RefusalReason.WRONG_KIND),
        (media.png(64, 64, 0), None, InputLimits(max_bytes=100), RefusalReason.TOO_LARGE),
        (media.wav(2.0, 1), AUDIO, InputLimits(max_seconds=1.0), RefusalReason.TOO_LONG),
    ],
    ids=[
        "empty",
        "text",
        "fake-mp3",
        "png-bomb",
        "picture-for-audio",
        "audio-for-picture",
        "too-large",
        "too-long",
    ],
)
def test_a_refusal_from_the_header_is_the_one_inspection_gives(
    data: bytes, accepted: set[InputKind] | None, limits: InputLimits, reason: RefusalReason
) -> None:
    with pytest.raises(InputRefused) as sniffed:
        sniff_input(data, "file", accepted=accepted, limits=limits)
    with pytest.raises(InputRefused) as inspected:
        inspect_input_sync(data, "file", accepted=accepted, limits=limits)

    assert sniffed.value.reason is reason
    assert sniffed.value.user_message == inspected.value.user_message


def test_a_picture_cut_short_passes_the_header_look_and_is_left_to_inspection() -> None:
    whole = media.png(64, 64, 0x123456)
    cut = whole[: len(whole) // 2]

    assert sniff_input(cut, "cut.png") is InputKind.IMAGE
    with pytest.raises(InputRefused) as inspected:
        inspect_input_sync(cut, "cut.png")
    assert inspected.value.reason is RefusalReason.DAMAGED
