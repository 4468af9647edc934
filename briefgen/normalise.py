"""Quote normalisation: ignore what a reader would not count as a difference, keep a map back.

Both a quote and its source go through `normalise`. The result keeps, for every
normalised character, the span of original characters it came from, so a match in
normalised text maps back to exact offsets (and so lines and columns) in the file.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

# Every quotation mark is one mark: British single and American double quotes are a
# house style, not a difference of words. Apostrophe look-alikes typed for ’ (modifier
# letters ʼ ʻ ʽ, primes, grave and acute accents) fold the same way.
_QUOTES = dict.fromkeys('‘’‚‛′‵`´＇ʼʻʽ“”„‟″‶«»＂"‹›', "'")
_DASHES = dict.fromkeys("‐‑‒–—―−﹘﹣－", "-")
_HYPHENS = "-\u00ad\u2010\u2011"  # the ones that join a word broken at a line end
_DROP = dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", "")
_OTHER = {"…": "..."}
CHAR_MAP: dict[str, str] = _QUOTES | _DASHES | _DROP | _OTHER
# UTF-8 read as Windows-1252: "Â£" for "£", "Ã©" for "é", "â€™" for "’". Each lead only
# stands for characters in its range, so real accented text ("JOSÉ’S") is left alone.
# Printable ASCII that normalises to itself (bar case): no quotes or dashes, single spaces only.
_PLAIN = re.compile(
    r"[A-Za-z0-9!#$%&()*+,./:;<=>?@\[\\\]^_{|}~]+(?: [A-Za-z0-9!#$%&()*+,./:;<=>?@\[\\\]^_{|}~]+)*"
)
_MOJIBAKE_RANGES = {"Â": (0x80, 0xBF), "Ã": (0xC0, 0xFF), "â": (0x2000, 0x20CF)}


class OffsetMap(Protocol):
    """For normalised character i, the original offsets it came from."""

    def __getitem__(self, i: int, /) -> int: ...

    def __len__(self) -> int: ...


@dataclass(frozen=True)
class Normalised:
    """Normalised text; `starts[i]`/`ends[i]` are the original offsets of character i."""

    text: str
    starts: OffsetMap
    ends: OffsetMap

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) offsets of the normalised range [start, end)."""
        return self.starts[start], self.ends[end - 1]


def _mojibake(text: str, i: int) -> tuple[str, int] | None:
    """The character that a cp1252-misread UTF-8 sequence at i stands for, and its length."""
    low, high = _MOJIBAKE_RANGES[text[i]]
    length = 3 if text[i] == "â" else 2
    chunk = text[i : i + length]
    if len(chunk) < length:
        return None
    try:
        fixed = _cp1252_bytes(chunk).decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    if len(fixed) == 1 and low <= ord(fixed) <= high:
        return fixed, length
    return None


def _cp1252_bytes(chunk: str) -> bytes:
    """Bytes under Windows-1252, taking C1 controls (its five unmapped bytes) as themselves."""
    return b"".join(
        c.encode("cp1252") if not 0x80 <= ord(c) <= 0x9F else bytes([ord(c)]) for c in chunk
    )


def _units(text: str, dehyphenate: bool) -> list[tuple[str, int, int, bool]]:
    """Split text into (clean text, start, end, is_run): debris repaired or dropped, spaces as " ".

    A unit is a run of plain ASCII that maps one to one (the fast path), or one
    character with any combining marks that follow it.
    """
    units: list[tuple[str, int, int, bool]] = []
    i, n = 0, len(text)
    while i < n:
        run = _PLAIN.match(text, i)
        if run:
            end = run.end()
            if end < n and unicodedata.combining(text[end]):
                end -= 1  # the last letter takes the accent that follows it
            if end > i:
                units.append((text[i:end], i, end, True))
                i = end
                continue
        c = text[i]
        if c in _MOJIBAKE_RANGES:
            fixed = _mojibake(text, i)
            if fixed is not None:
                char, length = fixed
                j = i + length
                while j < n and unicodedata.combining(text[j]):
                    j += 1  # an accent on it is its accent, as on any character
                units.append((" " if char.isspace() else char + text[i + length : j], i, j, False))
                i = j
                continue
            after = text[i + 1] if i + 1 < n else ""
            # between a letter or digit and a digit ("2Â5%") it is kept: dropped, it would
            # join two numbers into one the file does not show ("25%")
            joins = after.isdigit() and i > 0 and text[i - 1].isalnum()
            if c == "Â" and not (after.isalpha() and after != "Â") and not joins:
                i += 1  # a lone "Â" is encoding debris, and so is an accent on it
                while i < n and unicodedata.combining(text[i]):
                    i += 1
                continue
        if dehyphenate and c in _HYPHENS and units and units[-1][0][-1:].isalpha():
            j = i + 1
            while j < n and text[j] in " \t\r\n":
                j += 1
            gap = text[i + 1 : j]
            if j < n and text[j].isalpha() and (not gap or "\n" in gap):
                i = j  # a hyphen inside a word, possibly broken across a line
                continue
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        units.append((" " if c.isspace() else text[i:j], i, j, False))
        i = j
    return units


# A footnote marker: superscript digits glued to the end of a word of three letters or
# more, or to a stop, comma, percent sign or quotation mark after a word or number
# ("troops¹", "March.²", "4%³"). It is not part of the words quoted, so a quote may leave
# it out. After a number, a short unit or a unit of length or time it is a power ("10⁶",
# "40 km²", "9.8 metres per sec²"), and stays; so does one glued to the next word.
_SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
# superscript digits, and what normalising drops between them: one marker ("³\u2060³")
_SUPERSCRIPT_RUN = re.compile("[⁰¹²³⁴-⁹](?:[" + "".join(_DROP) + "]*[⁰¹²³⁴-⁹])*")
_MARKS_BEFORE = frozenset(".,;:!?%'")  # as normalised: every quotation mark is "'"
_POWERED = (  # the word's ending: "kilometres²", "sec²"
    "metre", "metres", "meter", "meters", "mile", "miles", "inch", "inches", "foot", "feet",
    "yard", "yards", "sec", "secs", "second", "seconds", "minute", "minutes", "hour", "hours",
)  # fmt: skip
_SHORT_UNITS = frozenset({"km", "cm", "mm", "m", "ft", "mi", "yd", "sq", "sec", "kg"})
_POWERS = ("\u00b2", "\u00b3")  # ² ³
_MARKER_DROPPED = "\u2060"  # a character normalising drops (see _DROP)
_LOOK = 64  # characters looked at either side of a marker: a word and a mark, and more


def is_marker(before: Iterable[str], after: str, power: bool = False) -> bool:
    """Whether superscript digits are a footnote marker, from the characters before them
    (as normalised, last first) and the one after them; `power`: the digits are a lone
    ² or ³, which after a unit written short with a point ("500 km.²") is its power."""
    if after.isalnum():
        return False  # glued to the next word too
    back = iter(before)
    char = next(back, "")
    mark = ""
    if char in _MARKS_BEFORE:
        mark, char = char, next(back, "")
        if not (power and mark == "." and char.isalpha()):
            return char.isalpha() or char.isdecimal()
    word = ""
    while char.isalpha():
        word = char + word
        char = next(back, "")
    if mark:  # a power after a unit written short with a point
        return word not in _SHORT_UNITS and not word.endswith(_POWERED)
    return len(word) >= 3 and not word.endswith(_POWERED)


def unmarked(text: str) -> str:
    """The text with each footnote marker's digits made characters normalising drops (the
    same length, so offsets into it are offsets into `text`). For text the fast path takes,
    whose characters fold one by one: no encoding debris or combining accents."""
    if not any(c in text for c in _SUPERSCRIPT_DIGITS):
        return text
    dropped: list[tuple[int, int]] = []
    for found in _SUPERSCRIPT_RUN.finditer(text):
        start, end = found.span()
        window = max(0, start - _LOOK)
        seen = list(text[window:start])
        for a, b in reversed(dropped):  # earlier markers are seen dropped by this one
            if b <= window:
                break
            seen[max(a, window) - window : b - window] = _MARKER_DROPPED * (b - max(a, window))
        before = (f for c in reversed(seen) if c not in _DROP for f in reversed(fold(c)))
        after = next((f for c in text[end : end + _LOOK] for f in fold(c)[:1]), "")
        if is_marker(before, after, found[0] in _POWERS):
            dropped.append((start, end))
    if not dropped:
        return text
    pieces, at = [], 0
    for a, b in dropped:
        pieces += [text[at:a], _MARKER_DROPPED * (b - a)]
        at = b
    pieces.append(text[at:])
    return "".join(pieces)


@functools.lru_cache(maxsize=4096)
def fold(c: str) -> str:
    """What one character on its own (or with its accents) normalises to, as a unit does
    ("“" is "'", "ﬁ" is "fi", a soft hyphen nothing)."""
    if c.isspace():
        return " "
    rep = CHAR_MAP.get(c, c)
    if rep and not rep.isascii():
        rep = compatible(rep)
    return rep.lower()


def _unit_markers(units: list[tuple[str, int, int, bool]]) -> list[tuple[str, int, int, bool]]:
    """The units with the digits of each footnote marker dropped, told from the units
    around it as normalised (debris repaired), as `unmarked` tells them from the text."""
    shown = ["" if u[0] in _DROP else fold(u[0]) if not u[3] else u[0].lower() for u in units]
    kept = list(units)
    i = 0
    while i < len(units):
        if units[i][3] or units[i][0] not in _SUPERSCRIPT_DIGITS:
            i += 1
            continue
        j = i
        while j < len(units) and (
            (not units[j][3] and units[j][0] in _SUPERSCRIPT_DIGITS) or not shown[j]
        ):
            j += 1
        while j > i and not shown[j - 1]:
            j -= 1  # dropped units after the run are not part of it
        before = "".join(shown[max(0, i - _LOOK) : i])[-_LOOK:]
        after = next((s[0] for s in shown[j : j + _LOOK] if s), "")
        run = "".join(u[0] for u in units[i:j] if u[0] in _SUPERSCRIPT_DIGITS)
        if is_marker(reversed(before), after, run in _POWERS):
            for k in range(i, j):
                kept[k] = ("", units[k][1], units[k][2], False)
                shown[k] = ""  # seen so by the next marker
        i = j
    return kept


_NUMBER_FORMS = ("<fraction>", "<super>")  # ½, ⁶: not the digits they show


def compatible(text: str) -> str:
    """NFKC of `text` (a character and its accents), except that a fraction or superscript
    stays as written: NFKC would make "5½" read "51⁄2" and "10⁶" read "106". A subscript
    is its digit ("CO₂" is CO2)."""
    if unicodedata.decomposition(text[0]).startswith(_NUMBER_FORMS):
        return text
    return unicodedata.normalize("NFKC", text)


MEMO_CHARS = 2_000  # quotes and other short texts are normalised once per run


def normalise(text: str, dehyphenate: bool = False) -> Normalised:
    """Fold quotes, dashes, whitespace, case and encoding debris, keeping a map to `text`.

    Whitespace runs become one space, dash runs one "-" with no spaces around it,
    and leading and trailing space is dropped. Text made only of characters that fold
    one by one (most text) takes a fast path of whole-string operations with a compact
    map (see normalise_fast.py); anything else, character by character.
    """
    if len(text) <= MEMO_CHARS:
        return _short(text, dehyphenate)
    return _normalise(text, dehyphenate)


def _normalise(text: str, dehyphenate: bool) -> Normalised:
    fast = normalise_fast.normalise(text, dehyphenate)
    return fast if fast is not None else reference(text, dehyphenate)


_short = functools.lru_cache(maxsize=16_384)(_normalise)


def normalised_text(text: str, dehyphenate: bool = False) -> str:
    """normalise(text, dehyphenate).text, without the offset map a quote has no use for."""
    if len(text) <= MEMO_CHARS:
        return _short_text(text, dehyphenate)
    return _normalised_text(text, dehyphenate)


def _normalised_text(text: str, dehyphenate: bool) -> str:
    fast = normalise_fast.normalised_text(text, dehyphenate)
    return fast if fast is not None else reference(text, dehyphenate).text


_short_text = functools.lru_cache(maxsize=16_384)(_normalised_text)


def forget() -> None:
    """Empty the memo of short texts (what a new process starts without)."""
    _short.cache_clear()
    _short_text.cache_clear()


def reference(text: str, dehyphenate: bool = False) -> Normalised:
    """`normalise` worked out unit by unit, with a full offset map: the definition of it."""
    out: list[str] = []
    starts: array[int] = array("q")  # compact: 8 bytes an offset, not a Python int object
    ends: array[int] = array("q")
    last = ""
    pending: tuple[int, int] | None = None
    units = _units(text, dehyphenate)
    if any(c in text for c in _SUPERSCRIPT_DIGITS):
        units = _unit_markers(units)
    for char, start, end, is_run in units:
        if is_run:  # plain ASCII: one to one
            if pending is not None and last and last != "-":
                out.append(" ")
                starts.append(pending[0])
                ends.append(pending[1])
            pending = None
            out.append(char.lower())
            starts.extend(range(start, end))
            ends.extend(range(start + 1, end + 1))
            last = char[-1]
            continue
        if char == " ":
            if pending is None:
                pending = (start, end)
            continue
        rep = fold(char)  # composed accents, ligatures, wide forms, quotes, dashes
        if not rep:
            continue
        if rep == "-" and last == "-":
            ends[-1] = end
            pending = None
            continue
        if pending is not None and last and last != "-" and rep != "-":
            out.append(" ")
            starts.append(pending[0])
            ends.append(pending[1])
        pending = None
        out.append(rep)
        starts.extend([start] * len(rep))
        ends.extend([end] * len(rep))
        last = rep[-1]
    return Normalised("".join(out), starts, ends)


# a word broken at a line end: shown whole, with its hyphen ("non-binding", not "non- binding")
_BROKEN_WORD = re.compile(r"(?<=[^\W_])([-\u2010\u2011])[ \t]*(?:\r\n|\r|\n)[ \t]*(?=[^\W_])")


def display(text: str) -> str:
    """Text as it should be shown: debris removed and whitespace collapsed, typography kept."""
    fast = normalise_fast.display(text)
    return fast if fast is not None else display_reference(text)


def whole_words(text: str) -> str:
    """Text with each word broken at a line end joined again, its hyphen kept."""
    return _BROKEN_WORD.sub(r"\1", text) if "\n" in text or "\r" in text else text


def display_reference(text: str) -> str:
    """`display` worked out unit by unit: the definition of it."""
    text = whole_words(text)
    clean = "".join(unit[0] for unit in _units(text, dehyphenate=False) if unit[0] not in _DROP)
    return re.sub(r" {2,}", " ", clean).strip()


def find_all(needle: str, haystack: str, limit: int | None = None) -> list[int]:
    """Start offsets of `needle` in `haystack` that begin and end on word boundaries: all of
    them, or the first `limit`."""
    if not needle:
        return []
    found: list[int] = []
    start = haystack.find(needle)
    while start >= 0 and (limit is None or len(found) < limit):
        end = start + len(needle)
        left_ok = start == 0 or not (needle[0].isalnum() and haystack[start - 1].isalnum())
        right_ok = end == len(haystack) or not (needle[-1].isalnum() and haystack[end].isalnum())
        if left_ok and right_ok:
            found.append(start)
        start = haystack.find(needle, start + 1)
    return found


# last: the fast path builds on this module's tables and functions, all defined above
from briefgen import normalise_fast  # noqa: E402
