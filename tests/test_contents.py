"""A contents list on paper when the brief runs past four pages, with the right page numbers."""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader

from briefgen.formats import CONTENTS_AFTER
from conftest import MINIMAL_BRIEF, build_tree, minimal_files, run_cli

ENTRY = re.compile(r"^(\w[\w ]*?)[ .]*?(?:\. )+\.? ?(\d+)$")


def _pdf(tmp_path: Path, brief: str) -> PdfReader:
    root = build_tree(tmp_path / "ws", minimal_files(briefs__test_yaml=brief))
    result = run_cli("--config", str(root), "build", "--format", "pdf,html")
    assert result.exit_code == 0, result.stderr
    html = (root / "build" / "test.html").read_text(encoding="utf-8")
    assert '<nav class="contents"' in html  # on screen the list is always there
    return PdfReader(root / "build" / "test.pdf")


def _with_background(paragraphs: int) -> str:
    body = "".join(
        f"  Paragraph {i} sets out the history of the plan at some length, so that the "
        "brief grows by a line or two with every paragraph that is added to it here.\n\n"
        for i in range(paragraphs)
    )
    return MINIMAL_BRIEF + "purpose: Agree the plan.\nbackground: |\n" + body


def _contents(reader: PdfReader) -> dict[str, int]:
    """The contents list's entries on the first page: heading -> page number."""
    lines = (reader.pages[0].extract_text() or "").splitlines()
    if "Contents" not in lines:
        return {}
    entries = {}
    for line in lines[lines.index("Contents") + 1 :]:
        found = ENTRY.match(line.strip())
        if not found:
            break
        entries[found[1]] = int(found[2])
    return entries


def _heading_pages(reader: PdfReader) -> dict[str, int]:
    """Each top-level bookmark (one per h2) and the page it points to, counted from 1."""
    return {
        str(entry.title): reader.get_destination_page_number(entry) + 1
        for entry in reader.outline
        if not isinstance(entry, list)
    }


def test_a_short_brief_has_no_contents_list(tmp_path: Path) -> None:
    reader = _pdf(tmp_path, _with_background(3))
    assert len(reader.pages) <= CONTENTS_AFTER
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    assert "Contents" not in text


def test_a_long_brief_has_a_contents_list_with_the_pages_of_its_headings(tmp_path: Path) -> None:
    reader = _pdf(tmp_path, _with_background(70))
    assert len(reader.pages) > CONTENTS_AFTER
    entries = _contents(reader)
    assert list(entries) == [
        "Purpose", "Key messages", "Background", "Positions", "Figures", "Notes", "Sources"
    ]  # fmt: skip
    headings = _heading_pages(reader)
    assert len(set(entries.values())) >= 3, entries  # the headings are spread over the pages
    for title, page in entries.items():
        assert headings[title] == page, title
        lines = (reader.pages[page - 1].extract_text() or "").splitlines()
        assert title in lines, (title, page)  # the heading, on a line of its own, on that page
