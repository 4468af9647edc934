"""Where words and numbers begin and end, so that a quote never cuts one in two.

The test runs on normalised text (see `normalise`), consulting the original text
only where normalising loses the difference: a hyphen inside a word ("two-fifths")
and a spaced dash ("troops - with") both become "-", and a space that groups digits
("100 000", no-break or not) is a space like any other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefgen.normalise import Normalised

_WORD_HYPHENS = "-\u2010\u2011"
_GROUPING_SPACES = "\u00a0\u2009\u202f"
_MINUS = "-\u2212\u2013\ufe63\uff0d"
# A word or number, in normalised or displayed text ("2.3%", "two-fifths", "haven’t")
WORD = re.compile(r"[^\W_]+(?:[-'’.,:/%][^\W_]+)*%?")
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")  # kana, CJK


@dataclass(frozen=True)
class Token:
    """A whole word or number of the original text, at original offsets [start, end)."""

    start: int
    end: int
    text: str

    @property
    def kind(self) -> str:
        return "number" if any(c.isdigit() for c in self.text) else "word"


def words(normalised_text: str) -> list[str]:
    """The words and numbers of a normalised text ("2.3%", "two-fifths" and "haven't" are one each)."""
    found = WORD.findall(normalised_text)
    if not _UNSPACED.search(normalised_text):
        return found
    return [c for w in found for c in (_UNSPACED.findall(w) or [w])]  # a CJK character is a word


def joined(form: Normalised, original: str, i: int) -> bool:
    """Whether normalised characters i-1 and i belong to the same word or number."""
    hay = form.text
    if i <= 0 or i >= len(hay):
        return False
    a, b = hay[i - 1], hay[i]
    before = hay[i - 2] if i >= 2 else ""
    after = hay[i + 1] if i + 1 < len(hay) else ""
    if a.isalnum() and b.isalnum():
        return True
    if a.isdigit() and (b == "%" or (b in ".,:/" and after.isdigit())):  # 2|%  2|.3  100|,000
        return True
    if b.isdigit() and a in ".,:/" and before.isdigit():  # 2.|3  100,|000  10:|30  2/|3
        return True
    if (a.isdigit() and b == " " and after == "%") or (before.isdigit() and a == " " and b == "%"):
        return True  # 5| % and 5 |%: a percent sign written after a space
    if (a.isdigit() and b == " ") or (a == " " and b.isdigit()):  # 100| 000: digits grouped
        return _grouping(form, original, i if b == " " else i - 1)
    if a.isalpha() and b == "'":  # haven|'t
        return after.isalpha()
    if a == "'" and b.isalpha():  # haven'|t
        return before.isalpha()
    if a.isalnum() and b == "-":  # two|-fifths
        return after.isalnum() and _word_hyphen(form, original, i)
    if a == "-" and b.isalnum():  # two-|fifths, and -|5% with a sign against its number
        hyphen = before.isalnum() and _word_hyphen(form, original, i - 1)
        return hyphen or (b.isdigit() and _sign(form, original, i - 1))
    return False


def _word_hyphen(form: Normalised, original: str, at: int) -> bool:
    """Whether the "-" at normalised offset `at` was a hyphen written inside a word, not a dash."""
    start, end = form.starts[at], form.ends[at]
    dash = original[start:end]
    if len(dash) != 1 or start == 0 or end >= len(original):
        return False
    if original[start - 1].isspace():
        return False
    if original[end].isspace():  # only a word broken at a line end ("un-⏎acceptable")
        return dash in _WORD_HYPHENS and _line_end(original, end)
    if dash in _WORD_HYPHENS:
        return True
    # an en dash written without spaces joins what it stands between: 2–3, non–binding
    return dash == "–" and original[start - 1].isalnum() and original[end].isalnum()


def _line_end(original: str, at: int) -> bool:
    """Whether the whitespace from `at` on holds a line end, with a letter or digit after it."""
    end = at
    while end < len(original) and original[end] in " \t\r\n":
        end += 1
    gap = original[at:end]
    return ("\n" in gap or "\r" in gap) and end < len(original) and original[end].isalnum()


def _sign(form: Normalised, original: str, at: int) -> bool:
    """Whether the "-" at normalised `at` is a minus sign: one character, written against
    the digits after it and not against a word before it."""
    start, end = form.starts[at], form.ends[at]
    if end - start != 1 or original[start] not in _MINUS or end >= len(original):
        return False
    return original[end].isdigit() and (start == 0 or not original[start - 1].isalnum())


def _grouping(form: Normalised, original: str, space: int) -> bool:
    """Whether the space at normalised `space` is one no-break space between digits that
    groups them (100 000), judged on the original text."""
    if not (0 <= space < len(form.text) and form.text[space] == " "):
        return False
    start, end = form.starts[space], form.ends[space]
    written = original[start:end]
    if (written not in _GROUPING_SPACES and written != " ") or start == 0:
        return False
    group, follow = original[end : end + 3], original[end + 3 : end + 5]
    if not (original[start - 1].isdigit() and group.isdigit() and len(group) == 3):
        return False
    if written == " " and not _leads_groups(original, start):
        return False  # "in 2024 100 troops": an ordinary space groups only 1 to 3 digits
    if follow[:1].isdigit() or (follow[:1] == "," and follow[1:].isdigit()):
        return False  # more digits, or a comma-grouped number: not this space's group
    left = start - 1
    while left > 0 and (original[left - 1].isdigit() or original[left - 1] in _GROUPING_SPACES):
        left -= 1
    return not (left > 1 and original[left - 1] in ".," and original[left - 2].isdigit())


_MONTH_BEFORE = re.compile(
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \Z", re.IGNORECASE
)


def _leads_groups(original: str, space: int) -> bool:
    """Whether the digits before the space at `space` are 1 to 3 of them, or a group of 3
    after another such space (the "1 000" of "1 000 000"); not a day after a month
    ("March 12 400 people" is the 12th, then 400)."""
    run = space
    while run > 0 and original[run - 1].isdigit():
        run -= 1
    digits = space - run
    if digits == 3 and run >= 2 and original[run - 1] == " " and original[run - 2].isdigit():
        return _leads_groups(original, run - 1)
    if run > 0 and (original[run - 1].isalnum() or original[run - 1] in "-_"):
        return False  # the end of a name or code: "Q1 100 troops", "COVID-19 200 deaths"
    return 1 <= digits <= 3 and not _MONTH_BEFORE.search(original, max(0, run - 12), run)


def cut_at(form: Normalised, original: str, start: int, end: int) -> tuple[str, int] | None:
    """("start" or "end", the offset) where the normalised range [start, end) cuts a word or
    number, or None when it begins and ends on boundaries."""
    if joined(form, original, start):
        return "start", start
    if joined(form, original, end):
        return "end", end
    return None


def token_at(form: Normalised, original: str, i: int) -> Token:
    """The whole word or number that the boundary at normalised offset i falls inside."""
    left, right = i - 1, i
    while left > 0 and joined(form, original, left):
        left -= 1
    while right + 1 < len(form.text) and joined(form, original, right + 1):
        right += 1
    start, end = form.original_span(left, right + 1)
    return Token(start, end, original[start:end])
