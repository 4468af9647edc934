"""Hostile workspaces: outcome-based probes of what a build may fetch, read, run and write.

Every probe checks the outcome, not the code path: a local HTTP server that must see no
connection, a secret file whose text must appear in no output, input files compared byte
for byte before and after, output folders checked for half-written or temporary files.
"""

from __future__ import annotations

import html as html_lib
import http.server
import io
import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import StreamObject

from briefgen.cache import FOLDER as CACHE_FOLDER
from conftest import MINIMAL_BRIEF, build_tree, minimal_files, run_cli, run_subprocess

PROBLEM_LINE = re.compile(r"^(\S.*?:\d+:\d+: (error|warning): .+|briefgen: error: .+)$")
TOKEN = "TOKEN-7f3a9c1e-must-not-leak"
TEMP_GLOB = ".briefgen-*.tmp"
EXTENDS = '{% extends "builtin:brief.html.j2" %}\n'
ALL_FORMATS = ("--format", "html", "--format", "md", "--format", "pdf")
# A second brief with ids of its own, so that two briefs can share a workspace.
OTHER_BRIEF = MINIMAL_BRIEF.replace("minister-plan", "other-plan").replace(
    "plan-cost", "other-cost"
)


def block(name: str, body: str) -> str:
    """A workspace brief.html.j2 that overrides one block of the built-in template."""
    return f"{EXTENDS}{{% block {name} %}}\n{body}\n{{% endblock %}}\n"


# ---------------------------------------------------------------------------------------------
# Helpers


@pytest.fixture(scope="module", autouse=True)
def _warm_pdf_engine() -> None:
    """Import WeasyPrint once: every render runs in a fork of this process, so it starts warm."""
    import weasyprint  # noqa: F401


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str


def build(*args: str) -> Outcome:
    """`briefgen build ARGS` in-process, in the current folder."""
    result = run_cli("build", *args)
    return Outcome(result.exit_code, result.stdout, result.stderr)


def make(root: Path, files: dict[str, str | bytes] | None = None) -> Path:
    """The minimal workspace at `root`, with `files` added or replaced."""
    tree = minimal_files()
    tree.update(files or {})
    return build_tree(root, tree)


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every file and link under `root` except build/ and the cache: links by target, files
    by content."""
    state: dict[str, bytes | str] = {}
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        if here == root:
            dirs[:] = [d for d in dirs if d not in ("build", CACHE_FOLDER)]
        for name in [*files, *dirs]:
            path = here / name
            key = path.relative_to(root).as_posix()
            if path.is_symlink():
                state[key + " ->"] = os.readlink(path)
            if path.is_file():
                state[key] = path.read_bytes()
    return state


def outputs(folder: Path) -> dict[str, bytes | str]:
    """What an output folder holds: file name -> bytes (or what a non-file is)."""
    if not folder.is_dir():
        return {}
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.iterdir()):
        if path.is_symlink():
            found[path.name] = "link -> " + os.readlink(path)
        elif path.is_file():
            found[path.name] = path.read_bytes()
        else:
            found[path.name] = "not a file"
    return found


def assert_no_temp_files(folder: Path) -> None:
    leftovers = sorted(p.name for p in folder.glob(TEMP_GLOB)) if folder.is_dir() else []
    assert leftovers == []


def assert_clean_messages(outcome: Outcome) -> None:
    """No traceback anywhere, and every line of stderr a well-formed problem."""
    assert "Traceback" not in outcome.stdout + outcome.stderr
    assert "internal error" not in outcome.stderr
    for line in outcome.stderr.splitlines():
        assert PROBLEM_LINE.match(line), f"malformed message line: {line!r}"


def assert_refused(
    outcome: Outcome,
    root: Path,
    inputs: dict[str, bytes | str],
    built: dict[str, bytes | str],
    *fragments: str,
    out: Path | None = None,
) -> None:
    """Exit 1 with clear messages naming `fragments`; inputs and outputs exactly as before."""
    assert outcome.code == 1, outcome.stdout + outcome.stderr
    assert_clean_messages(outcome)
    assert re.search(r"^\S.*?:\d+:\d+: error: |^briefgen: error: ", outcome.stderr, re.M), (
        outcome.stderr
    )
    for fragment in fragments:
        assert fragment in outcome.stderr
    assert snapshot(root) == inputs, "an input file was changed"
    out = out or root / "build"
    assert outputs(out) == built, "the output folder changed"
    assert_no_temp_files(out)


def pdf_payload(data: bytes) -> str:
    """Everything a PDF holds, decompressed: page text, every object and every stream."""
    reader = PdfReader(io.BytesIO(data))
    parts = [page.extract_text() or "" for page in reader.pages]
    numbers: set[int] = set(reader.xref_objStm)
    for objects in reader.xref.values():
        numbers.update(objects)
    for number in sorted(numbers):
        obj = reader.get_object(number)
        if isinstance(obj, StreamObject):
            parts.append(obj.get_data().decode("latin-1"))
        parts.append(repr(obj))
    return "\n".join(parts)


def files_mentioning(folder: Path, text: str) -> list[str]:
    """Files under `folder` whose bytes, or decompressed PDF content, contain `text`."""
    found = []
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        if not path.is_file():
            continue
        data = path.read_bytes()
        if text.encode() in data or (data.startswith(b"%PDF-") and text in pdf_payload(data)):
            found.append(path.name)
    return found


@pytest.fixture(scope="module")
def good_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes | str]:
    """A good build of the minimal workspace (PDF, HTML and Markdown), to place in build/."""
    root = make(tmp_path_factory.mktemp("good") / "ws")
    result = run_cli("build", "--config", str(root), *ALL_FORMATS)
    assert result.exit_code == 0, result.stderr
    return outputs(root / "build")


def with_previous_build(root: Path, built: dict[str, bytes | str]) -> None:
    (root / "build").mkdir(exist_ok=True)
    for name, data in built.items():
        assert isinstance(data, bytes)
        (root / "build" / name).write_bytes(data)


# ---------------------------------------------------------------------------------------------
# a. No network


class _Recorder(http.server.ThreadingHTTPServer):
    """An HTTP server on 127.0.0.1 that records every connection and request."""

    daemon_threads = True

    def __init__(self) -> None:
        self.hits: list[str] = []
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def verify_request(self, request: Any, client_address: Any) -> bool:
        self.hits.append(f"connection from {client_address}")
        return True


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        assert isinstance(self.server, _Recorder)
        self.server.hits.append(f"{self.command} {self.path}")
        body = b"body { color: red }"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_HEAD = do_POST = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[_Recorder]:
    recorder = _Recorder()
    thread = threading.Thread(target=recorder.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield recorder
    finally:
        recorder.shutdown()
        recorder.server_close()
        thread.join(5)


# name -> (template file, what it holds with BASE for the server's address, the URL's path);
# text for brief.html.j2 goes into its titleblock.
NETWORK_CASES = {
    "css-import": (
        "templates/extra.css",
        "@import url(BASE/a.css);\nh1 { color: navy }\n",
        "/a.css",
    ),
    "css-background": ("templates/extra.css", "body { background: url(BASE/b.png) }\n", "/b.png"),
    "css-font-face": (
        "templates/extra.css",
        "@font-face { font-family: X; src: url(BASE/f.ttf) }\nbody { font-family: X }\n",
        "/f.ttf",
    ),
    "html-img": ("templates/brief.html.j2", '<img src="BASE/i.png">', "/i.png"),
    "html-link": ("templates/brief.html.j2", '<link rel="stylesheet" href="BASE/s.css">', "/s.css"),
    "html-style-import": (
        "templates/brief.html.j2",
        "<style>@import url(BASE/t.css);</style>",
        "/t.css",
    ),
}


def network_case(case: str, base: str) -> tuple[str, str, str]:
    name, text, url_path = NETWORK_CASES[case]
    text = text.replace("BASE", base)
    return name, block("titleblock", text) if name.endswith(".j2") else text, base + url_path


@pytest.mark.parametrize("case", sorted(NETWORK_CASES))
def test_the_network_probes_are_live(case: str, server: _Recorder) -> None:
    """Without briefgen's fetcher WeasyPrint does request each probe: a silent server means
    briefgen stopped it, not that the probe was never going to be fetched."""
    import weasyprint

    name, text, url_path = NETWORK_CASES[case]
    text = text.replace("BASE", server.base)
    html = f"<style>{text}</style><h1>x</h1>" if name.endswith(".css") else f"<h1>x</h1>{text}"
    weasyprint.HTML(string=html).write_pdf()
    assert f"GET {url_path}" in server.hits


@pytest.mark.parametrize("fmt", ["pdf", "html"])
@pytest.mark.parametrize("case", sorted(NETWORK_CASES))
def test_template_pointing_at_the_network_is_refused_and_nothing_is_fetched(
    case: str, fmt: str, server: _Recorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name, text, url = network_case(case, server.base)
    root = make(tmp_path / "ws", {name: text})
    monkeypatch.chdir(root)
    inputs = snapshot(root)
    outcome = build("--format", fmt)
    assert server.hits == []
    assert_refused(outcome, root, inputs, {}, url, name)


MARKDOWN_REMOTE = """\
summary: |
  - Look ![x](BASE/m.png) here.
  - And <img src="BASE/r.png"> there.
"""


def test_remote_images_in_markdown_fields_are_removed_not_fetched(
    server: _Recorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    brief = MINIMAL_BRIEF.replace("summary: |\n  - One key message.\n", MARKDOWN_REMOTE).replace(
        "    stance: The plan is affordable.\n",
        '    stance: The plan is affordable.\n    detail: |\n      See ![d](BASE/d.png) and <img src="BASE/e.png">.\n',
    )
    root = make(tmp_path / "ws", {"briefs/test.yaml": brief.replace("BASE", server.base)})
    monkeypatch.chdir(root)
    outcome = build(*ALL_FORMATS)
    assert outcome.code == 0, outcome.stderr
    assert_clean_messages(outcome)
    assert server.hits == []
    html = (root / "build" / "test.html").read_text()
    address = re.escape(server.base.removeprefix("http://"))
    loadable = rf"""(src|srcset|href|poster|data)\s*=\s*["']?[^"'>]*{address}|url\(\s*["']?[^)]*{address}"""
    assert not re.search(loadable, html, re.I)
    assert "Look" in html and "there." in html  # the text around the images is kept
    assert server.base.removeprefix("http://") not in pdf_payload(
        (root / "build" / "test.pdf").read_bytes()
    )
    assert server.hits == []


# Other places HTML loads from: the HTML output must not keep them as live references.
HIDDEN_REFERENCES = {
    "srcset": '<img srcset="BASE/ss.png 1x" alt="">',
    "svg-image-href": '<svg width="10" height="10"><image href="BASE/sv.png" width="10" height="10"/></svg>',
    "video-poster": '<video poster="BASE/vp.png"></video>',
    "object-data": '<object data="BASE/ob.svg" type="image/svg+xml"></object>',
}


@pytest.mark.parametrize("fmt", ["pdf", "html"])
@pytest.mark.parametrize("case", sorted(HIDDEN_REFERENCES))
def test_less_common_loading_attributes_never_reach_the_network(
    case: str, fmt: str, server: _Recorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = block("titleblock", HIDDEN_REFERENCES[case].replace("BASE", server.base))
    root = make(tmp_path / "ws", {"templates/brief.html.j2": text})
    monkeypatch.chdir(root)
    outcome = build("--format", fmt)
    assert server.hits == []
    assert_clean_messages(outcome)
    assert outcome.code in (0, 1)
    if outcome.code == 1:  # refused: it must say what
        assert server.base in outcome.stderr
        assert outputs(root / "build") == {}
    elif fmt == "html":  # built: then the self-contained HTML must not load it either
        assert server.base not in (root / "build" / "test.html").read_text()


# ---------------------------------------------------------------------------------------------
# b. No local file reads


def file_read_cases(secret: Path) -> dict[str, dict[str, str]]:
    uri = secret.as_uri()
    return {
        "img-file-uri": {"templates/brief.html.j2": block("titleblock", f'<img src="{uri}">')},
        "img-etc-hostname": {
            "templates/brief.html.j2": block("titleblock", '<img src="file:///etc/hostname">')
        },
        "css-url": {"templates/extra.css": f"body {{ background: url({uri}) }}\n"},
        "css-url-etc-hostname": {
            "templates/extra.css": "body { background: url('file:///etc/hostname') }\n"
        },
        "css-import": {"templates/extra.css": f"@import url({uri});\n"},
        "css-import-string": {"templates/brief.css": f'@import "{uri}";\nbody {{ margin: 0 }}\n'},
        "css-font-face": {
            "templates/extra.css": f"@font-face {{ font-family: S; src: url({uri}) }}\nbody {{ font-family: S }}\n"
        },
        "css-relative": {"templates/extra.css": "body { background: url(../../secret.txt) }\n"},
        "img-relative": {
            "templates/brief.html.j2": block("titleblock", '<img src="../../secret.txt">')
        },
    }


@pytest.mark.parametrize("case", sorted(file_read_cases(Path("/x"))))
def test_template_reading_a_file_outside_is_refused_and_old_outputs_survive(
    case: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    good_outputs: dict[str, bytes | str],
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(f"body {{ color: red }} /* {TOKEN} */\n")
    files = file_read_cases(secret)[case]
    root = make(tmp_path / "ws", dict(files))
    assert (root / "templates" / "../../secret.txt").resolve() == secret
    with_previous_build(root, good_outputs)
    monkeypatch.chdir(root)
    inputs = snapshot(root)
    for fmt in ("pdf", "html"):
        outcome = build("--format", fmt)
        assert_refused(outcome, root, inputs, good_outputs, "refused", next(iter(files)))
        assert TOKEN not in outcome.stdout + outcome.stderr
    assert files_mentioning(root / "build", TOKEN) == []
    hostname = Path("/etc/hostname")
    if hostname.is_file() and len(hostname.read_text().strip()) >= 6:
        assert files_mentioning(root / "build", hostname.read_text().strip()) == []


def test_image_linked_out_of_templates_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, good_outputs: dict[str, bytes | str]
) -> None:
    secret = tmp_path / "secret.png"
    secret.write_text(TOKEN)
    root = make(
        tmp_path / "ws", {"templates/brief.html.j2": block("titleblock", '<img src="logo.png">')}
    )
    (root / "templates" / "logo.png").symlink_to(secret)
    with_previous_build(root, good_outputs)
    monkeypatch.chdir(root)
    inputs = snapshot(root)
    for fmt in ("pdf", "html"):
        outcome = build("--format", fmt)
        assert_refused(outcome, root, inputs, good_outputs, "logo.png")
    assert files_mentioning(root / "build", TOKEN) == []


# ---------------------------------------------------------------------------------------------
# c. Markdown fields are sanitised

HOSTILE_SUMMARY = """\
summary: |
  - Key point <script>alert("s1")</script> one.
  - <style>body { color: #123457 }</style> Key point two.
  - <link rel="stylesheet" href="https://evil.example/x.css"> Key point three.
  - <iframe src="https://evil.example/frame"></iframe> Key point four.
  - <img src="x" onerror="alert('e')"> Key point five.
  - <p style="background:url(https://evil.example/bg.png)">Key point six.</p>
  - [click me](javascript:alert(1)) and [passwords](file:///etc/passwd).
  - <img src=file:///etc/passwd> Key point eight.
"""
HOSTILE_DETAIL = """\
    detail: |
      Detail <script>alert("d1")</script> with [js](JavaScript:alert(2)) and
      <a href="javascript:alert(3)" onclick="alert(4)">a link</a> and <IFRAME SRC="file:///etc/passwd"></IFRAME>.
"""


def hostile_brief() -> str:
    brief = MINIMAL_BRIEF.replace("summary: |\n  - One key message.\n", HOSTILE_SUMMARY)
    return brief.replace(
        "    stance: The plan is affordable.\n",
        '    stance: "<b>x</b> The plan is <script>alert(5)</script> affordable."\n'
        + HOSTILE_DETAIL,
    )


def test_markdown_fields_are_sanitised_in_every_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make(tmp_path / "ws", {"briefs/test.yaml": hostile_brief()})
    monkeypatch.chdir(root)
    outcome = build(*ALL_FORMATS)
    assert outcome.code == 0, outcome.stderr
    assert_clean_messages(outcome)

    html = (root / "build" / "test.html").read_text()
    lowered = html.lower()
    assert "<script" not in lowered
    assert "<iframe" not in lowered
    assert "<link" not in lowered
    assert lowered.count("<style") == 1  # the built-in stylesheet only
    assert "#123457" not in html
    assert "onerror" not in lowered and "onclick" not in lowered
    assert not re.search(r"\sstyle\s*=", html, re.I)
    assert "javascript:" not in lowered
    assert "file:" not in lowered
    assert "evil.example" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html  # raw HTML in a plain text field is escaped
    assert "<b>x</b>" not in html
    for words in ("Key point", "one.", "Key point six.", "click me", "a link"):
        assert words in html

    pdf = (root / "build" / "test.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    payload = pdf_payload(pdf)
    assert "javascript:" not in payload.lower()
    assert "/etc/passwd" not in payload
    assert "evil.example" not in payload
    assert "root:x:0:0" not in payload

    markdown = (root / "build" / "test.md").read_text()
    for tag in ("<script", "<style", "<link", "<iframe", "<img", "<a ", "<p ", "<b>"):
        assert tag not in markdown.lower(), tag
    assert not re.search(r"\]\(\s*<?\s*(javascript|file):", markdown, re.I)
    assert "Key point six." in markdown and "click me" in markdown


# Ways of writing a link target that renderers decode to javascript: or file:.
SNEAKY_LINKS = {
    "reference-definition": "See [the plan][p].\n\n  [p]: javascript:alert(1)",
    "entity-encoded-scheme": "See [the plan](java&#115;cript:alert(1)).",
    "angle-bracket-target": "See [the plan](<javascript:alert(1)>).",
    "file-reference": "See [the file][f].\n\n  [f]: file:///etc/passwd",
}


@pytest.mark.parametrize("case", sorted(SNEAKY_LINKS))
def test_unsafe_link_targets_written_other_ways_are_neutralised(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    brief = MINIMAL_BRIEF.replace(
        "summary: |\n  - One key message.\n", "summary: |\n  " + SNEAKY_LINKS[case] + "\n"
    )
    root = make(tmp_path / "ws", {"briefs/test.yaml": brief})
    monkeypatch.chdir(root)
    outcome = build("--format", "html", "--format", "md")
    assert outcome.code == 0, outcome.stderr
    html = (root / "build" / "test.html").read_text().lower()
    assert "javascript:" not in html and "file:" not in html
    # Link targets as a Markdown renderer reads them: entities decoded, <...> unwrapped.
    markdown = (root / "build" / "test.md").read_text()
    inline = re.findall(r"\]\(\s*([^)\s]*)", markdown)
    definitions = re.findall(r"^\s{0,3}\[[^\]]+\]:\s*(\S+)", markdown, re.M)
    for raw in inline + definitions:
        target = html_lib.unescape(raw[1:] if raw.startswith("<") else raw).strip()
        assert not re.match(r"(javascript|file):", target, re.I), raw


# ---------------------------------------------------------------------------------------------
# d. Templates: includes, links out of templates/, the sandbox


def test_include_outside_the_templates_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for target in ("'../secret.html'", "'/etc/hostname'", "'../../secret.txt'"):
        root = make(
            tmp_path / ("ws-" + target.strip("'./").replace("/", "-")),
            {
                "secret.html": f"<p>{TOKEN}</p>",
                "templates/brief.html.j2": block("titleblock", f"{{% include {target} %}}"),
            },
        )
        (root.parent / "secret.txt").write_text(TOKEN)
        monkeypatch.chdir(root)
        inputs = snapshot(root)
        outcome = build(*ALL_FORMATS)
        assert_refused(outcome, root, inputs, {}, target.strip("'"), "brief.html.j2")
        assert TOKEN not in outcome.stdout + outcome.stderr


@pytest.mark.parametrize(
    ("link", "brief_line"),
    [("brief.css", ""), ("extra.css", ""), ("evil.html.j2", "template: evil\n")],
)
def test_template_file_linked_out_of_templates_is_refused(
    link: str, brief_line: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text(f"/* {TOKEN} */ <p>{TOKEN}</p>\n")
    root = make(tmp_path / "ws", {"briefs/test.yaml": brief_line + MINIMAL_BRIEF})
    (root / "templates").mkdir()
    (root / "templates" / link).symlink_to(outside)
    monkeypatch.chdir(root)
    inputs = snapshot(root)
    for fmt in ("pdf", "html"):
        outcome = build("--format", fmt)
        assert_refused(outcome, root, inputs, {}, link)
        assert TOKEN not in outcome.stdout + outcome.stderr
    assert files_mentioning(root / "build", TOKEN) == []


@pytest.mark.parametrize(
    "expression",
    [
        "{{ brief.__class__.__mro__ }}",
        "{{ ''.__class__.__subclasses__() }}",
        "{{ notes_for.__func__.__globals__ }}",
        "{{ cycler.__init__.__globals__.os.getcwd() }}",
    ],
)
def test_sandbox_stops_reaching_into_python(
    expression: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make(tmp_path / "ws", {"templates/brief.html.j2": block("titleblock", expression)})
    monkeypatch.chdir(root)
    inputs = snapshot(root)
    assert_refused(build(*ALL_FORMATS), root, inputs, {}, "brief.html.j2", "unsafe")


# Objects a template receives carry pathlib.Path values (config.root, brief.path, ...):
# their public methods read and write files without any underscore attribute.
PATH_METHODS = {
    "read-outside": "{{ config.root.joinpath('..', 'secret.txt').read_text() }}",
    "read-absolute": "{{ brief.path.joinpath('/etc/hostname').read_text() }}",
    "read-bytes": "{{ config.root.parent.joinpath('secret.txt').read_bytes() }}",
    "write-input": "{{ config.root.joinpath('sources', 'news.txt').write_text('overwritten') }}",
    "delete-input": "{{ config.root.joinpath('briefs', 'test.yaml').unlink() }}",
    "list-folder": "{{ config.root.parent.iterdir() | list }}",
}


@pytest.mark.parametrize("case", sorted(PATH_METHODS))
def test_templates_cannot_use_path_objects_to_touch_files(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "secret.txt").write_text(TOKEN)
    root = make(
        tmp_path / "ws",
        {
            "templates/brief.html.j2": block("titleblock", PATH_METHODS[case]),
            "templates/brief.md.j2": '{% extends "builtin:brief.md.j2" %}\n{% block header %}\n'
            + PATH_METHODS[case]
            + "\n{% endblock %}\n",
        },
    )
    monkeypatch.chdir(root)
    inputs = snapshot(root)
    outcome = build(*ALL_FORMATS)
    assert snapshot(root) == inputs, "a template changed an input file"
    assert files_mentioning(root / "build", TOKEN) == []
    assert "secret.txt" not in "".join(
        p.read_text(errors="replace") for p in (root / "build").glob("*.*") if p.is_file()
    )
    assert_refused(outcome, root, inputs, {}, "brief.html.j2")


# ---------------------------------------------------------------------------------------------
# e. Output safety


def test_existing_output_linked_to_an_input_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make(tmp_path / "ws")
    (root / "build").mkdir()
    (root / "build" / "test.md").symlink_to(root / "sources" / "news.txt")
    monkeypatch.chdir(root)
    inputs = snapshot(root)
    built = outputs(root / "build")
    assert_refused(build("--format", "md"), root, inputs, built, "test.md")


def test_existing_output_linked_outside_is_replaced_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("victim text\n")
    root = make(tmp_path / "ws")
    (root / "build").mkdir()
    (root / "build" / "test.md").symlink_to(victim)
    monkeypatch.chdir(root)
    outcome = build("--format", "md")
    assert outcome.code == 0, outcome.stderr
    assert_clean_messages(outcome)
    assert victim.read_text() == "victim text\n"
    target = root / "build" / "test.md"
    assert not target.is_symlink() and target.is_file()
    assert "# Test brief" in target.read_text()
    assert_no_temp_files(root / "build")


@pytest.mark.parametrize("out", ["sources", "briefs", "sources/sub", "linked-sources"])
def test_output_folder_inside_an_input_folder_is_refused(
    out: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make(tmp_path / "ws")
    (root / "linked-sources").symlink_to(root / "sources")
    monkeypatch.chdir(root)
    inputs = snapshot(root)
    outcome = build("--format", "md", "--out", out)
    assert_refused(outcome, root, inputs, {}, out)
    assert not (root / "build").exists()


@pytest.mark.parametrize(
    ("out", "why"),
    [
        (".", "the workspace folder itself"),
        ("briefs/..", "the workspace folder itself"),
        (".git", "inside the workspace's .git/ folder"),
        (".briefgen-cache/x", "inside the workspace's .briefgen-cache/ folder"),
        ("templates/html", "inside the workspace's templates/ folder"),
        ("linked-root", "the workspace folder itself"),
    ],
)
def test_output_folder_among_the_workspaces_own_files_is_refused(
    out: str, why: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A brief named README (or config) built into the workspace folder would replace the
    workspace's own file: refused from --out, and from config.yaml at its line."""
    root = make(tmp_path / "ws", {"briefs/README.yaml": OTHER_BRIEF, "README.md": "Ours.\n"})
    (root / ".git").mkdir()
    (root / "linked-root").symlink_to(root)
    monkeypatch.chdir(root)
    inputs = snapshot(root)
    outcome = build("--format", "md", "--out", out)
    assert_refused(outcome, root, inputs, {}, f"--out {out} is {why}", "choose a folder of its own")
    (root / "config.yaml").write_text(f"organisation: Test Unit\noutput_dir: {out}\n")
    inputs = snapshot(root)
    for command in ("check", "build"):
        result = run_cli(command)
        outcome = Outcome(result.exit_code, result.stdout, result.stderr)
        assert_refused(outcome, root, inputs, {}, f'config.yaml:2:13: error: "output_dir" is {why}')
    assert (root / "README.md").read_text() == "Ours.\n"


@pytest.mark.parametrize("target", [".", ".git"])
def test_the_default_output_folder_made_a_link_among_the_workspaces_files_is_refused(
    target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make(tmp_path / "ws")
    (root / ".git").mkdir()
    (root / "build").symlink_to(root / target)
    monkeypatch.chdir(root)
    inputs = snapshot(root)
    result = run_cli("check")
    assert result.exit_code == 1
    assert re.search(
        r"^build:1:1: error: folder build/ is a link, and the folder it leads to is (the "
        r"workspace folder itself|inside the workspace's \.git/ folder).*; make it a real folder$",
        result.stderr,
        re.M,
    ), result.stderr
    assert snapshot(root) == inputs


def test_output_folder_that_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make(tmp_path / "ws")
    monkeypatch.chdir(root)
    inputs = snapshot(root)
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    read_only.chmod(0o555)
    blocker = tmp_path / "afile"
    blocker.write_text("not a folder\n")
    try:
        # root ignores permissions: then use a folder under a regular file, which cannot exist
        target = blocker / "sub" if os.access(read_only, os.W_OK) else read_only
        outcome = build("--format", "md", "--format", "html", "--out", str(target))
        assert_refused(outcome, root, inputs, {}, out=read_only)
    finally:
        read_only.chmod(0o755)
    assert str(target) in outcome.stderr or str(target.resolve()) in outcome.stderr
    assert blocker.read_text() == "not a folder\n"


@pytest.mark.parametrize("name", ["bad name.yaml", "x..y.yaml", "a;b.yaml"])
def test_brief_file_name_that_cannot_be_an_output_name_is_refused(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make(tmp_path / "ws", {f"briefs/{name}": OTHER_BRIEF})
    monkeypatch.chdir(root)
    inputs = snapshot(root)
    outcome = build("--format", "md")
    assert_refused(outcome, root, inputs, {}, name)


def test_no_temporary_files_remain_after_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make(tmp_path / "ws", {"briefs/other.yaml": OTHER_BRIEF})
    monkeypatch.chdir(root)
    assert build(*ALL_FORMATS).code == 0
    assert build("--format", "md", "--out", "elsewhere").code == 0
    (root / "briefs" / "other.yaml").write_text(OTHER_BRIEF.replace('value: "2.5"', "value: [x]"))
    assert build(*ALL_FORMATS).code == 1
    for folder in (root / "build", root / "elsewhere"):
        assert sorted(p.name for p in folder.iterdir()) == sorted(
            p.name for p in folder.iterdir() if not p.name.startswith(".")
        )
        assert_no_temp_files(folder)
    assert sorted(p.name for p in (root / "build").iterdir()) == [
        "other.html",
        "other.md",
        "other.pdf",
        "test.html",
        "test.md",
        "test.pdf",
    ]


# ---------------------------------------------------------------------------------------------
# f. Killed mid-build

# Renders the built-in brief unchanged, after a few seconds of looping.
SLOW_BUT_SAME = (
    EXTENDS
    + "{% block titleblock %}{% for i in range(100000) %}{% for j in range(LOOPS) %}{% endfor %}"
    "{% endfor %}{{ super() }}{% endblock %}\n"
)


def processes_in(folder: Path) -> list[int]:
    """Processes (other than this one) whose current folder is `folder`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if Path(os.readlink(entry / "cwd")) == folder.resolve():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def wait_for_render(process: subprocess.Popen[str], limit: float = 20) -> None:
    """Wait until the build has started its render child (so the signal lands mid-render),
    or has ended; at most `limit` seconds, then carry on anyway."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    deadline = time.monotonic() + limit
    while process.poll() is None and time.monotonic() < deadline:
        try:
            if children.read_text().strip():
                time.sleep(0.3)
                return
        except OSError:
            time.sleep(1.0)  # no /proc children list here: fall back to a fixed wait
            return
        time.sleep(0.02)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killed_build_leaves_previous_outputs_and_no_temp_files(
    sig: signal.Signals, tmp_path: Path
) -> None:
    root = make(tmp_path / "ws", {"templates/brief.html.j2": SLOW_BUT_SAME.replace("LOOPS", "300")})
    first = run_subprocess("build", "--format", "pdf", "--format", "md", cwd=root, timeout=60)
    assert first.returncode == 0, first.stderr
    before = outputs(root / "build")
    assert set(before) == {"test.pdf", "test.md"}
    inputs = snapshot(root)
    process = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "build", "--format", "pdf"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    try:
        wait_for_render(process)
        process.send_signal(sig)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    after = outputs(root / "build")
    assert after["test.md"] == before["test.md"]
    pdf = after["test.pdf"]
    assert isinstance(pdf, bytes)
    if pdf != before["test.pdf"]:  # the run finished before the signal: a whole, valid PDF
        assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
        assert len(PdfReader(io.BytesIO(pdf)).pages) >= 1
    assert set(after) == set(before)
    assert_no_temp_files(root / "build")
    assert snapshot(root) == inputs
    assert "Traceback" not in stdout + stderr
    if sig == signal.SIGTERM:
        assert process.returncode != 0
    deadline = time.monotonic() + 10
    while processes_in(root) and time.monotonic() < deadline:  # a render child must not linger
        time.sleep(0.1)
    assert processes_in(root) == []


# ---------------------------------------------------------------------------------------------
# g. Bounded rendering

FOREVER = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"


def test_endless_template_is_stopped_and_other_briefs_still_build(tmp_path: Path) -> None:
    root = make(
        tmp_path / "ws",
        {
            "config.yaml": "limits: {render_timeout: 15}\n",  # room for the other PDF on a busy machine
            "templates/slow.html.j2": block("titleblock", FOREVER),
            "briefs/test.yaml": "template: slow\n" + MINIMAL_BRIEF,
            "briefs/other.yaml": OTHER_BRIEF,
        },
    )
    inputs = snapshot(root)
    done = run_subprocess("build", "--format", "pdf", "--format", "html", cwd=root, timeout=60)
    outcome = Outcome(done.returncode, done.stdout, done.stderr)
    assert outcome.code == 1
    assert_clean_messages(outcome)
    assert re.search(
        r"^briefs/test\.yaml:\d+:\d+: error: .*took longer than 15 seconds", done.stderr, re.M
    )
    assert "other.yaml" not in done.stderr
    built = outputs(root / "build")
    assert set(built) == {"other.pdf", "other.html"}
    assert_no_temp_files(root / "build")
    assert snapshot(root) == inputs


def test_template_exhausting_memory_is_stopped(tmp_path: Path) -> None:
    root = make(
        tmp_path / "ws",
        {
            "config.yaml": "limits: {render_memory_mb: 400}\n",
            "templates/brief.html.j2": block("titleblock", '{{ "x" * 900000000 }}'),
        },
    )
    inputs = snapshot(root)
    done = run_subprocess("build", "--format", "pdf", "--format", "html", cwd=root, timeout=30)
    outcome = Outcome(done.returncode, done.stdout, done.stderr)
    assert_refused(outcome, root, inputs, {}, "out of memory")


PATHOLOGICAL = {
    "brackets": "[" * 500 + "\n",  # the most a value may hold (more: test_load refuses it)
    "unclosed-comment": "<!-- never closed\n- A key message.\n",
    "nested-quotes": ">" * 2000 + " deep\n",
}


def test_pathological_markdown_finishes_or_fails_cleanly(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"config.yaml": "limits: {render_timeout: 3}\n"}
    for n, (name, text) in enumerate(sorted(PATHOLOGICAL.items())):
        brief = MINIMAL_BRIEF.replace("minister-plan", f"p{n}").replace("plan-cost", f"f{n}")
        brief = brief.replace(
            "summary: |\n  - One key message.\n", "summary: |\n" + textwrap.indent(text, "  ")
        )
        brief = brief.replace(
            "    stance: The plan is affordable.\n",
            "    stance: x\n    detail: |\n" + textwrap.indent(text, "      "),
        )
        files[f"briefs/{name}.yaml"] = brief
    root = make(tmp_path / "ws", files)
    (root / "briefs" / "test.yaml").unlink()
    inputs = snapshot(root)
    done = run_subprocess("build", *ALL_FORMATS, cwd=root, timeout=60)
    outcome = Outcome(done.returncode, done.stdout, done.stderr)
    assert outcome.code in (0, 1), done.stderr
    assert_clean_messages(outcome)
    assert snapshot(root) == inputs
    assert_no_temp_files(root / "build")
    built = outputs(root / "build")
    for name in PATHOLOGICAL:
        # each brief is either built in full or named in an error, never half-built
        made = {f"{name}.{ext}" for ext in ("html", "md", "pdf")} & set(built)
        failed = re.search(rf"^briefs/{name}\.yaml:\d+:\d+: error: ", done.stderr, re.M)
        assert (len(made) == 3 and not failed) or (not made and failed), (name, made, done.stderr)


def test_a_markdown_template_cannot_make_pandoc_read_a_file_or_the_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: _Recorder
) -> None:
    """The Word copy is pandoc's reading of the Markdown. A YAML metadata block, whose escapes
    hide an image from the Markdown check, or a bare URI, must not have pandoc fetch or
    embed anything: it reads nothing but its input."""
    import zipfile

    secret = tmp_path / "secret.txt"
    secret.write_text(f"{TOKEN}\n")
    hidden = "".join(f"\\x{ord(c):02x}" for c in "![x](")  # "![x](" as YAML escapes
    template = (
        f'---\nabstract: "{hidden}{secret}) {hidden}{server.base}/leak.png) ftp://{TOKEN}.example/"\n'
        '---\n\n{% extends "builtin:brief.md.j2" %}\n'
    )
    root = make(tmp_path / "ws", {"templates/brief.md.j2": template})
    monkeypatch.chdir(root)
    outcome = build("--format", "docx")
    assert outcome.code == 0, outcome.stderr  # made, without what the template asked for
    assert server.hits == []
    for path in (root / "build").glob("*.docx"):
        with zipfile.ZipFile(path) as docx:
            assert not [n for n in docx.namelist() if n.startswith("word/media/")]
            rels = docx.read("word/_rels/document.xml.rels").decode()
            assert "ftp:" not in rels  # a bare URI is not made a link


def test_a_program_a_render_runs_dies_with_the_render() -> None:
    """pandoc, started by a render that is stopped for taking too long, is not left running."""
    script = textwrap.dedent(
        """
        import subprocess, sys, time
        from briefgen.bounded import death_with_parent
        child = subprocess.Popen(["sleep", "60"], preexec_fn=death_with_parent())
        print(child.pid, flush=True)
        time.sleep(60)
        """
    )
    render = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert render.stdout is not None
    program = int(render.stdout.readline())
    render.kill()  # as a render is stopped
    render.wait(10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _running(program):
        time.sleep(0.05)
    assert not _running(program)


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its parent's wait is left
