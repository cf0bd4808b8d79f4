"""A client for one ComfyUI backend: submit prompts, follow them, cancel them, ask about capabilities."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Mapping
from typing import Any

import aiohttp

from background.loops import supervise
from background.tasks import BackgroundTasks
from comfy import errors, events, protocol
from comfy.cancel import CancelOutcome, cancel_prompt
from comfy.client_settings import ClientSettings as ClientSettings  # callers import it from here too
from comfy.connection import WebSocketConnection
from comfy.queue_positions import QueuePositions
from comfy.quiet import QuietRuns, quiet_client_id
from comfy.reconcile import Reconciler, completed_from_frames
from comfy.rejections import prompt_rejected
from comfy.router import EventRouter
from comfy.run import PromptRun
from comfy.transport import HttpTransport
from comfy.uploads import UploadedFile

log = logging.getLogger(__name__)

# The id travels in URL paths (/history/{id}): keep it to characters that need no escaping.
_PROMPT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$")


class ComfyClient:
    """One backend, one websocket, one stable ``client_id`` (see :mod:`comfy.client_id`)."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        client_id: str,
        *,
        settings: ClientSettings | None = None,
        name: str | None = None,
    ) -> None:
        self.settings = settings or ClientSettings()
        self.name = name or base_url
        self.client_id = client_id
        self.http = HttpTransport(session, base_url, request_timeout_s=self.settings.request_timeout_s)
        self.queue_remaining = 0  # as the server last broadcast it (running + pending, all clients)
        self._runs: dict[str, PromptRun] = {}
        self._router = EventRouter(self._runs, on_complete=self._on_complete, on_status=self._on_status)
        self._ws = WebSocketConnection(
            session,
            base_url,
            client_id,
            on_text=self._router.on_text,
            on_binary=self._router.on_binary,
            on_up=self._on_up,
            on_down=self._on_down,
            policy=self.settings.reconnect,
            urgent=lambda: bool(self._runs) or self._jobs_waiting,
        )
        self._jobs_waiting = False
        self._away = False  # in-flight runs were told the socket dropped
        self._reconciler = Reconciler(
            self.http, backend=self.name, history_grace_s=self.settings.history_grace_s
        )
        self._tasks = BackgroundTasks()
        self._positions = QueuePositions(self.http, self._runs.values, self._tasks, backend=self.name)
        self._quiet = QuietRuns(
            self.http, self._runs.values, self._tasks, reconciler=self._reconciler, backend=self.name
        )
        self.described: Mapping[str, Any] | None = None  # its /object_info as last read (None: not yet)
        self._object_info_lock = asyncio.Lock()

    # -- lifecycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        self._ws.start()
        self._tasks.spawn(supervise(f"{self.name} silence", self._watch_silence), name=f"silence-{self.name}")

    async def close(self) -> None:
        await self._ws.close()
        await self._tasks.close()
        for run in list(self._runs.values()):
            run.finish(errors.BackendUnavailable(f"client for {self.name} closed"))

    async def __aenter__(self) -> ComfyClient:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @property
    def connected(self) -> bool:
        return self._ws.connected

    async def wait_connected(self, timeout_s: float) -> bool:
        """Wait for the websocket (events are only delivered to an open socket)."""
        return await self._ws.wait_connected(timeout_s)

    async def wait_first_attempt(self, timeout_s: float) -> bool:
        """Wait until the websocket's first attempt has connected or failed; True if it connected."""
        return await self._ws.wait_first_attempt(timeout_s)

    def add_connection_listener(self, listener: Callable[[bool], None]) -> None:
        """``listener(True)`` after every (re)connect, ``listener(False)`` the moment the socket drops."""
        self._ws.listeners.append(listener)

    @property
    def jobs_waiting(self) -> bool:
        """Whether jobs wait for this backend; while they do a lost connection is retried every second."""
        return self._jobs_waiting

    @jobs_waiting.setter
    def jobs_waiting(self, waiting: bool) -> None:
        self._jobs_waiting = waiting
        if waiting:
            self._ws.hurry()

    @property
    def preview_metadata(self) -> bool:
        """Whether the server agreed to send type-4 previews (with prompt and node ids)."""
        return self._ws.preview_metadata

    @property
    def in_flight(self) -> int:
        return len(self._runs)

    def run(self, prompt_id: str) -> PromptRun | None:
        return self._runs.get(prompt_id)

    # -- prompts ---------------------------------------------------------------------------------

    async def submit(
        self,
        workflow: Mapping[str, Any],
        prompt_id: str,
        *,
        extra_data: Mapping[str, Any] | None = None,
        quiet: bool = False,
    ) -> PromptRun:
        """Queue ``workflow`` under the caller's ``prompt_id`` and return its event stream.

        The run is registered before the POST so no event can slip past us. A ``quiet`` one's stream has
        only its outcome (comfy.quiet): for a prompt over before its progress could be shown.
        """
        if not _PROMPT_ID.match(prompt_id):
            raise ValueError(f"prompt id {prompt_id!r} must match {_PROMPT_ID.pattern}")
        if prompt_id in self._runs:
            raise ValueError(f"prompt {prompt_id} is already in flight on {self.name}")
        if not await self._ws.wait_connected(self.settings.connect_wait_s):
            raise errors.BackendUnavailable(f"{self.name}: websocket not connected")
        run = self._new_run(prompt_id, workflow)
        run.quiet = quiet
        self._runs[prompt_id] = run
        run.add_finish_callback(self._forget)
        client_id = quiet_client_id(self.client_id) if quiet else self.client_id
        try:
            answer = await self.http.post_prompt(
                workflow, prompt_id=prompt_id, client_id=client_id, extra_data=extra_data or {}
            )
        except errors.ComfyError as exc:
            if isinstance(exc, errors.TimedOut):
                # The server may have queued it after all: make sure it does not run unobserved.
                await self._cancel_quietly(prompt_id, None)
            run.finish(exc)
            raise
        if answer.get("node_errors"):
            # Queued with only the valid outputs: never what the caller asked for.
            rejected = prompt_rejected(answer)
            log.warning("prompt_id=%s partly invalid, cancelling it: %s", prompt_id, rejected.detail)
            await self._cancel_quietly(prompt_id, run)
            run.finish(rejected)
            raise rejected
        run.accepted = True
        log.info("prompt_id=%s queued on %s", prompt_id, self.name)
        if self.settings.queue_positions:
            self._positions.refresh()
        return run

    async def attach(self, prompt_id: str, workflow: Mapping[str, Any]) -> PromptRun:
        """Follow a prompt submitted earlier with this client_id (e.g. before the bot restarted)."""
        if prompt_id in self._runs:
            return self._runs[prompt_id]
        run = self._new_run(prompt_id, workflow)
        run.accepted = True
        run.frames_missed = True  # its frames until now went to a socket of the process before
        self._runs[prompt_id] = run
        run.add_finish_callback(self._forget)
        await self._reconciler.reconcile([run], after_reconnect=True)
        return run

    async def reconnect(self) -> None:
        """Drop the websocket; it comes back on its own and every in-flight prompt is reconciled."""
        await self._ws.drop()

    async def cancel(self, prompt_id: str) -> CancelOutcome:
        """Delete the prompt if pending, interrupt it if running; wait until that is confirmed."""
        return await cancel_prompt(
            self.http,
            prompt_id,
            self._runs.get(prompt_id),
            timeout_s=self.settings.cancel_timeout_s,
            recheck_s=self.settings.cancel_recheck_s,
        )

    async def _cancel_quietly(self, prompt_id: str, run: PromptRun | None) -> None:
        try:
            await cancel_prompt(self.http, prompt_id, run, timeout_s=5.0, recheck_s=0.1)
        except errors.ComfyError as exc:
            log.warning("prompt_id=%s could not be cancelled: %s", prompt_id, exc.detail)

    def _new_run(self, prompt_id: str, workflow: Mapping[str, Any]) -> PromptRun:
        return PromptRun(
            prompt_id,
            workflow,
            loop_time=asyncio.get_running_loop().time,
            max_waiting_previews=self.settings.max_waiting_previews,
            pace_s=self.settings.progress_pace_s,
        )

    def _forget(self, run: PromptRun) -> None:
        if self._runs.get(run.prompt_id) is run:
            del self._runs[run.prompt_id]

    async def upload(
        self, filename: str, data: bytes, *, subfolder: str = "", overwrite: bool = False
    ) -> UploadedFile:
        """Put an input file into input/; a workflow uses the answer's ``reference`` (comfy.uploads)."""
        return await self.http.upload(filename, data, subfolder=subfolder, overwrite=overwrite)

    # -- capabilities ----------------------------------------------------------------------------

    async def system_stats(self) -> Mapping[str, Any]:
        return await self.http.system_stats()

    async def object_info(self, *, refresh: bool = False) -> Mapping[str, Any]:
        """Every node class the backend has, with its inputs (model lists are combo choices)."""
        async with self._object_info_lock:
            if self.described is None or refresh:
                self.described = await self.http.object_info()
            return self.described

    async def choices(self, class_type: str, input_name: str, *, refresh: bool = False) -> list[str]:
        """Combo choices of an input, e.g. ``("CheckpointLoaderSimple", "ckpt_name")`` → checkpoints."""
        return protocol.combo_choices(await self.object_info(refresh=refresh), class_type, input_name)

    # -- websocket callbacks and recovery ----------------------------------------------------------

    def _on_status(self, queue_remaining: int) -> None:
        self._quiet.queue_changed(self.queue_remaining, queue_remaining)
        self.queue_remaining = queue_remaining
        if self.settings.queue_positions:
            self._positions.refresh()

    def _on_complete(self, run: PromptRun) -> None:
        outcome = completed_from_frames(run)
        if outcome is not None:
            run.finish(outcome)
        else:
            self._tasks.spawn(self._reconciler.complete(run), name=f"comfy-complete-{run.prompt_id}")

    async def _on_up(self, reconnected: bool) -> None:
        self._away = False
        if reconnected and self._runs:
            reconcile = self._reconciler.reconcile(list(self._runs.values()), after_reconnect=True)
            self._tasks.spawn(reconcile, name=f"comfy-reconcile-{self.name}")

    def _on_down(self, failures: int) -> None:
        self._router.forget_executing()
        for run in self._runs.values():
            run.frames_missed = True
        if not self._away:
            self._away = True
            for run in list(self._runs.values()):
                run.push(events.BackendAway(run.prompt_id))
        if failures >= self.settings.give_up_after_failures and self._runs:
            count = len(self._runs)
            log.error("%s unreachable (%d failures): failing %d prompts", self.name, failures, count)
            for run in list(self._runs.values()):
                run.finish(errors.BackendUnavailable(f"{self.name} unreachable; prompt {run.prompt_id} lost"))

    async def _watch_silence(self) -> None:
        """Fallback when the websocket says nothing about a prompt while HTTP still answers."""
        while True:
            await asyncio.sleep(self.settings.poll_interval_s)
            if not self._ws.connected:
                continue
            now = asyncio.get_running_loop().time()
            silent = [
                run
                for run in self._runs.values()
                if run.accepted and now - run.last_activity >= self.settings.silence_timeout_s
            ]
            if silent:
                log.info("%s: no websocket events for %d prompts, polling", self.name, len(silent))
                await self._reconciler.reconcile(silent, after_reconnect=False)
