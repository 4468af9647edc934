"""briefgen quote: find words in a source and print a cite: entry that `check` will verify."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from briefgen.boundaries import joined
from briefgen.citations import too_short
from briefgen.commands import Outcome
from briefgen.commands.workspace import Sources
from briefgen.hints import (
    UNSEEN,
    across,
    hidden_in,
    near_differences,
    nearest,
    running,
    running_in,
)
from briefgen.matching import Across, SourceText, find_quote, locate
from briefgen.models import Source, Span
from briefgen.normalise import Normalised, display, normalise, normalised_text

MAX_HITS = 20
MAX_NEAREST = 5
_WRAPPED_HYPHEN = re.compile(r"(\w)[-\u00ad][ \t]*\r?\n[ \t]*(\w)")


@dataclass(frozen=True)
class Hit:
    source: Source
    span: Span
    quote: str
    first: Span | None  # where `check` finds the printed quote (the first occurrence)


def quote(config_path: str | Path | None, name: str | None, words: str) -> Outcome:
    """Every place the words stand in one source (or, with no name, in every source)."""
    out = Outcome()
    sources = Sources.open(config_path)
    if name is None:
        chosen = list(sources.catalogue.sources.values())
        if not chosen:  # nothing to search: say why (the catalogue's own problems, if any)
            out.report.problems.extend(p for p in sources.setup.problems if p.is_error)
            out.report.error(
                "no catalogued sources to search; add one with  briefgen sources add FILE"
            )
    else:
        found = sources.find(name, out.report)
        chosen = [found] if found else []
    if out.report.errors and not chosen:
        out.failed = True
        return out
    texts = {s.id: t for s in chosen if (t := sources.text(s, out.report)) is not None}
    if not texts:  # nothing could be read (said above): there is nothing to search
        out.failed = True
        return out
    hits = [h for s in chosen if s.id in texts for h in find(words, s, texts[s.id])]
    if hits:
        _show_hits(out, hits)
    else:
        _show_nearest(out, words, chosen, texts)
    return out


def find(words: str, source: Source, text: SourceText) -> list[Hit]:
    """The hits of `words` in one source, each widened to whole words and numbers."""
    hits: list[Hit] = []
    seen: set[tuple[int, int]] = set()
    for start, end in _raw_hits(words, text):
        if (start, end) in seen:
            continue
        seen.add((start, end))
        quoted = _quotable(text, start, end, words)
        if quoted is None:
            continue
        first, _ = locate(quoted, text)
        hits.append(Hit(source, text.span(start, end), quoted, first))
        if len(hits) >= MAX_HITS:
            break
    return hits


def _raw_hits(words: str, text: SourceText) -> list[tuple[int, int]]:
    """Original offsets of every match in the normalised forms `check` uses, each widened
    to whole words and numbers (a word cut at either end still matches here)."""
    for form, dehyphenate in ((text.plain, False), (text.dehyphenated, True)):
        needle = normalise(words, dehyphenate=dehyphenate).text
        found = _substrings(needle, form.text)
        if found:
            widened = [
                (h, h + len(needle), widen(form, text.text, h, h + len(needle))) for h in found
            ]
            # the words as whole words where they stand so ("the" is not shown as "others")
            whole = [w for start, end, w in widened if w == (start, end)] or [
                w for *_, w in widened
            ]
            return [form.original_span(*w) for w in whole]
    return []


def _substrings(needle: str, hay: str) -> list[int]:
    found: list[int] = []
    at = hay.find(needle) if needle else -1
    while at >= 0 and len(found) < MAX_HITS * 5:
        found.append(at)
        at = hay.find(needle, at + len(needle))
    return found


def widen(form: Normalised, original: str, start: int, end: int) -> tuple[int, int]:
    """Grow the normalised range [start, end) until it cuts no word and no number, by the
    same boundaries `check` holds a quote to (2.3%, 100,000, can't, two-fifths)."""
    while start > 0 and joined(form, original, start):
        start -= 1
    while end < len(form.text) and joined(form, original, end):
        end += 1
    return start, end


def _quotable(text: SourceText, start: int, end: int, words: str = "") -> str | None:
    """The words as they should be pasted, checked to be found again by `check`'s matching.

    A hyphen at a line end is the word's own where the words typed have it ("Franco-⏎German"
    typed "Franco-German"), else the break's ("con-⏎structive" is "constructive")."""
    raw = text.text[start:end]
    joined = _WRAPPED_HYPHEN.sub(r"\1\2", raw)  # a word hyphenated across a line break, whole
    kept = display(raw)  # the line end's hyphen kept, the break closed
    own = bool(words) and normalised_text(words) in normalised_text(kept)
    first = (kept, display(joined)) if own else (display(joined), kept)
    for candidate in (*first, " ".join(raw.split())):
        if candidate and locate(candidate, text)[0] is not None:
            return candidate
    return None


def cite_yaml(source_id: str, words: str, indent: int = 4) -> list[str]:
    """A cite: entry as YAML lines, indented to sit in a brief's item; quoted wherever needed."""
    # Characters a terminal would not show as themselves are written as escapes instead.
    shown_as_is = all(c.isprintable() for c in words + source_id)
    body = yaml.safe_dump(
        [{"source": source_id, "quote": words}],
        allow_unicode=shown_as_is,
        sort_keys=False,
        default_flow_style=False,
        width=1 << 30,  # one line per value: no folding to go wrong when pasted
    )
    pad = " " * indent
    return [f"{pad}cite:", *(f"{pad}  {line}" for line in body.splitlines())]


def _show_hits(out: Outcome, hits: list[Hit]) -> None:
    shown: set[tuple[str, str]] = set()
    for hit in hits:
        span = hit.span
        at = span.place or f"line {span.line}, column {span.col}"
        out.say(f"{hit.source.id} ({hit.source.file}), {at}:")
        out.say(f"  {span.before}«{span.text}»{span.after}")
        if hit.first is not None and hit.first.start != span.start:
            out.say(
                f"  (the same words stand first at {hit.first.place or f'line {hit.first.line}'}, "
                "which check will use; "
                "quote a few more words to pick this passage)"
            )
        if (hit.source.id, hit.quote) not in shown:
            shown.add((hit.source.id, hit.quote))
            problem = too_short(hit.quote)  # an entry check would refuse is not offered
            if problem:
                out.say(f"  no cite: entry: {problem}")
            else:
                out.lines.extend(cite_yaml(hit.source.id, hit.quote))
        out.say()
    sources = len({h.source.id for h in hits})
    out.say(
        f"{len(hits)} hit{'' if len(hits) == 1 else 's'} in {sources} source{'' if sources == 1 else 's'}"
    )


def _show_nearest(
    out: Outcome, words: str, chosen: list[Source], texts: dict[str, SourceText]
) -> None:
    out.failed = True
    for source in chosen:  # the words are there, but from one paragraph into the next
        cut = find_quote(words, texts[source.id]).cut if source.id in texts else None
        if isinstance(cut, Across):
            out.report.error(
                f'the words run from one paragraph of "{source.id}" into the next '
                f"{across(cut)}: quote each part on its own"
            )
            return
    # left out of the text on purpose: the nearest passages would not help
    framing = next((s.id for s in chosen if s.id in texts and running_in(words, texts[s.id])), "")
    if framing:
        out.report.error("the words are " + running("the", f' of "{framing}"'))
        return
    near = []
    for source in chosen:
        if source.id in texts and (found := nearest(words, texts[source.id])) is not None:
            near.append((found[1], source, found[0]))
    near.sort(key=lambda n: -n[0])
    where = f'"{chosen[0].id}"' if len(chosen) == 1 else f"any of {len(chosen)} sources"
    unseen = next(
        ((s.id, at) for s in chosen if s.id in texts and (at := hidden_in(words, texts[s.id]))),
        None,
    )
    if unseen:  # in the file, but not on its pages: finding them would not help
        out.report.error(
            f'the words are {unseen[1]} of "{unseen[0]}", but not shown there {UNSEEN}'
        )
    else:
        out.report.error(
            f"the words are not in {where}, as written; copy them exactly from the source "
            "(the nearest passages are shown)"
            if near
            else f"the words are not in {where}, and nothing there is close to them"
        )
    for n, (score, source, span) in enumerate(near[:MAX_NEAREST]):
        out.say(
            f'{source.id}, {span.place or f"line {span.line}"} ({score:.0f}% alike): "{span.text}"'
        )
        named = near_differences(words, texts[source.id], span, score) if n == 0 else ""
        if named:
            out.say(f"  {named}")
            if "a quotation mark" in named and not any(c in words for c in "\"“”'‘’"):
                out.say(
                    "  (the shell takes away quotation marks typed around words: put the "
                    """words in single quotes, as in  briefgen quote ID 'the UK "cannot wait"')"""
                )
