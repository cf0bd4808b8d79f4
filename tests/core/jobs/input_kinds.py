"""A registry whose image workflows take a picture, the way a workflow with its own LoadImage does.

The binding marks a loader's file input with "bot-input:<role>"; here every image job's graph gains a
LoadImage so marked, whose picture is saved as one more output. The fake ComfyUI validates the loader's
file against its input folder, so a job only runs if the executor uploaded the picture and resolved the
marker on the backend that runs it.
"""

from __future__ import annotations

from typing import Any

from comfy.workflows.bind import BoundWorkflow
from comfy.workflows.template import WorkflowTemplate
from core.kinds import KindParams, KindRegistry, default_kinds

LOADER_ID, SAVER_ID = "900", "901"


class PictureTakingKinds(KindRegistry):
    def bind(self, template: WorkflowTemplate, params: KindParams, **options: Any) -> BoundWorkflow:
        # The kind's own derivation (image-to-image) is left out: these tests are about the file's way.
        options.pop("inputs", None)
        bound = super().bind(template, params, **options)
        if template.kind == "image":
            bound.graph[LOADER_ID] = {"class_type": "LoadImage", "inputs": {"image": "bot-input:image"}}
            bound.graph[SAVER_ID] = {
                "class_type": "SaveImage",
                "inputs": {"images": [LOADER_ID, 0], "filename_prefix": "given"},
            }
        return bound


def picture_taking_kinds() -> PictureTakingKinds:
    return PictureTakingKinds(list(default_kinds()))
