import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comfy.workflows.aspect import COMMON_ASPECT_RATIOS, AspectRatio, dimensions_for


@pytest.mark.parametrize(
    ("ratio", "area", "expected"),
    [
        ("1:1", 512 * 512, (512, 512)),
        ("16:9", 512 * 512, (704, 384)),
        ("9:16", 512 * 512, (384, 704)),
        ("16:9", 1024 * 1024, (1344, 768)),
        ("4:3", 1024 * 1024, (1152, 896)),
        ("21:9", 1024 * 1024, (1536, 640)),
        ("2:3", 1024 * 1024, (832, 1280)),
    ],
)
def test_known_sizes(ratio: str, area: int, expected: tuple[int, int]) -> None:
    assert dimensions_for(AspectRatio.parse(ratio), area) == expected


@pytest.mark.parametrize("ratio", COMMON_ASPECT_RATIOS)
@pytest.mark.parametrize("side", [512, 768, 1024])
def test_common_ratios_keep_the_area_and_the_shape(ratio: str, side: int) -> None:
    parsed = AspectRatio.parse(ratio)

    width, height = dimensions_for(parsed, side * side)

    assert (width % 64, height % 64) == (0, 0)
    assert abs(width * height / (side * side) - 1) < 0.12
    assert abs(math.log((width / height) / (parsed.width / parsed.height))) < 0.12


@given(st.integers(1, 64), st.integers(1, 64), st.integers(256, 2048))
def test_any_accepted_ratio_gives_positive_multiples_of_64(w: int, h: int, side: int) -> None:
    try:
        ratio = AspectRatio.parse(f"{w}:{h}")
    except ValueError:
        assert max(w / h, h / w) > 3
        return

    width, height = dimensions_for(ratio, side * side)

    assert min(width, height) >= 64
    assert (width % 64, height % 64) == (0, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("16:9", "16:9"), ("32:18", "16:9"), (" 4 x 3 ", "4:3"), ("5:4", "5:4"), ("21:9", "21:9")],
)
def test_ratios_are_reduced_to_lowest_terms(text: str, expected: str) -> None:
    assert str(AspectRatio.parse(text)) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("wide", "not an aspect ratio"),
        ("0:1", "zero side"),
        ("10:1", "too stretched"),
        ("67:65", "fine-grained"),
    ],
)
def test_bad_ratios_say_why(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        AspectRatio.parse(text)


@pytest.mark.parametrize(
    ("width", "height", "shape"),
    [
        (4032, 3024, "4:3"),
        (1920, 1080, "16:9"),
        (1023, 1024, "1:1"),  # within 1% of a common ratio: called by its name
        (2560, 1080, "64:27"),
        (1000, 10, "3:1"),  # no more stretched than the bot takes
        (10, 1000, "1:3"),
        (853, 1280, "2:3"),
        # Made by a workflow at a common ratio, the sides on a 64-pixel grid: called by its name.
        (1344, 768, "16:9"),
        (1280, 832, "3:2"),
        (1152, 896, "4:3"),
        (704, 384, "16:9"),
        (1536, 640, "21:9"),
        (640, 448, "3:2"),
        (128, 64, "2:1"),  # on the grid of 16:9 too, but far from its shape
        (0, 100, "1:3"),  # no width: as thin as the bot takes
        (0, 0, "1:1"),
    ],
)
def test_a_pictures_shape_is_the_nearest_one_the_bot_takes(width: int, height: int, shape: str) -> None:
    ratio = AspectRatio.of_picture(width, height)

    assert str(ratio) == shape
    assert AspectRatio.parse(shape) == ratio
