"""The kinds of job (image, song, ...): each described once, in a :class:`KindSpec`, asked by the rest."""

from core.kinds.edit import EDIT, EditParams
from core.kinds.fields import KindParams
from core.kinds.image import IMAGE, ImageParams
from core.kinds.inputs import InputMissing, InputNotTaken, StrengthWithoutInput, role_noun
from core.kinds.registry import KindRegistry, UnknownKind, default_kinds
from core.kinds.song import SONG, SongParams
from core.kinds.spec import InputDerivation, InputNeed, JobKind, KindSpec, KindTexts, spec_of, typed_params
from core.kinds.upscale import UPSCALE, UpscaleParams
from core.kinds.video import VIDEO, VideoParams

__all__ = [
    "EDIT",
    "IMAGE",
    "SONG",
    "UPSCALE",
    "VIDEO",
    "EditParams",
    "ImageParams",
    "InputDerivation",
    "InputMissing",
    "InputNeed",
    "InputNotTaken",
    "JobKind",
    "KindParams",
    "KindRegistry",
    "KindSpec",
    "KindTexts",
    "SongParams",
    "StrengthWithoutInput",
    "UnknownKind",
    "UpscaleParams",
    "VideoParams",
    "default_kinds",
    "role_noun",
    "spec_of",
    "typed_params",
]
