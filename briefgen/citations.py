"""Quote -> exact span in its source file (line, column, context): the heart of trust."""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from rapidfuzz import fuzz

from briefgen.errors import Report
from briefgen.load import read_text
from briefgen.models import Brief, Citation, Config, Figure, Item, Source, Span
from briefgen.normalise import Normalised, display, find_all, normalise

CONTEXT_CHARS = 240
WHOLE_SCAN_CHARS = 500_000
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*Â*(?=\s)|\n\s*\n")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass
class SourceText:
    """A source file's text with its normalised forms and line index, built once."""

    text: str
    _line_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]

    @cached_property
    def digest(self) -> str:
        """A short SHA-256 of the file's bytes, so a reader can tell which version was cited."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:12]

    @cached_property
    def plain(self) -> Normalised:
        return normalise(self.text)

    @cached_property
    def dehyphenated(self) -> Normalised:
        return normalise(self.text, dehyphenate=True)

    def line_col(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self._line_starts, offset) - 1
        return index + 1, offset - self._line_starts[index] + 1

    def span(self, start: int, end: int, occurrences: int = 1) -> Span:
        line, col = self.line_col(start)
        end_line, end_col = self.line_col(max(start, end - 1))
        before, after = context(self.text, start, end)
        return Span(
            start,
            end,
            line,
            col,
            end_line,
            end_col,
            before,
            display(self.text[start:end]),
            after,
            occurrences,
        )


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


def locate(quote: str, source: SourceText) -> tuple[Span | None, bool]:
    """The first place `quote` stands in the source, and whether its occurrences differ in context.

    The quote is looked for as written, then with hyphens inside words ignored (so a
    word broken across a hard-wrapped line still matches).
    """
    for form, dehyphenate in ((source.plain, False), (source.dehyphenated, True)):
        needle = normalise(quote, dehyphenate=dehyphenate).text
        candidates = [needle]
        if len(needle) > 2 and needle[0] == needle[-1] and needle[0] in "\"'":
            candidates.append(needle[1:-1].strip())
        for candidate in candidates:
            hits = find_all(candidate, form.text)
            if hits:
                spans = [
                    source.span(*form.original_span(h, h + len(candidate)), len(hits))
                    for h in hits[:50]
                ]
                contexts = {(s.before, s.text, s.after) for s in spans}
                return spans[0], len(contexts) > 1
    return None, False


def nearest(quote: str, source: SourceText) -> tuple[Span, float] | None:
    """The passage of the source most like `quote`, and how alike (0-100)."""
    needle = normalise(quote).text
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
    start, end = hay.original_span(offset + found.dest_start, offset + found.dest_end)
    text = source.text
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return source.span(start, end), found.score


def _windows(needle: str, hay: str) -> list[tuple[int, str]]:
    """Where to look for a near match: all of a small source; in a large one, the stretches
    around the quote's longest words (a fuzzy scan of megabytes would take seconds)."""
    if len(hay) <= WHOLE_SCAN_CHARS:
        return [(0, hay)]
    width = len(needle) * 2 + 200
    starts: set[int] = set()
    for word in sorted(set(needle.split()), key=len, reverse=True)[:4]:
        for hit in find_all(word, hay)[:50]:
            starts.add(max(0, hit - width))
    return [(begin, hay[begin : begin + 2 * width]) for begin in sorted(starts)]


def read_sources(
    sources: dict[str, Source], config: Config, report: Report
) -> dict[str, SourceText]:
    """Read every catalogued source file; a missing or unreadable one is reported at its entry."""
    texts: dict[str, SourceText] = {}
    max_bytes = config.limits.max_source_bytes
    for source in sources.values():
        text = read_text(source.path, report, source.file_loc, max_bytes, "source file")
        if text is not None:
            texts[source.id] = SourceText(text)
    return texts


def resolve(
    briefs: Sequence[Brief],
    sources: dict[str, Source],
    texts: dict[str, SourceText],
    report: Report,
) -> list[Brief]:
    """Find every quote in its source and return the briefs with spans filled in."""
    return [_resolve_brief(brief, sources, texts, report) for brief in briefs]


def _resolve_brief(
    brief: Brief, sources: dict[str, Source], texts: dict[str, SourceText], report: Report
) -> Brief:
    def items(group: tuple[Item, ...]) -> tuple[Item, ...]:
        resolved = []
        for item in group:
            cites = tuple(_resolve_one(c, sources, texts, report) for c in item.cite)
            item = replace(item, cite=cites)
            if isinstance(item, Figure):
                check_figure(item, report)
            resolved.append(item)
        return tuple(resolved)

    return replace(
        brief,
        positions=items(brief.positions),  # type: ignore[arg-type]
        proposals=items(brief.proposals),  # type: ignore[arg-type]
        figures=items(brief.figures),  # type: ignore[arg-type]
    )


def _resolve_one(
    cite: Citation, sources: dict[str, Source], texts: dict[str, SourceText], report: Report
) -> Citation:
    source = sources.get(cite.source_id)
    text = texts.get(cite.source_id)
    if source is None or text is None:
        return cite  # an unknown or unreadable source is already reported
    span, ambiguous = locate(cite.quote, text)
    if span is None:
        report.error(_not_found_message(cite, source, text, sources, texts), cite.quote_loc)
        return cite
    if ambiguous:
        report.warning(
            f'quote appears {span.occurrences} times in "{source.id}"; line {span.line} is used: '
            "quote a few more words to pick the passage you mean",
            cite.quote_loc,
        )
    return replace(cite, span=span)


def _not_found_message(
    cite: Citation,
    source: Source,
    text: SourceText,
    sources: dict[str, Source],
    texts: dict[str, SourceText],
) -> str:
    message = f'quote not found in source "{source.id}" ({source.file})'
    for other_id, other in texts.items():
        if other_id != source.id:
            span, _ = locate(cite.quote, other)
            if span is not None:
                return f'{message}, but it is in "{other_id}" at line {span.line}: write  source: {other_id}'
    near = nearest(cite.quote, text)
    if near is None or near[1] < 50:
        return f"{message}, and nothing there is close to it; check the source id and copy the words from the file"
    span, score = near
    return (
        f'{message}; the nearest passage, line {span.line} ({score:.0f}% alike), reads: "{span.text}"; '
        "copy the words exactly as they stand in the source"
    )


def check_figure(figure: Figure, report: Report) -> None:
    """Warn when a figure's value is nowhere in the words it cites."""
    spans = [c.span.text for c in figure.cite if c.span is not None]
    if len(spans) != len(figure.cite) or not spans or not figure.value:
        return
    if not value_in(figure.value, spans):
        report.warning(
            f'figure "{figure.id}": value "{figure.value}" is not in its quoted words; '
            "quote the passage that gives the number",
            figure.value_loc or figure.loc,
        )


def value_in(value: str, texts: Sequence[str]) -> bool:
    """Whether `value` appears in the texts: numbers as the same whole numbers ("100,000"
    is "100000", but "3" is not in "2.3"), anything else as the same words."""
    hay = [normalise(t).text for t in texts]
    wanted = [n.replace(",", "") for n in _NUMBER.findall(value)]
    if not wanted:
        needle = normalise(value).text
        return any(find_all(needle, h) for h in hay)
    have = {n.replace(",", "") for h in hay for n in _NUMBER.findall(h)}
    return all(n in have for n in wanted)
