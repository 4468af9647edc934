"""Work done on a workspace's files, kept until one of the files it read changes.

`check` reads everything afresh; the preview server keeps a `Warm` and, after each
batch of saves, tells it which files changed, so that only they are read again and
only what depends on them is worked out again. A step's problems are kept with its
result and reported again each time it is reused, so a warm check reports what a
cold one does.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from briefgen.errors import Problem, Report
from briefgen.paths import real

T = TypeVar("T")


def key_paths(path: Path) -> set[Path]:
    """A path as changes are compared: absolute, both as named and with links resolved. A
    change is reported by the name saved, while a file read through a link is the file it
    leads to; and a file made a link (or a link made to lead elsewhere) is a change of its
    name, whatever either name now resolves to."""
    return {Path(os.path.abspath(path)), real(path)}


class Same:
    """A key part that is `obj` itself, not its value: hashed and compared by identity, as a
    value read from a file the Warm still holds is the very object it holds (hashing a
    whole brief by value, at every check, costs more than the lookup saves)."""

    __slots__ = ("obj",)

    def __init__(self, obj: object) -> None:
        self.obj = obj

    def __hash__(self) -> int:
        return id(self.obj)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Same) and other.obj is self.obj


class Hashed:
    """A key part compared by value whose hash is worked out once (the catalogue's sources,
    a part of every brief's key)."""

    __slots__ = ("hash", "value")

    def __init__(self, value: Hashable) -> None:
        self.value, self.hash = value, hash(value)

    def __hash__(self) -> int:
        return self.hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Hashed) and other.hash == self.hash and other.value == self.value


@dataclass
class _Entry:
    files: frozenset[Path]
    value: Any
    problems: list[Problem]


@dataclass
class Warm:
    """Step results by key, each with the files it depends on."""

    # whether each brief's result is also kept on disk (results.py): a run that keeps
    # nothing in memory gains from it; a Warm keeps what it needs itself
    results_on_disk = False
    _entries: dict[Hashable, _Entry] = field(default_factory=dict)

    def changed(self, paths: Iterable[Path] | None) -> None:
        """Forget every result that depends on one of `paths` (None: everything)."""
        if paths is None:
            self._entries.clear()
            return
        # a file, or a folder moved with all it holds
        gone = {k for p in paths for k in key_paths(p)}

        def stale(files: frozenset[Path]) -> bool:
            return bool(files & gone) or any(not gone.isdisjoint(f.parents) for f in files)

        for key in [k for k, e in self._entries.items() if stale(e.files)]:
            del self._entries[key]

    def step(
        self,
        key: Hashable,
        files: Callable[[T], Iterable[Path]],
        make: Callable[[Report], T],
        report: Report,
    ) -> T:
        """make(report), or its kept result (and problems) while none of its files changed."""
        try:
            entry = self._entries.get(key)
        except TypeError:  # a value that cannot be a key (it holds a list): not kept
            return make(report)
        if entry is None:
            mine = Report()
            value = make(mine)
            kept = frozenset(k for p in files(value) for k in key_paths(p))
            entry = _Entry(kept, value, mine.problems)
            self._entries[key] = entry
        report.problems.extend(entry.problems)
        return entry.value  # type: ignore[no-any-return]


class Cold(Warm):
    """Nothing kept: every step is worked out (what `check` and `build` use)."""

    results_on_disk = True

    def step(
        self,
        key: Hashable,
        files: Callable[[T], Iterable[Path]],
        make: Callable[[Report], T],
        report: Report,
    ) -> T:
        return make(report)
