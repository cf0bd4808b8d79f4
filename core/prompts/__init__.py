"""Reading users' requests: prompts with inline flags, JSON prompt documents, lyrics. No Discord here."""

from core.prompts.documents import ImagePromptData, LyricsPromptData
from core.prompts.errors import PromptError, PromptProblem
from core.prompts.image import parse_image_request
from core.prompts.song import parse_song_request

__all__ = [
    "ImagePromptData",
    "LyricsPromptData",
    "PromptError",
    "PromptProblem",
    "parse_image_request",
    "parse_song_request",
]
