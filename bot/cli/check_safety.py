"""`check`'s line about content safety: the classifier loaded (and tried on a picture), or why it is off."""

from __future__ import annotations

import io
import time

from PIL import Image

from bot.cli.check_result import CheckResult
from bot.cli.runtime_config import safety_config
from bot.settings import Settings
from core.safety.checker import SafetyChecker
from core.safety.nudenet import EXTRA_HINT


async def check_safety(settings: Settings) -> CheckResult:
    checker = SafetyChecker(await safety_config(settings))
    try:
        if checker.classifier is None:
            reason = checker.off_reason or "no classifier"
            if settings.safety_classifier == "off":
                return CheckResult.passed(f"content safety is off ({reason})")
            return CheckResult.warned(f"content safety is off: {reason}", EXTRA_HINT)
        started = time.perf_counter()
        verdict = await checker.check_picture(_grey_png())
        if verdict is None:
            return CheckResult.failed(
                f"content safety: {checker.classifier.name} loaded but could not classify a test picture",
                "reinstall the extra: pip install --force-reinstall '.[safety]'",
            )
        took_ms = (time.perf_counter() - started) * 1000
        return CheckResult.passed(
            f"content safety: the {checker.classifier.name} model loaded and classified a test picture "
            f"in {took_ms:.0f} ms"
        )
    finally:
        checker.close()


def _grey_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (128, 128, 128)).save(buffer, format="PNG")
    return buffer.getvalue()
