"""A contents list on paper when the brief runs past four pages, with the right page numbers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefgen import formats
from briefgen.formats import CONTENTS_AFTER
from conftest import MINIMAL_BRIEF, build_tree, minimal_files, run_cli

ENTRY = re.compile(r"^(\w[\w ]*?)[ .]*?(?:\. )+\.? ?(\d+)$")


NO_LIST = '{% extends "builtin:brief.html.j2" %}{% block contents %}{% endblock %}\n'


def _pdf(tmp_path: Path, brief: str, *, no_list: bool = False) -> PdfReader:
    files = minimal_files(briefs__test_yaml=brief)
    if no_list:
        files["templates/brief.html.j2"] = NO_LIST  # the same brief, never with a list
    root = build_tree(tmp_path / "ws", files)
    result = run_cli("--config", str(root), "build", "--format", "pdf,html")
    assert result.exit_code == 0, result.stderr
    html = (root / "build" / "test.html").read_text(encoding="utf-8")
    # on screen the list is always there, unless the template leaves it out
    assert ('<nav class="contents"' in html) != no_list
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


def test_the_list_runs_down_then_across_two_columns_of_half_the_entries_each(
    tmp_path: Path,
) -> None:
    """Seven entries: four down the first column, the other three down the second, the
    fifth level with the first (laid out as a grid of four rows, not balanced columns)."""
    reader = _pdf(tmp_path, _with_background(70))
    html = (tmp_path / "ws" / "build" / "test.html").read_text(encoding="utf-8")
    assert '<ol class="rows-4">' in html
    places: dict[str, tuple[float, float]] = {}

    def note(text: str, cm: list[float], tm: list[float], _font: object, _size: object) -> None:
        x, y = tm[4], tm[5]  # the text's origin on the page (PDF units, up from the bottom)
        on_page = (x * cm[0] + y * cm[2] + cm[4], x * cm[1] + y * cm[3] + cm[5])
        places.setdefault(text.strip().rstrip(". ").strip(), on_page)

    reader.pages[0].extract_text(visitor_text=note)
    column = [places[t] for t in ("Purpose", "Key messages", "Background", "Positions")]
    second = [places[t] for t in ("Figures", "Notes", "Sources")]
    assert len({x for x, _ in column}) == 1 and len({x for x, _ in second}) == 1
    assert second[0][0] > column[0][0]  # to the right
    assert [y for _, y in second] == [y for _, y in column[:3]]  # row by row, level
    assert [y for _, y in column] == sorted({y for _, y in column}, reverse=True)  # down


def _has_contents(reader: PdfReader) -> bool:
    return "Contents" in (reader.pages[0].extract_text() or "").splitlines()


@pytest.mark.parametrize("paragraphs", [3, 66, 70])
def test_the_list_is_there_exactly_when_the_brief_runs_past_four_pages_without_it(
    tmp_path: Path, paragraphs: int
) -> None:
    built = _pdf(tmp_path / "built", _with_background(paragraphs))
    without = _pdf(tmp_path / "without", _with_background(paragraphs), no_list=True)
    assert _has_contents(built) == (len(without.pages) > CONTENTS_AFTER)
    assert len(built.pages) >= len(without.pages)


def test_a_brief_the_list_itself_would_push_past_four_pages_has_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rule counts the pages without the list: 66 paragraphs fill four pages, and five
    with a list, so the brief is printed on four, without one."""
    brief = _with_background(66)
    with monkeypatch.context() as patch:
        patch.setattr(formats, "CONTENTS_AFTER", 0)  # a list whatever the length
        listed = _pdf(tmp_path / "listed", brief)
    assert _has_contents(listed) and len(listed.pages) == CONTENTS_AFTER + 1
    built = _pdf(tmp_path / "built", brief)
    assert not _has_contents(built) and len(built.pages) == CONTENTS_AFTER


def test_a_layout_of_ones_own_has_the_contents_list_a_card_has_none(tmp_path: Path) -> None:
    files = minimal_files(
        **{"templates/mini.html.j2": '{% extends "builtin:brief.html.j2" %}\n'},
        briefs__test_yaml=MINIMAL_BRIEF + "purpose: Agree the plan.\n",
    )
    root = build_tree(tmp_path / "ws", files)
    for layout in ("mini", "card"):
        result = run_cli("--config", str(root), "build", "--format", "html", "--template", layout)
        assert result.exit_code == 0, result.stderr
    mini = (root / "build" / "test.mini.html").read_text(encoding="utf-8")
    assert '<nav class="contents"' in mini and '<a href="#purpose">Purpose</a>' in mini
    card = (root / "build" / "test.card.html").read_text(encoding="utf-8")
    assert '<nav class="contents"' not in card  # one page needs none
