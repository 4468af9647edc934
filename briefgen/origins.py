"""Which template file and line produced each line of a rendered document.

A refusal found in the final HTML is reported where the template wrote it, worked out
from the render itself, so no file is ever searched for the refused text.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, GeneratorType
from typing import Any

import jinja2

from briefgen.errors import Location


@dataclass
class Origins:
    """Rendered line -> (template file, template line) of the piece that wrote it."""

    starts: list[int] = field(default_factory=list)  # rendered line where each piece begins
    places: list[tuple[str, int]] = field(default_factory=list)
    fallback: Location | None = None

    def locate(self, line: int, col: int = 1) -> Location:
        """The template line behind rendered line `line` (1-based)."""
        at = bisect.bisect_right(self.starts, line) - 1
        if at < 0:
            return self.fallback or Location(Path("?"), line, col)
        filename, template_line = self.places[at]
        return Location(Path(filename), template_line + line - self.starts[at], col)


def render_with_origins(
    template: jinja2.Template, variables: dict[str, Any]
) -> tuple[str, Origins]:
    """Render `template` as Template.render does, noting where every piece came from."""
    context = template.new_context(variables)
    pieces: list[str] = []
    origins = Origins()
    line = 1
    sources: dict[str, list[str]] = {}
    generator = template.root_render_func(context)
    try:
        for piece in generator:
            found = _innermost(generator)
            place = found and _settle(found, piece, template.environment, sources)
            if place is not None and (not origins.places or origins.places[-1] != place):
                origins.starts.append(line)
                origins.places.append(place)
            pieces.append(piece)
            line += piece.count("\n")
    except Exception:
        template.environment.handle_exception()  # a traceback in template lines, as render() gives
    return "".join(pieces), origins


def _innermost(generator: Any) -> tuple[str, int, str] | None:
    """The template file, line and name of the deepest template frame now yielding."""
    place = None
    for frame in _frames(generator):
        info = frame.f_globals.get("debug_info")  # only compiled templates define it
        if isinstance(info, str) and frame.f_globals.get("environment") is not None:
            name = str(frame.f_globals.get("name") or "")
            place = (frame.f_code.co_filename, _template_line(info, frame.f_lineno), name)
    return place


def _settle(
    found: tuple[str, int, str], piece: str, env: jinja2.Environment, sources: dict[str, list[str]]
) -> tuple[str, int]:
    """Jinja gives the line a text piece starts on before trim_blocks removed a newline: when
    the piece's first line stands on the next template line instead, that is its line."""
    filename, line, name = found
    if name not in sources:
        try:
            sources[name] = env.loader.get_source(env, name)[0].split("\n") if env.loader else []
        except jinja2.TemplateNotFound:
            sources[name] = []
    lines = sources[name]
    first = piece.split("\n", 1)[0].strip()
    if first and line < len(lines) and first not in lines[line - 1] and first in lines[line]:
        line += 1
    return filename, line


def _frames(generator: Any) -> Iterator[FrameType]:
    """The frames of a generator chain: through `yield from` and include loops (`gen`)."""
    seen = 0
    while isinstance(generator, GeneratorType) and generator.gi_frame is not None and seen < 200:
        seen += 1
        frame = generator.gi_frame
        yield frame
        inner = generator.gi_yieldfrom
        if inner is None:
            inner = frame.f_locals.get("gen")
        generator = inner


def _template_line(info: object, code_line: int) -> int:
    """Jinja's debug_info ('tline=cline&...') turned into the template line for a code line."""
    if not isinstance(info, str) or not info:
        return 1
    best = 1
    for pair in info.split("&"):
        template_line, _, line = pair.partition("=")
        if line.isdigit() and int(line) <= code_line:
            best = int(template_line)
    return best
