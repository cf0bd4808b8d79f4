"""The graph a job posts to ComfyUI: the one bound when it was submitted, every time it is posted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from comfy.workflows.catalogue import WorkflowCatalogue
from core.kinds import KindRegistry, typed_params
from db.snapshots import JobView


@dataclass(frozen=True, slots=True)
class GraphToPost:
    graph: dict[str, Any]
    # What each of the job's artifacts records: the request, its seed, the workflow and when.
    metadata: dict[str, Any]


def graph_to_post(job: JobView, catalogue: WorkflowCatalogue, kinds: KindRegistry) -> GraphToPost:
    """The stored graph; a job queued before graphs were stored is bound from its template now.

    Raises what binding raises (UnknownWorkflow, WorkflowError) when that template is gone or changed kind.
    """
    if job.posted_graph is not None:
        return GraphToPost(job.posted_graph, dict(job.seed_document or {}))
    bound = kinds.bind(catalogue.get(job.workflow_name), typed_params(job.params))
    return GraphToPost(bound.graph, bound.metadata)
