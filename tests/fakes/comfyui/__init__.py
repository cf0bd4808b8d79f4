"""A protocol-faithful fake ComfyUI server (HTTP + WebSocket) for tests; see server.FakeComfyUI."""

from .config import FakeConfig
from .server import FakeComfyUI

__all__ = ["FakeComfyUI", "FakeConfig"]
