"""`generate image --image PATH` and `generate song --audio PATH`: a file from disk as the job's input.

The file is held to the same limits as a Discord attachment (INPUT_MAX_BYTES and the rest): a file over the
size cap is refused from its size without being read, and its header is looked at before anything is
queued, so a file the bot would refuse is said at once, with the bot's own words and the path.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from core.inputs import InputLimits, InputRefused
from core.inputs.facts import too_large
from core.inputs.sniffing import sniff_input
from core.jobs.given_input import ROLE_MEDIA, GivenInput


class UnusableInput(Exception):
    """A file that cannot be the job's input: why, in a sentence that names it."""


async def read_input_file(path: Path, role: str, limits: InputLimits) -> GivenInput:
    try:
        return await asyncio.to_thread(_read, path, role, limits)
    except InputRefused as exc:
        raise UnusableInput(f"{path}: {exc.user_message}") from exc
    except OSError as exc:
        raise UnusableInput(f"Cannot read {path}: {exc.strerror or exc}") from exc


def _read(path: Path, role: str, limits: InputLimits) -> GivenInput:
    """Blocking: run in a thread."""
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise too_large(limits.max_bytes, size)
    data = path.read_bytes()
    sniff_input(data, path.name, accepted={ROLE_MEDIA[role]}, limits=limits)
    # A file handed in by the operator: the nearest of the origins a member's input has.
    return GivenInput(role=role, data=data, declared_name=path.name, origin="attachment")
