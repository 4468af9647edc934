"""Markdown fields (summaries and details) as HTML for the HTML and PDF outputs.

Python-Markdown converts a field and nh3 keeps only an allowlist of tags and attributes;
a link that is not absolute http, https, mailto or a #place loses its href. Loaded only
where a field is converted to HTML: a Markdown build, and a check of fields holding no
link syntax, never import either library.
"""

from __future__ import annotations

import functools
import threading
from typing import TYPE_CHECKING

from markupsafe import Markup

from briefgen.urls import safe_link

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    import markdown
    import markdown.treeprocessors

_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h3", "h4", "h5", "h6", "hr", "i",
    "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip


def markdown_to_html(text: str | None) -> Markup:
    """A Markdown field as sanitised HTML, safe to put in a page."""
    if not text:
        return Markup("")
    return Markup(sanitised_markdown(text)[0])  # noqa: S704 - sanitised by nh3 with an allowlist


@functools.lru_cache(maxsize=4096)
def sanitised_markdown(text: str) -> tuple[str, tuple[str, ...]]:
    """A Markdown field as HTML through `sanitise`, and the links it dropped; worked out once
    per distinct text (it depends on nothing else, and a preview renders the same fields
    again after every edit)."""
    from briefgen.listindent import reindented

    html, dropped = sanitise(_converter().reset().convert(reindented(text)))
    return html, tuple(dropped)


_CONVERTERS = threading.local()


def _converter() -> markdown.Markdown:
    """This thread's Python-Markdown converter, emptied by reset() between uses. Its
    extensions are given as objects: named, they are looked up among the entry points of
    every installed package, which takes longer than converting a whole brief."""
    converter: markdown.Markdown | None = getattr(_CONVERTERS, "converter", None)
    if converter is None:  # Python-Markdown is loaded only where a field is converted to HTML
        import markdown
        from markdown.extensions.sane_lists import SaneListExtension
        from markdown.extensions.tables import TableExtension

        # a column's alignment (| ---: |) as align="right", an attribute the cleaning keeps
        extensions = [SaneListExtension(), TableExtension(use_align_attribute=True)]
        converter = markdown.Markdown(extensions=extensions, output_format="html")
        # after the inline patterns (priority 20) have made the images
        converter.treeprocessors.register(_images_as_text(), "images-as-text", 15)
        _CONVERTERS.converter = converter
    return converter


def _images_as_text() -> markdown.treeprocessors.Treeprocessor:
    """A step that puts each image's description in its place, as the Markdown output does:
    no image reaches a page, and its words are not lost (a linked image keeps its link)."""
    from markdown.treeprocessors import Treeprocessor

    class ImagesAsText(Treeprocessor):
        def run(self, root: Element) -> None:
            for parent in list(root.iter()):
                for index in reversed(range(len(parent))):
                    image = parent[index]
                    if image.tag != "img":
                        continue
                    words = (image.get("alt") or "") + (image.tail or "")
                    parent.remove(image)
                    if index == 0:
                        parent.text = (parent.text or "") + words
                    else:
                        parent[index - 1].tail = (parent[index - 1].tail or "") + words

    return ImagesAsText()


def markdown_ending(text: str | None, end: str) -> Markup:
    """A Markdown field as HTML with `end` (an item's citation markers) inside its last
    paragraph, so the markers never start a line of their own."""
    html = markdown_to_html(text)
    tail = Markup.escape(end)  # a macro's output is Markup and stays as it is
    if html.endswith("</p>"):
        return Markup(html[: -len("</p>")]) + tail + Markup("</p>")  # noqa: S704 - sanitised
    return html + tail


def sanitise(html: str) -> tuple[str, list[str]]:
    """HTML from a Markdown field through nh3's allowlist; a link that is not absolute
    http, https, mailto or #place loses its href (plain text) and is returned."""
    dropped: list[str] = []

    def keep(tag: str, attr: str, value: str) -> str | None:
        if tag == "a" and attr == "href" and not safe_link(value):
            dropped.append(value)
            return None
        return value

    import nh3

    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        attribute_filter=keep,
    )
    return clean, dropped
