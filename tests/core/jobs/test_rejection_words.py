"""A workflow ComfyUI refuses (POST /prompt answered 400 with node_errors) is told to the member in plain
words of what they can do; the node, input and file names stay with the operators (the log, the job's
detail, /workflows test). Each recorded shape of refusal (tests/comfy/traces/post_prompt_errors.json, the
real server's answers) has its sentence."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from bot.locales import Catalogue, Words
from comfy import errors, rejections
from core.jobs import refusal_texts
from core.jobs.failure_texts import failure_text
from core.kinds.registry import default_kinds

TRACES = json.loads((Path(__file__).parents[2] / "comfy" / "traces" / "post_prompt_errors.json").read_text())
IMAGE = next(spec for spec in default_kinds() if spec.kind == "image")
SONG = next(spec for spec in default_kinds() if spec.kind == "song")
# What only an operator can read: node ids and classes, input names, file names, ComfyUI's own wording.
_TECHNICAL = re.compile(
    r"node \d|CheckpointLoaderSimple|EmptyImage|KSampler|SaveImage|NoSuchNode|ckpt_name|sampler_name|width|"
    r"safetensors|not in list|smaller than min|bigger than max|Node ID|invalid_prompt|validation",
    re.IGNORECASE,
)


def _refused(case: str) -> errors.PromptRejected:
    return rejections.prompt_rejected(TRACES[case]["response"])


def _said(case: str, locale: str = "en", **how: Any) -> str:
    return Words(Catalogue.shipped(), locale).say(failure_text(_refused(case), **how))


_REFUSED_400 = sorted(name for name, case in TRACES.items() if case.get("http_status") == 400)


@pytest.mark.parametrize("locale", ["en", "de"])
@pytest.mark.parametrize("case", _REFUSED_400)
def test_no_refusal_shows_the_member_a_node_an_input_or_a_file(case: str, locale: str) -> None:
    said = _said(case, locale, member_inputs=IMAGE.member_inputs)
    assert not _TECHNICAL.search(said), said


@pytest.mark.parametrize("case", ["checkpoint_not_in_list", "two_errors_ckpt_and_sampler"])
def test_a_missing_model_says_the_server_lacks_a_model_and_that_the_operator_knows(case: str) -> None:
    assert _said(case) == (
        "This server's ComfyUI is missing a model this workflow needs; the bot's operator has been told. "
        "Please try another workflow meanwhile."
    )


def test_a_missing_custom_node_says_the_server_lacks_a_part_of_the_workflow() -> None:
    said = _said("unknown_node_class")
    assert said.startswith("This server's ComfyUI is missing a custom node this workflow needs")
    assert "operator has been told" in said


@pytest.mark.parametrize("case", ["value_above_max", "value_below_min"])
def test_a_size_out_of_range_tells_the_member_what_to_try(case: str) -> None:
    said = _said(case, member_inputs=IMAGE.member_inputs)
    assert said == "The size you asked for is out of range for this workflow: try another aspect_ratio."


def test_a_count_too_high_tells_the_member_to_ask_for_fewer() -> None:
    body = json.loads(json.dumps(TRACES["value_above_max"]["response"]))
    body["node_errors"]["1"]["errors"][0]["extra_info"]["input_name"] = "batch_size"
    said = Words(Catalogue.shipped()).say(
        failure_text(rejections.prompt_rejected(body), member_inputs=SONG.member_inputs)
    )
    assert said == "This workflow can't make that many at once: try a smaller count."


def test_a_number_out_of_range_the_member_did_not_choose_is_the_workflows_fault() -> None:
    # A video's size is its workflow's: the member chose nothing ComfyUI found out of range.
    said = _said("value_above_max", member_inputs={})
    assert said.startswith("This workflow can't run on this server's ComfyUI as it is set up")


@pytest.mark.parametrize("case", ["missing_required_input", "link_to_missing_node", "return_type_mismatch"])
def test_a_broken_workflow_says_so_without_blaming_the_member(case: str) -> None:
    said = _said(case, member_inputs=IMAGE.member_inputs)
    assert said == (
        "This workflow can't run on this server's ComfyUI as it is set up; the bot's operator has been told. "
        "Please try another workflow meanwhile."
    )


@pytest.mark.parametrize("case", ["checkpoint_not_in_list", "value_above_max", "unknown_node_class"])
def test_workflows_test_keeps_the_technical_detail_for_the_operator_who_runs_it(case: str) -> None:
    refused = _refused(case)
    said = _said(case, technical=True)
    assert said.startswith("The ComfyUI server refused this workflow")
    for problem in refused.problems:
        assert problem.describe() in said
    if not refused.problems:
        assert "NoSuchNode" in said


def test_each_recorded_refusal_has_its_cause() -> None:
    causes = {name: _refused(name).cause for name in _REFUSED_400}
    assert causes["checkpoint_not_in_list"] is errors.RejectionCause.MISSING_MODEL
    assert causes["two_errors_ckpt_and_sampler"] is errors.RejectionCause.MISSING_MODEL
    assert causes["unknown_node_class"] is errors.RejectionCause.MISSING_NODE
    assert causes["value_above_max"] is errors.RejectionCause.OUT_OF_RANGE
    assert causes["value_below_min"] is errors.RejectionCause.OUT_OF_RANGE
    assert causes["missing_class_type"] is errors.RejectionCause.INVALID
    assert causes["return_type_mismatch"] is errors.RejectionCause.INVALID


@pytest.mark.parametrize("language", sorted(Catalogue.shipped().languages))
def test_every_refusal_sentence_is_in_every_language(language: str) -> None:
    texts = Catalogue.shipped().languages[language]["texts"]
    sentences = [refusal_texts.MISSING_NODE, refusal_texts.MISSING_MODEL, refusal_texts.NOT_SET_UP]
    sentences += [said for spec in default_kinds() for said in spec.member_inputs.values()]
    for sentence in sentences:
        assert sentence.key in texts, sentence.key
        if language == "en":
            assert texts[sentence.key] == sentence.english


@pytest.mark.parametrize("case", ["value_above_max", "value_below_min"])
def test_a_value_the_member_chose_refused_is_theirs_not_a_failure_of_the_server(case: str) -> None:
    assert refusal_texts.members_value_refused(_refused(case), IMAGE.member_inputs)
    # The same number out of range in a workflow where the member chose nothing: the server's to put right.
    assert not refusal_texts.members_value_refused(_refused(case), {})


@pytest.mark.parametrize("case", ["checkpoint_not_in_list", "unknown_node_class", "missing_required_input"])
def test_a_workflow_the_server_cannot_run_is_a_failure_of_the_server(case: str) -> None:
    assert not refusal_texts.members_value_refused(_refused(case), IMAGE.member_inputs)


def test_only_a_refusal_can_be_the_members_doing() -> None:
    assert not refusal_texts.members_value_refused(errors.TimedOut("took too long"), IMAGE.member_inputs)
