"""An on-disk cache of work done on source files (normalised text, extracted text).

Entries are keyed by the SHA-256 of the file's bytes and a version string of the code
that made them, so a changed file or a changed briefgen never reads a stale entry; each
entry also carries a digest of its name and its bytes together, and is ignored unless
that matches, so an entry copied over another (for another file) is not taken for it.
The folder is safe to delete at any time, and a cache that cannot be read or written is
simply not used: it only ever saves time. Nor is one that is, or holds, a link to
another folder, nor an entry that is not a regular file or is larger than MAX_ENTRY_BYTES.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from pathlib import Path

from briefgen.write import replace_file

FOLDER = ".briefgen-cache"
_MAGIC = b"briefgen-cache-2\n"
# larger than any entry a source within the limits makes: a bigger one is not read at all
MAX_ENTRY_BYTES = 1 << 30
_OPEN = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Cache:
    """Entries in `folder` (created on first store); `None` folder: a cache that keeps nothing.

    Entries are spread over folders named by the first two characters of their name, so
    that no folder holds too many; `shard=False` keeps them in one folder of their kind
    (for a kind with an entry per brief, where making a folder for most entries would
    take longer than writing them)."""

    def __init__(self, folder: Path | None, shard: bool = True) -> None:
        self.folder = folder
        self.shard = shard

    def _path(self, kind: str, key: str, version: str) -> Path | None:
        if self.folder is None:
            return None
        name = _name(kind, key, version)
        return self.folder / kind / name[:2] / name if self.shard else self.folder / kind / name

    def _own(self, path: Path) -> bool:
        """Whether the cache folder and each folder below it down to `path` are real
        folders (or not made yet), and `path` no link: a link there (a checkout can carry
        one) would have entries read from, and written to, somewhere else, such as
        sources/ or a folder outside the workspace."""
        assert self.folder is not None
        folder = self.folder
        try:  # a folder that cannot be searched (another user's) raises
            for part in ("", *path.relative_to(self.folder).parts[:-1]):
                folder = folder / part if part else folder
                if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
                    return False
            return not path.is_symlink()
        except OSError:
            return False

    def has(self, kind: str, key: str, version: str) -> bool:
        """Whether an entry is there (it may still turn out damaged when loaded)."""
        path = self._path(kind, key, version)
        if path is None or not self._own(path):
            return False
        try:
            return path.is_file()
        except OSError:
            return False

    def load(self, kind: str, key: str, version: str) -> bytes | None:
        """The stored bytes, or None when absent, unreadable or not what was stored."""
        path = self._path(kind, key, version)
        if path is None or not self._own(path):
            return None
        raw = _read(path)
        if raw is None or not raw.startswith(_MAGIC):
            return None
        stored, _, data = raw[len(_MAGIC) :].partition(b"\n")
        return data if stored.decode("ascii", "replace") == _seal(path.name, data) else None

    def store(self, kind: str, key: str, version: str, data: bytes) -> None:
        """Keep `data` (written atomically; failures are ignored)."""
        path = self._path(kind, key, version)
        if path is None or not self._own(path):
            return
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            if not self._own(path):  # a link made meanwhile
                return
            seal = _seal(path.name, data).encode("ascii")
            replace_file(path, _MAGIC + seal + b"\n" + data, durable=False)


def _name(kind: str, key: str, version: str) -> str:
    return digest(f"{kind}\0{key}\0{version}".encode())


def _seal(name: str, data: bytes) -> str:
    """The digest an entry carries: of its name (its kind, key and version) and its bytes."""
    h = hashlib.sha256(name.encode("ascii", "replace") + b"\0")
    h.update(data)
    return h.hexdigest()


def _read(path: Path) -> bytes | None:
    """The bytes of a regular file of at most MAX_ENTRY_BYTES at `path` (not followed if a
    link); None for anything else (a FIFO would block a plain read, a huge file fill memory)."""
    try:
        fd = os.open(path, _OPEN)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as file:
        try:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ENTRY_BYTES:
                return None
            return file.read(info.st_size)  # what it holds now: no more is taken for it
        except OSError:
            return None
