"""Links in Markdown fields that no output keeps: a warning at the link, at check time.

Only absolute http, https and mailto links and #places reach a PDF, HTML or Markdown
output; anything else (a relative path, //host, file:, javascript:) is shown as plain
text, and the author is told where and what to write instead.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from functools import cache, lru_cache
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from briefgen import load, spec
from briefgen.errors import Location, Report
from briefgen.models import Brief, Config
from briefgen.text import line_col, line_starts
from briefgen.urls import every_link, safe_link

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    parser.validateLink = every_link  # type: ignore[method-assign]  # see links markdown-it drops
    return parser


@lru_cache(maxsize=64)
def _tokens(text: str) -> tuple[Token, ...]:
    """A field's Markdown tokens, as markdown-it reads them: read once for both of the
    link checks a field goes through (its links kept as text, its misleading links)."""
    return tuple(_parser().parse(text))


def could_link(text: str) -> bool:
    """Whether a field could hold a link at all: both Markdown readers make one only from
    `[` (a link or a reference) or `<` (an autolink or raw HTML). Most fields have neither,
    and are passed over without loading either reader."""
    return "[" in text or "<" in text


def unsafe_links(text: str) -> list[str]:
    """Link targets in a Markdown field that an output would turn into plain text, as either
    Markdown reader (markdown-it for .md, Python-Markdown for HTML and PDF) sees them; a
    target both see is named once, as the field writes it if either reader kept it so."""
    if not could_link(text):
        return []
    from briefgen.fieldhtml import sanitised_markdown

    found: list[str] = []
    for token in _tokens(text):
        for child in token.children or []:
            href = child.attrGet("href")
            if child.type == "link_open" and isinstance(href, str) and not safe_link(href):
                found.append(href)
    found.extend(sanitised_markdown(text)[1])
    named: dict[str, str] = {}  # markdown-it writes a target percent-encoded: one key for both
    for href in found:
        key = unquote(href)
        if key not in named or (href in text and named[key] not in text):
            named[key] = href
    return list(named.values())


# link text that reads as an address: "https://www.gov.uk/", "www.gov.uk", "gov.uk/news"
_SHOWN_ADDRESS = re.compile(
    r"\s*(?:[a-z][a-z0-9+.-]*://)?(?:www\.)?((?:[a-z0-9-]+\.)+[a-z]{2,})(?:[/:?#]\S*)?\s*", re.I
)


def misleading_links(text: str) -> list[tuple[str, str]]:
    """Links whose text reads as an address of another host than the one they lead to
    ("[https://www.gov.uk/](https://evil.example/)"), as (text, target)."""
    if not could_link(text):
        return []
    found: list[tuple[str, str]] = []
    for token in _tokens(text):
        children = token.children or []
        for i, child in enumerate(children):
            href = child.attrGet("href")
            if child.type != "link_open" or not isinstance(href, str) or not safe_link(href):
                continue
            shown = ""
            for inner in children[i + 1 :]:
                if inner.type == "link_close":
                    break
                shown += inner.content
            looks = _SHOWN_ADDRESS.fullmatch(shown)
            target = urlsplit(href).hostname or ""
            if (
                looks
                and not href.lower().startswith("mailto:")
                and _host(looks[1]) != _host(target)
            ):
                found.append((shown.strip(), href))
    return found


def _host(name: str) -> str:
    return name.lower().removeprefix("www.").rstrip(".")


def warn_unsafe_links(briefs: list[Brief], config: Config, report: Report) -> None:
    """A warning at each link in a Markdown field that will be shown as plain text."""
    for brief in briefs:
        texts = list(_markdown_texts(brief))
        if not any(could_link(text) for _, text in texts):
            continue  # the common case: the file is not read again
        # read again as a check reads it (the same limits; a FIFO or a link refused)
        where = Location(brief.path)
        text = load.read_text(brief.path, Report(), where, config.limits.max_yaml_bytes, "YAML")
        root = load.parse_yaml(text, brief.path, Report()) if text is not None else None
        fields: list[tuple[str, str, Callable[[str], Location]]]
        if text is None or root is None:  # changed since it was checked: warn at the file
            fields = [(name, value, _always(where)) for name, value in texts]
        else:
            places = _Places(text.removeprefix("\ufeff"), root)
            fields = [(n, node.value, places.of(node).find) for n, node in _markdown_scalars(root)]
        for name, value, locate in fields:
            _tell_misleading(name, value, locate, report)
            for href in unsafe_links(value):
                report.warning(
                    f'link "{_short(href)}" in "{name}" is not an absolute http, https or mailto'
                    " address, so it is shown as plain text; write the full address"
                    " (https://...) or a #place, or remove the link",
                    locate(href),
                )


def _tell_misleading(
    name: str, value: str, locate: Callable[[str], Location], report: Report
) -> None:
    for shown, href in misleading_links(value):
        report.warning(
            f'link text "{_short(shown)}" in "{name}" reads as an address, but the link leads '
            f'to "{_short(href)}"; make the text the address it leads to, or words that say '
            "where it leads",
            locate(href),
        )


def _always(where: Location) -> Callable[[str], Location]:
    return lambda _href: where


def _markdown_texts(brief: Brief) -> Iterator[tuple[str, str]]:
    """The name and text of every Markdown field of a brief."""
    for name in ("purpose", "summary", "background", "handling", "asks"):
        yield name, getattr(brief, name) or ""
    yield from (("objectives", text) for text in brief.objectives)
    yield from (("text", line.text) for line in brief.lines_to_take)
    yield from (("detail", getattr(item, "detail", None) or "") for item in brief.items)


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


class _Places:
    """Where each string of a brief's YAML stands in its text, and what follows it."""

    def __init__(self, text: str, root: load.Node) -> None:
        self.text = text
        self.starts = line_starts(text)
        # every node and key in document order: a string ends before the next one starts
        marks = sorted(self._offset(loc) for loc in _locations(root))
        self.marks = marks

    def _offset(self, loc: Location) -> int:
        line = min(max(loc.line, 1), len(self.starts))
        return self.starts[line - 1] + max(loc.col - 1, 0)

    def of(self, node: load.Scalar) -> _Place:
        begin = self._offset(node.loc)
        later = bisect.bisect_right(self.marks, begin)
        end = self.marks[later] if later < len(self.marks) else len(self.text)
        return _Place(self, node.loc, begin, end)


class _Place:
    """A string's stretch of the brief's text, [begin, end), and where it starts."""

    def __init__(self, places: _Places, loc: Location, begin: int, end: int) -> None:
        self.places, self.loc, self.begin, self.end = places, loc, begin, end

    def find(self, href: str) -> Location:
        """The link's target in the field's own text: written as a link, an autolink or a
        reference's definition, else anywhere in the field; else the field itself."""
        stretch = self.places.text[self.begin : self.end]
        for form in (href, unquote(href)):
            for before in ("](", "](<", "<", "]: ", "]: <", ""):
                at = stretch.find(before + form)
                if at >= 0:
                    line, col = line_col(self.places.starts, self.begin + at + len(before))
                    return Location(self.loc.path, line, col)
        return self.loc


def _locations(node: load.Node) -> Iterator[Location]:
    yield node.loc
    if isinstance(node, load.Map):
        for entry in node.entries.values():
            yield entry.key_loc
            yield from _locations(entry.node)
    elif isinstance(node, load.Seq):
        for item in node.items:
            yield from _locations(item)


def _short(url: str) -> str:
    return url if len(url) <= 120 else url[:100] + "…"
