"""Files of the static folder, as the build reads them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StaticFile:
    """A file from the static folder: its path below the folder and its bytes."""

    relpath: str
    data: bytes
