"""NudeNet (https://github.com/notAI-tech/NudeNet) as the core's Classifier: its wheel carries its ONNX
detector (320n), run by onnxruntime on the CPU.

NudeNet is licensed AGPL-3.0, so it is an optional extra the operator chooses (`pip install '.[safety]'`):
it is imported here, lazily, only when the classifier is loaded, and its absence only turns safety off.

Its pre-processing (`_read_image`: pad to a square, scale to 320 px, OpenCV, which releases the GIL) and its
labels are used as they are (nudenet is pinned to 3.4.2). Its post-processing is not: it walks the 2,100
candidate boxes in Python and merges overlapping ones (15 ms holding the GIL per picture on this machine,
which the event loop would feel). A label's score here is its best candidate's, taken with numpy: the same
candidates (NudeNet's own 0.2 floor), before the box merging, which can only drop boxes, never raise one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from PIL import Image

from core.safety.classifier import ClassifierChoice, SafetyOff

log = logging.getLogger(__name__)

EXTRA_HINT = "install the extra: pip install '.[safety]' (NudeNet, AGPL-3.0, and onnxruntime)"
# One inference thread: the machine's other core stays with the event loop and ComfyUI's clients.
_THREADS = 1
_SIDE = 320  # the 320n model's input
_CANDIDATE_FLOOR = 0.2  # NudeNet's own: weaker candidates are no detection


class NudeNetClassifier:
    name = "nudenet-320n"

    def __init__(self, session: Any, labels: Sequence[str], read_image: Callable[..., Any]) -> None:
        self._session = session
        self._input = session.get_inputs()[0].name
        self._labels = tuple(labels)
        self._read_image = read_image

    def scores(self, image: Image.Image) -> Mapping[str, float]:
        import numpy  # present with the extra only

        # NudeNet reads pictures as OpenCV does: 3 channels, blue first.
        pixels = numpy.ascontiguousarray(numpy.asarray(image.convert("RGB"))[:, :, ::-1])
        blob = self._read_image(pixels, _SIDE)[0]
        output = self._session.run(None, {self._input: blob})[0]
        # One row per candidate box: its centre and size, then a score per label.
        label_scores = numpy.squeeze(output).T[:, 4:]
        best, score = label_scores.argmax(axis=1), label_scores.max(axis=1)
        found: dict[str, float] = {}
        for index in numpy.unique(best[score >= _CANDIDATE_FLOOR]):
            found[self._labels[int(index)]] = float(score[best == index].max())
        return found


def load_nudenet() -> ClassifierChoice:
    """The classifier, or why there is none (the extra is not installed, or its model does not load)."""
    try:
        import onnxruntime
        from nudenet import nudenet  # an optional extra, imported only when chosen
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
        labels = getattr(nudenet, "__labels")  # a module-level name with two leading underscores
    except Exception as exc:  # onnxruntime's load errors have no common type
        return SafetyOff(f"NudeNet's model {model} did not load ({type(exc).__name__}: {exc})")
    return NudeNetClassifier(session, labels, nudenet._read_image)
