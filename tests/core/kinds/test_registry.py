"""The registry of kinds: each kind once, parameters back in their typed form, the kind found from them."""

from __future__ import annotations

import pytest

from core.kinds import (
    EDIT,
    IMAGE,
    SONG,
    UPSCALE,
    VIDEO,
    ImageParams,
    SongParams,
    UnknownKind,
    default_kinds,
    spec_of,
    typed_params,
)
from core.kinds.image import IMAGE_KIND


def test_a_kind_is_registered_once() -> None:
    with pytest.raises(ValueError, match="registered twice"):
        default_kinds().with_kinds(IMAGE_KIND)


def test_stored_parameters_come_back_typed_with_their_seed() -> None:
    kinds = default_kinds()
    stored = ImageParams(prompt="a fox", seed=2**64 - 1, count=2).model_dump(mode="json")

    params = kinds.parse(IMAGE, stored)

    assert params == ImageParams(prompt="a fox", seed=2**64 - 1, count=2)
    assert kinds.of(params).kind == IMAGE
    assert spec_of(params).kind == IMAGE
    assert spec_of(SongParams()).kind == SONG


def test_an_unregistered_kind_or_foreign_parameters_are_named() -> None:
    with pytest.raises(UnknownKind, match="'hologram'"):
        default_kinds().get("hologram")
    with pytest.raises(TypeError, match="dict are not the parameters of a registered kind"):
        typed_params({"prompt": "a fox"})


def test_every_built_in_kind_has_its_default_workflow_in_the_catalogue() -> None:
    kinds = default_kinds()
    catalogue = kinds.catalogue()
    assert {spec.kind: catalogue.default(spec.kind).name for spec in kinds} == {
        IMAGE: "txt2img",
        SONG: "song",
        EDIT: "edit",
        UPSCALE: "upscale",
        VIDEO: "video",
    }
    assert kinds.default_workflows(EDIT) == ("edit", "edit-kontext")
    assert kinds.default_workflows(UPSCALE) == ("upscale", "upscale-basic")
