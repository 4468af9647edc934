"""A Markdown file -> its words as a reader sees them, line for line.

Line N of the text is line N of the file (a CR LF or a lone CR ends a line, as in
Markdown), so a citation's line is the file's line, and its column is the file's too
(where the words stand in the line as written, markup and all). Each line keeps the words it
renders to and loses the markup, so `**2.3%**` is cited as `2.3%`:

- emphasis and strong marks go, only where CommonMark reads them as markup (snake_case
  and 2*3 stay as written); `code` keeps its text; ~~struck-through~~ text goes with its
  marks, as a deletion does;
- [text](url), [text][ref] and ![alt](src) become text and alt; <https://x> its URL; a
  footnote's marker ([^1]) goes, so a quote runs on across it, and the note itself
  reads "Footnote 1: ...", as in a Word document;
- heading #'s and underlines, > of quotes, list bullets and numbers, table rows stay
  one line each, their cells joined by " | " as the HTML and Word readers join them (a
  quote cannot run from one cell into the next); the |---| row is blank;
- HTML tags and comments go, their text stays (entities decoded; the digits of <sup>
  and <sub> raised or lowered, "10⁶"); what a browser never shows goes with its text:
  scripts, styles, templates, <noscript>, <del>, and elements hidden by an attribute or
  style; backslash escapes and entities are read as the characters they stand for;
- code fences and reference definitions ([r]: https://x) become blank lines; the code
  between fences is kept as written.

The file is parsed with markdown-it-py (CommonMark, with tables and strikethrough),
whose tokens say which lines they came from. In the rare case where a code span runs
over a line break (which Markdown reads as a space), the paragraph's words are all put
on its first line and its other lines are left blank.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token

from briefgen.load import decode_text
from briefgen.readers.base import (
    LINE,
    LOWERED,
    RAISED,
    Extracted,
    ReaderError,
    column_runs,
    hides,
)

_PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
_LINE_END = re.compile(r"\r\n?")
# what a reader of the rendered page never sees, or sees struck through (withdrawn): an
# element that is never shown, or one hidden by an attribute or style, with its text
_UNSEEN_TAGS = "script|style|template|noscript|textarea|del|s|strike"
_HIDING = r"""\shidden\b|aria-hidden\s*=\s*["']?true"""  # and a style that `hides`
# a comment, a tag (its name and attributes), or a "<" that opens neither: in one pass
_HTML_PIECE = re.compile(r"<!--.*?(?:-->|$)|<(/?)([a-z][a-z0-9]*)\b([^>]*)>?|<[^>]*>?", re.S | re.I)
# blocks whose first line a quote may not reach from the line above ("## Heading⏎text",
# "- one⏎- two", two table rows)
_BLOCKS = frozenset({
    "paragraph_open", "heading_open", "list_item_open", "tr_open", "blockquote_open",
    "bullet_list_open", "ordered_list_open", "table_open", "html_block",
})  # fmt: skip
_FOOTNOTE_REF = re.compile(r"\[\^[A-Za-z0-9_]+\]")  # [^1], [^note] (GitHub's footnotes)
_FOOTNOTE_DEFINITION = re.compile(r"^\[\^([A-Za-z0-9_]+)\]:")
_HIDES = re.compile(_HIDING, re.I)
_VOID = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"
})  # fmt: skip
_UNSEEN = frozenset(_UNSEEN_TAGS.split("|"))


def extract(data: bytes) -> Extracted:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a byte-order mark is not part of line 1
    text, problem, line, col = decode_text(data)
    if text is None:
        raise ReaderError(f"line {line}, column {col}: {problem}")
    source = _LINE_END.sub("\n", text)
    lines = [""] * (source.count("\n") + 1)
    in_row = False
    starts: set[int] = set()  # where a block opens: a quote may not run on into it
    for token in _PARSER.parse(source):
        if token.nesting == 1 and token.map is not None and token.type in _BLOCKS:
            starts.add(token.map[0])
        if token.type in ("tr_open", "tr_close"):
            in_row = token.type == "tr_open"
        elif token.map is None:
            continue
        elif token.type == "inline":
            _place(lines, token.map, _inline(token.children or []), joined=in_row)
        elif token.type == "fence":
            _place(lines, [token.map[0] + 1, token.map[1]], token.content.split("\n"))
        elif token.type == "code_block":
            _place(lines, token.map, token.content.split("\n"))
        elif token.type == "html_block":
            _place(lines, token.map, _strip_html(token.content).split("\n"))
    originals = source.split("\n")
    columns = tuple(
        (i, column_runs(line, originals[i]))
        for i, line in enumerate(lines)
        if line and i < len(originals) and line != originals[i]
    )
    blocks = tuple(sorted(n for n in starts if n > 0 and lines[n - 1].strip()))
    return Extracted("\n".join(lines), LINE, columns=columns, blocks=blocks)


def _place(lines: list[str], span: Sequence[int], parts: list[str], joined: bool = False) -> None:
    """Put parts on the lines span[0]..span[1]-1; in a table row, after what is there."""
    start, end = span[0], min(span[1], len(lines))
    if joined:
        lines[start] = " | ".join(x for x in (lines[start], " ".join(parts).strip()) if x)
        return
    if len(parts) < end - start:  # a line break was lost inside a span: no line is sure
        parts = [" ".join(p.strip() for p in parts)]
    for i, part in enumerate(parts):
        row = min(start + i, end - 1)
        if row < start:
            return
        lines[row] = f"{lines[row]} {part}".strip() if row < start + i else part.rstrip()


def _inline(children: list[Token]) -> list[str]:
    """The rendered words of a paragraph or heading, split where its source lines break.

    Struck-through (~~x~~, <del>) and hidden (<span hidden>) text is left out; the digits
    of <sup> and <sub> are written raised or lowered ("10⁶", not "106")."""
    parts = [""]
    tags = _Tags()
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            parts.append("")
        elif child.type in ("s_open", "s_close"):  # ~~struck~~, as <s> is
            tags.meet("<s>" if child.type == "s_open" else "</s>")
        elif child.type == "html_inline":
            parts.extend([""] * child.content.count("\n"))  # the tag goes, its lines stay
            tags.meet(child.content)
        elif tags.unseen:
            continue
        elif child.type == "image":  # its alt text may run over lines, as the file has it
            first, *rest = child.content.split("\n")
            parts[-1] += first
            parts.extend(rest)
        elif child.type in ("text", "text_special", "code_inline"):
            text = child.content
            if child.type == "text" and "[^" in text:
                if parts == [""]:  # a note's own text: "[^1]: A note." reads "Footnote 1: A note."
                    text = _FOOTNOTE_DEFINITION.sub(r"Footnote \1:", text, count=1)
                text = _FOOTNOTE_REF.sub("", text)  # "troops[^1]": a note's marker, not words
            parts[-1] += tags.seen(text)
    return parts


class _Tags:
    """What the HTML tags met so far do to the text after them: hide it (an element a
    browser never shows, or one hidden by an attribute or style, till it closes), or raise
    or lower its digits (<sup>, <sub>). Tags left open are followed as well as closed ones."""

    def __init__(self) -> None:
        self.unseen: list[str] = []  # the element hiding what is in it: its name, once a level
        self.shifts: list[str] = []  # <sup> and <sub> open

    def meet(self, tag: str) -> None:
        found = _HTML_PIECE.match(tag)
        name = (found[2] or "").lower() if found else ""
        if not found or not name:
            return  # a comment, or a "<" that opens no tag
        closing, attributes = found[1] == "/", found[3] or ""
        alone = attributes.rstrip().endswith("/") or name in _VOID
        if self.unseen:
            if name == self.unseen[0] and not alone:
                if closing:
                    self.unseen.pop()
                else:
                    self.unseen.append(name)
        elif (
            not closing
            and not alone
            and (name in _UNSEEN or _HIDES.search(attributes) or hides(attributes))
        ):
            self.unseen.append(name)
        elif name in ("sup", "sub"):
            if not closing:
                self.shifts.append(name)
            elif name in self.shifts:
                del self.shifts[len(self.shifts) - 1 - self.shifts[::-1].index(name) :]

    def seen(self, text: str) -> str:
        """The text as a reader sees it here: nothing but its line breaks if hidden."""
        if self.unseen:
            return "\n" * text.count("\n")
        if self.shifts:
            return text.translate(RAISED if self.shifts[-1] == "sup" else LOWERED)
        return text


def _strip_html(block: str) -> str:
    """An HTML block's text: tags and comments removed, and what a browser never shows
    (scripts, styles, hidden elements) with its text; the digits of <sup> and <sub> raised
    or lowered; line breaks kept. One pass over the block, however its tags are left open."""
    out: list[str] = []
    at = 0
    tags = _Tags()
    for piece in _HTML_PIECE.finditer(block):
        out.append(tags.seen(block[at : piece.start()]))
        out.append("\n" * piece[0].count("\n"))  # the tag goes, its lines stay
        tags.meet(piece[0])
        at = piece.end()
    out.append(tags.seen(block[at:]))
    kept = "".join(out)
    return "\n".join(" ".join(html.unescape(line).split()) for line in kept.split("\n"))
