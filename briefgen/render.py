"""Models -> Markdown and HTML through Jinja2: workspace templates first, built-ins second."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import markdown as markdown_lib
import nh3
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from briefgen.errors import Location, RenderError
from briefgen.models import Brief, Citation, Config, Item, Position, Source, Span

BUILTIN_TEMPLATES = Path(__file__).parent / "templates"
LAYOUTS = ("brief", "card")
_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h3", "h4", "h5", "h6", "hr", "i",
    "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")


@dataclass(frozen=True)
class Note:
    """One numbered citation in the rendered brief."""

    number: int
    citation: Citation
    source: Source
    span: Span
    link: str

    @property
    def anchor(self) -> str:
        return f"note-{self.number}"

    @property
    def passage_anchor(self) -> str:
        return f"passage-{self.source.id}-{self.span.start}"


@dataclass
class Passage:
    span: Span
    notes: list[Note] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return self.notes[0].passage_anchor


@dataclass
class CitedSource:
    source: Source
    link: str
    passages: list[Passage] = field(default_factory=list)


@dataclass
class View:
    """Everything a template needs, worked out once."""

    brief: Brief
    config: Config
    notes: list[Note]
    item_notes: dict[str, list[Note]]
    topics: list[tuple[str, list[Position]]]
    appendix: list[CitedSource]
    marking: str
    layout: str

    def notes_for(self, item: Item) -> list[Note]:
        return self.item_notes.get(item.id, [])

    def as_dict(self) -> dict[str, Any]:
        return {
            "brief": self.brief,
            "config": self.config,
            "notes": self.notes,
            "notes_for": self.notes_for,
            "topics": self.topics,
            "appendix": self.appendix,
            "marking": self.marking,
            "organisation": self.config.organisation,
            "layout": self.layout,
        }


def build_view(
    brief: Brief, sources: dict[str, Source], config: Config, out_dir: Path, layout: str
) -> View:
    """Number the citations in reading order and group what the templates show."""
    notes: list[Note] = []
    by_place: dict[tuple[str, int, int], Note] = {}
    item_notes: dict[str, list[Note]] = {}
    appendix: dict[str, CitedSource] = {}
    for item in brief.items:
        for cite in item.cite:
            if cite.span is None:
                continue
            source = sources[cite.source_id]
            key = (source.id, cite.span.start, cite.span.end)
            note = by_place.get(key)
            if note is None:
                link = f"{source_link(source, out_dir)}#L{cite.span.line}"
                note = Note(len(notes) + 1, cite, source, cite.span, link)
                notes.append(note)
                by_place[key] = note
                cited = appendix.setdefault(
                    source.id, CitedSource(source, source_link(source, out_dir))
                )
                _add_passage(cited, note)
            item_notes.setdefault(item.id, []).append(note)
    for cited in appendix.values():
        cited.passages.sort(key=lambda p: p.span.start)
    return View(
        brief=brief,
        config=config,
        notes=notes,
        item_notes=item_notes,
        topics=group_by_topic(brief.positions),
        appendix=sorted(appendix.values(), key=lambda c: c.source.id),
        marking=brief.marking or config.marking,
        layout=layout,
    )


def _add_passage(cited: CitedSource, note: Note) -> None:
    for passage in cited.passages:
        if passage.span.start == note.span.start and passage.span.end == note.span.end:
            passage.notes.append(note)
            return
    cited.passages.append(Passage(note.span, [note]))


def group_by_topic(positions: tuple[Position, ...]) -> list[tuple[str, list[Position]]]:
    """Positions grouped by topic, topics in order of first appearance."""
    groups: dict[str, list[Position]] = {}
    for position in positions:
        groups.setdefault(position.topic or "Other positions", []).append(position)
    return list(groups.items())


def source_link(source: Source, out_dir: Path) -> str:
    """A relative link from the output folder to the source file, with forward slashes."""
    rel = os.path.relpath(source.path.resolve(), out_dir.resolve())
    return Path(rel).as_posix()


def markdown_to_html(text: str | None) -> Markup:
    """A Markdown field as sanitised HTML, safe to put in a page."""
    if not text:
        return Markup("")
    html = markdown_lib.markdown(text, extensions=["sane_lists", "tables"], output_format="html")
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return Markup(clean)  # noqa: S704 - sanitised by nh3 on the line above


def md_text(text: object) -> str:
    """Plain text made literal in Markdown: no emphasis, links, table breaks or raw HTML."""
    if text is None:
        return ""
    value = _MD_SPECIAL.sub(r"\\\1", str(text))
    return value.replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def md_block(text: object) -> str:
    """A Markdown field passed through with raw HTML neutralised."""
    if text is None:
        return ""
    return str(text).strip().replace("<", "&lt;")


def _environment(config: Config, autoescape: bool) -> SandboxedEnvironment:
    loaders: list[jinja2.BaseLoader] = []
    if config.templates_dir.is_dir():
        loaders.append(jinja2.FileSystemLoader(config.templates_dir, followlinks=False))
    builtin = jinja2.FileSystemLoader(BUILTIN_TEMPLATES)
    loaders.append(builtin)
    loader = jinja2.ChoiceLoader(
        [jinja2.PrefixLoader({"builtin": builtin}, delimiter=":"), *loaders]
    )
    env = SandboxedEnvironment(
        loader=loader,
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["markdown"] = markdown_to_html
    env.filters["md_text"] = md_text
    env.filters["md_block"] = md_block
    env.filters["escape"] = escape
    return env


def render(view: View, fmt: str) -> str:
    """Render one brief to 'md' or 'html' text (the PDF is made from the HTML)."""
    name = f"{view.layout}.{'md' if fmt == 'md' else 'html'}.j2"
    env = _environment(view.config, autoescape=fmt != "md")
    try:
        template = env.get_template(name)
        return template.render(view.as_dict())
    except jinja2.TemplateNotFound as exc:
        raise RenderError.single(
            f"template {exc.name!r} not found", Location(view.brief.path)
        ) from exc
    except jinja2.TemplateSyntaxError as exc:
        where = Location(Path(exc.filename or exc.name or name), exc.lineno or 1)
        raise RenderError.single(f"template syntax error: {exc.message}", where) from exc
    except jinja2.UndefinedError as exc:
        raise RenderError.single(
            f"template {name}: {exc.message}", _template_location(exc, name)
        ) from exc
    except SecurityError as exc:
        raise RenderError.single(
            f"template {name} tried something unsafe: {exc}", Location(Path(name))
        ) from exc


def _template_location(exc: BaseException, name: str) -> Location:
    """The template file and line a Jinja error came from, found in its traceback."""
    tb = exc.__traceback__
    where = Location(Path(name))
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            where = Location(Path(filename), tb.tb_lineno)
        tb = tb.tb_next
    return where
