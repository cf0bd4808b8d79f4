"""Discord's rules for an APPLICATION_COMMAND_AUTOCOMPLETE_RESULT (type 8) response, answered with
400 / 50035 "Invalid Form Body".

From Discord's developer documentation:
- Autocomplete (interactions/receiving-and-responding#interaction-response-object-autocomplete):
  ``choices``, "autocomplete choices (max of 25 choices)".
- Application command option choice (interactions/application-commands#application-command-object-
  application-command-option-choice-structure): ``name`` 1-100 characters; ``value`` a string of up to
  100 characters, or an integer or a double.
"""

from __future__ import annotations

from typing import Any

from .responses import DiscordError

MAX_CHOICES = 25
MAX_NAME = 100
MAX_STRING_VALUE = 100


def _error(errors: dict[str, Any], path: str, code: str, message: str) -> None:
    errors[path] = {"_errors": [{"code": code, "message": message}]}


def validate_autocomplete(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The choices of a valid answer, or DiscordError naming each field Discord would refuse."""
    choices = data.get("choices")
    errors: dict[str, Any] = {}
    if not isinstance(choices, list):
        _error(errors, "data.choices", "BASE_TYPE_REQUIRED", "This field is required")
        raise DiscordError(400, 50035, "Invalid Form Body", errors)
    if len(choices) > MAX_CHOICES:
        _error(errors, "data.choices", "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_CHOICES} or fewer in length.")
    for index, choice in enumerate(choices):
        path = f"data.choices.{index}"
        name = choice.get("name") if isinstance(choice, dict) else None
        value = choice.get("value") if isinstance(choice, dict) else None
        if not isinstance(name, str) or not 1 <= len(name) <= MAX_NAME:
            _error(
                errors, f"{path}.name", "BASE_TYPE_BAD_LENGTH", f"Must be between 1 and {MAX_NAME} in length."
            )
        if isinstance(value, str) and len(value) > MAX_STRING_VALUE:
            message = f"Must be {MAX_STRING_VALUE} or fewer in length."
            _error(errors, f"{path}.value", "BASE_TYPE_MAX_LENGTH", message)
        elif not isinstance(value, str | int | float) or isinstance(value, bool):
            _error(errors, f"{path}.value", "BASE_TYPE_REQUIRED", "This field is required")
    if errors:
        raise DiscordError(400, 50035, "Invalid Form Body", errors)
    return list(choices)
