"""Checked input for new rows: what fails here never reaches the database, so nothing is half-written.

Every repository method that writes user-derived data takes one of these models (or a mapping it validates).
A rejected input raises `InvalidInput`, a pydantic `ValidationError` that names each offending field.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import PurePosixPath, PureWindowsPath
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    StringConstraints,
    ValidationError,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from db.enums import ArtifactType, InputMedia, InputSource, RegeneratePermission, SafetyMode
from db.types import KIND_MAX_CHARS, MAX_SEED

MAX_RAW_INPUT_CHARS = 4000
MAX_DOCUMENT_BYTES = 64 * 1024
# A posted workflow graph: as large as the workflow files the bot accepts (2 MiB), with room for the prompt.
MAX_GRAPH_BYTES = 3 * 1024 * 1024
MAX_SNOWFLAKE = 2**63 - 1


class InvalidInput(ValidationError):
    """Input refused before any write. `fields` names what was wrong, `user_message` says it kindly."""

    @property
    def fields(self) -> list[str]:
        return [".".join(str(part) for part in error["loc"]) or "(input)" for error in self.errors()]

    @property
    def user_message(self) -> str:
        return "Some of that input was not accepted: " + ", ".join(self.fields) + "."


def _no_nul(text: str) -> str:
    # PostgreSQL text and JSONB cannot hold U+0000; SQLite could, so refuse it everywhere alike.
    if "\x00" in text:
        raise ValueError("contains a NUL character")
    return text


def _parse_json_text(value: object) -> object:
    if isinstance(value, str | bytes):
        try:
            return json.loads(value)
        except ValueError as error:
            raise ValueError(f"invalid JSON: {error}") from None
    return value


def _check_document(document: dict[str, Any], limit: int = MAX_DOCUMENT_BYTES) -> dict[str, Any]:
    _check_json_value(document)
    size = len(json.dumps(document, ensure_ascii=False).encode())
    if size > limit:
        raise ValueError(f"document is {size} bytes, over the limit of {limit}")
    return document


def _check_graph(document: dict[str, Any]) -> dict[str, Any]:
    return _check_document(document, MAX_GRAPH_BYTES)


def _check_json_value(value: object) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("NaN and infinity are not valid JSON")
    if isinstance(value, str):
        _no_nul(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _no_nul(key)
            _check_json_value(item)
    elif isinstance(value, list):
        for item in value:
            _check_json_value(item)


def _relative_data_path(path: str) -> str:
    posix, windows = PurePosixPath(path), PureWindowsPath(path)
    if posix.is_absolute() or windows.is_absolute() or windows.drive:
        raise ValueError("must be relative to DATA_DIR")
    if ".." in posix.parts or ".." in windows.parts:
        raise ValueError("must stay inside DATA_DIR (no '..')")
    return path


Snowflake = Annotated[int, Field(ge=0, le=MAX_SNOWFLAKE)]
# Whose a job is (jobs.guild_id): a server's id, or one person's own scope, the negative of their user id
# (core.jobs.scopes: the app used through someone's own install, where it is not installed).
JobScope = Annotated[int, Field(ge=-MAX_SNOWFLAKE, le=MAX_SNOWFLAKE)]


def _seed_in_range(seed: int) -> int:
    if not 0 <= seed <= MAX_SEED:
        raise ValueError(f"must be between 0 and {MAX_SEED} (an unsigned 64-bit number)")
    return seed


SeedValue = Annotated[int, AfterValidator(_seed_in_range)]
Name = Annotated[
    str, StringConstraints(min_length=1, max_length=100, strip_whitespace=True), AfterValidator(_no_nul)
]
# A model or LoRA file as ComfyUI lists it, path under its model folder included ("sdxl/x.safetensors").
ModelFile = Annotated[
    str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True), AfterValidator(_no_nul)
]
# (node class, input, file name): a model file a job's graph loads.
ModelNeed = tuple[Name, Name, ModelFile]
MAX_ALLOWED_MODELS = 200
# A JSON object: a dict, or its JSON text (then parsed).
Document = Annotated[dict[str, JsonValue], BeforeValidator(_parse_json_text), AfterValidator(_check_document)]
GraphDocument = Annotated[
    dict[str, JsonValue], BeforeValidator(_parse_json_text), AfterValidator(_check_graph)
]
DataPath = Annotated[
    str,
    StringConstraints(min_length=1, max_length=500),
    AfterValidator(_no_nul),
    AfterValidator(_relative_data_path),
]


class _Input(BaseModel):
    # Unknown fields are refused: an interaction token passed by mistake must not be stored silently.
    model_config = ConfigDict(extra="forbid", frozen=True)


class JobCreate(_Input):
    guild_id: JobScope
    channel_id: Snowflake
    parent_channel_id: Snowflake | None = None  # made in a thread: the channel it is in
    in_private_thread: bool = False
    channel_nsfw: bool = False
    user_id: Snowflake
    kind: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$", max_length=KIND_MAX_CHARS)]
    raw_input: Annotated[str, StringConstraints(max_length=MAX_RAW_INPUT_CHARS), AfterValidator(_no_nul)]
    params: Document = Field(default_factory=dict)
    workflow_name: Name
    workflow_version: Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(_no_nul)]
    seed: SeedValue | None = None
    posted_graph: GraphDocument | None = None
    seed_document: Document | None = None
    parent_id: Annotated[int, Field(ge=1)] | None = None
    press: Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(_no_nul)] | None = (
        None
    )
    model_needs: Annotated[list[ModelNeed], Field(max_length=64)] = Field(default_factory=list)
    private: bool = False
    # Where the job is shown from the start (a gateway process's interaction): any worker can edit it.
    response_message_id: Snowflake | None = None
    interaction_token: Annotated[str, StringConstraints(min_length=1, max_length=1000)] | None = None
    interaction_token_expires_at: AwareDatetime | None = None
    upload_limit: Annotated[int, Field(ge=1)] | None = None
    locale: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$")] | None = None


class JobEventCreate(_Input):
    job_id: Annotated[int, Field(ge=1)]
    kind: Annotated[str, StringConstraints(min_length=1, max_length=50), AfterValidator(_no_nul)]
    detail: Document = Field(default_factory=dict)


class ArtifactCreate(_Input):
    job_id: Annotated[int, Field(ge=1)]
    type: ArtifactType
    path: DataPath
    preview_path: DataPath | None = None
    mime_type: Annotated[str, StringConstraints(max_length=100, pattern=r"^[\w.+-]+/[\w.+-]+$")]
    size_bytes: Annotated[int, Field(ge=0)]
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    width: Annotated[int, Field(ge=1, le=65535)] | None = None
    height: Annotated[int, Field(ge=1, le=65535)] | None = None
    duration_seconds: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    meta: Document = Field(default_factory=dict)
    safety: Document | None = None
    discord_message_id: Snowflake | None = None
    attachment_url: Annotated[str, StringConstraints(max_length=2000), AfterValidator(_no_nul)] | None = None


class JobInputCreate(_Input):
    job_id: Annotated[int, Field(ge=1)]
    role: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
    media: InputMedia
    mime_type: Annotated[str, StringConstraints(max_length=100, pattern=r"^[\w.+-]+/[\w.+-]+$")]
    size_bytes: Annotated[int, Field(ge=1)]
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    width: Annotated[int, Field(ge=1, le=65535)] | None = None
    height: Annotated[int, Field(ge=1, le=65535)] | None = None
    duration_seconds: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    path: DataPath
    declared_name: Annotated[str, StringConstraints(max_length=255), AfterValidator(_no_nul)]
    source: InputSource
    source_url: Annotated[str, StringConstraints(max_length=2000), AfterValidator(_no_nul)] | None = None
    source_job_id: Annotated[int, Field(ge=1)] | None = None


# A guild's limits, as the database keeps them (/settings limits offers these ranges: core.jobs.policy_edits).
MAX_RUNNING_PER_USER = (1, 100)
MAX_QUEUED_PER_USER = (0, 1000)
RATE_CAPACITY = (1, 1000)
RATE_PER_MINUTE_MAX = 10_000.0


class GuildPolicyUpdate(_Input):
    """Changes to a guild's policy; fields left out keep their stored value."""

    allowed_channel_ids: Annotated[list[Snowflake], Field(max_length=500)] | None = None
    allowed_role_ids: Annotated[list[Snowflake], Field(max_length=250)] | None = None
    max_running_per_user: (
        Annotated[int, Field(ge=MAX_RUNNING_PER_USER[0], le=MAX_RUNNING_PER_USER[1])] | None
    ) = None
    max_queued_per_user: (
        Annotated[int, Field(ge=MAX_QUEUED_PER_USER[0], le=MAX_QUEUED_PER_USER[1])] | None
    ) = None
    rate_capacity: Annotated[int, Field(ge=RATE_CAPACITY[0], le=RATE_CAPACITY[1])] | None = None
    rate_refill_per_minute: (
        Annotated[float, Field(gt=0, le=RATE_PER_MINUTE_MAX, allow_inf_nan=False)] | None
    ) = None
    default_image_workflow: Name | None = None
    default_song_workflow: Name | None = None
    blocked_words: Annotated[list[Name], Field(max_length=1000)] | None = None
    allowed_models: Annotated[list[ModelFile], Field(max_length=MAX_ALLOWED_MODELS)] | None = None
    allowed_loras: Annotated[list[ModelFile], Field(max_length=MAX_ALLOWED_MODELS)] | None = None
    nsfw_channels_only: bool | None = None
    regenerate_permission: RegeneratePermission | None = None
    ping_when_done: bool | None = None
    moderation_log_channel_id: Snowflake | None = None  # a given None: no log channel
    private_results_allowed: bool | None = None
    safety_mode: SafetyMode | None = None

    def changes(self) -> dict[str, Any]:
        """Only the fields the caller gave (a given None clears a default workflow)."""
        changes = self.model_dump(exclude_unset=True)
        for required in (
            "allowed_channel_ids",
            "allowed_role_ids",
            "blocked_words",
            "allowed_models",
            "allowed_loras",
            "max_running_per_user",
            "max_queued_per_user",
            "rate_capacity",
            "rate_refill_per_minute",
            "nsfw_channels_only",
            "regenerate_permission",
            "ping_when_done",
            "private_results_allowed",
            "safety_mode",
        ):
            if required in changes and changes[required] is None:
                del changes[required]
        return changes


InputModel = TypeVar("InputModel", bound=_Input)


def validated(model: type[InputModel], data: InputModel | Mapping[str, Any]) -> InputModel:
    """`data` as a checked `model`, or InvalidInput naming every bad field."""
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(data)
    except ValidationError as error:
        # The context (a bound, a length) stays with each error: the front-end words the reason from it.
        details = [
            InitErrorDetails(
                type=PydanticCustomError(e["type"], e["msg"], e.get("ctx")), loc=e["loc"], input=e["input"]
            )
            for e in error.errors(include_url=False)
        ]
        raise InvalidInput.from_exception_data(error.title, details) from None
