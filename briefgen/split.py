"""A cold check of many briefs, shared with a second process.

Reading and checking a brief, and matching its quotes, depends on nothing but the brief
file, config.yaml and the catalogued sources, which is why each brief's result can be
kept (results.py). When many briefs have no kept result, a child process works out the
later half of them while this process does the first half, on the other core.

The sources are read before the child starts, so that it has them as this process
does. The two then talk over a two-way pipe. The child sends each brief as validated
(with the key of the bytes it read); each process makes the normalised forms of half
the sources and sends the other what it made; the child sends the places of its
quotes, then keeps its results on disk for later runs. This process takes a brief only
if the file has the same key for it, and places only if they were worked out against
the same sources and fit the brief's citations, as it takes any kept result; so what
is reported is the same as if it had done all the work itself. If the child fails or
is slow, this process simply does the work: what is not sent is a miss, never an error.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen import citations, cores, forms, freshness
from briefgen.errors import Report
from briefgen.matching import SourceText
from briefgen.models import Config, Source
from briefgen.results import Placed, Read, Results, cache_for

if TYPE_CHECKING:
    import multiprocessing.process
    from multiprocessing.connection import Connection

MIN_BRIEFS = 8  # fewer: starting a child costs more than it saves
READ, FORMS, MATCHED = "read", "forms", "matched"  # what the child has sent so far
# A child that has not reported within this long is given up on and this process does
# the work (a cold check of thousands of briefs takes about a second; giving up only
# costs the time the child would have saved)
WAIT_SECONDS = 60.0


class Share:
    """The child doing `later` (brief files), and what it has sent so far."""

    def __init__(
        self,
        config: Config,
        sources: dict[str, Source],
        texts: dict[str, SourceText],
        later: Sequence[Path],
    ) -> None:
        self.later = set(later)
        self.texts = texts
        self.sent: dict[str, dict[Any, Any]] = {}  # by stage: what came with it
        self._child: multiprocessing.process.BaseProcess | None = None
        self._receive: Connection | None = None
        from briefgen import bounded  # loaded only when a child is started

        with contextlib.suppress(OSError):  # no child: this process does all the work
            self._child, self._receive = bounded.spawn(
                _work,
                config,
                sources,
                texts,  # read already: the child has them as this process does
                list(later),
                parent=True,  # it reads documents in children
                duplex=True,  # this process sends it the forms it made
            )

    def read(self, path: Path) -> Read | None:
        """What the child sent of validating `path` (once READ is in)."""
        found: Read | None = self.sent.get(READ, {}).get(path)
        return found

    def places(self, path: Path) -> Placed | None:
        """What the child sent of resolving `path`'s quotes, with the key of the brief's
        bytes it read (once MATCHED is in)."""
        found: Placed | None = self.sent.get(MATCHED, {}).get(path)
        return found

    def own_forms(self) -> list[Callable[[], object]]:
        """Making the plain forms of this process's half of the sources, a task a source."""
        return [functools.partial(_make_plain, text) for text in halves(self.texts)[0]]

    def meanwhile(self, stage: str, tasks: Sequence[Callable[[], object]]) -> None:
        """Do `tasks` in turn until the child has said `stage` or has ended, or all are done
        (work this process would do later anyway, done while it would wait)."""
        for task in tasks:
            if self._said(stage, 0):
                return
            task()

    def exchange(self) -> None:
        """Make the plain forms of this process's half of the sources (`halves`), take
        those the child made of the other half, and send it ours."""
        ours = halves(self.texts)[0]
        for text in ours:
            _make_plain(text)
        self.wait(FORMS)
        forms.adopt(self.sent.get(FORMS, {}))
        if self._receive is not None:  # the child is there: it waits for them
            try:
                self._receive.send((FORMS, {text.sha256: text.plain for text in ours}))
            except (OSError, ValueError):
                self.close()

    def wait(self, stage: str) -> None:
        """Wait until the child has sent `stage` (READ, FORMS or MATCHED), or has ended."""
        self._said(stage, WAIT_SECONDS)

    def _said(self, stage: str, patience: float) -> bool:
        """Whether the child has said `stage` or has ended, waiting up to `patience` for
        it (a child that says nothing for WAIT_SECONDS is given up on)."""
        while stage not in self.sent and self._receive is not None:
            try:
                if not self._receive.poll(patience):
                    if patience < WAIT_SECONDS:
                        return False
                    raise EOFError
                # (READ, what validating each brief gave), (FORMS, its forms by text's
                # SHA-256) or (MATCHED, each brief's places)
                said, given = self._receive.recv()
                self.sent[str(said)] = dict(given)
            except (EOFError, OSError):
                self.close()
        return True

    def close(self) -> None:
        receive, self._receive = self._receive, None
        if receive is not None:
            receive.close()
        child, self._child = self._child, None
        if child is not None:
            if MATCHED in self.sent:  # all it has left to do is keep its results
                child.join(WAIT_SECONDS)
            if child.is_alive():
                child.kill()
            child.join(5)


def share(
    config: Config,
    sources: dict[str, Source],
    texts: dict[str, SourceText],
    paths: Sequence[Path],
    kept: Results,
) -> Share | None:
    """A child for the later half of the briefs in `paths` that have no kept result, if
    there are enough of them to be worth one."""
    if sys.platform == "win32" or len(paths) < MIN_BRIEFS:  # pragma: no cover - no fork there
        return None
    if cores.workers(2) < 2 or not _can_keep(config):
        return None
    cold = [path for path in paths if not kept.has(path)]
    if len(cold) < MIN_BRIEFS:
        return None
    return Share(config, sources, texts, cold[(len(cold) + 1) // 2 :])


def _make_plain(text: SourceText) -> None:
    text.plain  # noqa: B018 - a cached property: made now, kept for the quotes


def halves(texts: dict[str, SourceText]) -> tuple[list[SourceText], list[SourceText]]:
    """The sources whose plain forms this process makes, and those the child makes."""
    every = list(texts.values())
    return every[::2], every[1::2]


def _can_keep(config: Config) -> bool:
    """Whether kept results can be written (what the child works out is kept for later
    runs: without that, a second process saves less than it costs)."""
    folder = cache_for(config).folder
    if folder is None:
        return False
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        return os.access(folder, os.W_OK)
    return False


def _work(
    send: Connection,
    config: Config,
    sources: dict[str, Source],
    texts: dict[str, SourceText],
    later: list[Path],
) -> None:
    """In the child: read and check the later briefs and send what that gave, then match
    their quotes, keep the results and send the places. Whatever happens, end without
    printing."""
    code = 1
    try:
        from briefgen import bounded

        bounded.become_child()
        quiet = Report()
        kept = Results(config, cache_for(config))
        kept.defer()  # kept once the parent has what it needs
        briefs = [b for path in later if (b := kept.validate(path, quiet)) is not None]
        send.send((READ, {path: kept.read(path) for path in later}))
        ours = halves(texts)[1]  # the other half is the parent's
        send.send((FORMS, {text.sha256: text.plain for text in ours}))
        if send.poll(WAIT_SECONDS):  # the parent's half (it may have given up on this child)
            said, made = send.recv()
            if said == FORMS:
                forms.adopt(made)
        sources = citations.with_digests(sources, texts)
        for brief in freshness.mark_stale(briefs, config, quiet):
            kept.resolve(brief, sources, texts, quiet)
        send.send((MATCHED, {path: kept.resolution(path) for path in later}))
        kept.flush()
        code = 0
    except BaseException:  # noqa: S110 - the parent does the work itself
        pass
    finally:
        os._exit(code)
