"""The brief as a finished document: PDF metadata, outline, links, marking, footer,
self-contained HTML, Markdown that round-trips, both layouts, reproducible bytes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin
from pypdf import PdfReader

from briefgen.build import build, check
from briefgen.normalise import normalise
from conftest import ROOT, run_cli

FORMATS = ["pdf", "html", "md"]


def copy_sample(root: Path) -> Path:
    root.mkdir(parents=True)
    for name in ("config.yaml", "sources", "briefs"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / name)
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample built once in every format and both layouts, side by side in <root>/build."""
    root = copy_sample(tmp_path_factory.mktemp("doc") / "sample")
    result = build(root / "config.yaml", formats=FORMATS, layouts=("brief", "card"))
    assert not result.report.problems
    return root


def pages_text(pdf: Path) -> list[str]:
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in PdfReader(pdf).pages]


def outline_titles(pdf: Path) -> list[str]:
    titles: list[str] = []

    def walk(items: list[object]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)  # type: ignore[attr-defined]

    walk(PdfReader(pdf).outline)
    return titles


def test_pdf_metadata(built: Path) -> None:
    meta = PdfReader(built / "build" / "london-summit.pdf").metadata
    assert meta is not None
    assert meta.title == "Ukraine and European security"
    assert meta.author == "Europe Directorate"
    assert (
        meta.subject
        == "Positions, proposals and key figures around the London summit and the US aid pause"
    )
    assert meta["/Keywords"].startswith("OFFICIAL, Security guarantees, Peace process")
    assert meta["/CreationDate"] == "D:20250305000000Z"  # the brief's as_of, never the clock


def test_pdf_outline_has_every_section_topic_and_proposal(built: Path) -> None:
    titles = outline_titles(built / "build" / "london-summit.pdf")
    for section in ("Key messages", "Positions", "Proposals", "Figures", "Notes", "Sources"):
        assert section in titles
    workspace = check(built / "config.yaml").workspace
    brief = workspace.briefs[0]
    for topic in {p.topic for p in brief.positions}:
        assert topic in titles
    for proposal in brief.proposals:
        assert proposal.title in titles  # the status label is not part of the bookmark


def test_pdf_marking_and_page_footer_on_every_page(built: Path) -> None:
    pages = pages_text(built / "build" / "london-summit.pdf")
    assert 6 <= len(pages) <= 20
    for number, text in enumerate(pages, start=1):
        assert text.count("OFFICIAL") >= 2, f"page {number} lacks the marking top and bottom"
        assert f"Page {number} of {len(pages)}" in text


def test_every_quote_can_be_found_in_the_pdf_text(built: Path) -> None:
    text = normalise(" ".join(pages_text(built / "build" / "london-summit.pdf"))).text
    workspace = check(built / "config.yaml").workspace
    for item in workspace.briefs[0].items:
        for cite in item.cite:
            assert cite.span is not None
            assert normalise(cite.span.text).text in text, cite.quote


def test_pdf_internal_links_resolve(built: Path) -> None:
    reader = PdfReader(built / "build" / "london-summit.pdf")
    named = set(reader.named_destinations)
    targets = []
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            obj = annot.get_object()
            dest = obj.get("/Dest")
            if dest is None and obj.get("/A") is not None:
                dest = obj["/A"].get("/D")
            if dest is not None:
                targets.append(str(dest))
    workspace = check(built / "config.yaml").workspace
    citations = sum(len(i.cite) for i in workspace.briefs[0].items)
    assert len(targets) >= citations  # every marker, plus note -> passage links
    assert {
        "note-1",
        "passage-bbc-paris-talks-" + str(workspace.briefs[0].positions[0].cite[1].span.start),
    } <= named | set(targets)  # type: ignore[union-attr]
    missing = [t for t in targets if t not in named]
    assert not missing, missing[:5]


def test_card_is_one_page_of_key_items(built: Path) -> None:
    pdf = built / "build" / "london-summit.card.pdf"
    pages = pages_text(pdf)
    assert len(pages) == 1
    workspace = check(built / "config.yaml").workspace
    brief = workspace.briefs[0]
    for position in brief.positions:
        assert (position.stance[:40] in pages[0]) == position.key, position.id
    assert "Sources" not in outline_titles(pdf)


def test_html_is_self_contained_and_readable_on_a_phone(built: Path) -> None:
    html = (built / "build" / "london-summit.html").read_text(encoding="utf-8")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "<style>" in html
    assert not re.search(r"<(link|script|img|iframe)\b", html)
    assert not re.search(r"url\(|@import|src=", html)
    assert "file:" not in html
    for n in range(1, 86):
        assert f'id="note-{n}"' in html
        assert f'href="#note-{n}"' in html


def test_markdown_round_trips_every_footnote(built: Path) -> None:
    for folder in ("london-summit", "london-summit.card"):
        text = (built / "build" / f"{folder}.md").read_text(encoding="utf-8")
        md = MarkdownIt("commonmark").enable("table").use(footnote_plugin)
        tokens = md.parse(text)
        refs = {
            t.meta["label"]
            for tok in tokens
            if tok.children
            for t in tok.children
            if t.type == "footnote_ref"
        }
        defs = {
            tok.meta["label"]
            for tok in tokens
            if tok.type == "footnote_open" and tok.meta.get("label")
        }
        defs |= {
            tok.meta["label"]
            for tok in tokens
            if tok.type == "footnote_reference_open" and tok.meta.get("label")
        }
        assert refs, folder
        assert refs == defs, (folder, sorted(refs ^ defs))
        assert "| Figure | Value |" in text if folder == "london-summit" else True
        assert re.search(r"\]\(\.\./(\.\./)?sources/001_31fbf68d45b37391\.txt#L\d+\)", text)


def test_markdown_tables_parse_as_tables(built: Path) -> None:
    text = (built / "build" / "london-summit.md").read_text(encoding="utf-8")
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    assert any(t.type == "table_open" for t in tokens)
    rows = [t for t in tokens if t.type == "tr_open"]
    brief = yaml.safe_load((built / "briefs" / "london-summit.yaml").read_text(encoding="utf-8"))
    assert len(rows) == 1 + len(brief["figures"])  # header and one row per figure


def test_builds_are_byte_identical(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "sample")
    build(root / "config.yaml", formats=FORMATS, out=tmp_path / "one")
    build(root / "config.yaml", formats=FORMATS, out=tmp_path / "two")
    for suffix in ("pdf", "html", "md"):
        one = (tmp_path / "one" / f"london-summit.{suffix}").read_bytes()
        two = (tmp_path / "two" / f"london-summit.{suffix}").read_bytes()
        assert one == two, suffix


def test_source_date_epoch_sets_the_document_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_sample(tmp_path / "sample")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1750000000")
    build(root / "config.yaml", formats=["pdf", "html"])
    meta = PdfReader(root / "build" / "london-summit.pdf").metadata
    assert meta is not None
    assert meta["/CreationDate"] == "D:20250615150640Z"
    html = (root / "build" / "london-summit.html").read_text(encoding="utf-8")
    assert '<meta name="dcterms.created" content="2025-06-15T15:06:40Z">' in html


def test_unknown_template_on_the_command_line_is_a_usage_error(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(built)
    result = run_cli("build", "--template", "poster", "--format", "md", "--out", "x")
    assert result.exit_code == 2
    assert (
        result.stderr
        == 'briefgen: error: unknown template "poster" for --template; use one of: brief, card\n'
    )
