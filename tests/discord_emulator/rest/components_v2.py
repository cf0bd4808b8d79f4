"""Components V2 in messages (message flag IS_COMPONENTS_V2, 1 << 15), checked the way Discord checks them.

Sources (discord/discord-api-docs, developers/):
- components/reference.mdx, intro: with the flag "the `content` and `embeds` fields will no longer work",
  "the `poll` and `stickers` fields are disabled", "Messages allow up to 40 total components", and "Once a
  message has been sent with this flag, it can't be removed from that message".
- resources/message.mdx, Create Message: "When the flag IS_COMPONENTS_V2 is set, the message can only
  contain `components`. Providing `content`, `embeds`, `sticker_ids`, `poll` [...] will fail with a 400".
- resources/message.mdx, Edit Message (and resources/webhook.mdx, Edit Webhook Message): "the
  IS_COMPONENTS_V2 flag can only be set. When the IS_COMPONENTS_V2 flag is set, any of the used `content`,
  `embeds`, `sticker_ids`, or `poll` fields must have their values reset to empty [...] Failing to do this
  will result in a 400". So an edit MAY turn the flag on (clearing the old content in the same request)
  and may never turn it off.
- interactions/receiving-and-responding.mdx: a DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE callback takes only
  EPHEMERAL; a V2 message is made "with the edit original response endpoint".
- components/reference.mdx, per component: Section 1-3 Text Displays with a Button or Thumbnail accessory;
  Thumbnail only as a Section accessory; Media Gallery 1-10 items; File "only supports attachment
  references using the `attachment://<filename>` syntax"; Container children are Action Row, Text Display,
  Section, Media Gallery, Separator, File; an Action Row holds up to 5 buttons or one select; `custom_id`
  1-100 characters, unique in the message. Legacy messages (no flag) "allow up to 5 action rows as
  top-level components" (Legacy Message Component Behavior).
- components/reference.mdx, Media Gallery Item, File and Thumbnail structures: "spoiler?: boolean [...]
  Whether the media should be a spoiler (or blurred out). Defaults to `false`"
  (https://discord.com/developers/docs/components/reference#media-gallery-media-gallery-item-structure,
  #file-file-structure, #thumbnail-thumbnail-structure); anything but a boolean is refused as Discord
  refuses a bad boolean field (BASE_TYPE_BOOLEAN, "Must be either true or false.").
- 4,000 characters of text across all Text Displays: discord/discord-api-docs pull request #8562
  ("The character count of all text display components in a message may total up to 4000 characters").

Every refusal is Discord's 400 "Invalid Form Body" (50035) with the offending field's path in `errors`. The
inner codes Discord is seen to use are kept (MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2,
UNION_TYPE_CHOICES, BASE_TYPE_MAX_LENGTH, BASE_TYPE_MIN_LENGTH); where the docs name no code, the
emulator's own code says what was wrong: tests should assert on the status, 50035 and the path.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ..filenames import cleansed

IS_COMPONENTS_V2 = 1 << 15
ACTION_ROW, BUTTON, SECTION, TEXT_DISPLAY, THUMBNAIL = 1, 2, 9, 10, 11
MEDIA_GALLERY, FILE, SEPARATOR, CONTAINER = 12, 13, 14, 17
SELECTS = (3, 5, 6, 7, 8)
TOP_LEVEL_V2 = (ACTION_ROW, SECTION, TEXT_DISPLAY, MEDIA_GALLERY, FILE, SEPARATOR, CONTAINER)
CONTAINER_CHILDREN = (ACTION_ROW, TEXT_DISPLAY, SECTION, MEDIA_GALLERY, SEPARATOR, FILE)
MAX_COMPONENTS = 40
MAX_TEXT = 4000
MAX_GALLERY_ITEMS = 10
MAX_LEGACY_ROWS = 5
MAX_ROW_BUTTONS = 5
MAX_CUSTOM_ID = 100
MAX_MEDIA_DESCRIPTION = 1024
LEGACY_FIELDS = ("content", "embeds", "sticker_ids", "poll")
ATTACHMENT_SCHEME = "attachment://"

Path = tuple[str | int, ...]


class FormErrors:
    """Errors by field path, nested the way Discord nests them: {"components": {"0": {"_errors": [...]}}}."""

    def __init__(self) -> None:
        self.tree: dict[str, Any] = {}

    def add(self, path: Path, code: str, message: str) -> None:
        node = self.tree
        for part in path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def __bool__(self) -> bool:
        return bool(self.tree)


def _filled(name: str, value: Any) -> bool:
    if name in ("content", "poll"):
        return value not in (None, "")
    return bool(value)


def deferred_flags_error() -> dict[str, Any]:
    errors = FormErrors()
    errors.add(
        ("data", "flags"), "INTERACTION_RESPONSE_FLAGS_INVALID", "A deferred response takes only EPHEMERAL."
    )
    return errors.tree


def check_flag_rules(raw: dict[str, Any], current: dict[str, Any] | None, errors: FormErrors) -> bool:
    """The flag rules of a create (`current` None) or an edit (`current`: the message's fields now).

    Returns whether the resulting message is a components V2 one.
    """
    requested = raw.get("flags")
    asked_v2 = requested is not None and bool(int(requested) & IS_COMPONENTS_V2)
    was_v2 = current is not None and bool(int(current.get("flags") or 0) & IS_COMPONENTS_V2)
    if was_v2 and requested is not None and not asked_v2:
        errors.add(
            ("flags",),
            "MESSAGE_CANNOT_REMOVE_COMPONENTS_V2_FLAG",
            "The IS_COMPONENTS_V2 flag cannot be removed from a message.",
        )
    v2 = was_v2 or asked_v2
    if not v2:
        return False
    for name in LEGACY_FIELDS:
        if name in raw:
            used = _filled(name, raw[name])
        else:  # an edit that turns the flag on must empty what the message still shows
            used = current is not None and not was_v2 and _filled(name, current.get(name))
        if used:
            errors.add(
                (name,),
                "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                f"The '{name}' field cannot be used when using MessageFlags.IS_COMPONENTS_V2",
            )
    return True


def check_components(
    components: Sequence[dict[str, Any]], v2: bool, filenames: Sequence[str], errors: FormErrors
) -> None:
    """The component tree of a message; `filenames` are the attachments the message will have."""
    if not v2:
        _check_legacy(components, errors)
        return
    for index, component in enumerate(components):
        _check_v2(component, ("components", index), TOP_LEVEL_V2, filenames, errors)
    every = list(walk(components))
    if len(every) > MAX_COMPONENTS:
        errors.add(
            ("components",),
            "MESSAGE_COMPONENTS_TOO_MANY",
            f"A message holds at most {MAX_COMPONENTS} components in all; this one has {len(every)}.",
        )
    text = sum(len(str(c.get("content") or "")) for c in every if c.get("type") == TEXT_DISPLAY)
    if text > MAX_TEXT:
        errors.add(
            ("components",),
            "MESSAGE_TEXT_DISPLAY_TOO_LONG",
            f"Text Displays hold at most {MAX_TEXT} characters in all; these have {text}.",
        )
    _check_custom_ids(every, errors)


def walk(components: Sequence[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every component of a tree, depth first: children, then a section's accessory."""
    for component in components:
        yield component
        yield from walk(component.get("components") or [])
        accessory = component.get("accessory")
        if isinstance(accessory, dict):
            yield accessory


def _type_error(errors: FormErrors, path: Path, allowed: Sequence[int]) -> None:
    choices = ", ".join(str(t) for t in allowed)
    errors.add(path, "UNION_TYPE_CHOICES", f'Value of field "type" must be one of ({choices}).')


def _length(errors: FormErrors, path: Path, items: Sequence[Any], low: int, high: int) -> None:
    if len(items) < low:
        errors.add(path, "BASE_TYPE_MIN_LENGTH", f"Must be {low} or more in length.")
    elif len(items) > high:
        errors.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {high} or fewer in length.")


def _check_legacy(components: Sequence[dict[str, Any]], errors: FormErrors) -> None:
    _length(errors, ("components",), components, 0, MAX_LEGACY_ROWS)
    for index, row in enumerate(components):
        if row.get("type") != ACTION_ROW:
            _type_error(errors, ("components", index), (ACTION_ROW,))
        else:
            _check_row(row, ("components", index), errors)


def _check_v2(
    component: dict[str, Any],
    path: Path,
    allowed: Sequence[int],
    filenames: Sequence[str],
    errors: FormErrors,
) -> None:
    kind = component.get("type")
    if kind not in allowed:
        _type_error(errors, path, allowed)
        return
    if kind == ACTION_ROW:
        _check_row(component, path, errors)
    elif kind == CONTAINER:
        for index, child in enumerate(component.get("components") or []):
            _check_v2(child, (*path, "components", index), CONTAINER_CHILDREN, filenames, errors)
    elif kind == SECTION:
        _check_section(component, path, filenames, errors)
    elif kind == TEXT_DISPLAY and not str(component.get("content") or ""):
        errors.add((*path, "content"), "BASE_TYPE_REQUIRED", "This field is required")
    elif kind == MEDIA_GALLERY:
        items = component.get("items") or []
        _length(errors, (*path, "items"), items, 1, MAX_GALLERY_ITEMS)
        for index, item in enumerate(items):
            _check_media(item, "media", (*path, "items", index), filenames, errors, attachment_only=False)
    elif kind == FILE:
        _check_media(component, "file", path, filenames, errors, attachment_only=True)
    elif kind == THUMBNAIL:
        _check_media(component, "media", path, filenames, errors, attachment_only=False)


def _check_section(section: dict[str, Any], path: Path, filenames: Sequence[str], errors: FormErrors) -> None:
    children = section.get("components") or []
    _length(errors, (*path, "components"), children, 1, 3)
    for index, child in enumerate(children):
        _check_v2(child, (*path, "components", index), (TEXT_DISPLAY,), filenames, errors)
    accessory = section.get("accessory")
    if not isinstance(accessory, dict):
        errors.add((*path, "accessory"), "BASE_TYPE_REQUIRED", "This field is required")
    elif accessory.get("type") == BUTTON:
        _check_button(accessory, (*path, "accessory"), errors)
    else:
        _check_v2(accessory, (*path, "accessory"), (BUTTON, THUMBNAIL), filenames, errors)


def _check_row(row: dict[str, Any], path: Path, errors: FormErrors) -> None:
    children = row.get("components") or []
    if any(c.get("type") in SELECTS for c in children):
        _length(errors, (*path, "components"), children, 1, 1)
        return
    _length(errors, (*path, "components"), children, 1, MAX_ROW_BUTTONS)
    for index, child in enumerate(children):
        if child.get("type") != BUTTON:
            _type_error(errors, (*path, "components", index), (BUTTON, *SELECTS))
        else:
            _check_button(child, (*path, "components", index), errors)


def _check_button(button: dict[str, Any], path: Path, errors: FormErrors) -> None:
    if button.get("style") in (5, 6):  # link and premium buttons carry no custom_id
        return
    custom_id = str(button.get("custom_id") or "")
    if not 1 <= len(custom_id) <= MAX_CUSTOM_ID:
        errors.add(
            (*path, "custom_id"), "BASE_TYPE_BAD_LENGTH", f"Must be between 1 and {MAX_CUSTOM_ID} in length."
        )


def _check_media(
    holder: dict[str, Any],
    key: str,
    path: Path,
    filenames: Sequence[str],
    errors: FormErrors,
    *,
    attachment_only: bool,
) -> None:
    media = holder.get(key)
    url = str(media.get("url") or "") if isinstance(media, dict) else ""
    if not url:
        errors.add((*path, key, "url"), "BASE_TYPE_REQUIRED", "This field is required")
        return
    if "spoiler" in holder and not isinstance(holder["spoiler"], bool):
        errors.add((*path, "spoiler"), "BASE_TYPE_BOOLEAN", "Must be either true or false.")
    if len(str(holder.get("description") or "")) > MAX_MEDIA_DESCRIPTION:
        errors.add(
            (*path, "description"),
            "BASE_TYPE_MAX_LENGTH",
            f"Must be {MAX_MEDIA_DESCRIPTION} or fewer in length.",
        )
    if not url.startswith(ATTACHMENT_SCHEME):
        if attachment_only:
            errors.add(
                (*path, key, "url"),
                "UNFURLED_MEDIA_ITEM_ATTACHMENT_ONLY",
                "A File component only takes attachment://<filename> references.",
            )
        return
    if cleansed(url[len(ATTACHMENT_SCHEME) :]) not in filenames:
        errors.add(
            (*path, key, "url"),
            "UNFURLED_MEDIA_ITEM_ATTACHMENT_NOT_FOUND",
            f"No attachment named {url[len(ATTACHMENT_SCHEME) :]!r} in this message.",
        )


def _check_custom_ids(every: Sequence[dict[str, Any]], errors: FormErrors) -> None:
    seen: set[str] = set()
    for component in every:
        custom_id = component.get("custom_id")
        if custom_id is None:
            continue
        if custom_id in seen:
            errors.add(
                ("components",), "COMPONENT_CUSTOM_ID_DUPLICATED", f"custom_id {custom_id!r} is used twice."
            )
        seen.add(custom_id)
