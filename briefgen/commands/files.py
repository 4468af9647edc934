"""Writing the files the authoring commands create: atomically, never over a file unless asked."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from briefgen.commands.schema import FILE_NAMES, schema_json
from briefgen.errors import Location, Report
from briefgen.write import replace_file

SCHEMA_DIR = "schemas"


def modeline(file: Path, root: Path, kind: str) -> str:
    """The first line that points the YAML language server at the schema for `file`."""
    target = root / SCHEMA_DIR / FILE_NAMES[kind]
    relative = Path(os.path.relpath(target, file.parent)).as_posix()
    return f"# yaml-language-server: $schema={relative}\n"


def refuse_existing(paths: list[Path], force: bool, report: Report, hint: str) -> None:
    """Report each path that exists (unless --force), so nothing is written over by accident."""
    if force:
        return
    for path in paths:
        if path.exists() or path.is_symlink():
            report.error(f"{path.name} already exists; {hint}", Location(path))


def write_file(path: Path, data: bytes, overwrite: bool = True) -> None:
    """Write through a temporary file in the same folder, flushed, then renamed into place;
    without `overwrite`, FileExistsError if a file is there by then (refuse_existing looked
    before: this is for a file made since)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_file(path, data, overwrite=overwrite)


def schema_files(root: Path) -> dict[Path, str]:
    """The schema files a workspace carries for editors."""
    return {root / SCHEMA_DIR / name: schema_json(kind) for kind, name in FILE_NAMES.items()}


@contextlib.contextmanager
def one_at_a_time(folder: Path) -> Iterator[None]:
    """Hold `folder` (an advisory lock on the folder itself: no lock file is left behind)
    while a file in it is read, checked and written again, so that two commands at once
    each keep the other's change: the second waits, then reads what the first wrote."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:  # nothing to hold: the folder is not there to be written into either
        yield
        return
    try:
        with contextlib.suppress(OSError):  # a file system with no locks (some network ones)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # (closing it lets the lock go)
