"""An on-disk cache of work done on source files (normalised text, extracted text).

Entries are keyed by the SHA-256 of the file's bytes and a version string of the code
that made them, so a changed file or a changed briefgen never reads a stale entry; each
entry also carries its own digest and is ignored unless that matches. The folder is
safe to delete at any time, and a cache that cannot be read or written is simply not
used: it only ever saves time. Nor is one that is, or holds, a link to another folder.
"""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path

from briefgen.write import replace_file

FOLDER = ".briefgen-cache"
_MAGIC = b"briefgen-cache-1\n"


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
        name = digest(f"{kind}\0{key}\0{version}".encode())
        return self.folder / kind / name[:2] / name if self.shard else self.folder / kind / name

    def _own(self, path: Path) -> bool:
        """Whether the cache folder and each folder below it down to `path` are real
        folders (or not made yet), and `path` no link: a link there (a checkout can carry
        one) would have entries read from, and written to, somewhere else, such as
        sources/ or a folder outside the workspace."""
        assert self.folder is not None
        folder = self.folder
        for part in ("", *path.relative_to(self.folder).parts[:-1]):
            folder = folder / part if part else folder
            if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
                return False
        return not path.is_symlink()

    def has(self, kind: str, key: str, version: str) -> bool:
        """Whether an entry is there (it may still turn out damaged when loaded)."""
        path = self._path(kind, key, version)
        return path is not None and self._own(path) and path.is_file()

    def load(self, kind: str, key: str, version: str) -> bytes | None:
        """The stored bytes, or None when absent, unreadable or not what was stored."""
        path = self._path(kind, key, version)
        if path is None or not self._own(path):
            return None
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        if not raw.startswith(_MAGIC):
            return None
        stored, _, data = raw[len(_MAGIC) :].partition(b"\n")
        return data if stored.decode("ascii", "replace") == digest(data) else None

    def store(self, kind: str, key: str, version: str, data: bytes) -> None:
        """Keep `data` (written atomically; failures are ignored)."""
        path = self._path(kind, key, version)
        if path is None or not self._own(path):
            return
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            if not self._own(path):  # a link made meanwhile
                return
            replace_file(path, _MAGIC + digest(data).encode("ascii") + b"\n" + data, durable=False)
