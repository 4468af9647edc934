"""What every source reader returns: the text quotes are matched against, and its locators.

A reader turns a file's bytes into plain text, one line of text per line of the
document as received (a line on a PDF page, a paragraph of a web page or Word
document, a line of a Markdown file). `marks` tells, for each of those lines, where
it stands in the original, so that a citation can say `p. 12, line 4` or `para. 7`
instead of a line of the extracted text. Plain text sources have no marks: their
lines are the file's lines.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from functools import cached_property

LINE = "line"  # the extracted text's lines are the file's lines (text, Markdown)
PAGE = "page"  # marks are (page number, line on that page)
PARAGRAPH = "paragraph"  # marks are (paragraph number, 0)
UNITS = (LINE, PAGE, PARAGRAPH)
# digits set above or below the line (HTML <sup>, a Word superscript run) are written as
# the characters they are, as a text source has them: "10⁶" is not 106, nor "CO₂" CO22
RAISED = str.maketrans("0123456789+-=()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾")
LOWERED = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
# a style that hides an element, in a style attribute or a stylesheet's declarations, for
# the web page and Markdown readers alike (see `hides`): not displayed or visible
# ("display: none"), no opacity or under a tenth of it, too small to read (under 2 pixels or points, a tenth of
# an em, a tenth of the size around it) or scaled to nothing, set far off the page
# ("left: -9999px", "text-indent: -10000px"), or clipped to nothing ("clip: rect(0 0 0
# 0)", the usual way to keep words for screen readers only)
# marks on a page differ from what is behind them by at least this (of 255) in red, green
# or blue, or no reader sees them: the rule of every reader (PDF pages, web pages, Word)
MIN_CONTRAST = 24
_END = r"\s*(?:[;!\"']|$)"
# the parts of it that an element inside may undo for itself (both are inherited): a
# font size too small to read, and visibility
TINY_FONT = (
    rf"(?<![\w-])font-size\s*:\s*(?:(?:0+(?:\.0*)?|\.0+)(?:px|pt|em|rem|%)?"
    rf"|(?:0*\.\d+|1(?:\.\d+)?)(?:px|pt)|0*\.0\d*r?em|\d(?:\.\d+)?%){_END}"
)
INVISIBLE = r"(?<![\w-])visibility\s*:\s*(?:hidden|collapse)"
HIDING_FOR_GOOD = (
    r"display\s*:\s*none"
    rf"|(?<![\w-])opacity\s*:\s*(?:0+(?:\.0*)?|\.0+)%?{_END}"
    rf"|(?<![\w-])opacity\s*:\s*(?:0*\.0\d*|\d(?:\.\d+)?%){_END}"  # under a tenth
    r"|(?<![\w-])transform\s*:\s*scale\(\s*0*(?:\.0*)?\s*\)"
    r"|(?<![\w-])(?:left|top|right|text-indent|margin-left|margin-top)\s*:\s*-\s*\d{4,}"
    r"|(?<![\w-])clip\s*:\s*rect\(\s*(?:[01](?:px)?\s*,?\s*){4}\)"
    r"|(?<![\w-])clip-path\s*:\s*(?:inset\(\s*50%|circle\(\s*0)"
)
HIDING_STYLE = rf"{HIDING_FOR_GOOD}|{TINY_FONT}|{INVISIBLE}"


_HIDING = re.compile(HIDING_STYLE, re.I)
_FOR_GOOD = re.compile(HIDING_FOR_GOOD, re.I)
_FONT_SIZE = re.compile(r"(?<![\w-])font-size\s*:\s*([^;!\"']*)", re.I)
_TINY_FONT = re.compile(TINY_FONT, re.I)
_VISIBILITY = re.compile(r"(?<![\w-])visibility\s*:\s*([a-z-]+)", re.I)
# text with no colour of its own, unless a background is painted through it (a gradient
# headline: "background-clip: text; color: transparent")
_CLEAR_TEXT = re.compile(rf"(?<![\w-])color\s*:\s*transparent{_END}", re.I)
_PAINTED_THROUGH = re.compile(r"background-clip\s*:\s*text", re.I)
_BACKGROUND = re.compile(r"background(?:-color)?\s*:", re.I)
_COLOUR = re.compile(r"(?<![\w-])color\s*:", re.I)
_STYLE_ATTRIBUTE = re.compile(r"""(?<![\w-])style\s*=\s*(["'])(?P<value>.*?)\1""", re.I | re.S)


_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.S)
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\r\n\f]?|(.))", re.S)


def css_plain(style: str) -> str:
    """Declarations as a browser reads their words: comments as the space between tokens
    they are ("display:/**/none" is display:none, "d/**/isplay" no property), and escapes
    as the characters they stand for ("d\\isplay:n\\one", "\\64 isplay")."""
    if "/*" in style:
        style = _CSS_COMMENT.sub(" ", style)
    if "\\" in style:
        style = _CSS_ESCAPE.sub(_unescaped, style)
    return style


def _unescaped(m: re.Match[str]) -> str:
    if m[1]:
        code = int(m[1], 16)
        return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
    return m[2] if m[2] not in "\r\n\f" else ""


def hides(style: str, for_good: bool = False) -> bool:
    """Whether declarations (a style attribute's, a stylesheet rule's) hide what they style;
    `for_good`: in a way no element inside can undo (not by a font size or visibility)."""
    style = css_plain(style)
    if for_good:  # (colours are judged for an element's own words: html_colours.py)
        return _FOR_GOOD.search(style) is not None
    if _HIDING.search(style):
        return True
    if _CLEAR_TEXT.search(style) and not _PAINTED_THROUGH.search(style):
        return True
    if _BACKGROUND.search(style) and _COLOUR.search(style):  # white on white, set together
        from briefgen.readers.html_colours import blends_alone

        attribute = _STYLE_ATTRIBUTE.search(style)  # a tag's attributes: its style's
        return blends_alone(attribute["value"] if attribute else style)
    return False


def undoable(style: str) -> tuple[bool | None, bool | None]:
    """What declarations say of the two hiding properties an element inside may undo: (its
    font too small to read, or not; it invisible, or not), None for each they leave as it
    is around them (not set, or `inherit`)."""
    small = invisible = None
    if (size := _FONT_SIZE.search(style)) is not None:
        value = size[1].strip().lower()
        if value not in ("", "inherit", "unset", "revert", "revert-layer"):
            small = _TINY_FONT.search(size[0] + ";") is not None
    if (seen := _VISIBILITY.search(style)) is not None:
        value = seen[1].lower()
        if value in ("hidden", "collapse", "visible", "initial"):
            invisible = value in ("hidden", "collapse")
    return small, invisible


class ReaderError(Exception):
    """A file that cannot be read as a source; the message says why and what to do instead."""


@dataclass(frozen=True)
class Extracted:
    """A source file as text. `marks[i]` locates line i + 1 of `text` (empty for LINE)."""

    text: str
    unit: str = LINE
    marks: tuple[tuple[int, int], ...] = ()
    title: str | None = None  # the document's own title, where it gives one
    published: str | None = None  # its own date of publication (YYYY-MM-DD), where given
    notes: tuple[str, ...] = field(default=())  # what was dropped, for `sources list`
    # (line index, ((column in the text, column in the file), ...)) for each line of a
    # LINE text whose words stand elsewhere in the file's line (markup taken out)
    columns: tuple[tuple[int, tuple[tuple[int, int], ...]], ...] = field(default=())
    # the lines (0-based) of a LINE text on which a block starts with no blank line before
    # it (a heading, a list item, a table row): where a quote may not run on from the line
    # above, as it may not over a blank line
    blocks: tuple[int, ...] = field(default=())
    # the words in the file that no reader of it sees, left out of `text`: (page, or 0 for
    # a file without pages, those words in their order), to tell a quote of them why it is
    # not found
    hidden: tuple[tuple[int, str], ...] = field(default=())
    # the running header and footer lines of a PDF, left out of `text` (the same words at
    # the top or bottom of page after page), to tell a quote of them why it is not found
    furniture: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unknown locator unit {self.unit!r}")
        if self.unit != LINE and len(self.marks) != self.text.count("\n") + 1:
            raise ValueError("one mark is needed for every line of the extracted text")

    def place(self, line: int, end_line: int) -> str:
        """Where lines `line`..`end_line` (1-based, of `text`) stand in the file as received."""
        if self.unit == LINE:
            return f"line {line}" if line == end_line else f"lines {line}–{end_line}"
        first, last = self.marks[line - 1], self.marks[end_line - 1]
        if self.unit == PARAGRAPH:
            if first[0] == last[0]:
                return f"para. {first[0]}"
            return f"paras. {first[0]}–{last[0]}"
        if first == last:
            return f"p. {first[0]}, line {first[1]}"
        if first[0] == last[0]:
            return f"p. {first[0]}, lines {first[1]}–{last[1]}"
        return f"p. {first[0]}, line {first[1]} to p. {last[0]}, line {last[1]}"

    @cached_property
    def _columns(self) -> dict[int, tuple[list[int], list[int]]]:
        return {line: ([a for a, _ in runs], [b for _, b in runs]) for line, runs in self.columns}

    def file_column(self, line: int, col: int) -> int:
        """The 1-based column in the file of 1-based column `col` of line `line` of `text`."""
        runs = self._columns.get(line - 1)
        if runs is None:
            return col
        at = bisect.bisect_right(runs[0], col - 1) - 1
        if at < 0:
            return col
        return runs[1][at] + (col - 1 - runs[0][at]) + 1

    def dumps(self) -> bytes:
        """The form kept in the cache."""
        return json.dumps(
            {
                "text": self.text,
                "unit": self.unit,
                "marks": self.marks,
                "title": self.title,
                "published": self.published,
                "notes": self.notes,
                "columns": self.columns,
                "blocks": self.blocks,
                "hidden": self.hidden,
                "furniture": self.furniture,
            },
            ensure_ascii=False,
        ).encode("utf-8")

    @classmethod
    def loads(cls, data: bytes) -> Extracted:
        raw = json.loads(data.decode("utf-8"))
        return cls(
            raw["text"],
            raw["unit"],
            tuple((int(a), int(b)) for a, b in raw["marks"]),
            raw["title"],
            raw["published"],
            tuple(raw["notes"]),
            tuple(
                (int(line), tuple((int(a), int(b)) for a, b in runs))
                for line, runs in raw.get("columns", ())
            ),
            tuple(int(line) for line in raw.get("blocks", ())),
            tuple((int(page), str(words)) for page, words in raw.get("hidden", ())),
            tuple(str(line) for line in raw.get("furniture", ())),
        )


_WORD = re.compile(r"\S+")
_TARGET = re.compile(r"\]\([^)\n]*\)")


def column_runs(text: str, original: str) -> tuple[tuple[int, int], ...]:
    """Where the words of `text` (a line as a reader renders it) stand in `original` (the
    file's line): (column in text, column in original) at each word, and at each character
    of a word that does not stand there as written (an entity decoded, say). Each word is
    looked for after the one before, so a link's target or a tag is passed over."""
    runs: list[tuple[int, int]] = []
    at = 0
    # a link's or an image's target is never text: nothing is looked for inside it
    original = _TARGET.sub(lambda m: "]" + "\0" * (len(m[0]) - 1), original)
    for word in _WORD.finditer(text):
        found = _whole_word(original, word[0], at)
        if found >= 0:
            runs.append((word.start(), found))
            at = found + len(word[0])
            continue
        for i, char in enumerate(word[0]):  # character by character, close by (an entity)
            found = original.find(char, at, at + _NEAR)
            runs.append((word.start() + i, found if found >= 0 else at))
            at = found + 1 if found >= 0 else at
    return tuple(runs)


_NEAR = 64  # how far on a character of a word not written as it is shown is looked for
_FAR = 1024  # and a word (past a link's target, a tag): a bound, so a long line is linear


def _whole_word(original: str, word: str, at: int) -> int:
    """Where `word` next stands in `original` from `at` as a word of its own (or, failing
    that, at all), within a short way of `at` unless nothing came between; -1 if nowhere."""
    limit = len(original) if at == 0 else min(len(original), at + _FAR + 4 * len(word))
    first = original.find(word, at, limit)
    found = first
    while found >= 0:
        before = original[found - 1] if found else " "
        after = original[found + len(word)] if found + len(word) < len(original) else " "
        if not (before.isalnum() or after.isalnum()):
            return found
        found = original.find(word, found + 1, limit)
    return first
