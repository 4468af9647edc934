"""The appendix marks the words each note cites, where the note found them."""

from __future__ import annotations

from typing import Any

from briefgen.models import Span
from briefgen.render import Note, Passage


def span(start: int, before: str, text: str, after: str) -> Span:
    return Span(start, start + len(text), 1, start + 1, 1, start + len(text), before, text, after)


def note(number: int, at: Span) -> Note:
    nothing: Any = None  # what the marking does not look at
    return Note(number, nothing, nothing, at, "")


def test_the_cited_copy_of_repeated_words_is_marked() -> None:
    passage = Passage(span(17, "the UK said that ", "the UK would act", "."))
    passage.notes.append(note(1, span(17, "the UK said that ", "the UK", " would act.")))
    assert passage.pieces == [
        ("the UK said that ", False),
        ("the UK", True),
        (" would act.", False),
    ]


def test_an_earlier_copy_is_marked_when_that_is_the_one_cited() -> None:
    passage = Passage(span(17, "the UK said that ", "the UK would act", "."))
    passage.notes.append(note(1, span(0, "", "the UK", " said that the UK would act.")))
    assert passage.pieces == [("the UK", True), (" said that the UK would act.", False)]
