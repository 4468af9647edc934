"""Characters that must never reach a reader raw: line-break forms and invisible controls.

YAML text with a control character is refused where it is written; source files are
kept exactly as received, so their passages show such characters visibly instead.
"""

from __future__ import annotations

import bisect
import re
import unicodedata

# C0 controls other than tab and newline, DEL, C1 controls, and the bidi embeddings,
# overrides and isolates that reorder what a reader sees.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Every other way of writing a line break: Windows and old Mac line ends, NEL, and the
# Unicode line and paragraph separators.
_BREAK = re.compile("\r\n?|[\x85\u2028\u2029]")
_NAMES = {0: "NUL", 7: "BEL", 8: "BS", 0x0B: "VT", 0x0C: "FF", 0x1B: "ESC", 0x7F: "DEL"}


# An HTML character reference, which a Markdown or HTML reader turns into the character.
_REFERENCE = re.compile(r"&#(?:[xX](?P<hex>[0-9A-Fa-f]{1,8})|(?P<dec>[0-9]{1,10}));?")


def hidden(text: str) -> tuple[int, str] | None:
    """(offset, name) of the first invisible control in the text, raw or as a &#...; reference."""
    found = CONTROL.search(text)
    first = (found.start(), char_name(found[0])) if found else None
    for ref in _REFERENCE.finditer(text, 0, first[0] if first else len(text)):
        code = int(ref["hex"], 16) if ref["hex"] else int(ref["dec"])
        if code <= 0x10FFFF and (code == 0 or CONTROL.match(chr(code))):
            return ref.start(), f"{char_name(chr(code))} written as {ref[0]}"
    return first


def newlines(text: str) -> str:
    """Text with every line-break form written as a plain newline."""
    return _BREAK.sub("\n", text)


def char_name(c: str) -> str:
    """'U+001B (ESC)', 'U+202E (RIGHT-TO-LEFT OVERRIDE)': a character a reader cannot see."""
    code = ord(c)
    fallback = "C0 control" if code < 0x20 else "C1 control" if 0x80 <= code <= 0x9F else "unnamed"
    name = _NAMES.get(ord(c)) or unicodedata.name(c, fallback)
    return f"U+{ord(c):04X} ({name})"


def visible(text: str) -> str:
    """Source text for display: line breaks made newlines, controls written as [U+001B]."""
    return CONTROL.sub(lambda m: f"[U+{ord(m[0]):04X}]", newlines(text))


def line_starts(text: str) -> list[int]:
    """The offset at which each line of the text begins, as an editor counts lines (after
    "\n", "\r\n" or a lone "\r": YAML's other line breaks, U+2028, U+2029 and NEL, are not
    breaks to it)."""
    if "\r" not in text:
        return [0] + [m.end() for m in re.finditer("\n", text)]
    return [0] + [m.end() for m in re.finditer("\r\n|\r|\n", text)]


def line_col(starts: list[int], offset: int) -> tuple[int, int]:
    """The 1-based line and column of a character offset, given the text's line_starts."""
    index = bisect.bisect_right(starts, offset) - 1
    return index + 1, offset - starts[index] + 1
