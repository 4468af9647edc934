"""PDF sources, cited as received: page and line, page breaks, hyphens, ligatures, boilerplate,
and the files that must be refused (scans, locked files, garbage, decompression bombs)."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import brief_citing
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pdfs import SCRIPT, bomb_pdf, encrypted_pdf, pdf_bytes, scanned_pdf

from briefgen.readers import PAGE, ReaderError
from briefgen.readers import pdf as reader
from conftest import ROOT, build_tree, run_cli, run_subprocess

HEADER = "Environment Agency - Flood defence review 2025"
PAGE_1 = [
    "Flood defence review",
    "The agency said the new barriers would be ready",
    "by the spring, and that their height had been deter-",
    "mined by the findings of the ﬁnal survey of the",
    "estuary, which ran to the end of the year and",
    "covered every stretch of the river wall.",
]
PAGE_2 = [
    "Councils will receive the money in two instalments",
    "over the next three years, the minister said, and",
    "the ﬂood maps will be redrawn once the barriers",
    "are in place.",
]
PAGE_3 = [
    "A second review will follow in 2027.",
    "It will cover the tidal stretches of the river.",
]
CATALOGUE = """\
- id: review
  file: review.pdf
  publisher: Environment Agency
  title: Flood defence review
  published: 2025-03-01
"""


def report_pdf() -> bytes:
    return pdf_bytes([PAGE_1, PAGE_2, PAGE_3], header=HEADER)


def brief(*quotes: str) -> str:
    return brief_citing(*(("review", quote) for quote in quotes))


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = build_tree(
        tmp_path / "ws",
        {
            "config.yaml": "organisation: Test\n",
            "sources/sources.yaml": CATALOGUE,
            "sources/review.pdf": report_pdf(),
        },
    )
    monkeypatch.chdir(root)
    return root


def check(root: Path, *quotes: str) -> tuple[int, str]:
    (root / "briefs").mkdir(exist_ok=True)
    (root / "briefs" / "b.yaml").write_text(brief(*quotes), encoding="utf-8")
    result = run_cli("check")
    return result.exit_code, result.stderr


def note_places(root: Path, *quotes: str) -> list[str]:
    """The places the built manifest gives for each quote, in order."""
    (root / "briefs").mkdir(exist_ok=True)
    (root / "briefs" / "b.yaml").write_text(brief(*quotes), encoding="utf-8")
    result = run_cli("build", "--format", "json")
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((root / "build" / "b.json").read_text(encoding="utf-8"))
    return [c["place"] for item in manifest["items"] for c in item["cite"]]


# --- the reader itself --------------------------------------------------------------------


def test_running_header_footer_and_page_numbers_are_left_out() -> None:
    extracted = reader.extract(report_pdf())
    assert extracted.unit == PAGE
    lines = extracted.text.split("\n")
    assert HEADER not in extracted.text
    assert not any(line.startswith("Page ") for line in lines)
    # every body line is there, in order, at its line on its page (the header is line 1)
    body = [
        (n, i + 2, line)
        for n, page in enumerate([PAGE_1, PAGE_2, PAGE_3], 1)
        for i, line in enumerate(page)
    ]
    assert [(m[0], m[1]) for m in extracted.marks] == [(n, i) for n, i, _ in body]
    assert [line.replace("ﬁ", "fi").replace("ﬂ", "fl") for line in lines] == [
        line.replace("ﬁ", "fi").replace("ﬂ", "fl") for _, _, line in body
    ]


def test_a_line_on_one_page_only_is_kept_even_at_the_top() -> None:
    pages = [["Introduction to the review", "Body text one."], ["Other words here", "Body two."]]
    extracted = reader.extract(pdf_bytes(pages, header=None, footer=None))
    assert "Introduction to the review" in extracted.text
    assert "Other words here" in extracted.text


WORDS = [
    "the",
    "council",
    "said",
    "budget",
    "river",
    "plan",
    "would",
    "cost",
    "more",
    "than",
    "last",
    "year",
    "and",
    "12",
    "4.5%",
    "new",
]


def _distinct_lines(texts: list[list[str]]) -> bool:
    lines = [line for words in texts for line in (tuple(words[:4]), tuple(words[4:]))]
    return len(set(lines)) == len(lines)


FOLIOS = [
    "{page}",
    "Page {page} of {pages}",
    "- {page} -",
    "page {page}",
    "{page}/{pages}",
    "[{page}]",
]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    folio=st.sampled_from(FOLIOS),
    count=st.integers(min_value=2, max_value=5),
    header=st.sampled_from([None, "Quarterly report", "Annual review 2024 | Chapter 3"]),
    texts=st.lists(
        st.lists(st.sampled_from(WORDS), min_size=6, max_size=10), min_size=5, max_size=5
    ).filter(_distinct_lines),
)
def test_page_numbers_and_running_heads_never_reach_the_text(
    folio: str, count: int, header: str | None, texts: list[list[str]]
) -> None:
    """Whatever the body says (its lines all different), the running header and the page numbers (in any of the usual
    forms) are left out and every line of the body is kept, at its line on its page."""
    pages = [[" ".join(words[:4]) + ".", " ".join(words[4:]) + "."] for words in texts[:count]]
    extracted = reader.extract(pdf_bytes(pages, header=header, footer=folio))
    lines = extracted.text.split("\n")
    assert lines == [line for page in pages for line in page]
    first_body = 1 if header is None else 2
    assert extracted.marks[0] == (1, first_body)


def test_a_scan_is_refused() -> None:
    with pytest.raises(ReaderError, match="no page of the PDF has a text layer"):
        reader.extract(scanned_pdf())


def test_a_locked_pdf_is_refused() -> None:
    with pytest.raises(ReaderError, match="encrypted and needs a password"):
        reader.extract(encrypted_pdf("Some words that are locked away"))


@pytest.mark.parametrize(
    "data",
    [b"", b"not a pdf at all", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", b"PK\x03\x04" + bytes(200)],
    ids=["empty", "text", "truncated", "zip"],
)
def test_garbage_is_refused(data: bytes) -> None:
    with pytest.raises(ReaderError, match="cannot be read as a PDF"):
        reader.extract(data)


# --- quotes through check -----------------------------------------------------------------


def test_a_quote_over_a_page_break_verifies_with_both_pages(ws: Path) -> None:
    quote = "covered every stretch of the river wall. Councils will receive the money"
    code, err = check(ws, quote)
    assert (code, err) == (0, "")
    assert note_places(ws, quote) == ["p. 1, line 7 to p. 2, line 2"]


def test_a_word_hyphenated_at_a_line_end_verifies_whole(ws: Path) -> None:
    quotes = ["their height had been determined by the findings", "had been deter-mined by"]
    assert check(ws, *quotes) == (0, "")
    assert note_places(ws, *quotes) == ["p. 1, lines 4–5", "p. 1, lines 4–5"]


def test_ligatures_match_plain_letters_and_the_ligature_itself(ws: Path) -> None:
    quotes = ["the findings of the final survey", "the ﬂood maps will be redrawn", "the flood maps"]
    assert check(ws, *quotes) == (0, "")
    assert note_places(ws, *quotes) == ["p. 1, line 5", "p. 2, line 4", "p. 2, line 4"]


@pytest.mark.parametrize(
    "quote",
    [
        "Environment Agency - Flood defence review 2025",
        "river wall. Environment Agency - Flood defence review",
        "the river wall. Page 1 of 3 Councils will",
        "river wall. 1 Councils will receive",
    ],
    ids=["header", "header-in-quote", "footer-in-quote", "folio-in-quote"],
)
def test_running_heads_and_page_numbers_cannot_be_cited(ws: Path, quote: str) -> None:
    code, err = check(ws, quote)
    assert code == 1
    assert 'error: quote not found in source "review" (review.pdf)' in err


def _with_text_off_the_page() -> bytes:
    """A page with two lines on it, and text set beside it, below it and inside a crop box's
    margin: a viewer shows only the two."""
    from fpdf import FPDF

    pdf = FPDF(format=(105, 148))
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    pdf.text(10, 20, "The minister said the plan is sound.")
    pdf.text(10, 30, "It will be reviewed in the spring.")
    pdf.text(-250, 40, "Beside the page the minister resigned.")
    pdf.text(10, 400, "Below the page the plan was dropped.")
    return bytes(pdf.output())


def test_text_set_off_the_page_is_not_read() -> None:
    text = reader.extract(_with_text_off_the_page()).text
    assert "The minister said the plan is sound." in text
    assert "It will be reviewed in the spring." in text
    assert "resigned" not in text and "dropped" not in text


def test_text_outside_the_crop_box_is_not_read() -> None:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(_with_text_off_the_page())
    document[0].set_cropbox(0, 350, 297, 420)  # the top of the page: the first line only
    cropped = io.BytesIO()
    document.save(cropped)
    text = reader.extract(cropped.getvalue()).text
    assert "The minister said the plan is sound." in text and "spring" not in text


def test_a_page_whose_crop_box_is_off_its_media_box_is_read_whole() -> None:
    """Viewers show the media box then; the crop box alone would show nothing."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(_with_text_off_the_page())
    document[0].set_cropbox(1000, 1000, 1200, 1200)
    odd = io.BytesIO()
    document.save(odd)
    text = reader.extract(odd.getvalue()).text
    assert "The minister said the plan is sound." in text and "spring" in text


def test_words_off_the_page_cannot_be_cited(ws: Path) -> None:
    (ws / "sources" / "review.pdf").write_bytes(_with_text_off_the_page())
    assert check(ws, "the plan is sound")[0] == 0
    code, err = check(ws, "the minister resigned")
    assert code == 1 and 'quote not found in source "review"' in err


def test_a_near_miss_is_rejected_with_the_page_and_line(ws: Path) -> None:
    code, err = check(ws, "Councils will receive the money in three instalments")
    assert code == 1
    assert 'quote not found in source "review" (review.pdf); the source has "two' in err
    assert "the nearest passage, p. 2, lines 2–3 (" in err


def test_quote_shows_page_and_line(ws: Path) -> None:
    result = run_cli("quote", "review", "receive the money")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "review (review.pdf), p. 2, line 2:"


def test_notes_link_to_the_page(ws: Path) -> None:
    (ws / "briefs").mkdir()
    (ws / "briefs" / "b.yaml").write_text(brief("over the next three years, the minister said"))
    result = run_cli("build", "--format", "md")
    assert result.exit_code == 0, result.stderr
    md = (ws / "build" / "b.md").read_text(encoding="utf-8")
    assert "[p. 2, line 3](../sources/review.pdf#page=2)" in md
    assert "- p. 2, line 3 (" in md  # the appendix's passage in context


# --- files that must be refused, at the catalogue line ------------------------------------

AT_FILE = "sources/sources.yaml:2:9: error: "


@pytest.mark.parametrize(
    "data, message",
    [
        (
            scanned_pdf(),
            'source file "review.pdf": no page of the PDF has a text layer (it looks like a '
            "scanned image); briefgen does not do OCR: catalogue a text version of the "
            "document, or a PDF with a text layer",
        ),
        (
            encrypted_pdf("The agency said the new barriers would be ready"),
            'source file "review.pdf": the PDF is encrypted and needs a password to open; save '
            "a copy without the password (or ask its publisher for one) and catalogue that",
        ),
        (
            b"<html><body>Not a PDF</body></html>",
            'source file "review.pdf": the file cannot be read as a PDF (it is damaged, '
            "incomplete or not a PDF at all); download it again, or catalogue the document "
            "in another format",
        ),
    ],
    ids=["scan", "encrypted", "garbage"],
)
def test_an_unreadable_pdf_is_an_error_at_its_catalogue_entry(
    ws: Path, data: bytes, message: str
) -> None:
    (ws / "sources" / "review.pdf").write_bytes(data)
    code, err = check(ws, "the new barriers would be ready")
    assert code == 1
    assert err.splitlines()[0] == AT_FILE + message
    assert [line for line in err.splitlines() if "error" in line] == [AT_FILE + message]


def test_a_decompression_bomb_stops_cleanly_within_the_memory_limit(tmp_path: Path) -> None:
    root = build_tree(
        tmp_path / "ws",
        {
            "config.yaml": "organisation: Test\nlimits:\n  render_memory_mb: 300\n",
            "sources/sources.yaml": CATALOGUE
            + "\n- id: other\n  file: other.pdf\n  publisher: P\n  title: T\n",
            "sources/review.pdf": bomb_pdf(900),
            "sources/other.pdf": report_pdf(),
            "briefs/b.yaml": brief("the new barriers would be ready").replace(
                "source: review", "source: other"
            ),
        },
    )
    assert (root / "sources" / "review.pdf").stat().st_size < 5_000_000
    done = run_subprocess("check", cwd=root, timeout=120)
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1
    first = errors[0]
    assert first.startswith(AT_FILE + 'reading source file "review.pdf" ')
    assert "ran out of memory (limit 300 MB)" in first or "failed before it could report" in first
    assert "a decompression bomb" in first and "limits.render_memory_mb" in first
    # the PDF beside it, read under the same limit, verifies: the limit is not what failed
    assert "1 of 1 citations verified" in done.stdout


def test_check_and_build_leave_the_pdf_as_it_was(ws: Path) -> None:
    before = hashlib.sha256((ws / "sources" / "review.pdf").read_bytes()).hexdigest()
    (ws / "briefs").mkdir()
    (ws / "briefs" / "b.yaml").write_text(brief("the new barriers would be ready"))
    assert run_cli("check").exit_code == 0
    assert run_cli("build", "--format", "md,json").exit_code == 0
    after = hashlib.sha256((ws / "sources" / "review.pdf").read_bytes()).hexdigest()
    assert before == after
    manifest = json.loads((ws / "build" / "b.json").read_text(encoding="utf-8"))
    assert manifest["sources"]["review"]["sha256"] == before


# --- the sample ---------------------------------------------------------------------------


def test_the_script_makes_the_committed_sample_pdf_byte_for_byte(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    name = "north-atlantic-treaty.pdf"
    assert (tmp_path / name).read_bytes() == (ROOT / "sources" / name).read_bytes()


# --- sources add --------------------------------------------------------------------------


def test_sources_add_catalogues_a_pdf_with_title_and_date_from_its_text(ws: Path) -> None:
    pages = [
        ["Statement on river defences", "Published 3 March 2025.", "The money is in place."],
        ["Work starts in the summer.", "It ends in two years."],
    ]
    (ws / "statement.pdf").write_bytes(pdf_bytes(pages, header="Agency statements"))
    result = run_cli("sources", "add", "statement.pdf", "--publisher", "Agency")
    assert result.exit_code == 0, result.stderr
    catalogue = (ws / "sources" / "sources.yaml").read_text(encoding="utf-8")
    assert catalogue.endswith(
        "- id: statement-on-river-defences\n  file: statement.pdf\n  publisher: Agency\n"
        "  title: Statement on river defences\n  published: 2025-03-03\n"
    )
    assert (ws / "sources" / "statement.pdf").read_bytes() == (ws / "statement.pdf").read_bytes()


def test_sources_add_refuses_a_scan_and_writes_nothing(ws: Path) -> None:
    (ws / "scan.pdf").write_bytes(scanned_pdf())
    before = (ws / "sources" / "sources.yaml").read_bytes()
    result = run_cli("sources", "add", "scan.pdf", "--publisher", "Agency")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        'scan.pdf:1:1: error: source file "scan.pdf": no page of the PDF has a text layer (it '
        "looks like a scanned image); briefgen does not do OCR: catalogue a text version of "
        "the document, or a PDF with a text layer"
    )
    assert (ws / "sources" / "sources.yaml").read_bytes() == before
    assert not (ws / "sources" / "scan.pdf").exists()


def test_pages_without_text_do_not_hide_running_heads() -> None:
    """A report with figure pages between its text pages still loses its running header."""
    head = "Quarterly report"
    text = [[head, "Results for the first quarter.", "Sales rose."], [], [], [], [head, "Outlook."]]
    extracted = reader.extract(pdf_bytes(text, header=None, footer=None))
    assert "Quarterly report" not in extracted.text
    assert extracted.notes[-1] == "no text on pages 2, 3, 4"
    assert extracted.marks[0] == (1, 2)


def test_a_quote_of_the_running_header_is_told_it_is_one(ws: Path) -> None:
    code, err = check(ws, "Environment Agency - Flood defence review 2025")
    assert code == 1
    assert (
        'quote not found in source "review" (review.pdf): its words are the PDF\'s running '
        "header or footer (the same words at the top or bottom of page after page), which is "
        "left out of what can be cited; quote the document's own text"
    ) in " ".join(err.split())
    quoted = run_cli("quote", "review", "Environment Agency - Flood defence review")
    assert quoted.exit_code == 1
    assert quoted.stderr.startswith(
        'briefgen: error: the words are the running header or footer of "review"'
    )


def _titled(title: str) -> bytes:
    """A PDF whose document information gives it this Title."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(
        clone_from=PdfReader(io.BytesIO(pdf_bytes([["Department band"], ["Text."]])))
    )
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("title", "read"),
    [
        ("Ukraine and European security", "Ukraine and European security"),
        ("  Flood   defence review ", "Flood defence review"),
        ("Microsoft Word - review-final.docx", None),  # the file it was made from
        ("review.pdf", None),
        ("Untitled", None),
    ],
)
def test_the_title_a_pdf_gives_itself_is_offered_unless_it_names_a_file(
    title: str, read: str | None
) -> None:
    """sources add proposed a briefgen PDF's department band, its first line, as its
    title, though the PDF's own Title said what it is."""
    assert reader.extract(_titled(title)).title == read
