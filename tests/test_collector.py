"""The garbage collector's pauses: what a command's process freezes, what the preview frees."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from briefgen import collector


@pytest.fixture
def one_command(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(collector._Policy, "freeze", True)
    yield
    gc.unfreeze()


def test_a_pause_stops_collections_and_ends_with_the_collector_on() -> None:
    before = sum(s["collections"] for s in gc.get_stats())
    with collector.paused():
        assert not gc.isenabled()
        _ = [[object()] for _ in range(50_000)]  # would be several young collections
        assert sum(s["collections"] for s in gc.get_stats()) == before
        with collector.paused():  # nested: the outer pause decides
            pass
        assert not gc.isenabled()
    assert gc.isenabled() and gc.get_freeze_count() == 0  # a library's pause freezes nothing


def test_a_commands_pause_freezes_what_is_left_and_collect_frees_it(one_command: None) -> None:
    with collector.paused():
        kept = [[object()] for _ in range(1_000)]
    assert gc.get_freeze_count() >= len(kept)
    cycle: list[object] = []
    cycle.append(cycle)
    del cycle, kept
    collector.collect()
    assert gc.get_freeze_count() == 0


def test_the_command_line_runs_as_one_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """README: a command freezes what reading the workspace leaves; main() asks for it."""
    import signal

    from briefgen import cli

    seen: list[bool] = []
    monkeypatch.setattr(cli.cli, "main", lambda **_kwargs: seen.append(collector._Policy.freeze))
    monkeypatch.setattr(collector._Policy, "freeze", False)
    monkeypatch.setattr(cli, "_AS_PROCESS", False)  # main() sets it; put back after
    monkeypatch.setattr(signal, "signal", lambda *_args: None)  # the test keeps its own
    with pytest.raises(SystemExit):
        cli.main([])
    assert seen == [True]
