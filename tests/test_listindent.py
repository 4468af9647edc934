"""Nested lists: the HTML and PDF nest them as the Markdown copy's readers (CommonMark) do."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from briefgen.fieldhtml import sanitised_markdown
from briefgen.listindent import reindented

_SKELETON = re.compile(r"</?(?:ul|ol|li)>|[A-Za-z]+")


def skeleton(html: str) -> list[str]:
    """The lists, items and words of some HTML, without paragraphs or whitespace."""
    return _SKELETON.findall(re.sub(r"<(ul|ol|li)[^>]*>", r"<\1>", html))


def commonmark(text: str) -> list[str]:
    return skeleton(MarkdownIt("commonmark").render(text))


@st.composite
def nested_lists(draw: st.DrawFn) -> str:
    """A list of up to four levels as a CommonMark writer indents it: each level under its
    parent's text (two spaces under "- ", three under "1. "), each level one kind."""
    kinds = draw(st.lists(st.sampled_from(["- ", "* ", "1. "]), min_size=4, max_size=4))
    depth, lines = 0, []
    for n in range(draw(st.integers(1, 9))):
        depth = draw(st.integers(0, min(depth + 1, 3) if n else 0))
        indent = sum(len(kinds[d]) for d in range(depth))
        lines.append(" " * indent + kinds[depth] + f"item {chr(97 + n)}")
        if draw(st.integers(0, 3)) == 0:  # a second paragraph, under the item's text
            lines += ["", " " * (indent + len(kinds[depth])) + f"more {chr(97 + n)}"]
    return "\n".join(lines) + "\n"


def structure(html: str) -> list[str]:
    """The lists, items and words, paragraphs left out (a loose list is one with them)."""
    return [part for part in skeleton(html) if part != "p"]


@settings(max_examples=300, deadline=None)
@given(nested_lists())
def test_a_nested_list_nests_as_commonmark_reads_it(text: str) -> None:
    assert structure(sanitised_markdown(text)[0]) == structure(
        MarkdownIt("commonmark").render(text)
    )


def test_an_items_second_paragraph_stays_in_the_item() -> None:
    """After a blank line, text indented to an item's text is more of that item: the items
    after it are still items of the list, at their own level."""
    for text in (
        "- a\n\n  more of a\n- b\n",
        "1. a\n\n   more of a\n2. b\n",
        "- a\n  - b\n\n    more of b\n  - c\n- d\n",
        "- a\n\n      code of a\n- b\n",
    ):
        assert structure(sanitised_markdown(text)[0]) == structure(
            MarkdownIt("commonmark").render(text)
        ), text


def test_two_and_four_space_nesting_and_what_follows_a_list() -> None:
    two = "- a\n  - b\n    - c\n- d\n"
    four = "- a\n    - b\n        - c\n- d\n"
    assert skeleton(sanitised_markdown(two)[0]) == skeleton(sanitised_markdown(four)[0])
    assert skeleton(sanitised_markdown(two)[0]) == commonmark(two)
    ordered = "1. one\n   1. inner\n2. two\n"
    assert skeleton(sanitised_markdown(ordered)[0]) == commonmark(ordered)
    after = "- a\n  - b\n\n  more of a\n\nA paragraph after.\n"
    assert skeleton(sanitised_markdown(after)[0]) == commonmark(after)


def test_text_without_a_nested_list_is_left_as_it_is() -> None:
    for text in ("- a\n- b\n", "Para\n\n    code\n", "> - a\n>   - b\n", "```\n  - x\n```\n", ""):
        assert reindented(text) == text
