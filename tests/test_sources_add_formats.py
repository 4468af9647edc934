"""sources add offers a web page's or Word document's own title and date."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import docx
import pytest
import yaml

from conftest import ROOT, build_tree, minimal_files, run_cli


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = build_tree(tmp_path / "ws", minimal_files())
    monkeypatch.chdir(root)
    return root


def added(ws: Path, file: Path, *args: str) -> dict[str, object]:
    result = run_cli("sources", "add", str(file), "--publisher", "P", *args)
    assert result.exit_code == 0, result.output
    entry: dict[str, object] = yaml.safe_load((ws / "sources/sources.yaml").read_text())[-1]
    assert (ws / "sources" / file.name).read_bytes() == file.read_bytes()
    return entry


def test_a_saved_page_offers_its_own_title_and_date(ws: Path, tmp_path: Path) -> None:
    page = tmp_path / "summit.html"
    page.write_bytes((ROOT / "sources/london-summit-page.html").read_bytes())
    entry = added(ws, page)
    assert entry["title"] == "Leaders agree four steps on Ukraine at London summit"
    assert entry["published"] == dt.date(2025, 3, 2)
    assert entry["id"] == "leaders-agree-four-steps-on"


def test_what_is_given_on_the_command_line_wins(ws: Path, tmp_path: Path) -> None:
    page = tmp_path / "page.htm"
    page.write_bytes(
        b'<html><head><meta property="og:title" content="Its own title">'
        b'<meta property="article:published_time" content="2025-03-02"></head>'
        b"<body><article><p>Text of 1 January 2020.</p></article></body></html>"
    )
    entry = added(ws, page, "--title", "My title", "--published", "2025-03-03")
    assert (entry["title"], entry["published"]) == ("My title", dt.date(2025, 3, 3))


def test_a_page_without_its_own_date_is_dated_from_its_text(ws: Path, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(
        b"<nav>Updated 5 May 2024</nav><article><h1>A heading</h1><p>Said on 17 February 2025.</p></article>"
    )
    entry = added(ws, page)
    assert (entry["title"], entry["published"]) == ("A heading", dt.date(2025, 2, 17))


def test_a_word_document_offers_its_own_title_and_date(ws: Path, tmp_path: Path) -> None:
    made = docx.Document()
    made.core_properties.title = "Spending review note"
    made.core_properties.created = dt.datetime(2025, 2, 25, 9, 30)
    made.add_paragraph("The UK spends around 2.3% of GDP on defence.")
    file = tmp_path / "note.docx"
    out = io.BytesIO()
    made.save(out)
    file.write_bytes(out.getvalue())
    entry = added(ws, file)
    assert (entry["title"], entry["published"]) == ("Spending review note", dt.date(2025, 2, 25))


def test_a_word_document_is_dated_by_its_text_before_its_creation_date(
    ws: Path, tmp_path: Path
) -> None:
    made = docx.Document()  # begun from an old document: it keeps that one's creation date
    made.core_properties.created = dt.datetime(2013, 12, 23, 9, 30)
    made.add_paragraph("Defence note")
    made.add_paragraph("Issued 28 February 2025. The UK spends around 2.3% of GDP on defence.")
    file = tmp_path / "old-template.docx"
    out = io.BytesIO()
    made.save(out)
    file.write_bytes(out.getvalue())
    assert added(ws, file)["published"] == dt.date(2025, 2, 28)


def test_markdown_is_titled_by_its_first_line_without_markup(ws: Path, tmp_path: Path) -> None:
    file = tmp_path / "notes.md"
    file.write_text("# The **defence** [plan](https://example.org)\n\nText.\n")
    assert added(ws, file)["title"] == "The defence plan"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "broken.docx",
            b"not a zip at all",
            'error: source file "broken.docx": this is not a Word document',
        ),
        ("empty.html", b"<nav>Only a menu</nav>", "no text was found"),
        ("latin.md", b"caf\xe9\n", "latin.md:1:4"),
    ],
)
def test_a_file_its_reader_refuses_is_not_added(
    ws: Path, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    before = (ws / "sources/sources.yaml").read_bytes()
    file = tmp_path / name
    file.write_bytes(content)
    result = run_cli("sources", "add", str(file), "--publisher", "P")
    assert result.exit_code == 1
    assert message in result.stderr
    assert (ws / "sources/sources.yaml").read_bytes() == before
    assert not (ws / "sources" / name).exists()


def test_a_hard_linked_file_is_refused_as_check_would(ws: Path, tmp_path: Path) -> None:
    before = (ws / "sources/sources.yaml").read_bytes()
    file = tmp_path / "linked.txt"
    file.write_text("The minister said the plan would cost more.\n", encoding="utf-8")
    (tmp_path / "other-name.txt").hardlink_to(file)
    result = run_cli("sources", "add", str(file), "--publisher", "P")
    assert result.exit_code == 1
    assert 'error: file "linked.txt" is a hard link' in result.stderr
    assert "internal error" not in result.stderr
    assert (ws / "sources/sources.yaml").read_bytes() == before


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="needs Linux's /proc")
def test_a_file_that_cannot_be_read_is_an_error_not_a_crash(ws: Path) -> None:
    result = run_cli("sources", "add", "/proc/self/clear_refs", "--publisher", "P")
    assert result.exit_code == 1
    assert "internal error" not in result.stderr and "clear_refs" in result.stderr
