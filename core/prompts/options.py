"""Parameters straight from a command's options, for kinds with no prompt language of their own."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import ValidationError

from core.kinds.fields import KindParams
from core.prompts import fields
from core.prompts.errors import PromptError

P = TypeVar("P", bound=KindParams)


def params_from_options(model: type[P], options: dict[str, Any]) -> P:
    """``model`` built from the options given (None: left out), or a PromptError naming each bad one."""
    try:
        return model.model_validate({name: value for name, value in options.items() if value is not None})
    except ValidationError as error:
        raise PromptError(fields.problems_from(error)) from None
