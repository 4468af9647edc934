"""The first render's child, started before the workspace is checked.

A render needs the templates, Jinja, the Markdown reader, the HTML parser and, for a PDF,
the PDF engine; loading them takes about as long as checking the sample workspace. The
child that will render the first brief is started as soon as a build begins and loads
them on the second core while this process checks; it then renders under the same time
and memory limits as any render (bounded.Ahead).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen import bounded

if TYPE_CHECKING:
    from collections.abc import Sequence


def start_ahead(config_path: str | Path | None, formats: Sequence[str]) -> bounded.Ahead:
    """A child loading what rendering `formats` (None or empty: config.yaml's) needs."""
    return bounded.Ahead(functools.partial(warm_up, config_path, tuple(formats)))


def warm_up(config_path: str | Path | None, formats: tuple[str, ...]) -> None:
    """Load what a render of `formats` will use (in the child that will render)."""
    from briefgen import precompiled, render  # noqa: F401
    from briefgen.assets import Assets  # noqa: F401
    from briefgen.formats import WRITERS

    if not formats:
        from briefgen.config import find_config, load_config
        from briefgen.errors import Report

        formats = load_config(find_config(config_path), Report()).formats
    for fmt in formats:
        precompiled.warm("brief.md.j2" if fmt == "md" else "brief.html.j2")
    if "pdf" in formats and WRITERS["pdf"].available():
        from briefgen import pdf  # noqa: F401
