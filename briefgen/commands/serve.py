"""`briefgen serve`: a live preview of the briefs on 127.0.0.1, updated on every save.

A watcher (watchfiles) re-checks the workspace when any of its files changes and
tells open pages through server-sent events; problems never stop the server.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
import webbrowser
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from watchfiles import watch

from briefgen.bounded import signals_held
from briefgen.cache import FOLDER as CACHE_FOLDER
from briefgen.config import find_config
from briefgen.errors import OutputError
from briefgen.preview import LOCAL
from briefgen.preview.server import PreviewServer
from briefgen.preview.state import Preview

_IGNORED = {".git", ".venv", "__pycache__", CACHE_FOLDER, ".mypy_cache", ".pytest_cache"}


@contextmanager
def serving(
    config_path: Path | None, names: tuple[str, ...], host: str = LOCAL, port: int = 0
) -> Iterator[PreviewServer]:
    """A running preview server and watcher; both stopped, quietly, when the block ends."""
    started = time.time_ns()
    preview = Preview(config_path, names)
    try:
        server = PreviewServer(host, port, preview)
    except OSError as exc:
        raise OutputError.single(
            f"cannot listen on {host}:{port}: {exc.strerror}; give another --port, or "
            "check the address given with --host (an IPv4 address or name)",
            None,
        ) from exc
    stop = _Stop()
    watcher = threading.Thread(target=_watch, args=(preview, stop), daemon=True)
    loop = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    with signals_held():  # Ctrl-C and SIGTERM go to the main thread, which waits for them
        watcher.start()
    if stop.watching.wait(10):  # from now on every save is seen: catch up on any made before
        missed = _saved_since(preview, started - _COARSE_NS)
        if missed:
            preview.refresh(missed)
    with signals_held():
        loop.start()
    try:
        yield server
    finally:
        stop.set()
        server.stop()
        server.server_close()
        watcher.join(2)
        loop.join(2)
        preview.close()


def run(
    config_path: Path | None,
    names: tuple[str, ...],
    host: str,
    port: int,
    open_browser: bool,
    say: Callable[[str], None],
) -> None:
    """Serve until Ctrl-C (KeyboardInterrupt, which the caller reports)."""
    with serving(config_path, names, host, port) as server:
        # every address (0.0.0.0) is no address to open: this machine's own is one of them
        shown = "localhost" if host in (LOCAL, "0.0.0.0") else host  # noqa: S104
        url = f"http://{shown}:{server.port}/"
        say(f"previewing at {url} (Ctrl-C to stop)")
        for problem in server.preview.snapshot.problems:
            say(problem.format())
        if open_browser:
            webbrowser.open(url)
        threading.Event().wait()  # until Ctrl-C


_COARSE_NS = 2_000_000_000  # file times may be this coarse: a save this close is checked again


class _Stop:
    """The watcher's stop event, which also tells when the watcher is watching: watchfiles
    asks is_set() only once its watch of the folder is in place."""

    def __init__(self) -> None:
        self.stopping = threading.Event()
        self.watching = threading.Event()

    def is_set(self) -> bool:
        self.watching.set()
        return self.stopping.is_set()

    def set(self) -> None:
        self.stopping.set()


def _watched(preview: Preview) -> tuple[Path, Callable[[object, str], bool]]:
    """The folder watched, and which of the paths in it count."""
    snap = preview.snapshot
    config = snap.result.workspace.config if snap.result else None
    root = config.root if config else find_config(preview.config_path).resolve().parent
    out = config.output_dir.resolve() if config else None

    def wanted(_change: object, path: str) -> bool:
        p = Path(path)
        return not (_IGNORED & set(p.parts)) and not (out is not None and p.is_relative_to(out))

    return root, wanted


def _saved_since(preview: Preview, since_ns: int) -> set[Path]:
    """The workspace's files saved since `since_ns` (nanoseconds since 1970)."""
    root, wanted = _watched(preview)
    found = set()
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [d for d in subfolders if wanted(None, os.path.join(folder, d))]
        for name in files:
            path = os.path.join(folder, name)
            with contextlib.suppress(OSError):
                if wanted(None, path) and os.stat(path).st_mtime_ns >= since_ns:
                    found.add(Path(path))
    return found


def _watch(preview: Preview, stop: _Stop) -> None:
    """Re-check the workspace after each batch of changes to its files."""
    root, wanted = _watched(preview)
    for changes in watch(
        root,
        watch_filter=wanted,
        stop_event=stop,
        debounce=100,
        step=20,
        rust_timeout=500,
        yield_on_timeout=True,  # nothing saved for rust_timeout: a quiet moment
        raise_interrupt=False,
    ):
        if changes:
            preview.refresh({Path(path) for _change, path in changes})
        else:
            preview.tidy()
