"""Output/temp/input directories and ComfyUI's `<prefix>_00001_.ext` file naming."""

from __future__ import annotations

import os
import random
import shutil
import string
from pathlib import Path

DIRECTORY_TYPES = ("output", "input", "temp")


class FileStore:
    def __init__(self, root: Path, output_dir: Path | None = None) -> None:
        self.root = root
        self.output_dir = output_dir if output_dir is not None else root / "output"
        self.input_dir = root / "input"
        self.temp_dir = root / "temp"
        for folder in (self.output_dir, self.input_dir, self.temp_dir):
            folder.mkdir(parents=True, exist_ok=True)
        # PreviewImage/PreviewAudio append "_temp_" + 5 random letters, stable for a server process.
        self.temp_suffix = "_temp_" + "".join(random.choice(string.ascii_lowercase) for _ in range(5))

    def directory(self, kind: str) -> Path | None:
        return {"output": self.output_dir, "input": self.input_dir, "temp": self.temp_dir}.get(kind)

    def wipe_temp(self) -> None:
        shutil.rmtree(self.temp_dir, ignore_errors=True)
        self.temp_dir.mkdir(parents=True, exist_ok=True)

    def annotated_path(self, name: str) -> Path:
        """Where a loader's file name points, like ComfyUI's get_annotated_filepath: input/ unless the name
        ends in " [output]", " [input]" or " [temp]" (a subfolder in the name is kept)."""
        folders = {"output": self.output_dir, "input": self.input_dir, "temp": self.temp_dir}
        for kind, folder in folders.items():
            if name.endswith(f"[{kind}]"):
                # ComfyUI cuts the tag and the character before it (normally the space).
                return folder / name[: -len(kind) - 3]
        return self.input_dir / name

    def input_files(self, extensions: tuple[str, ...] | None = None) -> list[str]:
        """Files directly in input/ (not in subfolders), only those with one of ``extensions`` if given."""
        return sorted(
            p.name
            for p in self.input_dir.iterdir()
            if p.is_file() and (extensions is None or p.suffix.lower() in extensions)
        )

    def next_paths(self, base: Path, prefix: str, extension: str, count: int) -> tuple[list[Path], str]:
        """`count` fresh file paths for `prefix`, continuing the counter found on disk, and the subfolder."""
        normalised = os.path.normpath(prefix)
        subfolder = os.path.dirname(normalised)
        name = os.path.basename(normalised)
        folder = (base / subfolder).resolve()
        if os.path.commonpath((str(base.resolve()), str(folder))) != str(base.resolve()):
            # ComfyUI raises a bare Exception here, so execution_error says exception_type "Exception".
            raise Exception(
                "**** ERROR: Saving image outside the output folder is not allowed."
                f"\n full_output_folder: {folder}\n         output_dir: {base}"
                f"\n         commonpath: {os.path.commonpath((str(base), str(folder)))}"
            )
        folder.mkdir(parents=True, exist_ok=True)
        counter = self._next_counter(folder, name)
        paths = [folder / f"{name}_{counter + i:05}_.{extension}" for i in range(count)]
        return paths, subfolder

    @staticmethod
    def _next_counter(folder: Path, name: str) -> int:
        best = 0
        for entry in os.listdir(folder):
            head = entry[: len(name) + 1]
            if os.path.normcase(head[:-1]) != os.path.normcase(name) or head[-1:] != "_":
                continue
            try:
                digits = int(entry[len(name) + 1 :].split("_")[0])
            except ValueError:
                digits = 0
            best = max(best, digits)
        return best + 1
