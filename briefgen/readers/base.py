"""What every source reader returns: the text quotes are matched against, and its locators.

A reader turns a file's bytes into plain text, one line of text per line of the
document as received (a line on a PDF page, a paragraph of a web page or Word
document, a line of a Markdown file). `marks` tells, for each of those lines, where
it stands in the original, so that a citation can say `p. 12, line 4` or `para. 7`
instead of a line of the extracted text. Plain text sources have no marks: their
lines are the file's lines.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

LINE = "line"  # the extracted text's lines are the file's lines (text, Markdown)
PAGE = "page"  # marks are (page number, line on that page)
PARAGRAPH = "paragraph"  # marks are (paragraph number, 0)
UNITS = (LINE, PAGE, PARAGRAPH)


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
        )
