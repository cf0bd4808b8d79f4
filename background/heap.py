"""A long-running process's boot objects kept out of the garbage collector's full passes.

What a bot has made by the time it runs (its modules, compiled statements, workflow catalogue: some 130,000
objects) lives as long as the process. Python's full collection walks every one of them all the same, each
time: 50-80 ms with the event loop stopped on a small VM (bench/queue.py saw one land in a start and push
every backend's first prompt back by as much). Frozen, they are left out (the collector's permanent
generation); what the process makes later is collected as before. A process calls this once it has started:
objects frozen are never freed, so a test process building many runtimes does not.

What the start left unreachable is frozen with them, once: some 15,000 objects, 2.5 MB, mostly the schema
migration's. Collecting them first would cost a full collection at that moment, 57 ms that held every first
prompt back as much in bench/queue.py (the start's last step runs before the first claims are made).
"""

from __future__ import annotations

import gc


def keep_boot_objects_out_of_full_collections() -> None:
    gc.freeze()
