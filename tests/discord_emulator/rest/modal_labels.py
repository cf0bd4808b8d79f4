"""Discord's rules for Labels and File Uploads in a MODAL response (components/reference):

- Label (type 18): "label: The label text; max 45 characters", "description: ... max 100 characters", and its
  `component` one of the label child components: Text Input, the selects (3, 5-8), File Upload, Radio Group,
  Checkbox Group, Checkbox (4, 19, 21-23).
- File Upload (type 19): "File Uploads are available on modals. They must be placed inside a Label";
  custom_id 1-100 characters; min_values 0-10 and max_values 1-10 (both default to 1); "min_values must be
  either omitted or at least 1 if required is omitted or true"; file_types at most 10.

Every breach is collected under its path in the 400 / 50035 "Invalid Form Body" errors.
"""

from __future__ import annotations

from typing import Any

LABEL, FILE_UPLOAD = 18, 19
LABEL_CHILDREN = {3, 4, 5, 6, 7, 8, 19, 21, 22, 23}
MAX_LABEL, MAX_DESCRIPTION, MAX_CUSTOM_ID, MAX_FILES, MAX_FILE_TYPES = 45, 100, 100, 10, 10


def _error(code: str, message: str) -> dict[str, Any]:
    return {"_errors": [{"code": code, "message": message}]}


def _walk(component: dict[str, Any], path: str) -> list[tuple[str, dict[str, Any]]]:
    found = [(path, component)]
    for index, child in enumerate(component.get("components") or []):
        found.extend(_walk(child, f"{path}.components.{index}"))
    if isinstance(component.get("component"), dict):
        found.extend(_walk(component["component"], f"{path}.component"))
    return found


def label_and_upload_errors(components: list[dict[str, Any]]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    for index, top in enumerate(components):
        path = f"data.components.{index}"
        if top.get("type") == LABEL:
            if len(str(top.get("label") or "")) > MAX_LABEL:
                errors[f"{path}.label"] = _error(
                    "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_LABEL} or fewer in length."
                )
            if len(str(top.get("description") or "")) > MAX_DESCRIPTION:
                errors[f"{path}.description"] = _error(
                    "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_DESCRIPTION} or fewer in length."
                )
            child = top.get("component") or {}
            if child.get("type") not in LABEL_CHILDREN:
                errors[f"{path}.component"] = _error(
                    "COMPONENT_TYPE_INVALID", "Invalid component type in a Label."
                )
            elif child.get("type") == FILE_UPLOAD:
                errors |= _upload_errors(child, f"{path}.component")
            continue
        for where, component in _walk(top, path):
            if component.get("type") == FILE_UPLOAD:
                errors[where] = _error(
                    "COMPONENT_LAYOUT_INVALID", "A File Upload must be placed inside a Label."
                )
    return errors


def _upload_errors(upload: dict[str, Any], path: str) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    if not 1 <= len(str(upload.get("custom_id") or "")) <= MAX_CUSTOM_ID:
        errors[f"{path}.custom_id"] = _error("BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
    least, most = upload.get("min_values"), upload.get("max_values")
    if least is not None and not 0 <= int(least) <= MAX_FILES:
        errors[f"{path}.min_values"] = _error("NUMBER_TYPE_MAX", "Must be between 0 and 10.")
    elif least is not None and int(least) < 1 and upload.get("required", True):
        errors[f"{path}.min_values"] = _error(
            "BASE_TYPE_MIN", "min_values must be at least 1 when the upload is required."
        )
    if most is not None and not 1 <= int(most) <= MAX_FILES:
        errors[f"{path}.max_values"] = _error("NUMBER_TYPE_MAX", "Must be between 1 and 10.")
    elif least is not None and most is not None and int(least) > int(most):
        errors[f"{path}.min_values"] = _error("BASE_TYPE_MAX", "min_values cannot be more than max_values.")
    if len(upload.get("file_types") or []) > MAX_FILE_TYPES:
        errors[f"{path}.file_types"] = _error("BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    return errors
