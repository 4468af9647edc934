"""The first render's child, started before the workspace is checked.

A render needs the templates, Jinja, the Markdown reader, the HTML parser and, for a PDF,
the PDF engine; loading them takes about as long as checking the sample workspace. The
child that will render the first brief is started as soon as a build begins and loads
them on the second core while this process checks; it then renders under the same time
and memory limits as any render (bounded.Ahead).

The `briefgen` command starts it before it even loads its command line (`early`), from a
rough reading of the arguments; it is only a head start, so a misreading costs nothing
but a child that is stopped unused.
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


_EARLY: list[bounded.Ahead] = []
_FLAGS = {"--strict", "--no-strict", "--debug"}


def early(argv: Sequence[str]) -> None:
    """Start the first render's child now if `argv` (without the program name) is a build."""
    config: str | None = None
    formats: list[str] = []
    command = None
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg in ("-h", "--help", "--version"):
            return
        if arg == "--config" and args:
            config = args.pop(0)
        elif arg.startswith("--config="):
            config = arg.partition("=")[2]
        elif arg == "--format" and args and command:
            formats += args.pop(0).split(",")
        elif arg.startswith("--format=") and command:
            formats += arg.partition("=")[2].split(",")
        elif command is None and arg not in _FLAGS:
            if arg != "build":
                return
            command = arg
    if command:
        chosen = tuple(f.strip().lower() for f in formats if f.strip())
        _EARLY.append(start_ahead(config, chosen))


def take_early() -> bounded.Ahead | None:
    """The child `early` started, for the build to use (once)."""
    return _EARLY.pop() if _EARLY else None


def close_early() -> None:
    """Stop a child `early` started that no build took (the command failed first)."""
    while _EARLY:
        _EARLY.pop().close()


def warm_up(config_path: str | Path | None, formats: tuple[str, ...]) -> None:
    """Load what a render of `formats` will use (in the child that will render)."""
    from briefgen import outputs, precompiled, render  # noqa: F401 - outputs: the job itself
    from briefgen.formats import WRITERS

    if not formats:
        from briefgen.config import find_config, load_config
        from briefgen.errors import Report

        formats = load_config(find_config(config_path), Report()).formats
    for fmt in formats:
        precompiled.warm("brief.md.j2" if fmt == "md" else "brief.html.j2")
    render.learn_kinds()
    if any(fmt != "md" for fmt in formats):
        from briefgen import assets  # noqa: F401 - what HTML and PDF may load
    if "pdf" in formats and WRITERS["pdf"].available():
        import weasyprint  # noqa: F401 - the engine itself: briefgen.pdf loads it when used

        from briefgen import pdf  # noqa: F401
