"""A stable websocket ``client_id`` kept in a file: the same id on every boot, never a random one.

ComfyUI addresses a prompt's events to the client_id that submitted it, so a bot that changed its id on
restart would never hear about the jobs it left running.
"""

from __future__ import annotations

import logging
import os
import re
import uuid
from pathlib import Path

log = logging.getLogger(__name__)

_VALID = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")


def load_or_create_client_id(path: Path, *, prefix: str = "bot") -> str:
    """Return the id stored in ``path``, creating it (atomically) on first use.

    Blocking file I/O: call it at start-up, or through ``asyncio.to_thread`` from async code.
    """
    try:
        stored = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        stored = ""
    if stored:
        if not _VALID.match(stored):
            raise ValueError(f"{path} holds an invalid client id {stored!r}")
        return stored
    client_id = f"{prefix}-{uuid.uuid4().hex}"
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(client_id + "\n", encoding="utf-8")
    os.replace(temporary, path)
    log.info("created ComfyUI client id %s in %s", client_id, path)
    return client_id
