"""Containment checks that survive link loops and unreadable folders."""

from __future__ import annotations

import os
import shlex
import stat
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


def within(path: Path, root: Path) -> bool:
    """Whether `path`, links resolved, is `root` or inside it; a link loop is not inside."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError, ValueError):  # ValueError: a NUL in the path
        return False


def extra_links(path: Path) -> int:
    """How many other hard links the file has (0 for a file of its own, or one not there)."""
    try:
        st = path.stat()
    except OSError:
        return 0
    return max(st.st_nlink - 1, 0) if stat.S_ISREG(st.st_mode) else 0  # some filesystems say 0


def hard_link_problem(path: Path) -> str:
    """Why a hard-linked input is refused, and how to give it a copy of its own."""
    name, copy = shlex.quote(path.name), shlex.quote(f"{path.name}.copy")
    return (
        f"is a hard link (the same file has {extra_links(path) + 1} names, and another may be "
        f"outside the workspace); replace it with a copy of its own, e.g. "
        f"cp {name} {copy} && mv {copy} {name}"
    )
