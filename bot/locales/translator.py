"""Slash commands in the user's language: discord.py's Translator, fed by the shipped catalogue.

When the tree is synced, discord.py asks `translate` for every locale Discord knows and every text of
every command, and sends what it gets as `name_localizations` / `description_localizations` (and choices'
`name_localizations`). Discord then shows each user the command in their client's language, falling back
to the default names "if a localization is not available for a user's locale"
(https://discord.com/developers/docs/interactions/application-commands#localization). The handlers do not
change: Discord sends the command's default name and the choices' values whatever the language.
"""

from __future__ import annotations

from discord import Locale, app_commands
from discord.app_commands import TranslationContextTypes

from bot.locales import Catalogue
from bot.locales.keys import catalogue_key


class CatalogueTranslator(app_commands.Translator):
    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue

    async def translate(
        self, string: app_commands.locale_str, locale: Locale, context: TranslationContextTypes
    ) -> str | None:
        key = catalogue_key(string, context)
        return None if key is None else self.catalogue.command_text(locale.value, key)
