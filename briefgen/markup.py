"""HTML parsed as a browser parses it, and written back from the parsed tree.

`parse`: tinyhtml5 is the WHATWG-conformant parser WeasyPrint itself uses (already
installed with it), so the tree checked here is the tree the PDF engine builds, each
element with the place of its start tag. Output is serialised from that tree, so what
was checked is exactly what is written.

`read`: html5ever (Servo's WHATWG parser, through markupever) builds the tree about
five times faster and follows the current standard where tinyhtml5 lags, but gives no
places. HTML output is checked on its tree and written by its serialiser, and parsed
again with `parse` only when something is refused, to place each problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any
from xml.etree import ElementTree

from tinyhtml5 import inputstream, treebuilder
from tinyhtml5 import parser as html_parser

from briefgen.kept import Bounded

HTML = "http://www.w3.org/1999/xhtml"
SVG = "http://www.w3.org/2000/svg"
MATHML = "http://www.w3.org/1998/Math/MathML"
_ATTR_PREFIX = {
    "http://www.w3.org/1999/xlink": "xlink:",
    "http://www.w3.org/XML/1998/namespace": "xml:",
    "http://www.w3.org/2000/xmlns/": "xmlns:",
}
VOID = frozenset(
    {"area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input",
     "keygen", "link", "meta", "param", "source", "track", "wbr"}
)  # fmt: skip
_RAW_TEXT = {"style", "script", "xmp", "iframe", "noembed", "noframes", "plaintext", "noscript"}
# A parser drops one line end just after these start tags, so one whose content begins with a
# line end is written with another before it, or it is read back without it (WHATWG
# "newline after pre")
_NEWLINE_AFTER = frozenset({"pre", "textarea", "listing"})


class _RunPatterns(dict[tuple[Any, bool], "re.Pattern[str]"]):
    """tinyhtml5's memo of the pattern matching a run of characters up to (or, `opposite`,
    made only of) the given ones. Its own store is keyed by the pattern just built rather
    than the characters, so it never finds one and rebuilds the pattern at every call; this
    store builds the very same pattern once per key, which halves the time a page takes
    to parse."""

    def __missing__(self, key: tuple[Any, bool]) -> re.Pattern[str]:
        characters, opposite = key
        pattern = "".join(f"\\x{ord(character):02x}" for character in characters)
        self[key] = compiled = re.compile(f"[{pattern if opposite else '^' + pattern}]+")
        return compiled


inputstream.characters_until_regex = _RunPatterns()


class Element:
    """A parsed element: namespace, local name, attributes (local names) and where it began.
    Changes to it go through set() and replace_text(), which note what they set."""

    def __init__(self, node: ElementTree.Element, line: int, col: int) -> None:
        self.node = node
        self.namespace, self.name = split(node.tag)
        self.line, self.col = line, col
        self.changed: tuple[tuple[Any, str], ...] = ()  # (key, value) of every attribute set

    @property
    def tag(self) -> str:
        return f"{{{self.namespace}}}{self.name}" if self.namespace else self.name

    def attributes(self) -> Iterator[tuple[Any, str, str]]:
        """(key as stored, lower-cased local name, value) for every attribute."""
        for key, value in self.node.attrib.items():
            namespace, local = split(key)
            yield key, (_ATTR_PREFIX.get(namespace or "", "") + local).lower(), value

    def signature(self) -> tuple[Any, ...]:
        """What decides whether the element is allowed: namespace, name and attributes."""
        return (self.namespace, self.name, *self.attributes())

    def set(self, key: Any, value: str) -> None:
        """Set an attribute by its key as attributes() gives it."""
        self._set(key, value)
        self.changed = (*self.changed, (key, value))

    def _set(self, key: Any, value: str) -> None:
        self.node.set(key, value)

    def text(self) -> str:
        return "".join(self.node.itertext())

    def replace_text(self, text: str) -> None:
        """The element's content made just `text` (a stylesheet rewritten)."""
        self.node.text = text
        for child in list(self.node):
            self.node.remove(child)


class Page:
    """A parsed document, written out as HTML text from its tree."""

    def __init__(self, root: ElementTree.Element) -> None:
        self.root = root

    def first_in_head(self, name: str, attributes: dict[str, str]) -> None:
        """A new HTML element first in <head> (which the parser always makes), a line of its own."""
        head = self.root.find(f"{{{HTML}}}head")
        if head is not None:
            element = ElementTree.Element(f"{{{HTML}}}{name}", attributes)
            element.tail = "\n"
            head.insert(0, element)

    def serialise(self) -> str:
        """The tree as HTML text (WHATWG serialisation), with no comments."""
        out = ["<!DOCTYPE html>\n"]
        _write(self.root, out)
        return "".join(out) + "\n"

    def text(self) -> str:
        return "".join(self.root.itertext())


def split(tag: str) -> tuple[str | None, str]:
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return None, tag


class _Builder(treebuilder.TreeBuilder):  # type: ignore[misc]
    """The tree builder, noting the input position at each element's start tag."""

    positions: dict[ElementTree.Element, tuple[int, int]]
    where: Any

    def create_element(self, token: Any) -> Any:
        return self._note(super().create_element(token))

    def insert_element_normal(self, token: Any) -> Any:
        return self._note(super().insert_element_normal(token))

    def _note(self, element: Any) -> Any:
        self.positions[element._element] = self.where()
        return element


class _Where:
    """The stream's position() (1-based line, 0-based column), counted on from the last
    call instead of from the start of the chunk each time: one count per character
    rather than one per character per element."""

    def __init__(self, parser: Any) -> None:
        self.parser = parser
        self.chunk: str | None = None
        self.offset = self.lines = 0
        self.newline = -1  # the chunk's last newline before `offset`

    def __call__(self) -> tuple[int, int]:
        stream = self.parser.tokenizer.stream
        chunk, offset = stream.chunk, stream.chunk_offset
        if chunk is not self.chunk or offset < self.offset:  # a new chunk, or a step back
            self.chunk, self.offset, self.lines, self.newline = chunk, 0, 0, -1
        self.lines += chunk.count("\n", self.offset, offset)
        newline = chunk.rfind("\n", self.offset, offset)
        if newline != -1:
            self.newline = newline
        self.offset = offset
        line = stream.previous_number_lines + self.lines + 1
        if self.newline == -1:
            return line, stream.previous_number_columns + offset
        return line, offset - (self.newline + 1)


def parse(text: str, scripting: bool = True) -> tuple[Page, list[Element]]:
    """The document tree and every element in document order, with rendered line and column.
    `scripting` as in a browser: with it on, <noscript> holds text, not markup."""
    parser = html_parser.HTMLParser(namespace_html_elements=True)
    builder = _Builder(True)
    builder.positions = {}
    builder.where = _Where(parser)
    parser.tree = builder
    parser.phases = {name: cls(parser, builder) for name, cls in html_parser._phases.items()}
    root = parser.parse(text, scripting=scripting)
    elements: list[Element] = []
    last = (1, 1)
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue  # a comment
        last = builder.positions.get(node, last)  # a copy the parser made: its original's place
        elements.append(Element(node, *last))
    return Page(root), elements


def read(text: str) -> tuple[Page, list[Element]]:
    """The document and its elements as `parse` gives them (scripting on), but with no
    places (line 0), and as html5ever's own tree, which it also writes out: for a check
    whose problems are placed by `parse` after."""
    from markupever import _rustlib as rust  # its public nodes wrap each one: 5x slower

    document = rust.Parser(rust.HtmlOptions(full_document=True))
    document.process(text)
    document.finish()
    dom = document.into_dom()
    nodes: list[_Node] = []
    comments = []
    element_type = rust.Element
    for node in rust.iter.Descendants(rust.TreeDom.root(dom)):
        if type(node) is element_type:
            nodes.append(_node(node))
        elif type(node) is rust.Comment or type(node) is rust.ProcessingInstruction:
            comments.append(node)  # not written
    for node in comments:
        dom.detach(node)
    if not nodes:  # the parser always makes <html>
        raise ValueError("no document element")
    return _Tree(dom, nodes[0].element), list[Element](nodes)


def _node(node: Any) -> _Node:
    """A markupever Element as an Element; made without __init__, three times faster."""
    element: _Node = object.__new__(_Node)
    element.element = node
    name = node.name
    element.namespace, element.name = _ELEMENT_NAMES.get(name) or _element_name(name)
    attrs = node.attrs
    found = (
        [
            (n, _NAMES.get(key) or _attribute_name(key), value)
            for n, (key, value) in enumerate(attrs.items())
        ]
        if len(attrs)
        else ()
    )
    element._attributes = found
    element._signature = (element.namespace, element.name, *found)
    return element


class _Node(Element):
    """An element of html5ever's tree (attribute keys are their places in its list), made
    by _node()."""

    __slots__ = ("_attributes", "_signature", "element", "name", "namespace")
    line = col = 0
    changed: tuple[tuple[Any, str], ...] = ()

    element: Any  # a markupever Element; not .node: not xml.etree's
    _attributes: Sequence[tuple[int, str, str]]
    _signature: tuple[Any, ...]

    def attributes(self) -> Iterator[tuple[Any, str, str]]:
        return iter(self._attributes)

    def signature(self) -> tuple[Any, ...]:
        return self._signature

    def _set(self, key: Any, value: str) -> None:
        self.element.attrs.update_value(key, value)

    def text(self) -> str:
        from markupever import _rustlib as rust

        return "".join(
            n.content for n in rust.iter.Descendants(self.element) if type(n) is rust.Text
        )

    def replace_text(self, text: str) -> None:
        from markupever import _rustlib as rust

        tree = self.element.tree()
        for child in list(rust.iter.Children(self.element)):
            tree.detach(child)
        tree.append(self.element, rust.Text(tree, text))


# html5ever's names as checks read them, kept by name: reading a name's parts is most of
# the time a tree takes to walk (names come from the document: at most so many are kept)
_ELEMENT_NAMES: Bounded[Any, tuple[str | None, str]] = Bounded(10_000)
_NAMES: Bounded[Any, str] = Bounded(10_000)  # of attributes


def _element_name(name: Any) -> tuple[str | None, str]:
    found = _ELEMENT_NAMES[name] = (name.ns or None, name.local)
    return found


def _attribute_name(key: Any) -> str:
    found: str = (_ATTR_PREFIX.get(key.ns, "") + key.local).lower()
    _NAMES[key] = found
    return found


class _Tree(Page):
    """html5ever's document, written out by html5ever's serialiser."""

    def __init__(self, dom: Any, html: Any) -> None:  # a markupever TreeDom, its <html>
        self.dom, self.html = dom, html

    def first_in_head(self, name: str, attributes: dict[str, str]) -> None:
        from markupever import _rustlib as rust

        head = next(
            (
                child
                for child in rust.iter.Children(self.html)
                if type(child) is rust.Element and child.name.local == "head"
            ),
            None,
        )
        if head is not None:
            element = rust.Element(
                self.dom, rust.QualName(name, "html"), list(attributes.items()), False, False
            )
            first = head.first_child()  # text before it stays before it, as in xml.etree
            if type(first) is rust.Text:
                self.dom.insert_after(first, element)
            else:
                self.dom.prepend(head, element)
            self.dom.insert_after(element, rust.Text(self.dom, "\n"))

    def serialise(self) -> str:
        html = self._serialised()
        if "<pre" in html or "<textarea" in html or "<listing" in html:  # else none to mend
            # html5ever's serialiser writes no line end after the start tag (see
            # _NEWLINE_AFTER): one is put into the text for the time it is written
            texts = _leading_line_ends(self.html)
            if texts:
                try:
                    for text in texts:
                        text.content = "\n" + text.content
                    html = self._serialised()
                finally:
                    for text in texts:
                        text.content = text.content[1:]
        return f"<!DOCTYPE html>\n{html}\n"

    def _serialised(self) -> str:
        from markupever import _rustlib as rust

        html: str = rust.serialize(self.html, 0, True, True).decode("utf-8", "surrogatepass")
        return html

    def text(self) -> str:
        from markupever import _rustlib as rust

        return "".join(n.content for n in rust.iter.Descendants(self.html) if type(n) is rust.Text)


def _leading_line_ends(html: Any) -> list[Any]:
    """The text nodes, in html5ever's tree under `html`, that begin the content of a
    <pre>, <textarea> or <listing> with a line end (empty text before them passed over)."""
    from markupever import _rustlib as rust

    found = []
    for node in rust.iter.Descendants(html):
        if type(node) is not rust.Element:
            continue
        name = node.name
        if name.local not in _NEWLINE_AFTER or name.ns != HTML:
            continue
        for child in rust.iter.Children(node):
            if type(child) is rust.Text and not child.content:
                continue
            if type(child) is rust.Text and child.content.startswith("\n"):
                found.append(child)
            break
    return found


def _write(node: ElementTree.Element, out: list[str]) -> None:
    namespace, name = split(node.tag)
    attrs = "".join(
        f' {_ATTR_PREFIX.get(ns or "", "") if ns else ""}{local}="{_escape(value, attr=True)}"'
        for (ns, local), value in ((split(k), v) for k, v in node.attrib.items())
    )
    out.append(f"<{name}{attrs}>")
    if namespace == HTML and name in VOID:
        return
    raw = namespace == HTML and name in _RAW_TEXT
    start = len(out)
    out.append(_text(node.text, raw))
    for child in node:
        if isinstance(child.tag, str):
            _write(child, out)
        out.append(_text(child.tail, raw))
    if namespace == HTML and name in _NEWLINE_AFTER:
        # what is written first after the start tag (comments are not written)
        first = next((piece for piece in out[start:] if piece), "")
        if first.startswith("\n"):
            out.insert(start, "\n")
    out.append(f"</{name}>")


def _text(text: str | None, raw: bool) -> str:
    return "" if not text else text if raw else _escape(text, attr=False)


def _escape(text: str, attr: bool) -> str:
    text = text.replace("&", "&amp;").replace("\xa0", "&nbsp;")
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if attr else text
