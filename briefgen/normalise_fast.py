"""The fast path of `normalise`: whole-string operations for text that folds character by character.

Most source text holds no encoding debris, combining accents or characters that fold
into spaces or dashes. Such text is folded with str.replace and str.lower over the whole
string; only the places where the length changes (a run of spaces, a spaced dash, a
dropped or expanded character) are visited one by one, and they are kept as a compact
map from which the original offsets of any normalised character are worked out when
asked. The result is the one `normalise.reference` gives (a property test holds them
equal), so a text that does not qualify simply takes the reference path.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from array import array
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar

from briefgen.normalise import (
    _DROP,
    _HYPHENS,
    _MOJIBAKE_RANGES,
    _SUPERSCRIPT_DIGITS,
    Normalised,
    fold,
    unmarked,
    whole_words,
)

_ASCII_BYTES = bytes(range(128))
# Where runs of spaces and dashes are looked for: from a dash, and from two spaces (a
# pattern that begins with a literal is found far faster than one that begins with a class).
_DASHES = re.compile(r"-[ -]*")
_SPACES_RUN = re.compile(r"  +")
# ASCII that does not fold to itself: whitespace other than " ", and quotation marks.
_ASCII_FOLDS = dict.fromkeys("\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f", " ") | {'"': "'", "`": "'"}
_UNSUITED = "unsuited"


@lru_cache(maxsize=4096)
def _kind(c: str) -> str:
    """How a non-ASCII character folds: its replacement, or _UNSUITED for the reference path."""
    if c in _MOJIBAKE_RANGES or unicodedata.combining(c):
        return _UNSUITED  # debris to repair, or an accent joined to what precedes it
    rep = fold(c)
    if c.isspace() or rep in ("", "-"):
        return rep
    if rep.lower() != rep or any(ch.isspace() or ch == "-" or fold(ch) != ch for ch in rep):
        return _UNSUITED  # folds into space or dash logic, or into text that folds again
    return rep


@dataclass(frozen=True)
class FastMap:
    """Original offsets of a fast-path result, from the places where lengths change.

    Stage one (original -> folded): each dropped or expanded character, at `grow_at` in
    the folded text, from `grow_from` in the original, `grow_len` characters long.
    Stage two (folded -> normalised): each run of spaces and dashes made one character,
    at `run_out`, from folded [`run_at`, `run_at` + `run_len`), whose first and last dash
    are at `run_first` and `run_last` (-1 for a run of spaces); `lead` spaces are cut.
    """

    ARRAYS: ClassVar[tuple[str, ...]] = (
        "grow_at", "grow_from", "grow_len", "run_out", "run_at", "run_len", "run_first", "run_last"
    )  # fmt: skip
    length: int
    lead: int
    grow_at: array[int]
    grow_from: array[int]
    grow_len: array[int]
    run_out: array[int]
    run_at: array[int]
    run_len: array[int]
    run_first: array[int]
    run_last: array[int]

    def _original(self, x: int) -> tuple[int, int]:
        j = bisect.bisect_right(self.grow_at, x) - 1
        if j < 0:
            return x, x + 1
        at, length, start = self.grow_at[j], self.grow_len[j], self.grow_from[j]
        if x < at + length:
            return start, start + 1
        start += 1 + x - (at + length)
        return start, start + 1

    def span(self, i: int) -> tuple[int, int]:
        """The original [start, end) of normalised character i."""
        if not 0 <= i < self.length:
            raise IndexError(i)
        j = bisect.bisect_right(self.run_out, i) - 1
        if j >= 0 and self.run_out[j] == i:
            first = self.run_first[j]
            if first < 0:
                return self._original(self.run_at[j])
            return self._original(first)[0], self._original(self.run_last[j])[1]
        x = self.lead + i if j < 0 else self.run_at[j] + self.run_len[j] + i - self.run_out[j] - 1
        return self._original(x)


@dataclass(frozen=True)
class Sides:
    """The starts (end False) or the ends of a FastMap, indexed like an array."""

    map: FastMap
    end: bool

    def __getitem__(self, i: int) -> int:
        if i < 0:
            i += self.map.length
        return self.map.span(i)[self.end]

    def __len__(self) -> int:
        return self.map.length


def normalise(text: str, dehyphenate: bool = False) -> Normalised | None:
    """`normalise(text)` by whole-string operations, or None when the text needs the reference."""
    text, distinct = _unmarked(text)
    made = _fold(text, distinct, dehyphenate)
    if made is None:
        return None
    folds, folded = made
    grows = [c for c, rep in folds.items() if len(rep) != 1]
    grow_at, grow_from, grow_len = array("q"), array("q"), array("q")
    if grows:
        shift = 0
        for found in re.finditer("|".join(map(re.escape, grows)), text):
            start = found.start()
            length = len(folds[found.group()])
            grow_at.append(start + shift)
            grow_from.append(start)
            grow_len.append(length)
            shift += length - 1
    end = len(folded.rstrip(" "))
    lead = min(len(folded) - len(folded.lstrip(" ")), end)
    pieces: list[str] = []
    run_out, run_at, run_len = array("q"), array("q"), array("q")
    run_first, run_last = array("q"), array("q")
    at, out = lead, 0
    for start, stop in _runs(folded, lead, end):
        pieces.append(folded[at:start])
        out += start - at
        chars = folded[start:stop]
        dash = chars.find("-")
        run_out.append(out)
        run_at.append(start)
        run_len.append(stop - start)
        run_first.append(start + dash if dash >= 0 else -1)
        run_last.append(start + chars.rfind("-") if dash >= 0 else -1)
        pieces.append("-" if dash >= 0 else " ")
        out += 1
        at = stop
    pieces.append(folded[at:end])
    normalised = "".join(pieces)
    offsets = FastMap(
        len(normalised),
        lead,
        grow_at,
        grow_from,
        grow_len,
        run_out,
        run_at,
        run_len,
        run_first,
        run_last,
    )
    return Normalised(normalised, Sides(offsets, False), Sides(offsets, True))


def normalised_text(text: str, dehyphenate: bool = False) -> str | None:
    """`normalise(text).text` with no offset map (what a quote needs), or None when the
    text needs the reference. The same steps as `normalise`, map left out."""
    made = _fold(*_unmarked(text), dehyphenate)
    if made is None:
        return None
    folded = made[1]
    end = len(folded.rstrip(" "))
    lead = min(len(folded) - len(folded.lstrip(" ")), end)
    pieces: list[str] = []
    at = lead
    for start, stop in _runs(folded, lead, end):
        pieces.append(folded[at:start])
        pieces.append("-" if "-" in folded[start:stop] else " ")
        at = stop
    pieces.append(folded[at:end])
    return "".join(pieces)


def _unmarked(text: str) -> tuple[str, set[str]]:
    """`unmarked(text)` and its distinct non-ASCII characters; a text with no superscript
    digit among them has no footnote marker, and is not looked through for one."""
    distinct = _distinct_non_ascii(text)
    if distinct.isdisjoint(_SUPERSCRIPT_DIGITS):
        return text, distinct
    marked = unmarked(text)
    return marked, distinct if marked is text else _distinct_non_ascii(marked)


def _fold(text: str, distinct: set[str], dehyphenate: bool) -> tuple[dict[str, str], str] | None:
    """The characters that fold to something else and what they fold to, and the text with
    them folded and lowered (runs of spaces and dashes not yet made one); None when the
    text needs the reference path. `distinct`: the text's distinct non-ASCII characters."""
    folds: dict[str, str] = {}
    for c in distinct:
        rep = _kind(c)
        if rep == _UNSUITED or (dehyphenate and c in _HYPHENS):
            return None
        if rep != c:
            folds[c] = rep
    if dehyphenate and "-" in text:
        return None  # hyphens inside words are joined by looking around them
    folded = text
    for c, rep in folds.items():
        folded = folded.replace(c, rep)
    for c, rep in _ASCII_FOLDS.items():
        if c in folded:
            folded = folded.replace(c, rep)
    return folds, folded.lower()  # only ASCII is left to lower: every other character is folded


def _distinct_non_ascii(text: str) -> set[str]:
    """Each non-ASCII character of the text, once. Its UTF-8 with every ASCII byte deleted
    is the UTF-8 of its non-ASCII characters alone (none of their bytes is ASCII), which is
    far quicker to make than the text without its ASCII characters."""
    if text.isascii():
        return set()
    rest = text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES)
    return set(rest.decode("utf-8", "surrogatepass"))


def _runs(folded: str, lead: int, end: int) -> list[tuple[int, int]]:
    """[start, stop) of every run of two or more spaces and dashes in folded[lead:end]."""
    runs = []
    for found in _DASHES.finditer(folded, lead, end):
        start, stop = found.span()
        while start > lead and folded[start - 1] == " ":
            start -= 1
        if stop - start > 1:
            runs.append((start, stop))
    for found in _SPACES_RUN.finditer(folded, lead, end):
        start, stop = found.span()
        if folded[start - 1] != "-" and (stop == end or folded[stop] != "-"):
            runs.append((start, stop))  # not part of a dash's run
    runs.sort()
    return runs


def display(text: str) -> str | None:
    """`normalise.display(text)` for text with no debris to repair and no combining accents
    (invisible characters dropped, every whitespace run one space, ends trimmed), or None."""
    shown = whole_words(text)
    for c in _distinct_non_ascii(text):
        if c in _MOJIBAKE_RANGES or unicodedata.combining(c):
            return None
        if c in _DROP:
            shown = shown.replace(c, "")
    return " ".join(shown.split())  # split() breaks at exactly what isspace() calls space
