"""Helpers shared by several test modules."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from briefgen.readers import READERS


def source_text(path: Path) -> str:
    """The text a source's lines and columns count in: what its reader makes of the file."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        return path.read_text(encoding="utf-8")
    text: str = import_module(f"briefgen.readers.{reader}").extract(path.read_bytes()).text
    return text
