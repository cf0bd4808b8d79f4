"""A modal's answers, in the shape Discord sends them in MODAL_SUBMIT: the layout the modal was shown in.

Files given to a File Upload (type 19, always inside a Label) come back as the ids of the uploaded
attachments in `values`, the attachments themselves in `data.resolved.attachments` ("values: IDs of the
uploaded files found in the resolved data", components/reference#file-upload). What Discord's client would
not let a person submit (a required upload left empty, more files than `max_values`, fewer than
`min_values`, a file over their upload limit) is a mistake in the test: it raises `NotSubmittable`.
"""

from __future__ import annotations

from typing import Any

STRING_SELECT, TEXT_INPUT, LABEL, ACTION_ROW, FILE_UPLOAD = 3, 4, 18, 1, 19


class NotSubmittable(AssertionError):
    """Discord's client would not submit this form."""


def check_uploads(layout: list[dict[str, Any]], counts: dict[str, int]) -> None:
    """Every File Upload of the layout against the number of files given to it."""
    shown = {
        top["component"]["custom_id"]: top["component"]
        for top in layout
        if top.get("type") == LABEL and (top.get("component") or {}).get("type") == FILE_UPLOAD
    }
    for custom_id in counts:
        if custom_id not in shown:
            raise NotSubmittable(f"the modal has no file upload {custom_id!r}")
    for custom_id, upload in shown.items():
        given = counts.get(custom_id, 0)
        required = upload.get("required", True)
        least = int(upload.get("min_values") or (1 if required else 0))
        most = int(upload.get("max_values") or 1)
        if (required or given) and given < least:
            raise NotSubmittable(f"{custom_id!r} needs at least {least} file(s)")
        if given > most:
            raise NotSubmittable(f"{custom_id!r} takes at most {most} file(s)")


def modal_components(
    layout: list[dict[str, Any]], fields: dict[str, str | list[str]], uploads: dict[str, list[str]]
) -> list[dict[str, Any]]:
    """Answers in the same shape the modal was shown in: action rows, or labels (components v2).

    `uploads`: the attachment ids given to each file upload, by custom_id."""

    def answer(custom_id: str, value: str | list[str]) -> dict[str, Any]:
        if isinstance(value, list):
            return {"type": STRING_SELECT, "custom_id": custom_id, "values": value}
        return {"type": TEXT_INPUT, "custom_id": custom_id, "value": value}

    remaining = dict(fields)
    result: list[dict[str, Any]] = []
    for top in layout:
        if top.get("type") == LABEL:
            inner = top.get("component", {})
            if inner.get("type") == FILE_UPLOAD:
                ids = uploads.get(inner["custom_id"], [])
                upload = {"type": FILE_UPLOAD, "custom_id": inner["custom_id"], "values": ids}
                result.append({"type": LABEL, "component": upload})
            elif inner.get("custom_id") in remaining:
                result.append(
                    {
                        "type": LABEL,
                        "component": answer(inner["custom_id"], remaining.pop(inner["custom_id"])),
                    }
                )
        elif top.get("type") == ACTION_ROW:
            row = [
                answer(c["custom_id"], remaining.pop(c["custom_id"]))
                for c in top.get("components", [])
                if c.get("custom_id") in remaining
            ]
            if row:
                result.append({"type": ACTION_ROW, "components": row})
    result.extend({"type": ACTION_ROW, "components": [answer(k, v)]} for k, v in remaining.items())
    return result
