"""The brief a private office expects: standard sections, short labels, compact notes."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import MINIMAL_BRIEF, MINIMAL_CATALOGUE, build_tree, minimal_files, run_cli

SECTIONS = """\
purpose: Agree the **next steps** on the plan.
objectives:
  - Secure support for the plan.
  - Hear the critics out.
lines_to_take:
  - The plan is fully costed.
  - text: The plan runs for five years.
    cite:
      - source: news
        quote: the plan would cost "£2.5 billion" over five years
background: The plan was announced in March.
handling: The critics will be there.
asks: |
  - *Is it enough?* Yes: it is fully costed.
"""


def _build(tmp_path: Path, brief: str, catalogue: str = MINIMAL_CATALOGUE) -> Path:
    root = build_tree(
        tmp_path / "ws", minimal_files(briefs__test_yaml=brief, sources__sources_yaml=catalogue)
    )
    result = run_cli("--config", str(root), "build", "--format", "md,html")
    assert result.exit_code == 0, result.stderr
    return root / "build"


def test_sections_appear_in_the_conventional_order(tmp_path: Path) -> None:
    out = _build(tmp_path, MINIMAL_BRIEF + SECTIONS)
    for name in ("test.md", "test.html"):
        text = (out / name).read_text(encoding="utf-8")
        heads = ["Purpose", "Key messages", "Objectives", "Lines to take", "Background"]
        heads += ["Positions", "Figures", "Handling", "What they may ask", "Sources"]
        places = [text.index(h) for h in heads]
        assert places == sorted(places), name
        assert "Hear the critics out" in text and "Is it enough?" in text


def test_a_line_to_take_cites_and_shares_the_note_of_the_same_passage(tmp_path: Path) -> None:
    out = _build(tmp_path, MINIMAL_BRIEF + SECTIONS)
    html = (out / "test.html").read_text(encoding="utf-8")
    assert html.count('<li id="note-') == 2  # the same quote: one note, not two
    md = (out / "test.md").read_text(encoding="utf-8")
    # Markdown names each citation by its item, so that edits stay local to the item
    assert re.search(r"The plan runs for five years\.\[\^[\w-]+\]", md)
    assert "The plan is affordable.[^minister-plan-1]" in md


def test_a_wrong_quote_in_a_line_to_take_is_an_error(tmp_path: Path) -> None:
    brief = MINIMAL_BRIEF + SECTIONS.replace("over five years", "over six years")
    root = build_tree(tmp_path / "ws", minimal_files(briefs__test_yaml=brief))
    result = run_cli("--config", str(root), "check")
    assert result.exit_code == 1
    assert "test.yaml:" in result.stderr and "quote not found" in result.stderr


def test_a_line_to_take_with_unknown_field_is_an_error_at_its_line(tmp_path: Path) -> None:
    brief = MINIMAL_BRIEF + "lines_to_take:\n  - txt: oops\n"
    root = build_tree(tmp_path / "ws", minimal_files(briefs__test_yaml=brief))
    result = run_cli("--config", str(root), "check")
    assert result.exit_code == 1
    assert "test.yaml:" in result.stderr and '"txt"' in result.stderr


def test_notes_use_the_label_not_the_file_name(tmp_path: Path) -> None:
    catalogue = MINIMAL_CATALOGUE + "  label: EN, 1 Mar\n"
    out = _build(tmp_path, MINIMAL_BRIEF, catalogue)
    md = (out / "test.md").read_text(encoding="utf-8")
    html = (out / "test.html").read_text(encoding="utf-8")
    assert re.search(r"\[\^[\w-]+\]: EN, 1 Mar", md)
    shown = re.sub(r"\]\([^)]*\)", "]", md)  # link targets are not what a reader sees
    assert shown.count("news.txt") == 1  # named once, in the appendix
    assert html.count("news.txt") == 1


def test_default_label_is_publisher_and_short_date(tmp_path: Path) -> None:
    md = (_build(tmp_path, MINIMAL_BRIEF) / "test.md").read_text(encoding="utf-8")
    assert re.search(r"\[\^[\w-]+\]: Example News, 1 Mar 2025", md)


def test_adjacent_markers_are_a_range(tmp_path: Path) -> None:
    extra = "".join(
        f"      - source: news\n        quote: {q}\n"
        for q in ("Critics called it", "too little, too late", "and said so loudly")
    )
    brief = MINIMAL_BRIEF.replace(
        'quote: the plan would cost "£2.5 billion" over five years\n',
        'quote: the plan would cost "£2.5 billion" over five years\n' + extra,
        1,
    )
    out = _build(tmp_path, brief)
    html = (out / "test.html").read_text(encoding="utf-8")
    assert ">1–4</a>" in html
    md = (out / "test.md").read_text(encoding="utf-8")
    # three quotes from one sentence: the sentence is printed once, with its three notes
    assert md.count("- Line 2 ") == 1
    assert re.search(r"- Line 2 \((\[\^[\w-]+\](, )?){3}\): \*\*Critics called it\*\*", md)


def test_docx_has_headings_footnotes_quotes_and_properties(tmp_path: Path) -> None:
    import docx

    root = build_tree(tmp_path / "ws", minimal_files(briefs__test_yaml=MINIMAL_BRIEF + SECTIONS))
    for layout in ("brief", "card"):
        result = run_cli("--config", str(root), "build", "--format", "docx", "--template", layout)
        assert result.exit_code == 0, result.stderr
    for name in ("test.docx", "test.card.docx"):
        document = docx.Document(str(root / "build" / name))
        assert document.core_properties.title == "Test brief"
        assert document.core_properties.author == "Test Unit"
        styles = {p.style.name for p in document.paragraphs if p.style is not None}
        assert "Heading 1" in styles
        assert len(document.tables) == 1
        section = document.sections[0]
        assert section.header.paragraphs[0].text == "OFFICIAL"
        assert section.footer.paragraphs[0].text == "OFFICIAL"
    first = (root / "build" / "test.docx").read_bytes()
    import zipfile

    with zipfile.ZipFile(root / "build" / "test.docx") as z:
        footnotes = z.read("word/footnotes.xml").decode()
        body = z.read("word/document.xml").decode()
    assert footnotes.count("<w:footnote ") >= 2 + 2  # two notes, plus Word's separators
    assert "£2.5 billion" in body and "over five years" in body
    (root / "build" / "test.docx").unlink()
    again = run_cli("--config", str(root), "build", "--format", "docx")
    assert again.exit_code == 0, again.stderr
    assert (root / "build" / "test.docx").read_bytes() == first  # reproducible


def test_sample_docx_holds_every_quote_and_reads_back_in_pandoc(sample: Path) -> None:
    import pypandoc

    from briefgen.build import check

    result = run_cli("build", "--format", "docx")
    assert result.exit_code == 0, result.stderr
    text = pypandoc.convert_file(
        str(sample / "build" / "london-summit.docx"), "plain", extra_args=["--wrap=none"]
    )
    flat = re.sub(r"\s+", " ", text)
    workspace = check(sample / "config.yaml").workspace
    for brief in workspace.briefs:
        for item in brief.citing:
            for cite in item.cite:
                assert cite.span is not None
                assert re.sub(r"\s+", " ", cite.span.text) in flat, cite.quote


def test_the_card_shows_objectives_and_lines_to_take_first(tmp_path: Path) -> None:
    root = build_tree(tmp_path / "ws", minimal_files(briefs__test_yaml=MINIMAL_BRIEF + SECTIONS))
    result = run_cli("--config", str(root), "build", "--format", "md,html", "--template", "card")
    assert result.exit_code == 0, result.stderr
    for name in ("test.card.md", "test.card.html"):
        text = (root / "build" / name).read_text(encoding="utf-8")
        heads = ["Objectives", "Lines to take", "Key messages", "Positions"]
        places = [text.index(h) for h in heads]
        assert places == sorted(places), name
        assert "The plan runs for five years" in text and "Hear the critics out" in text
        for left_out in ("The plan was announced in March", "The critics will be there"):
            assert left_out not in text, name  # the card is one page: key items only
