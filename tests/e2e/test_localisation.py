"""A client in German sees the bot's commands in German, and they work as the English ones do."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.harness import running_world
from tests.e2e.test_history_support import answer


async def test_a_german_client_sees_german_command_names(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        world.alice.user.locale = "de"
        german = {c["name"]: c for c in world.emu.world.command_menu("de", world.guild.id)}
        english = {c["name"]: c for c in world.emu.world.command_menu("en-US", world.guild.id)}
        # The menu shows /bild and its German options; choosing it sends the command's own name (/imagine)
        # and the options' own names, as Discord does.
        assert german["bild"]["id"] == english["imagine"]["id"]
        message = await world.wait_for_final(await world.slash("imagine", {"prompt": "ein Fuchs"}))
        job = await world.job_for(message)

    assert {"bild", "lied", "verlauf", "vorlieben", "einstellungen"} <= set(german)
    assert german["bild"]["description"] == "Bilder aus einem Prompt erzeugen."
    options = {o["name"]: o for o in german["bild"]["options"]}
    assert {"prompt", "seitenverhältnis", "qualität", "anzahl", "stärke", "modell"} <= set(options)
    assert not {"aspect_ratio", "quality", "count"} & set(options), "every option has its German name"
    assert options["prompt"]["description"].startswith("Was gezeichnet wird.")
    quality = options["qualität"]
    assert [c["name"] for c in quality["choices"]] == ["Entwurf", "Standard", "hoch"]
    assert [c["value"] for c in quality["choices"]] == ["draft", "standard", "high"]
    subcommands = {o["name"]: o for o in german["vorlieben"]["options"]}
    assert set(subcommands) == {"zeigen", "festlegen", "workflow", "zurücksetzen"}
    assert {o["name"] for o in subcommands["festlegen"]["options"]} == {
        "seitenverhältnis",
        "qualität",
        "stil",
        "ping",
        "ergebnisse",
    }
    limits = next(o for o in german["einstellungen"]["options"] if o["name"] == "grenzen")
    assert {o["name"] for o in limits["options"]} == {"max_laufend", "max_wartend", "schub", "pro_minute"}
    assert {"imagine", "song", "history", "preferences", "settings"} <= set(english)
    assert job.params.prompt == "ein Fuchs"


async def test_a_german_client_is_answered_in_german(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        world.alice.user.locale = "de"
        shown = await answer(
            world,
            await world.emu.send_slash_command(
                world.guild, world.channel, world.alice, "preferences", subcommand="show"
            ),
        )
        missing = await answer(world, await world.slash("show", {"job": 999_999}))
        bobs = await answer(world, await world.slash("show", {"job": 999_999}, member=world.bob))

    assert shown.ephemeral
    assert shown.content.startswith("**Deine Voreinstellungen**")
    assert "Seitenverhältnis: nicht festgelegt" in shown.content
    assert missing.content == "Ich finde Auftrag #999999 auf diesem Server nicht."
    assert bobs.content == "I can't find job #999999 in this server.", "bob's client is in English"
