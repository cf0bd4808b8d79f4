"""Parsing rules checked against frames, bodies and history documents recorded from a real ComfyUI."""

from __future__ import annotations

import json
import struct

import pytest

from comfy import errors, events, protocol, rejections
from comfy.transport import error_for_response
from tests.comfy.traces import binary_frame, load


def test_legacy_preview_frame_is_a_png_without_prompt_id() -> None:
    trace = load("image_savews_legacy_client")
    bin_info = next(e["bin"] for e in trace["ws_events"] if e["kind"] == "binary")

    parsed = protocol.parse_binary_frame(binary_frame(bin_info))

    assert isinstance(parsed, protocol.BinaryPreview)
    assert parsed.mime == "image/png"
    assert parsed.image.startswith(b"\x89PNG")
    assert parsed.prompt_id is None
    assert len(parsed.image) == bin_info["image_bytes_len"]


def test_metadata_preview_frame_names_its_prompt_and_node() -> None:
    trace = load("image_savews_preview_metadata_client")
    bin_info = next(e["bin"] for e in trace["ws_events"] if e["kind"] == "binary")

    parsed = protocol.parse_binary_frame(binary_frame(bin_info))

    assert isinstance(parsed, protocol.BinaryPreview)
    assert parsed.prompt_id == trace["post_response"]["prompt_id"]
    assert parsed.node_id == "3"
    assert parsed.mime == "image/png"
    assert parsed.image.startswith(b"\x89PNG")


def test_jpeg_preview_and_progress_text_frames() -> None:
    jpeg = protocol.parse_binary_frame(struct.pack(">II", 1, 1) + b"\xff\xd8\xff\xe0rest")
    text = protocol.parse_binary_frame(struct.pack(">II", 3, 1) + b"9" + "step 2 ✓".encode())

    assert isinstance(jpeg, protocol.BinaryPreview)
    assert jpeg.mime == "image/jpeg"
    assert text == protocol.ProgressText("9", "step 2 ✓")


@pytest.mark.parametrize(
    "frame",
    [
        b"",
        b"\x00\x00\x00\x01",
        struct.pack(">II", 4, 999) + b"{}",
        struct.pack(">II", 4, 2) + b"[]",
        b"\x00" * 8,
    ],
)
def test_truncated_or_unknown_binary_frames_are_ignored(frame: bytes) -> None:
    assert protocol.parse_binary_frame(frame) is None


def test_text_frames_parse_and_garbage_is_ignored() -> None:
    message = protocol.parse_text_frame(
        json.dumps({"type": "executing", "data": {"node": None, "prompt_id": "p"}})
    )

    assert message == protocol.ServerMessage("executing", {"node": None, "prompt_id": "p"})
    assert message.prompt_id == "p"
    assert protocol.parse_text_frame("not json") is None
    assert protocol.parse_text_frame("[1, 2]") is None


def test_a_frame_with_a_lone_surrogate_escape_parses_as_python_wrote_it() -> None:
    # ComfyUI's json.dumps writes a name it read with surrogateescape as "\udcff"; json.loads reads that.
    name = "out\udcff.png"
    text = json.dumps({"type": "executed", "data": {"node": "9", "output": {"images": [{"filename": name}]}}})

    message = protocol.parse_text_frame(text)

    assert message is not None
    assert message.data["output"]["images"][0]["filename"] == name


def test_rejection_message_names_node_class_input_and_reason() -> None:
    case = load("post_prompt_errors")["missing_required_input"]

    error = rejections.prompt_rejected(case["response"])

    assert error.problems == (
        errors.NodeProblem("1", "EmptyImage", "width", "Required input is missing", "required_input_missing"),
    )
    assert "node 1 (EmptyImage), input 'width': Required input is missing" in error.user_message
    assert error.error_type == "prompt_outputs_failed_validation"


def test_rejection_without_node_errors_uses_the_error_message() -> None:
    case = load("post_prompt_errors")["unknown_node_class"]

    error = rejections.prompt_rejected(case["response"])

    assert error.problems == ()
    assert "node NoSuchNode does not exist" in error.user_message
    assert "Node ID '#1'" in error.user_message


def test_every_recorded_400_becomes_a_readable_rejection() -> None:
    for name, case in load("post_prompt_errors").items():
        if case.get("http_status") != 400:
            continue
        error = error_for_response(400, json.dumps(case["response"]), what="POST /prompt")
        assert isinstance(error, errors.PromptRejected), name
        assert error.user_message.startswith("The ComfyUI server refused this workflow"), name
        for problem in error.problems:
            assert problem.node_id in error.user_message
            assert problem.reason in error.user_message


def test_http_status_mapping() -> None:
    assert isinstance(
        error_for_response(500, "Server got itself in trouble", what="POST /queue"), errors.BackendUnavailable
    )
    assert isinstance(error_for_response(404, "", what="GET /view x"), errors.UnexpectedResponse)
    assert isinstance(error_for_response(403, "", what="GET /history"), errors.UnexpectedResponse)
    assert isinstance(error_for_response(400, "not json", what="POST /prompt"), errors.PromptRejected)


def test_successful_history_gives_completed_with_files() -> None:
    trace = load("image_emptyimage_saveimage")
    prompt_id = trace["post_response"]["prompt_id"]

    outcome = protocol.outcome_from_history(
        prompt_id, protocol.history_entry(trace["history"], prompt_id) or {}
    )

    assert isinstance(outcome, events.Completed)
    assert [f.filename for f in outcome.files] == ["imagine_00001_.png", "imagine_00002_.png"]
    assert outcome.files[0] == events.OutputFile("2", "images", "imagine_00001_.png", "bot", "output")


def test_a_recorded_success_gives_its_run_time_from_the_servers_own_timestamps() -> None:
    trace = load("image_emptyimage_saveimage")
    prompt_id = trace["post_response"]["prompt_id"]
    entry = protocol.history_entry(trace["history"], prompt_id) or {}
    stamps = {kind: data["timestamp"] for kind, data in entry["status"]["messages"]}

    outcome = protocol.outcome_from_history(prompt_id, entry)

    assert isinstance(outcome, events.Completed)
    assert outcome.run_s == (stamps["execution_success"] - stamps["execution_start"]) / 1000


@pytest.mark.parametrize(
    "messages",
    [
        [["execution_start", {"timestamp": 1000}]],  # no success
        [["execution_success", {"timestamp": 1000}]],  # no start
        [["execution_start", {"timestamp": 2000}], ["execution_success", {"timestamp": 1000}]],  # backwards
        [["execution_start", {"timestamp": "1"}], ["execution_success", {"timestamp": 2000}]],  # a string
        [["execution_start", {"timestamp": True}], ["execution_success", {"timestamp": 2000}]],
        "not a list",
    ],
)
def test_a_success_without_two_sound_timestamps_has_no_run_time(messages: object) -> None:
    entry = {"status": {"status_str": "success", "completed": True, "messages": messages}, "outputs": {}}

    outcome = protocol.outcome_from_history("p", entry)

    assert isinstance(outcome, events.Completed)
    assert outcome.run_s is None


def test_errored_history_gives_failed_with_the_exception() -> None:
    trace = load("runtime_error_execution_error")
    prompt_id = trace["post_response"]["prompt_id"]

    outcome = protocol.outcome_from_history(prompt_id, trace["history"][prompt_id])

    assert isinstance(outcome, events.Failed)
    assert outcome.error.node_type == "SplitAudioChannels"
    assert outcome.error.exception_type == "ValueError"
    assert "only one channel" in outcome.error.user_message


def test_interrupted_history_gives_interrupted() -> None:
    trace = load("interrupt_targeted_running")
    prompt_id = trace["interrupted_prompt"]["prompt_id"]

    outcome = protocol.outcome_from_history(prompt_id, trace["history_a"][prompt_id])

    assert outcome == events.Interrupted(prompt_id, node_id="3")


def test_empty_history_answer_is_not_an_entry() -> None:
    assert protocol.history_entry({}, "p") is None


def test_audio_outputs_are_files_of_kind_audio() -> None:
    trace = load("audio_SaveAudioMP3_V0")
    prompt_id = trace["post_response"]["prompt_id"]

    files = protocol.output_files(trace["history"][prompt_id]["outputs"])

    assert files == (events.OutputFile("2", "audio", "bot_song_00002_.mp3", "audio", "output"),)


def test_queue_pending_is_sorted_by_number_not_heap_order() -> None:
    running = [117, "r", {}, {}, []]
    pending_numbers = load("queue_interrupt_race")["queue"]["queue_after_front_pending_numbers"]
    pending = [[n, f"p{n}", {}, {}, []] for n in pending_numbers]

    snapshot = protocol.QueueSnapshot.parse({"queue_running": [running], "queue_pending": pending})

    assert snapshot.running == ("r",)
    assert snapshot.pending[0] == "p-137"
    assert snapshot.position("p118") == 1
    assert snapshot.state("p134") == "pending"
    assert snapshot.state("r") == "running"
    assert snapshot.state("gone") == "absent"
    assert snapshot.remaining == len(pending_numbers) + 1


def test_combo_choices_lists_models() -> None:
    info = {
        "CheckpointLoaderSimple": {"input": {"required": {"ckpt_name": [["a.safetensors", "b.ckpt"], {}]}}}
    }

    assert protocol.combo_choices(info, "CheckpointLoaderSimple", "ckpt_name") == ["a.safetensors", "b.ckpt"]
    assert protocol.combo_choices(info, "Missing", "ckpt_name") == []
