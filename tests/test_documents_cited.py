"""Web pages, Word documents and Markdown cited through `check` and `build`, as a user does."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import docx
import pytest
from helpers import brief_citing

from conftest import build_tree, run_cli

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Council backs new flood barriers | Riverside Gazette</title>
<meta property="article:published_time" content="2025-03-01T09:00:00Z">
<script>var tracking = "Sign up for our newsletter today";</script>
<style>.x { content: "the agency said the barriers" }</style></head>
<body>
<div class="cookie-banner"><p>We use cookies to improve your experience on this site.</p></div>
<header class="site-header"><nav><a href="/">Home</a> <a href="/news">Latest news from the river</a></nav></header>
<main><article>
<h1>Council backs new flood barriers</h1>
<p>The agency said the new barriers would be ready <b>by the spring</b>, and that their
height had been set by the final survey.</p>
<p>Councils will receive &pound;2.5 million in two instalments over the next three years.</p>
<aside class="related"><p>Related: the flood maps will be redrawn next year</p></aside>
<p>A second review will follow in 2027.</p>
<h2>Next steps</h2>
<ul><li>Barrier works begin in the autumn</li><li>Maps are redrawn after the works</li></ul>
</article></main>
<footer><p>Copyright Riverside Gazette. All rights reserved across the river valley.</p></footer>
</body></html>
"""

NOTES = "# Briefing notes\n\nThe minister said the **2.5%** target stands, with *no date* set.\n\n- Councils get [the money](https://example.org) in `two` instalments.\n"

CATALOGUE = """\
- id: page
  file: page.html
  publisher: Riverside Gazette
  title: Council backs new flood barriers
  published: 2025-03-01
- id: note
  file: note.docx
  publisher: Environment Agency
  title: Funding note
  published: 2025-03-01
- id: notes
  file: notes.md
  publisher: Private office
  title: Briefing notes
  published: 2025-03-01
"""


def word_document() -> bytes:
    made = docx.Document()
    made.add_paragraph("Funding note")
    made.add_paragraph("The barriers are funded from the capital budget for this year.")
    table = made.add_table(rows=2, cols=2)
    table.rows[0].cells[0].text = "Council"
    table.rows[0].cells[1].text = "Allocation"
    table.rows[1].cells[0].text = "Riverside District Council"
    table.rows[1].cells[1].text = "£1.2 million over three years"
    made.add_paragraph("Payments start in April, once the contracts are signed.")
    out = io.BytesIO()
    made.save(out)
    return out.getvalue()


def brief(cites: list[tuple[str, str]]) -> str:
    return brief_citing(*cites)


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = build_tree(
        tmp_path / "ws",
        {
            "config.yaml": "organisation: Test\n",
            "sources/sources.yaml": CATALOGUE,
            "sources/page.html": PAGE,
            "sources/note.docx": word_document(),
            "sources/notes.md": NOTES,
        },
    )
    monkeypatch.chdir(root)
    return root


def places(root: Path, cites: list[tuple[str, str]]) -> list[str]:
    (root / "briefs").mkdir(exist_ok=True)
    (root / "briefs" / "b.yaml").write_text(brief(cites), encoding="utf-8")
    result = run_cli("build", "--format", "json,md")
    assert result.exit_code == 0, result.stderr
    manifest = json.loads((root / "build" / "b.json").read_text(encoding="utf-8"))
    return [c.get("place", f"line {c['line']}") for item in manifest["items"] for c in item["cite"]]


def check(root: Path, cites: list[tuple[str, str]]) -> tuple[int, str]:
    (root / "briefs").mkdir(exist_ok=True)
    (root / "briefs" / "b.yaml").write_text(brief(cites), encoding="utf-8")
    result = run_cli("check")
    return result.exit_code, result.stderr


def test_article_words_verify_with_their_paragraph(ws: Path) -> None:
    found = places(
        ws,
        [
            ("page", "the new barriers would be ready by the spring, and that their height"),
            ("page", "Councils will receive £2.5 million in two instalments"),
            ("page", "A second review will follow in 2027."),
        ],
    )
    assert found == ["para. 2", "para. 3", "para. 4"]
    md = (ws / "build" / "b.md").read_text(encoding="utf-8")
    assert "para. 2" in md and "page.html" in md


@pytest.mark.parametrize(
    "boilerplate",
    [
        "We use cookies to improve your experience",
        "Latest news from the river",
        "All rights reserved across the river valley",
        "the flood maps will be redrawn next year",
        "Sign up for our newsletter today",
        "the agency said the barriers",  # only in a stylesheet
    ],
)
def test_page_furniture_cannot_be_cited(ws: Path, boilerplate: str) -> None:
    code, err = check(ws, [("page", boilerplate)])
    assert code == 1
    assert re.search(r"^briefs/b\.yaml:\d+:\d+: error: quote not found", err, re.M), err


def test_a_near_miss_on_a_web_page_is_rejected(ws: Path) -> None:
    code, err = check(ws, [("page", "Councils will receive £3.5 million in two instalments")])
    assert code == 1 and "briefs/b.yaml:" in err
    assert re.search(r"^briefs/b\.yaml:\d+:\d+: error: quote not found", err, re.M), err


def test_word_paragraphs_and_table_rows_verify(ws: Path) -> None:
    found = places(
        ws,
        [
            ("note", "funded from the capital budget for this year"),
            ("note", "Riverside District Council | £1.2 million over three years"),
            ("note", "£1.2 million over three years"),
            ("note", "Payments start in April, once the contracts are signed."),
        ],
    )
    assert found == ["para. 2", "para. 4", "para. 4", "para. 5"]


def test_markdown_is_cited_by_line_with_markup_ignored(ws: Path) -> None:
    found = places(
        ws,
        [
            ("notes", "the 2.5% target stands, with no date set"),
            ("notes", "Councils get the money in two instalments"),
        ],
    )
    assert found == ["line 3", "line 5"]


def test_sources_are_left_as_received(ws: Path) -> None:
    before = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (ws / "sources").iterdir()
    }
    places(ws, [("note", "funded from the capital budget for this year")])
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (ws / "sources").iterdir()}
    assert before == after


def test_a_zip_bomb_named_docx_is_refused_at_its_catalogue_line(ws: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        z.writestr("word/document.xml", b"<" + b" " * 60_000_000 + b">")
    (ws / "sources" / "note.docx").write_bytes(out.getvalue())
    code, err = check(ws, [("page", "A second review will follow in 2027.")])
    assert code == 1
    line = next(line for line in err.splitlines() if "note.docx" in line)
    assert line.startswith("sources/sources.yaml:7:") and "error:" in line
    assert "Traceback" not in err and "internal error" not in err


def test_sources_add_offers_the_page_title_and_date(ws: Path) -> None:
    (ws / "sources" / "second.html").write_text(
        PAGE.replace("Council backs new flood barriers", "Barrier work starts").replace(
            "2025-03-01T09:00:00Z", "2025-02-20T09:00:00Z"
        ),
        encoding="utf-8",
    )
    result = run_cli("sources", "add", "sources/second.html", "--id", "second")
    assert result.exit_code == 0, result.stderr
    catalogue = (ws / "sources" / "sources.yaml").read_text(encoding="utf-8")
    entry = catalogue[catalogue.index("id: second") :]
    assert "Barrier work starts" in entry and "2025-02-20" in entry


def test_a_paragraph_is_the_whole_of_its_context(ws: Path) -> None:
    result = run_cli("quote", "page", "Barrier works begin")
    assert result.exit_code == 0, result.stderr
    assert "para. 6:\n  «Barrier works begin» in the autumn\n" in result.stdout, result.stdout


def test_a_page_built_to_be_slow_to_parse_is_stopped_at_its_catalogue_line(ws: Path) -> None:
    (ws / "config.yaml").write_text("organisation: Test\nlimits: {render_timeout: 2}\n")
    (ws / "sources" / "page.html").write_text("<p " + "a=b " * 100_000 + ">x</p>")
    code, err = check(ws, [("note", "funded from the capital budget for this year")])
    assert code == 1
    line = next(line for line in err.splitlines() if "page.html" in line)
    assert line.startswith(
        'sources/sources.yaml:2:9: error: reading source file "page.html" took longer than '
        "2 seconds and was stopped;"
    ), err


def test_quote_on_a_source_that_cannot_be_read_says_only_that(ws: Path) -> None:
    (ws / "sources" / "note.docx").unlink()
    (ws / "sources" / "note.docx").mkdir()
    result = run_cli("quote", "note", "funded from the capital")
    assert result.exit_code == 1
    assert 'source file "note.docx" is not a regular file' in result.stderr, result.stderr
    assert "the words are not in" not in result.stdout + result.stderr
