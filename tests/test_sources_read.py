"""Reading sources as received: the extraction cache, and readers that are not there."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from helpers import brief_citing
from hypothesis import given, settings
from hypothesis import strategies as st
from pdfs import pdf_bytes

from briefgen import sources_read
from briefgen.cache import FOLDER
from briefgen.errors import Location, Report
from briefgen.models import Config, Source
from briefgen.readers import READERS
from conftest import build_tree, run_cli

PAGES = [
    ["The agency said the new barriers would be ready by the spring.", "More text here."],
    ["Councils will receive the money in two instalments.", "The end of it."],
]
CATALOGUE = "- id: review\n  file: review.pdf\n  publisher: Environment Agency\n  title: Review\n"


def brief(quote: str) -> str:
    return brief_citing(("review", quote))


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = build_tree(
        tmp_path / "ws",
        {
            "config.yaml": "organisation: Test\n",
            "sources/sources.yaml": CATALOGUE,
            "sources/review.pdf": pdf_bytes(PAGES, header="Flood review"),
            "briefs/b.yaml": brief("the new barriers would be ready"),
        },
    )
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def extractions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The readers run (not served from the cache), one entry each time."""
    runs: list[str] = []
    real = sources_read._bounded

    def counted(reader: str, *args: object) -> object:
        runs.append(reader)
        return real(reader, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(sources_read, "_bounded", counted)
    return runs


def entries(root: Path) -> list[Path]:
    return sorted(p for p in (root / FOLDER / "extract").rglob("*") if p.is_file())


def test_the_second_check_reads_the_cache(ws: Path, extractions: list[str]) -> None:
    assert run_cli("check").exit_code == 0
    assert run_cli("check").exit_code == 0
    assert run_cli("quote", "review", "two instalments").exit_code == 0
    assert extractions == ["pdf"]
    assert len(entries(ws)) == 1


def test_a_changed_pdf_is_read_again(ws: Path, extractions: list[str]) -> None:
    assert run_cli("check").exit_code == 0
    (ws / "sources" / "review.pdf").write_bytes(
        pdf_bytes([["The agency said the new fences would be ready.", "Words."], PAGES[1]])
    )
    result = run_cli("check")
    assert result.exit_code == 1 and "quote not found" in result.stderr
    assert extractions == ["pdf", "pdf"]


def test_a_tampered_cache_entry_is_ignored(ws: Path, extractions: list[str]) -> None:
    assert run_cli("check").exit_code == 0
    (entry,) = entries(ws)
    entry.write_bytes(entry.read_bytes().replace(b"barriers", b"fences  "))
    (ws / "briefs" / "b.yaml").write_text(brief("the new fences would be ready"))
    result = run_cli("check")
    assert result.exit_code == 1 and "quote not found" in result.stderr
    (ws / "briefs" / "b.yaml").write_text(brief("the new barriers would be ready"))
    assert run_cli("check").exit_code == 0
    assert extractions == ["pdf", "pdf"]  # read again once, then served from the new entry


def test_the_cache_folder_can_be_deleted_or_unwritable(ws: Path, extractions: list[str]) -> None:
    import shutil

    assert run_cli("check").exit_code == 0
    shutil.rmtree(ws / FOLDER)
    assert run_cli("check").exit_code == 0
    shutil.rmtree(ws / FOLDER)
    (ws / FOLDER).write_text("not a folder")  # nothing can be stored: simply not used
    assert run_cli("check").exit_code == 0
    assert run_cli("check").exit_code == 0
    assert extractions == ["pdf"] * 4
    assert (ws / FOLDER).read_text() == "not a folder"


def test_text_sources_are_not_cached(workspace: Path) -> None:
    assert run_cli("check").exit_code == 0
    # no extraction is kept for a text file (its normalised forms may be: see forms.py)
    assert not (workspace / FOLDER / "extract").exists()


def test_a_reader_that_is_not_installed_is_a_clear_error(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(READERS, ".pdf", "no_such_reader")
    result = run_cli("check")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        'sources/sources.yaml:2:9: error: source file "review.pdf" cannot be read: the reader '
        "for .pdf files is not available in this installation; reinstall briefgen, or "
        "catalogue a UTF-8 text (.txt) copy of the document"
    )


@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=200))
@settings(max_examples=150, deadline=None)
def test_a_text_sources_digest_is_that_of_its_text(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    """A text file's digest is taken from its bytes, which must be its text's UTF-8:
    byte-order marks, CRLF line ends, NULs and debris included."""
    root = tmp_path_factory.mktemp("digest")
    config = Config(root=root, path=root / "config.yaml")
    loc = Location(root / "sources.yaml", 1, 1)
    encoded = text.encode("utf-8")
    for data in (encoded, b"\xef\xbb\xbf" + encoded, encoded.replace(b"\n", b"\r\n")):
        path = root / "s.txt"
        path.write_bytes(data)
        source = Source("s", "s.txt", path, "P", "T", None, None, loc, loc)
        found = sources_read.read_source(source, config, Report())
        if found is not None:
            assert found.sha256 == hashlib.sha256(found.text.encode("utf-8")).hexdigest()


def test_a_text_source_s_lines_and_columns_are_an_editor_s(tmp_path: Path) -> None:
    """A byte-order mark is not a column of line 1, and a lone CR ends a line, as editors
    show them; the digest is still the file's."""
    from briefgen.build import check
    from briefgen.cache import digest
    from briefgen.matching import find_quote
    from briefgen.sources_read import read_source
    from conftest import minimal_files

    root = build_tree(tmp_path / "ws", minimal_files())
    data = "\ufeffFirst line here.\rSecond line is this one.\rThird.\r".encode()
    (root / "sources" / "news.txt").write_bytes(data)
    workspace = check(root / "config.yaml").workspace
    text = read_source(workspace.sources["news"], workspace.config, Report())
    assert text is not None
    first, second = (
        find_quote("First line here", text).span,
        find_quote("Second line is", text).span,
    )
    assert first is not None and (first.line, first.col) == (1, 1)
    assert second is not None and (second.line, second.col) == (2, 1)
    assert text.digest == digest(data)[:12]
