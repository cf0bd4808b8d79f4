"""Style presets offered by /imagine's autocomplete. A style is a tag added to the prompt; several may be
combined, comma-separated."""

from __future__ import annotations

STYLE_PRESETS: tuple[str, ...] = (
    "anime",
    "cinematic",
    "digital art",
    "fantasy",
    "line art",
    "low poly",
    "oil painting",
    "photographic",
    "pixel art",
    "sketch",
    "watercolor",
    "3d render",
)


def style_suggestions(typed: str, limit: int = 25) -> list[str]:
    """Completions for a comma-separated tag list: the last tag is completed, earlier ones kept."""
    *done, current = typed.split(",")
    kept = [tag.strip() for tag in done if tag.strip()]
    current = current.strip().lower()
    prefix = ", ".join(kept)
    chosen = {tag.lower() for tag in kept}
    suggestions = []
    for preset in STYLE_PRESETS:
        if preset in chosen or current not in preset:
            continue
        suggestions.append(f"{prefix}, {preset}" if prefix else preset)
    if not suggestions and typed.strip():
        suggestions.append(typed.strip())
    return [s for s in suggestions if len(s) <= 100][:limit]
