"""The size of a video made from a picture: the picture's shape, the workflow's pixel area (what its model
is made for), each side a multiple of 32; the picture itself scaled cleanly to that size first."""

from __future__ import annotations

from fractions import Fraction

import pytest

from core.kinds import VideoParams
from core.kinds.video import VIDEO_SIZE_MULTIPLE
from tests.core.kinds.workflows import KINDS, first_frame, load_workflows

# Built-in workflow -> its latent node and its own size (Wan 2.2 5B at 720p, Wan 2.2 14B at 640x640).
WORKFLOWS = {"video": ("55", (1280, 704)), "video_i2v": ("50", (640, 640))}


def video_size(workflow: str, picture: tuple[int, int], **asked: object) -> tuple[int, int]:
    """The latent size and the first frame's scale a request with a picture of that size is bound with."""
    latent, _ = WORKFLOWS[workflow]
    params = KINDS.fit_to_picture(VideoParams(prompt="it moves", seed=1, **asked), *picture)
    bound = KINDS.bind(load_workflows().get(workflow), params, inputs=["image"])
    inputs = bound.graph[latent]["inputs"]
    scaler, _ = first_frame(bound.graph, latent)
    size = inputs["width"], inputs["height"]
    assert (scaler["inputs"]["width"], scaler["inputs"]["height"]) == size, "the picture made that size"
    assert (scaler["inputs"]["upscale_method"], scaler["inputs"]["crop"]) == ("lanczos", "center")
    assert (bound.metadata["width"], bound.metadata["height"]) == size, "recorded as made"
    return size


@pytest.mark.parametrize(
    ("workflow", "picture", "expected"),
    [
        ("video", (1000, 750), (1088, 832)),
        ("video", (4000, 3000), (1088, 832)),
        ("video", (1080, 1920), (704, 1280)),
        ("video", (2560, 1080), (1472, 608)),
        ("video_i2v", (1000, 750), (736, 544)),
        ("video_i2v", (4000, 3000), (736, 544)),
        ("video_i2v", (777, 555), (768, 544)),
    ],
)
def test_a_picture_gives_its_shape_at_the_workflows_area_on_the_32_px_grid(
    workflow: str, picture: tuple[int, int], expected: tuple[int, int]
) -> None:
    width, height = video_size(workflow, picture)
    _, (own_width, own_height) = WORKFLOWS[workflow]

    assert (width, height) == expected
    assert width % VIDEO_SIZE_MULTIPLE == 0
    assert height % VIDEO_SIZE_MULTIPLE == 0
    # Its shape as near as the grid allows, its area the workflow's as near as the grid allows.
    assert abs(Fraction(width, height) / Fraction(*picture) - 1) < Fraction(1, 25)
    assert abs(width * height / (own_width * own_height) - 1) < 0.05


def test_a_small_picture_is_scaled_up_to_the_size_the_model_is_made_for_and_no_further() -> None:
    assert video_size("video", (320, 240)) == video_size("video", (1000, 750)) == (1088, 832)
    assert video_size("video_i2v", (160, 160)) == (640, 640), "the workflow's own size, not more"


def test_a_shape_asked_for_wins_over_the_pictures() -> None:
    assert video_size("video", (1000, 750), aspect_ratio="9:16") == (704, 1280)


def test_a_picture_too_stretched_is_cut_to_3_to_1() -> None:
    assert video_size("video_i2v", (3000, 500)) == (1120, 384)
