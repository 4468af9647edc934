"""Which template file and line produced each line of a rendered document.

A refusal found in the final HTML is reported where the template wrote it, worked out
from the render itself, so no file is ever searched for the refused text.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Iterator
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
    places: list[tuple[str, int, bool]] = field(default_factory=list)  # file, line, static
    fallback: Location | None = None

    def locate(self, line: int, col: int = 1) -> Location:
        """The template line behind rendered line `line` (1-based)."""
        at = bisect.bisect_right(self.starts, line) - 1
        if at < 0:
            return self.fallback or Location(Path("?"), line, col)
        filename, template_line, static = self.places[at]
        if not static:  # a value or a macro's output: all of it comes from the line that wrote it
            return Location(Path(filename), template_line, 1)
        return Location(Path(filename), template_line + line - self.starts[at], col)


class LateOrigins(Origins):
    """The origins of a render that was made without noting them: worked out, by rendering
    again with notes, only when a line is first located (that is, when something in the
    output is refused). Following every piece of a render back to its template line costs
    more than the render itself, and almost every render refuses nothing."""

    def __init__(self, template: jinja2.Template, variables: dict[str, Any], text: str) -> None:
        super().__init__()
        self._pending: tuple[jinja2.Template, dict[str, Any], str] | None = (
            template,
            variables,
            text,
        )

    def locate(self, line: int, col: int = 1) -> Location:
        if self._pending is not None:
            template, variables, text = self._pending
            self._pending = None
            again, noted = render_with_origins(template, variables)
            if again == text:  # a template renders the same twice; if not, say only the brief
                self.starts, self.places = noted.starts, noted.places
        return super().locate(line, col)


class DeferredOrigins(Origins):
    """Origins worked out elsewhere (by `work`, in a child process) when a line is first
    located; what `work` gives is taken only for a render that came out as `text` again."""

    def __init__(self, work: Callable[[], tuple[str, Origins]], text: str) -> None:
        super().__init__()
        self._work: Callable[[], tuple[str, Origins]] | None = work
        self._text = text

    def locate(self, line: int, col: int = 1) -> Location:
        if self._work is not None:
            work, self._work = self._work, None
            again, noted = work()
            if again == self._text:
                self.starts, self.places = noted.starts, noted.places
        return super().locate(line, col)


def plain(origins: Origins) -> Origins:
    """The origins worked out, as plain data (to send from a child)."""
    origins.locate(1)  # a LateOrigins works them out now
    return Origins(list(origins.starts), list(origins.places), origins.fallback)


def render_late(template: jinja2.Template, variables: dict[str, Any]) -> tuple[str, Origins]:
    """Render `template` as Template.render does; its origins are worked out if asked for."""
    text = template.render(variables)
    return text, LateOrigins(template, variables, text)


def render_with_origins(
    template: jinja2.Template, variables: dict[str, Any]
) -> tuple[str, Origins]:
    """Render `template` as Template.render does, noting where every piece came from."""
    context = template.new_context(variables)
    pieces: list[str] = []
    origins = Origins()
    line = 1
    sources: dict[str, list[str]] = {}
    settled: dict[tuple[str, int, str, bool, str], tuple[str, int, bool]] = {}
    generator = template.root_render_func(context)
    try:
        for piece in generator:
            found = _innermost(generator, piece)
            place = None
            if found is not None:  # the same text at the same place settles the same way
                key = (*found, piece)
                if key not in settled:
                    settled[key] = _settle(found, piece, template.environment, sources)
                place = settled[key]
            if place is not None and (not origins.places or origins.places[-1] != place):
                origins.starts.append(line)
                origins.places.append(place)
            pieces.append(piece)
            line += piece.count("\n")
    except Exception:
        template.environment.handle_exception()  # a traceback in template lines, as render() gives
    return "".join(pieces), origins


def _innermost(generator: Any, piece: str) -> tuple[str, int, str, bool] | None:
    """The template file, line and name of the deepest template frame now yielding, and
    whether the piece is the template's own text (a constant of its code) or a value."""
    deepest = None
    for frame in _frames(generator):
        info = frame.f_globals.get("debug_info")  # only compiled templates define it
        if isinstance(info, str) and frame.f_globals.get("environment") is not None:
            deepest = frame
    if deepest is None:
        return None
    line = _template_line(deepest.f_globals["debug_info"], deepest.f_lineno)
    name = str(deepest.f_globals.get("name") or "")
    return deepest.f_code.co_filename, line, name, piece in deepest.f_code.co_consts


def _settle(
    found: tuple[str, int, str, bool],
    piece: str,
    env: jinja2.Environment,
    sources: dict[str, list[str]],
) -> tuple[str, int, bool]:
    """The piece's template line, and whether its later lines are the template's next lines.
    Jinja's line for template text is where the last tag before it stands; the text itself is
    found on that line or after it."""
    filename, line, name, own = found
    if not own:
        return filename, line, False
    if name not in sources:
        try:
            sources[name] = env.loader.get_source(env, name)[0].split("\n") if env.loader else []
        except jinja2.TemplateNotFound:
            sources[name] = []
    lines = sources[name]
    parts = piece.split("\n")
    index, first = next(((i, p.strip()) for i, p in enumerate(parts) if p.strip()), (0, ""))
    for number in range(line, len(lines) + 1) if first else ():
        if first in lines[number - 1]:
            return filename, number - index, True
    return filename, line, not first


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
    template_lines, code_lines = _debug_info(info)
    at = bisect.bisect_right(code_lines, code_line) - 1
    return template_lines[at] if at >= 0 else 1


@functools.lru_cache(maxsize=64)
def _debug_info(info: str) -> tuple[list[int], list[int]]:
    pairs = [pair.partition("=") for pair in info.split("&")]
    found = sorted((int(c), int(t)) for t, _, c in pairs if t.isdigit() and c.isdigit())
    return [t for _, t in found], [c for c, _ in found]
