"""Markdown fields made inert for Markdown output: parsed with markdown-it (CommonMark and
GFM tables and strikethrough) and written back from its tokens, so that what any renderer
makes of the result has no raw HTML, no image and no link but absolute http, https and
mailto links and #places. Text is escaped so that nothing in it can start a link, an
image, an autolink, an entity or raw HTML, and breaks up '//' so linkify finds no link."""

from __future__ import annotations

import functools
import re

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from briefgen.errors import Problem
from briefgen.origins import Origins
from briefgen.urls import LINK_RULE, every_link, safe_link

# Characters that can start markup in running text; '/' only when doubled (protocol links),
# '!' only at the end, where a link written after it would make it an image; '(' after ']'
# so that literal text never reads as a link to a person or a pattern. What GitHub, GitLab
# and pandoc's gfm make more of: '$' (maths), a ':' that opens an emoji code (":smile:"),
# the '.' of "www." and an '@' between words (links made of a bare name or address).
_SPECIAL = re.compile(
    r"[\\`*_\[\]|~#$]|/(?=/)|(?<=/)/|&(?=#?\w+;)|!$|(?<=\])\("
    r"|:(?=[\w+-]+:)|(?<=\bwww)\.|(?<=\w)@(?=\w)"
)
_ALIGN = {"text-align:left": ":---", "text-align:right": "---:", "text-align:center": ":---:"}
_PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])


# What starts a block at the start of a line: a bullet ("- ", "+ "), a number ("1. ",
# "2) "), or a line of "-" or "=" alone (a heading's underline, or a rule)
_LINE_START = re.compile(
    r"^([ \t]*)(?:([-+])(?=[ \t]|$)|([-=])(?=[-= \t]*$)|(\d{1,9})([.)])(?=[ \t]|$))", re.M
)


def _literal_start(m: re.Match[str]) -> str:
    if m[4]:
        return f"{m[1]}{m[4]}\\{m[5]}"
    return f"{m[1]}\\{m[2] or m[3]}"


def literal_lines(text: str) -> str:
    """Markdown whose lines start no list, heading or rule that the text itself would start
    (a field's "1. Deploy troops" or "\\- not a list" stays the text it is)."""
    return _LINE_START.sub(_literal_start, text)


def escape(text: str) -> str:
    """Text that reads literally in CommonMark and GFM: no markup, links, entities or HTML."""
    value = _SPECIAL.sub(lambda m: "\\" + m[0], text)
    return value.replace("<", "&lt;").replace(">", "&gt;")


def safe_markdown(text: str) -> tuple[str, list[str]]:
    """The field as inert Markdown, and the link targets that were turned into plain text."""
    dropped: list[str] = []
    tree = SyntaxTreeNode(_PARSER.parse(text))
    blocks, before = [], None
    for child in tree.children:
        if child.type in ("bullet_list", "ordered_list"):
            # two lists one after the other stay two: the second is written with the other
            # bullet or delimiter, or the two would be read as one
            marker = child.markup or ("." if child.type == "ordered_list" else "-")
            if before is not None and before == (child.type, marker):
                marker = _OTHER_MARKER[marker]
            blocks.append(_list(child, dropped, marker))
            before = (child.type, marker)
        else:
            blocks.append(_block(child, dropped))
            before = None
    return "\n\n".join(b for b in blocks if b).strip(), dropped


_OTHER_MARKER = {"-": "*", "*": "-", "+": "-", ".": ")", ")": "."}


def _block(node: SyntaxTreeNode, dropped: list[str]) -> str:
    kind = node.type
    if kind == "paragraph":
        return literal_lines(_children_inline(node, dropped))
    if kind == "heading":
        # at level 3 or below, as in the HTML and PDF (whose allowed headings start at h3):
        # a field's "# Sources" must not pass for a section of the brief itself
        level = max(3, int(node.tag[1:]) if node.tag[1:].isdigit() else 3)
        # on one line: a heading written with a line break under it ("two\nlines\n---")
        return (
            "#" * level
            + " "
            + _children_inline(node, dropped).replace("\\\n", " ").replace("\n", " ")
        )
    if kind in ("bullet_list", "ordered_list"):
        return _list(node, dropped)
    if kind == "blockquote":
        inner = "\n\n".join(_block(c, dropped) for c in node.children)
        return "\n".join(("> " + line).rstrip() for line in inner.split("\n"))
    if kind in ("fence", "code_block"):
        return _fence(node.content)
    if kind == "hr":
        return "---"
    if kind == "table":
        return _table(node, dropped)
    # raw HTML and anything unknown: shown as the text it is
    return "\n".join(escape(line) for line in node.content.rstrip("\n").split("\n"))


def _children_inline(node: SyntaxTreeNode, dropped: list[str], cell: bool = False) -> str:
    return "".join(
        _inline(grand, dropped, cell) for child in node.children for grand in child.children
    )


def _inline(node: SyntaxTreeNode, dropped: list[str], cell: bool = False) -> str:
    kind = node.type
    inner = "".join(_inline(c, dropped, cell) for c in node.children)
    if kind == "inline":
        return inner
    if kind in ("text", "text_special", "html_inline"):
        return escape(node.content)
    if kind == "softbreak":
        return "\n"
    if kind == "hardbreak":
        return "\\\n"
    if kind == "code_inline":
        content = node.content.replace("|", "\\|") if cell else node.content
        fence = "`" * (max((len(r) for r in re.findall("`+", content)), default=0) + 1)
        return f"{fence} {content} {fence}"
    if kind in ("em", "strong"):
        mark = "*" if kind == "em" else "**"
        return f"{mark}{inner}{mark}" if inner.strip() else inner
    if kind == "s":
        return f"~~{inner}~~" if inner.strip() else inner
    if kind == "image":
        return inner  # its description as text: no image reaches the output
    if kind == "link":
        href = str(node.attrs.get("href", ""))
        if not safe_link(href):
            dropped.append(href)
            return inner
        target = re.sub(r"[\x00-\x20<>\\\x7f]", lambda m: f"%{ord(m[0]):02X}", href)
        return f"[{inner}](<{target}>)"
    return escape(node.content) if node.content else inner


def _list(node: SyntaxTreeNode, dropped: list[str], mark: str | None = None) -> str:
    ordered = node.type == "ordered_list"
    number = int(str(node.attrs.get("start", 1))) if ordered else 1
    tight = any(p.hidden for item in node.children for p in item.children)
    mark = mark or node.markup or ("." if ordered else "-")
    items = []
    for offset, item in enumerate(node.children):
        marker = f"{number + offset}{mark}" if ordered else mark
        body = ("\n" if tight else "\n\n").join(_block(c, dropped) for c in item.children)
        pad = " " * (len(marker) + 1)
        lines = body.split("\n")
        first = f"{marker} {lines[0]}".rstrip()
        rest = [pad + line if line else "" for line in lines[1:]]
        items.append("\n".join([first, *rest]))
    return ("\n" if tight else "\n\n").join(items)


def _fence(content: str) -> str:
    """A code block as lines of inline code joined by hard breaks: inert wherever a template
    puts it (a fence is only a fence at the start of a line)."""
    lines = content.rstrip("\n").split("\n")
    return "\\\n".join(
        f"` {line} `" if line.strip() and "`" not in line else escape(line) or "&nbsp;"
        for line in lines
    )


def _table(node: SyntaxTreeNode, dropped: list[str]) -> str:
    rows: list[list[str]] = []
    aligns: list[str] = []
    for section in node.children:
        for row in section.children:
            cells = []
            for cell in row.children:
                cells.append(_children_inline(cell, dropped, cell=True).replace("\n", " "))
                if cell.type == "th":
                    aligns.append(_ALIGN.get(str(cell.attrs.get("style", "")), "---"))
            rows.append(cells)
    if not rows:
        return ""
    lines = ["| " + " | ".join(rows[0]) + " |", "| " + " | ".join(aligns) + " |"]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(lines)


def check_output(text: str, origins: Origins, generated: set[str]) -> list[Problem]:
    """Problems in a rendered Markdown document: what a template wrote that a renderer would
    make an image, raw HTML or a link outside http, https, mailto, #places and the links
    briefgen makes itself (`generated`, from each citation to its source file)."""
    reader = _output_reader()
    allowed = {reader.normalizeLink(link) for link in generated}
    problems = []
    for block in reader.parse(text):
        line = block.map[0] + 1 if block.map else 1
        for token in [block, *(block.children or [])]:
            href = str(token.attrGet("href") or "")
            if token.type in ("html_block", "html_inline"):
                why = f"raw HTML {token.content.strip()[:60]!r} is not allowed in Markdown output"
            elif token.type == "image":
                why = f"an image ({token.attrGet('src')}) is not allowed in Markdown output"
            elif token.type == "link_open" and not safe_link(href) and href not in allowed:
                why = f'a link to "{href[:100]}" is not allowed: {LINK_RULE}'
            else:
                continue
            problems.append(
                Problem("error", f"{why}; remove it from the template", origins.locate(line))
            )
    return problems


# Rules that only shape text (emphasis, strikethrough, line breaks, entities, joined text):
# none of them makes or unmakes a link, an image or raw HTML, and they are most of the work
_SHAPING = ["strikethrough", "emphasis", "newline", "entity", "text_join", "balance_pairs"]


@functools.cache
def _output_reader() -> MarkdownIt:
    """markdown-it reading a whole rendered document for links, images and raw HTML."""
    reader = MarkdownIt("commonmark").enable(["table"]).disable([*_SHAPING, "fragments_join"])
    reader.validateLink = every_link  # type: ignore[method-assign]  # see what others drop
    return reader
