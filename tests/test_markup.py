"""markup.parse: every element with the line and column of its start tag."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from tinyhtml5 import parser as html_parser

from briefgen import markup

PIECES = [
    "<p>", "</p>", "<div class=a>", "</div>", "<br>", "<table><tr><td>", "</td></tr></table>",
    "<b>", "</i>", "<!-- c -->", "<script>x</script>", "<style>p{}</style>", "<svg><a>", "\n",
    "\r\n", "\r", "text", "é", "  ", "<textarea>", "</textarea>", "<noscript><img></noscript>",
]  # fmt: skip
documents = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(max_size=6), st.just("y" * 4000)), max_size=60
).map("".join)


def _stream_positions(text: str) -> list[tuple[int, int]]:
    """Each element's place as the parser's own stream.position() gives it."""
    seen: list[Any] = []
    original = html_parser.HTMLParser.parse

    class Spy(markup._Builder):  # type: ignore[misc,name-defined]
        def _note(self, element: Any) -> Any:
            seen.append(self.spy())
            return super()._note(element)

    parser = html_parser.HTMLParser(namespace_html_elements=True)
    builder = Spy(True)
    builder.positions = {}
    builder.where = lambda: (0, 0)
    builder.spy = lambda: parser.tokenizer.stream.position()
    parser.tree = builder
    parser.phases = {name: cls(parser, builder) for name, cls in html_parser._phases.items()}
    original(parser, text, scripting=True)  # as markup.parse reads it
    return seen


def _counted_positions(text: str) -> list[tuple[int, int]]:
    seen: list[tuple[int, int]] = []
    original = markup._Where.__call__

    def spy(self: Any) -> tuple[int, int]:
        found = original(self)
        seen.append(found)
        return found

    markup._Where.__call__ = spy  # type: ignore[method-assign]
    try:
        markup.parse(text)
    finally:
        markup._Where.__call__ = original  # type: ignore[method-assign]
    return seen


@settings(max_examples=150, deadline=None)
@given(documents)
def test_positions_are_those_the_stream_gives(text: str) -> None:
    """Counting on from the last element gives the same places as the stream's own count
    from the start of its chunk, across chunks, line ends and steps back."""
    assert _counted_positions(text) == _stream_positions(text)


def test_elements_far_into_a_long_document_have_their_lines() -> None:
    text = "<p>x</p>\n" * 5000 + "<em>last</em>"
    _, elements = markup.parse(text)
    em = [e for e in elements if e.name == "em"]
    assert [(e.line, e.col) for e in em] == [(5001, 4)]  # just after the start tag
