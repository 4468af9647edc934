"""Every quote of every brief -> an exact span of its source file: the heart of trust."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from briefgen.boundaries import words
from briefgen.errors import Report, clip, quoted
from briefgen.matching import SourceText, find_quote, locate
from briefgen.models import Brief, Citation, Config, Figure, Item, Source, changed
from briefgen.normalise import normalised_text
from briefgen.sources_read import read_source

if TYPE_CHECKING:
    from briefgen.hints import Budget
    from briefgen.matching import Across, Cut

__all__ = ["SourceText", "find_quote", "locate", "read_sources", "resolve", "too_short"]

MIN_WORDS = 3
PLACES_NAMED = 5  # of a quote found in several places, in the warning


def read_sources(
    sources: dict[str, Source], config: Config, report: Report
) -> dict[str, SourceText]:
    """Read every catalogued source file; a missing or unreadable one is reported at its entry."""
    texts: dict[str, SourceText] = {}
    for source in sources.values():
        text = read_source(source, config, report)
        if text is not None:
            texts[source.id] = text
    return texts


def with_digests(sources: dict[str, Source], texts: dict[str, SourceText]) -> dict[str, Source]:
    """The catalogue's sources, each with the digest of its text as read (if it was)."""
    return {
        sid: replace(s, digest=texts[sid].digest) if sid in texts else s
        for sid, s in sources.items()
    }


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
    hints = _Hints()

    def items(group: tuple[Item, ...]) -> tuple[Item, ...]:
        resolved = []
        for item in group:
            cites = tuple(_resolve_one(c, sources, texts, report, hints) for c in item.cite)
            item = changed(item, cite=cites)
            if isinstance(item, Figure):
                from briefgen import figures  # its patterns: compiled only for a figure checked

                figures.check_figure(item, report, texts)
            resolved.append(item)
        return tuple(resolved)

    return replace(
        brief,
        lines_to_take=items(brief.lines_to_take),  # type: ignore[arg-type]
        positions=items(brief.positions),  # type: ignore[arg-type]
        proposals=items(brief.proposals),  # type: ignore[arg-type]
        figures=items(brief.figures),  # type: ignore[arg-type]
    )


class _Hints:
    """Why each of a brief's quotes was not found, its hints' time bounded together; the
    hints module is loaded only when a quote is not found."""

    def __init__(self) -> None:
        self.budget: Budget | None = None

    def not_found(
        self,
        quote: str,
        source: Source,
        text: SourceText,
        texts: dict[str, SourceText],
        cut: Cut | Across | None,
    ) -> str:
        from briefgen import hints

        self.budget = self.budget or hints.Budget()
        return hints.not_found(quote, source, text, texts, cut, self.budget)


def _resolve_one(
    cite: Citation,
    sources: dict[str, Source],
    texts: dict[str, SourceText],
    report: Report,
    hints: _Hints,
) -> Citation:
    source = sources.get(cite.source_id)
    text = texts.get(cite.source_id)
    if source is None or text is None:
        return cite  # an unknown or unreadable source is already reported
    problem = too_short(cite.quote)
    if problem:
        report.error(problem, cite.quote_loc)
        return cite
    found = find_quote(cite.quote, text)
    span = found.span
    if span is None:
        message = hints.not_found(cite.quote, source, text, texts, found.cut)
        report.error(message, cite.quote_loc)
        return cite
    if found.ambiguous:
        shown = found.spans[:PLACES_NAMED]
        more = f" and {found.count - len(shown)} more" if found.count > len(shown) else ""
        if span.place is None:
            places = "lines " + ", ".join(str(s.line) for s in shown)
            used = f"line {span.line}"
        else:
            places, used = "; ".join(s.where for s in shown), span.where
        report.warning(
            f'quote appears {found.count} times in "{source.id}" ({places}{more}); '
            f"{used} is used: quote a few more words to pick the passage you mean",
            cite.quote_loc,
        )
    return changed(cite, span=span)


def too_short(quote: str) -> str | None:
    """Why a quote is too short to identify a passage, or None."""
    found = words(normalised_text(quote))
    if not found:
        return (
            "quote has no letters or digits, so it identifies nothing; "
            "copy at least three words from the source"
        )
    if len(found) < MIN_WORDS:
        return (
            f"quote {quoted(clip(quote))} has {len(found)} word{'s' if len(found) > 1 else ''}, "
            f"too few to identify a passage; quote at least {MIN_WORDS} words from the source"
        )
    return None
