"""Why a quote was not found, in words that tell the user what to change.

Every search here is bounded: a quote of any length against a source of any size
is answered in well under a second, and a brief's hints together look through at most
HINT_BUDGET_CHARS of source text, so `check` stays quick with any number of quotes not
found (past the budget a quote not found is reported without a hint).
"""

from __future__ import annotations

import difflib
import re

from briefgen.boundaries import WORD, joined
from briefgen.errors import clip
from briefgen.matching import Across, Cut, SourceText, find_quote
from briefgen.models import Source, Span
from briefgen.normalise import display, find_all, normalise, normalised_text
from briefgen.text import CONTROL, char_name

WHOLE_SCAN_CHARS = 500_000  # a larger source is searched only around the quote's words
MAX_NEEDLE_CHARS = 300  # a longer quote is compared by its first words
MAX_WINDOWS = 200
HITS_PER_WORD = 50  # in a large source, the first places of each of the quote's longest words
ALIKE_WORDS = 80  # from this similarity on, the differing words are named
ALIKE_PASSAGE = 50  # below this, nothing is offered as the nearest passage
MAX_DIFFERENCES = 3
MARGIN_CHARS = 80  # source words either side of the nearest passage, for aligning words
NEAR_CHARS = 60  # two parts this close are one passage with words left out, not two passages
# a word hyphenated across a line break, as the matching joins it
_WRAPPED_HYPHEN = re.compile(r"(\w)[-\u00ad\u2010\u2011][ \t]*\r?\n[ \t]*(\w)")
HINT_BUDGET_CHARS = 4_000_000_000  # of source text looked through for one brief's hints (~2 s)
_SEAM = ",;:–—-"  # marks a quote may put where it joins two passages
_TOKEN = re.compile(f"{WORD.pattern}|[^\\w\\s]")  # a word or number, or one mark


class Budget:
    """How much source text one brief's hints may still look through."""

    def __init__(self, chars: int | None = None) -> None:
        self.left = HINT_BUDGET_CHARS if chars is None else chars
        self.hinted = 0

    def spend(self, chars: int) -> bool:
        """Whether a hint looking through `chars` of source text may be worked out."""
        if self.left <= 0:
            return False
        self.left -= chars
        self.hinted += 1
        return True


# how words a file holds but does not show were hidden, and what to do instead
UNSEEN = (
    "(they are invisible, covered, too small or squeezed, or the colour of what is behind "
    "them), so no reader of it sees them; quote what the document shows"
)


def not_found(
    quote: str,
    source: Source,
    text: SourceText,
    texts: dict[str, SourceText],
    cut: Cut | Across | None,
    budget: Budget,
) -> str:
    """The message for a quote that is not in its source."""
    if isinstance(cut, Across):
        return (
            f"quote runs from one paragraph of the source into the next {across(cut)}: cite "
            "each part as its own quote, each with its own - source: and quote: lines"
        )
    if cut is not None:
        side = "ends" if cut.side == "end" else "begins"
        return (
            f'quote {side} inside "{clip(cut.token, 60)}" ({cut.place or f"line {cut.line}"}); '
            f"extend it to the whole {cut.kind}"
        )
    message = f'quote not found in source "{source.id}" ({source.file})'
    # its own source is looked through a few times over, the others once each
    if not budget.spend(4 * len(text.text) + sum(len(t.text) for t in texts.values())):
        return (
            f"{message}; copy the words exactly as they stand in the source (no nearest "
            f"passage is looked for past the first {budget.hinted} quotes not found in this "
            "brief: correct those and check again)"
        )
    for other_id, other in texts.items():
        if other_id != source.id:
            span = find_quote(quote, other).span
            if span is not None:
                return f'{message}, but it is in "{other_id}" at {span.place or f"line {span.line}"}: write  source: {other_id}'
    unseen = hidden_in(quote, text)
    if unseen:
        return f"{message}: its words are {unseen}, but not shown there {UNSEEN}"
    if running_in(quote, text):
        return f"{message}: its words are {running()}"
    elided = _elided(quote, text)
    if elided:
        return f"{message}: {elided}"
    stitched = _stitched(quote, text)
    if stitched:
        return f"{message}: {stitched}"
    near = nearest(quote, text)
    if near is None or near[1] < ALIKE_PASSAGE:
        return f"{message}, and nothing there is close to it; check the source id and copy the words from the file"
    span, score = near
    where = f"the nearest passage, {span.where} ({score:.0f}% alike)"
    control = CONTROL.search(text.text, span.start, span.end)
    if control and not CONTROL.search(quote):  # a brief may not hold one: it cannot be copied
        return (
            f"{message}; {where} holds the invisible character {char_name(control[0])}, which "
            "a brief may not hold: cite the words before it and the words after it as quotes "
            f'of their own; it reads: "{clip(span.text, 200)}"'
        )
    named = near_differences(quote, text, span, score)
    if named:
        return f'{message}; {named}; {where} reads: "{clip(span.text, 200)}"'
    return f'{message}; {where} reads: "{clip(span.text, 200)}"; copy the words exactly as they stand in the source'


def across(cut: Across) -> str:
    """Where a quote running over a paragraph break stands, and the rule it breaks."""
    return f"({cut.first} to {cut.last}); a quote stands within one"


def running(whose: str = "the PDF's", of: str = "") -> str:
    """What a quote of a running header or footer is told: "the PDF's running header or
    footer (...)", or with `of` "the running header or footer of "review" (...)"."""
    return (
        f"{whose} running header or footer{of} (the same words at the top or bottom of page "
        "after page), which is left out of what can be cited; quote the document's own text"
    )


def running_in(quote: str, text: SourceText) -> bool:
    """Whether the quote stands in a running header or footer the PDF reader left out."""
    furniture = text.extracted.furniture if text.extracted is not None else ()
    needle = normalised_text(quote)
    return bool(needle) and any(needle in normalised_text(line) for line in furniture)


def hidden_in(quote: str, text: SourceText) -> str | None:
    """Where the quote stands among the words its source file holds but does not show
    ("in the file's text layer on p. 3", "in the file"), if it does."""
    hidden = text.extracted.hidden if text.extracted is not None else ()
    needle = normalised_text(quote)
    for page, words in hidden:
        if needle and needle in normalised_text(words):
            return f"in the file's text layer on p. {page}" if page else "in the file"
    return None


def _stitched(quote: str, text: SourceText) -> str | None:
    """A description of a quote joined from two separate passages of the source, or None."""
    words = quote.split()
    if len(words) < 4 or len(quote) > 20 * MAX_NEEDLE_CHARS:
        return None
    low = _longest_run(words, text)
    if low < 2 or len(words) - low < 2:
        return None
    # a mark written where the two parts meet ("troops, the only way") is the quote's own:
    # neither part need have it
    head, tail = " ".join(words[:low]), " ".join(words[low:])
    first = find_quote(head.rstrip(_SEAM), text).span
    seconds = find_quote(tail.lstrip(_SEAM), text).spans
    if first is None or not seconds:
        return None
    if any(0 <= s.start - first.end <= NEAR_CHARS for s in seconds):
        return None  # a word or two left out between them: the word differences say which
    second = seconds[0]
    return (
        f'it joins two separate passages, "{clip(head, 60)}" ({first.where}) '
        f'and "{clip(tail, 60)}" ({second.where}); cite them as two quotes, '
        "each with its own - source: and quote: lines"
    )


# a mark for words left out: "...", "…", ". . .", "[...]", "[…]", "(...)"
_ELISION = re.compile(r"[\[(]\s*(?:…|\.(?:\s*\.){2,})\s*[\])]|…|\.(?:\s*\.){2,}")
MAX_IN_FULL = 300  # a passage longer than this is not offered to be quoted whole


def _elided(quote: str, text: SourceText) -> str | None:
    """What to write instead of a quote that marks words left out ("said ... by 2027"),
    if its parts stand in the source in the order written, or None. A quote verifies the
    words as they stand; words left out would make it say what the source may not."""
    marks = [m.group() for m in _ELISION.finditer(quote)]
    if not marks or len(quote) > 20 * MAX_NEEDLE_CHARS:
        return None
    parts = [p.strip().strip(_SEAM).strip() for p in _ELISION.split(quote)]
    parts = [p for p in parts if p]
    spans: list[Span] = []
    for part in parts:
        after = spans[-1].end if spans else 0
        found = [s for s in find_quote(part, text).spans if s.start >= after]
        if not found:
            return None
        spans.append(found[0])
    mark = marks[0]
    if len(spans) == 1:
        return (
            f'"{clip(parts[0], 60)}" stands in the source ({spans[0].where}), but not with the '
            f'"{mark}" you wrote: write the quote without it'
        )
    whole = text.span(spans[0].start, spans[-1].end)
    told = f'it leaves words out at "{mark}", and a quote verifies words as the source has them'
    if len(whole.text) <= MAX_IN_FULL and find_quote(whole.text, text).span is not None:
        return (
            f'{told}: quote the passage in full ({whole.where}): "{whole.text}", or cite each '
            "part as its own quote, each with its own - source: and quote: lines"
        )
    cited = " and ".join(f'"{clip(p, 60)}" ({s.where})' for p, s in zip(parts, spans, strict=True))
    return (
        f"{told}: cite {cited} as quotes of their own, each with its own - source: and quote: lines"
    )


def _longest_run(words: list[str], text: SourceText) -> int:
    """How many of the quote's opening words stand together in the source (a mark after the
    last of them left out)."""
    low, high = 0, len(words)
    while low < high:
        mid = (low + high + 1) // 2
        if find_quote(" ".join(words[:mid]).rstrip(_SEAM), text).span is not None:
            low = mid
        else:
            high = mid - 1
    return low


def near_differences(quote: str, text: SourceText, span: Span, score: float) -> str:
    """What differs between the quote and its nearest passage (found `score` alike), read
    against the source around it; nothing when the two are too unlike to compare."""
    if score < ALIKE_WORDS:
        return ""
    return differences(quote, _margin(text.text, span.start, span.end))


_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")


def _margin(text: str, start: int, end: int) -> str:
    """The source text around [start, end) that a quote is compared with: MARGIN_CHARS
    either side, but within the passage's paragraph (the words of another paragraph are
    not what a quote of this one got wrong) and of whole words (a word cut at the margin
    would be named as one the source has)."""
    low, high = max(0, start - MARGIN_CHARS), min(len(text), end + MARGIN_CHARS)
    breaks = list(_PARAGRAPH_BREAK.finditer(text, low, start))
    if breaks:
        low = breaks[-1].end()
    elif low > 0 and not text[low - 1].isspace():
        while low < start and not text[low].isspace():
            low += 1  # the word cut at the margin is left out
    after = _PARAGRAPH_BREAK.search(text, end, high)
    if after:
        high = after.start()
    elif high < len(text) and not text[high].isspace():
        while high > end and not text[high - 1].isspace():
            high -= 1
    return text[low:high]


def differences(quote: str, margin: str) -> str:
    """What differs between the quote and the source text around its nearest passage: the
    words, or when every word is the same, the punctuation. A word the source breaks at a
    line end (secu-/rity) is compared whole when that makes fewer differences, as the
    matching does."""
    readings = [display(margin)]
    joined_up = _WRAPPED_HYPHEN.sub(r"\1\2", margin)
    if joined_up != margin:
        readings.append(display(joined_up))
    for tokens in (WORD, _TOKEN):
        found = min((_token_differences(quote, r, tokens) for r in readings), key=len)
        if found:
            return _summary(found)
    return ""


def _token_differences(quote: str, passage: str, tokens: re.Pattern[str]) -> list[str]:
    """Each difference between the tokens (words, or words and marks) of quote and passage."""
    mine, theirs = tokens.findall(display(quote)), tokens.findall(passage)
    keys = [normalise(w).text for w in mine], [normalise(w).text for w in theirs]
    opcodes = difflib.SequenceMatcher(None, *keys, autojunk=False).get_opcodes()
    found: list[str] = []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "replace" and j2 - j1 > i2 - i1 and (i1 == 0 or i2 == len(mine)):
            # at an end of the quote, the passage's words beyond it are not in question:
            # as many as were written ("March", not "March.² The area is 40 km² …")
            j1, j2 = (j2 - (i2 - i1), j2) if i1 == 0 and i2 < len(mine) else (j1, j1 + i2 - i1)
        wrote, has = _shown(mine[i1:i2]), _shown(theirs[j1:j2])
        if tag == "replace":
            found.append(f"you wrote {wrote}, the source has {has}")
        elif tag == "delete":
            found.append(f"you wrote {wrote}, which the source does not have there")
        elif tag == "insert" and 0 < i1 < len(mine):  # words missing inside the quote
            found.append(f"the source has {has} after {_shown(mine[i1 - 1 : i1])}")
    return found


_MARKS = {
    **dict.fromkeys("\"“”„‟«»‘’‚‛'`", "a quotation mark"),
    **dict.fromkeys("-‐‑‒–—―−", "a dash"),
    ",": "a comma", ".": "a full stop", ";": "a semicolon", ":": "a colon",
    "(": "a bracket", ")": "a bracket", "[": "a bracket", "]": "a bracket",
    "!": "an exclamation mark", "?": "a question mark", "…": "an ellipsis", "/": "a slash",
}  # fmt: skip


def _shown(tokens: list[str]) -> str:
    """Words in quotation marks; a mark on its own by its name too (a quotation mark shown
    in quotation marks, \"\"\", cannot be read)."""
    text = " ".join(tokens)
    name = _MARKS.get(text)
    return f"{name} ({text})" if name else f'"{clip(text, 40)}"'


def _summary(found: list[str]) -> str:
    if not found:
        return ""
    more = len(found) - MAX_DIFFERENCES
    shown = "; ".join(found[:MAX_DIFFERENCES])
    return shown + (f"; and {more} more difference{'s' if more > 1 else ''}" if more > 0 else "")


def nearest(quote: str, source: SourceText) -> tuple[Span, float] | None:
    """The passage of the source most like `quote`, and how alike (0-100).

    A long quote is compared by its opening words, and a large source only around
    the quote's longest words, so that the search takes a bounded time.
    """
    from rapidfuzz import fuzz  # only when a quote is not found

    needle = normalise(quote).text
    if len(needle) > MAX_NEEDLE_CHARS:
        cut = needle.rfind(" ", 0, MAX_NEEDLE_CHARS)
        needle = needle[: cut if cut > 0 else MAX_NEEDLE_CHARS]
    hay = source.plain
    if not needle or not hay.text:
        return None
    found, offset = None, 0
    for begin, window in _windows(needle, hay.text):
        here = fuzz.partial_ratio_alignment(needle, window)
        if here is not None and (found is None or here.score > found.score):
            found, offset = here, begin
    if found is None or found.dest_end <= found.dest_start:
        return None
    first, last = offset + found.dest_start, offset + found.dest_end
    while first > 0 and joined(hay, source.text, first):  # whole words and numbers only
        first -= 1
    while last < len(hay.text) and joined(hay, source.text, last):
        last += 1
    while first < last and hay.text[first] == " ":
        first += 1
    while last > first and hay.text[last - 1] == " ":
        last -= 1
    if last <= first:
        return None
    return source.span(*hay.original_span(first, last)), found.score


def _windows(needle: str, hay: str) -> list[tuple[int, str]]:
    """Where to look for a near match: all of a small source; in a large one, the stretches
    around the quote's longest words (a fuzzy scan of megabytes would take seconds)."""
    if len(hay) <= WHOLE_SCAN_CHARS:
        return [(0, hay)]
    width = len(needle) * 2 + 200
    starts: set[int] = set()
    for word in sorted(set(needle.split()), key=len, reverse=True)[:4]:
        for hit in find_all(word, hay, HITS_PER_WORD):
            starts.add(max(0, hit - width))
    return [(begin, hay[begin : begin + 2 * width]) for begin in sorted(starts)[:MAX_WINDOWS]]
