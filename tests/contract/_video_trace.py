"""Record the model-free video workflow on a real ComfyUI 0.3.64 into traces/video_savers.json.

Frames (EmptyImage -> RepeatImageBatch) saved four ways: CreateVideo -> SaveVideo (MP4), SaveWEBM,
SaveAnimatedWEBP and SaveAnimatedPNG. The trace has the replay format of test_trace_replay (the main and an
observer socket, the history entry, one /view per file). Record again with
`python -m tests.contract._video_trace http://127.0.0.1:8189`.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
import uuid
from typing import Any

import aiohttp

from tests.contract._recorder import Frame, Recorder, is_idle_status
from tests.contract._traces import DATA

NAME = "video_savers"


def video_savers_workflow(color: int) -> dict[str, Any]:
    frames = ["2", 0]
    return {
        "1": {"class_type": "EmptyImage",
              "inputs": {"width": 64, "height": 48, "batch_size": 1, "color": color}},
        "2": {"class_type": "RepeatImageBatch", "inputs": {"image": ["1", 0], "amount": 8}},
        "3": {"class_type": "CreateVideo", "inputs": {"images": frames, "fps": 8.0}},
        "4": {"class_type": "SaveVideo",
              "inputs": {"video": ["3", 0], "filename_prefix": "contract/video", "format": "auto",
                         "codec": "auto"}},
        "5": {"class_type": "SaveWEBM",
              "inputs": {"images": frames, "filename_prefix": "contract/webm", "codec": "vp9", "fps": 8.0,
                         "crf": 32.0}},
        "6": {"class_type": "SaveAnimatedWEBP",
              "inputs": {"images": frames, "filename_prefix": "contract/webp", "fps": 8.0, "lossless": False,
                         "quality": 80, "method": "default"}},
        "7": {"class_type": "SaveAnimatedPNG",
              "inputs": {"images": frames, "filename_prefix": "contract/apng", "fps": 8.0,
                         "compress_level": 4}},
    }  # fmt: skip


def _event(frame: Frame, ws: str, t_ms: float) -> dict[str, Any]:
    if frame.msg is not None:
        return {"t_ms": t_ms, "ws": ws, "kind": "text", "msg": frame.msg}
    raise ValueError("the video savers send no binary frames")


async def record(url: str) -> dict[str, Any]:
    workflow = video_savers_workflow(random.randrange(1 << 24))
    started = time.monotonic()
    async with aiohttp.ClientSession() as http:
        client_id = f"main-{uuid.uuid4().hex[:8]}"
        main = await Recorder.connect(http, url, client_id)
        observer = await Recorder.connect(http, url, f"obs-{uuid.uuid4().hex[:8]}")
        async with http.post(url + "/prompt", json={"prompt": workflow, "client_id": client_id}) as response:
            status, posted = response.status, await response.json()
        await main.wait_done(posted["prompt_id"])
        await observer.wait_for(is_idle_status, start=1)
        async with http.get(f"{url}/history/{posted['prompt_id']}") as response:
            history = await response.json()
        views = []
        for node, output in history[posted["prompt_id"]]["outputs"].items():
            for saved in output["images"]:
                async with http.get(url + "/view", params=saved) as answer:
                    body = await answer.read()
                    views.append({
                        "node": node, "key": "images", "query": saved, "status": answer.status,
                        "content_type": answer.content_type,
                        "content_disposition": answer.headers["Content-Disposition"],
                        "bytes": len(body), "magic_hex": body[:12].hex(),
                    })  # fmt: skip
        elapsed = (time.monotonic() - started) * 1000
        events = [_event(f, "main", elapsed) for f in main.frames]
        events += [_event(f, "observer", elapsed) for f in observer.frames]
        await main.close()
        await observer.close()
    return {
        "name": NAME,
        "client_id": client_id,
        "post_status": status,
        "post_response": posted,
        "workflow": workflow,
        "terminal_type": "execution_success",
        "views": views,
        "ws_events": events,
        "history": history,
    }


if __name__ == "__main__":
    trace = asyncio.run(record(sys.argv[1].rstrip("/")))
    (DATA / "traces" / f"{NAME}.json").write_text(json.dumps(trace, indent=1) + "\n")
    print(f"recorded {len(trace['ws_events'])} events, {len(trace['views'])} files")
