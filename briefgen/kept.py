"""A memo that cannot grow without end."""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Bounded(dict[K, V]):
    """A dict emptied when it holds `limit` entries and another is added: for answers worked
    out from what documents and templates hold (names, quotes, elements), any number of
    which a long-running preview may meet. Reading it is a plain dict's lookup."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def __setitem__(self, key: K, value: V) -> None:
        if len(self) >= self.limit and key not in self:
            self.clear()
        super().__setitem__(key, value)
