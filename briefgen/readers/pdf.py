"""PDF sources: the text layer, page by page and line by line, without running heads and folios.

PDFium (through pypdfium2) gives each page's text with its line breaks. A word broken
at a line end comes back as the first part and a soft-hyphen mark, which is written
as "-" and a line break, so the dehyphenated matching joins it again. Ligatures
(ﬁ, ﬂ) are folded by the quote normalisation. Lines that frame most pages (a running
header or footer, the same words at the top or bottom of page after page, numbers
aside) and bare page numbers ("12", "Page 3 of 9", "- 4 -") at a page's top or
bottom are dropped, so that they cannot be cited as the document's words and a quote
running over a page break reads straight on. Each remaining line keeps its place:
the page, and the line on that page counting every line of text from the top, the
dropped ones included (what a reader counts on the printed page). Words the page does
not show (pdf_hidden: invisible, covered, off the page) are left out before all this,
and kept aside with their page to tell a quote of them why it is not found.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from briefgen.readers import pdf_hidden
from briefgen.readers.base import PAGE, Extracted, ReaderError

EDGE = 3  # lines at the top and at the bottom of a page where heads, feet and folios stand
_SOFT_BREAK = re.compile("[\ufffe\x02]")  # PDFium's mark for a hyphen that ends a line
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_ROMAN = r"(?=[ivxlcdm])m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
_FOLIO = re.compile(
    rf"(?:page\s*)?[-–—(\[]?\s*(?:\d{{1,5}}|{_ROMAN})\s*[-–—)\]]?(?:\s*(?:of|/)\s*\d{{1,5}})?",
    re.IGNORECASE,
)


def extract(data: bytes) -> Extracted:
    """The PDF's text layer; ReaderError for a file that is not a PDF, is locked or is a scan."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ReaderError(
                "the PDF is encrypted and needs a password to open; save a copy without the "
                "password (or ask its publisher for one) and catalogue that"
            ) from None
        raise ReaderError(
            "the file cannot be read as a PDF (it is damaged, incomplete or not a PDF at "
            "all); download it again, or catalogue the document in another format"
        ) from None
    backdrops = pdf_hidden.Backdrops(data)
    try:
        title = _own_title(document)
        read = [_page_lines(document[i], backdrops, i) for i in range(len(document))]
    finally:
        document.close()
        backdrops.close()
    pages = [lines for lines, _ in read]
    hidden = [(number, " ".join(words)) for number, (_, words) in enumerate(read, 1) if words]
    if not any(pages) and hidden:
        raise ReaderError(
            "the PDF's text is all hidden: no reader of its pages sees it (it is invisible, "
            "transparent, too small or squeezed, the colour of what is behind it, covered or off the "
            "page), so there is nothing to cite; catalogue a version that shows its text"
        )
    if not any(any(line.strip() for line in page) for page in pages):
        raise ReaderError(
            "no page of the PDF has a text layer (it looks like a scanned image); briefgen "
            "does not do OCR: catalogue a text version of the document, or a PDF with a text "
            "layer"
        )
    return replace(_assemble(pages, hidden), title=title)


# a Title that names the file it was made from, or nothing: not the document's own
_NOT_A_TITLE = re.compile(
    r"(?:microsoft (?:word|powerpoint|excel) - .*|.*\.(?:docx?|pdf|pptx?|xlsx?|indd|txt|rtf|odt)"
    r"|untitled.*|document\d*|title|\W*)",
    re.I,
)


def _own_title(document: Any) -> str | None:
    """The title the PDF gives itself in its document information (a tool that wrote it
    sets it to the file's name when no one gave one: that is left out)."""
    try:
        title = str(document.get_metadata_dict().get("Title") or "")
    except Exception:  # damaged metadata: the text is still what counts
        return None
    title = " ".join(title.split())
    return title if title and not _NOT_A_TITLE.fullmatch(title) else None


def _page_lines(
    page: Any, backdrops: pdf_hidden.Backdrops, index: int
) -> tuple[list[str], list[str]]:
    """The page's lines of text as PDFium reads them (blank lines left out), and the words
    left out as hidden. Only the text a viewer shows is kept: not words set beside or
    below the page (outside its crop box), which no reader of the document sees and a
    brief must not cite, nor words the page does not show (pdf_hidden)."""
    left, bottom, right, top = page.get_bbox()
    cropbox = None
    if not (right > left and top > bottom):  # a crop box off the media box: viewers show
        cropbox = page.get_mediabox()  # the media box, whole
        page.set_cropbox(*cropbox)
        left, bottom, right, top = page.get_bbox()
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        text = textpage.get_text_range()
        if len(text) != count:  # one character an index, as pdf_hidden counts them
            text = "".join(textpage.get_text_range(i, 1)[:1] or " " for i in range(count))
        shown = textpage.get_text_bounded(left, bottom, right, top)
        backdrop = backdrops.page(index, cropbox)
        found = pdf_hidden.hidden_words(page, textpage, text, backdrop) if text.strip() else None
        hidden, off = found or ([], [])
    finally:
        textpage.close()
        page.close()
    raw = shown
    if hidden:
        gone = {i for word in (*hidden, *off) for i in word}
        absent = {i for word in off for i in word}  # not in `shown`
        raw = _leave_out(shown, text, gone, absent)
    raw = _SOFT_BREAK.sub("-\n", raw.replace("\r\n", "\n").replace("\r", "\n"))
    raw = _CONTROL.sub("", raw)
    lines = [line.rstrip() for line in raw.split("\n") if line.strip()]
    words = (_SOFT_BREAK.sub("-", text[word.start : word.stop]) for word in hidden)
    return lines, [_CONTROL.sub("", word) for word in words]


def _leave_out(shown: str, text: str, gone: set[int], absent: set[int]) -> str:
    """`shown` (the page's text in lines, as PDFium lays out what is in the crop box)
    without the characters at `gone` in `text` (the page's characters, one an index).
    `absent` are the characters of `text` that `shown` has not got. The two are matched
    character for character, spaces and line breaks aside; where they do not match,
    `text` without `gone` is taken instead."""
    expected = [i for i, c in enumerate(text) if not c.isspace() and i not in absent]
    places = [j for j, c in enumerate(shown) if not c.isspace()]
    same = len(expected) == len(places) and all(
        text[i] == shown[j] or {text[i], shown[j]} <= _SOFT_MARKS
        for i, j in zip(expected, places, strict=True)
    )
    if not same:
        return _without(text, gone)
    return _without(shown, {j for i, j in zip(expected, places, strict=True) if i in gone})


_SOFT_MARKS = {"\ufffe", "\x02"}  # PDFium's mark for a hyphen ending a line, either way


def _without(text: str, gone: set[int]) -> str:
    """`text` without the characters at `gone`, and without the space they leave doubled."""
    kept: list[str] = []
    after_gap = False
    for index, char in enumerate(text):
        if index in gone:
            after_gap = True
            continue
        if after_gap and char in " \t" and (not kept or kept[-1] in " \t\r\n"):
            continue
        after_gap = False
        kept.append(char)
    return "".join(kept)


def _keys(lines: list[str], index: int, number: int, total: int) -> set[str]:
    """How a line is recognised as a running head or foot: where it stands (how far from the
    top, how far from the bottom of the page) and its words, spacing and case aside, as they
    stand and with the page's own number and the number of pages written as #."""
    if not _at_edge(lines, index):
        return set()
    words = " ".join(lines[index].split()).casefold()
    if not any(c.isalpha() for c in words):
        return set()  # a bare number is a page number or a figure, not a running head
    forms = {words, _page_number(number, total).sub("#", words)}
    places = []
    if index < EDGE:
        places.append(f"top {index}")
    if len(lines) - index <= EDGE:
        places.append(f"bottom {len(lines) - index}")
    return {f"{place} {form}" for place in places for form in forms}


@functools.lru_cache(maxsize=64)
def _page_number(number: int, total: int) -> re.Pattern[str]:
    return re.compile(rf"(?<!\d)(?:{number}|{total})(?!\d)")


def _at_edge(lines: list[str], index: int) -> bool:
    return index < EDGE or len(lines) - index <= EDGE


def _edges(lines: list[str]) -> list[int]:
    """The lines at the top and at the bottom of a page."""
    return sorted({*range(min(EDGE, len(lines))), *range(max(len(lines) - EDGE, 0), len(lines))})


def running_lines(pages: list[list[str]]) -> set[str]:
    """Keys of lines standing in the same place at the top or bottom of most pages with text
    (two or more; pages that are only a picture do not count)."""
    seen: Counter[str] = Counter()
    for number, lines in enumerate(pages, 1):
        seen.update(set().union(*(_keys(lines, i, number, len(pages)) for i in _edges(lines))))
    needed = max(2, math.ceil(sum(1 for lines in pages if lines) / 2))
    return {key for key, count in seen.items() if count >= needed}


MAX_FURNITURE = 50  # running lines kept to tell a quote of them why it is not found


def _assemble(pages: list[list[str]], hidden: Sequence[tuple[int, str]] = ()) -> Extracted:
    running = running_lines(pages)
    kept: list[str] = []
    marks: list[tuple[int, int]] = []
    dropped_heads = folios = 0
    furniture: dict[str, None] = {}  # the running lines left out, each once, in order
    blank_pages: list[int] = []
    for number, lines in enumerate(pages, 1):
        if not lines:
            blank_pages.append(number)
        for index, line in enumerate(lines):
            keys = _keys(lines, index, number, len(pages))
            if keys & running:
                dropped_heads += 1
                if len(furniture) < MAX_FURNITURE:
                    furniture[" ".join(line.split())] = None
            elif _at_edge(lines, index) and _FOLIO.fullmatch(line.strip()):
                folios += 1
            else:
                kept.append(line)
                marks.append((number, index + 1))
    notes: list[str] = []
    if dropped_heads:
        notes.append(f"{dropped_heads} running header and footer lines left out")
    if folios:
        notes.append(f"{folios} page numbers left out")
    if hidden:
        words = sum(len(text.split()) for _, text in hidden)
        shown = ", ".join(str(number) for number, _ in hidden[:10]) + (
            ", …" if len(hidden) > 10 else ""
        )
        notes.append(
            f"{words} hidden word{'s' if words > 1 else ''} left out (on page"
            f"{'s' if len(hidden) > 1 else ''} {shown}): a reader does not see them"
        )
    if blank_pages:
        shown = ", ".join(str(n) for n in blank_pages[:10]) + (
            ", …" if len(blank_pages) > 10 else ""
        )
        notes.append(f"no text on page{'s' if len(blank_pages) > 1 else ''} {shown}")
    if not kept:
        raise ReaderError(
            "the PDF's only text is page numbers and running headers or footers, so there is "
            "nothing to cite; catalogue a version with the document's text"
        )
    return Extracted(
        "\n".join(kept),
        PAGE,
        tuple(marks),
        notes=tuple(notes),
        hidden=tuple(hidden),
        furniture=tuple(furniture),
    )
