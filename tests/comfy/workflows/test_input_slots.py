import pytest

from comfy.workflows.input_slots import (
    MissingInputReference,
    find_loaders,
    input_marker,
    marked_roles,
    place_markers,
    resolve_input_markers,
)
from tests.comfy.workflows.graphs import node


def _inpaint() -> dict[str, dict[str, object]]:
    return {
        "1": node("LoadImage", image="photo.png"),
        "2": node("LoadImageMask", image="mask.png", channel="alpha"),
        "3": node("LoadAudio", audio="song.mp3"),
        "4": node("SaveImage", images=["1", 0], filename_prefix="x"),
    }


def test_loaders_are_found_by_class_with_their_role() -> None:
    assert find_loaders(_inpaint()) == {"image": ("1",), "mask": ("2",), "audio": ("3",)}


def test_a_loader_wired_to_another_node_is_not_an_input_of_the_workflow() -> None:
    graph = {"1": node("LoadImage", image=["9", 0]), "9": node("PrimitiveString", value="a.png")}

    assert find_loaders(graph) == {}


def test_marker_is_the_role_behind_a_prefix() -> None:
    assert input_marker("image") == "bot-input:image"


def test_markers_are_placed_in_each_loaders_file_input_and_read_back() -> None:
    graph = _inpaint()

    place_markers(graph, {"image": ("1",), "mask": ("2",)})

    assert graph["1"]["inputs"]["image"] == "bot-input:image"
    assert graph["2"]["inputs"] == {"image": "bot-input:mask", "channel": "alpha"}
    assert graph["3"]["inputs"]["audio"] == "song.mp3"
    assert marked_roles(graph) == {"image", "mask"}


def test_resolving_returns_a_copy_with_the_uploaded_references_and_keeps_the_markers() -> None:
    graph = _inpaint()
    place_markers(graph, {"image": ("1",), "audio": ("3",)})

    posted = resolve_input_markers(graph, {"image": "bot-job-7/image-ab.png", "audio": "bot-job-7/a.mp3"})

    assert posted["1"]["inputs"]["image"] == "bot-job-7/image-ab.png"
    assert posted["3"]["inputs"]["audio"] == "bot-job-7/a.mp3"
    assert marked_roles(posted) == set()
    assert marked_roles(graph) == {"image", "audio"}  # the stored graph is posted again after a move


def test_resolving_without_a_reference_for_a_marked_role_names_the_role() -> None:
    graph = _inpaint()
    place_markers(graph, {"image": ("1",), "mask": ("2",)})

    with pytest.raises(MissingInputReference) as raised:
        resolve_input_markers(graph, {"image": "a.png"})

    assert raised.value.roles == {"mask"}


def test_extra_references_for_roles_the_graph_does_not_mark_are_ignored() -> None:
    graph = {"1": node("LoadImage", image=input_marker("image"))}

    assert resolve_input_markers(graph, {"image": "a.png", "audio": "b.mp3"})["1"]["inputs"] == {
        "image": "a.png"
    }


def test_a_loader_of_an_unknown_class_is_marked_in_its_one_file_input() -> None:
    graph = {"5": node("VHS_LoadVideo", video="clip.mp4", frame_load_cap=16)}

    place_markers(graph, {"video": ("5",)})

    assert graph["5"]["inputs"]["video"] == "bot-input:video"


def test_a_node_without_a_file_input_cannot_be_marked() -> None:
    graph = {"5": node("KSampler", steps=3)}

    with pytest.raises(ValueError, match="no file input"):
        place_markers(graph, {"image": ("5",)})
