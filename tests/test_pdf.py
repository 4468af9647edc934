"""The sample PDF, read back as text: every footnote's source and line is in it."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefgen.build import build, check
from conftest import ROOT


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("pdf") / "sample"
    root.mkdir()
    for name in ("config.yaml", "sources", "briefs"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / name)
    result = build(root / "config.yaml", formats=["pdf"])
    assert not result.report.problems
    pdf = root / "build" / "london-summit.pdf"
    text = "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages)
    return pdf, re.sub(r"\s+", " ", text)


def test_pdf_is_a_pdf(sample_pdf: tuple[Path, str]) -> None:
    pdf, _text = sample_pdf
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert len(PdfReader(pdf).pages) >= 2


def test_every_note_names_its_source_label_and_line(sample_pdf: tuple[Path, str]) -> None:
    """Notes name a source by its short label and line; its file name only heads the appendix."""
    _pdf, text = sample_pdf
    workspace = check(ROOT / "config.yaml").workspace
    notes = 0
    for brief in workspace.briefs:
        for item in brief.items:
            for cite in item.cite:
                assert cite.span is not None
                source = workspace.sources[cite.source_id]
                assert f"{source.short}, {cite.span.where}" in text
                notes += 1
    assert notes >= 50
    for source in workspace.sources.values():
        assert text.count(source.file) == 1, source.file


def test_sample_pdf_fits_nine_pages_and_is_tagged(sample_pdf: tuple[Path, str]) -> None:
    """PDF/UA-1: a structure tree with headings and table header cells, and a language."""
    import pikepdf

    path, _text = sample_pdf
    assert len(PdfReader(path).pages) <= 9
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        assert str(root.Lang) == "en"
        assert bool(root.MarkInfo.Marked)
        kinds: set[str] = set()
        todo = [root.StructTreeRoot]
        while todo:
            node = todo.pop()
            if isinstance(node, pikepdf.Dictionary):
                if "/S" in node:
                    kinds.add(str(node.S))
                if "/K" in node:
                    todo.append(node.K)
            elif isinstance(node, pikepdf.Array):
                todo.extend(node)
    assert {"/H1", "/H2", "/H3", "/TH", "/Table", "/L"} <= kinds, kinds


def test_pdf_carries_title_marking_and_sections(sample_pdf: tuple[Path, str]) -> None:
    _pdf, text = sample_pdf
    for words in (
        "Ukraine and European security",
        "OFFICIAL",
        "Key messages",
        "Positions",
        "Proposals",
        "Figures",
        "Sources",
        "Page 1 of",
    ):
        assert words in text


def test_markdown_only_build_does_not_import_weasyprint(tmp_path: Path) -> None:
    code = (
        "import sys; from briefgen.build import build; "
        f"r = build({str(ROOT / 'config.yaml')!r}, formats=['md'], out=__import__('pathlib').Path({str(tmp_path)!r})); "
        "assert not r.report.errors; print('weasyprint' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    assert (tmp_path / "london-summit.md").exists()


def _destinations(reader: PdfReader) -> dict[str, tuple[int, float, float]]:
    """Each named destination: its page (from 0), left and top."""
    return {
        str(name): (reader.get_destination_page_number(d), float(d.left), float(d.top))
        for name, d in reader.named_destinations.items()
    }


def _links(reader: PdfReader) -> list[tuple[int, list[float], str]]:
    """Every internal link: its page, rectangle and the named destination it goes to."""
    links = []
    for number, page in enumerate(reader.pages):
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot["/Subtype"] != "/Link":
                continue
            dest = annot.get("/Dest") or annot.get("/A", {}).get("/D")
            if dest is not None:
                links.append((number, [float(v) for v in annot["/Rect"]], str(dest)))
    return links


def _at(links: list[tuple[int, list[float], str]], page: int, x: float, y: float) -> list[str]:
    """Where the links on a page whose rectangle holds the point (x, y) go."""
    slack = 1.0
    return [
        dest
        for at, (x1, y1, x2, y2), dest in links
        if at == page
        and min(x1, x2) - slack <= x <= max(x1, x2) + slack
        and min(y1, y2) - slack <= y <= max(y1, y2) + slack
    ]


def test_notes_are_linked_both_ways(sample_pdf: tuple[Path, str]) -> None:
    """Each marker is a link to its note; each note has a link back to a marker that
    stands for it (its number, or a range holding it)."""
    from briefgen.render import build_view

    path, _text = sample_pdf
    reader = PdfReader(path)
    places, links = _destinations(reader), _links(reader)
    workspace = check(ROOT / "config.yaml").workspace
    brief = workspace.briefs[0]
    view = build_view(brief, workspace.sources, workspace.config, path.parent, "brief")
    items = [*view.lines, *(p for _, g in view.groups for p in g), *view.proposals, *view.figures]
    covers: dict[str, range] = {}  # marker id -> the note numbers it stands for
    for item in items:
        for text, first in view.markers(item):
            marker = view.marker_of(item, first)
            page, x, y = places[marker]
            assert first.anchor in _at(links, page, x + 1, y - 1), (marker, text)
            low, _, high = text.partition("–")
            covers[marker] = range(int(low), int(high or low) + 1)
    assert len(view.notes) >= 50
    for note in view.notes:
        page, x, y = places[note.anchor]
        back = [d for d in _at(links, page, x + 1, y - 3) if d.startswith("ref-")]
        assert back, note.anchor
        assert note.number in covers[back[0]], (note.anchor, back[0])


def test_no_marker_starts_a_line_apart_from_its_word(sample_pdf: tuple[Path, str]) -> None:
    """A marker and its as-of date never wrap onto a line of their own."""
    path, _text = sample_pdf
    alone = re.compile(r"^\d+(?:–\d+)?(?:,\d+(?:–\d+)?)* (?:out of date\? )?as of \d")
    lines = [
        line.strip()
        for page in PdfReader(path).pages
        for line in (page.extract_text() or "").splitlines()
    ]
    assert any(re.search(r"\w\.?\d+(–\d+)? as of \d", line) for line in lines)  # markers read
    assert [line for line in lines if alone.match(line)] == []


def test_characters_no_font_has_are_a_warning_at_their_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import MINIMAL_BRIEF, build_tree, minimal_files, run_cli

    glyph = "\U00013000"  # an Egyptian hieroglyph: in no font here, nor in most systems'
    found = subprocess.run(["fc-list", f":charset={ord(glyph):x}"], capture_output=True, text=True)
    if found.stdout.strip():
        pytest.skip("a font on this machine has the character")
    brief = MINIMAL_BRIEF.replace("The plan is affordable.", f"The plan {glyph} is affordable.")
    root = build_tree(tmp_path / "ws", minimal_files(briefs__test_yaml=brief))
    monkeypatch.chdir(root)
    result = run_cli("build", "--format", "pdf")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "briefs/test.yaml:9:22: warning: the PDF test.pdf shows 1 character as empty boxes, no "
        f'installed font having it ("{glyph}"); install a font that has it (for Chinese, '
        "Japanese or Korean: fonts-noto-cjk) and build again\n"
    )
    plain = run_cli("build", "--format", "pdf", "-o", "again")  # nothing else of the engine's
    assert plain.stderr == result.stderr


def test_a_word_longer_than_the_line_breaks_at_the_margin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import MINIMAL_BRIEF, build_tree, minimal_files, run_cli

    word = "Donaudampfschifffahrt" * 8  # 168 letters: wider than the page
    brief = MINIMAL_BRIEF + f"background: |\n  The {word} is long.\n"
    root = build_tree(tmp_path / "ws", minimal_files(briefs__test_yaml=brief))
    monkeypatch.chdir(root)
    assert run_cli("build", "--format", "pdf").exit_code == 0
    text = "\n".join(p.extract_text() for p in PdfReader(root / "build" / "test.pdf").pages)
    assert word in text.replace("\n", "")  # all of it is there,
    assert not any(word in line for line in text.splitlines())  # over more than one line
