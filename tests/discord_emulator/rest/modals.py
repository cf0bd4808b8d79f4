"""Discord's rules for a MODAL (type 9) interaction response, answered with 400 / 50035 "Invalid Form Body".

From Discord's developer documentation:
- Interaction callback types (interactions/receiving-and-responding#interaction-response-object-interaction-
  callback-type): MODAL is "not available for MODAL_SUBMIT and PING interactions" (a form cannot answer a
  form: the bot must answer the submit with a message, which may carry a button that opens the form again).
- Modal (…#interaction-response-object-modal): ``custom_id`` max 100 characters, ``title`` max 45
  characters, between 1 and 5 components.
- Labels and File Uploads: rest/modal_labels.py.
- Text input (components/reference#text-input): ``custom_id`` max 100, ``label`` max 45 (for a text input
  in a Label component, the Label's ``label``), ``placeholder`` max 100, ``min_length`` 0 to 4000,
  ``max_length`` 1 to 4000, and ``value`` (the pre-filled text) max 4000 characters.
"""

from __future__ import annotations

from typing import Any

from .modal_labels import label_and_upload_errors
from .responses import DiscordError

TEXT_INPUT, LABEL, ACTION_ROW = 4, 18, 1
MAX_TITLE = 45
MAX_CUSTOM_ID = 100
MAX_COMPONENTS = 5
MAX_LABEL = 45
MAX_PLACEHOLDER = 100
MAX_VALUE = 4000


def _too_long(errors: dict[str, Any], path: str, value: Any, limit: int) -> None:
    if value is not None and len(str(value)) > limit:
        errors[path] = {
            "_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": f"Must be {limit} or fewer in length."}]
        }


def _text_inputs(components: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any], Any]]:
    """(path, text input, its label) for every text input, in action rows or in Label components."""
    found: list[tuple[str, dict[str, Any], Any]] = []
    for index, top in enumerate(components):
        if top.get("type") == LABEL:
            inner = top.get("component") or {}
            if inner.get("type") == TEXT_INPUT:
                found.append((f"data.components.{index}.component", inner, top.get("label")))
        elif top.get("type") == ACTION_ROW:
            for position, inner in enumerate(top.get("components") or []):
                if inner.get("type") == TEXT_INPUT:
                    found.append(
                        (f"data.components.{index}.components.{position}", inner, inner.get("label"))
                    )
    return found


def validate_modal(data: dict[str, Any], *, answering_a_modal: bool) -> None:
    if answering_a_modal:
        raise DiscordError(
            400, 50035, "Invalid Form Body", {"type": {"_errors": [{"code": "INTERACTION_TYPE"}]}}
        )
    errors: dict[str, Any] = {}
    _too_long(errors, "data.title", data.get("title"), MAX_TITLE)
    _too_long(errors, "data.custom_id", data.get("custom_id"), MAX_CUSTOM_ID)
    components = data.get("components") or []
    if not 1 <= len(components) <= MAX_COMPONENTS:
        errors["data.components"] = {
            "_errors": [{"code": "BASE_TYPE_BAD_LENGTH", "message": "Must be between 1 and 5 in length."}]
        }
    for path, text_input, label in _text_inputs(components):
        _too_long(errors, f"{path}.custom_id", text_input.get("custom_id"), MAX_CUSTOM_ID)
        _too_long(errors, f"{path}.label", label, MAX_LABEL)
        _too_long(errors, f"{path}.placeholder", text_input.get("placeholder"), MAX_PLACEHOLDER)
        limit = min(MAX_VALUE, int(text_input.get("max_length") or MAX_VALUE))
        _too_long(errors, f"{path}.value", text_input.get("value"), limit)
    errors |= label_and_upload_errors(components)
    if errors:
        raise DiscordError(400, 50035, "Invalid Form Body", errors)
