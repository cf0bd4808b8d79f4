"""The modules that speak to members say nothing of their own: every sentence comes from the catalogue.

A string literal with two English words in a row ("your image", "is ready") in one of these modules is a
text that would reach a German member in English. Not texts a member reads this way: docstrings, log lines,
an error's `where=` (for the log), a core.texts.Text's English (the catalogue's own, checked by
test_core_texts) and a command's name and descriptions (sent through the translator, checked by
test_catalogue). A module converted to the catalogue goes in CONVERTED, and stays converted.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import bot

ROOT = Path(bot.__file__).parent
CONVERTED = (
    "ui/job_messages.py",
    "ui/progress.py",
    "ui/setbacks.py",
    "ui/job_info.py",
    "ui/made.py",
    "ui/result_buttons.py",
    "ui/wording.py",
    "reporting/ping.py",
    "reporting/personal.py",
    "reporting/direct.py",
    "ui/history_queue.py",
    "ui/history_render.py",
    "ui/history_view.py",
    "ui/page_turner.py",
    "ui/moderation_log_view.py",
    "exts/queue_commands.py",
    "exts/_media.py",
    "ui/result_modals.py",
    "ui/song_retry.py",
    "ui/settings_embed.py",
    "ui/song_modal.py",
    "ui/picture_modal.py",
    "inputs/discord_files.py",
    "inputs/capped_read.py",
    "exts/_submit.py",
    "exts/_workflow_files.py",
    "ui/history_files.py",
    "reporting/video_files.py",
    "reporting/attachments.py",
    "exts/workflows.py",
    "ui/workflow_list.py",
    "ui/workflow_report.py",
    "exts/history.py",
    "exts/_admission.py",
    "ui/prompt_problems.py",
    "exts/imagine.py",
    "exts/video.py",
    "exts/song.py",
    "ui/failure_detail.py",
)
# Calls whose text arguments the translator sends (app_commands.command(description=...), describe(...)).
_TRANSLATED_CALLS = frozenset({"command", "describe", "Group", "choices", "Choice"})
# Keywords whose text is not ours to translate here: a GroupCog's description (sent through the translator,
# like a command's), a job's raw input (what was asked, stored as it is: "/workflows test NAME"), and the
# command a refusal was of as the moderation log keeps it (`asked="/history public:True"`), in English.
_NOT_SAID_KEYWORDS = frozenset({"where", "group_description", "raw_input", "asked"})
PROSE = re.compile(r"[A-Za-z]{2,}[,;:]? [A-Za-z]{2,}")


def _not_for_members(tree: ast.Module) -> set[int]:
    """Docstrings, and everything inside a log call (`log.info(...)`): read by developers, not members."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            skipped.add(id(first.value))
        if isinstance(node, ast.Call) and (_is_log_call(node.func) or _name(node.func) in _TRANSLATED_CALLS):
            skipped.update(id(inner) for inner in ast.walk(node))
        if isinstance(node, ast.Call) and _name(node.func) == "Text" and len(node.args) > 1:
            skipped.update(id(inner) for inner in ast.walk(node.args[1]))
        if isinstance(node, ast.keyword) and node.arg in _NOT_SAID_KEYWORDS:
            skipped.update(id(inner) for inner in ast.walk(node.value))
        if isinstance(node, ast.Subscript) and _name(node.value) == "Literal":
            # A Literal option's values are its choices, translated as "choices.<value>" (test_catalogue).
            skipped.update(id(inner) for inner in ast.walk(node.slice))
    return skipped


def _name(function: ast.expr) -> str | None:
    if isinstance(function, ast.Attribute):
        return function.attr
    return function.id if isinstance(function, ast.Name) else None


def _is_log_call(function: ast.expr) -> bool:
    return (
        isinstance(function, ast.Attribute)
        and isinstance(function.value, ast.Name)
        and function.value.id == "log"
    )


def english_literals(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _not_for_members(tree)
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skipped
        and PROSE.search(node.value)
    ]


@pytest.mark.parametrize("module", CONVERTED)
def test_a_converted_module_says_nothing_in_english_of_its_own(module: str) -> None:
    assert english_literals(ROOT / module) == []


def test_the_scan_finds_a_sentence_written_in_code(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        '"""A docstring is fine."""\n'
        "def f(job):\n"
        '    """So is this one."""\n'
        '    log.info("and a log line, job %s", job)\n'
        '    return f"Your {job} is ready"\n'
    )
    assert english_literals(module) == [" is ready"]


def test_the_scan_leaves_translated_choices_and_a_groups_description(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        'Scope = Literal["this server", "everywhere"]\n'
        'class C(GroupCog, group_name="c", group_description="Some own commands"):\n'
        '    def f(self, scope: Scope = "this server"):\n'
        '        return JobRequest(raw_input="/c test it")\n'
    )
    assert english_literals(module) == ["this server"]  # the default is a value written again: not skipped
