"""HTTP transport over the caller's aiohttp session; every network failure becomes a ComfyError."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
from pydantic_core import to_json

from comfy import errors, protocol
from comfy.events import OutputFile
from comfy.rejections import prompt_rejected
from comfy.uploads import UploadedFile, check_upload_name

log = logging.getLogger(__name__)

_JSON_BODY = {"Content-Type": "application/json"}


def json_body(doc: object) -> bytes:
    """``doc`` as the JSON a request sends: pydantic-core writes a workflow ~3x as fast as json.dumps (and
    NaN, Infinity as json.dumps does). What it refuses (a lone surrogate, an object it cannot write) goes
    to json.dumps, which writes it or raises TypeError as it always did."""
    try:
        return to_json(doc, inf_nan_mode="constants")
    except ValueError:
        return json.dumps(doc).encode()


def error_for_response(status: int, body: str, *, what: str) -> errors.ComfyError:
    """The one place an unwanted HTTP answer becomes a library error."""
    snippet = body[:300]
    if status >= 500:
        return errors.BackendUnavailable(f"{what}: HTTP {status}: {snippet}")
    if status == 400 and what.startswith("POST /prompt"):
        try:
            doc: object = protocol.loads(body)
        except ValueError:
            doc = {}
        return prompt_rejected(doc)
    if status in (400, 413) and what.startswith("POST /upload/"):
        return errors.UploadRejected(f"{what}: HTTP {status}: {snippet}", status=status)
    if status == 403:
        return errors.UnexpectedResponse(f"{what}: HTTP 403 (origin check refused us): {snippet}")
    return errors.UnexpectedResponse(f"{what}: HTTP {status}: {snippet}")


def _wrap(exc: BaseException, what: str) -> errors.ComfyError:
    if isinstance(exc, asyncio.TimeoutError):
        return errors.TimedOut(f"{what}: no answer in time")
    return errors.BackendUnavailable(f"{what}: {type(exc).__name__}: {exc}")


@dataclass(frozen=True, slots=True)
class Download:
    content_type: str
    chunks: AsyncIterator[bytes]
    # Content-Length, when it counts the bytes we read (no Content-Encoding in between); None when not sent.
    expected_size: int | None = None


class HttpTransport:
    """The HTTP half of one backend. The session is the caller's (one per process)."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str, *, request_timeout_s: float = 30.0):
        self.session = session
        self.base_url = base_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=request_timeout_s)
        # A song can take a while to arrive: bound each read, not the whole transfer.
        self._download_timeout = aiohttp.ClientTimeout(
            sock_connect=request_timeout_s, sock_read=request_timeout_s
        )

    def url(self, path: str) -> str:
        return self.base_url + path

    async def request(
        self,
        method: str,
        path: str,
        *,
        body: object = None,
        params: Mapping[str, str] | None = None,
        form: aiohttp.FormData | None = None,
    ) -> Any:
        """Send a request; return the JSON answer (``None`` for an empty body)."""
        what = f"{method} {path}"
        headers = None
        if form is not None:
            data: bytes | aiohttp.FormData | None = form
        elif body is not None:
            data, headers = json_body(body), _JSON_BODY
        else:
            data = None
        try:
            async with self.session.request(
                method, self.url(path), params=params, data=data, headers=headers, timeout=self._timeout
            ) as response:
                text = await response.text()
                if response.status >= 300:
                    raise error_for_response(response.status, text, what=what)
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise _wrap(exc, what) from exc
        except UnicodeDecodeError as exc:
            raise errors.UnexpectedResponse(f"{what}: answer is not text: {exc}") from exc
        if not text.strip():
            return None
        try:
            return protocol.loads(text)
        except ValueError as exc:
            raise errors.UnexpectedResponse(f"{what}: answer is not JSON: {text[:200]}") from exc

    async def post_prompt(
        self, workflow: Mapping[str, Any], *, prompt_id: str, client_id: str, extra_data: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        body = {"prompt": workflow, "prompt_id": prompt_id, "client_id": client_id, "extra_data": extra_data}
        answer = await self.request("POST", "/prompt", body=body)
        if not isinstance(answer, Mapping):
            raise errors.UnexpectedResponse(f"POST /prompt answered {answer!r}")
        return answer

    async def history(self, prompt_id: str) -> Mapping[str, Any] | None:
        return protocol.history_entry(await self.request("GET", f"/history/{prompt_id}"), prompt_id)

    async def recent_history(self, max_items: int) -> Mapping[str, Mapping[str, Any]]:
        """The newest `max_items` history entries, by prompt id (the server keeps them in the order ended)."""
        answer = await self.request("GET", "/history", params={"max_items": str(max_items)})
        if not isinstance(answer, Mapping):
            raise errors.UnexpectedResponse(f"GET /history answered {answer!r}")
        return {key: entry for key, entry in answer.items() if isinstance(entry, Mapping)}

    async def queue(self) -> protocol.QueueSnapshot:
        return protocol.QueueSnapshot.parse(await self.request("GET", "/queue"))

    async def delete_pending(self, prompt_ids: Sequence[str]) -> None:
        await self.request("POST", "/queue", body={"delete": list(prompt_ids)})

    async def interrupt(self, prompt_id: str) -> None:
        await self.request("POST", "/interrupt", body={"prompt_id": prompt_id})

    async def system_stats(self) -> Mapping[str, Any]:
        answer = await self.request("GET", "/system_stats")
        if not isinstance(answer, Mapping):
            raise errors.UnexpectedResponse(f"GET /system_stats answered {answer!r}")
        return answer

    async def object_info(self) -> Mapping[str, Any]:
        answer = await self.request("GET", "/object_info")
        if not isinstance(answer, Mapping):
            raise errors.UnexpectedResponse("GET /object_info did not answer an object")
        return answer

    async def upload(
        self, filename: str, data: bytes, *, subfolder: str = "", overwrite: bool = False
    ) -> UploadedFile:
        """POST /upload/image into input/ (any type: audio for LoadAudio too); returns where it was kept."""
        check_upload_name(filename, subfolder)
        form = aiohttp.FormData()
        form.add_field("image", data, filename=filename, content_type="application/octet-stream")
        form.add_field("type", "input")
        form.add_field("subfolder", subfolder)
        form.add_field("overwrite", "true" if overwrite else "false")
        return UploadedFile.parse(await self.request("POST", "/upload/image", form=form))

    @asynccontextmanager
    async def view(self, file: OutputFile, *, chunk_size: int = 1 << 16) -> AsyncIterator[Download]:
        """Stream GET /view for ``file``, passing filename, subfolder and type exactly as given."""
        what = f"GET /view {file.subfolder}/{file.filename} [{file.type}]"
        params = {"filename": file.filename, "subfolder": file.subfolder, "type": file.type}
        try:
            response = await self.session.get(
                self.url("/view"), params=params, timeout=self._download_timeout
            )
            if response.status >= 300:
                body = await response.text(errors="replace")
                response.release()
                raise error_for_response(response.status, body, what=what)
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise _wrap(exc, what) from exc

        async def chunks() -> AsyncIterator[bytes]:
            try:
                async for chunk in response.content.iter_chunked(chunk_size):
                    yield chunk
            except aiohttp.ClientPayloadError as exc:  # the body ended before its Content-Length
                raise errors.DamagedOutput(f"{what}: body cut short: {exc}") from exc
            except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                raise _wrap(exc, what) from exc

        # Only network failures are wrapped: an error in the caller's block (a full disk) stays its own.
        try:
            encoded = "Content-Encoding" in response.headers
            expected = None if encoded else response.content_length
            yield Download(response.content_type, chunks(), expected)
        finally:
            response.release()
