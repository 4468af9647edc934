"""The Markdown reader: the file's lines, one for one, with the markup taken out."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.matching import SourceText, find_quote
from briefgen.readers import LINE, ReaderError
from briefgen.readers.markdown import extract


def read(source: str) -> list[str]:
    return extract(source.encode()).text.split("\n")


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("Spending is **2.3%** of GDP", "Spending is 2.3% of GDP"),
        (
            "an *emphasised* and __strong__ and _light_ word",
            "an emphasised and strong and light word",
        ),
        ("snake_case_name, 2*3 and 4 * 5 stay", "snake_case_name, 2*3 and 4 * 5 stay"),
        ("a_b_c and x__y__z", "a_b_c and x__y__z"),
        ("~~struck~~ out", " out"),  # struck-through words are withdrawn
        ("run `pip install` now", "run pip install now"),
        ("see [the report](https://example.org/r 'Title') here", "see the report here"),
        ("a ![chart of spending](chart.png) b", "a chart of spending b"),
        (
            "mail <https://example.org/x> or <a@example.org>",
            "mail https://example.org/x or a@example.org",
        ),
        ("## A heading ##", "A heading"),
        ("> quoted words", "quoted words"),
        ("> > twice quoted", "twice quoted"),
        ("- a bullet", "a bullet"),
        ("12. a numbered item", "a numbered item"),
        ("* [x] starred", "[x] starred"),
        ("a <span class='x'>tagged</span> word", "a tagged word"),
        (
            r"escaped \*stars\* and \_under\_ and \[brackets\]",
            "escaped *stars* and _under_ and [brackets]",
        ),
        ("R&amp;D &pound;2 &#8217;", "R&D £2 ’"),
        ("trailing spaces  ", "trailing spaces"),
    ],
)
def test_markup_is_removed_within_a_line(markdown: str, text: str) -> None:
    assert read(markdown) == [text]


def test_structure_keeps_every_line_in_place() -> None:
    source = "\n".join(
        [
            "Title",  # 1
            "=====",  # 2 setext underline
            "",  # 3
            "A paragraph with a [reference link][r]",  # 4
            "that runs on to a second line.",  # 5
            "",  # 6
            "[r]: https://example.org/ref",  # 7 reference definition
            "| Country | Share |",  # 8
            "|---------|------:|",  # 9
            "| UK      | **2.3%** |",  # 10
            "",  # 11
            "```python",  # 12
            "print('code kept')",  # 13
            "```",  # 14
            "<div class='note'>",  # 15
            "<p>Block <b>HTML</b> &amp; text</p><!-- a",  # 16
            "comment -->",  # 17
            "<script>var hidden = 1;",  # 18
            "</script>",  # 19
            "</div>",  # 20
            "",  # 21
            "    indented code",  # 22
            "",  # 23
            "- item one",  # 24
            "  lazy continuation",  # 25
            "1. first",  # 26
            "Hard break\\",  # 27
            "after it",  # 28
            "",  # 29
        ]
    )
    got = read(source)
    assert got == [
        "Title",
        "",
        "",
        "A paragraph with a reference link",
        "that runs on to a second line.",
        "",
        "",
        "Country | Share",
        "",
        "UK | 2.3%",
        "",
        "",
        "print('code kept')",
        "",
        "",
        "Block HTML & text",
        "",
        "",
        "",
        "",
        "",
        "indented code",
        "",
        "item one",
        "lazy continuation",
        "first",
        "Hard break",
        "after it",
        "",
    ]


@pytest.mark.parametrize("ending", ["\r\n", "\r"])
def test_other_line_endings_count_as_lines(ending: str) -> None:
    assert read(ending.join(["# One", "**two**", "three"])) == ["One", "two", "three"]


def test_a_byte_order_mark_is_not_part_of_line_one() -> None:
    assert extract(b"\xef\xbb\xbf# Heading\n").text == "Heading\n"


def test_a_code_span_over_a_line_break_keeps_the_line_count() -> None:
    got = read("before `a\nb` after\nnext paragraph line\n\nlast")
    assert got == ["before a b after next paragraph line", "", "", "", "last"]


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (b"line one\ncaf\xe9\n", "line 2, column 4"),
        ("\ufeffabc".encode("utf-16-le"), "UTF-16"),
        (b"a\nb\x00c", "line 2, column 2"),
    ],
)
def test_text_that_is_not_utf8_is_an_error_with_its_place(data: bytes, where: str) -> None:
    with pytest.raises(ReaderError, match=where):
        extract(data)


def test_quotes_match_the_rendered_words_at_the_right_line() -> None:
    source = (
        "# Defence spending\n\n"
        "The UK spends **around 2.3%** of [GDP](https://example.org) on defence,\n"
        "and is committed to *2.5%*.\n\n"
        "[Share this article](https://example.org/share)\n"
    )
    got = extract(source.encode())
    assert got.unit == LINE
    text = SourceText(got.text)
    span = find_quote("spends around 2.3% of GDP on defence, and is committed to 2.5%", text).span
    assert span is not None
    assert (span.line, span.end_line) == (3, 4)
    assert got.place(span.line, span.end_line) == "lines 3–4"
    assert find_quote("2.3%", text).span is not None
    assert find_quote("**around 2.3%**", text).span is None  # the markup is not text
    assert find_quote("example.org", text).span is None  # nor are link targets


_WORD = st.from_regex(r"[A-Za-z0-9,;?'’£%]{1,10}", fullmatch=True).filter(
    lambda w: not w[0].isdigit() or not w.rstrip("0123456789")  # "12." would be a list
)
_LINE = st.lists(_WORD, min_size=1, max_size=6).map(" ".join)


@given(st.lists(st.one_of(_LINE, st.just("")), max_size=20))
@settings(max_examples=200, deadline=None)
def test_plain_text_is_unchanged(rows: list[str]) -> None:
    source = "\n".join(rows)
    assert extract(source.encode()).text == source


_MARKUP = st.lists(
    st.sampled_from([*"ab 12*_`[]()!<>#>-+|=~\\&;:/.\n\r\t\"'", "**", "```", "<a>", "    "]),
    max_size=120,
).map("".join)


@given(_MARKUP)
@settings(max_examples=300, deadline=None)
def test_the_line_count_is_the_files(source: str) -> None:
    got = extract(source.encode())
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    assert got.text.count("\n") == len(lines) - 1
    for line, original in zip(got.text.split("\n"), lines, strict=True):
        if not original.strip():
            assert line == ""  # a blank line of the file stays blank


def test_image_alt_text_over_two_lines_keeps_the_lines_after_it() -> None:
    assert read("![alt\ntext](x)\n\nline three has words here") == [
        "alt",
        "text",
        "",
        "line three has words here",
    ]


def test_a_quote_cannot_run_from_one_table_cell_into_the_next() -> None:
    table = (
        "| Country | 2023 | 2024 |\n|---|---|---|\n| UK | 2.1% | 2.3% |\n| France | 1.9% | 2.0% |\n"
    )
    text = SourceText(extract(table.encode()).text)
    for quote in ("2024 UK 2.1%", "2.3% France 1.9%", "UK 2.1% 2.3%"):
        assert find_quote(quote, text).span is None, quote
    assert find_quote("UK | 2.1% | 2.3%", text).span is not None  # as the row reads


@pytest.mark.parametrize(
    ("line", "quote"),
    [
        (
            "The UK spends **about 2.3%** of [its GDP](https://x.example/a-long-url) on defence.",
            "on defence",
        ),
        (
            "The UK spends **about 2.3%** of [its GDP](https://x.example/a-long-url) on defence.",
            "about 2.3%",
        ),
        ("| UK | **2.3%** | 2.5% |", "2.5%"),
        ("Fish &amp; chips are *served* daily, `code here` too.", "served daily"),
        ("Fish &amp; chips are *served* daily, `code here` too.", "code here too"),
        ("See ![the chart](chart.png) and <https://example.org/a> for more.", "for more"),
    ],
)
def test_a_quote_s_column_is_where_it_stands_in_the_file(line: str, quote: str) -> None:
    source = f"# Title\n\n{line}\n"
    text = SourceText(extract(source.encode()).text, extracted=extract(source.encode()))
    span = find_quote(quote, text).span
    assert span is not None and span.line == 3
    first_word = quote.split()[0]
    assert line[span.col - 1 :].startswith(first_word), (span.col, line[span.col - 1 :])
    last_word = quote.split()[-1]
    assert line[: span.end_col].endswith(last_word), (span.end_col, line[: span.end_col])


def test_a_long_link_target_is_passed_over_for_the_column() -> None:
    line = "Spending [rose](https://example.org/" + "x" * 300 + ") on defence today."
    source = f"# Title\n\n{line}\n"
    text = SourceText(extract(source.encode()).text, extracted=extract(source.encode()))
    span = find_quote("on defence today", text).span
    assert span is not None and line[span.col - 1 :].startswith("on defence")


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("A budget of 10<sup>6</sup> euros.", "A budget of 10⁶ euros."),
        ("CO<sub>2</sub> and troops<sup><b>1</b></sup> went.", "CO₂ and troops¹ went."),
        ("The UK will <span style='display:none'>not </span>send.", "The UK will send."),
        ("The UK will <span hidden>not </span>send.", "The UK will send."),
        ("It <span style='opacity: 0'>never </span>rose.", "It rose."),  # as a web page's
        ("It <span style='opacity: .5'>always </span>rose.", "It always rose."),
        ("It <span style='color:transparent'>never </span>rose.", "It rose."),
        ('It <span style="left: -9999px; position: absolute">never </span>rose.', "It rose."),
        ("It <span style='font-size: 1px'>never </span>rose.", "It rose."),
        ("The UK will ~~not~~ send.", "The UK will  send."),
        ("It was <del>not</del> agreed.", "It was  agreed."),
        ("<template>\nThe UK will never send troops.\n</template>", "\n\n"),
        ("<div hidden>Secret words</div>", ""),
        ("<noscript>No script words</noscript>", ""),
    ],
)
def test_text_a_reader_of_the_rendered_page_never_sees_is_left_out(
    markdown: str, expected: str
) -> None:
    assert extract(markdown.encode()).text == expected


def test_a_footnote_marker_goes_and_the_note_reads_as_one() -> None:
    text = extract(b"Russia sent 500 troops[^1] to the border.\n\n[^1]: A note.\n").text
    assert text.split("\n") == [
        "Russia sent 500 troops to the border.",
        "",
        "Footnote 1: A note.",
        "",
    ]
    assert find_quote("500 troops to the border", SourceText(text)).span is not None


def test_an_html_block_is_read_in_one_pass_whatever_its_tags() -> None:
    block = "<div>\nA <sup>6</sup> b <del>no</del> c <span hidden>h <span>i</span> j</span> d\n"
    block += "<template>\nx\n</template>\ne &amp; f <sup>2 <b>3</b></sup>\n</div>\n"
    assert extract(block.encode()).text.split("\n") == [
        "",
        "A ⁶ b c d",
        "",
        "",
        "",
        "e & f ² ³",
        "",
        "",
    ]
    many = ("<div>\n" + "<sup>1 <del>x " * 5000 + "\n</div>\n").encode()  # none closed
    assert extract(many).text.split("\n")[1] == "¹"  # what follows the first <del> is unseen


@pytest.mark.parametrize(
    ("quote", "found"),
    [
        ("Troops withdrawn from Ukraine is what Russia demands", False),  # heading into text
        ("Alpha said no Beta said yes", False),  # one list item into the next
        ("Germany | 5,000 France | 3,000", False),  # one table row into the next
        ("line runs on into the next", True),  # a hard-wrapped paragraph reads on
        ("is what Russia demands", True),
    ],
)
def test_a_quote_stays_within_one_block_of_a_markdown_file(quote: str, found: bool) -> None:
    md = (
        b"## Troops withdrawn from Ukraine\nis what Russia demands.\n\n- Alpha said no\n"
        b"- Beta said yes\n\n| a | b |\n|---|---|\n| Germany | 5,000 |\n| France | 3,000 |\n\n"
        b"A hard-wrapped line\nruns on into the next.\n"
    )
    extracted = extract(md)
    text = SourceText(extracted.text, extracted=extracted)
    assert (find_quote(quote, text).span is not None) == found
