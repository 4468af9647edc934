"""Links in Markdown fields that no output keeps: a warning at the field, at check time.

Only absolute http, https and mailto links and #places reach a PDF, HTML or Markdown
output; anything else (a relative path, //host, file:, javascript:) is shown as plain
text, and the author is told where and what to write instead.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from briefgen import load
from briefgen.errors import Location, Report
from briefgen.models import Brief, Item
from briefgen.urls import safe_link

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


def _every_link(url: str) -> bool:
    return True


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    parser.validateLink = _every_link  # type: ignore[method-assign]  # see links markdown-it drops
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
    """A warning for each link in a summary or detail that will be shown as plain text."""
    for brief in briefs:
        fields: list[tuple[Item | None, str, str | None]] = [(None, "summary", brief.summary)]
        fields += [
            (i, "detail", getattr(i, "detail", None)) for i in (*brief.positions, *brief.proposals)
        ]
        tree: list[load.Node | None] = []
        for item, name, text in fields:
            for href in unsafe_links(text) if text else []:
                if not tree:
                    tree.append(load.load_yaml_file(brief.path, Report()))
                where = _field_location(tree[0], brief, item, name, text or "", href)
                report.warning(
                    f'link "{_short(href)}" in "{name}" is not an absolute http, https or mailto'
                    " address, so it is shown as plain text; write the full address"
                    " (https://...) or a #place, or remove the link",
                    where,
                )


def _field_location(
    root: load.Node | None, brief: Brief, item: Item | None, name: str, text: str, href: str
) -> Location:
    """The line in the brief's YAML where the link stands (the field's line if unsure)."""
    holder = root
    if item is not None and isinstance(root, load.Map):
        holder = None
        entry = root.entries.get(f"{item.kind}s")
        for node in entry.node.items if entry and isinstance(entry.node, load.Seq) else []:
            ident = node.entries.get("id") if isinstance(node, load.Map) else None
            named = ident is not None and isinstance(ident.node, load.Scalar)
            if named and ident is not None and getattr(ident.node, "value", None) == item.id:
                holder = node
    field = holder.entries.get(name) if isinstance(holder, load.Map) else None
    if field is None:
        return item.loc if item is not None else brief.loc
    loc = field.node.loc
    at = text.find(href)
    lines_before = text.count("\n", 0, at) if at >= 0 else 0
    if "\n" in text.rstrip("\n"):  # a block scalar: its text starts on the line after '|'
        return Location(loc.path, loc.line + 1 + lines_before, 1)
    return loc


def _short(url: str) -> str:
    return url if len(url) <= 120 else url[:100] + "…"
