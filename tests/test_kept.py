"""Bounded: a memo that is emptied rather than let grow without end."""

from __future__ import annotations

from briefgen.kept import Bounded


def test_a_full_memo_is_emptied_before_a_new_entry_and_kept_for_an_old_one() -> None:
    memo: Bounded[str, int] = Bounded(3)
    for n, key in enumerate("abc"):
        memo[key] = n
    memo["a"] = 10  # already there: nothing is dropped
    assert memo == {"a": 10, "b": 1, "c": 2}
    memo["d"] = 3
    assert memo == {"d": 3}
    assert memo.get("d") == 3 and memo.get("a") is None
