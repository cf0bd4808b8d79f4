"""What the /workflows tests share: files to upload, running the command and reading its private answer."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from tests.discord_emulator import Channel, Guild, Interaction, Member, Message
from tests.discord_emulator.command_data import Upload
from tests.discord_emulator.layout import footers
from tests.e2e.harness import World

OWNER_ID = 424242424242
TXT2IMG = resources.files("core.kinds.templates").joinpath("txt2img.json").read_text()


def upload(name: str, text: str | bytes) -> Upload:
    return (name, text.encode() if isinstance(text, str) else text, "application/json")


def with_missing_model() -> str:
    graph = json.loads(TXT2IMG)
    loader = next(node for node in graph.values() if node["class_type"] == "CheckpointLoaderSimple")
    loader["inputs"]["ckpt_name"] = "nobody_has_this.safetensors"
    return json.dumps(graph)


async def workflows(
    world: World,
    member: Member,
    subcommand: str,
    options: dict[str, Any] | None = None,
    attachments: dict[str, Upload] | None = None,
    where: tuple[Guild, Channel] | None = None,
) -> Message:
    """Runs /workflows <subcommand> and returns its (private) answer once it is complete."""
    guild, channel = where or (world.guild, world.channel)
    interaction = await world.emu.send_slash_command(
        guild, channel, member, "workflows", options, attachments, subcommand=subcommand
    )
    return await private_answer(world, interaction)


async def private_answer(world: World, interaction: Interaction) -> Message:
    """The answer: the "thinking…" turned into it, or a followup (a refusal deletes the "thinking…")."""

    def answered() -> Message | None:
        shown = world.emu.followups(interaction)
        if interaction.response_message_id is not None:
            shown.insert(0, world.emu.original_response(interaction))
        done = [m for m in shown if not m.deleted and (m.content or m.embeds)]
        return done[-1] if done else None

    await world.wait_acked(interaction)
    await world.emu.wait_for(lambda: answered() is not None, 15)
    answer = answered()
    assert answer is not None
    assert answer.ephemeral, "answers to /workflows are private"
    return answer


def job_id_shown(message: Message) -> int:
    """The job a message shows, from its footer ("Job #12 · queued"): known as soon as it is shown."""
    footer = next(text for text in footers(message) if text.startswith("Job #"))
    return int(footer.removeprefix("Job #").split(" ", 1)[0])


async def add_portrait(world: World, admin: Member, **options: Any) -> Message:
    return await workflows(world, admin, "add", options, {"file": upload("portrait.json", TXT2IMG)})


async def stored_names(world: World) -> list[str]:
    return [row.name for row in await world.runtime.workflows.store.everything()]
