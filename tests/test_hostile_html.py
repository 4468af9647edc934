"""Hostile templates against the HTML and PDF outputs: markup smuggled past a naive check,
references nested in stylesheets and SVG images, the error locator, machine paths.

Each probe checks the outcome: a local HTTP server that must see nothing, the template line
named in the message, outside files whose names and text must appear nowhere.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import urllib.parse
from pathlib import Path

import pytest
from pypdf import PdfReader
from test_hostile import (
    ALL_FORMATS,
    TOKEN,
    _Recorder,
    assert_clean_messages,
    block,
    build,
    make,
    outputs,
    server,
    snapshot,
)

from briefgen.render import BUILTIN_TEMPLATES
from conftest import run_subprocess

__all__ = ["server"]  # the fixture, used by name

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8ff3f0005fe02fea7d6a4a60000000049454e44ae426082"
)
TEMPLATE_LINE = 3  # block() puts the body on line 3 of templates/brief.html.j2

# Each must fail the build naming templates/brief.html.j2 line 3; BASE is the server.
SMUGGLED = {
    "meta-refresh-url-spaces": '<meta http-equiv=REFRESH content="0; URL = BASE/m">',
    "meta-refresh-bare-url": '<meta http-equiv="refresh" content="0; BASE/m">',
    "meta-refresh-spaced-name": "<meta http-equiv=' Refresh\t' content=0;BASE/m>",
    "style-end-tag-with-space": "<style>p { color: red }</style ><img src=BASE/s>",
    "attribute-with-quote": '<img alt=a"b src=BASE/a>',
    "entity-encoded-scheme": '<img src="&#104;ttp&#x3a;//ADDR/e">',
    "tab-inside-scheme": '<img src="ht&#9;tp://ADDR/t">',
    "unquoted-attribute": "<img src=BASE/u>",
    "svg-image-href": '<svg><image href="BASE/i" width="1" height="1"/></svg>',
    "svg-xlink-href": '<svg><image xlink:href="BASE/x" width="1" height="1"/></svg>',
    "svg-use": '<svg><use href="BASE/use.svg#a"/></svg>',
    "object-data": '<object data="BASE/o"></object>',
    "video-poster": '<video poster="BASE/v"></video>',
    "form-action": '<form action="BASE/f"><input name="q"></form>',
    "button-formaction": '<form><button formaction="BASE/b">go</button></form>',
    "iframe-src": '<iframe src="BASE/fr"></iframe>',
    "link-prefetch": "<link rel=prefetch href=BASE/l>",
    "a-ping": '<a href="https://example.org/" ping="BASE/p">x</a>',
    "base-href": '<base href="BASE/">',
    "srcset-after-data-url": '<img srcset="data:image/png;base64,AAAA 1x, BASE/ss 2x">',
    "css-escaped-url": '<p style="background: u\\72l(BASE/c)">x</p>',
    "css-comment-in-import": "<style>@import/**/url(BASE/ci);</style>",
    "css-image-set": '<p style="background-image: image-set(&quot;BASE/is&quot; 1x)">x</p>',
    "css-import-in-media": "<style>@media print { @import url(BASE/mi); }</style>",
    "noscript-smuggle": '<noscript><p title="</noscript><img src=BASE/n>"></p></noscript>',
    "svg-animate-href": '<svg><a><animate attributeName="href" to="BASE/an"/><text>x</text></a></svg>',
    "mathml-link": '<math href="javascript:alert(1)"><mi>x</mi></math>',
    "script-link": '<a href="javascript:alert(1)">x</a>',
    "relative-link": '<a href="../../etc/passwd">x</a>',
    "event-handler": '<p onclick="location=1">x</p>',
    "svg-inline-style": "<svg><style>@import url(BASE/svs.css);</style></svg>",
    "svg-xml-base": '<svg xml:base="BASE/"><image href="xb.png"/></svg>',
    "data-svg-image": '<img src="data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22%3E%3Cimage href=%22BASE/ds%22/%3E%3C/svg%3E">',
    "link-dns-prefetch": '<link rel="dns-prefetch preconnect" href="BASE">',
    "meta-set-cookie": '<meta http-equiv="Set-Cookie" content="a=b">',
}


def smuggled(case: str, server: _Recorder) -> str:
    text = SMUGGLED[case].replace("BASE", server.base)
    return text.replace("ADDR", server.base.removeprefix("http://"))


@pytest.mark.parametrize("fmt", ["html", "pdf"])
@pytest.mark.parametrize("case", sorted(SMUGGLED))
def test_smuggled_markup_fails_at_its_template_line(
    case: str, fmt: str, server: _Recorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make(
        tmp_path / "ws", {"templates/brief.html.j2": block("titleblock", smuggled(case, server))}
    )
    monkeypatch.chdir(root)
    inputs = snapshot(root)
    outcome = build("--format", fmt)
    assert outcome.code == 1, outcome.stderr
    assert_clean_messages(outcome)
    assert re.search(
        rf"^templates/brief\.html\.j2:{TEMPLATE_LINE}:\d+: error: ", outcome.stderr, re.M
    ), outcome.stderr
    assert server.hits == []
    assert snapshot(root) == inputs
    assert outputs(root / "build") == {}


def test_problems_are_all_reported_each_at_its_own_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = '<img src="http://127.0.0.1:9/a">\n<p>fine</p>\n<meta http-equiv=refresh content="0;url=http://127.0.0.1:9/b">'
    root = make(tmp_path / "ws", {"templates/brief.html.j2": block("titleblock", body)})
    monkeypatch.chdir(root)
    outcome = build("--format", "html")
    assert outcome.code == 1
    assert "templates/brief.html.j2:3:" in outcome.stderr
    assert "templates/brief.html.j2:5:" in outcome.stderr


# ---------------------------------------------------------------------------------------------
# Allowed assets are still inlined; the written HTML loads nothing


def asset_workspace(root: Path, server: _Recorder) -> Path:
    make(
        root,
        {
            "templates/brief.html.j2": block(
                "titleblock",
                '<h1>Brief</h1><img src="logo.png" srcset="logo.png 1x, img/logo2.png 2x" alt="">'
                '<link rel="stylesheet" href="more.css"><svg><image href="logo.png"/></svg>'
                '<a href="https://example.org/">site</a>',
            ),
            "templates/extra.css": "body { background: url(logo.png) }\n@import 'more.css';\n",
            "templates/more.css": "h1 { background-image: image-set('img/logo2.png' 1x) }\n",
            "templates/logo.png": PNG,
            "templates/img/logo2.png": PNG,
        },
    )
    brief = (
        (root / "briefs" / "test.yaml")
        .read_text()
        .replace(
            "  - One key message.",
            f"  - One [link]({server.base}/ok) and ![img]({server.base}/img.png) and [rel](../x).",
        )
    )
    (root / "briefs" / "test.yaml").write_text(brief)
    return root


def test_allowed_assets_are_inlined_and_the_output_loads_nothing(
    server: _Recorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import weasyprint

    root = asset_workspace(tmp_path / "ws", server)
    monkeypatch.chdir(root)
    outcome = build(*ALL_FORMATS)
    assert outcome.code == 0, outcome.stderr
    html = (root / "build" / "test.html").read_text()
    assert "logo.png" not in html and "logo2.png" not in html and "more.css" not in html
    assert "data:image/png;base64," in html and "data:text/css;base64," in html
    assert "base-uri 'none'" in html and "form-action 'none'" in html
    first = (root / "build" / "test.html").read_bytes()
    assert build("--format", "html").code == 0
    assert (root / "build" / "test.html").read_bytes() == first  # reproducible
    # Opened with a fetcher that does fetch, the written HTML asks the server for nothing.
    weasyprint.HTML(string=html).write_pdf()
    assert server.hits == []
    links = [
        annot.get_object().get("/A", {}).get("/URI")
        for page in PdfReader(root / "build" / "test.pdf").pages
        for annot in page.get("/Annots") or []
    ]
    assert f"{server.base}/ok" in links
    for uri in filter(None, links):
        assert re.match(r"(https?|mailto):", str(uri)), uri


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="no /usr/bin/chromium")
def test_headless_chromium_requests_nothing(
    server: _Recorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = asset_workspace(tmp_path / "ws", server)
    monkeypatch.chdir(root)
    assert build("--format", "html").code == 0
    subprocess.run(
        ["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
         (root / "build" / "test.html").as_uri()],
        capture_output=True, timeout=60, check=False,
    )  # fmt: skip
    assert server.hits == []


# ---------------------------------------------------------------------------------------------
# References nested in stylesheets and SVG images are refused, not dropped

SVG_OUT = '<svg xmlns="http://www.w3.org/2000/svg"><image href="BASE/s.png"/></svg>'
NESTED = {
    "imported-stylesheet": (
        {
            "templates/extra.css": '@import "a.css";\n',
            "templates/a.css": "p {}\n@import url(BASE/n.css);\n",
        },
        "templates/a.css:2:",
    ),
    "import-in-supports": (
        {"templates/extra.css": "@supports (display: grid) {\n  @import url(BASE/su.css);\n}\n"},
        "templates/extra.css:2:",
    ),
    "svg-file-image": (
        {
            "templates/brief.html.j2": block("titleblock", '<img src="logo.svg">'),
            "templates/logo.svg": SVG_OUT,
        },
        "templates/logo.svg:",
    ),
    "svg-file-style-import": (
        {
            "templates/brief.html.j2": block("titleblock", '<img src="logo.svg">'),
            "templates/logo.svg": '<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(BASE/st.css);</style></svg>',
        },
        "templates/logo.svg:",
    ),
    "svg-in-css": (
        {
            "templates/extra.css": "body { background: url(logo.svg) }\n",
            "templates/logo.svg": SVG_OUT,
        },
        "templates/logo.svg:",
    ),
    "data-svg": (
        {"templates/brief.html.j2": block("titleblock", '<img src="data:image/svg+xml,DATA">')},
        f"templates/brief.html.j2:{TEMPLATE_LINE}:",
    ),
    "data-css-link": (
        {
            "templates/brief.html.j2": block(
                "titleblock",
                '<link rel="stylesheet" href="data:text/css,@import%20url(BASE/dc.css);">',
            )
        },
        f"templates/brief.html.j2:{TEMPLATE_LINE}:",
    ),
}


@pytest.mark.parametrize("fmt", ["html", "pdf"])
@pytest.mark.parametrize("case", sorted(NESTED))
def test_references_nested_in_stylesheets_and_images_are_refused(
    case: str, fmt: str, server: _Recorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files, where = NESTED[case]
    svg = urllib.parse.quote(SVG_OUT.replace("BASE", server.base))
    tree = {k: v.replace("BASE", server.base).replace("DATA", svg) for k, v in files.items()}
    root = make(tmp_path / "ws", tree)
    monkeypatch.chdir(root)
    outcome = build("--format", fmt)
    assert outcome.code == 1, outcome.stderr
    assert_clean_messages(outcome)
    assert where in outcome.stderr
    assert server.base in outcome.stderr
    assert server.hits == []
    assert outputs(root / "build") == {}


# ---------------------------------------------------------------------------------------------
# The error locator is no oracle for files outside the workspace


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_refusal_location_never_comes_from_files_outside(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "outside-canary.txt"
    outside.write_text(f"{TOKEN}\nmissing-asset.png http://127.0.0.1:9/zz\n")
    root = make(
        tmp_path / "ws",
        {
            "templates/extra.css": "p { color: navy }\n",
            "templates/brief.html.j2": block(
                "titleblock", '<img src="missing-asset.png">\n<img src="http://127.0.0.1:9/zz">'
            ),
        },
    )
    (root / "templates" / "aaa-link.txt").symlink_to(outside)
    os.link(outside, root / "templates" / "aaa-hard.txt")
    monkeypatch.chdir(root)
    outcome = build("--format", fmt)
    assert outcome.code == 1
    assert_clean_messages(outcome)
    assert f"templates/brief.html.j2:{TEMPLATE_LINE}:" in outcome.stderr
    assert f"templates/brief.html.j2:{TEMPLATE_LINE + 1}:" in outcome.stderr
    for leak in ("aaa-link", "aaa-hard", "outside-canary", TOKEN):
        assert leak not in outcome.stderr


def test_refusal_in_an_included_stylesheet_names_that_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    css = "h1 { color: navy }\n\np {\n  background: url('http://127.0.0.1:9/bg.png');\n}\n"
    root = make(tmp_path / "ws", {"templates/extra.css": css})
    monkeypatch.chdir(root)
    for fmt in ("html", "pdf"):
        outcome = build("--format", fmt)
        assert outcome.code == 1
        assert "templates/extra.css:4:" in outcome.stderr, outcome.stderr


# ---------------------------------------------------------------------------------------------
# Templates see no machine paths

PATH_PROBES = (
    "{{ config }} {{ config.root }} {{ config.path }} {{ config.templates_dir }} {{ brief }}"
    " {{ brief.path }} {{ notes }} {{ appendix }} {{ fonts }} {{ positions }}"
)


def test_templates_print_no_absolute_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make(
        tmp_path / "ws",
        {
            "templates/brief.html.j2": block("titleblock", f"<p>{PATH_PROBES}</p>"),
            "templates/brief.md.j2": '{% extends "builtin:brief.md.j2" %}\n{% block header %}\n'
            + PATH_PROBES
            + "\n{% endblock %}\n",
        },
    )
    monkeypatch.chdir(root)
    outcome = build(*ALL_FORMATS)
    assert outcome.code == 0, outcome.stderr
    html = (root / "build" / "test.html").read_text()
    assert "config.yaml" in html and "briefs/test.yaml" in html  # the paths are shown relative
    from test_hostile import files_mentioning

    for machine in {str(tmp_path), str(root), str(BUILTIN_TEMPLATES), str(Path.home())}:
        assert files_mentioning(root / "build", machine) == [], machine


def test_builtin_fonts_still_reach_the_pdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make(tmp_path / "ws")
    monkeypatch.chdir(root)
    assert build("--format", "pdf").code == 0
    fonts = {
        str(font.get_object().get("/BaseFont"))
        for page in PdfReader(root / "build" / "test.pdf").pages
        for font in (page["/Resources"].get_object().get("/Font") or {}).values()
    }
    assert any("Source-Sans-Pro" in name for name in fonts), fonts


def test_copying_the_sample_templates_folder_keeps_working(tmp_path: Path) -> None:
    """A workspace holding a copy of the built-in templates, fonts folder included."""
    root = make(tmp_path / "ws")
    shutil.copytree(BUILTIN_TEMPLATES, root / "templates")
    result = run_subprocess("build", *ALL_FORMATS, cwd=root, timeout=300)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_hard_linked_asset_is_refused(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "outside.png"
    outside.write_bytes(PNG + TOKEN.encode())
    root = make(
        tmp_path / "ws", {"templates/brief.html.j2": block("titleblock", '<img src="logo.png">')}
    )
    os.link(outside, root / "templates" / "logo.png")
    monkeypatch.chdir(root)
    outcome = build("--format", fmt)
    assert outcome.code == 1
    assert f"templates/brief.html.j2:{TEMPLATE_LINE}:" in outcome.stderr
    assert "hard link" in outcome.stderr and "a copy of its own" in outcome.stderr
    assert outputs(root / "build") == {}


LOCATED = """\
{% extends "builtin:brief.html.j2" %}
{% macro pic(u) %}
<img
  alt="x"
  src="{{ u }}">
{% endmacro %}
{% block titleblock %}
<h1>x</h1>
{% include "partial.html" %}
{{ pic("http://127.0.0.1:9/macro") }}
{% for i in [1, 2] %}
<p>{{ i }}</p>
{% endfor %}
<link rel=stylesheet href="data:,@import url(http://127.0.0.1:9/plain)">
{% endblock %}
"""


def test_refusals_name_the_line_through_includes_macros_and_loops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make(
        tmp_path / "ws",
        {
            "templates/brief.html.j2": LOCATED,
            "templates/partial.html": '<p>one</p>\n\n<img src="http://127.0.0.1:9/partial">\n',
        },
    )
    monkeypatch.chdir(root)
    for fmt in ("html", "pdf"):
        lines = build("--format", fmt).stderr.splitlines()
        assert [line.split(": error:")[0].rsplit(":", 1)[0] for line in lines] == [
            "templates/brief.html.j2:10",  # the macro's call
            "templates/brief.html.j2:14",  # after a loop
            "templates/partial.html:3",
        ], lines


def test_html_output_is_checked_on_the_tree_browsers_build_today(
    server: _Recorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tinyhtml5 drops an <img> inside <select>, as the standard once did; browsers now keep
    it, and so does the tree HTML output is checked on: the image is refused, at the template
    line that wrote it (found by its text, as tinyhtml5's places have no such element)."""
    body = f'<select><img src="{server.base}/sel"><option>a</option></select>'
    root = make(tmp_path / "ws", {"templates/brief.html.j2": block("titleblock", body)})
    monkeypatch.chdir(root)
    outcome = build("--format", "html")
    assert outcome.code == 1, outcome.stderr
    assert_clean_messages(outcome)
    assert re.search(
        rf"^templates/brief\.html\.j2:{TEMPLATE_LINE}:\d+: error: refused to load {server.base}/sel",
        outcome.stderr,
        re.M,
    ), outcome.stderr
    assert server.hits == []
    assert outputs(root / "build") == {}
