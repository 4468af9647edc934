"""PDF text that no reader of the page sees is not read, however it is hidden; what a
reader sees is read, however it is drawn."""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import brief_citing

from briefgen.readers import Extracted, ReaderError
from briefgen.readers import pdf as reader
from conftest import build_tree, run_cli

SHOWN = "The minister said the budget will rise."
CLAIM = "Ministers back the plan in full."


def page(draw: Callable[[Any], None], *, shown: str = SHOWN) -> bytes:
    """An A6 page with `SHOWN` on it in black, and whatever `draw` adds below it."""
    from fpdf import FPDF

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fpdf's notice about a page format's dimensions
        pdf = FPDF(format=(105, 148))
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    if shown:
        pdf.text(10, 20, shown)
    draw(pdf)
    return bytes(pdf.output())


def invisible(pdf: Any) -> None:
    from fpdf.enums import TextMode

    with pdf.local_context(text_mode=TextMode.INVISIBLE):
        pdf.text(10, 40, CLAIM)


def white_on_white(pdf: Any) -> None:
    pdf.set_text_color(255, 255, 255)
    pdf.text(10, 40, CLAIM)


def transparent(pdf: Any) -> None:
    with pdf.local_context(fill_opacity=0):
        pdf.text(10, 40, CLAIM)


def tiny(pdf: Any) -> None:
    pdf.set_font("helvetica", size=0.3)
    pdf.text(10, 40, CLAIM)


def blacked_out(pdf: Any) -> None:
    """A redaction done by drawing a box over the words."""
    pdf.text(10, 40, CLAIM)
    pdf.set_fill_color(0, 0, 0)
    pdf.rect(8, 35, 80, 7, style="F")


def painted_over(pdf: Any) -> None:
    pdf.text(10, 40, CLAIM)
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(8, 35, 80, 7, style="F")


def light_on_light(pdf: Any) -> None:
    pdf.set_fill_color(200, 220, 240)
    pdf.rect(8, 35, 80, 7, style="F")
    pdf.set_text_color(200, 220, 240)
    pdf.text(10, 40, CLAIM)


def off_the_page(pdf: Any) -> None:
    pdf.text(10, 400, CLAIM)


def between_lines(pdf: Any) -> None:
    """White words squeezed between two lines of black text, whose letters reach into
    their box: it has marks, but none of its own."""
    pdf.text(10, 37, "Lines of text above the words")
    pdf.text(10, 43, "and lines of text below them")
    pdf.set_text_color(255, 255, 255)
    pdf.text(10, 40, CLAIM)


def on_a_rule(pdf: Any) -> None:
    pdf.set_line_width(0.3)
    pdf.line(8, 39, 95, 39)
    pdf.set_text_color(255, 255, 255)
    pdf.text(10, 40, CLAIM)


def under_a_labelled_box(pdf: Any) -> None:
    """A redaction box that says so in white letters over the words it hides."""
    blacked_out(pdf)
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("helvetica", size=6)
    pdf.text(30, 39.5, "WITHHELD")


@pytest.mark.parametrize(
    "hide",
    [invisible, white_on_white, transparent, tiny, blacked_out, painted_over, light_on_light],
    ids=lambda f: f.__name__,
)
def test_words_the_page_does_not_show_are_not_read(hide: Callable[[Any], None]) -> None:
    extracted = reader.extract(page(hide))
    assert extracted.text == SHOWN
    assert extracted.notes == ("6 hidden words left out (on page 1): a reader does not see them",)


@pytest.mark.parametrize(
    ("hide", "also"),
    [
        (between_lines, ["Lines of text above the words", "and lines of text below them"]),
        (on_a_rule, []),
        (under_a_labelled_box, ["WITHHELD"]),
    ],
    ids=lambda f: getattr(f, "__name__", ""),
)
def test_words_among_marks_not_their_own_are_not_read(
    hide: Callable[[Any], None], also: list[str]
) -> None:
    """Their box has marks (other words' letters, a rule, a label), but behind them, on
    the page without its text, is the colour they are drawn in."""
    extracted = reader.extract(page(hide))
    assert extracted.text.splitlines() == [SHOWN, *also]
    assert extracted.hidden == ((1, CLAIM),)


def test_the_hidden_words_are_kept_with_their_page_through_the_cache() -> None:
    extracted = reader.extract(page(invisible))
    assert extracted.hidden == ((1, CLAIM),)
    assert Extracted.loads(extracted.dumps()) == extracted


def white_on_dark(pdf: Any) -> None:
    pdf.set_fill_color(20, 40, 80)
    pdf.rect(8, 35, 80, 7, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.text(10, 40, CLAIM)


def light_grey(pdf: Any) -> None:
    pdf.set_text_color(170, 170, 170)
    pdf.text(10, 40, CLAIM)


def small_print(pdf: Any) -> None:
    pdf.set_font("helvetica", size=5)
    pdf.text(10, 40, CLAIM)


def narrow_words(pdf: Any) -> None:
    pdf.set_font("helvetica", size=7)
    pdf.text(10, 40, "I, 1 l i I")


def over_a_picture(pdf: Any) -> None:
    """A scanned page's invisible text layer over the picture of the same words."""
    from fpdf.enums import TextMode

    pdf.set_font("helvetica", size=10)
    pdf.text(10, 40, CLAIM)  # the picture's words, as marks on the page
    with pdf.local_context(text_mode=TextMode.INVISIBLE):
        pdf.text(10, 40, "OCR layer words here.")


def red_on_green(pdf: Any) -> None:
    """As grey as each other, as different as colours go."""
    pdf.set_fill_color(67, 160, 71)
    pdf.rect(8, 35, 80, 7, style="F")
    pdf.set_text_color(229, 57, 53)
    pdf.text(10, 40, CLAIM)


def across_a_rule(pdf: Any) -> None:
    pdf.set_draw_color(200, 0, 0)
    pdf.set_line_width(0.3)
    pdf.line(8, 39, 95, 39)
    pdf.text(10, 40, CLAIM)


def white_on_a_band_with_a_white_rule(pdf: Any) -> None:
    white_on_dark(pdf)
    pdf.set_draw_color(255, 255, 255)
    pdf.line(8, 39, 95, 39)


def heavy_heading(pdf: Any) -> None:
    pdf.set_font("helvetica", style="B", size=16)
    pdf.text(10, 40, "WWW MMM Ministers")


def grey_small_print(pdf: Any) -> None:
    pdf.set_text_color(153, 153, 153)
    pdf.set_font("helvetica", size=5)
    pdf.text(10, 40, "Voir il y a ll II li")


@pytest.mark.parametrize(
    "draw, words",
    [
        (white_on_dark, CLAIM),
        (light_grey, CLAIM),
        (small_print, CLAIM),
        (narrow_words, "I, 1 l i I"),
        (red_on_green, CLAIM),
        (grey_small_print, "Voir il y a ll II li"),
        (across_a_rule, CLAIM),
        (white_on_a_band_with_a_white_rule, CLAIM),
        (heavy_heading, "WWW MMM Ministers"),
    ],
    ids=[
        "white-on-dark",
        "light-grey",
        "small-print",
        "narrow-words",
        "red-on-green",
        "grey-5pt",
        "across-a-rule",
        "white-on-band-and-rule",
        "heavy-heading",
    ],
)
def test_words_the_page_shows_are_read(draw: Callable[[Any], None], words: str) -> None:
    extracted = reader.extract(page(draw))
    assert extracted.text == f"{SHOWN}\n{words}"
    assert extracted.notes == ()


def test_an_invisible_layer_over_words_the_page_shows_is_read() -> None:
    """A scanned page made searchable (OCR): its text is invisible, drawn over the picture."""
    extracted = reader.extract(page(over_a_picture, shown=""))
    assert "OCR layer words here." in extracted.text


def test_a_hidden_end_glued_to_a_shown_word_is_left_out() -> None:
    def glued(pdf: Any) -> None:
        from fpdf.enums import TextMode

        pdf.text(10, 40, "Ministers support")
        with pdf.local_context(text_mode=TextMode.INVISIBLE):
            pdf.text(10 + pdf.get_string_width("Ministers support"), 40, "ednothing")

    extracted = reader.extract(page(glued))
    assert extracted.text.splitlines()[1] == "Ministers support"


def test_text_that_is_all_hidden_is_refused_with_what_to_do() -> None:
    with pytest.raises(ReaderError) as refused:
        reader.extract(page(invisible, shown=""))
    assert str(refused.value) == (
        "the PDF's text is all hidden: no reader of its pages sees it (it is invisible, "
        "transparent, too small or squeezed, the colour of what is behind it, covered or off the page), "
        "so there is nothing to cite; catalogue a version that shows its text"
    )


def _raw_pdf(
    content: bytes, rotate: int = 0, size: int = 300, to_unicode: dict[str, str] | None = None
) -> bytes:
    """One page `size` points square drawing `content` with Helvetica as /F1, and as /F2
    with its characters (`to_unicode`) standing in the text layer for other text."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Rotate %d "
        b"/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> /Contents 4 0 R >>"
        % (size, size, rotate),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 7 0 R >>",
    ]
    pairs = b"".join(
        b"<%02X> <%s>\n" % (ord(code), said.encode("utf-16-be").hex().upper().encode())
        for code, said in (to_unicode or {" ": " "}).items()
    )
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Said def\n"
        b"1 begincodespacerange <00> <FF> endcodespacerange\n"
        b"%d beginbfchar\n%sendbfchar\n"
        % (len(to_unicode or " "), pairs)
        + b"endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    objects.append(b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_size_is_what_the_page_shows_not_what_the_font_says(rotate: int) -> None:
    """A 1-point font scaled up twelve times is 12-point text; a 12-point font scaled down
    fifty times is not read, on a page turned any way."""
    content = (
        b"BT /F1 1 Tf 12 0 0 12 20 250 Tm (Scaled words stay readable.) Tj ET\n"
        b"BT /F1 12 Tf 0.02 0 0 0.02 20 200 Tm (Shrunk words are not read.) Tj ET\n"
        b"BT /F1 12 Tf 20 150 Td (Plain words are read.) Tj ET\n"
    )
    lines = set(reader.extract(_raw_pdf(content, rotate)).text.splitlines())
    assert lines == {"Scaled words stay readable.", "Plain words are read."}


CATALOGUE = """\
- id: memo
  file: memo.pdf
  publisher: Cabinet Office
  title: Memo
"""


@pytest.mark.parametrize("hide", [invisible, blacked_out], ids=lambda f: f.__name__)
def test_hidden_words_cannot_be_cited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hide: Callable[[Any], None]
) -> None:
    build_tree(
        tmp_path,
        {
            "config.yaml": "organisation: Test Unit\n",
            "sources/sources.yaml": CATALOGUE,
            "briefs/b.yaml": brief_citing(("memo", "back the plan in full")),
        },
    )
    (tmp_path / "sources" / "memo.pdf").write_bytes(page(hide))
    monkeypatch.chdir(tmp_path)
    result = run_cli("check")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        'briefs/b.yaml:10:16: error: quote not found in source "memo" (memo.pdf): its words '
        "are in the file's text layer on p. 1, but not shown there (they are invisible, "
        "covered, too small or squeezed, or the colour of what is behind them), so no reader of it sees "
        "them; quote what the document shows"
    )
    (tmp_path / "briefs" / "b.yaml").write_text(
        brief_citing(("memo", "the budget will rise")), encoding="utf-8"
    )
    assert run_cli("check").exit_code == 0


def test_quote_says_the_words_are_in_the_file_but_not_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Looking hidden words up tells why they cannot be cited, not only that they are not
    on the page; the nearest passage the page shows follows."""
    build_tree(
        tmp_path, {"config.yaml": "organisation: Test Unit\n", "sources/sources.yaml": CATALOGUE}
    )
    (tmp_path / "sources" / "memo.pdf").write_bytes(page(invisible))
    monkeypatch.chdir(tmp_path)
    result = run_cli("quote", "memo", "back the plan in full")
    assert result.exit_code == 1
    assert result.stderr == (
        'briefgen: error: the words are in the file\'s text layer on p. 1 of "memo", but '
        "not shown there (they are invisible, covered, too small or squeezed, or the colour "
        "of what is behind them), so no reader of it sees them; quote what the document "
        "shows\n"
    )
    assert result.stdout.startswith("memo, p. 1, line 1 (")


def _weasyprint_page(body: str) -> bytes:
    import weasyprint

    style = "body { font: 10pt sans-serif } sup { font-size: 6pt }"
    html = f"<html><head><style>{style}</style></head><body>{body}</body></html>"
    data: bytes = weasyprint.HTML(string=html).write_pdf()
    return data


def test_leaving_a_hidden_word_out_keeps_the_lines_as_the_page_has_them() -> None:
    """The page's text is read as PDFium lays out what is in the crop box in lines, with
    the hidden word taken out of that (its reading of the whole page breaks lines at
    raised note numbers more often)."""
    text = (
        "<h1>Annual report</h1>"
        "<p>The department spent 52.8 billion on defence in the year<sup>1</sup>, a rise of "
        "4% on the year before, and plans to spend more in each of the next three years.</p>"
    )
    watermark = (
        '<div style="position: absolute; top: 8cm; color: #f6f6f6; font-size: 50pt">DRAFT</div>'
    )
    plain = reader.extract(_weasyprint_page(text))
    marked = reader.extract(_weasyprint_page(watermark + text))
    assert (marked.text, marked.marks) == (plain.text, plain.marks)
    assert marked.hidden == ((1, "DRAFT"),)


def test_words_off_the_page_are_left_out_without_a_note() -> None:
    extracted = reader.extract(page(off_the_page))
    assert extracted.text == SHOWN
    assert extracted.notes == () and extracted.hidden == ()


def test_hidden_characters_are_taken_out_of_the_lines_only_where_the_readings_agree() -> None:
    """The page's characters one an index (`text`) against its text in lines (`shown`)."""
    assert reader._leave_out("ab\r\ncd e", "ab cd e", {3}, set()) == "ab\r\nd e"
    assert reader._leave_out("ab\r\ncd", "ab cd zz", {3}, {6, 7}) == "ab\r\nd"  # zz: off it
    # the two differ (a character one has and the other has not): read in index order
    assert reader._leave_out("ab\r\nXd e", "ab cd e", {3}, set()) == "ab d e"


def test_a_page_shown_whole_for_its_odd_crop_box_still_leaves_out_words_off_it() -> None:
    """A crop box off the media box: viewers show the media box, and nothing beyond it."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(page(off_the_page))
    document[0].set_cropbox(1000, 1000, 1200, 1200)
    odd = io.BytesIO()
    document.save(odd)
    assert reader.extract(odd.getvalue()).text == SHOWN


def test_a_label_on_a_poster_sized_page_is_read() -> None:
    """A page of 100 by 100 inches is rendered at under a pixel a point; its words' boxes
    must still land on their letters."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format=(7200, 7200))
    pdf.add_page()
    pdf.set_font("helvetica", size=48)
    pdf.text(100, 100, "Anchor title")
    pdf.set_font("helvetica", size=10)
    pdf.text(100, 300, "Pressure valve label")
    pdf.text(6800, 7000, "Far corner label")
    extracted = reader.extract(bytes(pdf.output()))
    assert extracted.text == "Anchor title\nPressure valve label\nFar corner label"


def test_a_word_cut_by_the_crop_box_is_read_as_shown_when_other_words_are_hidden() -> None:
    """The page shows only the end of "Straddlecropword"; a hidden word elsewhere on it
    must not bring back the letters outside the crop box."""
    import pypdfium2 as pdfium
    from fpdf import FPDF

    def cropped(hidden: bool) -> str:
        pdf = FPDF(unit="pt", format=(300, 200))
        pdf.add_page()
        pdf.set_font("helvetica", size=12)
        pdf.text(60, 80, "Inside the crop")
        pdf.text(10, 140, "Straddlecropword")
        if hidden:
            pdf.set_text_color(255, 255, 255)
            pdf.text(60, 100, "white")
        document = pdfium.PdfDocument(bytes(pdf.output()))
        document[0].set_cropbox(50, 50, 250, 150)
        out = io.BytesIO()
        document.save(out)
        return reader.extract(out.getvalue()).text

    assert cropped(hidden=True) == cropped(hidden=False)
    assert "Straddle" not in cropped(hidden=True)


def test_words_set_hundreds_of_points_high_are_judged_as_smaller_ones() -> None:
    """Looked at on a coarser rendering: shown ones read, an invisible one not."""
    content = (
        b"BT /F1 200 Tf 10 350 Td (Big) Tj ET\n"
        b"BT /F1 200 Tf 3 Tr 10 60 Td (Gone) Tj ET\n"
        b"BT /F1 12 Tf 0 Tr 400 300 Td (Small words here) Tj ET\n"  # Tr outlasts ET
    )
    extracted = reader.extract(_raw_pdf(content, size=600))
    assert extracted.text.splitlines() == ["Big", "Small words here"]
    assert extracted.hidden == ((1, "Gone"),)


SHOWN_LINE = b"BT /F1 12 Tf 20 280 Td (Shown line.) Tj ET\n"


@pytest.mark.parametrize(
    "content",
    [
        b"BT /F1 12 Tf 1 Tz 20 250 Td (Squeezed words hidden here.) Tj ET",
        b"BT /F1 12 Tf 8 Tz 20 250 Td (Squeezed words hidden here.) Tj ET",
        b"BT /F1 12 Tf -5 Tc 20 250 Td (Overlaid statements withheld entirely.) Tj ET",
        b"BT /F1 12 Tf 1 0 0 0.02 20 250 Tm (Flattened words hidden here.) Tj ET",
        b"BT /F1 12 Tf 1 Tz 0 1 -1 0 150 20 Tm (Upright squeezed words.) Tj ET",
        b"BT /F1 12 Tf 10 Tz 0.707 0.707 -0.707 0.707 20 150 Tm (Slanted squeezed words.) Tj ET",
        b"BT /F2 12 Tf 20 250 Td (.) Tj ET",  # a dot on the page, a word in the text layer
        # one text object a piece of a word, or a letter (as many producers write them)
        b"BT /F1 12 Tf 5 Tz 20 250 Td (Con) Tj (fid) Tj (ent) Tj (ial) Tj ( ) Tj (terms) Tj ET",
        b"BT /F1 12 Tf 1 0 0 0.05 20 250 Tm (S) Tj (e) Tj (c) Tj (r) Tj (e) Tj (t) Tj ET",
    ],
    ids=[
        "1%-wide",
        "8%-wide",
        "overlaid",
        "flattened",
        "upright",
        "slanted",
        "one-glyph",
        "pieces",
        "letters",
    ],
)
@pytest.mark.parametrize("rotate", [0, 90])
def test_letters_squeezed_past_reading_are_not_read(content: bytes, rotate: int) -> None:
    """They make marks where they stand, but no reader can make out the words."""
    data = _raw_pdf(SHOWN_LINE + content, rotate, to_unicode={".": "withheld"})
    extracted = reader.extract(data)
    assert extracted.text == "Shown line."
    assert extracted.hidden
    assert "hidden word" in extracted.notes[0]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"BT /F1 12 Tf 50 Tz 20 250 Td (Condensed words stay readable.) Tj ET", None),
        (b"BT /F1 12 Tf -2 Tc 20 250 Td (Tightly tracked words stay readable.) Tj ET", None),
        (b"BT /F1 12 Tf 20 250 Td (illi llll IIII iiii 1111) Tj ET", None),
        (b"BT /F1 9 Tf 60 Tz -0.5 Tc 20 250 Td (Tight illicit millimetre filling.) Tj ET", None),
        (b"BT /F1 12 Tf 0.707 0.707 -0.707 0.707 20 150 Tm (Slanted words read.) Tj ET", None),
        (b"BT /F1 12 Tf 0 1 -1 0 150 20 Tm (Upright words are read.) Tj ET", None),
        (b"BT /F1 9 Tf 0 1 -1 0.3 150 20 Tm (Upright slanted illicit filling.) Tj ET", None),
        (b"BT /F1 12 Tf 20 250 Td (The interna-) Tj 0 -14 Td (tional plan.) Tj ET", None),
        (b"BT /F2 12 Tf 20 250 Td (The plan is .) Tj ET", "The plan is ffi"),
    ],
    ids=[
        "50%-wide",
        "tracked",
        "narrow",
        "narrow-and-tight",
        "slanted",
        "upright",
        "upright-slanted",
        "hyphenated",
        "ligature",
    ],
)
def test_letters_set_close_or_narrow_are_read(content: bytes, words: str | None) -> None:
    extracted = reader.extract(_raw_pdf(SHOWN_LINE + content, to_unicode={".": "ffi"}))
    said = b" ".join(re.findall(rb"\((.*?)\) Tj", content)).decode()
    lines = extracted.text.splitlines()
    assert lines[0] == "Shown line."
    assert " ".join(lines[1:]) == (words or said.replace("- ", "-\n").replace("\n", " "))
    assert extracted.notes == ()


def test_words_set_with_ligatures_are_read() -> None:
    """A ligature's letters ("ffi", "fl") share one glyph's place and box."""
    words = "An official office shuffled the fluffiest affidavits."
    extracted = reader.extract(_weasyprint_page(f"<p style='font-size: 14pt'>{words}</p>"))
    assert extracted.text == words
    assert extracted.notes == ()


def test_words_of_one_stem_in_large_type_are_read() -> None:
    """A heavy "I" fills its own box: it is seen against the page beside it."""
    words = "War I - Phase II . | l"
    extracted = reader.extract(
        _weasyprint_page(f"<p style='font: bold 28pt sans-serif'>{words}</p>")
    )
    assert extracted.text == words
    assert extracted.notes == ()


def test_a_large_stem_in_the_colour_of_the_page_is_still_not_read() -> None:
    body = "<p style='font: bold 28pt sans-serif'>Part <span style='color: #fff'>I</span> one</p>"
    extracted = reader.extract(_weasyprint_page(body))
    assert extracted.text == "Part one"
    assert extracted.hidden == ((1, "I"),)


def test_right_to_left_words_with_digits_or_latin_letters_in_them_are_read() -> None:
    """A Hebrew or Arabic word with a number or a Latin name in it ("ב-2025"): each
    script's letters step their own way along the line."""
    words = "המחיר עלה ב-2025 באופן חד ה-OECD וה-NATO ל-12,345 עמ' 12–14 בשנים 1990–1991"
    extracted = reader.extract(_weasyprint_page(f"<p dir='rtl'>{words}</p>"))
    assert extracted.notes == ()
    assert len(extracted.text.split()) == len(words.split())
