"""What one worker tells the others about the shared queue, through Postgres NOTIFY (`db.notify`).

Each message is a typed value; `payload` writes it as a small JSON object and `read` turns one received back
into a message, or None for anything malformed or unknown (a newer worker's message, say), which is ignored.
"""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Job
from db.notify import notify
from db.snapshots import model_needs_of

log = logging.getLogger(__name__)


class _Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    sender: str  # the worker id of the worker that sent it (a worker ignores its own)
    job_id: int


class JobQueuedMessage(_Message):
    """A job was queued (or handed back for a retry): every worker adds it to its copy of the queue."""

    kind: Literal["queued"] = "queued"
    guild_id: int
    user_id: int
    workflow_name: str
    model_needs: list[tuple[str, str, str]] = []

    @classmethod
    def of(cls, sender: str, job: Job) -> JobQueuedMessage:
        return cls(
            sender=sender,
            job_id=job.id,
            guild_id=job.guild_id,
            user_id=job.user_id,
            workflow_name=job.workflow_name,
            model_needs=list(model_needs_of(job.model_needs)),
        )


class JobGoneMessage(_Message):
    """A queued job was claimed or cancelled: no worker should try to start it any more."""

    kind: Literal["gone"] = "gone"


class CancelRequestedMessage(_Message):
    """A user cancelled a job that another worker runs: the worker running it stops it."""

    kind: Literal["cancel"] = "cancel"
    by_user_id: int | None = None


class JobHandedOverMessage(_Message):
    """A stopping worker gave up a running job (its lease ended): a live worker takes it over now."""

    kind: Literal["handed_over"] = "handed_over"


class WorkflowsChangedMessage(BaseModel):
    """A workflow was added or removed from Discord: every worker reads the stored workflows again."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    kind: Literal["workflows_changed"] = "workflows_changed"
    sender: str


class BackendNodesChangedMessage(BaseModel):
    """A backend came back offering other node classes or models than before (restarted with a model added,
    say): every process reads its /object_info again. A gateway checks a backend's health over HTTP now and
    then and would not notice a restart shorter than that; a worker's socket sees every one."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    kind: Literal["nodes_changed"] = "nodes_changed"
    sender: str
    backends: list[str]  # their names, as in COMFYUI_URLS


class PolicyChangedMessage(BaseModel):
    """A server's settings were changed (/settings, at a gateway): every process reads them again before
    it next uses them, rather than keep its copy until it ages (core.jobs.policy.PolicyCache)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    kind: Literal["policy_changed"] = "policy_changed"
    sender: str
    guild_id: int


WorkerMessage = (
    JobQueuedMessage
    | JobGoneMessage
    | CancelRequestedMessage
    | JobHandedOverMessage
    | WorkflowsChangedMessage
    | BackendNodesChangedMessage
    | PolicyChangedMessage
)
_READER: TypeAdapter[WorkerMessage] = TypeAdapter(Annotated[WorkerMessage, Field(discriminator="kind")])


def payload(message: WorkerMessage) -> dict[str, Any]:
    return message.model_dump(mode="json")


def message_text(message: WorkerMessage) -> str:
    """The message as sent through pg_notify (by `tell`, or within a statement of its own)."""
    return json.dumps(payload(message))


async def tell(session: AsyncSession, message: WorkerMessage) -> None:
    """The other workers hear it once (and only if) the session's transaction commits."""
    await notify(session, payload(message))


def read(received: dict[str, Any]) -> WorkerMessage | None:
    try:
        return _READER.validate_python(received)
    except ValidationError as exc:
        log.warning("ignoring a worker message that is not one we know (%d problems)", exc.error_count())
        return None
