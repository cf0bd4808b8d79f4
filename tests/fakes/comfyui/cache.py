"""The execution cache: keys like ComfyUI's input signatures, entries holding outputs and UI.

Node ids are not part of a key, so an identical sub-graph under other ids is still a hit; classes whose
IS_CHANGED always differs (SaveImageWebsocket) get a key that never repeats, and LoadAudio's key follows
its file. Like the classic cache, only entries the current prompt uses survive a new prompt.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any

from .behaviours import Outputs, Ui
from .catalogue import Catalogue
from .execution_list import is_link
from .outputs import FileStore


@dataclass
class CacheEntry:
    outputs: Outputs
    ui: Ui | None


def cache_keys(prompt: dict[str, Any], catalogue: Catalogue, store: FileStore) -> dict[str, str]:
    memo: dict[str, str] = {}
    run_marker = time.monotonic_ns()

    def key_of(node_id: str) -> str:
        if node_id in memo:
            return memo[node_id]
        node = prompt[node_id]
        spec = catalogue.get(node["class_type"])
        changed: Any = None
        if spec is not None and spec.always_changed:
            changed = [run_marker, node_id]
        elif spec is not None and spec.file_input is not None:  # IS_CHANGED hashes the file
            path = store.annotated_path(str(node["inputs"].get(spec.file_input, "")))
            changed = [path.stat().st_size, path.stat().st_mtime_ns] if path.is_file() else None
        inputs = {
            name: ["LINK", key_of(value[0]), value[1]] if is_link(value) else value
            for name, value in sorted(node["inputs"].items())
        }
        signature = json.dumps([node["class_type"], changed, inputs], sort_keys=True, default=str)
        # A digest, not the text: nesting an upstream key as a JSON string escapes it again at every level,
        # so a chain of a few dozen nodes made keys of gigabytes.
        memo[node_id] = hashlib.sha256(signature.encode()).hexdigest()
        return memo[node_id]

    return {node_id: key_of(node_id) for node_id in prompt}
