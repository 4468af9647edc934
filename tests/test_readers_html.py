"""The reader of saved web pages: the article's text, one paragraph a line, and nothing else."""

from __future__ import annotations

import html
import http.server
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.matching import SourceText, find_quote
from briefgen.readers import PARAGRAPH, ReaderError
from briefgen.readers.html import MAX_DEPTH, extract
from conftest import ROOT

SAMPLE = ROOT / "sources/london-summit-page.html"


def page(body: str, head: str = "") -> bytes:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>".encode()


def lines(data: bytes) -> list[str]:
    return extract(data).text.split("\n")


def found(quote: str, text: str) -> bool:
    return find_quote(quote, SourceText(text)).span is not None


# the sample page ------------------------------------------------------------------------------


def test_the_sample_page_is_reproduced_by_its_script(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "scripts/make-sample-html"), str(tmp_path)],
        check=True,
        capture_output=True,
    )
    assert (tmp_path / SAMPLE.name).read_bytes() == SAMPLE.read_bytes()


@pytest.mark.parametrize(
    "boilerplate",
    [
        "We use cookies to make this site work",
        "Accept all cookies",
        "Skip to main content",
        "World",
        "Share on social media",
        "Related stories",
        "US pauses military aid to Ukraine after Oval Office clash",
        "Sign up for our morning briefing",
        "Comments are closed for this article",
        "Advertisement",
        "Topics: Ukraine",
        "This page is a sample written for the briefgen sample workspace",
        "Script text is never part of the article",
        "Styles are not text",
        "Sample News is not a real publication",
    ],
)
def test_the_sample_pages_boilerplate_cannot_be_cited(boilerplate: str) -> None:
    text = extract(SAMPLE.read_bytes()).text
    assert boilerplate.lower() not in text.lower()
    assert not found(boilerplate, text)


def test_the_sample_pages_article_is_one_numbered_paragraph_per_line() -> None:
    got = extract(SAMPLE.read_bytes())
    assert got.unit == PARAGRAPH
    assert got.title == "Leaders agree four steps on Ukraine at London summit"
    assert got.published == "2025-03-02"
    text = got.text.split("\n")
    assert got.marks == tuple((n, 0) for n in range(1, len(text) + 1))
    assert text[0] == got.title  # the article's own header is kept
    source = SourceText(got.text)
    for quote, para in [
        ("Lancaster House in London on Sunday 2 March", 3),
        ("This is not a moment for more talk. It's time to act.", 5),
        ("to develop a 'coalition of the willing' to defend a deal and guarantee the peace", 7),
        ("£1.6 billion of export finance for Ukraine to buy more than 5,000 air defence", 9),
        ("A coalition of the willing to defend a deal", 14),
    ]:
        span = find_quote(quote, source).span
        assert span is not None, quote
        assert got.place(span.line, span.end_line) == f"para. {para}"


def test_a_quote_across_two_paragraphs_names_both() -> None:
    got = extract(
        page("<article><p>The first one ends here.</p><p>The second goes on.</p></article>")
    )
    span = find_quote("ends here. The second", SourceText(got.text)).span
    assert span is not None
    assert got.place(span.line, span.end_line) == "paras. 1–2"


# the rule -------------------------------------------------------------------------------------


def test_boilerplate_by_tag_role_state_and_name() -> None:
    body = """
      <nav>Nav tag</nav><header>Site header</header><aside>Aside</aside><footer>Foot</footer>
      <form>Form text</form><noscript>Enable scripts</noscript><template>Tmpl</template>
      <div role="navigation">Role nav</div><div role="banner">Role banner</div>
      <div role="contentinfo">Role info</div><div role="complementary">Role aside</div>
      <div hidden>Hidden</div><div aria-hidden="true">Aria hidden</div>
      <div style="color: red; display : none">Styled away</div>
      <div id="gdpr-notice">Consent id</div><div class="site-menu">Menu class</div>
      <div class="social_share">Share class</div><div class="newsletter">News class</div>
      <ul class="breadcrumbs"><li>Crumb</li></ul><div class="ad-slot">Ad class</div>
      <section aria-label="Related content">Related label</section>
      <div class="mainNav">Camel case</div><div class="cookiebanner">Stem</div>
      <div class="site-footer">Footer class</div><div id="masthead">Masthead</div>
      <div class="header-wrapper">Page header class</div>
      <div class="gem-c-feedback"><h2>Is this page useful?</h2></div>
      <p class="loading lead">Kept: loading and lead are not ad or nav</p>
      <p class="shadow navy">Kept: shadow and navy are other words</p>
    """
    assert lines(page(body)) == [
        "Kept: loading and lead are not ad or nav",
        "Kept: shadow and navy are other words",
    ]


def test_an_articles_own_header_is_kept() -> None:
    body = """<header>Page header</header><div class="top-header">Page header class</div>
      <article><header><h1>Headline</h1></header><div class="story-header">Byline</div>
      <p>Text.</p></article>"""
    assert lines(page(body)) == ["Headline", "Byline", "Text."]


def test_an_element_named_like_boilerplate_that_holds_the_article_is_kept() -> None:
    body = '<div class="menu-wrapper"><article class="comments-open"><p>Story text.</p></article></div>'
    assert lines(page(body)) == ["Story text."]


def test_the_largest_article_is_the_main_text() -> None:
    body = """
      <article><h2>Teaser</h2><p>Short.</p></article>
      <article><h1>Main story</h1><p>A much longer paragraph of the main story itself.</p></article>
      <aside><article><p>An even longer teaser paragraph that sits in an aside and so is dropped.</p></article></aside>
    """
    got = extract(page(body, "<title>Page title</title>"))
    assert got.text == "Main story\nA much longer paragraph of the main story itself."
    assert got.title == "Main story"
    assert "largest <article>" in got.notes[0]


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ("<p>Outside.</p><main><p>Inside.</p></main>", "<main>"),
        ('<p>Outside.</p><div role="main"><p>Inside.</p></div>', 'role="main"'),
        ("<p>Inside.</p>", "<body>"),
    ],
)
def test_without_an_article_main_then_role_main_then_body(body: str, where: str) -> None:
    got = extract(page(body))
    assert got.text == "Inside."
    assert got.notes[0] == f"main text: {where}"


def test_blocks_lines_tables_and_inline_whitespace() -> None:
    body = """<article>
      <h2>Heading</h2>
      <p>One <b>bold</b>   and
         <a href="x">linked</a><br>after a break.</p>
      Loose text in the article
      <div>Loose text in a div</div>
      <ul><li>Item one<ul><li>Nested item</li></ul></li><li><p>Item with a p</p></li></ul>
      <blockquote><p>Quoted one.</p><p>Quoted two.</p></blockquote>
      <pre>  pre   text
      kept on one line</pre>
      <dl><dt>Term</dt><dd>Definition</dd></dl>
      <table><caption>Spending</caption><tr><th>Country</th><th>Share</th></tr>
      <tr><td><p>United</p><p>Kingdom</p></td><td>2.3%</td></tr><tr><td></td><td>Alone</td></tr></table>
      <figure><img src="x.png" alt="Not text"><figcaption>A caption</figcaption></figure>
    </article>"""
    assert lines(page(body)) == [
        "Heading",
        "One bold and linked after a break.",
        "Loose text in the article",
        "Loose text in a div",
        "Item one",
        "Nested item",
        "Item with a p",
        "Quoted one.",
        "Quoted two.",
        "pre text kept on one line",
        "Term",
        "Definition",
        "Spending",
        "Country | Share",
        "United Kingdom | 2.3%",
        "Alone",
        "A caption",
    ]
    text = extract(page(body)).text
    assert found("United Kingdom", text)
    assert not found("Country Share", text)  # a quote across cells does not match


def test_an_inline_quotation_has_the_marks_a_browser_shows() -> None:
    text = extract(page("<p>He called it <q>utter folly</q> to go alone.</p>")).text
    assert text == "He called it “utter folly” to go alone."
    assert found("He called it 'utter folly' to go", text)


def test_inline_elements_join_without_a_space() -> None:
    body = "<p><span>Ukraine</span><span>’s</span> GDP<sup>1</sup> fell 2.<b>3</b>%</p>"
    assert lines(page(body)) == ["Ukraine’s GDP¹ fell 2.3%"]  # a raised note number stays raised


def test_entities_are_decoded() -> None:
    body = "<p>R&amp;D &pound;2&nbsp;billion, caf&eacute;, it&#8217;s &#x2014; &lt;tag&gt;</p>"
    assert lines(page(body)) == ["R&D £2 billion, café, it’s — <tag>"]


@pytest.mark.parametrize(
    "data",
    [
        '<meta charset="windows-1252"><p>It\x92s \x80 5</p>'.encode("latin-1"),
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252"><p>It\x92s \x80 5</p>'.encode(
            "latin-1"
        ),
        "\ufeff<p>It’s € 5</p>".encode("utf-16-le"),
        "<p>It’s € 5</p>".encode(),  # no charset declared: UTF-8
        b"\xef\xbb\xbf<p>It\xe2\x80\x99s \xe2\x82\xac 5</p>",
    ],
)
def test_the_declared_charset_is_honoured(data: bytes) -> None:
    assert lines(data) == ["It’s € 5"]


def test_title_and_date_fall_back_in_order() -> None:
    head = '<title>Title tag</title><meta property="og:title" content="OG  title">'
    assert extract(page("<p>x</p>", head)).title == "OG title"
    assert extract(page("<h1>Heading</h1><p>x</p>", "<title>Title tag</title>")).title == "Heading"
    assert extract(page("<p>x</p>", "<title> Title\n tag </title>")).title == "Title tag"
    assert extract(page("<p>x</p>")).title is None

    def date(body: str, head: str = "") -> str | None:
        return extract(page(body + "<p>x</p>", head)).published

    meta = '<meta property="article:published_time" content="2025-03-02T10:00:00Z">'
    assert date('<time datetime="2025-01-01">x</time>', meta) == "2025-03-02"
    other = '<meta name="DC.date.issued" content="2025-01-05"><meta name="pubdate" content="2025-01-06">'
    assert date("", other) == "2025-01-05"
    assert date("", other + meta) == "2025-03-02"
    govuk = '<meta name="govuk:first-published-at" content="2025-03-02T17:15:00+00:00">'
    assert date("", govuk) == "2025-03-02"
    assert (
        date('<nav><time datetime="2024-12-31">n</time></nav><time datetime="2025-01-01">x</time>')
        == "2025-01-01"
    )
    assert date('<span itemprop="datePublished" content="2025-02-03">x</span>') == "2025-02-03"
    ld = '<script type="application/ld+json">{"@graph": [{"@type": "WebPage"}, {"datePublished": "2025-02-04T09:00"}]}</script>'
    assert date("", ld) == "2025-02-04"
    assert date("", '<script type="application/ld+json">{not json</script>') is None
    assert date("", '<script type="application/ld+json">' + "[" * 100_000 + "</script>") is None
    assert date('<time datetime="2025-02-30">x</time>') is None
    assert date('<time datetime="soon">x</time>') is None


@given(
    st.lists(
        st.lists(
            st.from_regex(r"[A-Za-z0-9£%.,;:'’-]{1,12}", fullmatch=True), min_size=1, max_size=8
        ),
        min_size=1,
        max_size=8,
    )
)
@settings(max_examples=60, deadline=None)
def test_every_paragraph_is_one_line_in_order(paragraphs: list[list[str]]) -> None:
    texts = [" ".join(words) for words in paragraphs]
    body = (
        "<nav><p>Menu words</p></nav><div class='cookie-consent'><p>Cookie words</p></div>"
        + "<article>"
        + "".join("<p>\n  " + html.escape(t).replace(" ", " \n ") + "  </p>" for t in texts)
        + "</article><footer><p>Footer words</p></footer>"
    )
    got = extract(page(body))
    assert got.text.split("\n") == texts
    assert got.marks == tuple((n, 0) for n in range(1, len(texts) + 1))


# (not <sup> or <sub>: their digits are written raised or lowered, as a text source has them)
@given(
    st.from_regex(r"[A-Za-z0-9£%.,'’]+( [A-Za-z0-9£%.,'’]+){0,8}", fullmatch=True),
    st.lists(st.tuples(st.integers(0, 200), st.sampled_from(["span", "b", "em", "a", "i"]))),
)
@settings(max_examples=100, deadline=None)
def test_inline_elements_do_not_change_a_paragraphs_text(
    text: str, cuts: list[tuple[int, str]]
) -> None:
    pieces, opened, last = [], [], 0
    for at, tag in sorted((min(at, len(text)), tag) for at, tag in cuts):
        pieces += [html.escape(text[last:at]), f"<{tag}>"]
        opened.append(tag)
        last = at
    pieces.append(html.escape(text[last:]))
    marked = "".join(pieces) + "".join(f"</{tag}>" for tag in reversed(opened))
    assert lines(page(f"<article><p>{marked}</p></article>")) == [text]


# hostile pages --------------------------------------------------------------------------------


def test_a_page_nested_too_deep_is_refused_before_it_is_parsed() -> None:
    deep = b"<div>" * 200_000 + b"deep" + b"</div>" * 200_000
    with pytest.raises(ReaderError, match="nests elements more than"):
        extract(deep)
    ok = MAX_DEPTH - 10
    assert lines(b"<div>" * ok + b"<p>deep</p>" + b"</div>" * ok) == ["deep"]


def test_many_unclosed_paragraphs_are_not_depth() -> None:
    assert len(lines(b"<li><p>x" * 5_000)) == 10_000 // 2


@pytest.mark.parametrize(
    "data", [b"", b"<html><body></body></html>", page("<nav>Only a menu</nav>")]
)
def test_a_page_without_text_is_an_error(data: bytes) -> None:
    with pytest.raises(ReaderError, match="no text was found"):
        extract(data)


def test_an_oversized_page_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("briefgen.readers.html.MAX_BYTES", 1_000)
    with pytest.raises(ReaderError, match="over the 1,000"):
        extract(page("<p>" + "word " * 500 + "</p>"))


@given(st.binary(max_size=2_000))
@settings(max_examples=150, deadline=None)
def test_any_bytes_give_text_or_a_reader_error(data: bytes) -> None:
    try:
        got = extract(data)
    except ReaderError:
        return
    assert got.text and len(got.marks) == got.text.count("\n") + 1


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []  # noqa: RUF012 - shared by the handler instances of one test

    def do_GET(self) -> None:
        self.requests.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Recorder.requests = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_nothing_the_page_links_to_is_fetched(server: str) -> None:
    head = (
        f'<link rel="stylesheet" href="{server}/style.css"><script src="{server}/app.js"></script>'
        f'<meta http-equiv="refresh" content="0; url={server}/refresh"><base href="{server}/">'
        f'<style>@import url("{server}/import.css");</style>'
    )
    body = (
        f'<img src="{server}/img.png"><iframe src="{server}/frame"></iframe>'
        f'<object data="{server}/obj"></object><video src="{server}/v.mp4"></video>'
        f'<p style="background: url({server}/bg.png)">Text.</p>'
    )
    assert lines(page(body, head)) == ["Text."]
    # the server answers when asked: the page's links were simply never followed
    with urllib.request.urlopen(f"{server}/probe", timeout=5):
        pass
    assert _Recorder.requests == ["/probe"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<p>A budget of 10<sup>6</sup> euros.</p>", "A budget of 10⁶ euros."),
        ("<p>CO<sub>2</sub> and troops<sup>1</sup> went.</p>", "CO₂ and troops¹ went."),
        ("<p>The 1<sup>st</sup> brigade.</p>", "The 1st brigade."),
        ("<p>The UK will <span class='x'>not </span>send troops.</p>", "The UK will send troops."),
        ("<p>The UK will <span class='d-none'>not </span>send.</p>", "The UK will send."),
        ("<p>It <span style='opacity:0'>never</span> rose.</p>", "It rose."),
        ("<p>It <span style='opacity: 0.04'>never</span> rose.</p>", "It rose."),
        ("<p>It <span style='opacity:.01;color:red'>never</span> rose.</p>", "It rose."),
        ("<p>It <span style='opacity: 5%'>never</span> rose.</p>", "It rose."),
        ("<p>It <span style='font-size: 0px'>never</span> rose.</p>", "It rose."),
        ("<p>It <span style='opacity: 0.5'>always</span> rose.</p>", "It always rose."),
        ("<p>It <span style='opacity: 0.1'>always</span> rose.</p>", "It always rose."),
        ("<p>It <span style='opacity: 50%'>always</span> rose.</p>", "It always rose."),
        ("<p>It <span style='visibility:collapse'>never</span> rose.</p>", "It rose."),
        ("<p>It was <del>not</del> <s>never</s> <strike>no</strike> agreed.</p>", "It was agreed."),
        ("<p><ruby>UK<rt>yu-kei</rt></ruby> troops.</p>", "UK troops."),
        (
            "<center>Troops deployed: 5</center><center>000 reservists</center>",
            "Troops deployed: 5\n000 reservists",
        ),
        ("<fieldset><legend>Plan</legend>Agreed text</fieldset>", "Plan\nAgreed text"),
        # hidden by a style in the other ways pages hide words
        ("<p>It <span style='color: transparent'>never</span> rose.</p>", "It rose."),
        ("<p>It <span style='font-size:1px'>never</span> rose.</p>", "It rose."),
        ("<p>It <span style='font-size: 0.05em'>never</span> rose.</p>", "It rose."),
        ("<p>It <span style='transform: scale(0)'>never</span> rose.</p>", "It rose."),
        ("<p>It <span style='position:absolute; left:-9999px'>never</span> rose.</p>", "It rose."),
        ("<p>It <span style='text-indent: -10000px'>never</span> rose.</p>", "It rose."),
        (
            "<p>It <span style='clip: rect(0 0 0 0); position: absolute'>never</span> rose.</p>",
            "It rose.",
        ),
        ("<p>It <span style='clip-path: inset(50%)'>never</span> rose.</p>", "It rose."),
        # ... and what those styles do not hide
        ("<p>It <span style='font-size: 12px'>always</span> rose.</p>", "It always rose."),
        ("<p>It <span style='font-size: 0.8em'>always</span> rose.</p>", "It always rose."),
        ("<p>It <span style='margin-left: -20px'>always</span> rose.</p>", "It always rose."),
        ("<p>It <span style='transform: scale(0.9)'>always</span> rose.</p>", "It always rose."),
        (  # a gradient painted through the letters
            "<p>It <span style='background-clip: text; color: transparent'>always</span> rose.</p>",
            "It always rose.",
        ),
    ],
)
def test_text_is_read_as_a_reader_of_the_page_sees_it(body: str, expected: str) -> None:
    assert extract(_article(".x { display: none }", body)).text == "Head\n" + expected


@pytest.mark.parametrize(
    ("style", "body", "expected"),
    [
        ("@media print { .qq { display: none } }", "It <span class='qq'>never</span> rose.", "It never rose."),
        ("@media print { .qq{display:none} } .zz{display:none}", "It <b class='zz'>never</b> rose.", "It rose."),
        ("", "It <span style='font-size: ;'>always</span> rose.", "It always rose."),
        ("", "It <span class='hidden md:inline'>always</span> rose.", "It always rose."),
        ("", "It <span class='d-none d-md-block'>always</span> rose.", "It always rose."),
        (".off { position: absolute; left: -10000px }", "It <span class='off'>never</span> rose.", "It rose."),
        (".sr { clip: rect(1px, 1px, 1px, 1px) }", "It <span class='sr'>never</span> rose.", "It rose."),
        # a class hidden, then shown again by a rule naming more of the element's classes
        (".tab { display: none } .tab.active { display: block }", "<span class='tab active'>It</span> <span class='tab'>never</span> rose.", "It rose."),
        (".fade { opacity: 0 } .fade.in { opacity: 1 }", "It <span class='fade in'>always</span> rose.", "It always rose."),
        (".fade.in { opacity: 1 } .fade { opacity: 0 }", "It <span class='fade in'>always</span> rose.", "It always rose."),
        (".x { display: none } .x { display: inline }", "It <span class='x'>always</span> rose.", "It always rose."),
        (".x { display: inline } .x { display: none }", "It <span class='x'>never</span> rose.", "It rose."),
        # a rule for one tag hides that tag only
        ("table.mobile { display: none }", "It <span class='mobile'>always</span> rose.", "It always rose."),
        ("span.mobile { display: none }", "It <span class='mobile'>never</span> rose.", "It rose."),
        # the built-in hiding classes, shown again by the page's own rules
        (".sr-only.focusable { position: static }", "It <span class='hidden shown'>never</span> rose.", "It rose."),
        (".hidden.open { display: block }", "It <span class='hidden open'>always</span> rose.", "It always rose."),
        # comments and statements between rules
        (".t { display: none } /* the open one */ .t.a { display: block }", "It <span class='t a'>always</span> rose.", "It always rose."),
        ('@charset "utf-8"; .t { display: none }', "It <span class='t'>never</span> rose.", "It rose."),
        ("<!-- .t { display: none } -->", "It <span class='t'>never</span> rose.", "It rose."),
        # !important wins over a more specific rule
        (".t { display: none !important } .t.a { display: block }", "It <span class='t a'>never</span> rose.", "It rose."),
        # a rule not followed here may show it: a mobile-first page, an id, a descendant
        (".p { display: none } @media (min-width: 768px) { .p { display: block } }", "It <span class='p'>always</span> rose.", "It always rose."),
        (".p { display: none } #one { display: block }", "It <span class='p' id='one'>always</span> rose.", "It always rose."),
        (".p { display: none } .js .p { display: block }", "It <span class='p'>always</span> rose.", "It always rose."),
        # shown by its own style (a page saved after a script showed it)
        (".faq { display: none }", "It <span class='faq' style='display: inline'>always</span> rose.", "It always rose."),
        # Bootstrap's invisible (visibility), undone inside; Foundation's show-for-sr hides
        ("", "<span class='invisible'>never <b style='visibility: visible'>It</b></span> rose.", "It rose."),
        ("", "It <span class='show-for-sr'>never</span> rose.", "It rose."),
        # a font size set for the elements inside by a rule not followed here
        (".g { font-size: 0 } .g > b { font-size: 16px }", "<span class='g'><b>It</b> <b>rose.</b></span>", "It rose."),
    ],
)  # fmt: skip
def test_text_shown_on_a_desktop_screen_is_kept(style: str, body: str, expected: str) -> None:
    assert extract(_article(style, f"<p>{body}</p>")).text == "Head\n" + expected


@pytest.mark.parametrize("media", ["print", "(min-width: 60em)", "screen and (max-width: 30em)"])
def test_a_style_element_for_print_or_some_screens_hides_nothing(media: str) -> None:
    page = (
        f"<html><head><style media='{media}'>.q {{ display: none }}</style></head><body>"
        "<article><h1>Head</h1><p>It <span class='q'>always</span> rose.</p></article></body></html>"
    )
    assert extract(page.encode()).text == "Head\nIt always rose."


@pytest.mark.parametrize(
    ("style", "body", "expected"),
    [
        # inline blocks in a row set to font-size 0 (to close the gaps between them)
        ("", "<div style='font-size:0'><span style='font-size:16px'>It</span> <span style='font-size:1rem'>rose.</span>x</div>", "It rose."),
        (".row{font-size:0} .col{display:inline-block;font-size:1rem}", "<div class='row'><div class='col'>It rose.</div>x</div>", "It rose."),
        # shown again inside a box that is not visible
        ("", "<div style='visibility:hidden'>never <p style='visibility:visible'>It rose.</p></div>", "It rose."),
        (".v{visibility:visible} .h{visibility:hidden}", "<div class='h'>never <p class='v'>It rose.</p></div>", "It rose."),
        # and not where nothing undoes them
        ("", "<p>It <span style='font-size:0'>never <b>ever</b></span>rose.</p>", "It rose."),
        (".h{visibility:hidden}", "<p>It <span class='h'>never <b>ever</b></span>rose.</p>", "It rose."),
    ],
)  # fmt: skip
def test_a_font_size_or_visibility_an_element_inside_undoes_is_undone(
    style: str, body: str, expected: str
) -> None:
    extracted = extract(_article(style, body))
    assert extracted.text == "Head\n" + expected
    assert "never" in extracted.hidden[0][1] or "x" in extracted.hidden[0][1]


def _article(style: str, body: str) -> bytes:
    """A page of one article headed "Head", with `style` as its stylesheet."""
    return (
        f"<html><head><style>{style}</style></head><body><article><h1>Head</h1>{body}"
        "</article></body></html>"
    ).encode()


@pytest.mark.parametrize(
    ("style", "body"),
    [
        ("", "It <span style='display:/**/none'>never</span> rose."),
        ("", "It <span style='d\\isplay: none'>never</span> rose."),
        ("", "It <span style='display: n\\one'>never</span> rose."),
        ("", "It <span style='\\64 isplay: none'>never</span> rose."),
        (".b { d\\isplay: none }", "It <span class='b'>never</span> rose."),
        (".c { display: no\\ne }", "It <span class='c'>never</span> rose."),
        (".d { display: /* closed */ none }", "It <span class='d'>never</span> rose."),
    ],
)
def test_css_comments_and_escapes_are_read_as_a_browser_reads_them(style: str, body: str) -> None:
    """A browser reads "display:/**/none" and "d\\isplay:none" as display:none: the word
    was read as the page's, and a quote of it verified."""
    assert extract(_article(style, body)).text == "Head\nIt rose."


def test_a_comment_inside_a_property_name_is_no_property(  # as in a browser
) -> None:
    body = "It <span style='d/**/isplay: none'>always</span> rose."
    assert extract(_article("", body)).text == "Head\nIt always rose."
