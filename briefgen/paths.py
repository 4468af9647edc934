"""Containment checks that survive link loops and unreadable folders."""

from __future__ import annotations

import os
from pathlib import Path


def real(path: Path) -> Path:
    """The path with links resolved, or its absolute form when they cannot be (a link loop)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


def within(path: Path, root: Path) -> bool:
    """Whether `path`, links resolved, is `root` or inside it; a link loop is not inside."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return False
