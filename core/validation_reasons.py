"""Why a value was refused, from one of pydantic's errors, as a sentence for a member (core.texts.Text).

Pydantic words its errors in English ("Input should be less than or equal to 10"); the common kinds are
said here through the catalogue instead, to read after the field's name ("max_running: must be at most 10").
One of our own validators' InvalidValue keeps its Text; any other kind (another ValueError, a rare
constraint) keeps pydantic's words: better an English reason than none.
"""

from __future__ import annotations

import re

from pydantic_core import ErrorDetails

from core.texts import InvalidValue, Text

_WHOLE_NUMBER = Text("invalid.whole_number", "must be a whole number")
_NUMBER = Text("invalid.number", "must be a number")
# One choice as pydantic lists it: a quoted repr ('draft', "it's") or a bare value (2, None).
_CHOICE = r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s,'"]+"""
_CHOICES = re.compile(rf"(?:{_CHOICE})(?:(?:, | or )(?:{_CHOICE}))*")


def reason_for(item: ErrorDetails) -> str | Text:
    kind, context = item["type"], item.get("ctx", {})
    most, least, expected = context.get("max_length"), context.get("min_length"), context.get("expected")
    high, low, below, above = context.get("le"), context.get("ge"), context.get("lt"), context.get("gt")
    text = isinstance(item.get("input"), str)
    too_long = Text("invalid.too_long", f"is too long; at most {most} characters", {"most": most})
    too_many = Text("invalid.too_many", f"has too many items; at most {most}", {"most": most})
    said = {
        "missing": Text("invalid.missing", "is missing"),
        "extra_forbidden": Text("invalid.unknown_field", "is not a field I know"),
        "string_too_short": (
            Text("invalid.empty", "is empty")
            if least == 1
            else Text("invalid.too_short", f"is too short; at least {least} characters", {"least": least})
        ),
        "string_too_long": too_long,
        "too_long": too_long if text else too_many,
        "literal_error": _must_be(expected),
        "enum": _must_be(expected),
        "less_than_equal": Text("invalid.at_most", f"must be at most {high}", {"high": high}),
        "greater_than_equal": Text("invalid.at_least", f"must be at least {low}", {"low": low}),
        "less_than": Text("invalid.below", f"must be less than {below}", {"below": below}),
        "greater_than": Text("invalid.above", f"must be more than {above}", {"above": above}),
        "int_parsing": _WHOLE_NUMBER,
        "int_type": _WHOLE_NUMBER,
        "int_from_float": _WHOLE_NUMBER,
        "float_parsing": _NUMBER,
        "float_type": _NUMBER,
        "bool_parsing": Text("invalid.yes_or_no", "must be true or false"),
        "bool_type": Text("invalid.yes_or_no", "must be true or false"),
        "string_type": Text("invalid.text", "must be text"),
        "list_type": Text("invalid.list", "must be a list"),
    }.get(kind)
    if said is not None:
        return said
    error = context.get("error")
    if isinstance(error, InvalidValue):  # one of our readers' own, said in the member's words
        return error.reason
    return item["msg"].removeprefix("Value error, ")


def _must_be(expected: object) -> Text:
    """ "must be 2 or 4", its "or" in the member's language: pydantic joins the choices in English."""
    choices = str(expected)
    if not _CHOICES.fullmatch(choices):  # not a list pydantic made: said as it is
        return Text("invalid.must_be", f"must be {choices}", {"expected": choices})
    *head, last = re.findall(rf"(?:^|, | or )({_CHOICE})", choices)
    if not head:
        return Text("invalid.must_be", f"must be {last}", {"expected": last})
    first = ", ".join(head)
    either = Text("list.or", f"{first} or {last}", {"first": first, "last": last})
    return Text("invalid.must_be", f"must be {either}", {"expected": either})
