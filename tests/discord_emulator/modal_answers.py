"""A modal's answers, in the shape Discord sends them in MODAL_SUBMIT: the layout the modal was shown in."""

from __future__ import annotations

from typing import Any

STRING_SELECT, TEXT_INPUT, LABEL, ACTION_ROW = 3, 4, 18, 1


def modal_components(
    layout: list[dict[str, Any]], fields: dict[str, str | list[str]]
) -> list[dict[str, Any]]:
    """Answers in the same shape the modal was shown in: action rows, or labels (components v2)."""

    def answer(custom_id: str, value: str | list[str]) -> dict[str, Any]:
        if isinstance(value, list):
            return {"type": STRING_SELECT, "custom_id": custom_id, "values": value}
        return {"type": TEXT_INPUT, "custom_id": custom_id, "value": value}

    remaining = dict(fields)
    result: list[dict[str, Any]] = []
    for top in layout:
        if top.get("type") == LABEL:
            inner = top.get("component", {})
            if inner.get("custom_id") in remaining:
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
