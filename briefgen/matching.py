"""Finding a quote in a source: normalised, on word boundaries, mapped back to lines."""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from briefgen import forms
from briefgen.boundaries import cut_at, token_at
from briefgen.cache import Cache
from briefgen.kept import Bounded
from briefgen.models import Span
from briefgen.normalise import _HYPHENS, Normalised, display, normalised_text
from briefgen.readers.base import LINE, PAGE, PARAGRAPH, Extracted
from briefgen.text import line_col, line_starts

CONTEXT_CHARS = 240
MAX_PLACES = 50  # places of a repeated quote that are worked out in full
MAX_HITS = 10_000
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*Â*(?=\s)|[。！？][」』”’）]*|\n\s*\n")
_ALONE_SHARE = 0.6  # a line this much shorter than the longest may be a title or heading
_ALONE_LOOK = 4  # lines looked at above and below a quote (its context is a few lines at most)
# a line that ends a sentence (or a quotation, or a list's lead-in)
_ENDS_SENTENCE = re.compile(r"[.!?:;。！？][\"'”’)\]」』）]*Â*[ \t\r]*$", re.MULTILINE)


MAX_KEPT = 10_000  # quotes whose places a source keeps


@dataclass
class SourceText:
    """A source file's text with its normalised forms and line index, built once.

    `extracted` is what a reader made of a PDF or document (its lines' pages and
    paragraphs); `file_sha256` the digest of the file's bytes when they are not the text's.
    """

    text: str
    cache: Cache | None = None  # where normalised forms are kept between runs
    extracted: Extracted | None = None
    file_sha256: str | None = None
    # the SHA-256 of the text's UTF-8, when the caller has it already: the digest of the
    # bytes a text file was strictly decoded from is that (encoding the text again to hash
    # it takes as long as hashing)
    text_sha256: str | None = field(default=None, repr=False, compare=False)
    # what find_quote found for each quote: the text never changes, so neither does that
    # (the preview server looks for the same quotes again after every edit)
    found: Bounded[str, Found] = field(
        default_factory=lambda: Bounded(MAX_KEPT), repr=False, compare=False
    )

    @cached_property
    def _line_starts(self) -> list[int]:
        # made when first asked: a check whose quotes' places are kept never asks
        return line_starts(self.text)

    @cached_property
    def _wrap_width(self) -> int:
        """The length of the text's longest line (about where it was wrapped, if it was)."""
        return max((len(line) for line in self.text.split("\n")), default=0)

    def _stands_alone(self, line: int) -> bool:
        """Whether line `line` (1-based) is a line of its own, not part of a paragraph: a
        title, a date or a heading, short beside the text's other lines and ending no
        sentence (the last line of a wrapped paragraph ends one)."""
        if not 1 <= line <= len(self._line_starts):
            return False
        first = self._line_starts[line - 1]
        last = self._line_starts[line] - 1 if line < len(self._line_starts) else len(self.text)
        text = self.text[first:last].rstrip("\r")
        short = len(text.strip()) < _ALONE_SHARE * self._wrap_width
        return bool(text.strip()) and short and not _ENDS_SENTENCE.search(text)

    @cached_property
    def sha256(self) -> str:
        if self.text_sha256 is not None:
            return self.text_sha256
        return hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()

    @cached_property
    def digest(self) -> str:
        """A short SHA-256 of the file's bytes, so a reader can tell which version was cited."""
        return (self.file_sha256 or self.sha256)[:12]

    def place(self, line: int, end_line: int | None = None) -> str | None:
        """Where lines of the text stand in a PDF or document ("p. 3, line 4"); None for text."""
        if self.extracted is None or self.extracted.unit == LINE:
            return None
        return self.extracted.place(line, line if end_line is None else end_line)

    def across(self, start: int, end: int) -> Across:
        """Where the paragraphs that [start, end) runs over begin and end."""
        first, last = self.line_col(start)[0], self.line_col(max(start, end - 1))[0]
        return Across(self.place(first) or f"line {first}", self.place(last) or f"line {last}")

    def anchor(self, line: int) -> str | None:
        """The fragment of a link to the line's place: "page=3" in a PDF, "" where there is none."""
        if self.extracted is None or self.extracted.unit == LINE:
            return None
        if self.extracted.unit == PAGE:
            return f"page={self.extracted.marks[line - 1][0]}"
        return ""

    @cached_property
    def plain(self) -> Normalised:
        return forms.normalised(self.text, self.sha256, False, self.cache)

    @cached_property
    def dehyphenated(self) -> Normalised:
        return forms.normalised(self.text, self.sha256, True, self.cache)

    def line_col(self, offset: int) -> tuple[int, int]:
        """The line and column of a text offset, as the file counts them."""
        line, col = line_col(self._line_starts, offset)
        if self.extracted is not None and self.extracted.columns:
            col = self.extracted.file_column(line, col)
        return line, col

    def span(self, start: int, end: int, occurrences: int = 1) -> Span:
        """The span of original offsets [start, end); its context is worked out when read."""
        line, col = self.line_col(start)
        end_line, end_col = self.line_col(max(start, end - 1))
        return Span.found(
            start,
            end,
            (line, col, end_line, end_col),
            display(self.text[start:end]),
            occurrences,
            self.place(line, end_line),
            self.anchor(line),
            self.context_of(start, end, line, end_line),
        )

    def context_of(
        self, start: int, end: int, line: int, end_line: int
    ) -> Callable[[], tuple[str, str]]:
        """What works out `context` of [start, end) when it is first read."""
        return _Context(self, start, end, line, end_line)

    def context(self, start: int, end: int, line: int, end_line: int) -> tuple[str, str]:
        """The words before and after [start, end) (on lines line to end_line) that a
        passage shows around a quote."""
        starts = self._line_starts
        if self.extracted is not None and self.extracted.unit == PARAGRAPH:
            # a paragraph is the whole of its context: the next one may be a heading or a
            # list item with no full stop between them
            first = starts[line - 1]
            last = starts[end_line] - 1 if end_line < len(starts) else None
            return context(self.text[first:last], start - first, end - first)
        # nor does a title, a date or a heading on a line of its own run into the sentence
        first, last = 0, len(self.text)
        alone = self._stands_alone
        if alone(line):
            first = starts[line - 1]
        else:
            above = next((j for j in range(line - 1, line - _ALONE_LOOK, -1) if alone(j)), None)
            if above is not None:
                first = starts[above]  # where the line after it begins
        if alone(end_line):
            last = starts[end_line] - 1 if end_line < len(starts) else last
        else:
            below = next((j for j in range(end_line + 1, end_line + _ALONE_LOOK) if alone(j)), None)
            if below is not None:
                last = starts[below - 1] - 1  # where the line before it ends
        return context(self.text[first:last], start - first, end - first)


class _Context:
    """A span's context, worked out from its source text when first read."""

    __slots__ = ("end", "end_line", "line", "source", "start")

    def __init__(self, source: SourceText, start: int, end: int, line: int, end_line: int) -> None:
        self.source, self.start, self.end, self.line, self.end_line = (
            source,
            start,
            end,
            line,
            end_line,
        )

    def __call__(self) -> tuple[str, str]:
        return self.source.context(self.start, self.end, self.line, self.end_line)


def context(text: str, start: int, end: int) -> tuple[str, str]:
    """The rest of the sentence(s) around [start, end), cut to a readable length."""
    lead = text[max(0, start - CONTEXT_CHARS) : start]
    ends = list(_SENTENCE_END.finditer(lead))
    if ends:
        lead = lead[ends[-1].end() :]
    elif start > CONTEXT_CHARS:
        lead = "…" + lead[lead.find(" ") + 1 :] if " " in lead else "…" + lead
    tail = text[end : end + CONTEXT_CHARS]
    stop = _SENTENCE_END.search(tail)
    if stop:
        tail = tail[: stop.end()]
    elif end + CONTEXT_CHARS < len(text):
        tail = (tail[: tail.rfind(" ")] if " " in tail else tail) + "…"
    return _keep_edges(lead, display(lead), leading=True), _keep_edges(
        tail, display(tail), leading=False
    )


def _keep_edges(raw: str, shown: str, leading: bool) -> str:
    """Keep the one space between context and quote that `display` strips."""
    if not shown:
        return ""
    if leading:
        return shown + " " if raw[-1:].isspace() else shown
    return " " + shown if raw[:1].isspace() else shown


@dataclass(frozen=True)
class Found:
    """What looking for a quote found: the places it stands on word boundaries (first
    few), how many there are, and, when it stands only inside longer words or numbers,
    the word or number it cuts."""

    spans: tuple[Span, ...] = ()
    count: int = 0
    ambiguous: bool = False
    cut: Cut | Across | None = None

    @property
    def span(self) -> Span | None:
        return self.spans[0] if self.spans else None


@dataclass(frozen=True)
class Across:
    """A quote that stands in the source only running from one paragraph into the next
    (a heading into its text, a table row into the next): where it begins and ends."""

    first: str  # "para. 3", "line 12"
    last: str


@dataclass(frozen=True)
class Cut:
    side: str  # "start" or "end"
    token: str
    kind: str  # "word" or "number"
    line: int
    place: str | None = None  # "p. 3, line 4" in a PDF or document


def find_quote(quote: str, source: SourceText) -> Found:
    """Every place `quote` stands in the source, beginning and ending on word boundaries.

    The quote is looked for as written, then with hyphens inside words ignored (so a
    word broken across a hard-wrapped line still matches). A quote that stands in the
    source only as part of longer words or numbers ("2" of "2.3%") is not found; the
    first such place is described instead.
    """
    kept = source.found.get(quote)
    if kept is None:
        kept = source.found[quote] = _find_quote(quote, source)
    return kept


def _find_quote(quote: str, source: SourceText) -> Found:
    cut: Cut | Across | None = None
    for dehyphenate in (False, True):  # the dehyphenated form is made only when needed
        form = source.dehyphenated if dehyphenate else source.plain
        needle = normalised_text(quote, dehyphenate)
        candidates = [needle]
        if len(needle) > 2 and needle[0] == needle[-1] and needle[0] in "\"'":
            candidates.append(needle[1:-1].strip())
        for candidate in candidates:
            clean: list[tuple[int, int]] = []  # the original [start, end) of each good hit
            hits = _occurrences(candidate, form.text)
            if dehyphenate and hits:
                hits = _same_hyphens(
                    quote, needle.index(candidate), len(candidate), form, source, hits
                )
            for hit in hits:
                where = cut_at(form, source.text, hit, hit + len(candidate))
                if where is None:
                    start, end = form.original_span(hit, hit + len(candidate))
                    if not _crosses_paragraphs(source, start, end):
                        clean.append((start, end))
                    elif cut is None:
                        cut = source.across(start, end)
                elif cut is None:
                    token = token_at(form, source.text, where[1])
                    shown = display(token.text)
                    line = source.line_col(token.start)[0]
                    cut = Cut(where[0], shown, token.kind, line, source.place(line))
            if clean:
                spans = tuple(source.span(*at, len(clean)) for at in clean[:MAX_PLACES])
                # one place is never ambiguous: its context is left for the outputs to read
                contexts = {(s.before, s.text, s.after) for s in spans} if len(spans) > 1 else ()
                return Found(spans, len(clean), len(contexts) > 1)
    return Found(cut=cut)


# a blank line: where a paragraph of a text or Markdown file ends
_BLANK_LINE = re.compile(r"(?:\r\n|\r(?!\n)|\n)[^\S\r\n]*(?:\r\n|\r(?!\n)|\n)")


def _crosses_paragraphs(source: SourceText, start: int, end: int) -> bool:
    """Whether the source's [start, end) runs from one paragraph into another: over a line
    end where each line is a paragraph (a web page, a Word document), over a blank line in
    a text or Markdown file. A PDF's lines are read on across pages and columns."""
    unit = LINE if source.extracted is None else source.extracted.unit
    if unit == PAGE:
        return False
    if unit == PARAGRAPH:
        return "\n" in source.text[start:end]
    if _BLANK_LINE.search(source.text, start, end) is not None:
        return True
    blocks = source.extracted.blocks if source.extracted is not None else ()
    if not blocks:
        return False
    first, last = source.line_col(start)[0] - 1, source.line_col(max(start, end - 1))[0] - 1
    at = bisect.bisect_right(blocks, first)  # a block that starts after the first line...
    return at < len(blocks) and blocks[at] <= last  # ...and on or before the last


def _same_hyphens(
    quote: str, first: int, length: int, form: Normalised, source: SourceText, hits: list[int]
) -> list[int]:
    """The hits of a dehyphenated quote whose hyphens are the source's: the quote may leave
    out a hyphen only where the source breaks a word at a line end ("secu-⏎rity"), and
    neither may write one the other has not ("re-sign" is not "resign")."""
    from briefgen.normalise import normalise

    mine = _hyphens(quote, normalise(quote, True), first, length)
    kept = []
    for hit in hits:
        theirs = _hyphens(source.text, form, hit, length)
        if all(i in theirs for i in mine) and all(i in mine or end for i, end in theirs.items()):
            kept.append(hit)
    return kept


def _hyphens(text: str, form: Normalised, first: int, length: int) -> dict[int, bool]:
    """Where form.text[first:first + length] lost a hyphen of `text` (offsets from `first`),
    and whether a line end went with it."""
    found = {}
    for i in range(1, length):
        after, before = form.ends[first + i - 1], form.starts[first + i]
        if before > after:
            gap = text[after:before]
            if any(c in _HYPHENS for c in gap):
                found[i] = "\n" in gap or "\r" in gap
    return found


def _occurrences(needle: str, haystack: str) -> list[int]:
    """Start offsets of `needle` in `haystack`, word boundaries or not (at most MAX_HITS)."""
    found: list[int] = []
    start = haystack.find(needle) if needle else -1
    while start >= 0 and len(found) < MAX_HITS:
        found.append(start)
        start = haystack.find(needle, start + 1)
    return found


def locate(quote: str, source: SourceText) -> tuple[Span | None, bool]:
    """The first place `quote` stands in the source, and whether its occurrences differ in context."""
    found = find_quote(quote, source)
    return found.span, found.ambiguous
