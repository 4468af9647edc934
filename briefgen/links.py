"""Links in Markdown fields that no output keeps: a warning at the link, at check time.

Only absolute http, https and mailto links and #places reach a PDF, HTML or Markdown
output; anything else (a relative path, //host, file:, javascript:) is shown as plain
text, and the author is told where and what to write instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen import load, spec
from briefgen.errors import Location, Report
from briefgen.models import Brief
from briefgen.urls import every_link, safe_link

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    parser.validateLink = every_link  # type: ignore[method-assign]  # see links markdown-it drops
    return parser


def could_link(text: str) -> bool:
    """Whether a field could hold a link at all: both Markdown readers make one only from
    `[` (a link or a reference) or `<` (an autolink or raw HTML). Most fields have neither,
    and are passed over without loading either reader."""
    return "[" in text or "<" in text


def unsafe_links(text: str) -> list[str]:
    """Link targets in a Markdown field that an output would turn into plain text, as either
    Markdown reader (markdown-it for .md, Python-Markdown for HTML and PDF) sees them."""
    if not could_link(text):
        return []
    from briefgen.fieldhtml import sanitised_markdown

    found: list[str] = []
    for token in _parser().parse(text):
        for child in token.children or []:
            href = child.attrGet("href")
            if child.type == "link_open" and isinstance(href, str) and not safe_link(href):
                found.append(href)
    found.extend(sanitised_markdown(text)[1])
    return list(dict.fromkeys(found))


def warn_unsafe_links(briefs: list[Brief], report: Report) -> None:
    """A warning at each link in a Markdown field that will be shown as plain text."""
    for brief in briefs:
        if not any(could_link(text) for text in _markdown_texts(brief)):
            continue  # the common case: the file is not read again
        root = load.load_yaml_file(brief.path, Report())
        lines = _lines(brief.path)
        for name, node in _markdown_scalars(root):
            for href in unsafe_links(node.value):
                report.warning(
                    f'link "{_short(href)}" in "{name}" is not an absolute http, https or mailto'
                    " address, so it is shown as plain text; write the full address"
                    " (https://...) or a #place, or remove the link",
                    _link_location(node, href, lines),
                )


def _markdown_texts(brief: Brief) -> Iterator[str]:
    """The text of every Markdown field of a brief."""
    yield from (brief.purpose or "", brief.summary or "", *brief.objectives)
    yield from (brief.background or "", brief.handling or "", brief.asks or "")
    yield from (line.text for line in brief.lines_to_take)
    yield from (getattr(item, "detail", None) or "" for item in brief.items)


def _markdown_scalars(root: load.Node | None) -> Iterator[tuple[str, load.Scalar]]:
    """Every string in a brief's YAML that is read as Markdown, with its field's name."""
    yield from _marked(root, spec.BRIEF)
    for node in _items(root, "objectives"):
        if (text := _text(node)) is not None:
            yield "objectives", text
    for name, fields in _LISTS.items():
        for node in _items(root, name):
            if name == "lines_to_take" and (text := _text(node)) is not None:
                yield "text", text
            yield from _marked(node, fields)


_LISTS = {
    "lines_to_take": spec.LINE,
    "positions": spec.POSITION,
    "proposals": spec.PROPOSAL,
    "figures": spec.FIGURE,
}


def _marked(
    node: load.Node | None, fields: tuple[spec.Field, ...]
) -> Iterator[tuple[str, load.Scalar]]:
    """The Markdown fields of a mapping, as `fields` declare them."""
    if isinstance(node, load.Map):
        for field in fields:
            entry = node.entries.get(field.name)
            text = _text(entry.node) if entry is not None else None
            if field.kind == "markdown" and text is not None:
                yield field.name, text


def _items(root: load.Node | None, name: str) -> list[load.Node]:
    entry = root.entries.get(name) if isinstance(root, load.Map) else None
    return entry.node.items if entry is not None and isinstance(entry.node, load.Seq) else []


def _text(node: load.Node | None) -> load.Scalar | None:
    """The node if it is a string, else None."""
    return node if isinstance(node, load.Scalar) and isinstance(node.value, str) else None


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []


def _link_location(node: load.Scalar, href: str, lines: list[str]) -> Location:
    """Where the link stands in the brief's YAML: the first line from the field's on that
    holds it (a block scalar's text starts on the line after '|'), else the field."""
    loc = node.loc
    for number in range(loc.line, min(len(lines), loc.line + node.value.count("\n") + 2) + 1):
        col = lines[number - 1].find(href)
        if col >= 0:
            return Location(loc.path, number, col + 1)
    return loc


def _short(url: str) -> str:
    return url if len(url) <= 120 else url[:100] + "…"
