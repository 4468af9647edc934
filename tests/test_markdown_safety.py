"""Markdown output carries no live content, and only absolute http, https, mailto and #place
links reach any output. Checked by rendering what briefgen writes with markdown-it
(CommonMark, and GFM-like with linkify), on hostile fields hypothesis makes up."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
import tinyhtml5
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin
from pypdf import PdfReader
from test_hostile import ALL_FORMATS, build, make

from briefgen.fieldhtml import sanitise
from briefgen.render import md_block, md_text
from conftest import MINIMAL_BRIEF, run_cli

RENDERERS = {
    "commonmark": MarkdownIt("commonmark").enable(["table", "strikethrough"]),
    "gfm-linkify": MarkdownIt("gfm-like").use(footnote_plugin),
}
SAFE = re.compile(r"(https?|mailto):|#", re.IGNORECASE)

FRAGMENTS = [
    "[", "]", "(", ")", "!", "<", ">", "\\", ":", "`", "*", "_", "|", "~", "#", "&", ";", "^",
    "javascript:", "JaVaScRiPt:", "file:", "data:", "vbscript:", "mailto:", "ftp://", "//",
    "http://x.example/", "www.example.com", "a@b.example", "&#58;", "&#106;", "&colon;",
    "[^1]", "<!--", "-->", "<img src=x>", "<a href=javascript:x>", "\n", "\n\n", "  ", "    ",
    "- ", "1. ", "> ", "[r]: ", "../../etc/passwd", "127.0.0.1:8765/x", "text", " ",
]  # fmt: skip
hostile = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), max_size=30).map(
    "".join
)


def live(markdown: str) -> list[str]:
    """What each renderer makes of `markdown` that is live: images, raw HTML, unsafe links."""
    found = []
    for name, renderer in RENDERERS.items():
        for token in _walk(renderer.parse(markdown)):
            href = token.attrGet("href")
            if token.type in ("image", "html_block", "html_inline"):
                found.append(f"{name}: {token.type} {token.content!r}")
            elif token.type == "link_open" and not SAFE.match(str(href)):
                found.append(f"{name}: link to {href!r}")
    return found


def _walk(tokens: list[Token]) -> list[Token]:
    out = []
    for token in tokens:
        out.append(token)
        out.extend(_walk(token.children or []))
    return out


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile)
def test_markdown_fields_come_out_inert(text: str) -> None:
    assert live(md_block(text)) == []
    assert live(f"- **Actor**: {md_block(text)}") == []


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile)
def test_plain_text_fields_come_out_literal(text: str) -> None:
    for context in ("{}", "- **{}**: x", "| {} | x |\n| --- | --- |\n| {} | y |", "### {}"):
        assert live(context.replace("{}", md_text(text))) == [], context


@settings(max_examples=200, deadline=None)
@given(hostile)
def test_html_from_markdown_fields_links_only_safe_targets(text: str) -> None:
    import markdown

    html, _ = sanitise(markdown.markdown(text, extensions=["sane_lists", "tables"]))
    root = tinyhtml5.parse(html)
    for node in root.iter():
        assert not str(node.tag).endswith(("}img", "}script", "}iframe")), html
        href = node.get("href")
        assert href is None or SAFE.match(href), html


ISSUE_CASES = {
    "escaped-image": "\\![p](http://127.0.0.1:8765/i.png)",
    "image": "![p](x.png)",
    "escaped-colon": "[c](javascript\\:alert(1))",
    "definition": "[c][r]\n\n  [r]: javascript\\:alert(1)",
    "file-definition": "[c][r]\n\n  [r]: file:///etc/passwd",
    "autolink": "<javascript:alert(1)>",
    "entity-scheme": "[c](javascript&#58;alert(1))",
    "link-over-lines": "[c\n  d](javascript:alert(1))",
    "nested-brackets": "[[a](javascript:x)](http://x)",
    "footnote": "text[^1]\n\n  [^1]: <img src=x>",
    "comment": "<!-- hidden --> shown",
    "img-tag": '<img src="http://127.0.0.1:8765/t.png">',
    "relative": "[p](../../../../../etc/passwd)",
    "protocol-relative": "[x](//127.0.0.1:8765/x)",
    "linkified": "see //127.0.0.1:8765/x and ftp://127.0.0.1/y",
}


@pytest.mark.parametrize("case", sorted(ISSUE_CASES))
def test_hostile_summary_and_detail_in_every_output(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = ISSUE_CASES[case]
    brief = MINIMAL_BRIEF.replace("summary: |\n  - One key message.\n", f"summary: |\n  {text}\n")
    brief = brief.replace(
        "    stance: The plan is affordable.\n",
        "    stance: The plan is affordable.\n    detail: |\n      "
        + text.replace("\n  ", "\n      ")
        + "\n",
    )
    root = make(tmp_path / "ws", {"briefs/test.yaml": brief})
    monkeypatch.chdir(root)
    outcome = build(*ALL_FORMATS)
    assert outcome.code == 0, outcome.stderr
    markdown = (root / "build" / "test.md").read_text()
    generated = re.compile(r"\]\(\.\./sources/news\.txt(#L\d+)?\)")  # briefgen's own source links
    assert live(generated.sub("]", markdown)) == []
    html = (root / "build" / "test.html").read_text()
    for node in tinyhtml5.parse(html).iter():
        href = node.get("href")
        assert href is None or SAFE.match(href), href
        assert not str(node.tag).endswith("}img")
    for uri in pdf_links(root / "build" / "test.pdf"):
        assert SAFE.match(uri), uri


def pdf_links(path: Path) -> list[str]:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return [
        str(annot.get_object()["/A"]["/URI"])
        for page in reader.pages
        for annot in page.get("/Annots") or []
        if "/URI" in annot.get_object().get("/A", {})
    ]


def test_unsafe_links_become_text_with_a_warning_at_their_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    brief = MINIMAL_BRIEF.replace(
        "summary: |\n  - One key message.\n",
        "summary: |\n  - One key message.\n  - See [p](../../../../../etc/passwd).\n"
        "  - And [x](//127.0.0.1:8765/x) and [ok](https://example.org/).\n",
    )
    brief = brief.replace(
        "    stance: The plan is affordable.\n",
        "    stance: The plan is affordable.\n    detail: See [f](file:///etc/passwd).\n",
    )
    root = make(tmp_path / "ws", {"briefs/test.yaml": brief})
    monkeypatch.chdir(root)
    for command in (["check"], ["build", *ALL_FORMATS]):
        result = run_cli(*command)
        assert result.exit_code == 0, result.stderr
        lines = result.stderr.splitlines()
        assert any(
            line.startswith("briefs/test.yaml:5:") and '"../../../../../etc/passwd"' in line
            for line in lines
        ), lines
        assert any(
            line.startswith("briefs/test.yaml:6:") and "//127.0.0.1:8765/x" in line
            for line in lines
        )
        assert any('"file:///etc/passwd"' in line and '"detail"' in line for line in lines), lines
        assert "example.org" not in result.stderr
        assert all("write the full address" in line for line in lines)
    assert run_cli("check", "--strict").exit_code == 1
    uris = pdf_links(root / "build" / "test.pdf")
    assert "https://example.org/" in uris
    assert all(SAFE.match(u) for u in uris), uris
    html = (root / "build" / "test.html").read_text()
    assert '<a rel="noopener noreferrer">p</a>' in html  # the words kept, the link gone
    assert 'href="../' not in html and 'href="//' not in html and 'href="file:' not in html
    markdown = (root / "build" / "test.md").read_text()
    assert "[ok](<https://example.org/>)" in markdown


def test_markdown_template_writing_live_content_is_refused_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = (
        '{% extends "builtin:brief.md.j2" %}\n{% block header %}\n# Title\n\n'
        "[x](file:///etc/passwd) and ![i](http://127.0.0.1:9/i)\n\n<img src=x>\n\n"
        "[ok](https://example.org/) [n](#x)\n{% endblock %}\n"
    )
    root = make(tmp_path / "ws", {"templates/brief.md.j2": template})
    monkeypatch.chdir(root)
    outcome = build("--format", "md")
    assert outcome.code == 1
    lines = outcome.stderr.splitlines()
    assert any(
        line.startswith("templates/brief.md.j2:5:") and "file:///etc/passwd" in line
        for line in lines
    )
    assert any(line.startswith("templates/brief.md.j2:5:") and "image" in line for line in lines)
    assert any(line.startswith("templates/brief.md.j2:7:") and "raw HTML" in line for line in lines)
    assert len(lines) == 3, lines  # the safe links and the built-in source links pass
    assert not (root / "build" / "test.md").exists()


def _live(tokens: list[Token]) -> list[tuple[str, str, str]]:
    found = []
    for block in tokens:
        for token in [block, *(block.children or [])]:
            if token.type in ("html_block", "html_inline", "image", "link_open"):
                href = str(token.attrGet("href") or token.attrGet("src") or "")
                found.append((token.type, href, token.content))
    return found


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile)
def test_the_output_check_sees_what_a_full_commonmark_reader_sees(text: str) -> None:
    """The reader that checks rendered Markdown leaves out the rules that only shape text
    (emphasis, strikethrough, line breaks, entities): it finds the same links, images and
    raw HTML as CommonMark with every rule."""
    from briefgen import mdsafe

    full = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    full.validateLink = lambda url: True  # type: ignore[method-assign]
    assert _live(mdsafe._output_reader().parse(text)) == _live(full.parse(text))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile.map(lambda t: t.replace("[", "").replace("<", "")))
def test_a_field_without_brackets_or_angles_holds_no_link_for_either_reader(text: str) -> None:
    """`check` passes over fields without `[` or `<` (links.could_link): neither Markdown
    reader makes a link, an image or raw HTML from such a field."""
    from briefgen.fieldhtml import sanitised_markdown
    from briefgen.links import could_link

    assert not could_link(text)
    full = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    full.validateLink = lambda url: True  # type: ignore[method-assign]
    assert _live(full.parse(text)) == []
    html = sanitised_markdown(text)[0]
    assert "<a" not in html and "<img" not in html


def test_a_table_column_keeps_its_alignment_in_the_html() -> None:
    from briefgen.fieldhtml import sanitised_markdown

    html = sanitised_markdown(
        "| Who | Troops | Role |\n| --- | ---: | :---: |\n| UK | 10,000 | lead |\n"
    )[0]
    assert '<th align="right">Troops</th>' in html and '<td align="right">10,000</td>' in html
    assert '<td align="center">lead</td>' in html and "style=" not in html
    css = (Path(__file__).parent.parent / "briefgen" / "templates" / "brief.css").read_text()
    assert 'td[align="right"] { text-align: right; }' in css  # over the table's text-align: left


def test_an_unsafe_link_in_any_markdown_field_is_warned_at_its_line_and_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = (
        "objectives:\n  - Agree [o](../o.txt).\n"
        "background: |\n  Some words first.\n  Then [b](file:///etc/b) here.\n"
        "handling: See [h](javascript:alert(1)).\n"
        "lines_to_take:\n  - Say [t1](//host/t1).\n  - text: Also [t2](t2.html).\n"
    )
    root = make(tmp_path / "ws", {"briefs/test.yaml": MINIMAL_BRIEF + extra})
    monkeypatch.chdir(root)
    result = run_cli("check")
    assert result.exit_code == 0, result.stderr
    places = {
        line.split(": warning: ")[0]: line for line in result.stderr.splitlines() if "link" in line
    }
    base = MINIMAL_BRIEF.count("\n")
    expected = {
        f"briefs/test.yaml:{base + 2}:15": '"../o.txt" in "objectives"',
        f"briefs/test.yaml:{base + 5}:12": '"file:///etc/b" in "background"',
        f"briefs/test.yaml:{base + 6}:19": '"javascript:alert(1)" in "handling"',
        f"briefs/test.yaml:{base + 8}:14": '"//host/t1" in "text"',
        f"briefs/test.yaml:{base + 9}:21": '"t2.html" in "text"',
    }
    assert sorted(places) == sorted(expected), result.stderr
    for place, words in expected.items():
        assert words in places[place], places[place]


def test_a_link_warning_stands_at_the_target_however_the_field_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The target, not a word like it before it; in a folded or quoted string over several
    lines; after a character YAML breaks lines at and editors do not; once for a target
    both readers see (one of them percent-encodes it)."""
    extra = (
        'subtitle: "One\u2028two\u2028three"\n'  # line base + 1
        "asks: |\n  Ask [a](a) then\n"  # the link on base + 3
        "handling: >\n  one\n  two\n  three [n](notes)\n"  # base + 7
        'background: "first line\n  second [x](<../my file.pdf>) here"\n'  # base + 9
        "purpose: See [e](é.pdf).\n"  # base + 10
    )
    root = make(tmp_path / "ws", {"briefs/test.yaml": MINIMAL_BRIEF + extra})
    monkeypatch.chdir(root)
    result = run_cli("check")
    assert result.exit_code == 0, result.stderr
    base = MINIMAL_BRIEF.count("\n")
    warnings = [line.split(" in ")[0] for line in result.stderr.splitlines() if "link" in line]
    assert warnings == [
        f'briefs/test.yaml:{base + 3}:11: warning: link "a"',
        f'briefs/test.yaml:{base + 7}:13: warning: link "notes"',
        f'briefs/test.yaml:{base + 9}:15: warning: link "../my file.pdf"',
        f'briefs/test.yaml:{base + 10}:18: warning: link "é.pdf"',
    ], result.stderr


def test_a_brief_swapped_for_a_fifo_after_its_check_does_not_hang_the_link_warnings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefgen import links

    brief = MINIMAL_BRIEF.replace("  - One key message.", "  - See [p](../p.txt).")
    root = make(tmp_path / "ws", {"briefs/test.yaml": brief})
    monkeypatch.chdir(root)
    warn = links.warn_unsafe_links

    def swapped(*args: object) -> None:
        path = root / "briefs" / "test.yaml"
        path.unlink()
        os.mkfifo(path)
        warn(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(links, "warn_unsafe_links", swapped)
    import threading

    results = []
    checking = threading.Thread(target=lambda: results.append(run_cli("check")), daemon=True)
    checking.start()
    checking.join(timeout=30)
    assert not checking.is_alive(), "check waited for a writer to the FIFO"
    assert 'briefs/test.yaml:1:1: warning: link "../p.txt" in "summary"' in results[0].stderr


def test_a_link_in_a_brief_over_the_default_size_is_still_warned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    brief = MINIMAL_BRIEF.replace("  - One key message.", "  - See [p](../p.txt).")
    padding = "# " + "x" * 998 + "\n"
    root = make(
        tmp_path / "ws",
        {
            "config.yaml": "limits:\n  max_yaml_bytes: 8000000\n",
            "briefs/test.yaml": brief + padding * 5200,
        },
    )
    monkeypatch.chdir(root)
    result = run_cli("check")
    assert 'briefs/test.yaml:4:13: warning: link "../p.txt"' in result.stderr, result.stderr


BLOCK_STARTS = ["- ", "+ ", "1. ", "2) ", "===", "---", "\\- ", "\\=", "1\\. ", "x", " ", "\n"]


def _blocks(markdown: str) -> list[str]:
    tokens = RENDERERS["commonmark"].parse(markdown)
    kinds = ("bullet_list_open", "ordered_list_open", "heading_open", "hr")
    return [t.type for t in tokens if t.type in kinds]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(BLOCK_STARTS), max_size=12).map("".join))
@example("- \n\n\n- ")  # two lists, one after the other: they stay two
def test_text_starts_no_list_heading_or_rule(text: str) -> None:
    """A field's words are never read as a list, a heading or a rule: the plain text where
    a template starts a line with it, and the text of a Markdown field's paragraphs (its
    own lists, headings and rules stay what they are)."""
    assert _blocks(md_text(text, line_start=True) + " [^n1]") == [], md_text(text, True)
    block = md_block(text)  # the field's own lists, headings and rules, and no others
    assert sorted(_blocks(block)) == sorted(_blocks(text)), block


def test_escaped_block_markers_in_a_field_stay_text(tmp_path: Path) -> None:
    brief = MINIMAL_BRIEF + (
        "background: |\n  The figure was revised\n  \\=\\=\\=\n  \\- not a list item\n"
        "  1\\. not a numbered item either\n"
    )
    root = make(tmp_path / "ws", {"briefs/test.yaml": brief})
    os.chdir(root)
    result = run_cli("build", "--format", "md")
    assert result.exit_code == 0, result.stderr
    md = (root / "build" / "test.md").read_text(encoding="utf-8")
    section = md[md.index("The figure was revised") :].split("\n\n")[0]
    assert _blocks(section) == [], section


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("costs $5bn or $x^2$", r"costs \$5bn or \$x^2\$"),  # maths on GitHub, OMML in Word
        ("see www.evil.example now", r"see www\.evil.example now"),  # a GFM autolink
        ("write to a@b.example", r"write to a\@b.example"),
        ("a :smile: here, at 10:30", r"a \:smile: here, at 10:30"),  # an emoji code
    ],
)
def test_plain_text_is_not_what_gfm_readers_make_more_of(text: str, written: str) -> None:
    assert md_text(text) == written
    assert md_block(text) == written


def test_a_field_s_top_level_headings_come_out_below_the_brief_s_own() -> None:
    """The HTML and PDF allow headings from h3; the Markdown and Word copies took a field's
    "# Sources" for a section of the brief."""
    assert md_block("# Sources\n\n## More\n\n#### Small") == "### Sources\n\n### More\n\n#### Small"


def test_a_link_whose_text_shows_another_address_is_warned_about_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    brief = MINIMAL_BRIEF.replace(
        "summary: |\n  - One key message.\n",
        "summary: |\n  - One key message.\n  - See [https://www.gov.uk/](https://evil.example/x)"
        " and [www.gov.uk/news](https://www.gov.uk/news) and [the report](https://evil.example/).\n",
    )
    root = make(tmp_path / "ws", {"briefs/test.yaml": brief})
    monkeypatch.chdir(root)
    result = run_cli("check")
    assert result.exit_code == 0, result.stderr
    warned = [line for line in result.stderr.splitlines() if "reads as an address" in line]
    assert warned == [
        'briefs/test.yaml:5:31: warning: link text "https://www.gov.uk/" in "summary" reads as '
        'an address, but the link leads to "https://evil.example/x"; make the text the address '
        "it leads to, or words that say where it leads"
    ]
