"""The on-disk cache only saves time: a stale, damaged or unwritable entry is never used."""

from __future__ import annotations

from pathlib import Path

from briefgen.cache import Cache


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
