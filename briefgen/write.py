"""Atomic writes into the output folder, and never anywhere else."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
import time
from pathlib import Path

from briefgen.errors import Location, OutputError
from briefgen.paths import real

TEMP_PREFIX = ".briefgen-"
# A temporary file lives the moment between writing an output and renaming it into place;
# one older than this was left by a build that was killed, and the next build removes it
# (a younger one may be another build's, under way)
STALE_TEMP_SECONDS = 600


def prepare_output_dir(out_dir: Path) -> Path:
    """Create the output folder (config.output_folder_problem says where it may be)."""
    resolved = real(out_dir)
    try:
        resolved.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError.single(
            f"cannot create output folder {out_dir}: {exc.strerror}", None
        ) from exc
    _remove_stale_temps(resolved)
    return resolved


def _remove_stale_temps(folder: Path) -> None:
    """Remove what a killed build left of its temporary files in the output folder."""
    now = time.time()
    for path in folder.glob(f"{TEMP_PREFIX}*.tmp"):
        with contextlib.suppress(OSError):
            info = path.lstat()
            if stat.S_ISREG(info.st_mode) and now - info.st_mtime > STALE_TEMP_SECONDS:
                path.unlink()


def write_atomic(out_dir: Path, name: str, data: bytes, inputs: set[Path]) -> Path:
    """Write `data` to out_dir/name through a temporary file, fsync and os.replace.

    An existing symlink at the target is replaced, never written through, and a target
    that is one of the workspace's input files is refused.
    """
    if "/" in name or "\\" in name or name.startswith("."):
        raise OutputError.single(f"refusing output name {name!r}", None)
    target = out_dir / name
    if real(target) in inputs or (
        target.exists() and not target.is_symlink() and not target.is_file()
    ):
        raise OutputError.single(
            f"refusing to overwrite {target}: it is an input or not a regular file",
            Location(target),
        )
    try:
        replace_file(target, data)
    except OSError as exc:
        raise OutputError.single(f"cannot write {target}: {exc.strerror}", None) from exc
    _fsync_dir(out_dir)
    return target


def replace_file(path: Path, data: bytes, durable: bool = True, overwrite: bool = True) -> None:
    """Put `data` at `path` through a temporary file beside it and os.replace, so a reader
    sees the old file or the new one, never a part; `durable` also flushes it to disk.
    Without `overwrite` the file is linked into place instead, which fails with
    FileExistsError if anything is at `path` by then, even a file made a moment before.
    The temporary file is removed whatever happens; OSError is left to the caller."""
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        if overwrite:
            os.replace(tmp, path)
        else:
            _link_into_place(tmp, path, data)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _link_into_place(tmp: str, path: Path, data: bytes) -> None:
    """The temporary file linked at `path` (FileExistsError if anything is there), then
    removed; on a file system without hard links (FAT, some network shares), `path` is
    created exclusively and written instead."""
    try:
        os.link(tmp, path)
    except OSError as exc:  # FileExistsError (EEXIST) among the others raised as it is
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    os.unlink(tmp)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
