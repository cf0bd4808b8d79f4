"""FakeComfyUI: a protocol-faithful stand-in for a ComfyUI 0.3.64 server on a real 127.0.0.1 socket."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import tempfile
import weakref
from pathlib import Path
from typing import Any

from aiohttp import web

from .catalogue import Catalogue
from .config import FakeConfig
from .executor import Executor
from .hub import Hub
from .node_specs import AUDIO_EXTENSIONS, IMAGE_EXTENSIONS
from .outputs import FileStore
from .prompt_queue import PromptQueue
from .routes import build_app
from .uploads import UploadRecord

log = logging.getLogger(__name__)


class FakeComfyUI:
    def __init__(self, config: FakeConfig | None = None, output_dir: Path | None = None) -> None:
        self.config = config or FakeConfig()
        # input/ and temp/ live in a private directory that outlives stop() (a restart keeps input/);
        # it is removed quietly when the fake is garbage collected or the interpreter exits.
        workdir = tempfile.mkdtemp(prefix="fake-comfyui-")
        weakref.finalize(self, shutil.rmtree, workdir, ignore_errors=True)
        self.store = FileStore(Path(workdir), output_dir)
        # Inspection for tests; kept across restarts.
        self.prompts_received: list[dict[str, Any]] = []
        self.interrupts: list[dict[str, Any]] = []
        self.queue_deletes: list[list[str]] = []
        self.uploads: list[UploadRecord] = []
        # hold_uploads(): uploads wait before being read; upload_waiting is set when one arrives held.
        self.uploads_going = asyncio.Event()
        self.uploads_going.set()
        self.upload_waiting = asyncio.Event()
        # hold_object_info(): GET /object_info waits, as a real server with many custom nodes or large model
        # folders takes seconds to build every node's description (server.py builds it on each call).
        self.object_info_going = asyncio.Event()
        self.object_info_going.set()
        self.object_info_waiting = asyncio.Event()
        self._port = 0
        self._runner: web.AppRunner | None = None
        self._worker: asyncio.Task[None] | None = None
        self._reset_state()

    def _reset_state(self) -> None:
        """Everything a real server keeps in memory only: lost on restart."""
        self.number = 0
        self.hub = Hub(self.config)
        self.queue = PromptQueue(self._queue_changed)
        self.hub.queue_remaining = self.queue.remaining
        self.executor = Executor(self.config, self.hub, self.queue, self.store, self.catalogue)

    def _queue_changed(self) -> None:
        self.hub.broadcast_status()
        self.executor.queue_changed()

    def catalogue(self) -> Catalogue:
        return Catalogue(
            self.config,
            {
                "LoadAudio.audio": self.store.input_files(AUDIO_EXTENSIONS),
                "LoadImage.image": self.store.input_files(IMAGE_EXTENSIONS),
                "LoadImageMask.image": self.store.input_files(),  # every file, like the real node
            },
            file_exists=lambda name: self.store.annotated_path(name).exists(),
        )

    # --- lifecycle -------------------------------------------------------------------------------------
    async def start(self, port: int = 0) -> None:
        self.hub.start()
        self._worker = asyncio.create_task(self.executor.run_forever(), name="fake-comfyui-worker")
        self._runner = web.AppRunner(build_app(self), handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self._port = self._runner.addresses[0][1]
        log.debug("fake ComfyUI listening on %s", self.url)

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    async def stop(self) -> None:
        """Graceful shutdown: websockets get a close frame (1001)."""
        await self._halt(abort=False)

    async def kill(self) -> None:
        """Like SIGKILL: no more messages, sockets dropped without close frame, listener gone."""
        await self._halt(abort=True)

    async def restart(self, *, held: bool = False) -> None:
        """Start again on the same port with empty memory; output files (and counters) survive. `held`: it
        comes back held (see :meth:`hold`), before any prompt can reach it."""
        if self._runner is not None:
            await self.kill()
        self.store.wipe_temp()
        self._reset_state()
        if held:
            self.hold()
        await self.start(self._port)

    async def _halt(self, abort: bool) -> None:
        if self._runner is None:
            return
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None
        if abort:
            await self.hub.stop_publisher()
            await self.hub.close_all(abort=True)
        else:
            await self.hub.close_all(abort=False)
            await self.hub.stop_publisher()
        runner, self._runner = self._runner, None
        await runner.cleanup()

    def hold(self) -> None:
        """Prompts are accepted and queued, but none starts running until :meth:`go`."""
        self.executor.going.clear()

    def hold_mid_run(self) -> None:
        """Until :meth:`go`, the prompt running stops after its next progress step (told over the websocket),
        or before it ends if it has no step left: it stays running, and none after it starts."""
        self.executor.stepping.clear()

    def go(self) -> None:
        self.executor.going.set()
        self.executor.stepping.set()

    def hold_uploads(self) -> None:
        """Uploads arriving from now on wait (``upload_waiting`` is set) until :meth:`release_uploads`."""
        self.upload_waiting.clear()
        self.uploads_going.clear()

    def release_uploads(self) -> None:
        self.uploads_going.set()

    def hold_object_info(self) -> None:
        """GET /object_info from now on waits (``object_info_waiting`` is set) until release_object_info."""
        self.object_info_waiting.clear()
        self.object_info_going.clear()

    def release_object_info(self) -> None:
        self.object_info_going.set()

    # --- inspection ------------------------------------------------------------------------------------
    def history_of(self, prompt_id: str) -> dict[str, Any] | None:
        return self.queue.history.get(prompt_id)

    @property
    def running_prompt_id(self) -> str | None:
        return self.queue.running.prompt_id if self.queue.running is not None else None

    @property
    def pending_prompt_ids(self) -> list[str]:
        """In the order they will run (ascending number)."""
        return [item.prompt_id for item in sorted(self.queue.pending())]

    async def wait_idle(self, timeout: float = 5) -> None:  # noqa: ASYNC109 - public API of the fake
        """Queue empty, nothing running, and every message already written to the sockets."""
        async with asyncio.timeout(timeout):
            await self.executor.idle.wait()
            await self.hub.drain()
