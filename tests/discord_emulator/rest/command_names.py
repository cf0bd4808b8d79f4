"""Names, descriptions and their localizations in a command sync, checked as Discord checks them.

"CHAT_INPUT command names and command option names must match the regex
^[-_'\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$ with the unicode flag set. If there is a lowercase variant
of any letters used, you must use those." Descriptions are 1-100 characters; `name_localizations` and
`description_localizations` map a locale to a text whose "values follow the same restrictions as name"
(or description), and a choice's name is 1-100 characters, its localizations alike
(https://discord.com/developers/docs/interactions/application-commands#application-command-naming and
#application-command-object). An option's "name must be unique within an array of application command
options" (#application-command-object-application-command-option-structure): checked in every locale, with
the names a client in that locale sees (its localization, else the default). The locale keys are
Discord's list (https://discord.com/developers/docs/reference#locales). A bad entry refuses the whole sync
with 400 / 50035 Invalid Form Body, naming the field; the error codes are this emulator's spelling of the ones
Discord answers (APPLICATION_COMMAND_INVALID_NAME is Discord's own).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from .responses import DiscordError

LOCALES = frozenset(
    {
        "id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu", "nl", "no",
        "pl", "pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk", "hi", "th", "zh-CN",
        "ja", "zh-TW", "ko",
    }
)  # fmt: skip
NAME_MAX, DESCRIPTION_MAX, CHOICE_NAME_MAX = 32, 100, 100


def is_valid_name(name: object) -> bool:
    if not isinstance(name, str) or not 1 <= len(name) <= NAME_MAX:
        return False
    return all(_name_character(c) and c == c.lower() for c in name)


def _name_character(character: str) -> bool:
    # \p{L} and \p{N} are the letter and number categories; Devanagari and Thai also allow their marks.
    if character in "-_'" or unicodedata.category(character)[0] in "LN":
        return True
    return "\u0900" <= character <= "\u097f" or "\u0e00" <= character <= "\u0e7f"


def _error(code: str, message: str) -> dict[str, Any]:
    return {"_errors": [{"code": code, "message": message}]}


def _text_errors(value: object, maximum: int) -> dict[str, Any] | None:
    if isinstance(value, str) and 1 <= len(value) <= maximum:
        return None
    return _error("BASE_TYPE_BAD_LENGTH", f"Must be between 1 and {maximum} in length.")


def _localization_errors(values: object, check: Any) -> dict[str, Any] | None:
    if values is None:
        return None
    if not isinstance(values, dict):
        return _error("DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
    found: dict[str, Any] = {}
    for locale, text in values.items():
        if locale not in LOCALES:
            found[locale] = _error("LOCALE_INVALID", f"Value '{locale}' is not a valid locale.")
        elif (problem := check(text)) is not None:
            found[locale] = problem
    return found or None


def _name_problem(name: object) -> dict[str, Any] | None:
    return (
        None if is_valid_name(name) else _error("APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
    )


def _entry_errors(entry: dict[str, Any], *, chat_input: bool) -> dict[str, Any]:
    found: dict[str, Any] = {}
    checks = {
        "name": _name_problem(entry.get("name")) if chat_input else None,
        "description": _text_errors(entry.get("description", ""), DESCRIPTION_MAX) if chat_input else None,
        "name_localizations": _localization_errors(entry.get("name_localizations"), _name_problem),
        "description_localizations": _localization_errors(
            entry.get("description_localizations"), lambda text: _text_errors(text, DESCRIPTION_MAX)
        ),
    }
    found.update({field: problem for field, problem in checks.items() if problem is not None})
    choices = {
        str(index): problem
        for index, choice in enumerate(entry.get("choices") or [])
        if (problem := _choice_errors(choice))
    }
    options = {
        str(index): problem
        for index, option in enumerate(entry.get("options") or [])
        if (problem := _entry_errors(option, chat_input=True))
    }
    if choices:
        found["choices"] = choices
    if options:
        found["options"] = options
    elif (clash := _option_name_clash(entry.get("options") or [])) is not None:
        found["options"] = clash
    return found


def _option_name_clash(options: list[dict[str, Any]]) -> dict[str, Any] | None:
    locales = {locale for option in options for locale in option.get("name_localizations") or {}}
    for locale in [None, *sorted(locales)]:
        names = [
            (option.get("name_localizations") or {}).get(locale, option.get("name"))
            if locale
            else option.get("name")
            for option in options
        ]
        if len(set(names)) != len(names):
            where = f" in {locale}" if locale else ""
            return _error(
                "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", f"Option names must be unique{where}."
            )
    return None


def _choice_errors(choice: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if (problem := _text_errors(choice.get("name"), CHOICE_NAME_MAX)) is not None:
        found["name"] = problem
    localized = _localization_errors(
        choice.get("name_localizations"), lambda text: _text_errors(text, CHOICE_NAME_MAX)
    )
    if localized is not None:
        found["name_localizations"] = localized
    return found


def validate_names(submitted: list[dict[str, Any]]) -> None:
    """Raise Discord's 400 for the first sync whose names or localizations Discord would refuse."""
    errors = {
        str(index): problem
        for index, entry in enumerate(submitted)
        if (problem := _entry_errors(entry, chat_input=entry.get("type", 1) == 1))
    }
    if errors:
        raise DiscordError(400, 50035, "Invalid Form Body", errors)


def localized(payload: dict[str, Any], locale: str) -> dict[str, Any]:
    """A command (or option, or choice) as a client in `locale` sees it: each text in that locale where
    the command has it, else the default ("if a localization is not available for a user's locale")."""
    seen = dict(payload)
    for field in ("name", "description"):
        own = (payload.get(f"{field}_localizations") or {}).get(locale)
        if own is not None:
            seen[field] = own
    for nested in ("options", "choices"):
        if nested in payload:
            seen[nested] = [localized(item, locale) for item in payload[nested]]
    return seen
