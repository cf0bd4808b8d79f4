"""HTTP routes of the fake: prompt, queue, history, interrupt, websocket and the small info endpoints.

Every route also exists under /api (except /internal/logs), like the real server.
"""

from __future__ import annotations

import copy
import json
import urllib.parse
import uuid
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import file_routes, uploads
from .hub import server_features
from .validation import validate_prompt

if TYPE_CHECKING:
    from .server import FakeComfyUI

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

MODEL_FOLDERS = [
    "checkpoints", "loras", "vae", "text_encoders", "diffusion_models", "clip_vision", "style_models",
    "embeddings", "diffusers", "vae_approx", "controlnet", "gligen", "upscale_models",
    "latent_upscale_models", "hypernetworks", "photomaker", "classifiers", "model_patches", "audio_encoders",
]  # fmt: skip
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}
# Which combo lists a model folder feeds (the same lists FakeConfig.models configures).
FOLDER_COMBOS = {
    "checkpoints": "CheckpointLoaderSimple.ckpt_name",
    "loras": "LoraLoader.lora_name",
    "vae": "VAELoader.vae_name",
    "diffusion_models": "UNETLoader.unet_name",
    "text_encoders": "DualCLIPLoader.clip_name1",
    "upscale_models": "UpscaleModelLoader.model_name",
}


def server_error() -> web.Response:
    """What aiohttp answers when a ComfyUI handler raises (e.g. on a non-JSON body)."""
    return web.Response(
        status=500,
        text="500 Internal Server Error\n\nServer got itself in trouble",
        content_type="text/plain",
    )


@web.middleware
async def origin_check(request: web.Request, handler: Handler) -> web.StreamResponse:
    """403 when a loopback Host and the Origin differ (ComfyUI's origin-only middleware)."""
    host = request.headers.get("Host")
    origin = request.headers.get("Origin")
    if host and origin:
        parsed_origin = urllib.parse.urlparse(origin)
        parsed_host = urllib.parse.urlsplit("//" + host.lower())
        host_domain: str | None = host.lower()
        origin_domain: str | None = parsed_origin.netloc.lower()
        if parsed_origin.port is None:
            host_domain = parsed_host.hostname
        if parsed_host.port is None:
            origin_domain = parsed_origin.hostname
        if (
            parsed_host.hostname in LOOPBACK_HOSTS
            and host_domain
            and origin_domain
            and host_domain != origin_domain
        ):
            return web.Response(status=403)
    return await handler(request)


async def _json(request: web.Request) -> Any:
    return json.loads(await request.text())


def build_app(server: FakeComfyUI) -> web.Application:
    app = web.Application(middlewares=[origin_check], client_max_size=server.config.max_upload_size)
    handlers = _Handlers(server)
    table: list[tuple[str, str, Handler]] = [
        ("GET", "/ws", server.hub.handle),
        ("POST", "/prompt", handlers.post_prompt),
        ("GET", "/prompt", handlers.get_prompt),
        ("GET", "/queue", handlers.get_queue),
        ("POST", "/queue", handlers.post_queue),
        ("POST", "/interrupt", handlers.post_interrupt),
        ("GET", "/history", handlers.get_history),
        ("GET", "/history/{prompt_id}", handlers.get_history_item),
        ("POST", "/history", handlers.post_history),
        ("GET", "/system_stats", handlers.system_stats),
        ("GET", "/features", handlers.features),
        ("GET", "/object_info", handlers.object_info),
        ("GET", "/object_info/{node_class}", handlers.object_info_class),
        ("GET", "/models", handlers.models),
        ("GET", "/models/{folder}", handlers.models_folder),
        ("GET", "/embeddings", handlers.empty_list),
        ("GET", "/extensions", handlers.empty_list),
        ("POST", "/free", handlers.free),
        ("GET", "/view", file_routes.view_handler(server)),
        ("POST", "/upload/image", uploads.upload_image_handler(server)),
        ("POST", "/upload/mask", uploads.upload_mask_handler(server)),
    ]
    for method, path, handler in table:
        app.router.add_route(method, path, handler)
        app.router.add_route(method, "/api" + path, handler)
    app.router.add_get("/internal/logs", handlers.logs)
    app.router.add_get("/", handlers.index)
    return app


class _Handlers:
    def __init__(self, server: FakeComfyUI) -> None:
        self.server = server

    async def post_prompt(self, request: web.Request) -> web.Response:
        try:
            body = await _json(request)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return server_error()
        self.server.prompts_received.append(copy.deepcopy(body))
        try:
            return self._accept_prompt(body)
        except (TypeError, AttributeError, KeyError, ValueError):
            # The real handler runs the same `in` / `[]` operations on whatever JSON arrived, so odd shapes
            # either fall through to "no_prompt" or crash into aiohttp's plain 500.
            return server_error()

    def _accept_prompt(self, body: Any) -> web.Response:
        s = self.server
        if "number" in body:
            number: float = float(body["number"])
        else:
            number = s.number
            if "front" in body and body["front"]:  # noqa: RUF019 - a str body has no .get()
                number = -number
            s.number += 1
        if "prompt" not in body:
            error = {"type": "no_prompt", "message": "No prompt provided", "details": "No prompt provided",
                     "extra_info": {}}  # fmt: skip
            return web.json_response({"error": error, "node_errors": {}}, status=400)
        prompt = body["prompt"]
        prompt_id = str(body.get("prompt_id", uuid.uuid4()))
        verdict = validate_prompt(s.catalogue(), prompt, body.get("partial_execution_targets"))
        extra_data = body.get("extra_data", {})
        if "client_id" in body:
            extra_data["client_id"] = body["client_id"]
        if not verdict.ok:
            return web.json_response({"error": verdict.error, "node_errors": verdict.node_errors}, status=400)
        s.queue.put(number, prompt_id, prompt, extra_data, verdict.good_outputs)
        answer = {"prompt_id": prompt_id, "number": number, "node_errors": verdict.node_errors}
        return web.json_response(answer)

    async def get_prompt(self, request: web.Request) -> web.Response:
        return web.json_response({"exec_info": {"queue_remaining": self.server.queue.remaining()}})

    async def get_queue(self, request: web.Request) -> web.Response:
        queue = self.server.queue
        running = [queue.running.public()] if queue.running is not None else []
        pending = [item.public() for item in queue.pending()]
        return web.json_response(copy.deepcopy({"queue_running": running, "queue_pending": pending}))

    async def post_queue(self, request: web.Request) -> web.Response:
        try:
            body = await _json(request)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return server_error()
        queue = self.server.queue
        if body.get("clear"):
            queue.wipe()
        if "delete" in body:
            self.server.queue_deletes.append(list(body["delete"]))
            for prompt_id in body["delete"]:
                queue.delete(prompt_id)
        return web.Response(status=200)

    async def post_interrupt(self, request: web.Request) -> web.Response:
        try:
            body = await _json(request)
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = {}
        body = body if isinstance(body, dict) else {}
        self.server.interrupts.append(body)
        prompt_id = body.get("prompt_id")
        running = self.server.queue.running
        if not prompt_id or (running is not None and running.prompt_id == prompt_id):
            self.server.executor.interrupt()
        return web.Response(status=200)

    async def get_history(self, request: web.Request) -> web.Response:
        max_items = request.query.get("max_items")
        offset = int(request.query.get("offset", -1))
        history = self.server.queue.get_history(int(max_items) if max_items is not None else None, offset)
        return web.json_response(history)

    async def get_history_item(self, request: web.Request) -> web.Response:
        prompt_id = request.match_info["prompt_id"]
        entry = self.server.queue.history.get(prompt_id)
        return web.json_response({prompt_id: copy.deepcopy(entry)} if entry is not None else {})

    async def post_history(self, request: web.Request) -> web.Response:
        try:
            body = await _json(request)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return server_error()
        history = self.server.queue.history
        if body.get("clear"):
            history.clear()
        for prompt_id in body.get("delete", []):
            history.pop(prompt_id, None)
        return web.Response(status=200)

    async def system_stats(self, request: web.Request) -> web.Response:
        ram = 25276510208
        free = 23763161088
        system = {
            "os": "posix",
            "ram_total": ram,
            "ram_free": free,
            "comfyui_version": "0.3.64",
            "required_frontend_version": "1.27.10",
            "installed_templates_version": "0.1.95",
            "required_templates_version": "0.1.95",
            "python_version": "3.11.7 (main, May  9 2026, 07:35:25) [GCC 12.2.0]",
            "pytorch_version": "2.13.0+cu130",
            "embedded_python": False,
            "argv": ["main.py", "--cpu", "--listen", "127.0.0.1", "--port", str(self.server.port)],
        }
        device = {"name": "cpu", "type": "cpu", "index": None, "vram_total": ram, "vram_free": free,
                  "torch_vram_total": ram, "torch_vram_free": free}  # fmt: skip
        return web.json_response({"system": system, "devices": [device]})

    async def features(self, request: web.Request) -> web.Response:
        return web.json_response(server_features(self.server.config))

    async def object_info(self, request: web.Request) -> web.Response:
        if not self.server.object_info_going.is_set():
            self.server.object_info_waiting.set()
            await self.server.object_info_going.wait()
        catalogue = self.server.catalogue()
        return web.json_response({name: catalogue.object_info(spec) for name in catalogue.names()
                                  if (spec := catalogue.get(name)) is not None})  # fmt: skip

    async def object_info_class(self, request: web.Request) -> web.Response:
        catalogue = self.server.catalogue()
        name = request.match_info["node_class"]
        spec = catalogue.get(name)
        return web.json_response({name: catalogue.object_info(spec)} if spec is not None else {})

    async def models(self, request: web.Request) -> web.Response:
        return web.json_response(MODEL_FOLDERS)

    async def models_folder(self, request: web.Request) -> web.Response:
        folder = request.match_info["folder"]
        if folder not in MODEL_FOLDERS:
            return web.Response(status=404)
        key = FOLDER_COMBOS.get(folder)
        return web.json_response(list(self.server.config.models.get(key, [])) if key else [])

    async def empty_list(self, request: web.Request) -> web.Response:
        return web.json_response([])

    async def free(self, request: web.Request) -> web.Response:
        return web.Response(status=200)

    async def logs(self, request: web.Request) -> web.Response:
        return web.json_response("fake ComfyUI log\n")

    async def index(self, request: web.Request) -> web.Response:
        return web.Response(text="<!doctype html><title>ComfyUI</title>", content_type="text/html")
