"""Nested Markdown lists as the Markdown output's readers see them, for Python-Markdown.

A brief's Markdown copy is read on GitHub or by Pandoc, where a list item is nested
when it is indented to its parent's text (two spaces under "- ", three under "1. ").
Python-Markdown nests only at four spaces a level, so the HTML and the PDF showed such
lists flat, and an item's second paragraph (after a blank line, indented to its text)
outside the list. `reindented` moves each list line to four spaces a level, keeping
every other line where it stood relative to the item it belongs to; a field with no
indented line in a list, or with a block quote or fenced code, is left exactly as it is.
"""

from __future__ import annotations

import re

# A list item's first line: indentation, marker, the spaces after it and its text.
_ITEM = re.compile(r"( *)([-+*]|[0-9]{1,9}[.)])(?:( +)(.*))?")
_RULE = re.compile(r" {0,3}([-*_])(?: *\1){2,} *")  # "- - -" is a rule, not an item
STEP = 4  # Python-Markdown's indentation of a nested block


def reindented(text: str) -> str:
    """`text` with its nested lists indented four spaces a level (see the module)."""
    lines = text.split("\n")
    if not _moved(lines) or any(_unsure(line) for line in lines):
        return text
    out: list[str] = []
    open_items: list[int] = []  # the text column of each open item, outermost first
    after_blank = False
    block = False  # the list has a block after an item's first (a second paragraph)
    for line in lines:
        stripped = line.lstrip(" ")
        if not stripped:
            out.append("")
            after_blank = True
            continue
        indent = len(line) - len(stripped)
        item = None if _RULE.fullmatch(line) else _ITEM.fullmatch(line)
        inside = bool(open_items) and indent >= open_items[-1]
        if item is not None and not (inside and indent >= open_items[-1] + STEP):
            while open_items and indent < open_items[-1]:
                open_items.pop()
            if block and out and out[-1]:
                out.append("")  # once a list has such a block, Python-Markdown runs an
                # item on into the line above unless a blank line parts them
            _, marker, spaces, rest = item.groups()
            gap = len(spaces or " ")
            text_at = indent + len(marker) + (gap if gap <= 4 else 1)
            out.append(" " * (STEP * len(open_items)) + marker + " " + (rest or "").lstrip(" "))
            open_items.append(text_at)
        elif inside or (open_items and after_blank):
            while open_items and indent < open_items[-1]:
                open_items.pop()
            if not open_items:
                out.append(line)
                block = False
            else:
                extra = indent - open_items[-1]
                out.append(" " * (STEP * len(open_items) + extra) + stripped)
                block = block or after_blank
        else:  # top-level text, or a line run on lazily from the item above
            if not open_items or after_blank:
                open_items.clear()
                block = False
            out.append(line)
        after_blank = False
    return "\n".join(out)


def _moved(lines: list[str]) -> bool:
    """Whether anything in a list would be read otherwise by Python-Markdown: an item
    nested under another, or an item's own text (a paragraph after a blank line, a
    heading) indented to the item's text rather than four spaces."""
    first = next((n for n, line in enumerate(lines) if _is_item(line)), None)
    return first is not None and any(
        line.startswith(" ") and line.strip() for line in lines[first + 1 :]
    )


def _is_item(line: str) -> bool:
    return _ITEM.fullmatch(line) is not None and not _RULE.fullmatch(line)


def _nested(line: str) -> bool:
    """Whether the line is a list item indented under another (by fewer than 4 spaces a level,
    or it would nest for Python-Markdown already: then this is still harmless)."""
    item = _ITEM.fullmatch(line)
    return item is not None and bool(item[1]) and not _RULE.fullmatch(line)


def _unsure(line: str) -> bool:
    """A line of a kind this does not follow (quotes and fenced code hold lists of their own)."""
    stripped = line.lstrip(" ")
    return stripped.startswith((">", "```", "~~~")) or "\t" in line[: len(line) - len(stripped) + 1]
