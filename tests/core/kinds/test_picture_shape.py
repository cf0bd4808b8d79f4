"""A request's shape from the picture it brings, unless it named one."""

from __future__ import annotations

import pytest

from core.kinds import default_kinds
from core.kinds.image import ImageParams
from core.kinds.picture_shape import PanTooLong
from core.kinds.video import VideoParams

KINDS = default_kinds()


def test_an_image_request_that_named_no_shape_takes_the_pictures() -> None:
    fitted = KINDS.fit_to_picture(ImageParams(prompt="a fox", seed=1), 1920, 1080)

    assert fitted.aspect_ratio == "16:9"  # type: ignore[attr-defined]


def test_a_shape_the_request_named_wins_even_the_default_one() -> None:
    params = ImageParams(prompt="a fox", aspect_ratio="1:1")

    assert KINDS.fit_to_picture(params, 1920, 1080) is params


def test_a_pan_widens_the_pictures_own_shape() -> None:
    assert KINDS.fit_to_picture(ImageParams(prompt="x", pan="up"), 1024, 768).aspect_ratio == "8:9"  # type: ignore[attr-defined]


def test_a_video_from_a_picture_takes_its_shape_unless_one_was_asked() -> None:
    own = KINDS.fit_to_picture(VideoParams(prompt="waves"), 720, 1280)
    named = VideoParams(prompt="waves", aspect_ratio="1:1")

    assert own.aspect_ratio == "9:16"  # type: ignore[attr-defined]
    assert KINDS.fit_to_picture(named, 720, 1280) is named


def test_a_pan_that_would_stretch_a_long_picture_past_3_to_1_is_refused_in_words() -> None:
    with pytest.raises(PanTooLong) as refused:
        KINDS.fit_to_picture(ImageParams(prompt="x", pan="left"), 2560, 1080)

    assert refused.value.user_message == (
        "This picture is 64:27 already: panned left, it would be more stretched than 3:1. "
        "Pan the other way, or name a shape with --ar."
    )
    # Across, the same picture pans: 64:27 made half again as tall is 128:81, near enough 49:31.
    assert KINDS.fit_to_picture(ImageParams(prompt="x", pan="up"), 2560, 1080).aspect_ratio == "49:31"  # type: ignore[attr-defined]
