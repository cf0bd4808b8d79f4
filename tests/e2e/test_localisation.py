"""A client in German sees the bot's commands in German, and they work as the English ones do."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from tests.discord_emulator.layout import buttons, footers, labelled, text_of
from tests.e2e.harness import FAST_REPORTING, german_server, job_state, running_world, states_shown
from tests.e2e.result_support import first_result
from tests.e2e.test_history_support import answer
from tests.e2e.test_refusals import _refused_at_once, _shown
from tests.e2e.test_result_action_refusals import assert_refused_privately
from tests.fakes.comfyui import FakeConfig


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


async def test_a_german_member_follows_their_image_in_german_beside_an_english_one(
    database_url: str, tmp_path: Path
) -> None:
    reporting = replace(FAST_REPORTING, edit_interval_s=0.15)
    watchable = FakeConfig(step_time_s=0.05, default_steps=8)
    async with running_world(database_url, tmp_path, fake_config=watchable, reporting=reporting) as world:
        world.alice.user.locale = "de"
        # Bob's job runs and keeps the server busy until the German message says its prompt waits there
        # (sent at once, PREQUEUE_DEPTH): the queued state is shown however fast Bob's would have run.
        world.fake.hold_mid_run()
        english = await world.slash("imagine", {"prompt": "a lighthouse"}, member=world.bob)
        await world.wait_acked(english)
        bobs_message = world.emu.original_response(english)
        await world.emu.wait_for(lambda: job_state(bobs_message) == "running")
        german = await world.slash("imagine", {"prompt": "ein Fuchs im Schnee", "aspect_ratio": "16:9"})
        await world.wait_acked(german)
        waiting = world.emu.original_response(german)
        await world.emu.wait_for(lambda: "an den Server übergeben" in text_of(waiting), 15)
        world.fake.go()
        message = await world.wait_for_final(german)
        bobs = await world.wait_for_final(english)
        job = await world.job_for(message)

    assert job.locale == "de", "kept with the job: every later edit, after a restart too, is German"
    assert states_shown(message) == ["queued", "running", "done"]
    queued = [r for r in message.revisions if job_state(r) == "queued"]
    assert all(text_of(r).startswith("### In der Warteschlange: Bild") for r in queued)
    # Its place in the bot's queue may show first, if the edit came before the claim; then the server's.
    assert (
        labelled(queued[-1])["Platz in der Warteschlange"]
        == "an den Server übergeben, dort bist du als Nächstes dran"
    )
    running = [r for r in message.revisions if job_state(r) == "running"]
    assert all(text_of(r).startswith("### Bild wird erstellt…") for r in running)
    assert any(re.search(r"% · rechnet, Schritt \d+/8", labelled(r)["Fortschritt"]) for r in running)
    assert all(re.fullmatch(r"\d+,\d s", labelled(r)["Vergangen"]) for r in running), "a decimal comma"

    assert text_of(message).startswith("### Bild ist fertig\nein Fuchs im Schnee\nAngefragt von <@")
    fields = labelled(message)
    assert fields["Seitenverhältnis"] == "16:9"
    assert fields["Seed"] == str(job.seed)
    assert footers(message)[-1].startswith(f"Auftrag #{job.id} · fertig · dauerte ")
    labels = [b["label"] for b in buttons(message)]
    assert labels[0] == "Neu würfeln"
    assert {"Variieren (leicht)", "Variieren (stark)", "Hochskalieren", "Info", "Löschen"} <= set(labels)

    assert text_of(bobs).startswith("### Your image is ready"), "bob's client is in English"
    assert "Reroll" in [b["label"] for b in buttons(bobs)]


async def test_a_german_members_failed_job_says_why_and_what_to_do_in_german(
    database_url: str, tmp_path: Path
) -> None:
    broken = FakeConfig(step_time_s=0.01, default_steps=4, runtime_error_class="KSampler")
    async with running_world(database_url, tmp_path, fake_config=broken) as world:
        world.alice.user.locale = "de"
        message = await world.wait_for_final(await world.slash("imagine", {"prompt": "kaputt"}), timeout=20)

    assert job_state(message) == "failed"
    title, reason = text_of(message).splitlines()[:2]
    assert title == "### Bild konnte nicht erstellt werden"
    assert (
        reason
        == "Auf dem ComfyUI-Server ist dabei etwas schiefgegangen; der Betreiber des Bots weiß Bescheid."
    )
    fields = labelled(message)
    assert fields["Anfrage"] == "kaputt"
    assert fields["Was jetzt"].startswith("Versuch es noch einmal mit /bild.")
    assert footers(message)[-1].endswith("· fehlgeschlagen")


async def test_in_a_german_server_every_job_message_is_german_whoever_asked(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path, customize=german_server) as world:
        message = await world.wait_for_final(
            await world.slash("imagine", {"prompt": "a fox"}, member=world.bob)
        )
        missing = await answer(world, await world.slash("show", {"job": 999_999}, member=world.bob))
        job = await world.job_for(message)

    assert job.locale == "en-US", "bob's own language is kept all the same"
    assert text_of(message).startswith("### Bild ist fertig"), "the channel reads the server's language"
    assert missing.content == "I can't find job #999999 in this server.", "what only bob sees: his language"


async def test_a_german_member_is_refused_in_german_and_an_english_one_in_english(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        world.alice.user.locale = "de"
        await world.runtime.guild_policies.update(
            world.guild.id, {"blocked_words": ["gore"], "max_queued_per_user": 1, "max_running_per_user": 1}
        )
        blocked = await _refused_at_once(world, await world.slash("imagine", {"prompt": "lots of gore"}))
        flags = await _refused_at_once(world, await world.slash("imagine", {"prompt": "a cat --zz 6 --seed"}))
        bobs = await _refused_at_once(
            world, await world.slash("imagine", {"prompt": "gore"}, member=world.bob)
        )
        world.fake.config.step_time_s = 0.2  # alice's first job still runs when her others arrive
        first = await world.slash("imagine", {"prompt": "eins"})
        await _shown(world, first, "running")
        await _shown(world, await world.slash("imagine", {"prompt": "zwei"}))
        capped = await _refused_at_once(world, await world.slash("imagine", {"prompt": "drei"}))
        world.fake.config.step_time_s = 0.01
        await world.wait_for_final(first)

    assert blocked.content == (
        "Deine Anfrage enthält ein Wort, das dieser Server sperrt („gore“). Bitte formuliere sie um."
    )
    assert bobs.content == "Your request contains a word this server blocks (“gore”). Please rephrase it."
    assert flags.content.startswith("Bitte korrigiere diese 2 Dinge:\n• --zz: ist kein Flag, das ich kenne")
    assert "• --seed: braucht einen Wert, etwa `--seed 7`" in flags.content
    assert capped.content.startswith("Du hast 1 Auftrag in der Warteschlange, so viele, wie dieser Server")


async def test_a_german_member_pressing_someone_elses_result_button_is_refused_in_german(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        world.bob.user.locale = "de"
        result, original, _ = await first_result(world)
        refused = await world.emu.click_button(result, f"res:strong:{original.id}:0", world.bob)
        await assert_refused_privately(
            world, refused, "Auf diesem Server kann nur, wer gefragt hat, seine Ergebnisse neu erzeugen."
        )


async def test_a_german_member_is_told_about_the_options_by_their_german_names(
    database_url: str, tmp_path: Path
) -> None:
    async with running_world(database_url, tmp_path) as world:
        world.alice.user.locale = "de"
        alone = await _refused_at_once(
            world, await world.slash("imagine", {"prompt": "ein Fuchs", "strength": 0.5})
        )

    assert alone.content.startswith("Die Stärke sagt, wie weit sich das Ergebnis von einem Bild entfernt")
    assert "(`bild`)" in alone.content, "the options as the German client names them"
    assert "(`bild_link`)" in alone.content


async def test_a_german_members_song_form_is_german(database_url: str, tmp_path: Path) -> None:
    async with running_world(database_url, tmp_path) as world:
        world.alice.user.locale = "de"
        command = await world.slash("song", {"genre": "synthpop"})
        await world.wait_acked(command)

    assert command.modal is not None
    assert command.modal["title"] == "Schreib dein Lied"
    labels = str(command.modal["components"])
    assert "Songtext ([verse], [chorus], [bridge]…)" in labels
    assert "Stimmung" in labels
