"""The Word reader: paragraphs, table rows and notes as numbered lines; hostile zips refused."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import struct
import zipfile
from pathlib import Path

import docx
import pytest
from helpers import brief_citing
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.matching import SourceText, find_quote
from briefgen.readers import PARAGRAPH, ReaderError
from briefgen.readers.docx import MAX_ENTRIES, extract
from conftest import build_tree, run_cli

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def p(text: str, extra: str = "") -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r>{extra}</w:p>'


def note_ref(kind: str, n: int) -> str:
    return f'<w:r><w:{kind}Reference w:id="{n}"/></w:r>'


def notes(kind: str, items: dict[int, str]) -> bytes:
    body = "".join(
        f'<w:{kind} w:id="{n}">{"".join(p(t) for t in text.split("|"))}</w:{kind}>'
        for n, text in items.items()
    )
    separators = f'<w:{kind} w:type="separator" w:id="-1">{p("____")}</w:{kind}>'
    return f'<w:{kind}s xmlns:w="{W}">{separators}{body}</w:{kind}s>'.encode()


def document(body: str) -> bytes:
    return f'<w:document xmlns:w="{W}" xmlns:mc="{MC}"><w:body>{body}<w:sectPr/></w:body></w:document>'.encode()


def package(parts: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


def lines(data: bytes) -> list[str]:
    return extract(data).text.split("\n")


def test_a_document_made_by_word_tools_reads_paragraphs_and_table_rows() -> None:
    made = docx.Document()
    made.core_properties.title = "Defence spending note"
    made.core_properties.created = dt.datetime(2025, 2, 25, 9, 30)
    made.sections[0].header.paragraphs[0].text = "OFFICIAL header text"
    made.sections[0].footer.paragraphs[0].text = "Page footer text"
    made.add_heading("Defence spending", 1)
    made.add_paragraph("The UK spends around ").add_run("2.3%").bold = True
    made.add_paragraph("")
    table = made.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Country"
    table.cell(0, 1).text = "Share of GDP"
    table.cell(1, 0).text = "United Kingdom"
    table.cell(1, 1).text = "2.3%"
    table.cell(1, 1).add_paragraph("(2024 estimate)")
    made.add_paragraph("After the table.")
    out = io.BytesIO()
    made.save(out)
    got = extract(out.getvalue())
    assert got.unit == PARAGRAPH
    assert got.text.split("\n") == [
        "Defence spending",
        "The UK spends around 2.3%",
        "Country | Share of GDP",
        "United Kingdom | 2.3% (2024 estimate)",
        "After the table.",
    ]
    assert got.marks == ((1, 0), (2, 0), (3, 0), (4, 0), (5, 0))
    assert (got.title, got.published) == ("Defence spending note", "2025-02-25")
    source = SourceText(got.text)
    span = find_quote("2.3% (2024 estimate)", source).span
    assert span is not None and got.place(span.line, span.end_line) == "para. 4"
    assert find_quote("Share of GDP United", source).span is not None  # rows are lines
    assert find_quote("Country Share of GDP", source).span is None  # across cells
    assert find_quote("OFFICIAL header text", source).span is None
    assert find_quote("Page footer text", source).span is None


def test_footnotes_and_endnotes_follow_the_body_in_reference_order() -> None:
    body = (
        p("First claim.", note_ref("footnote", 7))
        + p("Second claim.", note_ref("footnote", 3) + note_ref("endnote", 2))
        + p("Again the first.", note_ref("footnote", 7))
    )
    data = package(
        {
            "word/document.xml": document(body),
            "word/footnotes.xml": notes(
                "footnote",
                {
                    3: "Source for the second.",
                    7: "Source for the first.|Its second paragraph.",
                    9: "Unused.",
                },
            ),
            "word/endnotes.xml": notes("endnote", {2: "An endnote."}),
        }
    )
    got = extract(data)
    assert got.text.split("\n") == [
        "First claim.",
        "Second claim.",
        "Again the first.",
        "Footnote 1: Source for the first.",
        "Its second paragraph.",
        "Footnote 2: Source for the second.",
        "Endnote 1: An endnote.",
    ]
    span = find_quote("Its second paragraph", SourceText(got.text)).span
    assert span is not None and got.place(span.line, span.end_line) == "para. 5"
    assert "____" not in got.text  # the separator is not a note


def test_what_word_shows_is_what_is_read() -> None:
    body = (
        "<w:p><w:r><w:t>Tab</w:t><w:tab/><w:t>and</w:t><w:br/><w:t>break</w:t></w:r></w:p>"
        '<w:p><w:r><w:t>Kept</w:t></w:r><w:del w:id="1"><w:r><w:delText> deleted</w:delText></w:r></w:del>'
        '<w:ins w:id="2"><w:r><w:t> inserted</w:t></w:r></w:ins></w:p>'
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>HYPERLINK "x"</w:instrText></w:r>'
        '<w:r><w:t>field result</w:t></w:r><w:r><w:t xml:space="preserve"> non</w:t><w:noBreakHyphen/><w:t>breaking</w:t></w:r></w:p>'
        "<w:sdt><w:sdtContent>" + p("In a content control") + "</w:sdtContent></w:sdt>"
        "<w:p><w:r><mc:AlternateContent><mc:Choice><w:t>Choice</w:t></mc:Choice>"
        "<mc:Fallback><w:t>Fallback</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p>"
        "<w:p/><w:p><w:r><w:t>   </w:t></w:r></w:p>"
    )
    assert lines(package({"word/document.xml": document(body)})) == [
        "Tab and break",
        "Kept inserted",
        "field result non-breaking",
        "In a content control",
        "Choice",
    ]


@given(
    st.lists(
        st.from_regex(r"[A-Za-z0-9£%.,'’]+( [A-Za-z0-9£%.,'’]+){0,8}", fullmatch=True),
        min_size=1,
        max_size=6,
    ),
    st.lists(st.integers(0, 100), max_size=8),
)
@settings(max_examples=60, deadline=None)
def test_runs_do_not_change_a_paragraphs_text(paragraphs: list[str], cuts: list[int]) -> None:
    def runs(text: str) -> str:
        edges = [0, *sorted({min(c, len(text)) for c in cuts}), len(text)]
        return "".join(
            f'<w:r><w:t xml:space="preserve">{text[a:b]}</w:t></w:r>'
            for a, b in itertools.pairwise(edges)
        )

    body = "".join(f"<w:p>{runs(t)}</w:p>" for t in paragraphs)
    got = extract(package({"word/document.xml": document(body)}))
    assert got.text.split("\n") == paragraphs
    assert got.marks == tuple((n, 0) for n in range(1, len(paragraphs) + 1))


def test_a_table_inside_a_cell_is_part_of_that_cell() -> None:
    inner = f"<w:tbl><w:tr><w:tc>{p('inner a')}</w:tc><w:tc>{p('inner b')}</w:tc></w:tr></w:tbl>"
    body = f"<w:tbl><w:tr><w:tc>{p('outer')}{inner}</w:tc><w:tc>{p('next')}</w:tc></w:tr></w:tbl>"
    assert lines(package({"word/document.xml": document(body)})) == ["outer inner a inner b | next"]


def test_core_properties_are_optional_and_may_be_odd() -> None:
    core = (
        b'<cp:coreProperties xmlns:cp="x" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        b'xmlns:dcterms="http://purl.org/dc/terms/"><dc:title> A\n title </dc:title>'
        b"<dcterms:created>not a date</dcterms:created></cp:coreProperties>"
    )
    got = extract(package({"word/document.xml": document(p("x")), "docProps/core.xml": core}))
    assert (got.title, got.published) == ("A title", None)
    got = extract(package({"word/document.xml": document(p("x")), "docProps/core.xml": b"<broken"}))
    assert (got.title, got.published) == (None, None)


# files that are not Word documents ------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
            "password-protected Word document or an old-style .doc",
        ),
        (b"Just some text, not a zip", "not a Word document"),
        (b"", "not a Word document"),
        (package({"content.xml": b"<office/>"}), "no word/document.xml"),
        (package({"word/document.xml": b"<w:document"}), "not well-formed XML"),
        (package({"word/document.xml": document("<w:p/>")}), "has no text"),
    ],
)
def test_files_that_are_not_readable_documents_are_errors(data: bytes, message: str) -> None:
    with pytest.raises(ReaderError, match=message):
        extract(data)


def test_a_part_that_expands_too_far_is_refused_before_it_is_read() -> None:
    bomb = document(p("x" * 50_000_000))
    data = package({"word/document.xml": bomb})
    assert len(data) < 1_000_000
    with pytest.raises(ReaderError, match=r"would expand .* times \(more than 100:1\)"):
        extract(data)


def test_too_many_parts_is_refused() -> None:
    parts = {f"word/media/{i}.xml": b"" for i in range(MAX_ENTRIES)}
    data = package({"word/document.xml": document(p("x")), **parts}, zipfile.ZIP_STORED)
    with pytest.raises(ReaderError, match="parts, more than"):
        extract(data)


def test_the_bytes_read_are_counted_as_they_are_decompressed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("briefgen.readers.docx.MAX_TOTAL", 10_000)
    data = package({"word/document.xml": document("".join(p(f"word {i}") for i in range(2_000)))})
    with pytest.raises(ReaderError, match="more than 10,000 bytes"):
        extract(data)


def _set_size(data: bytes, name: bytes, size: int) -> bytes:
    """The zip with the uncompressed size it declares for one part changed (both headers)."""
    out = bytearray(data)
    for signature, at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := out.find(signature, start)) >= 0:
            header = 30 if signature == b"PK\x03\x04" else 46
            if out[start + header : start + header + len(name)] == name:
                out[start + at : start + at + 4] = struct.pack("<I", size)
            start += 4
    return bytes(out)


def test_a_part_that_lies_about_its_size_is_not_read_past_the_lie() -> None:
    honest = package({"word/document.xml": document(p("y" * 3_000_000))})
    lying = _set_size(honest, b"word/document.xml", 1_000)
    with pytest.raises(ReaderError, match="cannot be read"):
        extract(lying)


def test_an_encrypted_part_is_refused() -> None:
    data = bytearray(package({"word/document.xml": document(p("secret"))}))
    # the central directory's entry after that of [Content_Types].xml is word/document.xml's
    at = data.find(b"PK\x01\x02", data.rfind(b"[Content_Types].xml"))
    data[at + 8] |= 0x1  # the central directory's "encrypted" flag
    with pytest.raises(ReaderError, match="encrypted"):
        extract(bytes(data))


def test_entities_are_not_expanded_and_nothing_outside_is_read() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "haha">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
        b'<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">'
        b'<!ENTITY x SYSTEM "file:///etc/hostname">]>'
        b'<w:document xmlns:w="' + W.encode() + b'"><w:body>'
        b"<w:p><w:r><w:t>Plain words</w:t></w:r></w:p>"
        b"<w:p><w:r><w:t>&e;</w:t></w:r></w:p><w:p><w:r><w:t>&x;</w:t></w:r></w:p>"
        b"</w:body></w:document>"
    )
    with pytest.raises(ReaderError) as refused:
        extract(package({"word/document.xml": laughs}))
    assert "has a document type declaration" in str(refused.value)
    assert "haha" not in str(refused.value)


def test_a_declared_entity_cannot_make_a_quote_read_across_the_words_it_stands_for() -> None:
    """Unexpanded, "&not;" and the rest of its run would be missing: "will go ahead"."""
    declared = (
        b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY not "not">]>'
        b'<w:document xmlns:w="' + W.encode() + b'"><w:body>'
        b"<w:p><w:r><w:t>The plan will &not; be dropped;</w:t></w:r>"
        b"<w:r><w:t xml:space='preserve'> go ahead, they said.</w:t></w:r></w:p>"
        b"</w:body></w:document>"
    )
    with pytest.raises(ReaderError, match=r"word/document\.xml has a document type declaration"):
        extract(package({"word/document.xml": declared}))


def test_a_damaged_compressed_part_is_a_reader_error() -> None:
    data = bytearray(package({"word/document.xml": document(p("Some words in a paragraph " * 50))}))
    start = data.index(b"word/document.xml") + len("word/document.xml")  # its local header
    data[start + 20] ^= 0xFF  # a byte of the deflated stream
    with pytest.raises(ReaderError, match="cannot be read"):
        extract(bytes(data))


def run(text: str, props: str = "") -> str:
    return f'<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>'


@pytest.mark.parametrize(
    ("runs", "expected"),
    [
        (run("The UK will ") + run("not ", "<w:vanish/>") + run("send troops."), "The UK will send troops."),
        (run("The UK will ") + run("not ", '<w:vanish w:val="0"/>') + run("send."), "The UK will not send."),
        (run("It was ") + run("never ", "<w:webHidden/>") + run("agreed."), "It was never agreed."),  # shown on the page: hidden in web view only
        (run("It was ") + run("not ", "<w:strike/>") + run("agreed."), "It was agreed."),
        (run("It was ") + run("not ", "<w:dstrike/>") + run("agreed."), "It was agreed."),
        (run("A budget of 10") + run("6", '<w:vertAlign w:val="superscript"/>') + run(" euros."), "A budget of 10⁶ euros."),
        (run("CO") + run("2", '<w:vertAlign w:val="subscript"/>') + run(" fell."), "CO₂ fell."),
        (run("Troops") + run("1", '<w:vertAlign w:val="superscript"/>') + run(" went."), "Troops¹ went."),
        (run("Spending rose ") + '<w:r><w:sym w:font="Symbol" w:char="F02D"/></w:r>' + run("5%."), "Spending rose −5%."),
        (run("A ") + '<w:r><w:sym w:font="Wingdings" w:char="F0E0"/></w:r>' + run(" B."), "A \ufffd B."),
    ],
)  # fmt: skip
def test_a_run_is_read_as_word_shows_it(runs: str, expected: str) -> None:
    data = package({"word/document.xml": document(f"<w:p>{runs}</w:p>")})
    assert lines(data) == [expected]


# --- words Word does not show: through styles, white on nothing, too small -------------


def _docx(build: object) -> bytes:
    made = docx.Document()
    made.add_paragraph("Shown before.")
    build(made)  # type: ignore[operator]
    made.add_paragraph("Shown after.")
    out = io.BytesIO()
    made.save(out)
    return out.getvalue()


def _style(made: docx.document.Document, name: str, kind: int) -> object:
    return made.styles.add_style(name, kind)


def _shade(element: object, holder: str, fill: str) -> None:
    """w:shd with this fill in the element's pPr, rPr, tcPr or tblPr."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    props = element._element.find(qn(f"w:{holder}"))  # type: ignore[attr-defined]
    if props is None:
        props = OxmlElement(f"w:{holder}")
        element._element.insert(0, props)  # type: ignore[attr-defined]
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:fill"), fill)
    props.append(shd)


def _hidden_by_character_style(made: docx.document.Document) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    _style(made, "Secret", WD_STYLE_TYPE.CHARACTER).font.hidden = True  # type: ignore[attr-defined]
    made.add_paragraph("Visible words ").add_run("secret words", style="Secret")


def _hidden_by_a_style_it_is_based_on(made: docx.document.Document) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    base = _style(made, "Quiet", WD_STYLE_TYPE.CHARACTER)
    base.font.hidden = True  # type: ignore[attr-defined]
    child = _style(made, "Quieter", WD_STYLE_TYPE.CHARACTER)
    child.base_style = base  # type: ignore[attr-defined]
    made.add_paragraph("Visible words ").add_run("secret words", style="Quieter")


def _hidden_by_paragraph_style(made: docx.document.Document) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    _style(made, "Gone", WD_STYLE_TYPE.PARAGRAPH).font.hidden = True  # type: ignore[attr-defined]
    made.add_paragraph("Visible words")
    made.add_paragraph("secret words", style="Gone")


def _white(made: docx.document.Document) -> None:
    from docx.shared import RGBColor

    paragraph = made.add_paragraph("Visible words ")
    paragraph.add_run("secret words").font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)


def _tiny(made: docx.document.Document) -> None:
    from docx.shared import Pt

    paragraph = made.add_paragraph("Visible words ")
    paragraph.add_run("secret words").font.size = Pt(1)


@pytest.mark.parametrize(
    "build",
    [
        _hidden_by_character_style,
        _hidden_by_a_style_it_is_based_on,
        _hidden_by_paragraph_style,
        _white,
        _tiny,
    ],
    ids=lambda f: f.__name__.strip("_"),
)
def test_words_word_does_not_show_are_not_read(build: object) -> None:
    assert lines(_docx(build)) == ["Shown before.", "Visible words", "Shown after."]


def _white_on(where: str) -> object:
    def build(made: docx.document.Document) -> None:
        from docx.enum.text import WD_COLOR_INDEX
        from docx.shared import RGBColor

        if where == "table style" or where == "shaded cell":
            table = made.add_table(rows=1, cols=1)
            if where == "table style":
                table.style = made.styles["Light Grid Accent 1"]
            else:
                _shade(table.cell(0, 0), "tcPr", "1F3864")
            paragraph = table.cell(0, 0).paragraphs[0]
        else:
            paragraph = made.add_paragraph()
        run = paragraph.add_run("Visible words")
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        if where == "highlight":
            run.font.highlight_color = WD_COLOR_INDEX.DARK_BLUE
        elif where == "run shading":
            _shade(run, "rPr", "000000")
        elif where == "paragraph shading":
            _shade(paragraph, "pPr", "1F3864")
        elif where == "page colour":
            from docx.oxml import OxmlElement
            from docx.oxml.ns import qn

            background = OxmlElement("w:background")
            background.set(qn("w:color"), "1F3864")
            made.element.insert(0, background)

    return build


@pytest.mark.parametrize(
    "where",
    ["highlight", "run shading", "paragraph shading", "shaded cell", "table style", "page colour"],
)
def test_white_words_on_something_shaded_are_read(where: str) -> None:
    assert lines(_docx(_white_on(where))) == ["Shown before.", "Visible words", "Shown after."]


def _white_in_a_table(style: str | None) -> object:
    def build(made: docx.document.Document) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import RGBColor

        table = made.add_table(rows=1, cols=2)
        if style == "missing":  # named, but not among the file's styles
            named = OxmlElement("w:tblStyle")
            named.set(qn("w:val"), "NoSuchStyle")
            table._tbl.tblPr.insert(0, named)
        elif style is not None:
            table.style = made.styles[style]
        table.cell(0, 0).text = "Visible words"
        run = table.cell(0, 1).paragraphs[0].add_run("secret words")
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)

    return build


@pytest.mark.parametrize("style", [None, "Table Grid"], ids=["no-style", "table-grid"])
def test_white_words_in_a_table_whose_style_shades_nothing_are_not_read(
    style: str | None,
) -> None:
    assert lines(_docx(_white_in_a_table(style))) == [
        "Shown before.",
        "Visible words",
        "Shown after.",
    ]


@pytest.mark.parametrize("style", ["Light Grid Accent 1", "Medium Shading 1", "missing"])
def test_white_words_in_a_table_whose_style_may_shade_them_are_read(style: str) -> None:
    assert lines(_docx(_white_in_a_table(style)))[1] == "Visible words | secret words"


def test_small_print_and_digits_raised_by_a_style_are_read_as_shown() -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt

    def build(made: docx.document.Document) -> None:
        raised = _style(made, "Power", WD_STYLE_TYPE.CHARACTER)
        raised.font.superscript = True  # type: ignore[attr-defined]
        paragraph = made.add_paragraph("It costs 10")
        paragraph.add_run("6", style="Power")
        paragraph.add_run(" pounds.").font.size = Pt(5)

    assert lines(_docx(build))[1] == "It costs 10⁶ pounds."


def test_styles_based_on_each_other_in_a_loop_are_read() -> None:
    styles = (
        f'<w:styles xmlns:w="{W}">'
        '<w:style w:type="character" w:styleId="A"><w:basedOn w:val="B"/></w:style>'
        '<w:style w:type="character" w:styleId="B"><w:basedOn w:val="A"/><w:rPr><w:vanish/>'
        "</w:rPr></w:style></w:styles>"
    )
    body = (
        '<w:p><w:r><w:t xml:space="preserve">Shown </w:t></w:r><w:r><w:rPr><w:rStyle w:val="A"/>'
        "</w:rPr><w:t>hidden</w:t></w:r></w:p>"
    )
    data = package({"word/document.xml": document(body), "word/styles.xml": styles.encode()})
    assert lines(data) == ["Shown"]


def _styled(paragraph_style: str, character_style: str, run: str = "") -> list[str]:
    """The lines of a paragraph in style P with a run in character style C, each style's
    rPr as given, and the run's own rPr."""
    styles = (
        f'<w:styles xmlns:w="{W}">'
        f'<w:style w:type="paragraph" w:styleId="P"><w:rPr>{paragraph_style}</w:rPr></w:style>'
        f'<w:style w:type="character" w:styleId="C"><w:rPr>{character_style}</w:rPr></w:style>'
        "</w:styles>"
    )
    body = (
        '<w:p><w:r><w:t xml:space="preserve">Shown </w:t></w:r></w:p>'
        '<w:p><w:pPr><w:pStyle w:val="P"/></w:pPr><w:r><w:rPr><w:rStyle w:val="C"/>'
        f"{run}</w:rPr><w:t>styled words</w:t></w:r></w:p>"
    )
    data = package({"word/document.xml": document(body), "word/styles.xml": styles})
    return lines(data)


@pytest.mark.parametrize(
    ("paragraph_style", "character_style", "run", "shown"),
    [
        # a toggle both styles switch on is switched back off, as Word shows it
        ("<w:vanish/>", "<w:vanish/>", "", True),
        ("<w:strike/>", '<w:strike w:val="true"/>', "", True),
        # one of them alone, or one switched off, leaves it as that one says
        ("<w:vanish/>", "", "", False),
        ("", "<w:vanish/>", "", False),
        ("<w:vanish/>", '<w:vanish w:val="0"/>', "", False),
        ('<w:vanish w:val="false"/>', "<w:vanish/>", "", False),
        # set on the run itself, it holds whatever the styles say
        ("<w:vanish/>", "<w:vanish/>", "<w:vanish/>", False),
        ("<w:vanish/>", "", '<w:vanish w:val="0"/>', True),
    ],
)
def test_an_on_off_property_of_two_styles_combines_as_word_combines_it(
    paragraph_style: str, character_style: str, run: str, shown: bool
) -> None:
    read = _styled(paragraph_style, character_style, run)
    assert read == (["Shown", "styled words"] if shown else ["Shown"])


_SHAPES = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)


def _text_box_run(words: str, fill: str) -> object:
    """A run holding a text box filled with `fill`, white words in it, as Word writes one:
    the box for Word 2010 and later, and a copy of it for older readers (Fallback)."""
    from docx.oxml import parse_xml

    inner = f'<w:p><w:r><w:rPr><w:color w:val="FFFFFF"/></w:rPr><w:t>{words}</w:t></w:r></w:p>'
    return parse_xml(
        f'<w:r {_SHAPES}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:inline>'
        '<wp:extent cx="1800000" cy="400000"/><wp:docPr id="1" name="Text Box 1"/><a:graphic>'
        '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f'<wps:wsp><wps:spPr><a:solidFill><a:srgbClr val="{fill}"/></a:solidFill></wps:spPr>'
        f"<wps:txbx><w:txbxContent>{inner}</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>"
        "</a:graphicData></a:graphic></wp:inline></w:drawing></mc:Choice><mc:Fallback><w:pict>"
        f'<v:shape fillcolor="#{fill}"><v:textbox><w:txbxContent>{inner}</w:txbxContent>'
        "</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )


def _white_inside(where: str) -> object:
    def build(made: docx.document.Document) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import RGBColor

        outer = made.add_table(rows=1, cols=1)
        outer.style = made.styles["Table Grid"]
        cell = outer.cell(0, 0)
        cell.paragraphs[0].text = "Cell words"
        if where == "text box":
            cell.paragraphs[0]._p.append(_text_box_run("Boxed words", "1F3864"))
            return
        if where.startswith("pattern"):  # Word's "Solid (100%)" shading, colour automatic
            paragraph = cell.add_paragraph()
            shd = OxmlElement("w:shd")
            shd.set(qn("w:val"), "solid" if where == "pattern" else "pct50")
            shd.set(qn("w:color"), "auto")
            shd.set(qn("w:fill"), "auto")
            paragraph._p.get_or_add_pPr().append(shd)
            paragraph.add_run("Boxed words").font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
            return
        inner = cell.add_table(rows=1, cols=1)
        if where == "inner table style":
            inner.style = made.styles["Medium Shading 1 Accent 1"]
        else:
            _shade(inner.cell(0, 0), "tcPr", "1F3864")
        run = inner.cell(0, 0).paragraphs[0].add_run("Boxed words")
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)

    return build


@pytest.mark.parametrize(
    "where", ["text box", "inner table style", "inner shaded cell", "pattern", "pattern 50%"]
)
def test_white_words_on_something_shaded_inside_a_table_are_read_once(where: str) -> None:
    """A table in a cell has its own style and shading; a text box in a cell, its fill;
    a pattern shading paints as a fill does. Each box's words are read once, not again
    from the copy Word keeps for older readers."""
    assert lines(_docx(_white_inside(where))) == [
        "Shown before.",
        "Cell words Boxed words",
        "Shown after.",
    ]


@pytest.mark.parametrize("colour", ["FAFAFA", "F0F0F0"])
def test_words_a_shade_off_white_on_a_white_page_are_not_read(colour: str) -> None:
    def build(made: docx.document.Document) -> None:
        from docx.shared import RGBColor

        paragraph = made.add_paragraph("Visible words ")
        paragraph.add_run("secret words").font.color.rgb = RGBColor.from_string(colour)

    assert lines(_docx(build)) == ["Shown before.", "Visible words", "Shown after."]


def test_white_words_on_a_white_highlight_are_not_read() -> None:
    def build(made: docx.document.Document) -> None:
        from docx.enum.text import WD_COLOR_INDEX
        from docx.shared import RGBColor

        paragraph = made.add_paragraph("Visible words ")
        run = paragraph.add_run("secret words")
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        run.font.highlight_color = WD_COLOR_INDEX.WHITE

    assert lines(_docx(build)) == ["Shown before.", "Visible words", "Shown after."]


@pytest.mark.parametrize(
    "build",
    [_hidden_by_character_style, _hidden_by_a_style_it_is_based_on, _white, _tiny],
    ids=lambda f: f.__name__.strip("_"),
)
def test_words_word_does_not_show_are_kept_to_tell_a_quote_of_them_why(build: object) -> None:
    """A quote of them is told they are in the file but not shown, as for a web page or
    PDF, not "the source does not have them"."""
    extracted = extract(_docx(build))
    assert extracted.hidden == ((0, "Visible words secret words"),)


def test_a_quote_of_words_word_does_not_show_is_told_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_tree(
        tmp_path,
        {
            "config.yaml": "organisation: Test Unit\n",
            "sources/sources.yaml": "- id: doc\n  file: doc.docx\n  publisher: P\n  title: T\n",
            "sources/doc.docx": _docx(_hidden_by_character_style),
            "briefs/b.yaml": brief_citing(("doc", "Visible words secret words")),
        },
    )
    monkeypatch.chdir(tmp_path)
    result = run_cli("check")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].endswith(
        'quote not found in source "doc" (doc.docx): its words are in the file, but not shown '
        "there (they are invisible, covered, too small or squeezed, or the colour of what is "
        "behind them), so no reader of it sees them; quote what the document shows"
    )
