"""The bot's words in each language it ships: one JSON file per locale (en.json, de.json) in this folder.

Each file has a "commands" section (names and descriptions of the slash commands, their options and
choices, keyed as bot.locales.keys says) and a "texts" section (what the bot says, by key, with
``{placeholders}``). English is the reference: every key of en.json is in every other file
(tests/bot/locales), and a text missing in a language falls back to English.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

from core.texts import Text

REFERENCE = "en"
SECTIONS = ("commands", "texts")


@dataclass(frozen=True, slots=True)
class Catalogue:
    # locale ("en", "de") -> section -> key -> text
    languages: Mapping[str, Mapping[str, Mapping[str, str]]]

    @classmethod
    def shipped(cls) -> Catalogue:
        """Every locale file in this package, read once at start-up (no file is read per request)."""
        languages: dict[str, dict[str, dict[str, str]]] = {}
        for entry in resources.files(__name__).iterdir():
            if entry.name.endswith(".json"):
                data = json.loads(entry.read_text(encoding="utf-8"))
                languages[entry.name.removesuffix(".json")] = {s: dict(data.get(s, {})) for s in SECTIONS}
        return cls(languages)

    def language_of(self, locale: str) -> str:
        """The shipped language for a Discord locale ("de" -> "de", "en-GB" -> "en", "fr" -> "en")."""
        if locale in self.languages:
            return locale
        base = locale.split("-", 1)[0]
        return base if base in self.languages else REFERENCE

    def command_text(self, locale: str, key: str) -> str | None:
        """A command text in this locale's own language; None where English (the default) applies."""
        language = self.language_of(locale)
        if language == REFERENCE:
            return None
        return self.languages[language]["commands"].get(key)

    def text(self, locale: str, key: str, **values: object) -> str:
        """What the bot says, in the asker's language where shipped, else in English."""
        own = self.languages[self.language_of(locale)]["texts"].get(key)
        template = own if own is not None else self.languages[REFERENCE]["texts"][key]
        return template.format(**values)

    def has(self, key: str) -> bool:
        """Whether English (hence every shipped language) has this text."""
        return key in self.languages[REFERENCE]["texts"]


@dataclass(frozen=True, slots=True)
class Words:
    """The catalogue's texts in one person's language (their Discord client's locale)."""

    catalogue: Catalogue
    locale: str = REFERENCE

    def __call__(self, key: str, **values: object) -> str:
        return self.catalogue.text(self.locale, key, **values)

    def say(self, text: Text | str) -> str:
        """A sentence of the core's (core.texts.Text) in this language; its English where the catalogue lacks
        the key (a kind registered without catalogue entries). A value that is a Text is said too. A plain
        string is the member's own words (a prompt) or says nothing in a language ("×2"): as it is."""
        if isinstance(text, str):
            return text
        if not self.catalogue.has(text.key):
            return text.english
        values = {name: self.say(v) if isinstance(v, Text) else v for name, v in text.values.items()}
        return self(text.key, **values)

    def optional(self, key: str, **values: object) -> str | None:
        """The text where the catalogue has one (a kind or a parameter added without words: None)."""
        return self(key, **values) if self.catalogue.has(key) else None

    def command(self, name: str) -> str:
        """A slash command's name as this person's client shows it ("imagine" -> "bild" in German)."""
        return self.catalogue.command_text(self.locale, f"{name}.name") or name

    def option(self, command: str, option: str) -> str:
        """An option's name as this person's client shows it ("show", "job" -> "auftrag" in German)."""
        return self.catalogue.command_text(self.locale, f"{command}.options.{option}.name") or option

    def choice(self, name: str) -> str:
        """A choice's name as this person's client shows it ("draft" -> "Entwurf" in German)."""
        return self.catalogue.command_text(self.locale, f"choices.{name}") or name

    def number(self, value: float, decimals: int) -> str:
        """A number with this language's decimal mark (9.5 -> "9,5" in German)."""
        return f"{value:.{decimals}f}".replace(".", self("number.decimal_mark"))


def english(catalogue: Catalogue | None = None) -> Words:
    """The catalogue's texts in English: for what has no asker (logs, the command line) and for tests."""
    return Words(catalogue or Catalogue.shipped())


def job_locale(catalogue: Catalogue, server: str | None, requester: str | None) -> str:
    """The language of a job's messages: its server's, where the server chose one of the shipped languages
    other than English; otherwise the language of the person who asked.

    Discord gives every server that never chose a language "en-US" (only Community servers can choose), so
    an English server says nothing about its members, and each member reads their own job in their own
    language; a server that chose German is a German-speaking place, and its channel reads German.
    A private job, or one outside any server, has no server language: `server` is None.
    """
    if server is not None and catalogue.language_of(server) != REFERENCE:
        return server
    return requester or REFERENCE


def words_for(client: object, locale: object) -> Words:
    """The asker's words: the bot's catalogue (ComfyBot.catalogue) in the interaction's locale."""
    catalogue = getattr(client, "catalogue", None)
    if not isinstance(catalogue, Catalogue):  # a client that is not the bot (tests of one component)
        catalogue = Catalogue.shipped()
    return Words(catalogue, str(getattr(locale, "value", locale or REFERENCE)))
