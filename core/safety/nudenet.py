"""NudeNet (https://github.com/notAI-tech/NudeNet) as the core's Classifier: its wheel carries its ONNX
detector (320n), run by onnxruntime on the CPU.

NudeNet is licensed AGPL-3.0, so it is an optional extra the operator chooses (`pip install '.[safety]'`):
it is imported here, lazily, only when the classifier is loaded, and its absence only turns safety off.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PIL import Image

from core.safety.classifier import ClassifierChoice, SafetyOff

log = logging.getLogger(__name__)

EXTRA_HINT = "install the extra: pip install '.[safety]' (NudeNet, AGPL-3.0, and onnxruntime)"
# One inference thread: the machine's other core stays with the event loop and ComfyUI's clients.
_THREADS = 1


class NudeNetClassifier:
    name = "nudenet-320n"

    def __init__(self, detector: Any) -> None:
        self._detector = detector

    def scores(self, image: Image.Image) -> Mapping[str, float]:
        import numpy  # present with the extra only

        # NudeNet reads pictures as OpenCV does: 3 channels, blue first.
        pixels = numpy.ascontiguousarray(numpy.asarray(image.convert("RGB"))[:, :, ::-1])
        found: dict[str, float] = {}
        for detection in self._detector.detect(pixels):
            label, score = str(detection["class"]), float(detection["score"])
            found[label] = max(score, found.get(label, 0.0))
        return found


def load_nudenet() -> ClassifierChoice:
    """The classifier, or why there is none (the extra is not installed, or its model does not load)."""
    try:
        import nudenet  # an optional extra, imported only when chosen
        import onnxruntime
    except ImportError as exc:
        return SafetyOff(f"NudeNet is not installed ({exc.name} is missing); {EXTRA_HINT}")
    model = Path(nudenet.__file__).with_name("320n.onnx")
    try:
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = _THREADS
        options.inter_op_num_threads = _THREADS
        session = onnxruntime.InferenceSession(
            str(model), sess_options=options, providers=["CPUExecutionProvider"]
        )
        detector = nudenet.NudeDetector.__new__(nudenet.NudeDetector)
        # NudeDetector's own constructor takes no session options (it would use every core); the rest of
        # it (pre- and post-processing) is used as it is.
        detector.onnx_session = session
        detector.input_width = detector.input_height = 320
        detector.input_name = session.get_inputs()[0].name
    except Exception as exc:  # onnxruntime's load errors have no common type
        return SafetyOff(f"NudeNet's model {model} did not load ({type(exc).__name__}: {exc})")
    return NudeNetClassifier(detector)
