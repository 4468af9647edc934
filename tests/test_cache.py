"""The on-disk cache only saves time: a stale, damaged or unwritable entry is never used."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import brief_citing

from briefgen import cache as cache_module
from briefgen.cache import FOLDER, Cache
from conftest import build_tree, run_cli


def test_an_entry_is_found_under_its_key_and_version_only(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c")
    cache.store("norm", "abc", "1", b"hello\nworld")
    assert cache.load("norm", "abc", "1") == b"hello\nworld"
    assert cache.load("norm", "abc", "2") is None
    assert cache.load("norm", "abd", "1") is None
    assert cache.load("text", "abc", "1") is None


def test_a_damaged_entry_is_ignored(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c")
    cache.store("norm", "abc", "1", b"payload")
    entry = next(p for p in (tmp_path / "c").rglob("*") if p.is_file())
    entry.write_bytes(entry.read_bytes()[:-1] + b"X")
    assert cache.load("norm", "abc", "1") is None
    entry.write_bytes(b"not a cache entry")
    assert cache.load("norm", "abc", "1") is None


def test_no_folder_or_an_unwritable_one_keeps_nothing(tmp_path: Path) -> None:
    assert Cache(None).load("a", "b", "c") is None
    Cache(None).store("a", "b", "c", b"x")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cache = Cache(blocker / "c")  # a folder that cannot be made
    cache.store("a", "b", "c", b"x")
    assert cache.load("a", "b", "c") is None


def test_an_unsharded_cache_keeps_its_entries_in_one_folder(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c", shard=False)
    for key in ("a", "b", "c"):
        cache.store("brief", key, "1", key.encode())
    assert [cache.load("brief", key, "1") for key in ("a", "b", "c")] == [b"a", b"b", b"c"]
    assert cache.load("brief", "a", "2") is None
    assert {p.parent for p in (tmp_path / "c").rglob("*") if p.is_file()} == {
        tmp_path / "c" / "brief"
    }
    assert Cache(tmp_path / "c").load("brief", "a", "1") is None  # sharded: looked for elsewhere


def test_a_cache_folder_that_is_a_link_is_neither_written_nor_read(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "ws").mkdir()
    folder = tmp_path / "ws" / ".briefgen-cache"
    folder.symlink_to(elsewhere)
    cache = Cache(folder)
    cache.store("extract", "k", "v", b"data")
    assert list(elsewhere.iterdir()) == []
    Cache(elsewhere).store("extract", "k", "v", b"data")  # an entry there, written directly
    assert Cache(elsewhere).load("extract", "k", "v") == b"data"
    assert cache.load("extract", "k", "v") is None  # not read through the link
    assert not cache.has("extract", "k", "v")


def test_a_kind_or_entry_that_is_a_link_is_neither_written_nor_read(tmp_path: Path) -> None:
    folder, elsewhere = tmp_path / "cache", tmp_path / "elsewhere"
    elsewhere.mkdir()
    folder.mkdir()
    (folder / "brief").symlink_to(elsewhere)
    flat = Cache(folder, shard=False)
    flat.store("brief", "k", "v", b"data")
    assert list(elsewhere.iterdir()) == []
    sharded = Cache(folder)
    sharded.store("extract", "k", "v", b"data")
    entry = next(p for p in (folder / "extract").rglob("*") if p.is_file())
    outside = tmp_path / "secret"
    outside.write_bytes(entry.read_bytes())
    entry.unlink()
    entry.symlink_to(outside)
    assert sharded.load("extract", "k", "v") is None


def test_an_entry_copied_over_another_is_not_taken_for_it(tmp_path: Path) -> None:
    """Each entry's digest covers its name (kind, key, version) as well as its bytes: a
    whole, undamaged entry for one file, copied or linked over another's, is not read as
    that one's."""
    cache = Cache(tmp_path / "c")
    cache.store("extract", "alpha", "1", b"what alpha says")
    cache.store("extract", "beta", "1", b"what beta says")
    alpha, beta = (
        next(
            p for p in (tmp_path / "c").rglob("*") if p.is_file() and p.read_bytes().endswith(said)
        )
        for said in (b"what alpha says", b"what beta says")
    )
    alpha.write_bytes(beta.read_bytes())
    assert cache.load("extract", "alpha", "1") is None
    assert cache.load("extract", "beta", "1") == b"what beta says"
    alpha.unlink()
    os.link(beta, alpha)
    assert cache.load("extract", "alpha", "1") is None


def test_an_entry_that_is_no_regular_file_or_too_large_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = Cache(tmp_path / "c")
    cache.store("norm", "abc", "1", b"payload")
    entry = next(p for p in (tmp_path / "c").rglob("*") if p.is_file())
    monkeypatch.setattr(cache_module, "MAX_ENTRY_BYTES", entry.stat().st_size - 1)
    assert cache.load("norm", "abc", "1") is None  # a larger one is not read at all
    monkeypatch.undo()
    assert cache.load("norm", "abc", "1") == b"payload"
    entry.unlink()
    os.mkfifo(entry)  # a plain read of it would wait for a writer for ever
    assert cache.load("norm", "abc", "1") is None
    assert not cache.has("norm", "abc", "1")


def test_a_cache_folder_that_cannot_be_searched_is_no_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another user's folder of mode 700: looking inside it fails, which is a miss."""
    cache = Cache(tmp_path / "c")
    cache.store("norm", "abc", "1", b"payload")

    def refused(self: Path) -> bool:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "is_symlink", refused)
    assert cache.load("norm", "abc", "1") is None
    assert not cache.has("norm", "abc", "1")
    cache.store("norm", "abd", "1", b"payload")  # nothing raised, nothing kept


def test_a_check_does_not_take_one_sources_kept_text_for_anothers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = "<html><body><article><p>{}</p></article></body></html>"
    build_tree(
        tmp_path,
        {
            "config.yaml": "organisation: Test Unit\n",
            "sources/sources.yaml": "".join(
                f"- id: {n}\n  file: {n}.html\n  publisher: P\n  title: T\n"
                for n in ("alpha", "beta")
            ),
            "sources/alpha.html": page.format("Talks will resume in Geneva next week."),
            "sources/beta.html": page.format("Members will spend three percent of output."),
            "briefs/b.yaml": brief_citing(("alpha", "Members will spend three percent")),
        },
    )
    monkeypatch.chdir(tmp_path)
    first = run_cli("check")
    assert first.exit_code == 1
    kept = {p.read_bytes(): p for p in (tmp_path / FOLDER / "extract").rglob("*") if p.is_file()}
    alpha = next(p for data, p in kept.items() if b"Geneva" in data)
    beta = next(data for data in kept if b"three percent" in data)
    alpha.write_bytes(beta)
    again = run_cli("check")
    assert (again.exit_code, again.stderr) == (first.exit_code, first.stderr)
