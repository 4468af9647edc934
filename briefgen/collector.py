"""Python's cyclic garbage collector as briefgen runs it.

Reading a workspace, and the preview's renders, make a great many objects that live on
(nodes, models, spans) and almost no cycles; each collection would walk every one of
them again, so the collector is paused while they run (`paused`). Memory is still freed
as usual when the last reference goes.

A process that runs one command and ends (`one_command`, set by the command line) also
freezes what a pause leaves: the next collection would otherwise walk all of it as
young objects. A cycle among frozen objects is kept until `collect` unfreezes them; the
preview server collects so in the quiet after a save.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


class _Policy:
    freeze = False  # whether a pause ends by freezing what is left


def one_command() -> None:
    """This process runs one command and ends: pauses end by freezing what is left."""
    _Policy.freeze = True


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """The collector paused for the block (already paused: left as it is)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if _Policy.freeze:
                gc.freeze()
            gc.enable()


def collect() -> None:
    """A full collection, of frozen objects too."""
    gc.unfreeze()
    gc.collect()
