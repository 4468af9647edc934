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
    assert workspace is not None
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
