"""Parameter vocabulary the library itself understands: qualities (steps per sampler) and seeds."""

from __future__ import annotations

from typing import Literal

Quality = Literal["draft", "standard", "high"]

QUALITIES: tuple[Quality, ...] = ("draft", "standard", "high")
MAX_SEED = 2**64 - 1  # ComfyUI's KSampler accepts 0 ... 0xffffffffffffffff
