"""A node that fails while the prompt runs (ComfyUI's execution_error: an out-of-memory in KSampler, a
VAEDecode error) is told to the member in a plain sentence; the node's name, its exception's type and
message stay with the operators (the log, the job's detail, /workflows test). The recorded failure
(tests/comfy/traces/runtime_error_execution_error.json, the real server's payload) and the ways torch and
ComfyUI say a server ran out of memory each have their sentence."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from bot.locales import Catalogue, Words
from comfy import errors, protocol
from core.jobs import execution_texts
from core.jobs.failure_texts import failure_text
from core.kinds.registry import default_kinds
from core.texts import Text

_TRACE = json.loads(
    (Path(__file__).parents[2] / "comfy" / "traces" / "runtime_error_execution_error.json").read_text()
)
RECORDED: dict[str, Any] = next(
    event["msg"]["data"] for event in _TRACE["ws_events"] if event["msg"]["type"] == "execution_error"
)
KINDS = {spec.kind: spec for spec in default_kinds()}
# ComfyUI's own OOM payload: torch's error, and the tips execution.py adds to its message.
_COMFY_OOM = (
    "torch.OutOfMemoryError",
    "Allocation on device \nThis error means you ran out of memory on your GPU.\n\nTIPS: If the workflow "
    "worked before you might have accidentally set the batch_size to a large number.\n",
)
OUT_OF_MEMORY = {
    "comfyui_oom": ("KSampler", *_COMFY_OOM),
    "torch_cuda_oom": (
        "VAEDecode",
        "torch.cuda.OutOfMemoryError",
        "CUDA out of memory. Tried to allocate 2.00 GiB",
    ),
    "runtime_error_oom": ("KSampler", "RuntimeError", "CUDA error: out of memory"),
    "mps_oom": ("VAEDecode", "RuntimeError", "MPS backend out of memory (MPS allocated: 8.00 GB)"),
    "custom_node_oom": ("WanImageToVideo", "Exception", "OOM while encoding the frames"),
}
OTHER = {
    "recorded": (RECORDED["node_type"], RECORDED["exception_type"], RECORDED["exception_message"]),
    "vae_decode": (
        "VAEDecode",
        "RuntimeError",
        "Given groups=1, weight of size [512, 4, 3, 3], expected input",
    ),
    "key_error": ("KSampler", "KeyError", "'model'"),
    "room_is_not_oom": ("SaveImage", "OSError", "no room left on the share for the zoom output"),
}
# What only an operator can read: node classes, exception types, ComfyUI's and torch's own wording.
_TECHNICAL = re.compile(
    r"KSampler|VAEDecode|SaveImage|SplitAudioChannels|WanImageToVideo|Error\b|Exception|torch|CUDA|MPS|"
    r"Allocation|batch_size|groups=|'model'|AudioSplit|node \d|step ",
)


def _failed(node_type: str, exception_type: str, message: str) -> errors.ExecutionFailed:
    return protocol.execution_failed(
        {**RECORDED, "node_type": node_type, "exception_type": exception_type, "exception_message": message}
    )


def _said(error: errors.ComfyError, locale: str = "en", **how: Any) -> str:
    return Words(Catalogue.shipped(), locale).say(failure_text(error, **how))


@pytest.mark.parametrize("locale", ["en", "de"])
@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("case", sorted({**OUT_OF_MEMORY, **OTHER}))
def test_no_failed_run_shows_the_member_a_node_or_an_exception(case: str, kind: str, locale: str) -> None:
    said = _said(_failed(*{**OUT_OF_MEMORY, **OTHER}[case]), locale, lighter=KINDS[kind].lighter)
    assert not _TECHNICAL.search(said), said


@pytest.mark.parametrize("case", sorted(OUT_OF_MEMORY))
def test_out_of_memory_tells_the_member_what_their_kind_may_lower(case: str) -> None:
    said = _said(_failed(*OUT_OF_MEMORY[case]), lighter=KINDS["image"].lighter)
    assert said == "The ComfyUI server ran out of memory while making this: try a lower quality."


def test_out_of_memory_names_each_kinds_own_lighter_ask() -> None:
    said = _said(_failed(*OUT_OF_MEMORY["comfyui_oom"]), lighter=KINDS["video"].lighter)
    assert said.endswith("try a shorter video or a lower quality.")
    german = _said(_failed(*OUT_OF_MEMORY["comfyui_oom"]), "de", lighter=KINDS["song"].lighter)
    assert german == "Dem ComfyUI-Server ist dabei der Speicher ausgegangen: versuch ein kürzeres Lied."


def test_out_of_memory_of_a_kind_with_nothing_to_lower_says_only_that() -> None:
    said = _said(_failed(*OUT_OF_MEMORY["comfyui_oom"]), lighter=None)
    assert said == "The ComfyUI server ran out of memory while making this."


@pytest.mark.parametrize("case", sorted(OTHER))
def test_any_other_failure_says_the_server_failed_and_the_operator_knows(case: str) -> None:
    said = _said(_failed(*OTHER[case]), lighter=KINDS["image"].lighter)
    assert said == (
        "Something went wrong on the ComfyUI server while making this; the bot's operator has been told."
    )


def test_a_failure_only_history_records_is_told_the_same() -> None:
    said = _said(errors.ExecutionFailed("history of p says error"))
    assert said.startswith("Something went wrong on the ComfyUI server while making this")


@pytest.mark.parametrize("case", ["recorded", "vae_decode"])
def test_workflows_test_keeps_the_node_and_the_exception_for_the_operator_who_runs_it(case: str) -> None:
    node_type, _type, message = OTHER[case]
    said = _said(_failed(*OTHER[case]), technical=True)
    assert f"step {node_type}: {message.strip()[:200]}" in said


def test_the_jobs_detail_names_the_node_the_exception_and_its_message() -> None:
    failed = _failed(*OUT_OF_MEMORY["comfyui_oom"])
    assert failed.detail.startswith("node 2 (KSampler) raised torch.OutOfMemoryError: Allocation on device")


def test_each_failure_is_out_of_memory_or_not() -> None:
    assert all(_failed(*case).out_of_memory for case in OUT_OF_MEMORY.values())
    assert not any(_failed(*case).out_of_memory for case in OTHER.values())


@pytest.mark.parametrize("language", sorted(Catalogue.shipped().languages))
def test_every_failed_run_sentence_is_in_every_language(language: str) -> None:
    texts = Catalogue.shipped().languages[language]["texts"]
    lighter = Text("kinds.image.lighter", "a lower quality")
    sentences = [execution_texts.SERVER_FAILED, execution_texts.out_of_memory(None)]
    sentences.append(execution_texts.out_of_memory(lighter))
    for sentence in sentences:
        assert sentence.key in texts, sentence.key
        if language == "en":
            assert texts[sentence.key] == sentence.english.replace("a lower quality", "{lighter}")
