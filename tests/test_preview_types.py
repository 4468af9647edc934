"""The preview server: every output format served with its type, and source files read
through one descriptor (the file checked is the file read)."""

from __future__ import annotations

import contextlib
import http.client
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from briefgen.commands.serve import serving
from briefgen.formats import WRITERS
from briefgen.preview import server as preview_server
from briefgen.preview.server import PreviewServer
from conftest import MINIMAL_SOURCE, build_tree, minimal_files, run_subprocess

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TYPES = {
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "pdf": "application/pdf",
    "json": "application/json; charset=utf-8",
    "docx": DOCX,
}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[PreviewServer]:
    root = build_tree(tmp_path / "ws", minimal_files())
    with serving(root / "config.yaml", ()) as running:
        yield running


def get(server: PreviewServer, path: str, timeout: float = 60) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    conn.request("GET", path, headers={"Host": f"127.0.0.1:{server.port}"})
    return conn.getresponse()


def test_every_format_the_build_writes_has_a_content_type() -> None:
    assert set(WRITERS) <= set(preview_server._TYPES)
    assert preview_server._TYPES == TYPES


@pytest.mark.parametrize("fmt", list(TYPES))
def test_each_output_format_is_served_with_its_content_type(
    server: PreviewServer, fmt: str
) -> None:
    if not WRITERS[fmt].available():
        pytest.skip(f"the {fmt} writer's library is not installed")
    response = get(server, f"/out/test.{fmt}")
    body = response.read()
    assert response.status == 200, body[:300]
    assert response.headers["Content-Type"] == TYPES[fmt]
    assert response.headers["Content-Length"] == str(len(body))
    magic = {"pdf": b"%PDF-", "docx": b"PK\x03\x04", "json": b"{", "html": b"<!DOCTYPE"}
    assert body.startswith(magic.get(fmt, b"")), body[:40]


def test_the_json_output_is_what_build_writes(server: PreviewServer, tmp_path: Path) -> None:
    served = get(server, "/out/test.json")
    assert served.status == 200
    root = tmp_path / "ws"
    done = run_subprocess("build", "--format", "json", cwd=root)
    assert done.returncode == 0, done.stderr
    assert served.read() == (root / "build" / "test.json").read_bytes()


@pytest.mark.parametrize(
    "path", ["/out/test.xyz", "/out/test.card.xyz", "/out/test.", "/out/test.JSON"]
)
def test_an_unknown_extension_is_a_clean_404(server: PreviewServer, path: str) -> None:
    response = get(server, path)
    assert response.status == 404
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.read() == b"not found: the preview serves only the rendered briefs\n"


def test_an_output_format_without_a_content_type_is_a_clean_404(
    server: PreviewServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A format the build gains before this server's table lists it: 404, not a dropped
    connection."""
    listed = {fmt: kind for fmt, kind in preview_server._TYPES.items() if fmt != "json"}
    monkeypatch.setattr(preview_server, "_TYPES", listed)
    response = get(server, "/out/test.json")
    assert response.status == 404
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.read().startswith(b"not found")


# A source file changed after its address was worked out, before the watcher's next check:
# the file the snapshot names is put there by hand, outside the watched workspace.


def _served_from(server: PreviewServer, path: Path) -> str:
    address = "/sources/elsewhere.txt"
    server.preview.snapshot.sources[address] = path
    return address


def test_a_source_swapped_for_a_link_after_its_check_is_not_followed(
    server: PreviewServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first time the server looks at the file (by name or by descriptor), it is made
    a link to a file outside just after: what is served is the file as looked at."""
    source = tmp_path / "ws" / "sources" / "elsewhere" / "news.txt"
    source.parent.mkdir()
    source.write_text(MINIMAL_SOURCE)
    secret = tmp_path / "secret.txt"
    secret.write_text("secret\n")
    inode, swapped = os.stat(source).st_ino, threading.Event()

    def then_swap(look: Callable[..., os.stat_result]) -> Callable[..., os.stat_result]:
        def looked(*args: Any, **kwargs: Any) -> os.stat_result:
            result = look(*args, **kwargs)
            if result.st_ino == inode and not swapped.is_set():
                swapped.set()
                source.unlink()
                source.symlink_to(secret)
            return result

        return looked

    address = _served_from(server, source)
    monkeypatch.setattr(os, "stat", then_swap(os.stat))
    monkeypatch.setattr(os, "fstat", then_swap(os.fstat))
    response = get(server, address)
    body = response.read()
    monkeypatch.undo()
    assert swapped.is_set()
    assert response.status == 200 and body == MINIMAL_SOURCE.encode()
    assert get(server, address).status == 404  # a link now: refused


def test_a_fifo_in_a_source_s_place_is_a_404_at_once(server: PreviewServer, tmp_path: Path) -> None:
    fifo = tmp_path / "ws" / "sources" / "fifo.txt"
    os.mkfifo(fifo)
    address = _served_from(server, fifo)
    try:
        response = get(server, address, timeout=5)  # the old server waited for a writer
        assert response.status == 404
    finally:  # free a handler thread left waiting for a writer (OSError: none is)
        with contextlib.suppress(OSError):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


def test_a_source_grown_past_the_size_limit_is_not_served(tmp_path: Path) -> None:
    files = minimal_files(
        config_yaml="organisation: Test Unit\nlimits:\n  max_source_bytes: 4096\n"
    )
    root = build_tree(tmp_path / "ws", files)
    big = root / "sources" / "big.txt"
    big.write_bytes(b"x" * 4097)
    with serving(root / "config.yaml", ()) as running:
        assert get(running, "/sources/news.txt").status == 200
        response = get(running, _served_from(running, big))
        assert response.status == 404 and b"xxxx" not in response.read()


@pytest.mark.parametrize("kind", ["directory", "hard link", "link"])
def test_what_is_not_a_file_of_its_own_is_not_served(
    server: PreviewServer, tmp_path: Path, kind: str
) -> None:
    target = tmp_path / "target"
    target.write_text("secret\n")
    path = tmp_path / "ws" / "sources" / "other.txt"
    if kind == "directory":
        path.mkdir()
    elif kind == "hard link":
        os.link(target, path)
    else:
        path.symlink_to(target)
    response = get(server, _served_from(server, path))
    assert response.status == 404 and b"secret" not in response.read()


def test_a_source_whose_folder_became_a_link_leading_out_is_not_served(
    server: PreviewServer, tmp_path: Path
) -> None:
    """The file itself is not a link, but a folder on its way now leads outside the
    sources folder: what the descriptor leads to is checked, not only the last name."""
    inside = tmp_path / "ws" / "sources" / "sub"
    inside.mkdir()
    (inside / "news.txt").write_text(MINIMAL_SOURCE)
    address = _served_from(server, inside / "news.txt")
    assert get(server, address).status == 200
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "news.txt").write_text("secret\n")
    (inside / "news.txt").unlink()
    inside.rmdir()
    inside.symlink_to(outside)
    response = get(server, address)
    assert response.status == 404 and b"secret" not in response.read()
