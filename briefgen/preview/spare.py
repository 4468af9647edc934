"""A render child made ready in a quiet moment, for the next HTML page's template.

A page's template runs in a child of the server's, under the render limits. A child forked
for it pays for its start (about 5 ms) and then runs the template about half as fast again
as its parent would: every page it touches first (Jinja's code, the compiled templates) is
copied for it. The server forks one child ahead, when nothing is asked of it, and has it
run the page it rendered last once more, under the memory limit, with what it makes thrown
away; the next page is given to that child, already warm, and only its view is sent to it.

The spare is forked with the compiled templates of its moment, so it is of use only while
they hold: a change to a template (to anything but a brief or a source) makes it stale,
and it is stopped. A spare still warming is not used; the page gets a child of its own.
"""

from __future__ import annotations

import math
import signal
import threading
from collections.abc import Callable
from typing import Any

from briefgen import bounded

WarmUp = Callable[[], object]


class Spare:
    """At most one warm render child, and the page it is to warm on."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._child: bounded.Ahead | None = None
        self._generation = 0  # of the compiled templates the child was forked with
        self._page: tuple[WarmUp, int] | None = None  # the last page rendered, and when

    def remember(self, page: WarmUp, generation: int) -> None:
        """The page just rendered with the templates of `generation`, which the next spare
        is warmed on while they hold."""
        with self._lock:
            self._page = (page, generation)

    def take(self, generation: int) -> bounded.Ahead | None:
        """The warm child, if it was forked with the templates of `generation` and is done
        warming; it is given to one page only."""
        with self._lock:
            child, forked = self._child, self._generation
            if child is None or not self._warm():
                return None
            self._child = None
        if forked != generation:
            child.close()
            return None
        return child

    def prepare(self, generation: int, fork: Callable[[WarmUp], bounded.Ahead]) -> None:
        """Fork a spare, warmed on the last page, unless a fresh one is there already.
        `fork` starts the child with what it is to inherit in place (the templates)."""
        with self._lock:
            if self._child is not None and self._generation != generation:
                self._child.close()
                self._child = None
            if self._child is not None:
                self._warm()  # (and let go of one that died warming)
            page = self._page
            # warmed only on a page these very templates rendered within the limits
            if self._child is not None or page is None or page[1] != generation:
                return
            try:
                self._child, self._generation = fork(page[0]), generation
            except OSError:  # no child now (out of processes or files): pages fork their own
                return

    def _warm(self) -> bool:
        """Whether the child is done warming. One that died warming (out of time or memory)
        is let go, and so is its page: warming on it again would only fail again, and
        the next page rendered is warmed on instead."""
        assert self._child is not None
        if self._child.ready():
            return True
        if self._child.gone:
            self._child = self._page = None
        return False

    def close(self) -> None:
        with self._lock:
            child, self._child, self._page = self._child, None, None
        if child is not None:
            child.close()


def warmed(
    page: Callable[..., Any], args: tuple[Any, ...], memory_mb: int, seconds: float
) -> WarmUp:
    """What a spare does before it waits: the page again, under the render limits (it ran
    within them moments ago): past `seconds`, the alarm's signal ends the child."""

    def warm() -> None:
        bounded.limit_memory(memory_mb)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)  # (one inherited as ignored would not end it)
        signal.alarm(max(1, math.ceil(seconds)))
        try:
            page(*args)
        finally:
            signal.alarm(0)  # the page it is given next has its own time limit

    return warm
