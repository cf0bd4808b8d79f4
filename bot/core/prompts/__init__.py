"""Reading users' requests: prompts with inline flags, JSON prompt documents, lyrics. No Discord here."""

from bot.core.prompts.documents import ImagePromptData, LyricsPromptData
from bot.core.prompts.errors import PromptError, PromptProblem
from bot.core.prompts.image import parse_image_request
from bot.core.prompts.song import parse_song_request

__all__ = [
    "ImagePromptData",
    "LyricsPromptData",
    "PromptError",
    "PromptProblem",
    "parse_image_request",
    "parse_song_request",
]
