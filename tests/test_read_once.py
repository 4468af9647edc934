"""A file is checked and read through one descriptor: what takes its name between the
check and the read (a link to a file outside, a FIFO, a larger file) is never read.

The race is made deterministic: the first time the file is looked at once it is to be read
(os.stat by name, or os.fstat of a descriptor), its name is given to something else just
after; or, just before it is read, after every check, it grows.
"""

from __future__ import annotations

import base64
import builtins
import contextlib
import io
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from briefgen import assets
from briefgen.assets import MAX_ASSET_BYTES, Assets
from briefgen.errors import Location, RenderError, Report
from briefgen.load import read_bytes
from briefgen.paths import real

ORIGINAL = b"title: the file checked\n"
SECRET = b"SECRET: the file outside\n"
WHERE = Location(Path("sources.yaml"), 7, 9)
LIMIT = 100
WAIT = 10  # seconds: reading a FIFO with no writer would wait for ever
T = TypeVar("T")


def _link_to(secret: Path) -> Callable[[Path], None]:
    def swap(path: Path) -> None:
        path.unlink()
        path.symlink_to(secret)

    return swap


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


@contextlib.contextmanager
def swapped_after_check(
    monkeypatch: pytest.MonkeyPatch,
    path: Path,
    swap: Callable[[Path], None],
    after_resolving: bool = False,
) -> Iterator[threading.Event]:
    """Just after the file at `path` is first looked at (by name or by descriptor),
    `swap(path)` gives its name to something else; the event is set when it has.
    `after_resolving`: only once assets has resolved the path (and so checked it is inside
    the template folders; resolving looks at the file too)."""
    inode, done, armed = os.stat(path).st_ino, threading.Event(), threading.Event()
    if not after_resolving:
        armed.set()

    def then_swap(look: Callable[..., os.stat_result]) -> Callable[..., os.stat_result]:
        def looked(*args: Any, **kwargs: Any) -> os.stat_result:
            result = look(*args, **kwargs)
            if result.st_ino == inode and armed.is_set() and not done.is_set():
                done.set()
                swap(path)
            return result

        return looked

    def resolved(path: Path) -> Path:
        found = real(path)
        armed.set()
        return found

    with monkeypatch.context() as patched:
        patched.setattr(os, "stat", then_swap(os.stat))
        patched.setattr(os, "fstat", then_swap(os.fstat))
        patched.setattr(assets, "real", resolved)
        yield done


@contextlib.contextmanager
def grown_before_read(
    monkeypatch: pytest.MonkeyPatch, path: Path, size: int
) -> Iterator[threading.Event]:
    """Just before the file at `path` is read (opened as a file object, by name or from a
    descriptor), so after every check of it, it grows to `size` bytes; the event is set
    when it has."""
    inode, done, real_open = os.stat(path).st_ino, threading.Event(), io.open

    def opened(file: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            found = os.fstat(file) if isinstance(file, int) else os.stat(file)
        except (OSError, TypeError, ValueError):
            found = None
        if found is not None and found.st_ino == inode and not done.is_set():
            done.set()
            os.truncate(path, size)  # the same file, grown (with zeros: no room on disk)
        return real_open(file, *args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(io, "open", opened)
        patched.setattr(builtins, "open", opened)
        yield done


def _unblock(fifo: Path) -> None:
    """Free a reader left waiting on `fifo` for a writer (OSError: none is waiting)."""
    with contextlib.suppress(OSError):
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


def _in_time(fifo: Path, call: Callable[[], T]) -> T:
    """What `call()` gives, which must not wait (on the FIFO now at `fifo`) for a writer."""
    got: list[T] = []
    worker = threading.Thread(target=lambda: got.append(call()), daemon=True)
    worker.start()
    worker.join(WAIT)
    blocked = worker.is_alive()
    if blocked:
        _unblock(fifo)
        worker.join(WAIT)
    assert not blocked, "the read waited for a writer on the FIFO put in the file's place"
    return got[0]


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    """A workspace file and a secret outside the workspace."""
    (tmp_path / "ws").mkdir()
    path = tmp_path / "ws" / "f.yaml"
    path.write_bytes(ORIGINAL)
    secret = tmp_path / "secret.txt"
    secret.write_bytes(SECRET)
    return path, secret


def _read(path: Path) -> tuple[bytes | None, list[str]]:
    report = Report()
    data = read_bytes(path, report, WHERE, LIMIT, "source file")
    return data, [p.format() for p in report.problems]


# read_bytes (YAML files and sources)


def test_a_file_made_a_link_to_a_file_outside_after_its_check_is_not_followed(
    files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, secret = files
    with swapped_after_check(monkeypatch, path, _link_to(secret)) as done:
        data, problems = _read(path)
    assert done.is_set() and path.is_symlink()
    assert data == ORIGINAL and problems == []  # the file checked, never the secret


def test_a_file_made_a_fifo_after_its_check_does_not_block_the_read(
    files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = files
    with swapped_after_check(monkeypatch, path, _fifo) as done:
        data, problems = _in_time(path, lambda: _read(path))
    assert done.is_set() and path.is_fifo()
    assert data == ORIGINAL and problems == []


def test_a_file_grown_past_the_limit_after_its_check_is_refused(
    files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = files
    with grown_before_read(monkeypatch, path, 1_500) as done:
        data, problems = _read(path)
    assert done.is_set()
    assert data is None
    assert problems == [
        'sources.yaml:7:9: error: source file "f.yaml" is 1,500 bytes, over the limit of 100; '
        "split it or raise the limit in config.yaml"
    ]


# assets (template files a rendered document loads)

PAGE = '<!DOCTYPE html><html><head><title>t</title></head><body><img src="logo.png"></body></html>'


@pytest.fixture
def template(tmp_path: Path) -> tuple[Path, Path]:
    """A template folder's logo.png and a secret outside the workspace."""
    folder = tmp_path / "ws" / "templates"
    folder.mkdir(parents=True)
    logo = folder / "logo.png"
    logo.write_bytes(ORIGINAL)
    secret = tmp_path / "secret.png"
    secret.write_bytes(SECRET)
    return logo, secret


def _inline(logo: Path) -> str | list[str]:
    """The page with logo.png inlined, or the problems it was refused for."""
    folder = logo.parent
    try:
        return Assets([folder], Location(folder / "b.yaml")).inline(PAGE, folder)
    except RenderError as refused:
        return [p.message for p in refused.problems]


def _data(content: bytes) -> str:
    return base64.b64encode(content).decode("ascii")


def test_a_template_file_made_a_link_outside_after_its_check_is_not_inlined(
    template: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    logo, secret = template
    with swapped_after_check(monkeypatch, logo, _link_to(secret), after_resolving=True) as done:
        page = _inline(logo)
    assert done.is_set() and logo.is_symlink()
    assert isinstance(page, str), page
    assert _data(SECRET) not in page
    assert f"data:image/png;base64,{_data(ORIGINAL)}" in page


def test_a_template_file_made_a_fifo_after_its_check_does_not_block_the_render(
    template: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    logo, _ = template
    with swapped_after_check(monkeypatch, logo, _fifo, after_resolving=True) as done:
        page = _in_time(logo, lambda: _inline(logo))
    assert done.is_set() and logo.is_fifo()
    assert isinstance(page, str), page
    assert f"data:image/png;base64,{_data(ORIGINAL)}" in page


def test_a_template_file_grown_past_the_limit_after_its_check_is_refused(
    template: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    logo, _ = template
    with grown_before_read(monkeypatch, logo, MAX_ASSET_BYTES + 1) as done:
        page = _inline(logo)
    assert done.is_set()
    assert page == [f"refused to load logo.png: the file is larger than {MAX_ASSET_BYTES:,} bytes"]


@pytest.mark.parametrize("swapped_for_a_link", ["the file", "the sources folder"])
def test_a_source_made_to_lead_outside_after_the_catalogue_was_checked_is_not_read(
    swapped_for_a_link: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The catalogue checked that the source is inside the sources folder; by the time it is
    read it leads to a file outside: the file was made a link to it, or the whole folder a
    link to a folder outside holding a file of the same name (its files are checked against
    where the folder was when the workspace was first read). It is refused at its
    catalogue line, never read."""
    from briefgen import sources_read
    from conftest import build_tree, minimal_files, run_cli

    root = build_tree(tmp_path / "ws", minimal_files())
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "news.txt").write_bytes(
        b"The minister said the plan would cost \xe2\x80\x9c\xc2\xa32.5 billion\xe2\x80\x9d over five years.\n"
    )
    monkeypatch.chdir(root)
    reading = sources_read.read_bytes

    def swapped(path: Path, *args: Any) -> bytes | None:  # after every check by name
        folder = root / "sources"
        if swapped_for_a_link == "the file":
            path.unlink()
            path.symlink_to(outside / "news.txt")
        elif not folder.is_symlink():
            folder.rename(tmp_path / "moved")
            folder.symlink_to(outside)
        return reading(path, *args)

    monkeypatch.setattr(sources_read, "read_bytes", swapped)
    result = run_cli("check")
    assert result.exit_code == 1
    assert (
        'sources/sources.yaml:2:9: error: source file "news.txt" leads outside the sources/ '
        "folder (through a link); copy the file in instead"
    ) in result.stderr, result.stderr
    assert "citations verified" in result.stdout and "1 of" not in result.stdout


def test_a_link_to_a_file_inside_the_sources_folder_is_still_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import build_tree, minimal_files, run_cli

    root = build_tree(tmp_path / "ws", minimal_files())
    (root / "sources" / "kept").mkdir()
    (root / "sources" / "news.txt").rename(root / "sources" / "kept" / "news.txt")
    (root / "sources" / "news.txt").symlink_to(Path("kept") / "news.txt")
    monkeypatch.chdir(root)
    result = run_cli("check")
    assert result.exit_code == 0, result.stderr


def test_a_template_file_that_cannot_be_opened_is_refused_at_its_reference(
    template: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No permission to read it (which root, running the tests, always has): a refusal
    saying so, not an internal error."""
    logo, _ = template

    def denied(path: Path, follow_links: bool) -> int:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(assets, "open_once", denied)
    problems = _inline(logo)
    assert isinstance(problems, list) and len(problems) == 1
    assert "logo.png" in problems[0] and "the file cannot be read: Permission denied" in problems[0]
