"""/workflows add's check report in the member's language: each backend's verdict, each problem worded from
its code and values, the fixes the problems call for; a backend's own words when unreachable stay as said."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pytest

from bot.locales import REFERENCE, Catalogue, Words, english
from bot.ui.workflow_report import MAX_REPORT_CHARS, unusable_reason, verdict_lines
from comfy.workflows.errors import REASONS, UnusableReason, WorkflowError
from comfy.workflows.template import parse_graph
from comfy.workflows.validation import MESSAGES, WorkflowProblem, find_problems
from core.workflows.verdicts import BackendVerdict

GERMAN = Words(Catalogue.shipped(), "de")
GRAPH = {
    "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "nobody_has_this.safetensors"}},
    "2": {"class_type": "FancySampler", "inputs": {"model": ["1", 0]}},
}
OBJECT_INFO = {
    "CheckpointLoaderSimple": {
        "input": {"required": {"ckpt_name": [["sd15.safetensors", "sdxl.safetensors"]]}},
        "output": ["MODEL", "CLIP", "VAE"],
    }
}


def lacking() -> BackendVerdict:
    return BackendVerdict("http://gpu-1:8188", tuple(find_problems(GRAPH, OBJECT_INFO, "portrait")))


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_each_problems_english_in_the_catalogue_is_the_clients_own(code: str) -> None:
    assert Catalogue.shipped().languages[REFERENCE]["texts"][f"workflows.problem.{code}"] == MESSAGES[code]


def test_a_backend_that_lacks_a_model_and_a_node_is_reported_with_both_fixes_in_german() -> None:
    report = verdict_lines(GERMAN, "portrait", [lacking(), BackendVerdict("http://gpu-2:8188")])
    assert report.splitlines() == [
        "```",
        "✗ Workflow „portrait“ läuft nicht auf http://gpu-1:8188: "
        "Node 1 (CheckpointLoaderSimple), Eingang „ckpt_name“: 'nobody_has_this.safetensors' gibt es auf "
        "diesem Server nicht; er bietet 'sd15.safetensors', 'sdxl.safetensors'; "
        "Node 2 (FancySampler): die Node-Klasse „FancySampler“ ist auf diesem Server nicht installiert "
        "(fehlt ein Custom Node?)",
        "    Abhilfe: installiere die Custom Nodes, die FancySampler bereitstellen, auf diesem ComfyUI "
        "(z. B. mit dem ComfyUI-Manager) und starte es neu; lege die fehlenden Modelldateien in die "
        "Modellordner dieses ComfyUI oder ändere den Workflow so, dass er ein vorhandenes Modell verwendet",
        "✓ Workflow „portrait“ läuft auf http://gpu-2:8188",
        "```",
    ]


def test_in_english_the_report_reads_as_the_check_command_prints_it() -> None:
    report = verdict_lines(english(), "portrait", [lacking()])
    assert (
        "✗ workflow 'portrait' cannot run on http://gpu-1:8188: node 1 (CheckpointLoaderSimple), " in report
    )
    assert "    fix: install the custom nodes that provide FancySampler on that ComfyUI" in report


def test_an_unreachable_backend_keeps_its_own_reason_and_hides_a_password() -> None:
    down = BackendVerdict("http://me:secret@gpu-3:8188", unreachable="GET /object_info: connection refused")
    report = verdict_lines(GERMAN, "portrait", [down])
    said = "ComfyUI unter http://[credentials]@gpu-3:8188 ist nicht erreichbar: "
    assert said + "GET /object_info: connection refused" in report
    assert "secret" not in report
    assert "Abhilfe: starte dieses ComfyUI" in report


def test_more_than_three_problems_are_counted_and_a_long_report_is_cut() -> None:
    problems = tuple(
        WorkflowProblem.of("w", str(i), "Loader", "x", "too_big", value="9", high="5") for i in range(5)
    )
    report = verdict_lines(english(), "w", [BackendVerdict("http://gpu-1:8188", problems)])
    assert "node 2 (Loader), input 'x': value 9 is bigger than the maximum 5 and 2 more" in report
    many = [BackendVerdict(f"http://gpu-{i}:8188", problems) for i in range(20)]
    cut = verdict_lines(english(), "w", many)
    assert len(cut) <= MAX_REPORT_CHARS + len("```\n\n```")
    assert cut.endswith("…\n```")


@pytest.mark.parametrize("code", sorted(REASONS))
def test_each_unusable_reasons_english_in_the_catalogue_is_the_clients_own(code: str) -> None:
    assert Catalogue.shipped().languages[REFERENCE]["texts"][f"workflows.unusable.{code}"] == REASONS[code]


def unusable(document: str) -> WorkflowError:
    with pytest.raises(WorkflowError) as caught:
        parse_graph("portrait", document)
    return caught.value


def test_why_a_document_is_no_workflow_is_said_in_german() -> None:
    ui_format = unusable('{"nodes": [{"id": 1}], "links": []}')
    not_api = unusable('{"7": {"inputs": {}}}')
    assert unusable_reason(GERMAN, "portrait", ui_format.reasons) == (
        "Workflow „portrait“: ist im UI-Format des Editors; exportiere ihn in ComfyUI mit „Export (API)“ "
        "und verwende diese Datei"
    )
    assert unusable_reason(GERMAN, "portrait", not_api.reasons) == (
        "Workflow „portrait“: Node 7 ist kein Node im API-Format mit einem class_type"
    )


def test_in_english_an_unusable_reason_reads_as_the_clients_error() -> None:
    error = unusable("this is not { json")
    assert unusable_reason(english(), "portrait", error.reasons) == error.detail
    assert error.detail.startswith("workflow 'portrait': is not valid JSON (Expecting value")


@dataclass(frozen=True)
class NewReason:
    """A reason whose code comfy/ has and the catalogue does not yet."""

    code: str = "added_since"
    values: Mapping[str, str] = field(default_factory=dict)
    message: str = "has something new wrong with it"


def test_several_reasons_are_each_said_and_one_without_words_keeps_its_english() -> None:
    reasons = [
        UnusableReason.of("no_nodes"),
        UnusableReason.of("not_that_kind", kind="poem", known="image, song"),
        NewReason(),
    ]
    assert unusable_reason(GERMAN, "w", reasons) == (
        "Workflow „w“: hat keine Nodes; ist nicht von der Art „poem“ (bekannte Arten: image, song); "
        "has something new wrong with it"
    )
