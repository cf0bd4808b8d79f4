"""The shipped languages: every key in every locale, English in step with the code, names Discord accepts."""

from __future__ import annotations

import inspect
import string
from types import SimpleNamespace

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from bot.locales import REFERENCE, SECTIONS, Catalogue, job_locale
from bot.locales.keys import catalogue_key
from bot.locales.translator import CatalogueTranslator
from comfy import errors
from core.jobs.derived import ResultAction
from core.jobs.failure_texts import failure_text
from core.jobs.updates import Stage
from core.kinds.registry import default_kinds
from db.enums import JobStatus
from tests.bot.exts.test_cogs import cogs_of, extensions
from tests.discord_emulator.rest.command_names import DESCRIPTION_MAX, LOCALES, is_valid_name

CATALOGUE = Catalogue.shipped()
OTHERS = sorted(set(CATALOGUE.languages) - {REFERENCE})


class _Recorder(app_commands.Translator):
    """What discord.py asks a translator for when it syncs: each text, by catalogue key."""

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        key = catalogue_key(string, context)
        if key is not None and locale is discord.Locale.american_english:
            assert self.texts.setdefault(key, string.message) == string.message, f"{key} means two texts"
        return None


async def command_texts() -> dict[str, str]:
    """Every translatable text of every command the bot offers, as discord.py sends it."""
    tree = app_commands.CommandTree(discord.Client(intents=discord.Intents.none()))
    stub = SimpleNamespace(tree=tree)  # the cogs only keep the bot; the error cog hooks the tree
    recorder = _Recorder()
    for module in extensions():
        for cog_class in cogs_of(module):
            cog: commands.Cog = cog_class(stub)  # type: ignore[call-arg]
            group = cog.app_command if cog.__cog_is_app_commands_group__ else None
            tops = [group] if group is not None else [c for c in cog.__cog_app_commands__ if c.parent is None]
            for command in tops:
                await command.get_translated_payload(tree, recorder)
    return recorder.texts


def test_english_and_german_are_shipped() -> None:
    assert {REFERENCE, "de"} <= set(CATALOGUE.languages)
    assert set(CATALOGUE.languages) - {REFERENCE} <= LOCALES, "each file is named by a Discord locale"


@pytest.mark.parametrize("language", OTHERS)
@pytest.mark.parametrize("section", SECTIONS)
def test_every_key_exists_in_every_locale(language: str, section: str) -> None:
    reference = CATALOGUE.languages[REFERENCE][section]
    own = CATALOGUE.languages[language][section]
    assert sorted(set(reference) - set(own)) == [], f"{language}.json lacks these {section}"
    assert sorted(set(own) - set(reference)) == [], f"{language}.json has {section} English lacks"
    assert all(text.strip() for text in own.values())


@pytest.mark.parametrize("language", OTHERS)
def test_texts_keep_their_placeholders(language: str) -> None:
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for key, english in CATALOGUE.languages[REFERENCE]["texts"].items():
        assert fields(CATALOGUE.languages[language]["texts"][key]) == fields(english), key


async def test_the_english_catalogue_is_the_commands_as_written() -> None:
    # A command renamed or reworded in code without its catalogue entry would lose its translations.
    assert await command_texts() == dict(CATALOGUE.languages[REFERENCE]["commands"])


@pytest.mark.parametrize("language", OTHERS)
def test_translated_names_and_descriptions_are_ones_discord_accepts(language: str) -> None:
    for key, text in CATALOGUE.languages[language]["commands"].items():
        if key.endswith(".name") and not key.startswith("choices."):
            assert is_valid_name(text), f"{key}: {text!r}"
        else:
            assert 1 <= len(text) <= DESCRIPTION_MAX, f"{key}: {len(text)} characters"


async def test_the_translator_answers_german_clients_and_leaves_english_to_the_defaults() -> None:
    translator = CatalogueTranslator(CATALOGUE)
    imagine = next(c for c in inspect.getmembers(_imagine_cog()) if c[0] == "imagine")[1]
    context = app_commands.TranslationContext(app_commands.TranslationContextLocation.command_name, imagine)
    name = app_commands.locale_str("imagine")

    assert await translator.translate(name, discord.Locale.german, context) == "bild"
    assert await translator.translate(name, discord.Locale.american_english, context) is None
    assert await translator.translate(name, discord.Locale.french, context) is None, "not shipped: default"


def _imagine_cog() -> commands.Cog:
    from bot.exts.imagine import Imagine

    return Imagine(SimpleNamespace())  # type: ignore[arg-type]


def test_every_shipped_kind_stage_action_and_parameter_has_its_words() -> None:
    # Without them a German message would fall back to the English noun ("Your image", "sampling").
    texts = CATALOGUE.languages[REFERENCE]["texts"]
    wanted = {f"stages.{stage.value}" for stage in Stage}
    wanted |= {f"actions.{action.value}" for action in ResultAction}
    wanted |= {f"statuses.{status.value}" for status in JobStatus}
    for spec in default_kinds():
        wanted |= {f"kinds.{spec.kind}.{form}" for form in ("noun", "plural", "plural_start")}
        wanted |= {f"params.{field}" for field in spec.params.model_fields}
    assert sorted(wanted - set(texts)) == []


@pytest.mark.parametrize(
    ("server", "requester", "written_in"),
    [
        ("en-US", "de", "de"),  # every server that never chose a language is "en-US": the member's own
        ("de", "en-US", "de"),  # a server that chose German reads German in its channels
        ("fr", "de", "de"),  # a language not shipped says nothing: the member's own
        (None, "de", "de"),  # a private job, or outside any server
        ("en-US", None, "en"),  # a 🔁 reaction, or the command line
    ],
)
def test_a_jobs_messages_are_in_the_servers_chosen_language_else_the_askers(
    server: str | None, requester: str | None, written_in: str
) -> None:
    assert job_locale(CATALOGUE, server, requester) == written_in


def test_every_comfyui_error_has_its_words() -> None:
    # core.jobs.failure_texts keys each error's sentence by its class: one without words stays English.
    texts = CATALOGUE.languages[REFERENCE]["texts"]
    for kind in [errors.ComfyError, *_subclasses(errors.ComfyError)]:
        error = kind.__new__(kind)  # each error's own arguments do not matter here, only its sentence
        error.user_message = kind.default_user_message
        error.problems, error.node_type = [], None  # PromptRejected's and ExecutionFailed's details
        # As the operator of /workflows test is told it: a member is told a refused workflow's cause instead
        # (tests/core/jobs/test_rejection_words.py checks those words in every language).
        said = failure_text(error, technical=True)
        assert said.key in texts, kind.__name__
        assert texts[said.key] == kind.default_user_message


def _subclasses(kind: type) -> list[type]:
    return [sub for direct in kind.__subclasses__() for sub in [direct, *_subclasses(direct)]]


@pytest.mark.parametrize("language", sorted(CATALOGUE.languages))
def test_why_a_job_failed_never_calls_its_server_an_image_one(language: str) -> None:
    """Songs, videos, edits and upscales fail on the same ComfyUI servers as pictures: the reason under a
    song's "could not be created" title must not speak of an image server."""
    texts = CATALOGUE.languages[language]["texts"]
    said = {key: text for key, text in texts.items() if key.startswith("failures.")}
    # The English the ComfyUI client words each error in (stored with the job, and said as it is when
    # the client made a sentence for one case, like a file too large).
    if language == REFERENCE:
        said |= {kind.__name__: kind.default_user_message for kind in _subclasses(errors.ComfyError)}
        said["413"] = errors.UploadRejected("too large", status=413).user_message
    assert said
    image_words = ("image", "picture", "bild")
    assert [key for key, text in said.items() if any(word in text.lower() for word in image_words)] == []
