"""Web page words set in the colour of what is behind them are not read, and cannot be cited."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import brief_citing
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from briefgen.readers.base import hides
from briefgen.readers.html import extract
from briefgen.readers.markdown import extract as extract_markdown
from conftest import build_tree, run_cli


def _read(body: str, head: str = "") -> str:
    page = f"<html><head>{head}</head><body>{body}</body></html>"
    return extract(page.encode()).text


@pytest.mark.parametrize(
    ("body", "head"),
    [
        ("<p>It <span style='color:#fff'>never</span> rose.</p>", ""),
        ("<p>It <span style='color: WHITE'>never</span> rose.</p>", ""),
        ("<p>It <span style='color:#f4f4f4'>never</span> rose.</p>", ""),  # a shade off white
        ("<p>It <span style='color: rgb(100% 100% 100%)'>never</span> rose.</p>", ""),
        ("<p>It <span style='color: hsl(0 0% 99%)'>never</span> rose.</p>", ""),
        ("<p>It <span style='color: rgba(0, 0, 0, 0.04)'>never</span> rose.</p>", ""),
        ("<p>It <span style='color: #0000'>never</span> rose.</p>", ""),
        ("<p>It <font color='white'>never</font> rose.</p>", ""),
        ("<p>It <font color='ffffff'>never</font> rose.</p>", ""),  # as browsers read it
        ("<p>It <span class='x'>never</span> rose.</p>", "<style>.x { color: #fefefe }</style>"),
        ("<p>It <span id='k'>never</span> rose.</p>", "<style>span#k{color:white}</style>"),
        ("<p>It <b>never</b> rose.</p>", "<style>b { color: #fff }</style>"),
        # the background is set, on the page or on a box around the words
        (
            "<p>It <span style='color:#111'>never</span> rose.</p>",
            "<style>body { background: #000; color: #fff }</style>",
        ),
        (
            "<div style='background-color:#003'><p style='color:#eee'>It rose.</p>"
            "<p style='color:#004'>never</p></div><p>It rose.</p>",
            "",
        ),
        ("<table bgcolor='#000000'><tr><td>never</td></tr></table><p>It rose.</p>", ""),
        ("<p style='color:#fff;background:#fff'>never</p><p>It rose.</p>", ""),
        # a class rule loses to the element's own colour only if that one shows
        (
            "<p>It <span class='x' style='color: #fff'>never</span> rose.</p>",
            "<style>.x { color: #000 }</style>",
        ),
        (
            "<p>It <span class='x' style='color: #000'>never</span> rose.</p>",
            "<style>.x { color: #fff !important }</style>",
        ),
        # a mark's yellow hides yellow words
        ("<p>It <mark style='color:#ff0'>never</mark> rose.</p>", ""),
        # faded: opacity multiplies down the tree, and fades a light grey past seeing
        (
            "<div style='opacity:.3'><p>It <span style='opacity:30%'>never</span> rose.</p></div>",
            "",
        ),
        ("<p>It <span class='f'>never</span> rose.</p>", "<style>.f { opacity: 0.05 }</style>"),
        ("<p>It <span style='opacity:.2;color:#999'>never</span> rose.</p>", ""),
        # a page that links a stylesheet: words whose own style blends them are still judged
        (
            "<p>It <span style='color:#fff;background:#fff'>never</span> rose.</p>",
            "<link rel='stylesheet' href='site.css'>",
        ),
        (
            "<div style='background:#000;color:#fff'><p>It rose.</p>"
            "<p style='opacity:0.08'>never</p></div>",
            "",
        ),
    ],
)
def test_words_the_colour_of_their_background_are_not_read(body: str, head: str) -> None:
    assert "never" not in _read(body, head)
    assert "rose" in _read(body, head)


@pytest.mark.parametrize(
    ("body", "head"),
    [
        ("<p>It <span style='color:#ccc'>always</span> rose.</p>", ""),  # light, but seen
        ("<p>It <span style='color:#e0e0e0'>always</span> rose.</p>", ""),
        ("<p>It <span style='color: rgba(0,0,0,.5)'>always</span> rose.</p>", ""),
        # white on a dark page or box
        (
            "<p>It <span style='color:#fff'>always</span> rose.</p>",
            "<style>body { background: #123 }</style>",
        ),
        ("<p>It <span style='color:#fff;background:#c00'>always</span> rose.</p>", ""),
        (
            "<table bgcolor='#000'><tr><td><font color='#fff'>It always rose.</font></td></tr></table>",
            "",
        ),
        ("<div style='background:#000'><p style='color:white'>It always rose.</p></div>", ""),
        # a background that cannot be known here: an image, a gradient, a variable
        ("<div style='background: url(a.jpg)'><p style='color:#fff'>It always rose.</p></div>", ""),
        (
            "<div style='background: linear-gradient(#000, #333)'><p style='color:#fff'>"
            "It always rose.</p></div>",
            "",
        ),
        (
            "<div style='background: var(--dark)'><p style='color:#fff'>It always rose.</p></div>",
            "",
        ),
        ("<p style='color: var(--ink)'>It always rose.</p>", ""),
        # words laid over something else (a picture), or shown by a shadow or stroke
        (
            "<div><img src='a.jpg' alt=''><h1 style='position:absolute;color:#fff'>It always "
            "rose.</h1></div>",
            "",
        ),
        ("<p style='color:#fff;text-shadow:0 0 2px #000'>It always rose.</p>", ""),
        ("<p style='color:#fff;-webkit-text-stroke:1px #000'>It always rose.</p>", ""),
        # a linked stylesheet, or a rule not resolved here, may colour anything
        ("<p style='color:#fff'>It always rose.</p>", "<link rel='stylesheet' href='site.css'>"),
        (
            "<p style='color:#fff'>It always rose.</p>",
            "<style>.hero p { background: #000 }</style>",
        ),
        (
            "<p style='color:#fff'>It always rose.</p>",
            "<style>@media screen { body { background: #000 } }</style>",
        ),
        # a dark colour scheme: the browser's own text is light, on a dark background
        (
            "<p style='background:#000'>It always rose.</p>",
            "<meta name='color-scheme' content='dark light'>",
        ),
        (
            "<p style='background:#000'>It always rose.</p>",
            "<style>:root { color-scheme: dark }</style>",
        ),
        # a link is blue and a mark black on yellow, whatever colour is around them
        ("<p style='color:#fff'><a href='/r'>It always rose.</a></p>", ""),
        ("<p style='color:#fff'><mark>It always rose.</mark></p>", ""),
        # words of a darker colour inside a white box are seen
        ("<div style='color:#fff'><p style='color:#000'>It always rose.</p></div>", ""),
        # a state's colour is not the words' colour as read
        ("<p>It always rose.</p>", "<style>p:hover { color: #fff }</style>"),
        ("<p>It always rose.</p>", "<style>@media print { p { color: #fff } }</style>"),
        # a background in a colour not known here
        (
            "<div style='background: oklch(30% .08 250)'><p style='color:#fff'>It always rose.</p></div>",
            "",
        ),
        (
            "<div style='background: color-mix(in srgb, #036 80%, #000)'><p style='color:#fff'>It always rose.</p></div>",
            "",
        ),
        (
            "<div class='b'><p style='color:#fff'>It always rose.</p></div>",
            "<style>:root { --rgb: 0, 51, 102 } .b { background: rgb(var(--rgb)) }</style>",
        ),
        (
            "<div style='background: currentColor; color: #036'><p style='color:#fff'>It always rose.</p></div>",
            "",
        ),
        (
            "<div style='background-color: currentColor; color: #036'><p style='color:#fff'>It always rose.</p></div>",
            "",
        ),
        # a rule not followed here may set the background: white on it is not judged
        (
            "<div class='promo'><p>It always rose.</p></div>",
            "<style>body { background: #fff } .promo { color: #fff } @media (min-width: 40em) { .promo { background: #036 } }</style>",
        ),
        (
            "<section class='f'><div class='panel'><p>It always rose.</p></div></section>",
            "<style>body { background: #fff } .panel { color: #fff } .f .panel { background: #036 }</style>",
        ),
        (
            "<div class='panel'><p>It always rose.</p></div>",
            "<link rel='stylesheet' href='site.css'><style>body { background: #fff } .panel { color: #fff }</style>",
        ),
        # a picture placed under the words beside it (a banner)
        (
            "<div class='hero'><img src='h.jpg' class='bg'><h2 style='color:#fff'>It always rose.</h2></div>",
            "<style>.bg { position: absolute; inset: 0; z-index: -1 }</style>",
        ),
        (
            "<div><video src='v.mp4' style='position:absolute'></video><p style='color:#fff'>It always rose.</p></div>",
            "",
        ),
        # an initial background is transparent, not black
        ("<div style='background-color: initial'><p>It always rose.</p></div>", ""),
        # rules for print are not the screen's
        ("<p class='pr'>It always rose.</p>", "<style media='print'>.pr { color: #fff }</style>"),
        # HTML's own colour attributes, read as browsers read them
        ("<p><a href='/a'>It always rose.</a></p>", ""),
        (
            "<table bgcolor='fff'><tr><td><font color='white'>It always rose.</font></td></tr></table>",
            "",
        ),
        (
            "<table><tr><td background='dark.jpg'><font color='#fff'>It always rose.</font></td></tr></table>",
            "",
        ),
        # six hex digits with no "#" are a colour in an HTML attribute only: CSS ignores them
        ("<p style='color: ffffff'>It always rose.</p>", ""),
        # bgcolor on an element browsers give none to colours nothing: black on white
        ("<div bgcolor='#000'><p><font color='#000'>It always rose.</font></p></div>", ""),
        # faded, but seen: black at a fifth of full opacity is a mid grey
        ("<p style='opacity:.2'>It always rose.</p>", ""),
        ("<div style='opacity:.5'><p style='opacity:50%;color:#666'>It always rose.</p></div>", ""),
        ("<p style='opacity: var(--faded)'>It always rose.</p>", ""),
    ],
)
def test_words_in_a_colour_that_shows_are_read(body: str, head: str) -> None:
    assert "always rose" in _read(body, head)


def test_a_link_is_in_the_colour_the_page_gives_links() -> None:
    body = "<p>A blue page: <a href='/a'>always</a> rose.</p>"
    page = f"<html><body bgcolor='#0000ee' text='#fff' link='#fff'>{body}</body></html>"
    assert "always rose" in extract(page.encode()).text


def test_only_the_unseen_words_are_left_out_not_their_neighbours() -> None:
    text = _read(
        "<p style='color:#fff'>Hidden <a href='/x'>link kept</a> tail hidden "
        "<span style='color:#000'>dark kept</span> end hidden</p>"
    )
    assert text == "link kept dark kept"


def test_the_hint_says_the_words_are_in_the_file_but_not_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = (
        "<html><body><article><p>The minister said spending would rise."
        "<span style='color:#ffffff'> Troops will leave in May.</span></p></article></body></html>"
    )
    build_tree(
        tmp_path,
        {
            "config.yaml": "organisation: Test Unit\n",
            "sources/sources.yaml": "- id: page\n  file: page.html\n  publisher: P\n  title: T\n",
            "sources/page.html": page,
            "briefs/b.yaml": brief_citing(("page", "Troops will leave in May.")),
        },
    )
    monkeypatch.chdir(tmp_path)
    result = run_cli("check")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        'briefs/b.yaml:10:16: error: quote not found in source "page" (page.html): its words '
        "are in the file, but not shown there (they are invisible, covered, too small or squeezed, or the "
        "colour of what is behind them), so no reader of it sees them; quote what the "
        "document shows"
    )
    (tmp_path / "briefs" / "b.yaml").write_text(
        brief_citing(("page", "spending would rise")), encoding="utf-8"
    )
    assert run_cli("check").exit_code == 0


def test_a_markdown_element_coloured_like_its_own_background_is_not_read() -> None:
    text = extract_markdown(
        b"Seen <span style='color:#fff;background:#fff'>never</span> here.\n\n"
        b'Seen <span style="color:#fff">white kept</span> here.\n'
    ).text
    assert "never" not in text
    assert "white kept" in text  # the page around it may be dark: it is not known


@settings(max_examples=200, deadline=None)
@given(
    st.tuples(*[st.integers(0, 255)] * 3),
    st.tuples(*[st.integers(0, 255)] * 3),
)
def test_a_colour_is_unseen_exactly_when_every_channel_is_within_the_contrast(
    ink: tuple[int, int, int], paper: tuple[int, int, int]
) -> None:
    style = f"color: rgb{ink}; background: rgb{paper}"
    near = all(abs(a - b) < 24 for a, b in zip(ink, paper, strict=True))
    assert hides(style) is near
    body = (
        f"<p>Kept.</p><div style='background: rgb{paper}'><p style='color: rgb{ink}'>Word</p></div>"
    )
    assert ("Word" not in _read(body)) is near


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 255), st.integers(0, 100), st.integers(1, 100))
def test_faded_words_are_unseen_exactly_when_their_faded_colour_is_within_the_contrast(
    grey: int, percent: int, outer: int
) -> None:
    """Grey words on white, in an element at `percent` opacity inside one at `outer`."""
    faded = percent / 100 * outer / 100
    seen = faded * (255 - grey)
    assume(abs(seen - 24) > 1e-6 and abs(faded - 0.1) > 1e-9)  # not on the line itself
    body = (
        f"<p>Kept.</p><div style='opacity: {outer}%'><p style='color: rgb({grey} {grey} {grey});"
        f" opacity: {percent / 100}'>Word</p></div>"
    )
    assert ("Word" not in _read(body)) is (seen < 24 or faded < 0.1)
