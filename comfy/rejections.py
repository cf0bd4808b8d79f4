"""Reading a refused POST /prompt: the server's ``node_errors`` as one problem per reason, in node order."""

from __future__ import annotations

from collections.abc import Mapping

from comfy import errors


def node_problems(node_errors: object) -> list[errors.NodeProblem]:
    """Flatten ``node_errors`` into one problem per reason, in node id order."""
    problems: list[errors.NodeProblem] = []
    if not isinstance(node_errors, Mapping):
        return problems
    for node_id, entry in sorted(node_errors.items(), key=lambda kv: _node_sort_key(str(kv[0]))):
        if not isinstance(entry, Mapping):
            continue
        class_type = str(entry.get("class_type") or "")
        reasons = entry.get("errors")
        for reason in reasons if isinstance(reasons, list) else []:
            if not isinstance(reason, Mapping):
                continue
            extra = reason.get("extra_info")
            input_name = extra.get("input_name") if isinstance(extra, Mapping) else None
            message = str(reason.get("message") or reason.get("type") or "invalid")
            details = str(reason.get("details") or "")
            if details and details != input_name:
                message = f"{message} ({details})"
            received = extra.get("received_value") if isinstance(extra, Mapping) else None
            kind = str(reason.get("type") or "")
            problem = errors.NodeProblem(
                str(node_id), class_type, str(input_name or ""), message, kind, received
            )
            problems.append(problem)
    return problems


def _node_sort_key(node_id: str) -> tuple[int, str]:
    return (int(node_id), "") if node_id.isdecimal() else (1 << 62, node_id)


def prompt_rejected(body: object) -> errors.PromptRejected:
    """The error for a refused POST /prompt, readable even when ``error.details`` is empty."""
    body = body if isinstance(body, Mapping) else {}
    error = body.get("error")
    error = error if isinstance(error, Mapping) else {}
    error_type = str(error.get("type") or "")
    headline = str(error.get("message") or "The workflow is invalid")
    details = str(error.get("details") or "")
    problems = node_problems(body.get("node_errors"))
    if problems:
        lines = [p.describe() for p in problems]
        user = "The ComfyUI server refused this workflow:\n" + "\n".join(f"- {line}" for line in lines)
        detail = "; ".join([f"{error_type or 'partly invalid'}: {headline}", *lines])
    else:
        user = f"The ComfyUI server refused this workflow: {headline}" + (f" ({details})" if details else "")
        detail = f"{error_type}: {headline}" + (f" ({details})" if details else "")
    return errors.PromptRejected(
        detail, error_type=error_type, problems=problems, headline=headline, user_message=user
    )
