"""Helpers shared by several test modules."""

from __future__ import annotations

import json
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


def brief_citing(*cites: tuple[str, str]) -> str:
    """A brief of one position citing each (source id, quote) in turn."""
    lines = "".join(
        f"      - source: {source}\n        quote: {json.dumps(quote, ensure_ascii=False)}\n"
        for source, quote in cites
    )
    return (
        "title: Floods\nas_of: 2025-03-05\npositions:\n  - id: p1\n    actor: The agency\n"
        f"    stance: Barriers by spring.\n    as_of: 2025-03-01\n    cite:\n{lines}"
    )
