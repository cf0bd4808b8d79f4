"""Whether a request's inputs fit its workflow: every slot the bound graph marks is filled, nothing else is
given. The binding decides which slots a workflow has (its own loaders, or those it adds for an input the
kind takes, such as image-to-image); this only compares and says what is wrong, kindly."""

from __future__ import annotations

from collections.abc import Collection

from core.errors import UserFacingError
from core.texts import Text

_WHAT = {"image": "a picture", "mask": "a mask picture", "audio": "a sound file", "video": "a video"}


def _what(role: str) -> Text:
    return Text(f"roles.{role}", _WHAT.get(role, f"a {role} file"))


def check_roles(given: Collection[str], marked: Collection[str], *, workflow: str) -> None:
    """Raise UserFacingError if an input has no slot in ``workflow`` or a slot has no input."""
    extra = sorted(set(given) - set(marked))
    if extra:
        what = _what(extra[0])
        raise UserFacingError(
            Text(
                "refusal.input_not_taken",
                f"The “{workflow}” workflow doesn't take {what}. Leave the file out, or choose a "
                "workflow that takes one.",
                {"workflow": workflow, "what": what},
            )
        )
    missing = sorted(set(marked) - set(given))
    if missing:
        what = _what(missing[0])
        raise UserFacingError(
            Text(
                "refusal.input_missing",
                f"The “{workflow}” workflow needs {what}: please attach one.",
                {"workflow": workflow, "what": what},
            )
        )
