"""The kinds of job (image, song, ...): each described once, in a :class:`KindSpec`, asked by the rest."""

from core.kinds.fields import KindParams
from core.kinds.image import IMAGE, ImageParams
from core.kinds.registry import KindRegistry, UnknownKind, default_kinds
from core.kinds.song import SONG, SongParams
from core.kinds.spec import JobKind, KindSpec, KindTexts, spec_of, typed_params

__all__ = [
    "IMAGE",
    "SONG",
    "ImageParams",
    "JobKind",
    "KindParams",
    "KindRegistry",
    "KindSpec",
    "KindTexts",
    "SongParams",
    "UnknownKind",
    "default_kinds",
    "spec_of",
    "typed_params",
]
