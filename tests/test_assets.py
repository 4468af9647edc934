"""Assets: elements found allowed are kept, and what is kept never changes a check."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen import assets
from briefgen.assets import Assets
from briefgen.errors import Location, RenderError

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
PIECES = [
    '<img src="logo.png">', '<img src="missing.png">', '<a href="https://example.org/">',
    '<a href="javascript:alert(1)">', "</a>", '<p style="background: url(logo.png)">',
    '<p style="background: url(http://127.0.0.1/x.png)">', '<link rel="stylesheet" href="a.css">',
    '<img srcset="logo.png 1x, data:image/png;base64,AA 2x">', '<svg><image href="logo.png">',
    "</svg>", '<div onclick="x()">', '<meta http-equiv="refresh" content="0">', "<p>", "</p>",
    '<img src="data:image/svg+xml,<svg xmlns=%22http://www.w3.org/2000/svg%22/>">',
    "<style>p { background: url(logo.png) }</style>", "<b>", "text", '<form action="/x">',
]  # fmt: skip
documents = st.lists(st.sampled_from(PIECES), max_size=12).map(
    lambda pieces: "<!DOCTYPE html><html><head><title>t</title></head><body>" + "".join(pieces)
)


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ws") / "templates"
    folder.mkdir()
    (folder / "logo.png").write_bytes(PNG)
    (folder / "a.css").write_text("p { background: url(logo.png) }\n")
    return folder


def _inlined(
    templates: Path, html: str, kept: dict[object, object] | None, pdf: bool = False
) -> object:
    """What inline (or, `pdf`, check: the PDF engine's input) makes of `html`: the page,
    or the problems it was refused for."""
    token = assets.ALLOWED.set(kept)  # type: ignore[arg-type]
    try:
        found = Assets([templates], Location(templates / "b.yaml"))
        return (found.check if pdf else found.inline)(html, templates)
    except RenderError as refused:
        return [(p.message, p.location) for p in refused.problems]
    finally:
        assets.ALLOWED.reset(token)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(before=st.lists(st.tuples(documents, st.booleans()), max_size=3), html=documents)
def test_what_is_kept_of_earlier_pages_changes_nothing(
    templates: Path, before: list[tuple[str, bool]], html: str
) -> None:
    """A page checked with what was kept of pages checked before it, for HTML or PDF
    output (as the preview server checks them), comes out as a page checked afresh: the
    same text, or the same problems at the same places."""
    kept: dict[object, object] = {}
    for earlier, pdf in before:
        _inlined(templates, earlier, kept, pdf)
    for pdf in (False, True):
        assert _inlined(templates, html, kept, pdf) == _inlined(templates, html, None, pdf)


def test_an_allowed_element_is_kept_with_what_was_written_for_it(templates: Path) -> None:
    kept: dict[object, object] = {}
    html = '<!DOCTYPE html><body><img src="logo.png"><img src="logo.png">'
    first = _inlined(templates, html, kept)
    assert isinstance(first, str) and first.count("data:image/png;base64,") == 2
    assert any(changes for walk in kept.values() for changes in walk.values())  # data: URL
    assert _inlined(templates, html, kept) == first


def test_a_refused_element_is_never_kept(templates: Path) -> None:
    kept: dict[object, object] = {}
    html = '<!DOCTYPE html><body><img src="missing.png">'
    first = _inlined(templates, html, kept)
    assert isinstance(first, list) and "no such file" in first[0][0]
    assert not any("missing.png" in repr(key) for walk in kept.values() for key in walk)
    assert _inlined(templates, html, kept) == first
