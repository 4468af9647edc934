"""Containment checks that survive link loops and unreadable folders."""

from __future__ import annotations

import contextlib
import os
import shlex
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

BUILTIN_TEMPLATES = Path(__file__).parent / "templates"  # the package's own templates
BUILTIN_FONTS = BUILTIN_TEMPLATES / "fonts"
BUILTIN_FONTS_FOLDER = "builtin-fonts"  # a name templates use for BUILTIN_FONTS


def real(path: Path) -> Path:
    """The path with links resolved, or its absolute form when they cannot be (a link loop)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError, ValueError):
        return Path(os.path.abspath(path))


class _Folders(threading.local):
    real: dict[Path, Path] | None = None  # each folder's real path, inside same_folders()


_FOLDERS = _Folders()


@contextlib.contextmanager
def same_folders() -> Iterator[None]:
    """Within the block (one reading of a workspace, in this thread), each folder that
    paths are checked to be inside is resolved once, not once a path. A folder swapped for
    a link meanwhile can only make more paths refused: theirs then lead elsewhere."""
    if _FOLDERS.real is not None:  # already inside one
        yield
        return
    _FOLDERS.real = {}
    try:
        yield
    finally:
        _FOLDERS.real = None


def _real_folder(root: Path) -> Path:
    """real(root), once a reading inside same_folders()."""
    known = _FOLDERS.real
    if known is None:
        return real(root)
    found = known.get(root)
    if found is None:
        found = known[root] = real(root)
    return found


def within(path: Path, root: Path) -> bool:
    """Whether `path`, links resolved, is `root` or inside it; a link loop is not inside."""
    try:
        return path.resolve().is_relative_to(_real_folder(root))
    except (OSError, RuntimeError, ValueError):  # ValueError: a NUL in the path
        return False


def extra_links(path: Path) -> int:
    """How many other hard links the file has (0 for a file of its own, or one not there)."""
    try:
        st = path.stat()
    except OSError:
        return 0
    return links_of(st)


def links_of(st: os.stat_result) -> int:
    """How many other hard links the file `st` describes has (0 for a file of its own)."""
    return max(st.st_nlink - 1, 0) if stat.S_ISREG(st.st_mode) else 0  # some filesystems say 0


def hard_link_problem(path: Path, names: int | None = None) -> str:
    """Why a hard-linked input is refused, and how to give it a copy of its own; `names`, how
    many names the file has, is what os.fstat said of the file read (else looked up by name)."""
    name, copy = shlex.quote(path.name), shlex.quote(f"{path.name}.copy")
    count = extra_links(path) + 1 if names is None else names
    return (
        f"is a hard link (the same file has {count} names, and another may be "
        f"outside the workspace); replace it with a copy of its own, e.g. "
        f"cp {name} {copy} && mv {copy} {name}"
    )


# Read only, and at once: a FIFO put in a file's place opens without waiting for a writer
# (and is then refused, not being a regular file); a terminal is not made the controlling one.
_READ_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY


def open_once(path: Path, follow_links: bool) -> int:
    """A descriptor to check (os.fstat) and read `path` through, so that the bytes read are
    those of the file checked, whatever is put in its name's place meanwhile; without
    `follow_links`, a link in its place is refused (OSError, ELOOP). The caller closes it."""
    return os.open(path, _READ_FLAGS | (0 if follow_links else os.O_NOFOLLOW))


def opened_within(fd: int, st: os.stat_result, path: Path, root: Path) -> bool:
    """Whether the file open as `fd` (os.fstat gave `st`) is inside `root`, links resolved:
    where the system says the descriptor leads, or, without /proc, where `path` leads now if
    that is the same file. A name checked and then swapped for a link is caught so."""
    try:
        opened = Path(os.readlink(f"/proc/self/fd/{fd}"))
    except OSError:
        opened = real(path)
        try:
            now = os.stat(opened)
        except OSError:
            return False
        if (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino):
            return False
    return opened.is_relative_to(_real_folder(root))


def read_checked(fd: int, size: int, limit: int) -> bytes:
    """The bytes of the regular file open as `fd`, which os.fstat found `size` bytes long
    (at most `limit`): up to `size` + 1 of them, so that a file grown since is seen, and of
    what it grew by only as many as reach `limit` + 1 (more than `limit`: it grew past it)."""
    with open(fd, "rb", closefd=False) as f:
        data = f.read(size + 1)
        if len(data) > size:
            data += f.read(max(limit + 1 - len(data), 0))
    return data
