"""Whether a request's inputs fit its workflow: every slot the bound graph marks is filled, nothing else is
given. The binding decides which slots a workflow has (its own loaders, or those it adds for an input the
kind takes, such as image-to-image); this only compares and says what is wrong, kindly."""

from __future__ import annotations

from collections.abc import Collection

from core.errors import UserFacingError

_WHAT = {"image": "a picture", "mask": "a mask picture", "audio": "a sound file", "video": "a video"}


def _what(role: str) -> str:
    return _WHAT.get(role, f"a {role} file")


def check_roles(given: Collection[str], marked: Collection[str], *, workflow: str) -> None:
    """Raise UserFacingError if an input has no slot in ``workflow`` or a slot has no input."""
    extra = sorted(set(given) - set(marked))
    if extra:
        raise UserFacingError(
            f"The “{workflow}” workflow doesn't take {_what(extra[0])}. Leave the file out, or choose a "
            "workflow that takes one."
        )
    missing = sorted(set(marked) - set(given))
    if missing:
        raise UserFacingError(f"The “{workflow}” workflow needs {_what(missing[0])}: please attach one.")
